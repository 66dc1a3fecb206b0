package dev.goroscope.attach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goroscope.GoroscopeException;
import dev.goroscope.bpf.GoroscopeBpf;
import dev.goroscope.probe.ProbePlan;
import dev.goroscope.process.TargetProcess;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GoTargetPlannerTest {

  @Test
  void refusesANonGoProcessWithAClearMessage() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "30").start();
    try {
      TargetProcess target = TargetProcess.of((int) sleeper.pid());
      assertThatThrownBy(() -> new GoTargetPlanner().plan(target, false))
          .isInstanceOf(GoroscopeException.class)
          .hasMessageContaining("not a Go");
    } finally {
      sleeper.destroyForcibly();
      sleeper.waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void stripsContextProbesFromABinaryWithoutDeadlinesAndSaysSo() throws Exception {
    Path binary = GoToolchains.build(Path.of("src/test/go/snapshotprog"), Toolchain.GO_1_26,
        Mode.STRIPPED);
    Process target = new ProcessBuilder(binary.toString(), "3").start();
    try {
      ProcessPlan plan = new GoTargetPlanner().plan(TargetProcess.of((int) target.pid()), true);
      assertThat(plan.sites()).extracting(ProbePlan.Site::program)
          .contains(GoroscopeBpf.PROG_NEWPROC1_RET, GoroscopeBpf.PROG_GOEXIT1_ENTRY,
              GoroscopeBpf.PROG_GOPARK_ENTRY, GoroscopeBpf.PROG_READY_ENTRY)
          .doesNotContain(GoroscopeBpf.PROG_WITH_DEADLINE_RET);
      assertThat(plan.notes()).anyMatch(n -> n.startsWith("no contexts probes"))
          .anyMatch(n -> n.contains("built-in table"))
          .noneMatch(n -> n.contains("runtime.allgs"));
      // Stripped: no symbol, but runtime.forEachG's code still says where allgs is.
      assertThat(plan.allgsAddress()).isNotZero();
      assertThat(plan.process().goVersion()).startsWith("go1.26");
      assertThat(plan.constants()).containsKeys(GoroscopeBpf.OFF_G_GOID,
          GoroscopeBpf.OFF_G_PARENT_GOID, GoroscopeBpf.OFF_M_CURG);
      assertThat(plan.constants().get(GoroscopeBpf.OFF_G_GOID)).isEqualTo(152);
      // Every constant the BPF object declares gets a value from the plan, but the two the
      // loader sets per process (the target pid and its pid namespace).
      try (dev.goroscope.bpf.BpfObject o =
          dev.goroscope.bpf.BpfObject.openResource(GoroscopeBpf.RESOURCE)) {
        java.util.Set<String> unset = new java.util.TreeSet<>(o.constantNames());
        unset.removeAll(plan.constants().keySet());
        assertThat(unset).containsExactlyInAnyOrder(GoroscopeBpf.TARGET_TGID,
            GoroscopeBpf.PIDNS_DEV, GoroscopeBpf.PIDNS_INO);
      }
    } finally {
      target.destroyForcibly();
      target.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
