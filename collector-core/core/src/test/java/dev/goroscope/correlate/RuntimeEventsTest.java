package dev.goroscope.correlate;

import static dev.goroscope.correlate.Events.ns;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.event.GoroutineMark;
import dev.goroscope.event.MarkKind;
import dev.goroscope.event.StwPause;
import dev.goroscope.event.StwReasons;
import dev.goroscope.record.CodeLocation;
import dev.goroscope.record.GoroutineEvent;
import dev.goroscope.record.GoroutineEvents;
import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.record.StwRecord;
import dev.goroscope.record.ThreadsRecord;
import dev.goroscope.testing.RecordingSink;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runtime events through the correlator: a stop-the-world becomes one process record and an
 * event on each goroutine it stopped while running; waits (mutex, syscall, sched) are dated
 * when they began, add up per goroutine, and name their call sites from their stacks.
 */
class RuntimeEventsTest {

  static final int PID = 4242;

  RecordingSink sink;
  Events ev;
  Correlator correlator;
  /** return address → the logical frames at it (inlined first). */
  final java.util.Map<Long, List<CodeLocation>> frames = new java.util.HashMap<>();

  @BeforeEach
  void setUp() {
    sink = new RecordingSink();
    ev = new Events(PID);
    frames.put(0x100L, List.of(new CodeLocation("syscall.Syscall", "syscall.go", 1)));
    frames.put(0x200L, List.of(new CodeLocation("syscall.read", "zsyscall.go", 2)));
    frames.put(0x300L, List.of(new CodeLocation("os.(*File).Read", "file.go", 3)));
    frames.put(0x400L, List.of(new CodeLocation("main.reader", "/src/main.go", 40)));
    frames.put(0x500L, List.of(new CodeLocation("internal/sync.(*Mutex).Lock", "mutex.go", 5),
        new CodeLocation("main.worker", "/src/main.go", 17)));
    Symbolizer symbols = new Symbolizer() {
      @Override
      public CodeLocation creationSite(long pc) {
        return frames.getOrDefault(pc, List.of(CodeLocation.UNKNOWN)).get(0);
      }

      @Override
      public List<CodeLocation> frames(long pc) {
        return frames.getOrDefault(pc, List.of(CodeLocation.UNKNOWN));
      }

      @Override
      public String startFunction(long startPc) {
        return "main.fn";
      }

      @Override
      public String waitReason(int code) {
        return "";
      }
    };
    correlator = Correlator.builder(sink)
        .setConfig(CorrelatorConfig.builder().setReorderWindow(Duration.ofMillis(5)).build())
        .setDefaultSymbolizer(symbols).setClock(() -> 0).build();
  }

  @Test
  void aPauseIsOneProcessRecordAndAnEventOfEveryGoroutineItStoppedWhileRunning() {
    correlator.accept(ev.created(1, 7, 1));
    correlator.accept(ev.created(1, 8, 1));
    correlator.accept(new StwPause(ns(12), PID, 1, 0, ns(10), ns(11.5), 1,
        StwReasons.GC_SWEEP_TERMINATION, "GC sweep termination", 2, 1, new long[] {7}));
    correlator.accept(ev.exited(20, 7));
    correlator.accept(ev.exited(20, 8));
    correlator.close();

    assertThat(sink.pauses).containsExactly(new StwRecord(PID, ns(10), ns(11.5),
        "GC sweep termination", true, 1, 2, 1, List.of(7L)));
    GoroutineRecord stopped = sink.finished(7);
    assertThat(stopped.events()).containsExactly(new GoroutineEvent(GoroutineEvents.STW, ns(10),
        dev.goroscope.record.Attrs.builder()
            .put(GoroutineEvents.STW_DURATION_NS, ns(11.5) - ns(10))
            .put(GoroutineEvents.STW_REASON, "GC sweep termination")
            .put(GoroutineEvents.STW_STOPPER_ID, 1L).build()));
    assertThat(stopped.attributes().get(GoroutineEvents.STW_TOTAL_NS)).isEqualTo(ns(1.5));
    assertThat(sink.finished(8).events()).isEmpty(); // not running then
    assertThat(correlator.stats().stwPauses()).isEqualTo(1);
  }

