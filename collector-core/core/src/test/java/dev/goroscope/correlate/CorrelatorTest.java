package dev.goroscope.correlate;

import static dev.goroscope.correlate.Events.CHAN_RECEIVE;
import static dev.goroscope.correlate.Events.CHAN_SEND;
import static dev.goroscope.correlate.Events.CREATION_PC;
import static dev.goroscope.correlate.Events.START_PC;
import static dev.goroscope.correlate.Events.ns;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goroscope.event.CancelReason;
import dev.goroscope.record.CodeLocation;
import dev.goroscope.record.ContextEvent;
import dev.goroscope.record.ContextRecord;
import dev.goroscope.record.Goroutine;
import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.record.GoroutineState;
import dev.goroscope.record.ParkInterval;
import dev.goroscope.record.ProcessInfo;
import dev.goroscope.record.RecordSink;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import dev.goroscope.testing.RecordingSink;

class CorrelatorTest {

  static final int PID = 4242;

  RecordingSink sink;
  FakeSymbolizer symbolizer;
  long[] clock;
  Events ev;
  Correlator correlator;

  @BeforeEach
  void setUp() {
    sink = new RecordingSink();
    symbolizer = new FakeSymbolizer();
    clock = new long[] {0};
    ev = new Events(PID);
    correlator = correlator(testConfig().build());
  }

  static CorrelatorConfig.Builder testConfig() {
    return CorrelatorConfig.builder()
        .setReorderWindow(Duration.ofMillis(5))
        .setDeadlineGrace(Duration.ofMillis(100))
        .setLeakThreshold(Duration.ofSeconds(10))
        .setPartialFlushInterval(Duration.ofSeconds(5));
  }

  Correlator correlator(CorrelatorConfig config) {
    return Correlator.builder(sink)
        .setConfig(config)
        .setDefaultSymbolizer(symbolizer)
        .setClock(() -> clock[0])
        .build();
  }

  void feed(dev.goroscope.event.Event... events) {
    for (dev.goroscope.event.Event e : events) {
      correlator.accept(e);
    }
  }

  @Test
  void createAndExitMakeOneFinishedRecordWithSymbols() {
    feed(ev.created(1000, 7, 1), ev.exited(1003, 7));
    correlator.close();

    GoroutineRecord r = sink.finished(7);
    assertThat(r.pid()).isEqualTo(PID);
    assertThat(r.parentGoid()).isEqualTo(1);
    assertThat(r.startNs()).isEqualTo(ns(1000));
    assertThat(r.endNs()).isEqualTo(ns(1003));
    assertThat(r.state()).isEqualTo(GoroutineState.EXITED);
    assertThat(r.startPc()).isEqualTo(START_PC);
    assertThat(r.startFunction()).isEqualTo("main.fn" + Long.toHexString(START_PC));
    assertThat(r.creationSite())
        .isEqualTo(new CodeLocation("main.caller" + Long.toHexString(CREATION_PC),
            "/src/main.go", (int) (CREATION_PC & 0xffff)));
    assertThat(r.incomplete()).isFalse();
    assertThat(r.leakCandidate()).isFalse();
    assertThat(r.parks()).isEmpty();
    assertThat(correlator.stats().finishedRecords()).isEqualTo(1);
  }

  @Test
  void eventsFromDifferentCpusAreProcessedInTimestampOrder() {
    // CPU 1 delivers the exit and a grandchild before CPU 0 delivers the creations.
    feed(ev.onCpu(1).exited(1002, 7), ev.onCpu(1).created(1001.5, 8, 7),
        ev.onCpu(0).created(1000, 7, 1), ev.onCpu(1).exited(1003, 8));
    correlator.close();

    GoroutineRecord seven = sink.finished(7);
    GoroutineRecord eight = sink.finished(8);
    assertThat(seven.startNs()).isEqualTo(ns(1000));
    assertThat(seven.endNs()).isEqualTo(ns(1002));
    assertThat(seven.incomplete()).isFalse();
    assertThat(eight.parentGoid()).isEqualTo(7);
    assertThat(eight.parentTraced()).as("7 was seen being created, after reordering").isTrue();
    CorrelatorStats stats = correlator.stats();
    assertThat(stats.outOfOrderFixed()).isEqualTo(2);
    assertThat(stats.lateEvents()).isZero();
    assertThat(stats.goroutinesAdopted()).as("only the pre-attach parent 1").isEqualTo(1);
  }

  @Test
  void eventsOlderThanTheWindowAreLateButNeverDuplicateARecord() {
    feed(ev.created(1000, 7, 1), ev.exited(1002, 7), ev.created(1100, 9, 1));
    // 98 ms late: the exit of 7 was already processed, a duplicate creation must not revive it.
    feed(ev.created(1001, 7, 1), ev.exited(1001.5, 7));
    correlator.close();

    assertThat(sink.finished(7).endNs()).isEqualTo(ns(1002));
    assertThat(correlator.stats().lateEvents()).isEqualTo(2);
    assertThat(correlator.stats().duplicatesDropped()).isEqualTo(2);
  }

