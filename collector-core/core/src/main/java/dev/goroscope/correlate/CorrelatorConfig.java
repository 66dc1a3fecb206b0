package dev.goroscope.correlate;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link Correlator}: immutable, built with {@link #builder()}, every default a
 * named constant. Invalid values are rejected when set, so a built config is always usable.
 */
public final class CorrelatorConfig {

  /**
   * How far behind the newest event the correlator waits before acting on an event, so that
   * events from other CPUs with earlier timestamps can still be put in order. Measured (see
   * docs/benchmarks.md, "Reorder window"): publishing timestamped events into one shared buffer
   * from several threads leaves 99.99% of them less than 15 µs out of order; the tail is a
   * publisher losing its CPU between taking the timestamp and publishing, which lasts as long
   * as the scheduler keeps it off (milliseconds, hundreds under heavy overload). 50 ms covers
   * several scheduler slices, costs ~3.5 MB of buffer at a million events per second (the
   * buffer is capped by {@link #DEFAULT_MAX_REORDER_EVENTS} anyway) and delays records by an
   * amount nobody watching a trace notices. Events later than that are still processed, counted
   * as late, and the goroutines they touch are marked incomplete.
   */
  public static final Duration DEFAULT_REORDER_WINDOW = Duration.ofMillis(50);
  /** Upper bound on events held for reordering; past it the oldest is processed early. */
  public static final int DEFAULT_MAX_REORDER_EVENTS = 65_536;
  /** How long after a deadline fired a goroutine in its scope may still run without blame. */
  public static final Duration DEFAULT_DEADLINE_GRACE = Duration.ofMillis(100);
  /**
   * Age after which a live goroutine is a leak candidate; in deep mode it must also have been
   * parked, without a wakeup, for at least as long.
   */
  public static final Duration DEFAULT_LEAK_THRESHOLD = Duration.ofSeconds(60);
  /** Cap on goroutines tracked at once over all processes (~130 bytes of heap each). */
  public static final int DEFAULT_MAX_GOROUTINES = 1_000_000;
  /** Cap on live contexts with a deadline tracked at once over all processes. */
  public static final int DEFAULT_MAX_CONTEXTS = 100_000;
  /** Interval of partial records for goroutines alive at least that long. */
  public static final Duration DEFAULT_PARTIAL_FLUSH_INTERVAL = Duration.ofSeconds(10);
  /** Deep mode: park intervals kept per goroutine (the most recent ones). */
  public static final int DEFAULT_MAX_PARKS_PER_GOROUTINE = 64;
  /** Context events kept per goroutine (the most recent ones). */
  public static final int DEFAULT_MAX_CONTEXT_EVENTS_PER_GOROUTINE = 32;
  /** Other events (channel operations…) kept per goroutine (the most recent ones). */
  public static final int DEFAULT_MAX_MARKS_PER_GOROUTINE = 64;
  /** Goroutines remembered as being in one context's deadline scope. */
  public static final int DEFAULT_MAX_SCOPE_GOROUTINES_PER_CONTEXT = 10_000;
  /** Distinct PCs whose symbolisation is cached per process. */
  public static final int DEFAULT_MAX_CACHED_SYMBOLS = 65_536;

  private final long reorderWindowNs;
  private final int maxReorderEvents;
  private final long deadlineGraceNs;
  private final long leakThresholdNs;
  private final int maxGoroutines;
  private final int maxContexts;
  private final long partialFlushIntervalNs;
  private final int maxParksPerGoroutine;
  private final int maxContextEventsPerGoroutine;
  private final int maxMarksPerGoroutine;
  private final int maxScopeGoroutinesPerContext;
  private final int maxCachedSymbols;

  private CorrelatorConfig(Builder b) {
    this.reorderWindowNs = b.reorderWindowNs;
    this.maxReorderEvents = b.maxReorderEvents;
    this.deadlineGraceNs = b.deadlineGraceNs;
    this.leakThresholdNs = b.leakThresholdNs;
    this.maxGoroutines = b.maxGoroutines;
    this.maxContexts = b.maxContexts;
    this.partialFlushIntervalNs = b.partialFlushIntervalNs;
    this.maxParksPerGoroutine = b.maxParksPerGoroutine;
    this.maxContextEventsPerGoroutine = b.maxContextEventsPerGoroutine;
    this.maxMarksPerGoroutine = b.maxMarksPerGoroutine;
    this.maxScopeGoroutinesPerContext = b.maxScopeGoroutinesPerContext;
    this.maxCachedSymbols = b.maxCachedSymbols;
  }

  /** The defaults. */
  public static CorrelatorConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.reorderWindowNs = reorderWindowNs;
    b.maxReorderEvents = maxReorderEvents;
    b.deadlineGraceNs = deadlineGraceNs;
    b.leakThresholdNs = leakThresholdNs;
    b.maxGoroutines = maxGoroutines;
    b.maxContexts = maxContexts;
    b.partialFlushIntervalNs = partialFlushIntervalNs;
    b.maxParksPerGoroutine = maxParksPerGoroutine;
    b.maxContextEventsPerGoroutine = maxContextEventsPerGoroutine;
    b.maxMarksPerGoroutine = maxMarksPerGoroutine;
    b.maxScopeGoroutinesPerContext = maxScopeGoroutinesPerContext;
    b.maxCachedSymbols = maxCachedSymbols;
    return b;
  }

  public long reorderWindowNs() {
    return reorderWindowNs;
  }

  public int maxReorderEvents() {
    return maxReorderEvents;
  }

  public long deadlineGraceNs() {
    return deadlineGraceNs;
  }

  public long leakThresholdNs() {
    return leakThresholdNs;
  }

  public int maxGoroutines() {
    return maxGoroutines;
  }

  public int maxContexts() {
    return maxContexts;
  }

  public long partialFlushIntervalNs() {
    return partialFlushIntervalNs;
  }

  public int maxParksPerGoroutine() {
    return maxParksPerGoroutine;
  }

  public int maxContextEventsPerGoroutine() {
    return maxContextEventsPerGoroutine;
  }

  public int maxMarksPerGoroutine() {
    return maxMarksPerGoroutine;
  }

  public int maxScopeGoroutinesPerContext() {
    return maxScopeGoroutinesPerContext;
  }

  public int maxCachedSymbols() {
    return maxCachedSymbols;
  }

  @Override
  public String toString() {
    return "CorrelatorConfig{reorderWindowNs=" + reorderWindowNs
        + ", maxReorderEvents=" + maxReorderEvents
        + ", deadlineGraceNs=" + deadlineGraceNs
        + ", leakThresholdNs=" + leakThresholdNs
        + ", maxGoroutines=" + maxGoroutines
        + ", maxContexts=" + maxContexts
        + ", partialFlushIntervalNs=" + partialFlushIntervalNs
        + ", maxParksPerGoroutine=" + maxParksPerGoroutine
        + ", maxContextEventsPerGoroutine=" + maxContextEventsPerGoroutine
        + ", maxMarksPerGoroutine=" + maxMarksPerGoroutine
        + ", maxScopeGoroutinesPerContext=" + maxScopeGoroutinesPerContext
        + ", maxCachedSymbols=" + maxCachedSymbols + "}";
  }

  /** Builder; each setter checks its argument and throws {@link IllegalArgumentException}. */
  public static final class Builder {
    private long reorderWindowNs = DEFAULT_REORDER_WINDOW.toNanos();
    private int maxReorderEvents = DEFAULT_MAX_REORDER_EVENTS;
    private long deadlineGraceNs = DEFAULT_DEADLINE_GRACE.toNanos();
    private long leakThresholdNs = DEFAULT_LEAK_THRESHOLD.toNanos();
    private int maxGoroutines = DEFAULT_MAX_GOROUTINES;
    private int maxContexts = DEFAULT_MAX_CONTEXTS;
    private long partialFlushIntervalNs = DEFAULT_PARTIAL_FLUSH_INTERVAL.toNanos();
    private int maxParksPerGoroutine = DEFAULT_MAX_PARKS_PER_GOROUTINE;
    private int maxContextEventsPerGoroutine = DEFAULT_MAX_CONTEXT_EVENTS_PER_GOROUTINE;
    private int maxMarksPerGoroutine = DEFAULT_MAX_MARKS_PER_GOROUTINE;
    private int maxScopeGoroutinesPerContext = DEFAULT_MAX_SCOPE_GOROUTINES_PER_CONTEXT;
    private int maxCachedSymbols = DEFAULT_MAX_CACHED_SYMBOLS;

    private Builder() {}

    /** Zero turns reordering off (events are processed in arrival order). */
    public Builder setReorderWindow(Duration window) {
      this.reorderWindowNs = nonNegative(window, "reorder window");
      return this;
    }

    public Builder setMaxReorderEvents(int max) {
      this.maxReorderEvents = positive(max, "max reorder events");
      return this;
    }

    public Builder setDeadlineGrace(Duration grace) {
      this.deadlineGraceNs = nonNegative(grace, "deadline grace");
      return this;
    }

    public Builder setLeakThreshold(Duration threshold) {
      this.leakThresholdNs = positive(threshold, "leak threshold");
      return this;
    }

    public Builder setMaxGoroutines(int max) {
      this.maxGoroutines = positive(max, "max goroutines");
      return this;
    }

    public Builder setMaxContexts(int max) {
      this.maxContexts = positive(max, "max contexts");
      return this;
    }

    public Builder setPartialFlushInterval(Duration interval) {
      this.partialFlushIntervalNs = positive(interval, "partial flush interval");
      return this;
    }

    public Builder setMaxParksPerGoroutine(int max) {
      this.maxParksPerGoroutine = positive(max, "max parks per goroutine");
      return this;
    }

    public Builder setMaxContextEventsPerGoroutine(int max) {
      this.maxContextEventsPerGoroutine = positive(max, "max context events per goroutine");
      return this;
    }

    public Builder setMaxMarksPerGoroutine(int max) {
      this.maxMarksPerGoroutine = positive(max, "max marks per goroutine");
      return this;
    }

    public Builder setMaxScopeGoroutinesPerContext(int max) {
      this.maxScopeGoroutinesPerContext = positive(max, "max scope goroutines per context");
      return this;
    }

    public Builder setMaxCachedSymbols(int max) {
      this.maxCachedSymbols = positive(max, "max cached symbols");
      return this;
    }

    public CorrelatorConfig build() {
      return new CorrelatorConfig(this);
    }

    private static long nonNegative(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative()) {
        throw new IllegalArgumentException(what + " must not be negative, got " + d);
      }
      return d.toNanos();
    }

    private static long positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, got " + d);
      }
      return d.toNanos();
    }

    private static int positive(int value, String what) {
      if (value <= 0) {
        throw new IllegalArgumentException(what + " must be positive, got " + value);
      }
      return value;
    }
  }
}