  @Test
  void waitsAreDatedWhenTheyBeganAndAddUpPerGoroutine() {
    correlator.accept(ev.created(1, 7, 1));
    // two lock waits (kind, releaser) and a sched delay, written when they ended
    correlator.accept(new GoroutineMark(ns(10), PID, 1, 0, 7, MarkKind.MUTEX_WAIT, 0xc000a0,
        ns(4), 9, 0, new long[] {0x500}));
    correlator.accept(new GoroutineMark(ns(20), PID, 1, 0, 7, MarkKind.MUTEX_WAIT, 0xc000a0,
        ns(2), 0, 1, new long[] {0x500}));
    correlator.accept(new GoroutineMark(ns(22), PID, 1, 0, 7, MarkKind.SCHED_DELAY, ns(1), 4));
    correlator.accept(ev.exited(30, 7));
    correlator.close();

    List<GoroutineEvent> events = sink.finished(7).events();
    assertThat(events).extracting(GoroutineEvent::name).containsExactly(
        GoroutineEvents.MUTEX_WAIT, GoroutineEvents.MUTEX_WAIT, GoroutineEvents.SCHED_DELAY);
    assertThat(events).extracting(GoroutineEvent::timestampNs)
        .containsExactly(ns(6), ns(18), ns(21));
    GoroutineEvent first = events.get(0);
    assertThat(first.attributes().get(GoroutineEvents.MUTEX_ADDRESS)).isEqualTo(0xc000a0L);
    assertThat(first.attributes().get(GoroutineEvents.MUTEX_KIND)).isEqualTo("mutex");
    assertThat(first.attributes().get(GoroutineEvents.MUTEX_RELEASER_ID)).isEqualTo(9L);
    // the caller of Lock, past the inlined sync frame
    assertThat(first.attributes().get(GoroutineEvents.SITE_FUNCTION)).isEqualTo("main.worker");
    assertThat(first.attributes().get(GoroutineEvents.SITE_LINE)).isEqualTo(17L);
    assertThat(events.get(1).attributes().get(GoroutineEvents.MUTEX_KIND))
        .isEqualTo("rwmutex.read");
    assertThat(events.get(1).attributes().get(GoroutineEvents.MUTEX_RELEASER_ID)).isNull();
    assertThat(events.get(2).attributes().get(GoroutineEvents.SCHED_FROM_STATE))
        .isEqualTo("waiting");
    GoroutineRecord r = sink.finished(7);
    assertThat(r.attributes().get(GoroutineEvents.MUTEX_WAIT_TOTAL_NS)).isEqualTo(ns(6));
    assertThat(r.attributes().get(GoroutineEvents.SCHED_DELAY_TOTAL_NS)).isEqualTo(ns(1));
    assertThat(r.attributes().get(GoroutineEvents.LOCKED_TO_THREAD)).isNull();
  }

  @Test
  void aSyscallNamesTheCallAndTheProgramsSiteAndTheThreadLock() {
    correlator.accept(ev.created(1, 7, 1));
    correlator.accept(new GoroutineMark(ns(2), PID, 1, 0, 7, MarkKind.LOCK_OS_THREAD, 0x400, 0));
    correlator.accept(new GoroutineMark(ns(2500), PID, 1, 0, 7, MarkKind.SYSCALL, ns(2400), 1,
        0, 0, new long[] {0x100, 0x200, 0x300, 0x400}));
    correlator.accept(ev.exited(3000, 7));
    correlator.close();

    GoroutineRecord r = sink.finished(7);
    GoroutineEvent call = r.events().stream()
        .filter(e -> e.name().equals(GoroutineEvents.SYSCALL)).findFirst().orElseThrow();
    assertThat(call.timestampNs()).isEqualTo(ns(100));
    assertThat(call.attributes().get(GoroutineEvents.SYSCALL_FUNCTION)).isEqualTo("syscall.read");
    assertThat(call.attributes().get(GoroutineEvents.SITE_FUNCTION)).isEqualTo("main.reader");
    assertThat(call.attributes().get(GoroutineEvents.LOCKED_TO_THREAD)).isTrue();
    assertThat(r.attributes().get(GoroutineEvents.SYSCALL_TOTAL_NS)).isEqualTo(ns(2400));
    assertThat(r.attributes().get(GoroutineEvents.LOCKED_TO_THREAD)).isTrue();
    GoroutineEvent lock = r.events().get(0);
    assertThat(lock.name()).isEqualTo(GoroutineEvents.LOCK_OS_THREAD);
    assertThat(lock.attributes().get(GoroutineEvents.SITE_FUNCTION)).isEqualTo("main.reader");
  }

  @Test
  void threadSamplesReachTheSinkInTimeOrder() {
    ThreadsRecord t = new ThreadsRecord(PID, ns(50), 9, 2, 3, ns(1),
        List.of(new ThreadsRecord.Blocked(7, ns(10), true)));
    correlator.accept(ev.created(1, 7, 1));
    correlator.threadsSampled(t);
    correlator.close();
    assertThat(sink.threads).containsExactly(t);
  }
}
