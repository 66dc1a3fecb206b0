package dev.goroscope.attach;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.goroscope.gobinary.GoVersion;
import dev.goroscope.probe.ProbeSelection;
import dev.goroscope.record.Attr;
import dev.goroscope.record.GoroutineEvent;
import dev.goroscope.record.GoroutineEvents;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code --probe mutex} against contention the program arranges and measures itself: a holder
 * keeps a sync.Mutex for 40 ms while three goroutines queue behind it (three rounds), a writer
 * keeps an RWMutex while two readers wait, a reader keeps it while a writer waits. Each waiter
 * prints the lock's address, the CLOCK_MONOTONIC window of its Lock call, who had the lock just
 * before it, when the holder released it and when it was free again at the earliest (read
 * before the unlocks, so no scheduling delay after them can blur the bounds).
 */
class MutexContentionTest {

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
  void everyContendedLockIsOneWaitOfItsGoroutineWithLockReleaserAndSite(Toolchain toolchain,
      Mode mode) throws Exception {
    RuntimeProgram.Run run = RuntimeProgram.run(toolchain, mode, "mutex",
        ProbeSelection.defaults().with("mutex"));
    List<JsonNode> waits = run.lines("mutex");
    boolean rw = GoVersion.parseOrUnknown(run.sink().started.get(0).goVersion()).atLeast(1, 20);
    assertThat(waits).hasSize(9 + 3);
    int checked = 0;
    for (JsonNode w : waits) {
      String kind = w.get("kind").asText();
      long goid = w.get("goid").asLong();
      String lock = w.get("lock").asText();
      List<GoroutineEvent> events = run.events(goid, GoroutineEvents.MUTEX_WAIT).stream()
          .filter(e -> lock.equals(Attr.hex(e.attributes().get(GoroutineEvents.MUTEX_ADDRESS))))
          .toList();
      if (!rw && kind.startsWith("rwmutex")) {
        // Go 1.19: refused with a note; nothing is reported for reader/writer waits.
        assertThat(events).as("%s on go1.19", w).isEmpty();
        continue;
      }
      assertThat(events).as("one wait of goroutine %d on %s: %s", goid, lock, w).hasSize(1);
      GoroutineEvent e = events.get(0);
      long start = w.get("startNs").asLong();
      long end = w.get("endNs").asLong();
      long waited = e.attributes().get(GoroutineEvents.MUTEX_WAIT_NS);
      assertThat(e.timestampNs()).as("wait starts in the Lock call: %s %s", w, e)
          .isBetween(start, end);
      assertThat(e.timestampNs() + waited).as("and ends in it").isLessThanOrEqualTo(end);
      // It began before the holder let go (the holder waited for every waiter to queue, then
      // held the lock 40 ms more), and ended no earlier than the lock was free again.
      assertThat(e.timestampNs()).as("blocked before the release: %s %s", w, e)
          .isLessThan(w.get("holderReleasedNs").asLong());
      assertThat(e.timestampNs() + waited).as("got it once it was free: %s %s", w, e)
          .isGreaterThanOrEqualTo(w.get("freedNotBeforeNs").asLong());
      assertThat(e.attributes().get(GoroutineEvents.MUTEX_KIND)).isEqualTo(kind);
      long releaser = kind.equals("mutex") ? w.get("predecessor").asLong()
          : w.get("holder").asLong();
      assertThat(e.attributes().get(GoroutineEvents.MUTEX_RELEASER_ID))
          .as("released by: %s %s", w, e).isEqualTo(releaser);
      assertThat(e.attributes().get(GoroutineEvents.SITE_FUNCTION)).as("call site: %s", e)
          .startsWith(kind.equals("mutex") ? "main.mutexRound." : "main.rwRound.");
      // the caller's own line, not that of the Lock inlined into it (sync/mutex.go)
      assertThat(e.attributes().get(GoroutineEvents.SITE_FILE)).as("call site: %s", e)
          .endsWith("/main.go");
      assertThat(e.attributes().get(GoroutineEvents.SITE_LINE)).as("call site: %s %s", w, e)
          .isEqualTo(w.get("lockLine").asLong());
      assertThat(run.last(goid).attributes().get(GoroutineEvents.MUTEX_WAIT_TOTAL_NS))
          .as("total of goroutine %d", goid).isEqualTo(run.events(goid,
              GoroutineEvents.MUTEX_WAIT).stream()
              .mapToLong(x -> x.attributes().get(GoroutineEvents.MUTEX_WAIT_NS)).sum());
      checked++;
    }
    assertThat(checked).isEqualTo(rw ? 12 : 9);
    if (!rw) {
      assertThat(run.log()).contains("no rwmutex probes: Go 1.19 has no"
          + " sync.runtime_SemacquireRWMutexR");
    } else {
      assertThat(run.log()).doesNotContain("no rwmutex probes").doesNotContain("no mutex probes");
    }
  }
}
