package dev.goroscope.otel.span;

import static dev.goroscope.otel.span.GoroutineAttributes.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.otel.resource.ProcessResources;
import dev.goroscope.otel.testing.CollectingSpanSink;
import dev.goroscope.otel.testing.Scenario;
import dev.goroscope.otel.testing.SequentialIds;
import dev.goroscope.otel.time.ClockOffset;
import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.record.GoroutineState;
import dev.goroscope.record.ProcessInfo;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpanRecordSinkTest {

  static final int PID = 77;
  final CollectingSpanSink out = new CollectingSpanSink();

  SpanRecordSink sink(SpanMappingConfig.Builder b) {
    return new SpanRecordSink(
        b.setIdGenerator(new SequentialIds()).setClock(ClockOffset.of(0)).build(),
        ProcessResources.create("svc", Map.of(), "h"), List.of(out));
  }

  static GoroutineRecord.Builder g(long goid, long parent, String fn) {
    return GoroutineRecord.builder(PID, goid)
        .setParentGoid(parent)
        .setParentTraced(parent > 0)
        .setStartFunction(fn)
        .setStartNs(goid * 1000)
        .setEndNs(goid * 1000 + 500)
        .setState(GoroutineState.EXITED);
  }

  @Test
  void parentBeforeChildAndChildBeforeParentGiveTheSameTree() {
    try (SpanRecordSink s = sink(SpanMappingConfig.builder())) {
      s.goroutine(g(1, 0, "main.main").build());
      s.goroutine(g(2, 1, "main.a").build()); // parent known: immediate
      s.goroutine(g(4, 3, "main.c").build()); // parent 3 unknown: waits
      assertThat(out.spans).hasSize(2);
      s.goroutine(g(3, 1, "main.b").build()); // settles 3, then 4
      assertThat(out.spans).hasSize(4);
    }
    SpanData main = out.byGoid(1);
    assertThat(out.spans).allSatisfy(sp -> assertThat(sp.getTraceId()).isEqualTo(main.getTraceId()));
    assertThat(out.byGoid(2).getParentSpanId()).isEqualTo(main.getSpanId());
    assertThat(out.byGoid(3).getParentSpanId()).isEqualTo(main.getSpanId());
    assertThat(out.byGoid(4).getParentSpanId()).isEqualTo(out.byGoid(3).getSpanId());
    assertThat(out.spans).extracting(SpanData::getSpanId).doesNotHaveDuplicates();
  }

  @Test
  void partialRecordsKeepOneSpanIdAndOnlyTheFinalIsExported() {
    try (SpanRecordSink s = sink(SpanMappingConfig.builder())) {
      GoroutineRecord partial = g(5, 0, "main.loop").setEndNs(-1)
          .setState(GoroutineState.WAITING).build();
      s.goroutine(partial);
      s.goroutine(g(6, 5, "main.child").build()); // child of a live parent
      s.goroutine(partial.toBuilder().setLeakCandidate(true).build());
      assertThat(out.spans).hasSize(1); // only the child so far
      s.goroutine(g(5, 0, "main.loop").build()); // the final record
      assertThat(s.stats().liveHeld()).isZero();
    }
    assertThat(out.spans).hasSize(2);
    SpanData loop = out.byGoid(5);
    assertThat(loop.getAttributes().get(PARTIAL)).isNull();
    assertThat(out.byGoid(6).getParentSpanId()).isEqualTo(loop.getSpanId());
  }

  @Test
  void liveGoroutinesAreExportedAsPartialSpansAtProcessEndAndClose() {
    SpanRecordSink s = sink(SpanMappingConfig.builder());
    s.processStarted(new ProcessInfo(PID, "/bin/app", "go1.19.13", ""));
    s.goroutine(g(1, 0, "main.main").setEndNs(-1).setState(GoroutineState.RUNNING).build());
    s.goroutine(g(9, 1, "main.blocked").setEndNs(-1).setState(GoroutineState.WAITING)
        .setWaitReason("chan receive").setLeakCandidate(true).build());
    s.processStarted(new ProcessInfo(PID + 1, "/bin/other", "go1.27.3", ""));
    s.goroutine(GoroutineRecord.builder(PID + 1, 1).setStartFunction("main.main")
        .setStartNs(50).build());
    assertThat(out.spans).isEmpty();
    s.processEnded(PID, 20_000);
    assertThat(out.spans).hasSize(2);
    SpanData blocked = out.byGoid(9);
    assertThat(blocked.getEndEpochNanos()).isEqualTo(20_000);
    assertThat(blocked.getAttributes().get(PARTIAL)).isTrue();
    assertThat(blocked.getAttributes().get(LEAK_CANDIDATE)).isTrue();
    assertThat(blocked.getAttributes().get(STATE)).isEqualTo("waiting");
    assertThat(blocked.getAttributes().get(WAIT_REASON)).isEqualTo("chan receive");
    assertThat(blocked.getResource().getAttribute(ProcessResources.PROCESS_RUNTIME_VERSION))
        .isEqualTo("go1.19.13");
    long before = System.nanoTime();
    s.close();
    s.close();
    assertThat(out.spans).hasSize(3);
    SpanData other = out.spans.get(2);
    assertThat(other.getResource().getAttribute(ProcessResources.PROCESS_PID)).isEqualTo(PID + 1);
    assertThat(other.getEndEpochNanos()).isGreaterThanOrEqualTo(before);
    assertThat(out.closes).isEqualTo(1);
  }

  @Test
  void pidReuseStartsFreshLineages() {
    try (SpanRecordSink s = sink(SpanMappingConfig.builder())) {
      s.goroutine(g(1, 0, "main.main").build());
      s.processEnded(PID, 10_000);
      s.goroutine(g(2, 1, "main.x").build()); // new process, parent 1 not yet seen: waits
      assertThat(out.spans).hasSize(1);
      s.goroutine(g(1, 0, "main.main").build());
      assertThat(out.spans).hasSize(3);
      assertThat(out.spans.get(1).getSpanId()).isNotEqualTo(out.spans.get(0).getSpanId());
      assertThat(out.spans.get(2).getParentSpanId()).isEqualTo(out.spans.get(1).getSpanId());
    }
  }

  @Test
  void rootFunctionsStartTheirOwnTraceLinkedToTheCreator() {
    try (SpanRecordSink s = sink(SpanMappingConfig.builder()
        .setRootPolicy(TraceRootPolicy.of(List.of("main.handle*"))))) {
      s.goroutine(g(1, 0, "main.main").setEndNs(-1).build());
      s.goroutine(g(2, 1, "main.handleConn").build());
      s.goroutine(g(3, 1, "net/http.(*conn).serve").build()); // not a root with this policy
    }
    SpanData main = out.byGoid(1);
    SpanData handler = out.byGoid(2);
    assertThat(handler.getTraceId()).isNotEqualTo(main.getTraceId());
    assertThat(handler.getParentSpanContext().isValid()).isFalse();
    assertThat(handler.getAttributes().get(TRACE_ROOT)).isEqualTo(ROOT_FUNCTION);
    assertThat(handler.getLinks()).hasSize(1);
    assertThat(handler.getLinks().get(0).getSpanContext()).isEqualTo(main.getSpanContext());
    assertThat(out.byGoid(3).getTraceId()).isEqualTo(main.getTraceId());
  }

  @Test
  void aChildWhoseParentNeverComesIsForcedAfterTheWaitAndTheParentGetsTheReservedSpan()
      throws Exception {
    try (SpanRecordSink s = sink(SpanMappingConfig.builder().setMaxParentWait(Duration.ZERO))) {
      s.goroutine(g(11, 10, "main.child").build());
      // with a zero wait, the child is settled right away: parent 10 reserved as a trace root
      assertThat(out.spans).hasSize(1);
      s.goroutine(g(10, 3, "main.parent").build()); // its own parent 3 was never seen either
      assertThat(out.spans).hasSize(2);
      s.flush();
    }
    SpanData parent = out.byGoid(10);
    SpanData child = out.byGoid(11);
    assertThat(child.getParentSpanId()).isEqualTo(parent.getSpanId());
    assertThat(child.getTraceId()).isEqualTo(parent.getTraceId());
    assertThat(parent.getParentSpanContext().isValid()).isFalse();
    assertThat(parent.getAttributes().get(TRACE_ROOT)).isEqualTo(ROOT_PARENT_UNSEEN);
    assertThat(parent.getAttributes().get(PARENT_ID)).isEqualTo(3L);
  }

  @Test
  void waitingRoomIsBounded() {
    SpanRecordSink s = sink(SpanMappingConfig.builder().setMaxWaitingRecords(100));
    for (long i = 0; i < 10_000; i++) {
      s.goroutine(g(100_000 + i, 50_000 + i, "main.orphan").build());
      assertThat(s.stats().waiting()).isLessThanOrEqualTo(100);
    }
    assertThat(s.stats().waitsForced()).isEqualTo(9_900);
    s.close();
    assertThat(out.spans).hasSize(10_000);
    assertThat(s.stats().waiting()).isZero();
  }

  @Test
  void trackedLineagesAreBoundedAndEvictionCounted() {
    SpanRecordSink s = sink(SpanMappingConfig.builder().setMaxTrackedGoroutines(1000));
    for (long i = 1; i <= 50_000; i++) {
      s.goroutine(g(i, 0, "main.f").build());
    }
    assertThat(s.stats().lineagesEvicted()).isEqualTo(49_000);
    assertThat(s.stats().spans()).isEqualTo(50_000);
    s.close();
  }

  @Test
  void aLiveGoroutineEvictedFromTheLruKeepsItsSpanIdForLateChildren() {
    try (SpanRecordSink s = sink(SpanMappingConfig.builder().setMaxTrackedGoroutines(2))) {
      s.goroutine(g(1, 0, "main.server").setEndNs(-1).build()); // partial, held
      for (long i = 100; i < 110; i++) {
        s.goroutine(g(i, 0, "main.other").build()); // pushes g1 out of the LRU
      }
      s.goroutine(g(2, 1, "main.child").build()); // still finds g1's span context
      s.goroutine(g(1, 0, "main.server").build());
    }
    assertThat(out.byGoid(2).getParentSpanId()).isEqualTo(out.byGoid(1).getSpanId());
    assertThat(out.byGoid(2).getTraceId()).isEqualTo(out.byGoid(1).getTraceId());
  }

  @Test
  void spansNeverEndBeforeTheyStart() {
    try (SpanRecordSink s = sink(SpanMappingConfig.builder())) {
      s.goroutine(g(1, 0, "main.main").setStartNs(5_000).setEndNs(4_000).build());
      s.goroutine(g(2, 0, "main.x").setStartNs(Long.MAX_VALUE / 2).setEndNs(-1).build());
    }
    assertThat(out.spans).allSatisfy(
        sp -> assertThat(sp.getEndEpochNanos()).isGreaterThanOrEqualTo(sp.getStartEpochNanos()));
  }

  @Test
  void eventsAndLinksAreCappedAndTheTotalsKept() {
    List<dev.goroscope.record.ParkInterval> parks = new java.util.ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      parks.add(new dev.goroscope.record.ParkInterval(i * 10L, i * 10L + 5, 7, "select", 1));
    }
    try (SpanRecordSink s = sink(SpanMappingConfig.builder().setMaxEventsPerSpan(10))) {
      s.goroutine(g(1, 0, "main.main").setEndNs(-1).build());
      s.goroutine(g(2, 1, "main.x").setStartNs(0).setEndNs(20_000).setParks(parks).build());
    }
    SpanData x = out.byGoid(2);
    assertThat(x.getEvents()).hasSize(10);
    assertThat(x.getTotalRecordedEvents()).isEqualTo(2000);
    assertThat(x.getAttributes().get(PARK_COUNT)).isEqualTo(1000L);
    assertThat(x.getLinks()).hasSize(1);
    assertThat(x.getLinks().get(0).getAttributes().get(WAKE_COUNT)).isEqualTo(1000L);
  }

  @Test
  void scenarioFromTheOtlpTestHasOneTracePerRequest() {
    try (SpanRecordSink s = sink(SpanMappingConfig.builder())) {
      s.goroutine(Scenario.mainPartial());
      s.goroutine(Scenario.worker());
      s.goroutine(Scenario.helper());
      s.goroutine(Scenario.connServe());
    }
    assertThat(out.spans).extracting(SpanData::getName).containsExactly(
        "net/http.(*conn).serve", "main.handler.func1", "main.worker", "main.main");
  }
}
