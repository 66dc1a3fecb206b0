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

  /**
   * Dozens of processes of the watched binary live 20–200 ms each for 10 s: many end while
   * being planned or attached. Each such process is one "skipping" line at most, and the run
   * goes on: a process started afterwards is watched, and the run ends normally.
   */
  @Test
  void processesEndingWhileBeingAttachedAreSkippedAndWatchingGoesOn() throws Exception {
    Path binary = GoToolchains.build(Path.of("src/test/go/churn"), Toolchain.GO_1_26,
        Mode.NORMAL);
    RecordingSink sink = new RecordingSink();
    StringWriter log = new StringWriter();
    Attacher attacher = new Attacher(
        AttachConfig.builder().setExecutable(binary).setExeScanInterval(Duration.ofMillis(20))
            .build(),
        new GoTargetPlanner(), sink, () -> 0, () -> 0, new PrintWriter(log, true), false);
    CompletableFuture<AttachSummary> run = CompletableFuture.supplyAsync(attacher::run);
    java.util.Random random = new java.util.Random(16);
    java.util.List<Process> running = new java.util.ArrayList<>();
    int started = 0;
    Process last = null;
    try {
      await(() -> log.toString().contains("waiting for processes"), log);
      long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < end) {
        running.removeIf(p -> !p.isAlive());
        if (running.size() < 3) {
          int lifeMs = 20 + random.nextInt(181);
          running.add(new ProcessBuilder(binary.toString(), "-duration", lifeMs + "ms",
              "-every", "200us").redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
          started++;
        }
        Thread.sleep(15);
        assertThat(run).as("the run goes on\n%s", log).isNotDone();
      }
      last = new ProcessBuilder(binary.toString(), "-duration", "60s")
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      long lastPid = last.pid();
      await(() -> log.toString().contains("attached to pid " + lastPid), log);
      attacher.requestStop();
      AttachSummary summary = run.get(60, TimeUnit.SECONDS);

      assertThat(started).as("short-lived processes started").isGreaterThanOrEqualTo(40);
      assertThat(summary.processes()).isGreaterThanOrEqualTo(1);
      assertThat(sink.started).extracting(ProcessInfo::pid).contains((int) lastPid);
      String[] lines = log.toString().split("\n");
      assertThat(lines).as(log.toString())
          .allMatch(l -> l.startsWith("goroscope: "))
          .noneMatch(l -> l.contains("internal error"));
      assertThat(lines).filteredOn(l -> l.contains("skipping pid")).as(log.toString())
          .isNotEmpty();
    } finally {
      attacher.requestStop();
      for (Process p : running) {
        p.destroyForcibly();
      }
      if (last != null) {
        last.destroyForcibly();
      }
    }
  }

  /**
   * Four busy processes of one binary, watched together: planning, loading and detaching
   * happen off the thread that drains the rings, so a small ring (about a second of one
   * process's events) loses nothing while processes are attached, end and start. Planning is
   * made to take a second, as it does for a large binary: on the draining thread that alone
   * would overflow the rings of the processes already watched.
   */
  @Test
  void fourBusyProcessesOfOneBinaryLoseNoEvents() throws Exception {
    Path binary = GoToolchains.build(Path.of("src/test/go/churn"), Toolchain.GO_1_26,
        Mode.NORMAL);
    java.util.List<Process> processes = new java.util.ArrayList<>();
    java.util.Map<Integer, Long> ended = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.List<Long> lost = new java.util.concurrent.CopyOnWriteArrayList<>();
    dev.goroscope.record.RecordSink sink = new dev.goroscope.record.RecordSink() {
      @Override
      public void goroutineEnded(dev.goroscope.record.Goroutine g) {
        ended.merge(g.pid(), 1L, Long::sum);
      }

      @Override
      public void eventsLost(int pid, long count) {
        lost.add(count);
      }
    };
    StringWriter log = new StringWriter();
    Attacher attacher = new Attacher(
        AttachConfig.builder().setExecutable(binary).setRingBytes(256 << 10)
            .setExeScanInterval(Duration.ofMillis(100)).build(),
        slow(new GoTargetPlanner()), sink, () -> 0, () -> 0, new PrintWriter(log, true), false);
    try {
      for (int i = 0; i < 4; i++) {
        processes.add(busy(binary));
      }
      CompletableFuture<AttachSummary> run = CompletableFuture.supplyAsync(attacher::run);
      for (Process p : processes) {
        await(() -> log.toString().contains("attached to pid " + p.pid()), log);
      }
      Thread.sleep(2000);
      // Two end (their probes are detached) while the others keep going, and one more starts.
      for (Process p : processes.subList(0, 2)) {
        p.destroy();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        await(() -> log.toString().contains("pid " + p.pid() + " exited"), log);
      }
      Process fifth = busy(binary);
      processes.add(fifth);
      await(() -> log.toString().contains("attached to pid " + fifth.pid()), log);
      Thread.sleep(2000);
      attacher.requestStop();
      AttachSummary summary = run.get(60, TimeUnit.SECONDS);

      assertThat(summary.processes()).as(log.toString()).isEqualTo(5);
      assertThat(summary.eventsLost()).as("events lost\n%s", log).isZero();
      assertThat(lost).isEmpty();
      for (Process p : processes) {
        assertThat(ended.getOrDefault((int) p.pid(), 0L)).as("goroutines of pid %d", p.pid())
            .isGreaterThan(1000);
      }
    } finally {
      attacher.requestStop();
      for (Process p : processes) {
        p.destroyForcibly();
      }
    }
  }

  /** {@code planner}, taking a second longer per plan. */
  private static TargetPlanner slow(TargetPlanner planner) {
    return new TargetPlanner() {
      @Override
      public ProcessPlan plan(dev.goroscope.process.TargetProcess target,
          dev.goroscope.probe.ProbeSelection probes) {
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return planner.plan(target, probes);
      }

      @Override
      public boolean stillMatches(dev.goroscope.process.TargetProcess target, ProcessPlan plan) {
        return planner.stillMatches(target, plan);
      }
    };
  }

  /** A churn process starting ~2,500 goroutines a second (5,000 events). */
  private static Process busy(Path binary) throws java.io.IOException {
    return new ProcessBuilder(binary.toString(), "-workers", "2", "-every", "1ms", "-life", "5ms")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
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