  @Test
  void creationLaterThanTheWindowCompletesTheAdoptedGoroutineMarkedIncomplete() {
    // The park of 7 is processed before its creation arrives, 20 ms late.
    feed(ev.created(1000, 6, 1), ev.parked(1001, 7, CHAN_RECEIVE), ev.created(1020, 8, 1));
    feed(ev.created(1000.5, 7, 6));
    feed(ev.exited(1030, 7), ev.exited(1031, 8), ev.exited(1040, 6));
    correlator.close();

    GoroutineRecord seven = sink.finished(7);
    assertThat(seven.startNs()).isEqualTo(ns(1000.5));
    assertThat(seven.parentGoid()).isEqualTo(6);
    assertThat(seven.parentTraced()).isTrue();
    assertThat(seven.startPc()).isEqualTo(START_PC);
    assertThat(seven.incomplete()).as("its events were not processed in order").isTrue();
    assertThat(sink.finished(8).incomplete()).isFalse();
    assertThat(correlator.stats().lateEvents()).isEqualTo(1);
    assertThat(correlator.stats().duplicatesDropped()).isZero();
  }

  @Test
  void attachSnapshotCompletesAGoroutineAdoptedByItsEarlierParks() {
    // Deep mode: main parks (probe live) just before the attach-time snapshot lists it.
    feed(ev.parked(1000, 1, CHAN_RECEIVE), ev.readied(1000.2, 1, 0));
    correlator.goroutinesFound(ev.pid, ns(1000.5),
        List.of(new FoundOrderTest.Found(1, 0, CREATION_PC, START_PC)));
    feed(ev.exited(1100, 1));
    correlator.close();

    GoroutineRecord main = sink.finished(1);
    assertThat(main.startPc()).as("from the snapshot").isEqualTo(START_PC);
    assertThat(main.startNs()).as("kept before its first event").isEqualTo(ns(1000));
    assertThat(main.incomplete()).isFalse();
    assertThat(main.parks()).hasSize(1);
    assertThat(correlator.stats().duplicatesDropped()).isZero();
  }

  /** A waiting goroutine as the second read of allgs lists it. */
  record WaitingFound(long goid, long parentGoid, int waitReason) implements FoundGoroutine {
    @Override
    public long creationPc() {
      return CREATION_PC;
    }

    @Override
    public long startPc() {
      return START_PC;
    }

    @Override
    public boolean isWaiting() {
      return true;
    }
  }

  @Test
  void deepModeReportsWaitingWhatParkedBeforeTheParkProbeWasLive() {
    correlator.processStarted(new ProcessInfo(PID, "/srv/app", "go1.26.8", "example.com/app"),
        symbolizer, ns(999), true);
    // 7 and 8 were created while the probes were attached; 7 parked before the park probe was
    // live, 8 after it (its park event came); the read after attaching lists both waiting.
    feed(ev.created(1000, 7, 1), ev.created(1000.1, 8, 1), ev.parked(1000.2, 8, CHAN_RECEIVE));
    correlator.goroutinesFound(ev.pid, ns(1001), List.of(new WaitingFound(7, 1, CHAN_RECEIVE),
        new WaitingFound(8, 1, CHAN_RECEIVE)));
    correlator.advanceTo(ns(1100));
    correlator.close();

    GoroutineRecord seven = sink.lastPartial(7);
    assertThat(seven.state()).isEqualTo(GoroutineState.WAITING);
    assertThat(seven.waitReason()).isEqualTo(symbolizer.waitReason(CHAN_RECEIVE));
    assertThat(seven.parks()).singleElement()
        .satisfies(p -> assertThat(p.startNs()).as("from the read").isEqualTo(ns(1001)));
    assertThat(sink.lastPartial(8).parks()).singleElement()
        .satisfies(p -> assertThat(p.startNs()).as("its park event").isEqualTo(ns(1000.2)));
  }

  @Test
  void duplicateCreationFromARerunPrologueIsIgnored() {
    feed(ev.created(1000, 7, 1), ev.created(1000, 7, 1), ev.created(1000.001, 7, 1),
        ev.exited(1004, 7), ev.exited(1004, 7));
    correlator.close();

    assertThat(sink.finished().stream().filter(r -> r.goid() == 7)).hasSize(1);
    assertThat(sink.finished(7).startNs()).isEqualTo(ns(1000));
    assertThat(correlator.stats().duplicatesDropped()).isEqualTo(3);
  }

  @Test
  void reusedGStructIsKeyedByGoid() {
    // The runtime reuses the dead g of goroutine 5 for goroutine 21: same PCs, new goid.
    feed(ev.created(1000, 5, 1), ev.parked(1001, 5, CHAN_RECEIVE), ev.readied(1002, 5, 1),
        ev.exited(1003, 5), ev.created(1004, 21, 1), ev.exited(1010, 21));
    correlator.close();

    GoroutineRecord five = sink.finished(5);
    GoroutineRecord twentyOne = sink.finished(21);
    assertThat(five.endNs()).isEqualTo(ns(1003));
    assertThat(five.parks()).hasSize(1);
    assertThat(twentyOne.startNs()).isEqualTo(ns(1004));
    assertThat(twentyOne.parks()).as("nothing carried over from the previous user").isEmpty();
  }

  @Test
  void lostEventsMarkGoroutinesAliveAtTheGapIncomplete() {
    feed(ev.created(1000, 10, 1), ev.created(1001, 11, 1), ev.exited(1002, 11),
        ev.lost(1003, 57), ev.created(1004, 12, 1),
        // 13 was created inside the gap: only its exit arrives.
        ev.exited(1005, 13), ev.exited(1006, 10), ev.exited(1007, 12));
    correlator.close();

    assertThat(sink.finished(11).incomplete()).as("finished before the gap").isFalse();
    assertThat(sink.finished(10).incomplete()).as("alive across the gap").isTrue();
    assertThat(sink.finished(12).incomplete()).as("created after the gap").isFalse();
    GoroutineRecord thirteen = sink.finished(13);
    assertThat(thirteen.incomplete()).isTrue();
    assertThat(thirteen.parentTraced()).isFalse();
    assertThat(sink.lost).hasSize(1);
    assertThat(sink.lost.get(0)).containsExactly(PID, 57);
    assertThat(correlator.stats().eventsLost()).isEqualTo(57);
    assertThat(correlator.stats().lostMarkers()).isEqualTo(1);
  }

