package dev.goroscope.otel.export;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The trace export settings the SDK's configuration resolves to, for what must talk to the same
 * backend without going through the SDK's exporters (the OTLP receiver's raw forwarding) and
 * for messages. Signal-specific properties win over the generic ones, as the SDK does.
 *
 * @param baseEndpoint the endpoint every signal derives from
 * @param endpoint the full traces URL ({@code …/v1/traces} for HTTP)
 * @param metricsEndpoint the full metrics URL ({@code …/v1/metrics} for HTTP)
 * @param protocol {@code grpc} or {@code http/protobuf}
 * @param headers extra request headers
 * @param timeout per request
 * @param compression {@code gzip} or {@code none}
 * @param certificate PEM of trusted certificates, or null for the JVM's
 * @param clientKey PEM client key for mutual TLS, or null
 * @param clientCertificate PEM client certificate for mutual TLS, or null
 */
public record OtlpSettings(String baseEndpoint, String endpoint, String metricsEndpoint,
    String protocol, Map<String, String> headers,
    Duration timeout, String compression, Path certificate, Path clientKey,
    Path clientCertificate) {

  static final String GENERIC = "otel.exporter.otlp.";
  static final String TRACES = "otel.exporter.otlp.traces.";
  static final String METRICS = "otel.exporter.otlp.metrics.";

  public OtlpSettings {
    headers = Map.copyOf(headers);
  }

  public boolean isGrpc() {
    return protocol.equals("grpc");
  }

  static OtlpSettings of(ConfigProperties c) {
    String protocol = get(c, "protocol", "http/protobuf");
    boolean http = !protocol.equals("grpc");
    String base = c.getString(GENERIC + "endpoint",
        http ? "http://localhost:4318" : "http://localhost:4317");
    String endpoint = signalEndpoint(c, TRACES, base, http, "/v1/traces");
    String metrics = signalEndpoint(c, METRICS, base, http, "/v1/metrics");
    Map<String, String> headers = decodedHeaders(c.getString(GENERIC + "headers"));
    headers.putAll(decodedHeaders(c.getString(TRACES + "headers")));
    Duration timeout = c.getDuration(TRACES + "timeout",
        c.getDuration(GENERIC + "timeout", Duration.ofSeconds(10)));
    return new OtlpSettings(base, endpoint, metrics, protocol, headers, timeout,
        get(c, "compression", "none"), path(get(c, "certificate", null)),
        path(get(c, "client.key", null)), path(get(c, "client.certificate", null)));
  }

  /** A signal-specific endpoint as is; else the base, with the signal's path for HTTP. */
  private static String signalEndpoint(ConfigProperties c, String signal, String base,
      boolean http, String path) {
    String specific = c.getString(signal + "endpoint");
    if (specific != null) {
      return specific;
    }
    if (!http || base.endsWith(path)) {
      return base;
    }
    return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path;
  }

  /**
   * A {@code k=v,k2=v2} header list with its values percent-decoded, as the SDK's exporters read
   * OTEL_EXPORTER_OTLP_HEADERS (the configuration itself keeps them encoded).
   */
  static Map<String, String> decodedHeaders(String list) {
    Map<String, String> out = new LinkedHashMap<>();
    if (list == null || list.isBlank()) {
      return out;
    }
    for (String member : list.split(",")) {
      int eq = member.indexOf('=');
      if (eq > 0) {
        String value = member.substring(eq + 1).trim();
        try {
          value = java.net.URLDecoder.decode(value.replace("+", "%2B"),
              java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          // not percent-encoded after all: keep it as written
        }
        out.put(member.substring(0, eq).trim(), value);
      }
    }
    return out;
  }

  private static String get(ConfigProperties c, String name, String otherwise) {
    String v = c.getString(TRACES + name);
    return v != null ? v : c.getString(GENERIC + name, otherwise);
  }

  private static Path path(String p) {
    return p == null || p.isBlank() ? null : Path.of(p);
  }
}
