package dev.goroscope.otel.span;

import static dev.goroscope.otel.span.GoroutineAttributes.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.otel.resource.ProcessResources;
import dev.goroscope.otel.testing.Feed;
import dev.goroscope.otel.testing.SequentialIds;
import dev.goroscope.otel.testing.Spans;
import dev.goroscope.otel.time.ClockOffset;
import dev.goroscope.record.AppSpanEvents;
import dev.goroscope.record.Attrs;
import dev.goroscope.record.GoroutineEvent;
import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.record.GoroutineState;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Goroutines created under an application span join its trace as its children; their
 * descendants follow them; the goroutine that started the span links to it; unsampled spans
 * take their goroutines with them (unless asked otherwise).
 */
class AppSpanLineageTest {

  static final int PID = 78;
  static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
  static final String SERVER = "b7ad6b7169203331";
  final InMemorySpanExporter out = InMemorySpanExporter.create();

  SpanRecordSink sink(boolean exportUnsampled) {
    return new SpanRecordSink(SpanMappingConfig.builder().setIdGenerator(new SequentialIds())
        .setClock(ClockOffset.of(0)).setExportUnsampled(exportUnsampled).build(),
        ProcessResources.create("svc", io.opentelemetry.sdk.resources.Resource.empty(), "h"),
        List.of(Spans.keeping(out, new AtomicInteger())));
  }

  SpanData span(long goid) {
    return Spans.byGoid(out, goid);
  }

  static GoroutineRecord.Builder g(long goid, long parent, String fn) {
    return GoroutineRecord.builder(PID, goid).setParentGoid(parent).setParentTraced(parent > 0)
        .setStartFunction(fn).setStartNs(goid * 1000).setEndNs(goid * 1000 + 500)
        .setState(GoroutineState.EXITED);
  }

  static Attrs under(String spanId, boolean sampled) {
    return Attrs.builder().put(AppSpanEvents.UNDER_TRACE_ID, TRACE)
        .put(AppSpanEvents.UNDER_SPAN_ID, spanId).put(AppSpanEvents.UNDER_SAMPLED, sampled)
        .build();
  }

  static GoroutineEvent started(String spanId, boolean sampled) {
    return new GoroutineEvent(AppSpanEvents.START, 1100, Attrs.builder()
        .put(AppSpanEvents.TRACE_ID, TRACE).put(AppSpanEvents.SPAN_ID, spanId)
        .put(AppSpanEvents.SAMPLED, sampled).build());
  }

  @Test
  void childrenOfAnApplicationSpanJoinItsTraceAndTheirDescendantsFollow() {
    SpanRecordSink s = sink(false);
    Feed feed = new Feed(s);
    // 1 serves the connection (its own trace), starts the server span, creates 2 under it;
    // 2 creates 3 (no span of its own): 3 follows 2.
    GoroutineRecord conn = g(1, 0, TraceRootPolicy.NET_HTTP_CONN_SERVE)
        .setEvents(List.of(started(SERVER, true))).build();
    feed.start(conn);
    feed.start(g(2, 1, "main.fetch").setAttributes(under(SERVER, true)).build());
    feed.start(g(3, 2, "main.retry").build());
    feed.end(g(3, 2, "main.retry").build());
    feed.end(g(2, 1, "main.fetch").setAttributes(under(SERVER, true)).build());
    feed.end(conn);
    s.close();

    assertThat(span(2).getTraceId()).isEqualTo(TRACE);
    assertThat(span(2).getParentSpanId()).isEqualTo(SERVER);
    assertThat(span(2).getAttributes().get(TRACE_ROOT)).isNull();
    assertThat(span(3).getTraceId()).isEqualTo(TRACE);
    assertThat(span(3).getParentSpanId()).isEqualTo(span(2).getSpanId());
    assertThat(span(1).getTraceId()).as("the connection keeps its own trace")
        .isNotEqualTo(TRACE);
    // 2 links to its creator's span, in the other trace; 1 links to the span it started.
    assertThat(span(2).getLinks()).singleElement().satisfies(l -> {
      assertThat(l.getSpanContext()).isEqualTo(span(1).getSpanContext());
      assertThat(l.getAttributes().get(LINK_TYPE)).isEqualTo(LINK_CREATOR);
    });
    assertThat(span(1).getLinks()).extracting(LinkData::getSpanContext)
        .anyMatch(c -> c.getTraceId().equals(TRACE) && c.getSpanId().equals(SERVER));
    assertThat(span(1).getLinks()).filteredOn(l -> LINK_APP_SPAN.equals(
        l.getAttributes().get(LINK_TYPE))).hasSize(1);
    assertThat(span(2).getAttributes().get(
        io.opentelemetry.api.common.AttributeKey.stringKey("goroutine.app_span.span_id")))
        .isEqualTo(SERVER);
    assertThat(s.stats().underAppSpans()).isEqualTo(1);
    assertThat(s.stats().unsampled()).isZero();
  }

  @Test
  void unsampledSpansTakeTheirGoroutinesWithThem() {
    SpanRecordSink s = sink(false);
    Feed feed = new Feed(s);
    feed.start(g(1, 0, "main.main").setEvents(List.of(started(SERVER, false))).build());
    feed.start(g(2, 1, "main.fetch").setAttributes(under(SERVER, false)).build());
    feed.start(g(3, 2, "main.retry").build());
    feed.end(g(3, 2, "main.retry").build());
    feed.end(g(2, 1, "main.fetch").setAttributes(under(SERVER, false)).build());
    feed.end(g(1, 0, "main.main").setEvents(List.of(started(SERVER, false))).build());
    s.close();

    assertThat(out.getFinishedSpanItems()).extracting(sp -> sp.getAttributes().get(GOROUTINE_ID))
        .containsExactly(1L);
    assertThat(span(1).getLinks()).as("no link to a span that is not exported").isEmpty();
    assertThat(s.stats().unsampled()).isEqualTo(2);
  }

  @Test
  void unsampledGoroutinesCanBeExportedAnyway() {
    SpanRecordSink s = sink(true);
    Feed feed = new Feed(s);
    feed.start(g(1, 0, "main.main").build());
    feed.start(g(2, 1, "main.fetch").setAttributes(under(SERVER, false)).build());
    feed.end(g(2, 1, "main.fetch").setAttributes(under(SERVER, false)).build());
    s.close();

    assertThat(span(2).getTraceId()).isEqualTo(TRACE);
    assertThat(span(2).getParentSpanId()).isEqualTo(SERVER);
    assertThat(s.stats().unsampled()).isZero();
  }

  @Test
  void aTraceRootFunctionKeepsItsOwnTraceUnderAnApplicationSpan() {
    SpanRecordSink s = sink(false);
    Feed feed = new Feed(s);
    feed.start(g(1, 0, "main.main").build());
    feed.end(g(2, 1, TraceRootPolicy.NET_HTTP_CONN_SERVE).setAttributes(under(SERVER, true))
        .build());
    s.close();

    assertThat(span(2).getTraceId()).isNotEqualTo(TRACE);
    assertThat(span(2).getAttributes().get(TRACE_ROOT)).isEqualTo(ROOT_FUNCTION);
  }
}