  @Test
  void lossNotAttributedToAProcessMarksEveryProcess() {
    Events other = new Events(PID + 1);
    feed(ev.created(1000, 10, 1), other.created(1000, 10, 1),
        new dev.goroscope.event.EventsLost(Events.ns(1001), 0, 0, -1, 3),
        ev.exited(1002, 10), other.exited(1002, 10), ev.created(1003, 11, 1), ev.exited(1004, 11));
    correlator.close();

    assertThat(sink.finished()).filteredOn(r -> r.goid() == 10).hasSize(2)
        .allMatch(GoroutineRecord::incomplete);
    assertThat(sink.finished(11).incomplete()).isFalse();
    assertThat(sink.lost).hasSize(1);
    assertThat(sink.lost.get(0)).containsExactly(0, 3);
  }

  @Test
  void parentFromBeforeAttachKeepsItsGoidAndIsMarkedUntraced() {
    feed(ev.created(1000, 50, 42), ev.created(1001, 51, 50), ev.created(1002, 52, 0));
    feed(ev.exited(1003, 50), ev.exited(1004, 51), ev.exited(1005, 52));
    correlator.close();

    GoroutineRecord fifty = sink.finished(50);
    assertThat(fifty.parentGoid()).isEqualTo(42);
    assertThat(fifty.parentTraced()).isFalse();
    GoroutineRecord fiftyOne = sink.finished(51);
    assertThat(fiftyOne.parentGoid()).isEqualTo(50);
    assertThat(fiftyOne.parentTraced()).isTrue();
    GoroutineRecord runtimeMade = sink.finished(52);
    assertThat(runtimeMade.parentGoid()).isZero();
    assertThat(runtimeMade.parentTraced()).isFalse();
    // The pre-attach parent itself shows up, found running at attach, never finished.
    GoroutineRecord parent = sink.lastPartial(42);
    assertThat(parent.startNs()).as("attach time = first event of the process")
        .isEqualTo(ns(1000));
    assertThat(parent.parentTraced()).isFalse();
    assertThat(parent.incomplete()).isFalse();
  }

  @Nested
  class Deadlines {
    static final long CTX = 0xc000010000L;
    static final long DEADLINE_UNIX = 1_700_000_000_000_000_000L;

    @Test
    void goroutineOutlivingTheDeadlineIsAnOverrun() {
      feed(
          ev.created(1000, 10, 1), // the request goroutine
          ev.deadlineSet(1001, CTX, 10, DEADLINE_UNIX),
          ev.created(1002, 11, 10), // exits in time
          ev.created(1003, 12, 10), // spawns 13, exits within the grace period
          ev.created(1004, 13, 12), // transitively in scope, outlives everything: the bug
          ev.exited(1010, 11),
          ev.cancelled(1100, CTX, 99, CancelReason.DEADLINE_EXCEEDED),
          ev.created(1101, 14, 10), // spawned after the context ended: not in scope
          ev.exited(1150, 12),
          ev.exited(1700, 13), ev.exited(1800, 14), ev.exited(1900, 10));
      correlator.close();

      ContextRecord ctx = sink.context(CTX);
      assertThat(ctx.reason()).isEqualTo(ContextRecord.EndReason.DEADLINE_EXCEEDED);
      assertThat(ctx.creatorGoid()).isEqualTo(10);
      assertThat(ctx.endedNs()).isEqualTo(ns(1100));
      assertThat(ctx.cancellerGoid()).isEqualTo(99);
      assertThat(ctx.overrunGoids()).containsExactly(13L);
      GoroutineRecord thirteen = sink.finished(13);
      assertThat(thirteen.deadlineOverrun()).isNotNull();
      assertThat(thirteen.deadlineOverrun().ctx()).isEqualTo(CTX);
      assertThat(thirteen.deadlineOverrun().contextCreatorGoid()).isEqualTo(10);
      assertThat(thirteen.deadlineOverrun().deadlineFiredNs()).isEqualTo(ns(1100));
      assertThat(thirteen.deadlineOverrun().overrunNs()).isEqualTo(ns(600));
      assertThat(sink.finished(10).hasDeadlineOverrun()).as("the creator is excluded").isFalse();
      assertThat(sink.finished(11).hasDeadlineOverrun()).isFalse();
      assertThat(sink.finished(12).hasDeadlineOverrun()).as("within the grace period")
          .isFalse();
      assertThat(sink.finished(14).hasDeadlineOverrun()).isFalse();
      assertThat(sink.finished(10).contextEvents())
          .containsExactly(new ContextEvent(ContextEvent.Kind.DEADLINE_SET, ns(1001), CTX,
              DEADLINE_UNIX));
      assertThat(sink.lastPartial(99).contextEvents())
          .containsExactly(new ContextEvent(ContextEvent.Kind.DEADLINE_EXCEEDED, ns(1100), CTX,
              DEADLINE_UNIX));
      assertThat(correlator.stats().deadlineOverruns()).isEqualTo(1);
    }

