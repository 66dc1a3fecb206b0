package dev.goroscope.otel.span;

import static dev.goroscope.otel.span.GoroutineAttributes.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.otel.resource.ProcessResources;
import dev.goroscope.otel.testing.Feed;
import dev.goroscope.otel.testing.Scenario;
import dev.goroscope.otel.testing.SequentialIds;
import dev.goroscope.otel.testing.Spans;
import dev.goroscope.otel.time.ClockOffset;
import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.record.GoroutineState;
import dev.goroscope.record.ProcessInfo;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SpanRecordSinkTest {

  static final int PID = 77;
  final InMemorySpanExporter out = InMemorySpanExporter.create();
  final AtomicInteger shutdowns = new AtomicInteger();

  SpanRecordSink sink(SpanMappingConfig.Builder b) {
    return sinkWithOwnIds(b.setIdGenerator(new SequentialIds()));
  }

  /** With {@code b}'s own id generator ({@link IdGenerator#random()} unless it sets one). */
  SpanRecordSink sinkWithOwnIds(SpanMappingConfig.Builder b) {
    return new SpanRecordSink(b.setClock(ClockOffset.of(0)).build(),
        ProcessResources.create("svc", io.opentelemetry.sdk.resources.Resource.empty(), "h"),
        List.of(Spans.keeping(out, shutdowns)));
  }

  SpanData span(long goid) {
    return Spans.byGoid(out, goid);
  }

  List<SpanData> spans() {
    return out.getFinishedSpanItems();
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
  void spansFollowTheSpawnTreeWhateverOrderGoroutinesEndIn() {
    try (SpanRecordSink s = sink(SpanMappingConfig.builder())) {
      Feed feed = new Feed(s);
      for (long goid = 1; goid <= 4; goid++) {
        feed.start(g(goid, goid == 1 ? 0 : goid == 4 ? 3 : 1, "main.f" + goid).build());
      }
      feed.end(g(4, 3, "main.f4").build()); // a grandchild ends before its parent
      feed.end(g(2, 1, "main.f2").build());
      assertThat(spans()).hasSize(2); // each span leaves as its goroutine ends
      feed.end(g(3, 1, "main.f3").build());
      feed.end(g(1, 0, "main.f1").build());
      assertThat(spans()).hasSize(4);
    }
    SpanData main = span(1);
    assertThat(spans()).allSatisfy(sp -> assertThat(sp.getTraceId()).isEqualTo(main.getTraceId()));
    assertThat(span(2).getParentSpanId()).isEqualTo(main.getSpanId());
    assertThat(span(3).getParentSpanId()).isEqualTo(main.getSpanId());
    assertThat(span(4).getParentSpanId()).isEqualTo(span(3).getSpanId());
    assertThat(spans()).extracting(SpanData::getSpanId).doesNotHaveDuplicates();
  }

  @Test
  void theRandomGeneratorsIdsMakeTheSameContextsAsTheCheckedFactory() {
    try (SpanRecordSink s = sinkWithOwnIds(SpanMappingConfig.builder())) { // random ids
      Feed feed = new Feed(s);
      feed.start(g(1, 0, "main.main").build());
      feed.start(g(2, 1, "main.worker").build());
      feed.end(g(2, 1, "main.worker").build());
      feed.end(g(1, 0, "main.main").build());
    }
    assertThat(spans()).hasSize(2).allSatisfy(sp -> {
      SpanContext checked = SpanContext.create(sp.getTraceId(), sp.getSpanId(),
          TraceFlags.getSampled(), TraceState.getDefault());
      assertThat(checked.isValid()).isTrue();
      assertThat(sp.getSpanContext()).isEqualTo(checked);
    });
    assertThat(span(2).getParentSpanContext()).isEqualTo(span(1).getSpanContext());
  }

  @Test
  void anotherGeneratorsIdsAreStillChecked() {
    IdGenerator zeros = new IdGenerator() { // all-zero ids: invalid in OpenTelemetry
      @Override
      public String generateSpanId() {
        return "0000000000000000";
      }

      @Override
      public String generateTraceId() {
        return "00000000000000000000000000000000";
      }
    };
    try (SpanRecordSink s = sinkWithOwnIds(SpanMappingConfig.builder().setIdGenerator(zeros))) {
      Feed feed = new Feed(s);
      feed.start(g(1, 0, "main.main").build());
      feed.end(g(1, 0, "main.main").build());
    }
    assertThat(spans()).hasSize(1)
        .allSatisfy(sp -> assertThat(sp.getSpanContext().isValid()).isFalse());
  }

  @Test
  void updatesKeepOneSpanIdAndOnlyTheEndIsExported() {
    try (SpanRecordSink s = sink(SpanMappingConfig.builder())) {
      Feed feed = new Feed(s);
      GoroutineRecord partial = g(5, 0, "main.loop").setEndNs(-1)
          .setState(GoroutineState.WAITING).build();
      feed.start(partial);
      feed.run(g(6, 5, "main.child").build()); // child of a live parent
      feed.update(partial.toBuilder().setLeakCandidate(true).build());
      assertThat(spans()).hasSize(1); // only the child so far
      feed.end(g(5, 0, "main.loop").build()); // the end
    }
    assertThat(spans()).hasSize(2);
    SpanData loop = span(5);
    assertThat(loop.getAttributes().get(PARTIAL)).isNull();
    assertThat(span(6).getParentSpanId()).isEqualTo(loop.getSpanId());
  }

  @Test
  void goroutinesStillAliveWhenWatchingStopsArePartialSpansEndingThen() {
    SpanRecordSink s = sink(SpanMappingConfig.builder());
    Feed feed = new Feed(s);
    s.processStarted(new ProcessInfo(PID, "/bin/app", "go1.19.13", ""));
    feed.start(g(1, 0, "main.main").setEndNs(-1).setState(GoroutineState.RUNNING).build());
    feed.start(g(9, 1, "main.blocked").setEndNs(-1).setState(GoroutineState.WAITING)
        .setWaitReason("chan receive").setLeakCandidate(true).build());
    s.processStarted(new ProcessInfo(PID + 1, "/bin/other", "go1.27.3", ""));
    feed.start(GoroutineRecord.builder(PID + 1, 1).setStartFunction("main.main")
        .setStartNs(50).build());
    assertThat(spans()).isEmpty();
    feed.stopWatching(PID, 20_000);
    s.processEnded(PID, 20_000);
    assertThat(spans()).hasSize(2);
    SpanData blocked = span(9);
    assertThat(blocked.getEndEpochNanos()).isEqualTo(20_000);
    assertThat(blocked.getAttributes().get(PARTIAL)).isTrue();
    assertThat(blocked.getAttributes().get(LEAK_CANDIDATE)).isTrue();
    assertThat(blocked.getAttributes().get(STATE)).isEqualTo("waiting");
    assertThat(blocked.getAttributes().get(WAIT_REASON)).isEqualTo("chan receive");
    assertThat(blocked.getResource().getAttribute(ProcessResources.PROCESS_RUNTIME_VERSION))
        .isEqualTo("go1.19.13");
    feed.stopWatching(30_000);
    s.close();
    s.close();
    assertThat(spans()).hasSize(3);
    SpanData other = spans().get(2);
    assertThat(other.getResource().getAttribute(ProcessResources.PROCESS_PID)).isEqualTo(PID + 1);
    assertThat(other.getEndEpochNanos()).isEqualTo(30_000);
    assertThat(shutdowns.get()).as("the exporter was shut down once").isEqualTo(1);
  }

  @Test
  void pidReuseStartsFreshLineages() {
    try (SpanRecordSink s = sink(SpanMappingConfig.builder())) {
      Feed feed = new Feed(s);
      feed.run(g(1, 0, "main.main").build());
      feed.processEnded(PID, 10_000);
      feed.run(g(1, 0, "main.main").build(), g(2, 1, "main.x").build()); // a new process
      assertThat(spans()).hasSize(3);
      assertThat(spans().get(1).getSpanId()).isNotEqualTo(spans().get(0).getSpanId());
      assertThat(spans().get(2).getParentSpanId()).isEqualTo(spans().get(1).getSpanId());
    }
  }

  @Test
  void rootFunctionsStartTheirOwnTraceLinkedToTheCreator() {
    try (SpanRecordSink s = sink(SpanMappingConfig.builder()
        .setRootPolicy(TraceRootPolicy.of(List.of("main.handle*"))))) {
      Feed feed = new Feed(s);
      feed.run(g(1, 0, "main.main").setEndNs(-1).build(), g(2, 1, "main.handleConn").build(),
          g(3, 1, "net/http.(*conn).serve").build()); // not a root with this policy
      feed.stopWatching(9_000);
    }
    SpanData main = span(1);
    SpanData handler = span(2);
    assertThat(handler.getTraceId()).isNotEqualTo(main.getTraceId());
    assertThat(handler.getParentSpanContext().isValid()).isFalse();
    assertThat(handler.getAttributes().get(TRACE_ROOT)).isEqualTo(ROOT_FUNCTION);
    assertThat(handler.getLinks()).hasSize(1);
    assertThat(handler.getLinks().get(0).getSpanContext()).isEqualTo(main.getSpanContext());
    assertThat(span(3).getTraceId()).isEqualTo(main.getTraceId());
  }

  @Test
  void aTracedCreatorThisSinkNeverSawMakesATraceRootOfItsOwn() {
    try (SpanRecordSink s = sink(SpanMappingConfig.builder())) {
      Feed feed = new Feed(s);
      feed.run(g(11, 10, "main.child").build()); // creator 10 was never started here
    }
    SpanData child = span(11);
    assertThat(child.getParentSpanContext().isValid()).isFalse();
    assertThat(child.getAttributes().get(TRACE_ROOT)).isEqualTo(ROOT_PARENT_UNSEEN);
    assertThat(child.getAttributes().get(PARENT_ID)).isEqualTo(10L);
    assertThat(child.getLinks()).isEmpty();
  }

  @Test
  void aChildStartedLongAfterOthersEndedStillFindsItsLiveCreator() {
    try (SpanRecordSink s = sink(SpanMappingConfig.builder())) {
      Feed feed = new Feed(s);
      feed.start(g(1, 0, "main.server").setEndNs(-1).build());
      for (long i = 100; i < 10_100; i++) {
        feed.run(g(i, 0, "main.other").build());
      }
      feed.run(g(2, 1, "main.child").build());
      feed.end(g(1, 0, "main.server").build());
    }
    assertThat(span(2).getParentSpanId()).isEqualTo(span(1).getSpanId());
    assertThat(span(2).getTraceId()).isEqualTo(span(1).getTraceId());
  }

  @Test
  void aWakerThatAlreadyEndedIsStillLinked() {
    List<dev.goroscope.record.ParkInterval> parks = List.of(
        new dev.goroscope.record.ParkInterval(3_000, 3_400, 7, "select", 2));
    try (SpanRecordSink s = sink(SpanMappingConfig.builder())) {
      Feed feed = new Feed(s);
      feed.start(g(1, 0, "main.main").setEndNs(-1).build());
      feed.start(g(2, 1, "main.waker").build());
      feed.start(g(3, 1, "main.sleeper").setEndNs(5_000).setParks(parks).build());
      feed.end(g(2, 1, "main.waker").build());
      feed.end(g(3, 1, "main.sleeper").setEndNs(5_000).setParks(parks).build());
      feed.stopWatching(9_000);
    }
    assertThat(span(3).getLinks()).singleElement().satisfies(l -> {
      assertThat(l.getSpanContext()).isEqualTo(span(2).getSpanContext());
      assertThat(l.getAttributes().get(WAKER_ID)).isEqualTo(2L);
    });
  }

  @Test
  void spansNeverEndBeforeTheyStart() {
    try (SpanRecordSink s = sink(SpanMappingConfig.builder())) {
      Feed feed = new Feed(s);
      feed.run(g(1, 0, "main.main").setStartNs(5_000).setEndNs(4_000).build());
      feed.start(g(2, 0, "main.x").setStartNs(Long.MAX_VALUE / 2).setEndNs(-1).build());
      feed.stopWatching(10_000);
    }
    assertThat(spans()).hasSize(2).allSatisfy(
        sp -> assertThat(sp.getEndEpochNanos()).isGreaterThanOrEqualTo(sp.getStartEpochNanos()));
  }

  @Test
  void eventsAndLinksAreCappedAndTheTotalsKept() {
    List<dev.goroscope.record.ParkInterval> parks = new java.util.ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      parks.add(new dev.goroscope.record.ParkInterval(i * 10L, i * 10L + 5, 7, "select", 1));
    }
    try (SpanRecordSink s = sink(SpanMappingConfig.builder().setMaxEventsPerSpan(10))) {
      Feed feed = new Feed(s);
      feed.start(g(1, 0, "main.main").setEndNs(-1).build());
      feed.run(g(2, 1, "main.x").setStartNs(0).setEndNs(20_000).setParks(parks).build());
    }
    SpanData x = span(2);
    assertThat(x.getEvents()).hasSize(10);
    assertThat(x.getTotalRecordedEvents()).isEqualTo(2000);
    assertThat(x.getAttributes().get(PARK_COUNT)).isEqualTo(1000L);
    assertThat(x.getLinks()).hasSize(1);
    assertThat(x.getLinks().get(0).getAttributes().get(WAKE_COUNT)).isEqualTo(1000L);
  }

  @Test
  void aRareEventKindIsKeptWhenTheCapCuts() {
    List<dev.goroscope.record.ParkInterval> parks = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      parks.add(new dev.goroscope.record.ParkInterval(i * 10L, i * 10L + 5, 7, "select", 0));
    }
    try (SpanRecordSink s = sink(SpanMappingConfig.builder().setMaxEventsPerSpan(3))) {
      new Feed(s).run(g(2, 0, "main.x").setStartNs(0).setEndNs(20_000).setParks(parks)
          .setContextEvents(List.of(new dev.goroscope.record.ContextEvent(
              dev.goroscope.record.ContextEvent.Kind.DEADLINE_SET, 995, 0xc0, 7)))
          .build());
    }
    assertThat(span(2).getEvents()).extracting(e -> e.getName())
        .containsExactly("goroutine.park", "goroutine.ready", "context.deadline_set");
  }

  @Test
  void scenarioFromTheOtlpTestHasOneTracePerRequest() {
    try (SpanRecordSink s = sink(SpanMappingConfig.builder())) {
      Feed feed = new Feed(s);
      feed.run(Scenario.mainPartial(), Scenario.worker(), Scenario.helper(),
          Scenario.connServe());
      feed.stopWatching(5_000_000_000L);
    }
    assertThat(spans()).extracting(SpanData::getName).containsExactly(
        "main.worker", "main.handler.func1", "net/http.(*conn).serve", "main.main");
    assertThat(spans().subList(0, 3)).extracting(SpanData::getTraceId).containsOnly(
        span(20).getTraceId());
    assertThat(span(1).getTraceId()).isNotEqualTo(span(20).getTraceId());
  }

  @Test
  void pausesAreSpansOfOneRuntimeTraceWhoseRootEndsWithTheProcess() {
    try (SpanRecordSink s = sink(SpanMappingConfig.builder())) {
      s.stopTheWorld(new dev.goroscope.record.StwRecord(PID, 1_000, 3_000,
          "GC sweep termination", true, 1, 2, 1, List.of(7L)));
      s.stopTheWorld(new dev.goroscope.record.StwRecord(PID, 9_000, 9_500, "read mem stats",
          false, 1, 2, 0, List.of()));
      assertThat(spans()).hasSize(2);
      s.processEnded(PID, 10_000);
    }
    List<SpanData> all = spans();
    assertThat(all).hasSize(3);
    SpanData root = all.get(2);
    assertThat(root.getName()).isEqualTo("go runtime");
    assertThat(root.getParentSpanContext().isValid()).isFalse();
    assertThat(root.getStartEpochNanos()).isEqualTo(1_000);
    // 9,500 rounded up to the microsecond, so a backend's microseconds keep every pause inside.
    assertThat(root.getEndEpochNanos()).isEqualTo(10_000);
    assertThat(root.getAttributes().get(STW_COUNT)).isEqualTo(2);
    assertThat(root.getAttributes().get(STW_TOTAL_NS)).isEqualTo(2_500);
    assertThat(root.getAttributes().get(STW_GC_TOTAL_NS)).isEqualTo(2_000);
    assertThat(root.getAttributes().get(RUNTIME_PARTIAL)).isNull();
    SpanData gc = all.get(0);
    assertThat(gc.getName()).isEqualTo("STW GC sweep termination");
    assertThat(gc.getTraceId()).isEqualTo(root.getTraceId());
    assertThat(gc.getParentSpanId()).isEqualTo(root.getSpanId());
    assertThat(gc.getStartEpochNanos()).isEqualTo(1_000);
    assertThat(gc.getEndEpochNanos()).isEqualTo(3_000);
    assertThat(gc.getAttributes().get(STW_REASON)).isEqualTo("GC sweep termination");
    assertThat(gc.getAttributes().get(STW_GC)).isTrue();
    assertThat(gc.getAttributes().get(STW_DURATION_NS)).isEqualTo(2_000);
    assertThat(gc.getAttributes().get(STW_STOPPER_ID)).isEqualTo(1);
    assertThat(gc.getAttributes().get(STW_GOMAXPROCS)).isEqualTo(2);
    assertThat(gc.getAttributes().get(STW_RUNNING_IDS)).containsExactly(7L);
    assertThat(gc.getInstrumentationScopeInfo()).isEqualTo(GoroutineSpanData.RUNTIME_SCOPE);
    assertThat(all.get(1).getAttributes().get(STW_RUNNING_IDS)).isNull();
  }

  @Test
  void inAnyBackendsMicrosecondsTheRootHoldsItsLastPause() {
    try (SpanRecordSink s = sink(SpanMappingConfig.builder())) {
      s.stopTheWorld(new dev.goroscope.record.StwRecord(PID, 1_900, 2_100, "GC sweep termination",
          true, 1, 2, 0, List.of()));
      s.stopTheWorld(new dev.goroscope.record.StwRecord(PID, 3_000, 5_100, "read mem stats",
          false, 1, 2, 0, List.of()));
      s.processEnded(PID, 10_000);
    }
    SpanData root = spans().get(2);
    assertThat(root.getStartEpochNanos()).isEqualTo(1_000);
    assertThat(root.getEndEpochNanos()).isEqualTo(6_000);
    // Jaeger keeps start/1000 and duration/1000: unrounded, the root (1,900..5,100 ns) would
    // end at 1 + 3 = 4 us and its last pause at 3 + 2 = 5 us.
    for (SpanData pause : spans().subList(0, 2)) {
      assertThat(jaegerEndMicros(pause)).isLessThanOrEqualTo(jaegerEndMicros(root));
      assertThat(pause.getStartEpochNanos() / 1_000)
          .isGreaterThanOrEqualTo(root.getStartEpochNanos() / 1_000);
    }
  }

  private static long jaegerEndMicros(SpanData s) {
    return s.getStartEpochNanos() / 1_000
        + (s.getEndEpochNanos() - s.getStartEpochNanos()) / 1_000;
  }

  @Test
  void aProcessStillRunningGetsAPartialRootWhenWatchingStops() {
    SpanRecordSink s = sink(SpanMappingConfig.builder());
    s.stopTheWorld(new dev.goroscope.record.StwRecord(PID, 1_000, 3_000, "GOMAXPROCS", false,
        1, 4, 0, List.of()));
    s.close();
    s.close();
    assertThat(spans()).hasSize(2);
    assertThat(spans().get(1).getAttributes().get(RUNTIME_PARTIAL)).isTrue();
    assertThat(s.stats().partialSpans()).isEqualTo(1);
  }
}
