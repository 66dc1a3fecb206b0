package dev.goroscope.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.record.ProcessInfo;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import dev.goroscope.testing.RecordingSink;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code --exe}: every process of the executable is watched, including ones started after
 * goroscope, each with its own probes and its own records.
 */
class ExeModeTest {

  @Test
  void watchesProcessesStartedBeforeAndAfterAttach() throws Exception {
    Path binary = GoToolchains.build(Path.of("src/test/go/spawntree"), Toolchain.GO_1_26,
        Mode.NORMAL);
    Process early = new ProcessBuilder(binary.toString()).start();
    RecordingSink sink = new RecordingSink();
    StringWriter log = new StringWriter();
    Attacher attacher =
        new Attacher(
            AttachConfig.builder().setExecutable(binary).setExeScanInterval(Duration.ofMillis(50))
                .build(),
            new GoTargetPlanner(), sink, () -> sink.goroutines.size(), () -> 0, new PrintWriter(log, true), false);
    Process late = null;
    try {
      CompletableFuture<AttachSummary> run = CompletableFuture.supplyAsync(attacher::run);
      await(() -> log.toString().contains("attached to pid " + early.pid()), log);
      late = new ProcessBuilder(binary.toString()).start();
      long latePid = late.pid();
      await(() -> log.toString().contains("attached to pid " + latePid), log);
      for (Process p : new Process[] {early, late}) {
        try (OutputStream stdin = p.getOutputStream()) {
          stdin.write("go\n".getBytes(StandardCharsets.UTF_8));
        }
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      await(() -> log.toString().contains("pid " + latePid + " exited"), log);
      attacher.requestStop();
      AttachSummary summary = run.get(30, TimeUnit.SECONDS);

      assertThat(summary.processes()).isEqualTo(2);
      assertThat(sink.started).extracting(ProcessInfo::pid)
          .containsExactlyInAnyOrder((int) early.pid(), (int) latePid);
      for (long pid : new long[] {early.pid(), latePid}) {
        long leaves = sink.goroutines.stream()
            .filter(r -> r.pid() == pid && !r.isPartial())
            .map(GoroutineRecord::startFunction)
            .filter("main.leaf"::equals)
            .count();
        assertThat(leaves).as("leaves of pid %d", pid).isEqualTo(60);
      }
    } finally {
      attacher.requestStop();
      early.destroyForcibly();
      if (late != null) {
        late.destroyForcibly();
      }
    }
  }

  private static void await(java.util.function.BooleanSupplier condition, StringWriter log)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("in time: %s", log).isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