    @Test
    void spawnInTheNanosecondOfWithDeadlineIsOutsideTheScopeAndOfTheFiringInside() {
      // Ties at one ns: a creation is ordered before any other event whatever the arrival
      // order, so it precedes the WithDeadline (out of scope) and the firing (in scope).
      feed(ev.created(1000, 10, 1),
          ev.onCpu(1).deadlineSet(1001, CTX, 10, DEADLINE_UNIX),
          ev.onCpu(0).created(1001, 11, 10), // arrives second, still came first
          ev.created(1002, 12, 10),
          ev.onCpu(1).cancelled(1100, CTX, 99, CancelReason.DEADLINE_EXCEEDED),
          ev.onCpu(0).created(1100, 13, 10),
          ev.created(1100.001, 14, 10), // a microsecond after the firing: out of scope
          ev.exited(1200, 10));
      correlator.advanceTo(ns(1400));

      assertThat(sink.context(CTX).overrunGoids()).containsExactlyInAnyOrder(12L, 13L);
      assertThat(correlator.stats().deadlineOverruns()).isEqualTo(2);
    }

    @Test
    void overrunOfAGoroutineStillRunningIsMeasuredToTheFlush() {
      feed(ev.created(1000, 10, 1), ev.deadlineSet(1001, CTX, 10, DEADLINE_UNIX),
          ev.created(1002, 11, 10), ev.cancelled(1100, CTX, 99, CancelReason.DEADLINE_EXCEEDED));
      correlator.advanceTo(ns(1400));
      correlator.flushPartial();

      assertThat(sink.context(CTX).overrunGoids()).containsExactly(11L);
      GoroutineRecord partial = sink.lastPartial(11);
      assertThat(partial.deadlineOverrun().overrunNs())
          .as("stream time 1400 - 5 ms window, minus the firing at 1100").isEqualTo(ns(295));
    }

    @Test
    void deadlineWithEveryoneDoneWithinGraceHasNoOverrun() {
      feed(ev.created(1000, 10, 1), ev.deadlineSet(1001, CTX, 10, DEADLINE_UNIX),
          ev.created(1002, 11, 10), ev.created(1003, 12, 11),
          ev.exited(1050, 12), ev.cancelled(1100, CTX, 99, CancelReason.DEADLINE_EXCEEDED),
          ev.exited(1199, 11), ev.exited(1500, 10));
      correlator.close();

      ContextRecord ctx = sink.context(CTX);
      assertThat(ctx.reason()).isEqualTo(ContextRecord.EndReason.DEADLINE_EXCEEDED);
      assertThat(ctx.overrunGoids()).isEmpty();
      assertThat(sink.finished()).noneMatch(GoroutineRecord::hasDeadlineOverrun);
      assertThat(correlator.stats().deadlineOverruns()).isZero();
    }

    @Test
    void contextCancelledBeforeItsDeadlineHasNoOverruns() {
      feed(ev.created(1000, 10, 1), ev.deadlineSet(1001, CTX, 10, DEADLINE_UNIX),
          ev.created(1002, 11, 10), ev.cancelled(1010, CTX, 10, CancelReason.CANCELED),
          ev.exited(5000, 11));
      correlator.close();

      ContextRecord ctx = sink.context(CTX);
      assertThat(ctx.reason()).isEqualTo(ContextRecord.EndReason.CANCELED);
      assertThat(ctx.endedNs()).isEqualTo(ns(1010));
      assertThat(ctx.overrunGoids()).isEmpty();
      assertThat(sink.finished(11).hasDeadlineOverrun()).isFalse();
      assertThat(sink.lastPartial(10).contextEvents()).extracting(ContextEvent::kind)
          .containsExactly(ContextEvent.Kind.DEADLINE_SET, ContextEvent.Kind.CANCELED);
    }

    @Test
    void deadlineAlreadyPastIsCancelledBeforeTheDeadlineSetEventAndStillEnds() {
      // WithDeadline(past) cancels the context inside the call; its RET probe fires after.
      feed(ev.created(1000, 10, 1),
          ev.cancelled(1001, CTX, 10, CancelReason.DEADLINE_EXCEEDED),
          ev.deadlineSet(1001.01, CTX, 10, DEADLINE_UNIX));
      correlator.close();

      ContextRecord ctx = sink.context(CTX);
      assertThat(ctx.isLive()).isFalse();
      assertThat(ctx.reason()).isEqualTo(ContextRecord.EndReason.DEADLINE_EXCEEDED);
      assertThat(ctx.endedNs()).isEqualTo(ns(1001));
      assertThat(ctx.cancellerGoid()).isEqualTo(10);
      assertThat(ctx.overrunGoids()).isEmpty();
    }

    @Test
    void anEarlyCancelIsFoundAmongManyOthersButNotOutsideItsWindow() {
      long late = CTX + 0x1000;
      feed(ev.created(1000, 10, 1),
          ev.cancelled(1001, CTX, 10, CancelReason.DEADLINE_EXCEEDED));
      // Plain WithCancel contexts cancelled meanwhile (unknown to the correlator).
      for (int i = 0; i < 600; i++) {
        feed(ev.cancelled(1001 + i * 0.01, 0xc000900000L + 16L * i, 10, CancelReason.CANCELED));
      }
      feed(ev.deadlineSet(1008, CTX, 10, DEADLINE_UNIX), // 7 ms: the same WithDeadline call
          ev.cancelled(1010, late, 10, CancelReason.DEADLINE_EXCEEDED),
          ev.deadlineSet(1030, late, 10, DEADLINE_UNIX)); // 20 ms: not the same call
      correlator.close();

      ContextRecord early = sink.context(CTX);
      assertThat(early.isLive()).isFalse();
      assertThat(early.endedNs()).isEqualTo(ns(1001));
      assertThat(early.reason()).isEqualTo(ContextRecord.EndReason.DEADLINE_EXCEEDED);
      assertThat(sink.context(late).isLive()).as("its cancel came too early to be its own")
          .isTrue();
      assertThat(correlator.stats().unknownContextCancels()).isEqualTo(602);
    }

