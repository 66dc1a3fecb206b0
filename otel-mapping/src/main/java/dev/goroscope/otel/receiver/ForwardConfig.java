package dev.goroscope.otel.receiver;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where the receiver forwards what it receives: an OTLP endpoint over gRPC or HTTP/protobuf, with
 * headers, a per-request timeout, optional gzip and TLS files. Deliberately its own small value
 * (not the SDK exporter configuration): the forwarder sends raw protobuf bytes on its own clients.
 *
 * <p>For HTTP the base endpoint gets {@code /v1/traces}, {@code /v1/metrics} or {@code /v1/logs}
 * appended (unless it already ends with it), as {@code OTEL_EXPORTER_OTLP_ENDPOINT} does; a
 * signal's endpoint can also be set exactly. For gRPC only scheme, host and port count.
 */
public final class ForwardConfig {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** The OTLP transports the forwarder speaks. */
  public enum Protocol {
    GRPC,
    HTTP_PROTOBUF
  }

  private final Protocol protocol;
  private final Map<Signal, URI> endpoints;
  private final Map<String, String> headers;
  private final Duration timeout;
  private final boolean gzip;
  private final Path trustedCertificates;
  private final Path clientKey;
  private final Path clientCertificate;

  private ForwardConfig(Builder b, Map<Signal, URI> endpoints) {
    this.protocol = b.protocol;
    this.endpoints = endpoints;
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
    this.timeout = b.timeout;
    this.gzip = b.gzip;
    this.trustedCertificates = b.trustedCertificates;
    this.clientKey = b.clientKey;
    this.clientCertificate = b.clientCertificate;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Protocol protocol() {
    return protocol;
  }

  /** The URL requests of {@code signal} go to (gRPC: the channel's target). */
  public URI endpoint(Signal signal) {
    return endpoints.get(signal);
  }

  /** Headers sent with every forwarded request (names as given). */
  public Map<String, String> headers() {
    return headers;
  }

  /** How long one forwarded request may take before it counts as failed. */
  public Duration timeout() {
    return timeout;
  }

  public boolean gzip() {
    return gzip;
  }

  /** PEM file of CA certificates to trust, or null for the JVM's default trust. */
  public Path trustedCertificates() {
    return trustedCertificates;
  }

  /** PEM PKCS#8 client key for mutual TLS, or null. */
  public Path clientKey() {
    return clientKey;
  }

  /** PEM client certificate chain for mutual TLS, or null. */
  public Path clientCertificate() {
    return clientCertificate;
  }

  boolean tls() {
    return "https".equals(endpoints.get(Signal.TRACES).getScheme());
  }

  @Override
  public String toString() {
    // Headers are left out: they often carry credentials.
    return "ForwardConfig{" + protocol + " " + endpoints.get(Signal.TRACES) + "}";
  }

  /** Builder; each setter checks its input and names the setting in its message. */
  public static final class Builder {
    private Protocol protocol = Protocol.GRPC;
    private URI endpoint;
    private final Map<Signal, URI> signalEndpoints = new EnumMap<>(Signal.class);
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Duration timeout = DEFAULT_TIMEOUT;
    private boolean gzip;
    private Path trustedCertificates;
    private Path clientKey;
    private Path clientCertificate;

    private Builder() {}

    public Builder setProtocol(Protocol protocol) {
      this.protocol = Objects.requireNonNull(protocol, "protocol");
      return this;
    }

    /** The base endpoint, an http:// or https:// URL with a host. */
    public Builder setEndpoint(String url) {
      this.endpoint = checkUrl(url, "forward endpoint");
      return this;
    }

    /** The exact URL for one signal (HTTP), overriding the one derived from the base. */
    public Builder setEndpoint(Signal signal, String url) {
      signalEndpoints.put(Objects.requireNonNull(signal, "signal"),
          checkUrl(url, "forward " + signal.name().toLowerCase(Locale.ROOT) + " endpoint"));
      return this;
    }

    public Builder addHeader(String name, String value) {
      Objects.requireNonNull(name, "header name");
      Objects.requireNonNull(value, "header value");
      if (name.isBlank()) {
        throw new IllegalArgumentException("forward header name must not be empty");
      }
      headers.put(name.trim(), value);
      return this;
    }

    public Builder setHeaders(Map<String, String> headers) {
      this.headers.clear();
      headers.forEach(this::addHeader);
      return this;
    }

    public Builder setTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("forward timeout must be positive, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** Compress forwarded requests with gzip. */
    public Builder setGzip(boolean gzip) {
      this.gzip = gzip;
      return this;
    }

    public Builder setTrustedCertificates(Path pem) {
      this.trustedCertificates = pem;
      return this;
    }

    /** PEM client key (PKCS#8) and certificate chain for mutual TLS; nulls for none. */
    public Builder setClientTls(Path keyPem, Path certificatePem) {
      if ((keyPem == null) != (certificatePem == null)) {
        throw new IllegalArgumentException("forward client TLS needs both a key and a certificate");
      }
      this.clientKey = keyPem;
      this.clientCertificate = certificatePem;
      return this;
    }

    /** @throws IllegalArgumentException when no endpoint was set */
    public ForwardConfig build() {
      if (endpoint == null && !signalEndpoints.containsKey(Signal.TRACES)) {
        throw new IllegalArgumentException("the receiver needs an endpoint to forward to");
      }
      Map<Signal, URI> resolved = new EnumMap<>(Signal.class);
      for (Signal s : Signal.values()) {
        URI u = signalEndpoints.get(s);
        if (u == null) {
          URI base = endpoint != null ? endpoint : signalEndpoints.get(Signal.TRACES);
          u = protocol == Protocol.GRPC ? base : withPath(base, s);
        }
        resolved.put(s, u);
      }
      return new ForwardConfig(this, Collections.unmodifiableMap(resolved));
    }

    private static URI withPath(URI base, Signal s) {
      String b = base.toString();
      for (Signal other : Signal.values()) {
        if (b.endsWith(other.httpPath())) {
          b = b.substring(0, b.length() - other.httpPath().length());
          break;
        }
      }
      if (b.endsWith("/")) {
        b = b.substring(0, b.length() - 1);
      }
      return URI.create(b + s.httpPath());
    }

    private static URI checkUrl(String url, String what) {
      Objects.requireNonNull(url, what);
      try {
        URI u = new URI(url.trim());
        if (u.getScheme() == null || !(u.getScheme().equals("http")
            || u.getScheme().equals("https")) || u.getHost() == null) {
          throw new IllegalArgumentException(what + " '" + url
              + "' must be an http:// or https:// URL with a host, e.g. http://localhost:4317");
        }
        return u;
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(what + " '" + url + "' is not a valid URL", e);
      }
    }
  }
}
