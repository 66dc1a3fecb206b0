package dev.goroscope.otel.receiver;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How the receiver listens and how much it may hold. Defaults are named constants; every setter
 * checks its input and names the setting in its message.
 *
 * <p>Memory: requests are held as their serialized bytes, and all held requests together
 * (waiting for enrichment, queued, being sent or retried) never exceed {@link #maxQueueBytes()}.
 * A request that does not fit is refused with 429 / RESOURCE_EXHAUSTED and a retry delay, so the
 * application's exporter backs off and retries instead of losing data silently. On top of that,
 * requests being read are bounded by {@link #maxMessageBytes()} each, and parsed requests held
 * for enrichment take a few times their serialized size.
 */
public final class ReceiverConfig {

  /** Largest request accepted (after gzip decompression), the Collector's gRPC default. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
  public static final long DEFAULT_MAX_QUEUE_BYTES = 64L * 1024 * 1024;
  /** How long a request may wait for its spans' enrichment (see {@link SpanEnricher}). */
  public static final Duration DEFAULT_ENRICHMENT_WAIT = Duration.ofMillis(200);
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(250);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);
  /** A request not delivered within this time of its arrival is dropped (counted). */
  public static final Duration DEFAULT_MAX_RETRY_TIME = Duration.ofSeconds(60);
  public static final int DEFAULT_MAX_CONCURRENT_FORWARDS = 4;
  /** How long {@code shutdown()} keeps delivering what is held before it drops the rest. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
  /** Threads handling received requests (per server). */
  public static final int DEFAULT_SERVER_THREADS = 4;

  private final ListenAddress grpc;
  private final ListenAddress http;
  private final Path tlsCertificate;
  private final Path tlsKey;
  private final String authHeaderName;
  private final String authHeaderValue;
  private final int maxMessageBytes;
  private final long maxQueueBytes;
  private final Duration enrichmentWait;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration maxRetryTime;
  private final int maxConcurrentForwards;
  private final Duration shutdownTimeout;
  private final int serverThreads;

  private ReceiverConfig(Builder b) {
    this.grpc = b.grpc;
    this.http = b.http;
    this.tlsCertificate = b.tlsCertificate;
    this.tlsKey = b.tlsKey;
    this.authHeaderName = b.authHeaderName;
    this.authHeaderValue = b.authHeaderValue;
    this.maxMessageBytes = b.maxMessageBytes;
    this.maxQueueBytes = b.maxQueueBytes;
    this.enrichmentWait = b.enrichmentWait;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff.compareTo(b.initialBackoff) < 0 ? b.initialBackoff
        : b.maxBackoff;
    this.maxRetryTime = b.maxRetryTime;
    this.maxConcurrentForwards = b.maxConcurrentForwards;
    this.shutdownTimeout = b.shutdownTimeout;
    this.serverThreads = b.serverThreads;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The OTLP/gRPC listen address, or null for no gRPC receiver. */
  public ListenAddress grpc() {
    return grpc;
  }

  /** The OTLP/HTTP listen address, or null for no HTTP receiver. */
  public ListenAddress http() {
    return http;
  }

  /** PEM certificate chain to serve TLS with, or null for plain text. */
  public Path tlsCertificate() {
    return tlsCertificate;
  }

  /** PEM PKCS#8 private key of {@link #tlsCertificate()}, or null. */
  public Path tlsKey() {
    return tlsKey;
  }

  /** Lower-case name of the header every request must carry, or null for none. */
  public String authHeaderName() {
    return authHeaderName;
  }

  /** The value that header must have exactly, or null. */
  String authHeaderValue() {
    return authHeaderValue;
  }

  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  public long maxQueueBytes() {
    return maxQueueBytes;
  }

  public Duration enrichmentWait() {
    return enrichmentWait;
  }

  public Duration initialBackoff() {
    return initialBackoff;
  }

  public Duration maxBackoff() {
    return maxBackoff;
  }

  public Duration maxRetryTime() {
    return maxRetryTime;
  }

  public int maxConcurrentForwards() {
    return maxConcurrentForwards;
  }

  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  public int serverThreads() {
    return serverThreads;
  }

  @Override
  public String toString() {
    return "ReceiverConfig{grpc=" + grpc + ", http=" + http + ", tls=" + (tlsCertificate != null)
        + ", auth=" + (authHeaderName != null) + "}";
  }

  /** Builder; at least one of gRPC and HTTP must be set. */
  public static final class Builder {
    private ListenAddress grpc;
    private ListenAddress http;
    private Path tlsCertificate;
    private Path tlsKey;
    private String authHeaderName;
    private String authHeaderValue;
    private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
    private long maxQueueBytes = DEFAULT_MAX_QUEUE_BYTES;
    private Duration enrichmentWait = DEFAULT_ENRICHMENT_WAIT;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private Duration maxRetryTime = DEFAULT_MAX_RETRY_TIME;
    private int maxConcurrentForwards = DEFAULT_MAX_CONCURRENT_FORWARDS;
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private int serverThreads = DEFAULT_SERVER_THREADS;

    private Builder() {}

    public Builder setGrpc(ListenAddress address) {
      this.grpc = address;
      return this;
    }

    public Builder setHttp(ListenAddress address) {
      this.http = address;
      return this;
    }

    /** Serve TLS with this PEM certificate chain and PEM PKCS#8 key (both or neither). */
    public Builder setTls(Path certificatePem, Path keyPem) {
      if ((certificatePem == null) != (keyPem == null)) {
        throw new IllegalArgumentException(
            "receiver TLS needs both a certificate and a key file");
      }
      this.tlsCertificate = certificatePem;
      this.tlsKey = keyPem;
      return this;
    }

    /**
     * Require {@code name: value} on every request (e.g. {@code authorization},
     * {@code Bearer s3cret}); others are refused with 401 / UNAUTHENTICATED and counted.
     */
    public Builder setRequiredHeader(String name, String value) {
      Objects.requireNonNull(name, "header name");
      Objects.requireNonNull(value, "header value");
      String n = name.trim().toLowerCase(Locale.ROOT);
      if (n.isEmpty() || !n.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
        throw new IllegalArgumentException("receiver auth header name '" + name
            + "' is not a valid header name");
      }
      if (value.isEmpty()) {
        throw new IllegalArgumentException("receiver auth header '" + name
            + "' needs a value, e.g. authorization=Bearer TOKEN");
      }
      this.authHeaderName = n;
      this.authHeaderValue = value;
      return this;
    }

    /**
     * Parses {@code NAME=VALUE} (the first {@code =} splits), as the command line takes it.
     */
    public Builder setRequiredHeader(String nameEqualsValue) {
      Objects.requireNonNull(nameEqualsValue, "header");
      int eq = nameEqualsValue.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("receiver auth header must be NAME=VALUE, e.g."
            + " \"authorization=Bearer TOKEN\"");
      }
      return setRequiredHeader(nameEqualsValue.substring(0, eq),
          nameEqualsValue.substring(eq + 1));
    }

    public Builder setMaxMessageBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("receiver max message size must be at least 1024"
            + " bytes, got " + bytes);
      }
      this.maxMessageBytes = bytes;
      return this;
    }

    public Builder setMaxQueueBytes(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("receiver queue size must be positive, got " + bytes);
      }
      this.maxQueueBytes = bytes;
      return this;
    }

    public Builder setEnrichmentWait(Duration wait) {
      Objects.requireNonNull(wait, "enrichment wait");
      if (wait.isNegative()) {
        throw new IllegalArgumentException("enrichment wait must not be negative, got " + wait);
      }
      this.enrichmentWait = wait;
      return this;
    }

    public Builder setBackoff(Duration initial, Duration max) {
      this.initialBackoff = positive(initial, "initial backoff");
      this.maxBackoff = positive(max, "max backoff");
      return this;
    }

    public Builder setMaxRetryTime(Duration d) {
      this.maxRetryTime = positive(d, "max retry time");
      return this;
    }

    public Builder setMaxConcurrentForwards(int n) {
      if (n <= 0) {
        throw new IllegalArgumentException("max concurrent forwards must be positive, got " + n);
      }
      this.maxConcurrentForwards = n;
      return this;
    }

    public Builder setShutdownTimeout(Duration d) {
      this.shutdownTimeout = positive(d, "shutdown timeout");
      return this;
    }

    public Builder setServerThreads(int n) {
      if (n <= 0) {
        throw new IllegalArgumentException("server threads must be positive, got " + n);
      }
      this.serverThreads = n;
      return this;
    }

    /** @throws IllegalArgumentException when nothing listens or a message cannot fit the queue */
    public ReceiverConfig build() {
      if (grpc == null && http == null) {
        throw new IllegalArgumentException("the receiver needs a gRPC or an HTTP listen address");
      }
      if (maxQueueBytes < maxMessageBytes) {
        throw new IllegalArgumentException("receiver queue size (" + maxQueueBytes
            + " bytes) must be at least the max message size (" + maxMessageBytes + " bytes)");
      }
      return new ReceiverConfig(this);
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