    @Test
    void reusedContextPointerIsANewContext() {
      feed(ev.created(1000, 10, 1), ev.created(1000.5, 20, 1),
          ev.deadlineSet(1001, CTX, 10, DEADLINE_UNIX),
          ev.created(1002, 11, 10),
          ev.cancelled(1003, CTX, 10, CancelReason.CANCELED),
          // The heap address is reused by a context of another goroutine.
          ev.deadlineSet(1004, CTX, 20, DEADLINE_UNIX + 1),
          ev.created(1005, 12, 10), // 10's context is gone: not in any scope
          ev.created(1006, 21, 20),
          ev.cancelled(1100, CTX, 99, CancelReason.DEADLINE_EXCEEDED));
      correlator.advanceTo(ns(1400));

      assertThat(sink.contexts).hasSize(2);
      ContextRecord first = sink.contexts.get(0);
      ContextRecord second = sink.contexts.get(1);
      assertThat(first.creatorGoid()).isEqualTo(10);
      assertThat(first.reason()).isEqualTo(ContextRecord.EndReason.CANCELED);
      assertThat(first.overrunGoids()).isEmpty();
      assertThat(second.creatorGoid()).isEqualTo(20);
      assertThat(second.createdNs()).isEqualTo(ns(1004));
      assertThat(second.deadlineUnixNs()).isEqualTo(DEADLINE_UNIX + 1);
      assertThat(second.overrunGoids()).containsExactly(21L);
    }

    @Test
    void creatorFromBeforeAttachStillScopesItsChildren() {
      // An HTTP connection goroutine older than the sidecar handles a request.
      feed(ev.deadlineSet(1000, CTX, 7, DEADLINE_UNIX), ev.created(1001, 30, 7),
          ev.cancelled(1100, CTX, 99, CancelReason.DEADLINE_EXCEEDED));
      correlator.advanceTo(ns(1300));

      assertThat(sink.context(CTX).overrunGoids()).containsExactly(30L);
    }

    @Test
    void nestedDeadlinesEachJudgeTheirOwnScope() {
      long inner = CTX + 0x100;
      feed(ev.created(1000, 10, 1), ev.deadlineSet(1001, CTX, 10, DEADLINE_UNIX),
          ev.created(1002, 11, 10), ev.deadlineSet(1003, inner, 11, DEADLINE_UNIX - 1),
          ev.created(1004, 12, 11),
          ev.cancelled(1050, inner, 98, CancelReason.DEADLINE_EXCEEDED),
          ev.exited(1300, 11),
          ev.cancelled(1400, CTX, 99, CancelReason.DEADLINE_EXCEEDED));
      correlator.advanceTo(ns(1600));
      correlator.flushPartial();

      assertThat(sink.context(inner).overrunGoids()).containsExactly(12L);
      assertThat(sink.context(CTX).overrunGoids()).containsExactly(12L);
      assertThat(sink.lastPartial(12).deadlineOverrun().ctx())
          .as("the first deadline it overran").isEqualTo(inner);
    }

    @Test
    void deadlineFiringShortlyBeforeTheProcessEndsBlamesNobody() {
      feed(ev.created(1000, 10, 1), ev.deadlineSet(1001, CTX, 10, DEADLINE_UNIX),
          ev.created(1002, 11, 10), ev.cancelled(1100, CTX, 99, CancelReason.DEADLINE_EXCEEDED));
      correlator.processEnded(PID, ns(1150));
      correlator.advanceTo(ns(2000));

      assertThat(sink.context(CTX).overrunGoids()).isEmpty();
      assertThat(sink.finished(11).state()).isEqualTo(GoroutineState.PROCESS_EXITED);
      assertThat(sink.finished(11).hasDeadlineOverrun()).isFalse();
    }
  }

  @Nested
  class Leaks {
    @Test
    void deepModeLeakIsAGoroutineParkedForTheWholeThreshold() {
      long leakSite = 0x4a2222;
      for (int i = 0; i < 3; i++) {
        feed(ev.created(1000 + i, 100 + i, 1, leakSite, START_PC),
            ev.parked(1000.5 + i, 100 + i, CHAN_SEND));
      }
      // A worker that is alive as long but keeps being woken up is not a leak.
      feed(ev.created(1000, 200, 1), ev.parked(1001, 200, CHAN_RECEIVE));
      for (int t = 2000; t <= 12000; t += 1000) {
        feed(ev.readied(t, 200, 1), ev.parked(t + 1, 200, CHAN_RECEIVE));
      }
      // And a goroutine parked long, but alive too briefly, is not either.
      feed(ev.created(9000, 300, 1), ev.parked(9001, 300, CHAN_RECEIVE));
      correlator.advanceTo(ns(12000));
      correlator.flushPartial();

      GoroutineRecord leak = sink.lastPartial(101);
      assertThat(leak.leakCandidate()).isTrue();
      assertThat(leak.state()).isEqualTo(GoroutineState.WAITING);
      assertThat(leak.waitReason()).isEqualTo("chan send");
      assertThat(leak.parks()).containsExactly(
          new ParkInterval(ns(1001.5), -1, CHAN_SEND, "chan send", -1));
      assertThat(sink.lastPartial(200).leakCandidate()).isFalse();
      assertThat(sink.lastPartial(200).parks()).hasSize(11);
      assertThat(sink.lastPartial(200).parks().get(0).wakerGoid()).isEqualTo(1);
      assertThat(sink.lastPartial(300).leakCandidate()).isFalse();

      LeakReport report = correlator.leakReport();
      assertThat(report.totalCandidates()).isEqualTo(3);
      assertThat(report.groups()).hasSize(1);
      LeakReport.Group group = report.groups().get(0);
      assertThat(group.pid()).isEqualTo(PID);
      assertThat(group.count()).isEqualTo(3);
      assertThat(group.waitReason()).isEqualTo("chan send");
      assertThat(group.creationSite().function()).isEqualTo("main.caller4a2222");
      assertThat(group.oldestStartNs()).isEqualTo(ns(1000));
      assertThat(group.exampleGoids()).containsExactly(100L, 101L, 102L);
    }

