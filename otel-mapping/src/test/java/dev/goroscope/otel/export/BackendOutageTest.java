package dev.goroscope.otel.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.goroscope.otel.testing.OtlpGrpcReceiver;
import dev.goroscope.otel.testing.OtlpHttpReceiver;
import dev.goroscope.otel.testing.Protos;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import dev.goroscope.otel.testing.BlackHole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The backend goes away for a while and comes back on the same port. */
class BackendOutageTest {

  static SpanData span(long n) {
    return TestSpanData.builder()
        .setName("s" + n)
        .setKind(SpanKind.INTERNAL)
        .setSpanContext(SpanContext.create(
            String.format("%032x", n), String.format("%016x", n), TraceFlags.getSampled(),
            TraceState.getDefault()))
        .setStartEpochNanos(1_000)
        .setEndEpochNanos(2_000)
        .setHasEnded(true)
        .setStatus(StatusData.unset())
        .setAttributes(Attributes.builder().put("n", n).build())
        .build();
  }

  @Test
  void boundedWhileDownCountsDropsAndResumes() throws Exception {
    // Hold the port bound but not listening: connections are refused at once, and no client
    // socket can get it as its own source port (which would self-connect and hang).
    Socket holder = new Socket();
    holder.setReuseAddress(true);
    holder.bind(new InetSocketAddress("127.0.0.1", 0));
    int port = holder.getLocalPort();
    OtlpSetup otlp = OtlpSetup.builder()
        .setEndpoint("http://127.0.0.1:" + port)
        .setProtocol("grpc")
        .setProperty("otel.exporter.otlp.timeout", "2000")
        .build();
    BatchConfig batch = BatchConfig.builder()
        .setMaxQueueSize(100)
        .setMaxBatchSize(10)
        .setMaxAge(Duration.ofMillis(20))
        .setBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
        .setMaxRetryTime(Duration.ofMinutes(5))
        .build();
    OtlpSetup.quietSdkLogging();
    try (BatchingSpanExporter sink = new BatchingSpanExporter(otlp.spanExporter(), batch)) {
      // Backend down: 1000 spans offered, at most queue + one batch held.
      for (long i = 1; i <= 1000; i++) {
        sink.export(List.of(span(i)));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> sink.stats().failedAttempts() >= 3);
      ExportStats down = sink.stats();
      assertThat(down.accepted()).isEqualTo(1000);
      assertThat(down.exported()).isZero();
      // Memory bound: the queue plus the batch being filled plus those in flight or retried.
      assertThat(down.queued()).isLessThanOrEqualTo(100 + (4 + 1) * 10);
      assertThat(down.droppedQueueFull()).isGreaterThanOrEqualTo(1000 - 150);
      assertThat(down.dropped() + down.queued()).isEqualTo(1000);
      assertThat(down.lastError()).isNotEmpty();

      // Backend back on the same port: the held spans, then new ones, are delivered.
      holder.close();
      try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start(port)) {
        assertThat(sink.forceFlush(Duration.ofSeconds(15))).isTrue();
        assertThat(sink.stats().exported()).isEqualTo(down.queued());
        for (long i = 1001; i <= 1050; i++) {
          sink.export(List.of(span(i)));
        }
        assertThat(sink.forceFlush(Duration.ofSeconds(15))).isTrue();
        ExportStats up = sink.stats();
        assertThat(up.exported() + up.dropped()).isEqualTo(1050);
        assertThat(up.exported()).isEqualTo(down.queued() + 50);
        Set<String> names = receiver.spans().stream().map(Span::getName)
            .collect(Collectors.toSet());
        assertThat(names).contains("s1", "s1001", "s1050").hasSize((int) up.exported());
        assertThat(Protos.attrs(receiver.spans().get(0).getAttributesList())).containsKey("n");
      }
    }
  }

  @Test
  void httpBackendDownThenUpDeliversWhatWasHeld() throws Exception {
    Socket holder = new Socket();
    holder.setReuseAddress(true);
    holder.bind(new InetSocketAddress("127.0.0.1", 0));
    int port = holder.getLocalPort();
    OtlpSetup otlp = OtlpSetup.builder().setEndpoint("http://127.0.0.1:" + port).build();
    BatchConfig batch = BatchConfig.builder()
        .setMaxQueueSize(50)
        .setMaxBatchSize(5)
        .setMaxAge(Duration.ofMillis(20))
        .setBackoff(Duration.ofMillis(20), Duration.ofMillis(100))
        .build();
    OtlpSetup.quietSdkLogging();
    try (BatchingSpanExporter sink = new BatchingSpanExporter(otlp.spanExporter(), batch)) {
      for (long i = 1; i <= 500; i++) {
        sink.export(List.of(span(i)));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> sink.stats().failedAttempts() >= 3);
      ExportStats down = sink.stats();
      assertThat(down.queued()).isLessThanOrEqualTo(50 + (4 + 1) * 5);
      assertThat(down.dropped() + down.queued()).isEqualTo(500);
      holder.close();
      try (OtlpHttpReceiver receiver = new OtlpHttpReceiver(port)) {
        assertThat(sink.forceFlush(Duration.ofSeconds(15))).isTrue();
        sink.export(List.of(span(501)));
        assertThat(sink.forceFlush(Duration.ofSeconds(15))).isTrue();
        assertThat(sink.stats().exported()).isEqualTo(down.queued() + 1);
        assertThat(receiver.spans()).extracting(Span::getName).contains("s1", "s501");
      }
    }
  }

  @Test
  void closeGivesUpWithinTheShutdownTimeoutAndCountsTheRest() throws Exception {
    Socket holder = new Socket();
    holder.bind(new InetSocketAddress("127.0.0.1", 0));
    int port = holder.getLocalPort();
    OtlpSetup otlp = OtlpSetup.builder().setEndpoint("http://127.0.0.1:" + port).build();
    BatchConfig batch = BatchConfig.builder()
        .setBackoff(Duration.ofMillis(50), Duration.ofMillis(100))
        .setShutdownTimeout(Duration.ofMillis(500))
        .build();
    OtlpSetup.quietSdkLogging();
    BatchingSpanExporter sink = new BatchingSpanExporter(otlp.spanExporter(), batch);
    for (long i = 1; i <= 20; i++) {
      sink.export(List.of(span(i)));
    }
    long t0 = System.nanoTime();
    sink.close();
    long tookMs = (System.nanoTime() - t0) / 1_000_000;
    sink.close(); // idempotent
    sink.export(List.of(span(21))); // after close: counted, not queued
    ExportStats s = sink.stats();
    assertThat(tookMs).isLessThan(5_000);
    assertThat(s.exported()).isZero();
    assertThat(s.droppedAtShutdown()).isEqualTo(21);
    assertThat(s.queued()).isZero();
    holder.close();
  }

  /**
   * A backend that accepts connections and never answers, an export in flight when closing:
   * close() still returns within the shutdown timeout plus the exporter's grace (the export
   * timeout, 15 s, does not matter), and counts every span as dropped at shutdown.
   */
  @ParameterizedTest
  @ValueSource(strings = {"grpc", "http/protobuf"})
  void closeWithABackendThatNeverAnswersIsBoundedByTheShutdownTimeout(String protocol)
      throws Exception {
    try (BlackHole backend = new BlackHole()) {
      OtlpSetup otlp = OtlpSetup.builder().setEndpoint(backend.endpoint())
          .setProtocol(protocol).build();
      BatchConfig batch = BatchConfig.builder()
          .setMaxAge(Duration.ofMillis(50))
          .setShutdownTimeout(Duration.ofSeconds(1))
          .build();
      OtlpSetup.quietSdkLogging();
      BatchingSpanExporter sink = new BatchingSpanExporter(otlp.spanExporter(), batch);
      for (long i = 1; i <= 20; i++) {
        sink.export(List.of(span(i)));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> backend.connections() > 0);
      Thread.sleep(200); // the batch is on the wire, unanswered
      long t0 = System.nanoTime();
      sink.close();
      Duration took = Duration.ofNanos(System.nanoTime() - t0);

      // 1 s to deliver, 1 s for the exporter to let go; a second of margin for a busy machine.
      assertThat(took).isLessThan(batch.shutdownTimeout()
          .plus(BatchingSpanExporter.EXPORTER_SHUTDOWN_GRACE).plusSeconds(1));
      ExportStats s = sink.stats();
      assertThat(s.exported()).isZero();
      assertThat(s.droppedAtShutdown()).isEqualTo(20);
      assertThat(s.lastError()).contains("no answer within the shutdown time");
    }
  }
}
