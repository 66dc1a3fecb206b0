package dev.goroscope.sample;

import static dev.goroscope.sample.GoroutineSamplerTest.all;
import static dev.goroscope.sample.GoroutineSamplerTest.only;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One sampler, several samples of a program that changes in between: what stayed parked is
 * handed out again as the same values (nothing re-read), what moved is read afresh — a
 * receiver that got its value is gone and its channel counts one waiter less, a sender that
 * could deliver is gone and the full channel still holds three — and a sample after the
 * change agrees with a fresh sampler's.
 */
class PeriodicSamplingTest {

  @ParameterizedTest
  @EnumSource(Toolchain.class)
  void keepsWhatStayedAndRereadsWhatMoved(Toolchain toolchain) {
    try (StateProgram prog = StateProgram.start(toolchain, Mode.NORMAL);
        GoroutineSampler sampler = GoroutineSampler.open(prog.pid(), SamplerConfig.defaults())) {
      ProcessSample first = sampler.sample();
      ProcessSample second = sampler.sample();
      Map<Long, GoroutineSample> before = byGoid(second);
      for (GoroutineSample g : first.goroutines()) {
        if (g.status() == GoroutineStatus.WAITING) {
          // parked all along: the very same immutable value, stack and channel state included
          assertThat(before.get(g.goid())).as("goroutine %d", g.goid()).isSameAs(g);
        }
      }
      assertThat(all(second, "main.receiver")).hasSize(4);
      prog.command("recv1");
      prog.command("take");
      ProcessSample after = sampler.sample();

      assertThat(all(after, "main.receiver")).hasSize(3).allSatisfy(g ->
          assertThat(g.channel().orElseThrow().channel().waitingReceivers()).isEqualTo(3));
      assertThat(all(after, "main.sender")).hasSize(3).allSatisfy(g -> {
        ChannelState full = g.channel().orElseThrow().channel();
        assertThat(full.address()).isEqualTo(prog.address("full"));
        assertThat(full.length()).isEqualTo(3);
        assertThat(full.waitingSenders()).isEqualTo(3);
      });
      // untouched goroutines are still the same values
      GoroutineSample sleeper = only(after, "main.sleeper");
      assertThat(sleeper).isSameAs(byGoid(first).get(sleeper.goid()));
      // and the kept view is what a fresh read says
      try (GoroutineSampler fresh = GoroutineSampler.open(prog.pid(), SamplerConfig.defaults())) {
        ProcessSample check = fresh.sample();
        Map<Long, GoroutineSample> now = byGoid(check);
        for (GoroutineSample g : after.goroutines()) {
          if (g.status() == GoroutineStatus.WAITING) {
            assertThat(now.get(g.goid())).as("goroutine %d", g.goid()).isEqualTo(g);
          }
        }
      }
    }
  }

  private static Map<Long, GoroutineSample> byGoid(ProcessSample s) {
    Map<Long, GoroutineSample> m = new HashMap<>();
    s.goroutines().forEach(g -> m.put(g.goid(), g));
    return m;
  }
}