    @Test
    void withoutDeepModeALeakIsAnythingAliveLongerThanTheThreshold() {
      feed(ev.created(1000, 10, 1, 0x4a0001, START_PC), ev.created(1000, 11, 1, 0x4a0002,
          START_PC), ev.created(1001, 12, 1, 0x4a0002, START_PC), ev.created(9000, 13, 1));
      correlator.advanceTo(ns(12000));

      LeakReport report = correlator.leakReport();
      // Goroutine 1 (main, found running at 1000 ms) is just as old but never a leak.
      assertThat(report.totalCandidates()).isEqualTo(3);
      assertThat(report.groups()).extracting(LeakReport.Group::count)
          .containsExactly(2L, 1L);
      assertThat(report.groups().get(0).exampleGoids()).containsExactly(11L, 12L);
    }
  }

  @Nested
  class PartialRecords {
    @Test
    void longLivedGoroutinesAreFlushedPeriodicallyAndAtShutdown() {
      feed(ev.created(1000, 10, 1));
      clock[0] = ns(1000);
      correlator.advance();
      assertThat(sink.goroutines).isEmpty();

      clock[0] = ns(7000);
      correlator.advance(); // first flush interval starts at the first stream time
      assertThat(sink.partials()).extracting(GoroutineRecord::goid).contains(10L);
      int afterFirst = sink.partials().size();
      clock[0] = ns(8000);
      correlator.advance(); // not yet another interval
      assertThat(sink.partials()).hasSize(afterFirst);
      feed(ev.created(12500, 11, 10), ev.parked(12501, 11, CHAN_RECEIVE));
      clock[0] = ns(13000);
      correlator.advance();
      assertThat(sink.partials().size()).isGreaterThan(afterFirst);
      assertThat(sink.partials().stream().filter(r -> r.goid() == 11))
          .as("too young for a periodic partial record").isEmpty();
      GoroutineRecord partial = sink.lastPartial(10);
      assertThat(partial.endNs()).isEqualTo(-1);
      assertThat(partial.state()).isEqualTo(GoroutineState.RUNNING);

      clock[0] = ns(14000);
      correlator.close();
      GoroutineRecord atShutdown = sink.lastPartial(11);
      assertThat(atShutdown.state()).isEqualTo(GoroutineState.WAITING);
      assertThat(atShutdown.waitReason()).isEqualTo("chan receive");
      assertThat(sink.finished()).isEmpty();
      assertThat(sink.flushes).isEqualTo(1);
    }

    @Test
    void anIdleStreamIsReleasedByTheClock() {
      feed(ev.created(1000, 10, 1), ev.exited(1001, 10));
      assertThat(sink.goroutines).as("still inside the reorder window").isEmpty();
      assertThat(correlator.stats().bufferedEvents()).isEqualTo(2);
      clock[0] = ns(1005.5); // window 5 ms: releases events up to 1000.5
      correlator.advance();
      assertThat(correlator.stats().bufferedEvents()).isEqualTo(1);
      clock[0] = ns(1006);
      correlator.advance();
      assertThat(sink.finished(10).endNs()).isEqualTo(ns(1001));
      assertThat(correlator.streamTimeNs()).isEqualTo(ns(1001));
    }

    @Test
    void flushPartialAlsoReportsLiveContexts() {
      feed(ev.created(1000, 10, 1), ev.deadlineSet(1001, 0xc0ffee, 10, 42));
      correlator.advanceTo(ns(1100));
      correlator.flushPartial();

      ContextRecord live = sink.context(0xc0ffee);
      assertThat(live.isLive()).isTrue();
      assertThat(live.reason()).isNull();
      assertThat(live.creatorGoid()).isEqualTo(10);
      assertThat(live.deadlineUnixNs()).isEqualTo(42);
      assertThat(sink.lastPartial(10).contextEvents()).hasSize(1);
      assertThat(sink.flushes).isEqualTo(1);
    }

    @Test
    void eventsAfterCloseAreCountedAndDropped() {
      correlator.close();
      correlator.close();
      feed(ev.created(1000, 10, 1));
      assertThat(correlator.stats().eventsAfterClose()).isEqualTo(1);
      assertThat(sink.goroutines).isEmpty();
    }
  }

  @Nested
  class Processes {
    ProcessInfo info = new ProcessInfo(PID, "/srv/app", "go1.26.8", "example.com/app");

