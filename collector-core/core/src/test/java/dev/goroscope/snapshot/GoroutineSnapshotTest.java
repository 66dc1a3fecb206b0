package dev.goroscope.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.attach.GoTargetPlanner;
import dev.goroscope.attach.ProcessPlan;
import dev.goroscope.process.ProcessMemory;
import dev.goroscope.process.TargetProcess;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The attach-time snapshot as attach takes it, on every Go minor 1.19–1.27 built normal,
 * stripped and PIE: the planner finds runtime.allgs (symbol, or forEachG's code when stripped;
 * shifted by the PIE load bias) and the offsets (DWARF or the table), and reading the live
 * target's memory through them lists every goroutine it printed, with its creator from 1.21.
 */
class GoroutineSnapshotTest {

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.goroscope.testing.GoMatrix#cells")
  void readsEveryBlockedGoroutineWithItsParent(Toolchain toolchain, Mode mode) throws Exception {
    Path binary = GoToolchains.build("snapshotprog", toolchain, mode);

    Process target = new ProcessBuilder(binary.toString(), "25").start();
    try {
      Map<Long, Long> printed = new HashMap<>();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8));
      Pattern line = Pattern.compile("goroutine (\\d+) parent (\\d+)");
      for (String l = out.readLine(); l != null && !l.equals("ready"); l = out.readLine()) {
        Matcher m = line.matcher(l);
        if (m.matches()) {
          printed.put(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
        }
      }
      assertThat(printed).hasSize(25);

      ProcessPlan plan = new GoTargetPlanner().plan(TargetProcess.of((int) target.pid()), false);
      assertThat(plan.allgsAddress()).as("runtime.allgs of %s", binary).isNotZero();
      List<SnapshotGoroutine> live;
      try (ProcessMemory memory = ProcessMemory.open((int) target.pid())) {
        live = GoroutineSnapshot.read(memory, plan.allgsAddress(), plan.offsets());
      }

      Map<Long, SnapshotGoroutine> byGoid = new HashMap<>();
      live.forEach(g -> byGoid.put(g.goid(), g));
      assertThat(byGoid).containsKey(1L);
      for (Map.Entry<Long, Long> e : printed.entrySet()) {
        SnapshotGoroutine g = byGoid.get(e.getKey());
        assertThat(g).as("goroutine %d", e.getKey()).isNotNull();
        // g.parentGoid exists from Go 1.21; before, the creator is not in the g (0).
        assertThat(g.parentGoid()).isEqualTo(toolchain.atLeast(21) ? e.getValue() : 0);
        assertThat(g.isWaiting()).isTrue();
        assertThat(plan.symbolizer().startFunction(g.startPc())).isEqualTo("main.blocked");
        assertThat(plan.symbolizer().creationSite(g.creationPc()).function())
            .isEqualTo("main.main");
      }
    } finally {
      target.destroyForcibly();
      target.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
