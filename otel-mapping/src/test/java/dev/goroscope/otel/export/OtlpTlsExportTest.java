package dev.goroscope.otel.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.goroscope.otel.testing.OtlpGrpcReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OTEL_EXPORTER_OTLP_CERTIFICATE: an https endpoint with a private CA is trusted from a file. */
class OtlpTlsExportTest {

  @TempDir Path dir;

  @Test
  void exportsOverTlsTrustingTheConfiguredCertificate() throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Process p;
    try {
      p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
          "-keyout", key.toString(), "-out", cert.toString(), "-days", "1",
          "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost")
          .redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      assumeTrue(false, "openssl is not installed: cannot create a test certificate");
      return;
    }
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();

    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.startTls(cert.toFile(), key.toFile())) {
      String endpoint = "https://127.0.0.1:" + receiver.port();
      // OTEL_EXPORTER_OTLP_CERTIFICATE and friends, read by the SDK.
      OtlpSetup config = OtlpSetup.builder()
          .setProperty("otel.exporter.otlp.endpoint", endpoint)
          .setProperty("otel.exporter.otlp.protocol", "grpc")
          .setProperty("otel.exporter.otlp.certificate", cert.toString()).build();
      try (BatchingSpanExporter sink = new BatchingSpanExporter(
          config.spanExporter(), BatchConfig.defaults())) {
        sink.export(List.of(BackendOutageTest.span(1)));
        assertThat(sink.forceFlush(Duration.ofSeconds(20))).isTrue();
        assertThat(sink.stats().exported()).isEqualTo(1);
      }
      assertThat(receiver.spans()).hasSize(1);

      // Without the certificate the same endpoint is not trusted.
      OtlpSetup.quietSdkLogging();
      OtlpSetup untrusted = OtlpSetup.builder().setEndpoint(endpoint)
          .setProtocol("grpc").build();
      BatchingSpanExporter sink = new BatchingSpanExporter(untrusted.spanExporter(),
          BatchConfig.builder().setShutdownTimeout(Duration.ofMillis(500)).build());
      sink.export(List.of(BackendOutageTest.span(2)));
      sink.close();
      assertThat(sink.stats().exported()).isZero();
      assertThat(sink.stats().lastError()).isNotEmpty();
      assertThat(Files.exists(cert)).isTrue();
    }
  }
}