    @Test
    void restartedProcessStartsAFreshTable() {
      correlator.processStarted(info, symbolizer, ns(999));
      feed(ev.created(1000, 1, 0), ev.created(1001, 7, 1), ev.created(1002, 8, 1),
          ev.exited(1003, 8));
      correlator.processEnded(PID, ns(1010));
      correlator.advanceTo(ns(1020));
      // A straggler of the old process, then the new one: goroutine ids start again.
      feed(ev.exited(1009, 7));
      feed(ev.created(2000, 1, 0), ev.created(2001, 7, 1), ev.exited(2002, 7));
      correlator.close();

      assertThat(sink.started).containsExactly(info);
      assertThat(sink.ended).hasSize(1);
      assertThat(sink.ended.get(0)).containsExactly(PID, ns(1010));
      List<GoroutineRecord> sevens = sink.finished().stream().filter(r -> r.goid() == 7)
          .collect(java.util.stream.Collectors.toList());
      assertThat(sevens).hasSize(2);
      assertThat(sevens.get(0).state()).isEqualTo(GoroutineState.PROCESS_EXITED);
      assertThat(sevens.get(0).endNs()).isEqualTo(ns(1010));
      assertThat(sevens.get(1).state()).isEqualTo(GoroutineState.EXITED);
      assertThat(sevens.get(1).startNs()).isEqualTo(ns(2001));
      assertThat(sevens.get(1).parentTraced()).isTrue();
      assertThat(sevens.get(1).incomplete()).isFalse();
      assertThat(correlator.stats().eventsAfterProcessEnd()).isEqualTo(1);
      assertThat(correlator.stats().duplicatesDropped()).isZero();
    }

    @Test
    void announcingTheSamePidAgainEndsTheOldProcess() {
      correlator.processStarted(info, symbolizer, ns(999));
      feed(ev.created(1000, 7, 1));
      ProcessInfo again = new ProcessInfo(PID, "/srv/app", "go1.26.8", "example.com/app");
      correlator.processStarted(again, symbolizer, ns(3000));
      feed(ev.created(3001, 7, 1), ev.exited(3002, 7));
      correlator.close();

      assertThat(sink.started).hasSize(2);
      assertThat(sink.finished().stream().filter(r -> r.goid() == 7))
          .extracting(GoroutineRecord::state)
          .containsExactly(GoroutineState.PROCESS_EXITED, GoroutineState.EXITED);
    }

    @Test
    void eventsBeforeTheAnnouncementAreKept() {
      feed(ev.created(998, 7, 1));
      correlator.processStarted(info, symbolizer, ns(999));
      feed(ev.exited(1000, 7));
      correlator.close();

      assertThat(sink.finished(7).startNs()).isEqualTo(ns(998));
      assertThat(sink.started).containsExactly(info);
    }

    @Test
    void announcedProcessUsesItsOwnSymbolizer() {
      FakeSymbolizer own = new FakeSymbolizer();
      correlator.processStarted(info, own, ns(999));
      feed(ev.created(1000, 7, 1), ev.exited(1001, 7), new Events(PID + 1).created(1000, 7, 1));
      correlator.close();

      assertThat(own.startFunctionCalls).isEqualTo(1);
      assertThat(symbolizer.startFunctionCalls).as("the default, for the other process")
          .isEqualTo(1);
    }

