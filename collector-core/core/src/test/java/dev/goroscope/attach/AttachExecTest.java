package dev.goroscope.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.process.TargetProcess;
import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import dev.goroscope.testing.RecordingSink;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The target execs another program between its plan and its attach (same pid, same start
 * time). The uprobes must never land in the new program at offsets computed for the old one:
 * goroscope notices, plans the new program and watches it, which runs to its end unharmed and
 * is recorded as itself.
 */
class AttachExecTest {

  @Test
  void anExecBetweenPlanAndAttachIsNoticedAndTheNewProgramWatched() throws Exception {
    Path first = GoToolchains.build(Path.of("src/test/go/execprog"), Toolchain.GO_1_26,
        Mode.NORMAL);
    // Another Go release: its runtime sits at other offsets than the first program's.
    Path second = GoToolchains.build(Path.of("src/test/go/spawntree"), Toolchain.GO_1_19,
        Mode.NORMAL);
    Process target = new ProcessBuilder(first.toString()).start();
    BufferedReader out = new BufferedReader(
        new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8));
    assertThat(out.readLine()).isEqualTo("ready");
    OutputStream stdin = target.getOutputStream();
    AtomicBoolean execDone = new AtomicBoolean();
    List<String> breakpoints = new java.util.concurrent.CopyOnWriteArrayList<>();
    GoTargetPlanner real = new GoTargetPlanner();
    // The hook: right after the first plan, before anything is attached, the target execs.
    TargetPlanner planner = new TargetPlanner() {
      @Override
      public ProcessPlan plan(TargetProcess t, dev.goroscope.probe.ProbeSelection probes) {
        ProcessPlan plan = real.plan(t, probes);
        if (execDone.compareAndSet(false, true)) {
          exec(target, stdin, second);
        }
        return plan;
      }

      @Override
      public boolean stillMatches(TargetProcess t, ProcessPlan plan) {
        // Called with every probe of the plan attached: the first plan's must not be in the
        // second program's code (an int3 where its file has none).
        if (plan.process().goVersion().startsWith("go1.26")) {
          breakpoints.addAll(breakpointsIn(t.pid(), second, plan));
        }
        return real.stillMatches(t, plan);
      }
    };
    RecordingSink sink = new RecordingSink();
    StringWriter log = new StringWriter();
    Attacher attacher = new Attacher(AttachConfig.builder().setPid((int) target.pid()).build(),
        planner, sink, () -> 0, () -> 0, new PrintWriter(log, true), false);
    try {
      CompletableFuture<AttachSummary> run = CompletableFuture.supplyAsync(attacher::run);
      AttachEndToEndTest.awaitAttached(log, run);
      stdin.write("go\n".getBytes(StandardCharsets.UTF_8));
      stdin.close();
      List<String> lines = new ArrayList<>();
      for (String l = out.readLine(); l != null; l = out.readLine()) {
        lines.add(l);
      }
      assertThat(target.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(target.exitValue()).as("the new program ran unharmed\n%s", lines).isZero();
      AttachSummary summary = run.get(30, TimeUnit.SECONDS);

      assertThat(execDone).isTrue();
      assertThat(breakpoints).as("int3 of the first plan in the second program").isEmpty();
      assertThat(lines.stream().filter(l -> l.startsWith("g "))).hasSize(3 + 12 + 60);
      long leaves = sink.goroutines.stream()
          .filter(r -> r.pid() == target.pid() && !r.isPartial())
          .map(GoroutineRecord::startFunction)
          .filter("main.leaf"::equals)
          .count();
      assertThat(leaves).as("leaves of the new program\n%s", log).isEqualTo(60);
      assertThat(log.toString())
          .contains("pid " + target.pid() + " changed its executable or ended while being"
              + " attached; planning again")
          .contains("attached to pid " + target.pid() + " (" + second.getFileName()
              + ", go1.19");
      assertThat(summary.processes()).isEqualTo(1);
    } finally {
      attacher.requestStop();
      target.destroyForcibly();
    }
  }

  /** Sites of {@code plan} where process {@code pid}, running {@code program}, has an int3. */
  private static List<String> breakpointsIn(long pid, Path program, ProcessPlan plan) {
    List<String> found = new ArrayList<>();
    try (dev.goroscope.process.ProcessMemory memory =
        dev.goroscope.process.ProcessMemory.open((int) pid)) {
      byte[] file = Files.readAllBytes(program);
      List<String> maps = Files.readAllLines(Path.of("/proc/" + pid + "/maps"));
      for (dev.goroscope.probe.ProbePlan.Site site : plan.sites()) {
        for (String line : maps) {
          String[] f = line.trim().split("\\s+", 6);
          if (f.length < 6 || !f[5].equals(program.toString()) || !f[1].contains("x")) {
            continue;
          }
          long start = Long.parseUnsignedLong(f[0].substring(0, f[0].indexOf('-')), 16);
          long end = Long.parseUnsignedLong(f[0].substring(f[0].indexOf('-') + 1), 16);
          long offset = Long.parseUnsignedLong(f[2], 16);
          long at = start + site.fileOffset() - offset;
          if (site.fileOffset() < offset || at >= end) {
            continue;
          }
          java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
          if (memory.read(at, b) && b.get(0) == (byte) 0xcc
              && file[(int) site.fileOffset()] != (byte) 0xcc) {
            found.add(site.function() + "+0x" + Long.toHexString(site.fileOffset()));
          }
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return found;
  }

  /** Makes the target exec {@code program} and waits until /proc/PID/exe is it. */
  private static void exec(Process target, OutputStream stdin, Path program) {
    try {
      stdin.write(("exec " + program + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      Object key = Files.readAttributes(program, BasicFileAttributes.class).fileKey();
      Path exe = Path.of("/proc/" + target.pid() + "/exe");
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!Objects.equals(key, Files.readAttributes(exe, BasicFileAttributes.class).fileKey())) {
        assertThat(System.nanoTime()).as("exec done in time").isLessThan(deadline);
        Thread.sleep(5);
      }
      Thread.sleep(100); // the new runtime up
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
