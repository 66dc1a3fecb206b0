package dev.goroscope.otel.export;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link BatchingSpanExporter} batches and retries. Memory is bounded by
 * {@code maxQueueSize + maxConcurrentExports × maxBatchSize} spans whatever the backend does.
 */
public final class BatchConfig {

  public static final int DEFAULT_MAX_QUEUE_SIZE = 8192;
  /**
   * Spans per request. Each request costs the OTLP exporter's HTTP client a fixed amount of
   * sidecar CPU: 2,048 instead of the specification's 512 took that CPU from 21.1 to 15.5 µs per
   * HTTP request of the overhead benchmark in steady state (docs/benchmarks.md, 2026-12-02).
   * At ~550 bytes a span a request is ~1 MB; one a backend refuses as too large is split
   * ({@link BatchingSpanExporter}).
   */
  public static final int DEFAULT_MAX_BATCH_SIZE = 2048;
  public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(2);
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);
  public static final Duration DEFAULT_MAX_RETRY_TIME = Duration.ofMinutes(1);
  public static final Duration DEFAULT_EXPORT_TIMEOUT = Duration.ofSeconds(15);
  /**
   * How long closing may try to deliver what is queued. Ctrl-C waits this long at most for the
   * backend (plus a second to let go of the exporter), whatever the backend does.
   */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
  /**
   * Batches in flight at once while the backend is healthy. More than one hides the per-request
   * latency (about 40 ms per request on loopback here, Nagle against delayed ACKs), which
   * otherwise caps one connection at roughly one batch per 40 ms.
   */
  public static final int DEFAULT_MAX_CONCURRENT_EXPORTS = 4;

  private final int maxQueueSize;
  private final int maxBatchSize;
  private final Duration maxAge;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration maxRetryTime;
  private final Duration exportTimeout;
  private final Duration shutdownTimeout;
  private final int maxConcurrentExports;

  private BatchConfig(Builder b) {
    this.maxConcurrentExports = b.maxConcurrentExports;
    this.maxQueueSize = b.maxQueueSize;
    this.maxBatchSize = Math.min(b.maxBatchSize, b.maxQueueSize);
    this.maxAge = b.maxAge;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff.compareTo(b.initialBackoff) < 0 ? b.initialBackoff
        : b.maxBackoff;
    this.maxRetryTime = b.maxRetryTime;
    this.exportTimeout = b.exportTimeout;
    this.shutdownTimeout = b.shutdownTimeout;
  }

  public static BatchConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Spans waiting for export; when full, new spans are dropped and counted. */
  public int maxQueueSize() {
    return maxQueueSize;
  }

  /** Spans per export request; a full batch is sent at once. */
  public int maxBatchSize() {
    return maxBatchSize;
  }

  /** A queued span is sent at the latest this long after the previous export. */
  public Duration maxAge() {
    return maxAge;
  }

  /** First wait after a failed export; doubles per failure up to {@link #maxBackoff()}. */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** A batch failing for longer than this is dropped (counted) so fresher spans can go. */
  public Duration maxRetryTime() {
    return maxRetryTime;
  }

  /** How long one export call may take before it counts as failed. */
  public Duration exportTimeout() {
    return exportTimeout;
  }

  /**
   * How long close() tries to deliver what is queued; what is left then is dropped and counted.
   * Closing takes at most this plus {@link BatchingSpanExporter#EXPORTER_SHUTDOWN_GRACE}.
   */
  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  /** Batches in flight at once while exports succeed; one at a time while retrying. */
  public int maxConcurrentExports() {
    return maxConcurrentExports;
  }

  /** Builder; setters check their input. */
  public static final class Builder {
    private int maxQueueSize = DEFAULT_MAX_QUEUE_SIZE;
    private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
    private Duration maxAge = DEFAULT_MAX_AGE;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private Duration maxRetryTime = DEFAULT_MAX_RETRY_TIME;
    private Duration exportTimeout = DEFAULT_EXPORT_TIMEOUT;
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private int maxConcurrentExports = DEFAULT_MAX_CONCURRENT_EXPORTS;

    private Builder() {}

    public Builder setMaxConcurrentExports(int n) {
      this.maxConcurrentExports = positive(n, "maxConcurrentExports");
      return this;
    }

    public Builder setMaxQueueSize(int n) {
      this.maxQueueSize = positive(n, "maxQueueSize");
      return this;
    }

    public Builder setMaxBatchSize(int n) {
      this.maxBatchSize = positive(n, "maxBatchSize");
      return this;
    }

    public Builder setMaxAge(Duration d) {
      this.maxAge = positive(d, "maxAge");
      return this;
    }

    public Builder setBackoff(Duration initial, Duration max) {
      this.initialBackoff = positive(initial, "initialBackoff");
      this.maxBackoff = positive(max, "maxBackoff");
      return this;
    }

    public Builder setMaxRetryTime(Duration d) {
      this.maxRetryTime = positive(d, "maxRetryTime");
      return this;
    }

    public Builder setExportTimeout(Duration d) {
      this.exportTimeout = positive(d, "exportTimeout");
      return this;
    }

    public Builder setShutdownTimeout(Duration d) {
      this.shutdownTimeout = positive(d, "shutdownTimeout");
      return this;
    }

    public BatchConfig build() {
      return new BatchConfig(this);
    }

    private static int positive(int n, String name) {
      if (n <= 0) {
        throw new IllegalArgumentException(name + " must be positive, got " + n);
      }
      return n;
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
      return d;
    }
  }
}
