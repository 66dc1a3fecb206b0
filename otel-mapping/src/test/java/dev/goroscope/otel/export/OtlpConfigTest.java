package dev.goroscope.otel.export;

import static dev.goroscope.otel.export.OtlpConfig.Signal.METRICS;
import static dev.goroscope.otel.export.OtlpConfig.Signal.TRACES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpConfigTest {

  @Test
  void defaultsFollowTheSpecification() {
    OtlpConfig c = OtlpConfig.fromEnvironment(Map.of()).build();
    assertThat(c.isEndpointConfigured()).isFalse();
    assertThat(c.protocol(TRACES)).isEqualTo(OtlpProtocol.HTTP_PROTOBUF);
    assertThat(c.endpoint(TRACES)).isEqualTo("http://localhost:4318/v1/traces");
    assertThat(c.endpoint(METRICS)).isEqualTo("http://localhost:4318/v1/metrics");
    assertThat(c.timeout(TRACES)).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.compression(TRACES)).isEqualTo("none");
    assertThat(c.certificate(TRACES)).isNull();
  }

  @Test
  void environmentWithSignalSpecificOverrides() {
    OtlpConfig c = OtlpConfig.fromEnvironment(Map.of(
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://traces.example/custom",
        "OTEL_EXPORTER_OTLP_HEADERS", "a=1,b=2",
        "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "b=3",
        "OTEL_EXPORTER_OTLP_TIMEOUT", "2500",
        "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "grpc",
        "OTEL_EXPORTER_OTLP_CERTIFICATE", "/etc/ca.pem")).build();
    assertThat(c.isEndpointConfigured()).isTrue();
    assertThat(c.endpoint(TRACES)).isEqualTo("https://traces.example/custom");
    assertThat(c.endpoint(METRICS)).isEqualTo("http://collector:4318/");
    assertThat(c.protocol(METRICS)).isEqualTo(OtlpProtocol.GRPC);
    assertThat(c.headers(TRACES)).containsExactly(Map.entry("a", "1"), Map.entry("b", "3"));
    assertThat(c.headers(METRICS)).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
    assertThat(c.timeout(TRACES)).isEqualTo(Duration.ofMillis(2500));
    assertThat(c.certificate(TRACES)).isEqualTo(Path.of("/etc/ca.pem"));
  }

  @Test
  void commandLineOverridesTheEnvironment() {
    OtlpConfig c = OtlpConfig.fromEnvironment(Map.of(
            "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318",
            "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
            "OTEL_EXPORTER_OTLP_HEADERS", "a=1"))
        .setEndpoint("http://jaeger:4317")
        .setProtocol(OtlpProtocol.GRPC)
        .addHeader("a", "cli")
        .setTimeout(Duration.ofSeconds(3))
        .setCompression("gzip")
        .build();
    assertThat(c.endpoint(TRACES)).isEqualTo("http://jaeger:4317");
    assertThat(c.protocol(TRACES)).isEqualTo(OtlpProtocol.GRPC);
    assertThat(c.headers(TRACES)).containsEntry("a", "cli");
    assertThat(c.compression(TRACES)).isEqualTo("gzip");
    assertThat(c.toString()).doesNotContain("cli");
    OtlpConfig http = OtlpConfig.builder().setEndpoint("http://j:4318/v1/traces").build();
    assertThat(http.endpoint(TRACES)).isEqualTo("http://j:4318/v1/traces"); // not doubled
    assertThat(http.isEndpointConfigured()).isTrue();
  }

  @Test
  void badValuesFailAtConfigurationTimeNamingTheSetting() {
    assertThatThrownBy(() -> OtlpConfig.fromEnvironment(
        Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")).build())
        .hasMessageContaining("OTEL_EXPORTER_OTLP_PROTOCOL=http/json")
        .hasMessageContaining("use grpc or http/protobuf");
    assertThatThrownBy(() -> OtlpConfig.fromEnvironment(
        Map.of("OTEL_EXPORTER_OTLP_TIMEOUT", "10s")).build())
        .hasMessageContaining("milliseconds");
    assertThatThrownBy(() -> OtlpConfig.builder().setEndpoint("localhost:4317"))
        .hasMessageContaining("http:// or https://");
    assertThatThrownBy(() -> OtlpProtocol.parse("udp")).hasMessageContaining("udp");
    assertThatThrownBy(() -> OtlpExporters.spanExporter(OtlpConfig.builder()
        .setCertificate(Path.of("/nonexistent/ca.pem")).build()))
        .hasMessageContaining("read otlp certificate /nonexistent/ca.pem");
  }
}
