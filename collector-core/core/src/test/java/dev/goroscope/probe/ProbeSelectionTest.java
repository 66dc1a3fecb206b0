package dev.goroscope.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goroscope.gobinary.GoVersion;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProbeSelectionTest {

  @Test
  void defaultsAreTheRareEdgesAndStopTheWorld() {
    ProbeSelection d = ProbeSelection.defaults();
    assertThat(ProbeSelection.optionNames()).containsExactly("stw", "mutex", "syscall", "sched");
    assertThat(d.options()).containsExactly("stw");
    for (ProbeGroup g : ProbeGroup.values()) {
      // application spans: by default too (attached when the program links the SDK)
      boolean on = g == ProbeGroup.LIFECYCLE || g == ProbeGroup.CONTEXTS || g == ProbeGroup.STW
          || g == ProbeGroup.APP_SPANS;
      assertThat(d.enabled(g)).as("%s", g).isEqualTo(on);
    }
    assertThat(d.withDeep(true).enabled(ProbeGroup.SCHEDULING)).isTrue();
    assertThat(d.withDeep(true).enabled(ProbeGroup.MUTEX)).isFalse();
    assertThat(ProbeSelection.all().options()).containsExactly("stw", "mutex", "syscall",
        "sched");
  }

  @Test
  void namesSwitchGroupsOnAndOff() {
    ProbeSelection s = ProbeSelection.defaults().with("mutex").with("SYSCALL ").with("no-stw");
    assertThat(s.options()).containsExactly("mutex", "syscall");
    assertThat(s.enabled(ProbeGroup.MUTEX)).isTrue();
    assertThat(s.enabled(ProbeGroup.RWMUTEX)).as("one name, both lock groups").isTrue();
    assertThat(s.enabled(ProbeGroup.STW)).isFalse();
    assertThat(s.enabled(ProbeGroup.LIFECYCLE)).isTrue();
    assertThat(s.with("no-mutex").options()).containsExactly("syscall");
    assertThat(s.withSyscallThreshold(Duration.ofMillis(20)).syscallThreshold())
        .isEqualTo(Duration.ofMillis(20));
    assertThat(ProbeSelection.defaults().syscallThreshold()).isEqualTo(Duration.ofMillis(1));
  }

  @Test
  void anUnknownNameSaysWhichAreKnown() {
    assertThatThrownBy(() -> ProbeSelection.defaults().with("gc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown probe 'gc': expected one of stw, mutex, syscall, sched"
            + " (or no-NAME to switch one off)");
    assertThatThrownBy(() -> ProbeSelection.defaults().withSyscallThreshold(Duration.ofMillis(-1)))
        .hasMessageContaining("must not be negative");
  }

  @Test
  void theCatalogRefusesRwMutexProbesOnGo119Only() {
    for (int minor = 19; minor <= 27; minor++) {
      ProbeCatalog c = ProbeCatalog.forVersion(GoVersion.parseOrUnknown("go1." + minor + ".1"));
      boolean refused = c.specs().stream().anyMatch(s -> s.unsupported() != null);
      assertThat(refused).as("go1.%d", minor).isEqualTo(minor == 19);
      assertThat(c.spec(ProbeRole.MUTEX_LOCK).orElseThrow().candidates()).containsExactly(
          (minor >= 24 ? "internal/sync" : "sync") + ".(*Mutex).lockSlow");
      assertThat(c.spec(ProbeRole.STW_STOP).orElseThrow().fixed())
          .containsEntry("stw_reason_arg", minor >= 21 ? 1L : 0L);
    }
  }
}
