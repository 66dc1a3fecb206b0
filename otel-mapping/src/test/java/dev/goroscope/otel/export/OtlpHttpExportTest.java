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
      // Everything from the environment, as a user would configure it.
      OtlpConfig otlp =
          OtlpConfig.fromEnvironment(Map.of(
                  "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
                  "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                  "OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20abc,x-tenant=t1",
                  "OTEL_EXPORTER_OTLP_COMPRESSION", "gzip",
                  "OTEL_EXPORTER_OTLP_TIMEOUT", "5000"))
              .build();
      assertThat(otlp.endpoint(OtlpConfig.Signal.TRACES))
          .isEqualTo(receiver.endpoint() + "/v1/traces");
      assertThat(otlp.isEndpointConfigured()).isTrue();
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
