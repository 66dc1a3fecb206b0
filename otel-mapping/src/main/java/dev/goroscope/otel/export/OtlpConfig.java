package dev.goroscope.otel.export;

import dev.goroscope.otel.resource.KeyValueList;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how to send OTLP, configured the standard way and overridable by the command line:
 * start from {@link #fromEnvironment(Map)} (reads {@code OTEL_EXPORTER_OTLP_*}), then call the
 * builder's setters for each flag the user gave.
 *
 * <p>Environment variables read (signal-specific {@code _TRACES_}/{@code _METRICS_} forms win over
 * the generic ones): {@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code _PROTOCOL} ({@code grpc} or
 * {@code http/protobuf}, default {@code http/protobuf} as the specification says),
 * {@code _HEADERS} ({@code k=v,k2=v2}, percent-encoded), {@code _TIMEOUT} (milliseconds),
 * {@code _COMPRESSION} ({@code gzip} or {@code none}), {@code _CERTIFICATE} (PEM trust file),
 * {@code _CLIENT_KEY} and {@code _CLIENT_CERTIFICATE} (PEM, mutual TLS).
 *
 * <p>Endpoint rule, as in the specification: with HTTP a generic endpoint gets {@code /v1/traces}
 * or {@code /v1/metrics} appended, while a signal-specific endpoint is used as is; gRPC uses the
 * endpoint as is. A generic endpoint that already ends in the signal path is not doubled.
 */
public final class OtlpConfig {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** The OTLP signals goroscope exports. */
  public enum Signal {
    TRACES("TRACES", "/v1/traces"),
    METRICS("METRICS", "/v1/metrics");

    private final String envInfix;
    private final String httpPath;

    Signal(String envInfix, String httpPath) {
      this.envInfix = envInfix;
      this.httpPath = httpPath;
    }
  }

  private final Map<Signal, PerSignal> signals;
  private final boolean endpointConfigured;

  /** The settings of one signal after precedence has been applied. */
  private record PerSignal(
      String endpoint,
      OtlpProtocol protocol,
      Map<String, String> headers,
      Duration timeout,
      String compression,
      Path certificate,
      Path clientKey,
      Path clientCertificate) {}

  private OtlpConfig(Map<Signal, PerSignal> signals, boolean endpointConfigured) {
    this.signals = signals;
    this.endpointConfigured = endpointConfigured;
  }

  /** A builder with nothing configured (all defaults). */
  public static Builder builder() {
    return new Builder(Map.of());
  }

  /** A builder preset from {@code OTEL_EXPORTER_OTLP_*} in {@code env}. */
  public static Builder fromEnvironment(Map<String, String> env) {
    return new Builder(Objects.requireNonNull(env, "env"));
  }

  /**
   * True when the user named an endpoint (environment or flag): without one the CLI defaults to
   * the console output instead of sending to a localhost collector that is probably not there.
   */
  public boolean isEndpointConfigured() {
    return endpointConfigured;
  }

  /** The full URL the exporter of this signal talks to. */
  public String endpoint(Signal s) {
    return signals.get(s).endpoint();
  }

  public OtlpProtocol protocol(Signal s) {
    return signals.get(s).protocol();
  }

  public Map<String, String> headers(Signal s) {
    return signals.get(s).headers();
  }

  public Duration timeout(Signal s) {
    return signals.get(s).timeout();
  }

  public String compression(Signal s) {
    return signals.get(s).compression();
  }

  /** PEM file of trusted certificates, or null for the JVM's default trust. */
  public Path certificate(Signal s) {
    return signals.get(s).certificate();
  }

  public Path clientKey(Signal s) {
    return signals.get(s).clientKey();
  }

  public Path clientCertificate(Signal s) {
    return signals.get(s).clientCertificate();
  }

  @Override
  public String toString() {
    PerSignal t = signals.get(Signal.TRACES);
    // Headers are left out on purpose: they often carry credentials.
    return "OtlpConfig{" + t.protocol().configValue() + " " + t.endpoint() + "}";
  }

  /**
   * Builder. Setters are the command-line overrides and apply to every signal; each checks its
   * input and throws {@link IllegalArgumentException} with a message naming the setting.
   */
  public static final class Builder {
    private final Map<String, String> env;
    private String endpoint;
    private OtlpProtocol protocol;
    private final Map<String, String> extraHeaders = new LinkedHashMap<>();
    private Duration timeout;
    private String compression;
    private Path certificate;
    private Path clientKey;
    private Path clientCertificate;

    private Builder(Map<String, String> env) {
      this.env = Map.copyOf(env);
    }

    /** The base endpoint, like {@code OTEL_EXPORTER_OTLP_ENDPOINT} (http or https URL). */
    public Builder setEndpoint(String endpoint) {
      this.endpoint = checkUrl(endpoint, "otlp endpoint");
      return this;
    }

    public Builder setProtocol(OtlpProtocol protocol) {
      this.protocol = Objects.requireNonNull(protocol, "protocol");
      return this;
    }

    /** Adds a header on top of those from the environment (same name: this one wins). */
    public Builder addHeader(String name, String value) {
      Objects.requireNonNull(name, "header name");
      Objects.requireNonNull(value, "header value");
      if (name.isBlank()) {
        throw new IllegalArgumentException("otlp header name must not be empty");
      }
      extraHeaders.put(name.trim(), value);
      return this;
    }

    public Builder setTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("otlp timeout must be positive, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** {@code gzip} or {@code none}. */
    public Builder setCompression(String compression) {
      this.compression = checkCompression(compression, "otlp compression");
      return this;
    }

    /** PEM file with the certificates to trust for an https endpoint. */
    public Builder setCertificate(Path pem) {
      this.certificate = Objects.requireNonNull(pem, "certificate");
      return this;
    }

    /** PEM client key and certificate for mutual TLS. */
    public Builder setClientTls(Path keyPem, Path certificatePem) {
      this.clientKey = Objects.requireNonNull(keyPem, "client key");
      this.clientCertificate = Objects.requireNonNull(certificatePem, "client certificate");
      return this;
    }

    public OtlpConfig build() {
      Map<Signal, PerSignal> out = new LinkedHashMap<>();
      boolean configured = endpoint != null || env("", "ENDPOINT") != null;
      for (Signal s : Signal.values()) {
        out.put(s, resolve(s));
        configured |= env(s.envInfix + "_", "ENDPOINT") != null && s == Signal.TRACES;
      }
      return new OtlpConfig(Map.copyOf(out), configured);
    }

    private PerSignal resolve(Signal s) {
      String sig = s.envInfix + "_";
      OtlpProtocol proto = protocol;
      if (proto == null) {
        String name = varName(sig, "PROTOCOL");
        String p = raw(name);
        proto = p == null ? OtlpProtocol.HTTP_PROTOBUF : parse(p.trim(), name);
      }
      String url;
      if (endpoint != null) {
        url = signalUrl(endpoint, proto, s);
      } else if (env(sig, "ENDPOINT") != null) {
        url = checkUrl(env(sig, "ENDPOINT"), "OTEL_EXPORTER_OTLP_" + sig + "ENDPOINT");
      } else if (env("", "ENDPOINT") != null) {
        url = signalUrl(checkUrl(env("", "ENDPOINT"), "OTEL_EXPORTER_OTLP_ENDPOINT"), proto, s);
      } else {
        url = signalUrl(proto.defaultEndpoint(), proto, s);
      }
      Map<String, String> headers = new LinkedHashMap<>(KeyValueList.parse(env("", "HEADERS")));
      headers.putAll(KeyValueList.parse(env(sig, "HEADERS")));
      headers.putAll(extraHeaders);
      Duration t = timeout;
      if (t == null) {
        String name = varName(sig, "TIMEOUT");
        String ms = raw(name);
        t = ms == null ? DEFAULT_TIMEOUT : parseMillis(ms.trim(), name);
      }
      String comp = compression;
      if (comp == null) {
        String c = first(env(sig, "COMPRESSION"), env("", "COMPRESSION"));
        comp = c == null ? "none" : checkCompression(c, "OTEL_EXPORTER_OTLP_COMPRESSION");
      }
      Path cert = certificate != null ? certificate : path(first(env(sig, "CERTIFICATE"),
          env("", "CERTIFICATE")));
      Path key = clientKey != null ? clientKey : path(first(env(sig, "CLIENT_KEY"),
          env("", "CLIENT_KEY")));
      Path ccert = clientCertificate != null ? clientCertificate
          : path(first(env(sig, "CLIENT_CERTIFICATE"), env("", "CLIENT_CERTIFICATE")));
      return new PerSignal(url, proto, java.util.Collections.unmodifiableMap(headers), t, comp,
          cert, key, ccert);
    }

    private String env(String signalInfix, String suffix) {
      String v = env.get("OTEL_EXPORTER_OTLP_" + signalInfix + suffix);
      return v == null || v.isBlank() ? null : v.trim();
    }

    private static String first(String a, String b) {
      return a != null ? a : b;
    }

    private static Path path(String p) {
      return p == null ? null : Path.of(p);
    }

    private String raw(String name) {
      String v = env.get(name);
      return v == null || v.isBlank() ? null : v;
    }

    /** The variable that supplies a setting: the signal-specific one if set, else generic. */
    private String varName(String sig, String suffix) {
      return env(sig, suffix) != null ? "OTEL_EXPORTER_OTLP_" + sig + suffix
          : "OTEL_EXPORTER_OTLP_" + suffix;
    }

    private static OtlpProtocol parse(String value, String var) {
      try {
        return OtlpProtocol.parse(value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            var + "=" + value + " is not supported: use grpc or http/protobuf", e);
      }
    }

    private static Duration parseMillis(String ms, String var) {
      try {
        long v = Long.parseLong(ms);
        if (v <= 0) {
          throw new NumberFormatException();
        }
        return Duration.ofMillis(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            var + "=" + ms + " is not a positive number of milliseconds", e);
      }
    }

    private static String checkCompression(String c, String what) {
      Objects.requireNonNull(c, what);
      String v = c.trim().toLowerCase(Locale.ROOT);
      if (!v.equals("gzip") && !v.equals("none")) {
        throw new IllegalArgumentException(what + " '" + c + "' is not supported: use gzip or none");
      }
      return v;
    }

    private static String checkUrl(String url, String what) {
      Objects.requireNonNull(url, what);
      try {
        URI u = new URI(url.trim());
        String scheme = u.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))
            || u.getHost() == null) {
          throw new IllegalArgumentException(
              what + " '" + url + "' must be an http:// or https:// URL with a host, "
                  + "e.g. http://localhost:4317");
        }
        return url.trim();
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(what + " '" + url + "' is not a valid URL", e);
      }
    }

    private static String signalUrl(String base, OtlpProtocol proto, Signal s) {
      if (proto == OtlpProtocol.GRPC) {
        return base;
      }
      String b = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
      return b.endsWith(s.httpPath) ? b : b + s.httpPath;
    }
  }
}
