package dev.goroscope.otel.span;

import dev.goroscope.otel.time.ClockOffset;
import io.opentelemetry.sdk.trace.IdGenerator;
import java.util.Objects;

/** How goroutines become spans. Immutable; built with {@link #builder()}. */
public final class SpanMappingConfig {

  public static final int DEFAULT_MAX_EVENTS_PER_SPAN = 128;
  public static final int DEFAULT_MAX_LINKS_PER_SPAN = 32;

  private final TraceRootPolicy rootPolicy;
  private final int maxEventsPerSpan;
  private final int maxLinksPerSpan;
  private final IdGenerator idGenerator;
  private final ClockOffset clock;
  private final boolean exportUnsampled;

  private SpanMappingConfig(Builder b) {
    this.rootPolicy = b.rootPolicy;
    this.maxEventsPerSpan = b.maxEventsPerSpan;
    this.maxLinksPerSpan = b.maxLinksPerSpan;
    this.idGenerator = b.idGenerator;
    this.clock = b.clock != null ? b.clock : ClockOffset.measure();
    this.exportUnsampled = b.exportUnsampled;
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

  public IdGenerator idGenerator() {
    return idGenerator;
  }

  /** Monotonic → epoch conversion for span times. */
  public ClockOffset clock() {
    return clock;
  }

  /**
   * Whether goroutines created under an application span that its sampler dropped are exported
   * anyway (in that span's trace, under it; the application does not export the span itself).
   * Default false: the application's sampling decision holds for its goroutines too.
   */
  public boolean exportUnsampled() {
    return exportUnsampled;
  }

  /** Builder; each setter checks its argument. */
  public static final class Builder {
    private TraceRootPolicy rootPolicy = TraceRootPolicy.defaults();
    private int maxEventsPerSpan = DEFAULT_MAX_EVENTS_PER_SPAN;
    private int maxLinksPerSpan = DEFAULT_MAX_LINKS_PER_SPAN;
    private IdGenerator idGenerator = IdGenerator.random();
    private ClockOffset clock;
    private boolean exportUnsampled;

    private Builder() {}

    /** See {@link SpanMappingConfig#exportUnsampled()}; default false. */
    public Builder setExportUnsampled(boolean exportUnsampled) {
      this.exportUnsampled = exportUnsampled;
      return this;
    }

    public Builder setRootPolicy(TraceRootPolicy rootPolicy) {
      this.rootPolicy = Objects.requireNonNull(rootPolicy, "rootPolicy");
      return this;
    }

    /** Span events kept per span; the rarer kinds first, see {@link GoroutineSpanMapper}. */
    public Builder setMaxEventsPerSpan(int n) {
      this.maxEventsPerSpan = positive(n, "max events per span");
      return this;
    }

    public Builder setMaxLinksPerSpan(int n) {
      this.maxLinksPerSpan = positive(n, "max links per span");
      return this;
    }

    public Builder setIdGenerator(IdGenerator idGenerator) {
      this.idGenerator = Objects.requireNonNull(idGenerator, "idGenerator");
      return this;
    }

    /** Default: measured once when the config is built. */
    public Builder setClock(ClockOffset clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public SpanMappingConfig build() {
      return new SpanMappingConfig(this);
    }

    private static int positive(int n, String what) {
      if (n <= 0) {
        throw new IllegalArgumentException(what + " must be positive, got " + n);
      }
      return n;
    }
  }
}
