package dev.goroscope.it.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The CPU a process has used so far (utime + stime of {@code /proc/PID/stat}, which includes
 * its ended threads) and each live thread's share ({@code /proc/PID/task/TID/stat}), by the
 * kind of JVM thread. Clock-tick resolution (10 ms at the usual 100 Hz).
 */
final class ProcessCpu {
  private final long totalTicks;
  private final Map<Integer, Task> threads;

  private record Task(String comm, long ticks) {}

  private ProcessCpu(long totalTicks, Map<Integer, Task> threads) {
    this.totalTicks = totalTicks;
    this.threads = threads;
  }

  /** Reads {@code pid}'s counters now. */
  static ProcessCpu read(long pid) {
    Path proc = Path.of("/proc", Long.toString(pid));
    try {
      long total = ticks(Files.readString(proc.resolve("stat")));
      Map<Integer, Task> threads = new HashMap<>();
      try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve("task"))) {
        for (Path task : tasks) {
          String stat;
          try {
            stat = Files.readString(task.resolve("stat"));
          } catch (NoSuchFileException e) {
            continue; // ended while listed: its time is in the process total
          }
          threads.put(Integer.parseInt(task.getFileName().toString()),
              new Task(comm(stat), ticks(stat)));
        }
      }
      return new ProcessCpu(total, threads);
    } catch (IOException e) {
      throw new IllegalStateException("read cpu time of pid " + pid + ": " + e.getMessage(), e);
    }
  }

  /** What was used between {@code earlier} (of the same process) and this snapshot. */
  CpuUse since(ProcessCpu earlier) {
    long main = 0;
    long jit = 0;
    long gc = 0;
    for (Map.Entry<Integer, Task> e : threads.entrySet()) {
      Task before = earlier.threads.get(e.getKey());
      long used = e.getValue().ticks - (before == null ? 0 : before.ticks);
      switch (ThreadKind.of(e.getValue().comm)) {
        case MAIN -> main += used;
        case JIT -> jit += used;
        case GC -> gc += used;
        case OTHER -> { } // the rest: total minus the named kinds, ended threads included
      }
    }
    long total = totalTicks - earlier.totalTicks;
    long other = Math.max(0, total - main - jit - gc);
    return new CpuUse(ns(total), ns(main), ns(jit), ns(gc), ns(other));
  }

  /** The kinds of HotSpot thread by name (comm is cut at 15 characters). */
  enum ThreadKind {
    /** {@code java}: the launcher's thread and the main thread, which runs goroscope's
     * attach loop (ring buffer drain, decoding, correlator, JSON lines) */
    MAIN,
    /** {@code C1 CompilerThre…}, {@code C2 CompilerThre…}: the JIT compilers */
    JIT,
    /** {@code GC Thread#N}, {@code G1 …} (marker, refinement, service) and {@code VM Thread}
     * (runs the safepoint operations, GC pauses above all) */
    GC,
    OTHER;

    static ThreadKind of(String comm) {
      if (comm.equals("java")) {
        return MAIN;
      }
      if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
        return JIT;
      }
      if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.equals("VM Thread")) {
        return GC;
      }
      return OTHER;
    }
  }

  /** The name between the parentheses; it may itself hold spaces and parentheses. */
  private static String comm(String stat) {
    return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  }

  /** utime + stime: fields 14 and 15 of proc(5), i.e. the 12th and 13th after the comm. */
  private static long ticks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  private static long ns(long ticks) {
    return ticks * (1_000_000_000L / ClockTicks.PER_SECOND);
  }

  /** {@code getconf CLK_TCK}, read once; 100 when it cannot be run. */
  private static final class ClockTicks {
    static final long PER_SECOND = read();

    private static long read() {
      try {
        Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
        String out =
            new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        return p.waitFor() == 0 ? Long.parseLong(out) : 100;
      } catch (IOException | NumberFormatException e) {
        return 100;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 100;
      }
    }
  }
}
