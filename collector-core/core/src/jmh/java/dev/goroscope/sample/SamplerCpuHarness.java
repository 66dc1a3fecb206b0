package dev.goroscope.sample;

import com.sun.management.OperatingSystemMXBean;
import dev.goroscope.gobinary.GoVersion;
import dev.goroscope.gobinary.elf.ElfFile;
import dev.goroscope.gobinary.offsets.OffsetResolver;
import dev.goroscope.process.ProcessMemory;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * CPU time of the goroutine sampler on a real program with many goroutines ({@code
 * src/test/go/manyprog}: N goroutines parked a few calls deep on a shared channel, in selects
 * with a timer, on mutexes, sending to a full channel). Prints, per sample, the sampling
 * thread's CPU time ({@code ThreadMXBean}, user + system: the system calls count) and the whole
 * JVM's ({@code getProcessCpuTime}: GC and JIT included): the first sample (everything read:
 * g structs, stacks, sudogs, channels) and the steady state of a periodic sampler (median, min,
 * max over the measured samples after warm-up), plus bytes and system calls per sample; and,
 * as a baseline in the same run, one pass over the g structs only (the attach snapshot's read).
 * The target's own CPU time during the measured samples (from /proc/PID/stat) shows that
 * sampling does not make it work.
 *
 * <p>Run (from the repository root; arguments: goroutines, measured samples, toolchain):
 * <pre>
 * mvn -B -q -pl collector-core/core -am -Pjmh -DskipTests test \
 *     -Djmh.main=dev.goroscope.sample.SamplerCpuHarness -Djmh.args="100000 30 GO_1_26"
 * </pre>
 */
public final class SamplerCpuHarness {

  private SamplerCpuHarness() {}

  public static void main(String[] args) throws Exception {
    int goroutines = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int measured = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    Toolchain toolchain = args.length > 2 ? Toolchain.valueOf(args[2]) : Toolchain.GO_1_26;
    int warmup = 20;
    ThreadMXBean thread = ManagementFactory.getThreadMXBean();
    OperatingSystemMXBean os =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    Path binary = GoToolchains.build("manyprog", toolchain, Mode.NORMAL);
    Process target = new ProcessBuilder(binary.toString(), Integer.toString(goroutines)).start();
    try {
      BufferedReader out = new BufferedReader(
          new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8));
      if (!"ready".equals(out.readLine())) {
        throw new IllegalStateException("manyprog did not start");
      }
      int pid = (int) target.pid();
      System.out.printf(Locale.ROOT, "target: manyprog %d goroutines, %s, pid %d; %d cpus,"
          + " load average %.2f%n", goroutines, GoToolchains.version(toolchain), pid,
          os.getAvailableProcessors(), os.getSystemLoadAverage());
      try (GoroutineSampler sampler = GoroutineSampler.open(pid, SamplerConfig.defaults())) {
        long t0 = thread.getCurrentThreadCpuTime();
        long p0 = os.getProcessCpuTime();
        long w0 = System.nanoTime();
        ProcessSample first = sampler.sample();
        System.out.printf(Locale.ROOT, "first sample: %d goroutines, thread cpu %.1f ms,"
            + " process cpu %.1f ms, wall %.1f ms, %s%n", first.goroutines().size(),
            ms(thread.getCurrentThreadCpuTime() - t0), ms(os.getProcessCpuTime() - p0),
            ms(System.nanoTime() - w0), first.stats());
        for (int i = 0; i < warmup; i++) {
          sampler.sample();
        }
        List<Double> threadMs = new ArrayList<>();
        List<Double> processMs = new ArrayList<>();
        ProcessSample last = null;
        long targetBefore = targetCpuTicks(pid);
        for (int i = 0; i < measured; i++) {
          long c0 = thread.getCurrentThreadCpuTime();
          long q0 = os.getProcessCpuTime();
          last = sampler.sample();
          threadMs.add(ms(thread.getCurrentThreadCpuTime() - c0));
          processMs.add(ms(os.getProcessCpuTime() - q0));
        }
        long targetTicks = targetCpuTicks(pid) - targetBefore;
        System.out.printf(Locale.ROOT, "steady state (%d samples after %d): thread cpu %s;"
            + " process cpu %s; per sample %d goroutines, %d system calls, %.1f MB read%n",
            measured, warmup, stats(threadMs), stats(processMs), last.goroutines().size(),
            last.stats().systemCalls(), last.stats().bytesRead() / 1e6);
        System.out.printf(Locale.ROOT, "target cpu during the %d measured samples: %d ms%n",
            measured, targetTicks * 10);
      }
      // baseline: one pass over every g struct, no stacks (what attach's snapshot reads)
      List<Double> baseline = new ArrayList<>();
      try (ProcessMemory memory = ProcessMemory.open(pid)) {
        long allgs = allgsAddress(binary);
        var offsets = OffsetResolver.resolve(ElfFile.open(binary),
            GoVersion.parseOrUnknown(GoToolchains.version(toolchain))).asMap();
        for (int i = 0; i < warmup + measured; i++) {
          long c0 = thread.getCurrentThreadCpuTime();
          int n = AllgsScan.scan(memory, allgs, offsets, (a, b, c, d, e, f) -> { });
          if (i >= warmup) {
            baseline.add(ms(thread.getCurrentThreadCpuTime() - c0));
          }
          if (n < goroutines) {
            throw new IllegalStateException("baseline read " + n + " goroutines");
          }
        }
      }
      System.out.printf(Locale.ROOT, "baseline, g structs only (AllgsScan): thread cpu %s%n",
          stats(baseline));
    } finally {
      target.getOutputStream().close();
      target.destroyForcibly();
      target.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static long allgsAddress(Path binary) {
    return ElfFile.open(binary).symbols().stream()
        .filter(s -> s.name().equals("runtime.allgs")).findFirst().orElseThrow().value();
  }

  /** utime + stime of the process, in clock ticks (1/100 s). */
  private static long targetCpuTicks(int pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  private static String stats(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    Collections.sort(s);
    return String.format(Locale.ROOT, "median %.1f ms (min %.1f, max %.1f)", s.get(s.size() / 2),
        s.get(0), s.get(s.size() - 1));
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
