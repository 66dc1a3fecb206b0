package dev.goroscope.otel.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.goroscope.otel.span.SpanRecordSink;
import dev.goroscope.otel.testing.OtlpHttpReceiver;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpHttpExportTest {

  @Test
  void exportsExactSpanTreeOverHttpProtobufWithEnvironmentConfig() throws Exception {
    try (OtlpHttpReceiver receiver = new OtlpHttpReceiver()) {
      // Everything from the SDK's configuration properties (OTEL_EXPORTER_OTLP_ENDPOINT is
      // otel.exporter.otlp.endpoint), as a user would configure it.
      OtlpSetup otlp = OtlpSetup.builder()
          .setProperty("otel.exporter.otlp.endpoint", receiver.endpoint())
          .setProperty("otel.exporter.otlp.protocol", "http/protobuf")
          .setProperty("otel.exporter.otlp.headers", "authorization=Bearer%20abc,x-tenant=t1")
          .setProperty("otel.exporter.otlp.compression", "gzip")
          .setProperty("otel.exporter.otlp.timeout", "5000")
          .build();
      assertThat(otlp.settings().endpoint()).isEqualTo(receiver.endpoint() + "/v1/traces");
      assertThat(OtlpSetup.isEndpointConfigured(
          Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint()), null)).isTrue();
      BatchingSpanExporter[] batcher = new BatchingSpanExporter[1];
      long before;
      try (SpanRecordSink sink = OtlpGrpcExportTest.sink(otlp, batcher)) {
        var feed = OtlpGrpcExportTest.feed(sink);
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.spans().size() == 3);
        before = System.nanoTime();
        feed.stopWatching(System.nanoTime());
      }
      assertThat(receiver.spans()).hasSize(4);
      assertThat(receiver.lastHeaders())
          .containsEntry("authorization", "Bearer abc")
          .containsEntry("x-tenant", "t1")
          .containsEntry("content-encoding", "gzip");
      OtlpGrpcExportTest.assertPayload(receiver.traceRequests(), before);
    }
  }
}
