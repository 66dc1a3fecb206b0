package dev.goroscope.otel.export;

import static dev.goroscope.otel.testing.Scenario.*;
import static dev.goroscope.otel.testing.SequentialIds.spanId;
import static dev.goroscope.otel.testing.SequentialIds.traceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.goroscope.otel.resource.ProcessResources;
import dev.goroscope.otel.span.SpanMappingConfig;
import dev.goroscope.otel.span.SpanRecordSink;
import dev.goroscope.otel.testing.Feed;
import io.opentelemetry.sdk.autoconfigure.ResourceConfiguration;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import dev.goroscope.otel.testing.OtlpGrpcReceiver;
import dev.goroscope.otel.testing.Protos;
import dev.goroscope.otel.testing.Scenario;
import dev.goroscope.otel.testing.SequentialIds;
import dev.goroscope.otel.time.ClockOffset;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OtlpGrpcExportTest {

  static SpanRecordSink sink(OtlpSetup otlp, BatchingSpanExporter[] batcherOut) {
    BatchingSpanExporter batcher =
        new BatchingSpanExporter(otlp.spanExporter(),
            BatchConfig.builder().setMaxAge(Duration.ofMillis(50)).build());
    batcherOut[0] = batcher;
    SpanMappingConfig config =
        SpanMappingConfig.builder()
            .setIdGenerator(new SequentialIds())
            .setClock(ClockOffset.of(OFFSET))
            .build();
    ProcessResources resources =
        ProcessResources.create(null, ResourceConfiguration.createEnvironmentResource(
            DefaultConfigProperties.createFromMap(Map.of(
                "otel.resource.attributes", "deployment.environment=test,team=a%2Cb"))),
            "testhost");
    return new SpanRecordSink(config, resources, List.of(batcher));
  }

  /** The scenario: the request's goroutines end, main is still running. */
  static Feed feed(SpanRecordSink sink) {
    sink.processStarted(PROCESS);
    Feed feed = new Feed(sink);
    feed.run(Scenario.mainPartial(), Scenario.worker(), Scenario.helper(), Scenario.connServe());
    return feed;
  }

  @Test
  void exportsExactSpanTreeOverGrpc() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      OtlpSetup otlp = OtlpSetup.builder()
          .setProperty("otel.exporter.otlp.headers", "x-tenant=t1") // as OTEL_EXPORTER_OTLP_HEADERS
          .setEndpoint(receiver.endpoint())
          .setProtocol("grpc")
          .build();
      BatchingSpanExporter[] batcher = new BatchingSpanExporter[1];
      long before;
      try (SpanRecordSink sink = sink(otlp, batcher)) {
        Feed feed = feed(sink);
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.spans().size() == 3);
        before = System.nanoTime();
        feed.stopWatching(System.nanoTime()); // main is still running: a partial span
      }
      // close() delivered main's partial span
      assertThat(receiver.spans()).hasSize(4);
      assertThat(batcher[0].stats().exported()).isEqualTo(4);
      assertThat(batcher[0].stats().dropped()).isZero();
      assertPayload(receiver.traceRequests(), before);
    }
  }

  static void assertPayload(List<ExportTraceServiceRequest> requests, long closeLowerBound) {
    ResourceSpans rs = requests.get(0).getResourceSpans(0);
    assertThat(Protos.attrs(rs.getResource().getAttributesList()))
        .containsEntry("service.name", "http-deadline")
        .containsEntry("process.pid", 4242L)
        .containsEntry("process.executable.name", "http-deadline")
        .containsEntry("process.executable.path", "/srv/app/http-deadline")
        .containsEntry("process.runtime.name", "go")
        .containsEntry("process.runtime.version", "go1.26.8")
        .containsEntry("host.name", "testhost")
        .containsEntry("deployment.environment", "test")
        .containsEntry("team", "a,b")
        .containsEntry("goroscope.go.module.path", "example.com/app")
        .doesNotContainKey("telemetry.sdk.language");
    assertThat(rs.getScopeSpans(0).getScope().getName()).isEqualTo("dev.goroscope");

    Map<Long, Span> byGoid =
        OtlpGrpcReceiver.flatten(requests).stream()
            .collect(Collectors.toMap(
                s -> (Long) Protos.attrs(s.getAttributesList()).get("goroutine.id"),
                Function.identity()));
    assertThat(byGoid.keySet()).containsExactlyInAnyOrder(1L, 20L, 21L, 22L);

    // main: untraced parent -> root of trace 1, span 1; exported at close as partial.
    Span main = byGoid.get(1L);
    assertThat(Protos.hex(main.getTraceId())).isEqualTo(traceId(1));
    assertThat(Protos.hex(main.getSpanId())).isEqualTo(spanId(1));
    assertThat(main.getParentSpanId().isEmpty()).isTrue();
    assertThat(main.getName()).isEqualTo("main.main");
    assertThat(main.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_INTERNAL);
    assertThat(main.getStartTimeUnixNano()).isEqualTo(OFFSET + 100_000_000L);
    assertThat(main.getEndTimeUnixNano()).isGreaterThanOrEqualTo(OFFSET + closeLowerBound);
    assertThat(Protos.attrs(main.getAttributesList()))
        .containsEntry("goroutine.partial", true)
        .containsEntry("goroutine.state", "running")
        .containsEntry("goroutine.parent.untraced", true)
        .containsEntry("goroutine.trace_root", "parent_untraced")
        .doesNotContainKey("goroutine.parent.id");

    // conn.serve: root function -> its own trace 2, linked to its creator main.
    Span conn = byGoid.get(20L);
    assertThat(Protos.hex(conn.getTraceId())).isEqualTo(traceId(2));
    assertThat(Protos.hex(conn.getSpanId())).isEqualTo(spanId(2));
    assertThat(conn.getParentSpanId().isEmpty()).isTrue();
    assertThat(conn.getStartTimeUnixNano()).isEqualTo(OFFSET + 1_000_000_000L);
    assertThat(conn.getEndTimeUnixNano()).isEqualTo(OFFSET + 1_400_000_000L);
    assertThat(Protos.attrs(conn.getAttributesList()))
        .containsEntry("goroutine.id", 20L)
        .containsEntry("goroutine.parent.id", 1L)
        .containsEntry("goroutine.start_function", "net/http.(*conn).serve")
        .containsEntry("code.function.name", "net/http.(*Server).Serve")
        .containsEntry("code.file.path", "/usr/lib/go/src/net/http/server.go")
        .containsEntry("code.line.number", 3454L)
        .containsEntry("goroutine.state", "exited")
        .containsEntry("goroutine.trace_root", "root_function")
        .doesNotContainKey("goroutine.partial")
        .doesNotContainKey("goroutine.deadline_overrun");
    assertThat(conn.getLinksCount()).isEqualTo(1);
    assertThat(Protos.hex(conn.getLinks(0).getTraceId())).isEqualTo(traceId(1));
    assertThat(Protos.hex(conn.getLinks(0).getSpanId())).isEqualTo(spanId(1));
    assertThat(Protos.attrs(conn.getLinks(0).getAttributesList()))
        .containsEntry("goroutine.link", "creator");
    assertThat(conn.getEventsCount()).isEqualTo(1);
    assertThat(conn.getEvents(0).getName()).isEqualTo("context.deadline_set");
    assertThat(conn.getEvents(0).getTimeUnixNano()).isEqualTo(OFFSET + 1_000_100_000L);
    assertThat(Protos.attrs(conn.getEvents(0).getAttributesList()))
        .containsEntry("context.address", "0xc000123400")
        .containsEntry("context.deadline_unix_ns", DEADLINE_UNIX)
        .containsEntry("context.deadline", "2023-11-14T22:13:21.500Z");
    assertThat(conn.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_UNSET);

    // helper: child of conn in trace 2, deadline overrun -> ERROR, parks, waker link.
    Span helper = byGoid.get(21L);
    assertThat(Protos.hex(helper.getTraceId())).isEqualTo(traceId(2));
    assertThat(Protos.hex(helper.getSpanId())).isEqualTo(spanId(3));
    assertThat(Protos.hex(helper.getParentSpanId())).isEqualTo(spanId(2));
    assertThat(helper.getName()).isEqualTo("main.handler.func1");
    assertThat(helper.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(helper.getStatus().getMessage())
        .isEqualTo("goroutine outlived the deadline of context 0xc000123400 (created by "
            + "goroutine 20) by 1.500s");
    assertThat(Protos.attrs(helper.getAttributesList()))
        .containsEntry("goroutine.deadline_overrun", true)
        .containsEntry("goroutine.deadline_overrun.duration_ns", 1_500_000_000L)
        .containsEntry("goroutine.deadline_overrun.context", "0xc000123400")
        .containsEntry("goroutine.deadline_overrun.context_creator_id", 20L)
        .containsEntry("goroutine.wait_reason", "chan receive")
        .containsEntry("goroutine.park.count", 2L)
        .containsEntry("goroutine.parked_ns", 150_000_000L)
        .doesNotContainKey("goroutine.trace_root");
    assertThat(helper.getEventsList())
        .extracting(e -> e.getName() + "@" + (e.getTimeUnixNano() - OFFSET))
        .containsExactly(
            "goroutine.park@1100000000", "goroutine.ready@1200000000",
            "goroutine.park@1300000000", "goroutine.ready@1350000000",
            "context.deadline_exceeded@1500000000");
    assertThat(Protos.attrs(helper.getEvents(0).getAttributesList()))
        .containsEntry("goroutine.wait_reason", "chan receive")
        .containsEntry("goroutine.wait_reason_code", 14L);
    assertThat(Protos.attrs(helper.getEvents(1).getAttributesList()))
        .containsEntry("goroutine.waker.id", 20L);
    assertThat(Protos.attrs(helper.getEvents(3).getAttributesList()))
        .containsEntry("goroutine.waker.id", 0L);
    assertThat(helper.getLinksCount()).isEqualTo(1);
    assertThat(Protos.hex(helper.getLinks(0).getSpanId())).isEqualTo(spanId(2));
    assertThat(Protos.attrs(helper.getLinks(0).getAttributesList()))
        .containsEntry("goroutine.link", "waker")
        .containsEntry("goroutine.waker.id", 20L)
        .containsEntry("goroutine.wake.count", 1L);

    // worker: grandchild, waited for two ancestors.
    Span worker = byGoid.get(22L);
    assertThat(Protos.hex(worker.getTraceId())).isEqualTo(traceId(2));
    assertThat(Protos.hex(worker.getSpanId())).isEqualTo(spanId(4));
    assertThat(Protos.hex(worker.getParentSpanId())).isEqualTo(spanId(3));
    assertThat(worker.getEndTimeUnixNano() - worker.getStartTimeUnixNano()).isEqualTo(600_000L);
  }
}
