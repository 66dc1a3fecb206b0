package dev.goroscope.bpf.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.goroscope.bpf.GoroscopeBpf;
import dev.goroscope.bpf.testing.ProbeSites;
import dev.goroscope.bpf.testing.Probes;
import dev.goroscope.bpf.testing.Target;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The kernel counts program runs ({@code run_cnt} in a program's fdinfo) while a {@link
 * RunTimeStats} is held, stops when the last holder closes it, and also when the holder is
 * killed without closing: the system-wide switch is never left on.
 */
class RunTimeStatsTest {
  private static final Path SWITCH = Path.of("/proc/sys/kernel/bpf_stats_enabled");
  private static final int SPAWNS = 200;

  private ProbeSites sites;

  @BeforeEach
  void ready() throws Exception {
    sites = ProbeSites.ready(Toolchain.GO_1_26, Mode.NORMAL);
    // With the sysctl on, the kernel counts whatever the holders do: nothing to see here.
    assumeTrue(Files.readString(SWITCH).trim().equals("0"),
        "kernel.bpf_stats_enabled is 1 on this host: runs are counted with or without a holder");
  }

  @Test
  void runsAreCountedWhileHeldAndNotOnceClosed() throws Exception {
    try (RunTimeStats a = RunTimeStats.enable()) {
      try (RunTimeStats b = RunTimeStats.enable()) {
        assertThat(runsOfTheCreationProgram()).as("two holders").isGreaterThanOrEqualTo(SPAWNS);
      }
      assertThat(runsOfTheCreationProgram()).as("one holder left").isGreaterThanOrEqualTo(SPAWNS);
      a.close();
      a.close(); // idempotent: a second close must not give back another holder's count
    }
    assertThat(runsOfTheCreationProgram()).as("no holder").isZero();
  }

  @Test
  void aKilledHolderLeavesNothingOn() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "dev.goroscope.bpf.testing.StatsMain")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).startsWith("enabled ");
      assertThat(runsOfTheCreationProgram()).as("held by the child")
          .isGreaterThanOrEqualTo(SPAWNS);
      Runtime.getRuntime().exec(new String[] {"kill", "-9", Long.toString(child.pid())})
          .waitFor();
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(runsOfTheCreationProgram()).as("after the kill").isZero();
    } finally {
      child.destroyForcibly();
    }
  }

  /** Fresh programs on a fresh target, one workload: how many runs the kernel counted. */
  private long runsOfTheCreationProgram() throws Exception {
    try (Target t = Target.start(sites.binary, "-spawn", Integer.toString(SPAWNS));
        Probes p = new Probes(sites, t.pid(), new Probes.Options())) {
      Target.Result r = t.go();
      assertThat(r.exitCode()).isZero();
      int fd = p.object.program(GoroscopeBpf.PROG_NEWPROC1_RET).fd();
      for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
        if (line.startsWith("run_cnt:")) {
          return Long.parseLong(line.substring("run_cnt:".length()).trim());
        }
      }
      throw new AssertionError("no run_cnt in the fdinfo of program fd " + fd);
    }
  }
}
