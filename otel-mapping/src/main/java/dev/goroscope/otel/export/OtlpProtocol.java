package dev.goroscope.otel.export;

import java.util.Locale;

/** The OTLP transports, named as in {@code OTEL_EXPORTER_OTLP_PROTOCOL}. */
public enum OtlpProtocol {
  GRPC("grpc", "http://localhost:4317"),
  HTTP_PROTOBUF("http/protobuf", "http://localhost:4318");

  private final String configValue;
  private final String defaultEndpoint;

  OtlpProtocol(String configValue, String defaultEndpoint) {
    this.configValue = configValue;
    this.defaultEndpoint = defaultEndpoint;
  }

  /** The value as written in the environment and on the command line. */
  public String configValue() {
    return configValue;
  }

  /** The specification's default endpoint for this transport. */
  public String defaultEndpoint() {
    return defaultEndpoint;
  }

  /**
   * Parses {@code grpc} or {@code http/protobuf} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static OtlpProtocol parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    for (OtlpProtocol p : values()) {
      if (p.configValue.equals(v)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "otlp protocol '" + value + "' is not supported: use grpc or http/protobuf");
  }
}
