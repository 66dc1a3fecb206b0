package dev.goroscope.it.go;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every example builds with every toolchain (each Go minor 1.19–1.27), runs, prints its pid and
 * ready line, does its work and exits 0 by itself or on SIGTERM.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ExamplesTest {
  private static final Duration READY = Duration.ofSeconds(30);
  private static final Duration EXIT = Duration.ofSeconds(30);

  @ParameterizedTest
  @EnumSource(Toolchain.class)
  void eachExampleIsBuiltByTheToolchainAsked(Toolchain toolchain) {
    for (String pkg : Examples.ALL) {
      Path binary = Examples.binary(pkg, toolchain, false);
      String version = GoToolchains.go(toolchain, binary.getParent(), null, "version",
          binary.toString());
      assertThat(version).as(pkg).contains(": " + GoToolchains.version(toolchain));
    }
  }

  @ParameterizedTest
  @EnumSource(Toolchain.class)
  void workerPoolRunsItsRoundsAndExits(Toolchain toolchain) {
    Path binary = Examples.binary(Examples.WORKER_POOL, toolchain, false);
    try (ExampleProcess p =
        ExampleProcess.start(binary, "-rounds", "3", "-jobs", "8", "-workers", "3", "-pause", "10ms")) {
      p.awaitReady(READY);
      assertThat(p.awaitExit(EXIT)).as(p.transcript()).isZero();
      assertThat(p.stdout()).first().isEqualTo("pid=" + p.pid());
      assertThat(p.stdout())
          .contains("ready", "done rounds=3")
          .filteredOn(l -> l.matches("round \\d: 8 jobs, 3 workers, checksum [0-9a-f]{8}"))
          .hasSize(3);
      assertThat(p.stderr()).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Toolchain.class)
  void leakStartsItsLeaksAndExits(Toolchain toolchain) {
    Path binary = Examples.binary(Examples.LEAK, toolchain, false);
    try (ExampleProcess p =
        ExampleProcess.start(binary, "-leaks", "5", "-every", "10ms", "-linger", "50ms")) {
      p.awaitReady(READY);
      assertThat(p.awaitExit(EXIT)).as(p.transcript()).isZero();
      assertThat(p.stdout()).containsExactly("pid=" + p.pid(), "ready", "done leaked=5");
    }
  }

  @ParameterizedTest
  @EnumSource(Toolchain.class)
  void httpDeadlineServesTheLoadAndStopsOnSigterm(Toolchain toolchain) {
    Path server = Examples.binary(Examples.HTTP_DEADLINE, toolchain, false);
    Path loadgen = Examples.binary(Examples.LOADGEN, toolchain, false);
    try (ExampleProcess p =
        ExampleProcess.start(server, "-port", "0", "-timeout", "100ms", "-leak-time", "200ms")) {
      String addr = p.readyValue("addr");
      assertThat(addr).startsWith("127.0.0.1:");
      try (ExampleProcess load =
          ExampleProcess.start(loadgen, "-url", "http://" + addr, "-requests", "40",
              "-concurrency", "4", "-leaky-every", "10", "-slow-every", "7")) {
        assertThat(load.awaitExit(EXIT)).as(load.transcript()).isZero();
        // 4 multiples of 10 go to /leaky; 5 of the 7s (not 70) to /slow and answer 504.
        assertThat(load.stdout()).containsExactly("done ok=31 leaky=4 slow=5 failed=0");
      }
      assertThat(p.stop(EXIT)).as(p.transcript()).isZero();
      assertThat(p.stdout()).last().isEqualTo("done requests=40 overruns=4");
    }
  }

  @Test
  void durationStopsAnExampleByItself() {
    long start = System.nanoTime();
    try (ExampleProcess p = ExampleProcess.start(Examples.binary(Examples.LEAK), "-duration", "300ms")) {
      p.awaitReady(READY);
      assertThat(p.awaitExit(EXIT)).as(p.transcript()).isZero();
      assertThat(p.stdout()).last().asString().startsWith("done leaked=");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void ctrlCStopsAnExampleCleanly() {
    try (ExampleProcess p = ExampleProcess.start(Examples.binary(Examples.WORKER_POOL), "-pause", "10ms")) {
      p.awaitLine(l -> l.startsWith("round 2:"), READY);
      assertThat(p.interrupt(EXIT)).as(p.transcript()).isZero();
      assertThat(p.stdout()).last().asString().startsWith("done rounds=");
    }
  }

  @Test
  void strippedBuildRunsAndIsSmaller() throws Exception {
    Path normal = Examples.binary(Examples.WORKER_POOL, Toolchain.GO_1_26, false);
    Path stripped = Examples.binary(Examples.WORKER_POOL, Toolchain.GO_1_26, true);
    assertThat(Files.size(stripped)).isLessThan(Files.size(normal));
    try (ExampleProcess p = ExampleProcess.start(stripped, "-rounds", "1")) {
      assertThat(p.awaitExit(EXIT)).as(p.transcript()).isZero();
      assertThat(p.stdout()).contains("ready", "done rounds=1");
    }
  }

}
