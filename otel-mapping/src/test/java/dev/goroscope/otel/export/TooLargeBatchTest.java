package dev.goroscope.otel.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.otel.testing.OtlpGrpcReceiver;
import dev.goroscope.otel.testing.OtlpHttpReceiver;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A backend that refuses a batch as too large (gRPC RESOURCE_EXHAUSTED over its message limit,
 * HTTP 413) gets it again in halves until each is small enough: nothing is lost or sent twice,
 * and no failure is counted.
 */
class TooLargeBatchTest {

  static final int LIMIT_BYTES = 16 * 1024;
  static final String KILOBYTE = "x".repeat(1024);

  static SpanData span(long n) {
    return TestSpanData.builder()
        .setName("s" + n)
        .setKind(SpanKind.INTERNAL)
        .setSpanContext(SpanContext.create(String.format("%032x", n), String.format("%016x", n),
            TraceFlags.getSampled(), TraceState.getDefault()))
        .setStartEpochNanos(1_000)
        .setEndEpochNanos(2_000)
        .setHasEnded(true)
        .setStatus(StatusData.unset())
        .setAttributes(Attributes.builder().put("n", n).put("payload", KILOBYTE).build())
        .build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"grpc", "http/protobuf"})
  void aBatchTooLargeForTheBackendArrivesInHalves(String protocol) throws Exception {
    boolean grpc = protocol.equals("grpc");
    OtlpGrpcReceiver grpcReceiver = grpc ? OtlpGrpcReceiver.startWithMessageLimit(LIMIT_BYTES)
        : null;
    OtlpHttpReceiver httpReceiver = grpc ? null : OtlpHttpReceiver.withBodyLimit(LIMIT_BYTES);
    Supplier<List<ExportTraceServiceRequest>> received = grpc
        ? grpcReceiver::traceRequests : httpReceiver::traceRequests;
    OtlpSetup otlp = OtlpSetup.builder().setProtocol(protocol)
        .setEndpoint(grpc ? grpcReceiver.endpoint() : httpReceiver.endpoint()).build();
    // 100 spans of ~1.1 KB in one batch: ~7 times the limit.
    BatchConfig batch = BatchConfig.builder().setMaxBatchSize(100).setMaxAge(Duration.ofHours(1))
        .build();
    try (BatchingSpanExporter sink = new BatchingSpanExporter(otlp.spanExporter(), batch)) {
      sink.export(LongStream.rangeClosed(1, 100).mapToObj(TooLargeBatchTest::span).toList());
      assertThat(sink.forceFlush(Duration.ofSeconds(20))).isTrue();
      ExportStats stats = sink.stats();
      assertThat(stats.exported()).isEqualTo(100);
      assertThat(stats.dropped()).isZero();
      assertThat(stats.failedAttempts()).isZero();
      assertThat(sink.splitBatches()).isGreaterThanOrEqualTo(7);
      List<ExportTraceServiceRequest> requests = received.get();
      assertThat(requests).hasSizeGreaterThanOrEqualTo(8)
          .allSatisfy(r -> assertThat(r.getSerializedSize()).isLessThanOrEqualTo(LIMIT_BYTES));
      List<String> names = OtlpGrpcReceiver.flatten(requests).stream().map(Span::getName)
          .toList();
      assertThat(names).containsExactlyInAnyOrderElementsOf(
          LongStream.rangeClosed(1, 100).mapToObj(n -> "s" + n).toList()); // each once
    } finally {
      otlp.close();
      if (grpcReceiver != null) {
        grpcReceiver.close();
      }
      if (httpReceiver != null) {
        httpReceiver.close();
      }
    }
  }
}
