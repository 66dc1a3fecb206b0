package dev.goroscope.record;

import java.util.List;

/**
 * The threads of a process at one moment, against GOMAXPROCS: how many Ms are blocked in
 * system calls (each holds its goroutine, and the runtime starts another M to keep GOMAXPROCS
 * Ps busy), from the {@code --probe syscall} probes. Immutable.
 *
 * @param pid the process
 * @param timestampNs when (CLOCK_MONOTONIC ns)
 * @param threads the process's OS threads ({@code /proc/PID/status}), 0 = not read
 * @param gomaxprocs the number of Ps ({@code len(runtime.allp)}), 0 = not read
 * @param inSyscall threads in a system call now
 * @param thresholdNs the syscall threshold: {@code blocked} lists those in a call this long
 * @param blocked the goroutines in a system call for at least {@code thresholdNs}
 */
public record ThreadsRecord(int pid, long timestampNs, int threads, int gomaxprocs,
    int inSyscall, long thresholdNs, List<Blocked> blocked) {

  /**
   * A goroutine (and the thread it holds) in a system call.
   *
   * @param goid the goroutine
   * @param sinceNs when the call began
   * @param lockedToThread the goroutine is locked to its thread (runtime.LockOSThread)
   */
  public record Blocked(long goid, long sinceNs, boolean lockedToThread) {}

  public ThreadsRecord {
    blocked = List.copyOf(blocked);
  }
}
