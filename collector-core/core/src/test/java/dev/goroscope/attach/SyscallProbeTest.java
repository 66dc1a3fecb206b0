package dev.goroscope.attach;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.goroscope.probe.ProbeSelection;
import dev.goroscope.record.GoroutineEvent;
import dev.goroscope.record.GoroutineEvents;
import dev.goroscope.record.ThreadsRecord;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code --probe syscall} against two goroutines the program blocks in read(2) on pipes for
 * 2.5 s, one of them after runtime.LockOSThread: each read is one {@code syscall} event within
 * the window the program measured, named after the call and its site, the locked one says so,
 * and while they block the thread samples list both against GOMAXPROCS.
 */
class SyscallProbeTest {

  static Stream<Arguments> binaries() {
    List<Arguments> out = new ArrayList<>();
    for (Toolchain t : Toolchain.values()) {
      for (Mode m : List.of(Mode.NORMAL, Mode.STRIPPED)) {
        out.add(Arguments.of(t, m));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("binaries")
  void blockedReadsAreSyscallEventsAndBlockedThreads(Toolchain toolchain, Mode mode)
      throws Exception {
    RuntimeProgram.Run run = RuntimeProgram.run(toolchain, mode, "syscall",
        ProbeSelection.defaults().with("syscall"));
    JsonNode blocked = run.lines("blocked").get(0);
    List<JsonNode> reads = run.lines("syscall");
    assertThat(reads).hasSize(2);
    for (JsonNode r : reads) {
      long goid = r.get("goid").asLong();
      boolean locked = r.get("locked").asBoolean();
      long start = r.get("startNs").asLong();
      long end = r.get("endNs").asLong();
      List<GoroutineEvent> calls = run.events(goid, GoroutineEvents.SYSCALL).stream()
          .filter(e -> e.timestampNs() >= start && e.timestampNs() <= end).toList();
      assertThat(calls).as("the read of goroutine %d: %s", goid, r).hasSize(1);
      GoroutineEvent e = calls.get(0);
      long took = e.attributes().get(GoroutineEvents.SYSCALL_DURATION_NS);
      long written = run.lines("written").stream().filter(x -> x.get("goid").asLong() == goid)
          .findFirst().orElseThrow().get("writtenNs").asLong();
      assertThat(e.timestampNs() + took).isLessThanOrEqualTo(end);
      // blocked before the pipe was written to (2.5 s after both reads began), done after
      assertThat(e.timestampNs()).as("%s %s", r, e).isLessThan(written);
      assertThat(e.timestampNs() + took).as("%s %s", r, e).isGreaterThanOrEqualTo(written);
      assertThat(e.attributes().get(GoroutineEvents.SYSCALL_FUNCTION)).as("%s", e)
          .isEqualTo("syscall.read");
      assertThat(e.attributes().get(GoroutineEvents.SITE_FUNCTION)).as("%s", e)
          .isEqualTo("main.blockedRead");
      assertThat(e.attributes().get(GoroutineEvents.SITE_FILE)).as("%s", e).endsWith("/main.go");
      assertThat(e.attributes().get(GoroutineEvents.SITE_LINE)).as("the Read call: %s %s", r, e)
          .isEqualTo(r.get("readLine").asLong());
      assertThat(e.attributes().get(GoroutineEvents.LOCKED_TO_THREAD))
          .isEqualTo(locked ? Boolean.TRUE : null);
      assertThat(run.last(goid).attributes().get(GoroutineEvents.LOCKED_TO_THREAD))
          .isEqualTo(locked ? Boolean.TRUE : null);
      assertThat(run.last(goid).attributes().get(GoroutineEvents.SYSCALL_TOTAL_NS))
          .isGreaterThanOrEqualTo(took);
      List<GoroutineEvent> lockCalls = run.events(goid, GoroutineEvents.LOCK_OS_THREAD);
      assertThat(lockCalls).hasSize(locked ? 1 : 0);
      if (locked) {
        assertThat(lockCalls.get(0).attributes().get(GoroutineEvents.SITE_FUNCTION))
            .isEqualTo("main.blockedRead");
        assertThat(lockCalls.get(0).timestampNs()).isLessThan(start);
      }
    }

    // While both block (2.5 s, sampled every second): two threads held in read(2).
    List<Long> goids = new ArrayList<>();
    blocked.get("goids").forEach(g -> goids.add(g.asLong()));
    long from = Math.max(reads.get(0).get("startNs").asLong(),
        reads.get(1).get("startNs").asLong());
    long to = Math.min(reads.get(0).get("endNs").asLong(), reads.get(1).get("endNs").asLong());
    List<ThreadsRecord> during = run.sink().threads.stream()
        .filter(t -> t.pid() == run.pid() && t.timestampNs() > from + 1_000_000
            && t.timestampNs() < to)
        .toList();
    assertThat(during).as("samples while both block: %s", run.sink().threads).isNotEmpty();
    for (ThreadsRecord t : during) {
      assertThat(t.blocked()).extracting(ThreadsRecord.Blocked::goid)
          .containsExactlyInAnyOrderElementsOf(goids);
      for (ThreadsRecord.Blocked b : t.blocked()) {
        assertThat(b.lockedToThread()).as("%s", b).isEqualTo(b.goid() == goids.get(1));
        assertThat(b.sinceNs()).isLessThan(t.timestampNs() - t.thresholdNs());
      }
      assertThat(t.inSyscall()).isGreaterThanOrEqualTo(2);
      assertThat(t.gomaxprocs()).isEqualTo(blocked.get("gomaxprocs").asInt());
      assertThat(t.threads()).as("each blocked read holds a thread, and Ps need others")
          .isGreaterThan(t.blocked().size());
    }
  }
}
