package dev.goroscope.otel.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.goroscope.otel.testing.OtlpGrpcReceiver;
import dev.goroscope.otel.testing.RawOtlpBackend;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A required header and TLS on the receivers, and TLS towards the backend. */
class ReceiverSecurityTest {

  @TempDir static Path dir;
  static Path cert;
  static Path key;

  /** A self-signed certificate for 127.0.0.1 made by openssl (PKCS#8 key, as OpenSSL 3 writes). */
  @BeforeAll
  static void certificate() throws Exception {
    cert = dir.resolve("cert.pem");
    key = dir.resolve("key.pem");
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
        "-keyout", key.toString(), "-out", cert.toString(), "-days", "1",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  static boolean exports(SpanExporter app, List<SpanData> spans) {
    try {
      return app.export(spans).join(15, TimeUnit.SECONDS).isSuccess();
    } finally {
      app.shutdown().join(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void requiredHeaderIsEnforcedOnGrpcAndHttp() throws Exception {
    List<SpanData> spans = AppSpans.spans("auth", 3);
    try (RawOtlpBackend backend = RawOtlpBackend.grpc();
        OtlpReceiver receiver = OtlpReceiver.create(ReceiverConfig.builder()
            .setGrpc(ListenAddress.loopback(0)).setHttp(ListenAddress.loopback(0))
            .setRequiredHeader("Authorization=Bearer s3cret").build(),
            ForwardConfig.builder().setEndpoint(backend.endpoint()).build(),
            SpanEnricher.NONE).start()) {
      String grpc = "http://127.0.0.1:" + receiver.grpcAddress().getPort();
      String http = "http://127.0.0.1:" + receiver.httpAddress().getPort() + "/v1/traces";
      assertThat(exports(OtlpGrpcSpanExporter.builder().setEndpoint(grpc)
          .setRetryPolicy(null).build(), spans)).isFalse();
      assertThat(exports(OtlpHttpSpanExporter.builder().setEndpoint(http)
          .setRetryPolicy(null).build(), spans)).isFalse();
      assertThat(exports(OtlpGrpcSpanExporter.builder().setEndpoint(grpc)
          .addHeader("Authorization", "Bearer s3cret").build(), spans)).isTrue();
      assertThat(exports(OtlpHttpSpanExporter.builder().setEndpoint(http)
          .addHeader("Authorization", "Bearer s3cret").build(), spans)).isTrue();

      ByteString body = ByteString.copyFrom(AppSpans.bytes(spans));
      ManagedChannel ch = Clients.channel(receiver.grpcAddress());
      try {
        StatusRuntimeException wrong = catchThrowableOfType(StatusRuntimeException.class,
            () -> Clients.grpcExport(ch, Signal.TRACES, body,
                Map.of("authorization", "Bearer s3cre7")));
        assertThat(wrong.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(wrong.getStatus().getDescription()).contains("'authorization' header");
      } finally {
        Clients.close(ch);
      }
      HttpResponse<byte[]> missing = Clients.postProtobuf(receiver.httpAddress(), "/v1/traces",
          body.toByteArray());
      assertThat(missing.statusCode()).isEqualTo(401);
      assertThat(missing.headers().firstValue("WWW-Authenticate")).contains("Bearer");

      await().atMost(Duration.ofSeconds(10))
          .until(() -> receiver.stats().traces().forwardedRequests() == 2);
      ReceiverStats s = receiver.stats();
      assertThat(s.rejectedAuth()).isEqualTo(4);
      assertThat(s.traces().receivedRequests()).isEqualTo(2);
      assertThat(backend.received()).hasSize(2);
      assertThat(s.summaryLine()).contains("4 rejected (auth)");
    }
  }

  @Test
  void tlsReceiversServeTheSdkExporters() throws Exception {
    List<SpanData> spans = AppSpans.spans("tls", 5);
    byte[] trusted = Files.readAllBytes(cert);
    try (OtlpGrpcReceiver backend = OtlpGrpcReceiver.start();
        OtlpReceiver receiver = OtlpReceiver.create(ReceiverConfig.builder()
            .setGrpc(ListenAddress.loopback(0)).setHttp(ListenAddress.loopback(0))
            .setTls(cert, key).build(),
            ForwardConfig.builder().setEndpoint(backend.endpoint()).build(),
            SpanEnricher.NONE).start()) {
      assertThat(exports(OtlpGrpcSpanExporter.builder()
          .setEndpoint("https://127.0.0.1:" + receiver.grpcAddress().getPort())
          .setTrustedCertificates(trusted).build(), spans)).isTrue();
      assertThat(exports(OtlpHttpSpanExporter.builder()
          .setEndpoint("https://127.0.0.1:" + receiver.httpAddress().getPort() + "/v1/traces")
          .setTrustedCertificates(trusted).build(), spans)).isTrue();
      // Plain text to the TLS port gets nowhere.
      assertThat(exports(OtlpGrpcSpanExporter.builder()
          .setEndpoint("http://127.0.0.1:" + receiver.grpcAddress().getPort())
          .setRetryPolicy(null).setTimeout(Duration.ofSeconds(3)).build(), spans)).isFalse();
      await().atMost(Duration.ofSeconds(10)).until(() -> backend.traceRequests().size() == 2);
      assertThat(AppSpans.placed(backend.traceRequests().subList(0, 1)))
          .isEqualTo(AppSpans.placed(AppSpans.request(spans)));
      assertThat(receiver.stats().traces().receivedRequests()).isEqualTo(2);
    }
  }

  @Test
  void forwardsOverTlsTrustingTheConfiguredCertificate() throws Exception {
    ByteString body = ByteString.copyFrom(AppSpans.bytes(AppSpans.spans("up-tls", 2)));
    try (OtlpGrpcReceiver backend = OtlpGrpcReceiver.startTls(cert.toFile(), key.toFile())) {
      String https = "https://127.0.0.1:" + backend.port();
      try (OtlpReceiver trusting = OtlpReceiver.create(ReceiverConfig.builder()
              .setHttp(ListenAddress.loopback(0)).build(),
              ForwardConfig.builder().setEndpoint(https).setTrustedCertificates(cert).build(),
              SpanEnricher.NONE).start();
          OtlpReceiver untrusting = OtlpReceiver.create(ReceiverConfig.builder()
              .setHttp(ListenAddress.loopback(0)).setMaxRetryTime(Duration.ofSeconds(1))
              .setBackoff(Duration.ofMillis(50), Duration.ofMillis(100)).build(),
              ForwardConfig.builder().setEndpoint(https).build(), SpanEnricher.NONE).start()) {
        assertThat(Clients.postProtobuf(trusting.httpAddress(), "/v1/traces",
            body.toByteArray()).statusCode()).isEqualTo(200);
        assertThat(Clients.postProtobuf(untrusting.httpAddress(), "/v1/traces",
            body.toByteArray()).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15))
            .until(() -> trusting.stats().traces().forwardedItems() == 2
                && untrusting.stats().traces().droppedBackendDown() == 2);
        assertThat(backend.traceRequests()).hasSize(1);
        assertThat(backend.traceRequests().get(0).toByteString()).isEqualTo(body);
        assertThat(untrusting.stats().lastError()).contains("UNAVAILABLE");
      }
    }
  }

  @Test
  void unusableTlsFilesFailAtStartWithOneLine() throws Exception {
    Path pkcs1 = dir.resolve("rsa.pem");
    Files.writeString(pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    ForwardConfig forward = ForwardConfig.builder().setEndpoint("http://127.0.0.1:1").build();
    assertThatThrownBy(() -> OtlpReceiver.create(ReceiverConfig.builder()
        .setGrpc(ListenAddress.loopback(0)).setTls(cert, dir.resolve("missing.pem")).build(),
        forward, SpanEnricher.NONE).start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("read key " + dir.resolve("missing.pem") + ": no such file");
    assertThatThrownBy(() -> OtlpReceiver.create(ReceiverConfig.builder()
        .setHttp(ListenAddress.loopback(0)).setTls(cert, pkcs1).build(),
        forward, SpanEnricher.NONE).start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is a PKCS#1/SEC1 key; convert it with openssl pkcs8 -topk8");
    assertThatThrownBy(() -> OtlpReceiver.create(ReceiverConfig.builder()
        .setHttp(ListenAddress.loopback(0)).build(),
        ForwardConfig.builder().setEndpoint("https://127.0.0.1:1")
            .setTrustedCertificates(key).build(), SpanEnricher.NONE).start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("CA certificate " + key + " is not a PEM certificate");
  }
}
