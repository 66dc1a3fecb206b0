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
 * The CPU a process has used so far, by the kind of JVM thread: each live thread's own time from
 * {@code /proc/PID/task/TID/schedstat} (the scheduler's nanoseconds on the CPU, exact), and the
 * process's utime + stime ({@code /proc/PID/stat}, which includes its ended threads) for what
 * threads that ended took. utime and stime come in clock ticks (10 ms at the usual 100 Hz): over
 * a 20,000-request block one tick is 0.5 µs per request, as large as the gaps being measured, so
 * ticks are used only for ended threads (a JIT compiler thread now and then), and for a thread
 * whose schedstat cannot be read (a kernel without CONFIG_SCHED_INFO).
 */
final class ProcessCpu {
  private final long totalTicks;
  private final Map<Integer, Task> threads;

  /** A thread's name, its utime + stime in ticks, and its schedstat time (-1 when unreadable). */
  private record Task(String comm, long ticks, long ns) {}

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
          long ns;
          try {
            stat = Files.readString(task.resolve("stat"));
            ns = schedstatNs(task);
          } catch (NoSuchFileException e) {
            continue; // ended while listed: its time is in the process total
          }
          threads.put(Integer.parseInt(task.getFileName().toString()),
              new Task(comm(stat), ticks(stat), ns));
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
    long other = 0;
    long liveTicks = 0;
    for (Map.Entry<Integer, Task> e : threads.entrySet()) {
      Task now = e.getValue();
      Task before = earlier.threads.get(e.getKey());
      long ticks = now.ticks - (before == null ? 0 : before.ticks);
      liveTicks += ticks;
      long used = now.ns >= 0 && (before == null || before.ns >= 0)
          ? now.ns - (before == null ? 0 : before.ns)
          : ns(ticks);
      switch (ThreadKind.of(now.comm)) {
        case MAIN -> main += used;
        case JIT -> jit += used;
        case GC -> gc += used;
        case OTHER -> other += used;
      }
    }
    // Threads that ended since the earlier snapshot: what the process total has beyond the live
    // threads' ticks. Each thread's ticks and the total are rounded down on their own, so this
    // is off by a tick or two either way; not clamped at zero, which would bias it upwards.
    other += ns(totalTicks - earlier.totalTicks - liveTicks);
    return new CpuUse(main + jit + gc + other, main, jit, gc, other);
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

  /**
   * The first field of a thread's schedstat: its time on a CPU in ns; -1 when it cannot be read
   * (no such file on a kernel without schedstats, or the thread ended in between).
   */
  private static long schedstatNs(Path task) {
    try {
      String s = Files.readString(task.resolve("schedstat")).trim();
      int space = s.indexOf(' ');
      return Long.parseLong(space < 0 ? s : s.substring(0, space));
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
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