    @Test
    void processesAreKeptApart() {
      Events other = new Events(PID + 1);
      feed(ev.created(1000, 7, 1), other.created(1000.1, 7, 1), other.exited(1001, 7),
          ev.exited(1002, 7));
      correlator.close();

      assertThat(sink.finished()).extracting(GoroutineRecord::pid, GoroutineRecord::endNs)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple(PID + 1, ns(1001)),
              org.assertj.core.groups.Tuple.tuple(PID, ns(1002)));
    }
  }

  @Nested
  class Bounds {
    @Test
    void reorderBufferNeverHoldsMoreThanItsCapacity() {
      correlator = correlator(testConfig().setReorderWindow(Duration.ofHours(1))
          .setMaxReorderEvents(16).build());
      for (int i = 0; i < 1000; i++) {
        feed(ev.created(1000 + i, 10 + i, 1));
        assertThat(correlator.stats().bufferedEvents()).isLessThanOrEqualTo(16);
      }
      assertThat(correlator.stats().reorderOverflows()).isEqualTo(1000 - 16);
      assertThat(correlator.stats().liveGoroutines()).isEqualTo(1000 - 16 + 1);
    }

    @Test
    void goroutinesPastTheCapEvictTheOldestAsIncompletePartials() {
      correlator = correlator(testConfig().setMaxGoroutines(3).build());
      feed(ev.created(1000, 10, 0), ev.created(1001, 11, 0), ev.created(1002, 12, 0),
          ev.created(1003, 13, 0), ev.created(1004, 14, 0), ev.exited(1005, 14));
      correlator.advanceTo(ns(1100));

      CorrelatorStats stats = correlator.stats();
      assertThat(stats.liveGoroutines()).isEqualTo(2);
      assertThat(stats.goroutinesEvicted()).isEqualTo(2);
      assertThat(sink.partials()).extracting(GoroutineRecord::goid).containsExactly(10L, 11L);
      assertThat(sink.partials()).allMatch(GoroutineRecord::incomplete);
      assertThat(sink.finished(14).incomplete()).isFalse();
    }

    @Test
    void contextsPastTheCapEvictTheOldest() {
      correlator = correlator(testConfig().setMaxContexts(2).build());
      feed(ev.created(1000, 10, 1));
      for (int i = 0; i < 5; i++) {
        feed(ev.deadlineSet(1001 + i, 0xc000000000L + 0x100 * i, 10, 1));
      }
      correlator.advanceTo(ns(1100));

      assertThat(correlator.stats().contextsEvicted()).isEqualTo(3);
      assertThat(correlator.stats().liveContexts()).isEqualTo(2);
      assertThat(sink.contexts).hasSize(3).allMatch(ContextRecord::isLive);
    }

    @Test
    void parksPerGoroutineAreCappedKeepingTheMostRecent() {
      correlator = correlator(testConfig().setMaxParksPerGoroutine(4).build());
      feed(ev.created(1000, 10, 1));
      for (int i = 0; i < 10; i++) {
        feed(ev.parked(1001 + 2 * i, 10, CHAN_RECEIVE), ev.readied(1002 + 2 * i, 10, 1));
      }
      feed(ev.exited(1100, 10));
      correlator.close();

      GoroutineRecord r = sink.finished(10);
      assertThat(r.parks()).extracting(ParkInterval::startNs)
          .containsExactly(ns(1013), ns(1015), ns(1017), ns(1019));
      assertThat(r.incomplete()).isTrue();
      assertThat(correlator.stats().parksTruncated()).isEqualTo(6);
    }
  }

  @Nested
  class Robustness {
    @Test
    void eachDistinctPcIsSymbolisedOnce() {
      for (int i = 0; i < 1000; i++) {
        feed(ev.created(1000 + i, 10 + i, 1), ev.parked(1000.5 + i, 10 + i, CHAN_RECEIVE),
            ev.exited(1000.7 + i, 10 + i));
      }
      correlator.close();

      assertThat(sink.finished()).hasSize(1000);
      assertThat(symbolizer.creationSiteCalls).isEqualTo(1);
      assertThat(symbolizer.startFunctionCalls).isEqualTo(1);
      assertThat(symbolizer.waitReasonCalls).isEqualTo(1);
      assertThat(correlator.stats().symbolizerCalls()).isEqualTo(3);
    }

    @Test
    void throwingSymbolizerAndSinkAreCountedNotPropagated() {
      Symbolizer broken = new Symbolizer() {
        @Override
        public CodeLocation creationSite(long gopc) {
          throw new IllegalStateException("corrupt pclntab");
        }

        @Override
        public String startFunction(long startPc) {
          throw new IllegalStateException("corrupt pclntab");
        }

        @Override
        public String waitReason(int code) {
          throw new IllegalStateException("corrupt pclntab");
        }
      };
      int[] calls = {0};
      RecordSink failing = new RecordSink() {
        @Override
        public void goroutineEnded(Goroutine g) {
          calls[0]++;
          if (calls[0] == 1) {
            throw new IllegalStateException("backend down");
          }
          sink.goroutineEnded(g);
        }

        @Override
        public void contextEnded(ContextRecord record) {
          sink.contextEnded(record);
        }
      };
      correlator = Correlator.builder(failing).setConfig(testConfig().build())
          .setDefaultSymbolizer(broken).setClock(() -> clock[0]).build();
      feed(ev.created(1000, 10, 0), ev.exited(1001, 10), ev.created(1002, 11, 0),
          ev.exited(1003, 11));
      correlator.close();

      assertThat(sink.finished()).hasSize(1);
      assertThat(sink.finished(11).creationSite()).isEqualTo(CodeLocation.UNKNOWN);
      assertThat(sink.finished(11).startFunction()).isEmpty();
      assertThat(correlator.stats().sinkFailures()).isEqualTo(1);
      assertThat(correlator.stats().symbolizerFailures()).isEqualTo(2);
    }

    @Test
    void cancellationOfAnUnknownContextIsCountedAndIgnored() {
      feed(ev.created(1000, 10, 1), ev.cancelled(1001, 0xc0ffee, 10, CancelReason.CANCELED));
      correlator.close();

      assertThat(sink.contexts).isEmpty();
      assertThat(sink.lastPartial(10).contextEvents()).isEmpty();
      assertThat(correlator.stats().unknownContextCancels()).isEqualTo(1);
    }

    @Test
    void missedWakeupClosesTheParkWithAnUnknownWaker() {
      feed(ev.created(1000, 10, 1), ev.parked(1001, 10, CHAN_RECEIVE),
          ev.parked(1003, 10, CHAN_SEND), ev.exited(1004, 10));
      correlator.close();

      assertThat(sink.finished(10).parks()).containsExactly(
          new ParkInterval(ns(1001), ns(1003), CHAN_RECEIVE, "chan receive", -1),
          new ParkInterval(ns(1003), ns(1004), CHAN_SEND, "chan send", -1));
    }
  }

  @Nested
  class Config {
    @Test
    void defaultsAreTheNamedConstants() {
      CorrelatorConfig c = CorrelatorConfig.defaults();
      assertThat(c.reorderWindowNs())
          .isEqualTo(CorrelatorConfig.DEFAULT_REORDER_WINDOW.toNanos());
      assertThat(c.deadlineGraceNs()).isEqualTo(Duration.ofMillis(100).toNanos());
      assertThat(c.maxGoroutines()).isEqualTo(CorrelatorConfig.DEFAULT_MAX_GOROUTINES);
      assertThat(c.toBuilder().build().toString()).isEqualTo(c.toString());
    }

    @Test
    void invalidValuesAreRejectedWhenSet() {
      CorrelatorConfig.Builder b = CorrelatorConfig.builder();
      assertThatThrownBy(() -> b.setMaxGoroutines(0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("max goroutines must be positive, got 0");
      assertThatThrownBy(() -> b.setReorderWindow(Duration.ofMillis(-1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("reorder window must not be negative");
      assertThatThrownBy(() -> b.setLeakThreshold(Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void zeroWindowProcessesInArrivalOrder() {
      correlator = correlator(testConfig().setReorderWindow(Duration.ZERO).build());
      feed(ev.created(1000, 10, 1));
      assertThat(correlator.stats().liveGoroutines()).isEqualTo(2);
      assertThat(correlator.stats().bufferedEvents()).isZero();
    }
  }
}
