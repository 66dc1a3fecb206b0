package dev.goroscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.probe.ProbeSelection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --probe} and {@code --syscall-threshold}: applied in order, bad values one line. */
class ProbeOptionsTest {

  @Test
  void namesApplyToTheDefaultsInOrder() {
    ProbeSelection s = AttachCommand.probeSelection(List.of("mutex", "syscall", "no-stw"),
        Duration.ofMillis(5));
    assertThat(s.options()).containsExactly("mutex", "syscall");
    assertThat(s.syscallThreshold()).isEqualTo(Duration.ofMillis(5));
    assertThat(AttachCommand.probeSelection(List.of(), ProbeSelection.DEFAULT_SYSCALL_THRESHOLD))
        .isEqualTo(ProbeSelection.defaults());
    assertThat(AttachCommand.probeSelection(List.of("no-stw", "stw"),
        ProbeSelection.DEFAULT_SYSCALL_THRESHOLD).options()).containsExactly("stw");
  }

  @Test
  void anUnknownProbeIsOneLineBeforeAnythingIsAttached() {
    ReceiverOptionsTest.Run r = ReceiverOptionsTest.attach("--probe", "mutex,gc");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("goroscope: unknown probe 'gc': expected one of stw, mutex,"
        + " syscall, sched (or no-NAME to switch one off)");
  }
}
