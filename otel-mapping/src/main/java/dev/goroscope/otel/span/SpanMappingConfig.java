package dev.goroscope.otel.span;

import dev.goroscope.otel.time.ClockOffset;
import io.opentelemetry.sdk.trace.IdGenerator;
import java.time.Duration;
import java.util.Objects;

/** How goroutine records become spans. Immutable; built with {@link #builder()}. */
public final class SpanMappingConfig {

  public static final int DEFAULT_MAX_EVENTS_PER_SPAN = 128;
  public static final int DEFAULT_MAX_LINKS_PER_SPAN = 32;
  public static final int DEFAULT_MAX_TRACKED_GOROUTINES = 262_144;
  public static final int DEFAULT_MAX_WAITING_RECORDS = 65_536;
  public static final Duration DEFAULT_MAX_PARENT_WAIT = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_LIVE_GOROUTINES = 65_536;

  private final TraceRootPolicy rootPolicy;
  private final int maxEventsPerSpan;
  private final int maxLinksPerSpan;
  private final int maxTrackedGoroutines;
  private final int maxWaitingRecords;
  private final long maxParentWaitNs;
  private final int maxLiveGoroutines;
  private final IdGenerator idGenerator;
  private final ClockOffset clock;

  private SpanMappingConfig(Builder b) {
    this.rootPolicy = b.rootPolicy;
    this.maxEventsPerSpan = b.maxEventsPerSpan;
    this.maxLinksPerSpan = b.maxLinksPerSpan;
    this.maxTrackedGoroutines = b.maxTrackedGoroutines;
    this.maxWaitingRecords = b.maxWaitingRecords;
    this.maxParentWaitNs = b.maxParentWait.toNanos();
    this.maxLiveGoroutines = b.maxLiveGoroutines;
    this.idGenerator = b.idGenerator;
    this.clock = b.clock != null ? b.clock : ClockOffset.measure();
  }

  public static Builder builder() {
    return new Builder();
  }

  public TraceRootPolicy rootPolicy() {
    return rootPolicy;
  }

  public int maxEventsPerSpan() {
    return maxEventsPerSpan;
  }

  public int maxLinksPerSpan() {
    return maxLinksPerSpan;
  }

  public int maxTrackedGoroutines() {
    return maxTrackedGoroutines;
  }

  public int maxWaitingRecords() {
    return maxWaitingRecords;
  }

  public long maxParentWaitNs() {
    return maxParentWaitNs;
  }

  public int maxLiveGoroutines() {
    return maxLiveGoroutines;
  }

  public IdGenerator idGenerator() {
    return idGenerator;
  }

  public ClockOffset clock() {
    return clock;
  }

  /** Builder; every setter checks its input. */
  public static final class Builder {
    private TraceRootPolicy rootPolicy = TraceRootPolicy.defaults();
    private int maxEventsPerSpan = DEFAULT_MAX_EVENTS_PER_SPAN;
    private int maxLinksPerSpan = DEFAULT_MAX_LINKS_PER_SPAN;
    private int maxTrackedGoroutines = DEFAULT_MAX_TRACKED_GOROUTINES;
    private int maxWaitingRecords = DEFAULT_MAX_WAITING_RECORDS;
    private Duration maxParentWait = DEFAULT_MAX_PARENT_WAIT;
    private int maxLiveGoroutines = DEFAULT_MAX_LIVE_GOROUTINES;
    private IdGenerator idGenerator = IdGenerator.random();
    private ClockOffset clock;

    private Builder() {}

    public Builder setRootPolicy(TraceRootPolicy rootPolicy) {
      this.rootPolicy = Objects.requireNonNull(rootPolicy, "rootPolicy");
      return this;
    }

    public Builder setMaxEventsPerSpan(int n) {
      this.maxEventsPerSpan = nonNegative(n, "maxEventsPerSpan");
      return this;
    }

    public Builder setMaxLinksPerSpan(int n) {
      this.maxLinksPerSpan = nonNegative(n, "maxLinksPerSpan");
      return this;
    }

    /** How many goroutines' span contexts are remembered for children that arrive later. */
    public Builder setMaxTrackedGoroutines(int n) {
      this.maxTrackedGoroutines = positive(n, "maxTrackedGoroutines");
      return this;
    }

    /** How many records may wait for their parent's record before the oldest is forced. */
    public Builder setMaxWaitingRecords(int n) {
      this.maxWaitingRecords = positive(n, "maxWaitingRecords");
      return this;
    }

    /** How long a record waits for its parent's record before the parent gets its own trace. */
    public Builder setMaxParentWait(Duration d) {
      Objects.requireNonNull(d, "maxParentWait");
      if (d.isNegative()) {
        throw new IllegalArgumentException("maxParentWait must not be negative");
      }
      this.maxParentWait = d;
      return this;
    }

    /** How many still-running goroutines are held (latest partial record) for a final flush. */
    public Builder setMaxLiveGoroutines(int n) {
      this.maxLiveGoroutines = positive(n, "maxLiveGoroutines");
      return this;
    }

    public Builder setIdGenerator(IdGenerator idGenerator) {
      this.idGenerator = Objects.requireNonNull(idGenerator, "idGenerator");
      return this;
    }

    /** The monotonic-to-epoch conversion; measured at {@link #build()} when not set. */
    public Builder setClock(ClockOffset clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public SpanMappingConfig build() {
      return new SpanMappingConfig(this);
    }

    private static int positive(int n, String name) {
      if (n <= 0) {
        throw new IllegalArgumentException(name + " must be positive, got " + n);
      }
      return n;
    }

    private static int nonNegative(int n, String name) {
      if (n < 0) {
        throw new IllegalArgumentException(name + " must not be negative, got " + n);
      }
      return n;
    }
  }
}
