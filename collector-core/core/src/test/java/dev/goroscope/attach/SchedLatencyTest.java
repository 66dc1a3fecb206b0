package dev.goroscope.attach;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.goroscope.probe.ProbeSelection;
import dev.goroscope.record.GoroutineEvent;
import dev.goroscope.record.GoroutineEvents;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code --probe sched} against a delay the program causes and measures: with GOMAXPROCS 1, A
 * makes B runnable by a channel send and keeps the only P busy for 5 ms before it blocks, five
 * times. B prints A's clock reading before the send and its own when it runs again.
 */
class SchedLatencyTest {

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.goroscope.testing.GoMatrix#cells")
  void aRunnableGoroutineWaitsAtLeastWhileTheOnlyPSpins(Toolchain toolchain, Mode mode)
      throws Exception {
    RuntimeProgram.Run run = RuntimeProgram.run(toolchain, mode, "sched",
        ProbeSelection.defaults().with("sched"));
    List<JsonNode> rounds = run.lines("sched");
    assertThat(rounds).hasSize(5);
    long goid = rounds.get(0).get("goid").asLong();
    List<GoroutineEvent> delays = run.events(goid, GoroutineEvents.SCHED_DELAY);
    long total = 0;
    for (JsonNode r : rounds) {
      long sent = r.get("sentNs").asLong();
      long resumed = r.get("resumedNs").asLong();
      List<GoroutineEvent> inRound = delays.stream()
          .filter(e -> e.timestampNs() >= sent && e.timestampNs() <= resumed).toList();
      assertThat(inRound).as("round %s: %s", r, delays).hasSize(1);
      GoroutineEvent e = inRound.get(0);
      long delay = e.attributes().get(GoroutineEvents.SCHED_DELAY_NS);
      assertThat(e.timestampNs() + delay).isLessThanOrEqualTo(resumed);
      // made runnable right after A's clock reading, run only once A stopped spinning
      assertThat(delay).as("%s %s", r, e)
          .isGreaterThanOrEqualTo(r.get("spinNs").asLong() - 1_000_000L);
      assertThat(e.attributes().get(GoroutineEvents.SCHED_FROM_STATE)).isEqualTo("waiting");
    }
    for (GoroutineEvent e : delays) {
      total += e.attributes().get(GoroutineEvents.SCHED_DELAY_NS);
    }
    assertThat(run.last(goid).attributes().get(GoroutineEvents.SCHED_DELAY_TOTAL_NS))
        .isEqualTo(total);
  }
}
