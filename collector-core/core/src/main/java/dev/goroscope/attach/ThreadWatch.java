package dev.goroscope.attach;

import dev.goroscope.GoroscopeException;
import dev.goroscope.process.ProcessMemory;
import dev.goroscope.record.ThreadsRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Looks at one process's threads (with {@code --probe syscall}): the system calls in flight
 * from the BPF {@code syscalls} map (one entry per thread in a call), the OS thread count from
 * {@code /proc/PID/status}, and GOMAXPROCS as the length of {@code runtime.allp} read from the
 * target's memory. Cheap (a map walk and two small reads), taken every second.
 */
final class ThreadWatch implements AutoCloseable {

  /** Entries read from the map at most (its capacity). */
  static final int MAX_ENTRIES = 16384;

  private final int pid;
  private final long allpAddress;
  private final long thresholdNs;
  private ProcessMemory memory;
  private boolean memoryFailed;

  ThreadWatch(int pid, long allpAddress, long thresholdNs) {
    this.pid = pid;
    this.allpAddress = allpAddress;
    this.thresholdNs = thresholdNs;
  }

  /**
   * One look at {@code nowNs}.
   *
   * @param inFlight the map's entries: key u32 tid, value {u64 start_ns, u64 goid, u64 flags}
   */
  ThreadsRecord sample(long nowNs, List<byte[][]> inFlight) {
    List<ThreadsRecord.Blocked> blocked = new ArrayList<>();
    for (byte[][] e : inFlight) {
      ByteBuffer v = ByteBuffer.wrap(e[1]).order(ByteOrder.LITTLE_ENDIAN);
      long start = v.getLong(0);
      long goid = v.getLong(8);
      long flags = v.getLong(16);
      if (nowNs - start >= thresholdNs) {
        blocked.add(new ThreadsRecord.Blocked(goid, start, (flags & 1) != 0));
      }
    }
    blocked.sort(java.util.Comparator.comparingLong(ThreadsRecord.Blocked::sinceNs));
    return new ThreadsRecord(pid, nowNs, threads(), gomaxprocs(), inFlight.size(), thresholdNs,
        blocked);
  }

  /** {@code Threads:} of /proc/PID/status, or 0. */
  private int threads() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status"))) {
        if (line.startsWith("Threads:")) {
          return Integer.parseInt(line.substring(8).strip());
        }
      }
    } catch (IOException | NumberFormatException e) {
      // the process is going away: 0 = not read
    }
    return 0;
  }

  /** len(runtime.allp), or 0 when it cannot be read. */
  private int gomaxprocs() {
    if (allpAddress == 0 || memoryFailed) {
      return 0;
    }
    try {
      if (memory == null) {
        memory = ProcessMemory.open(pid);
      }
      long n = memory.readLong(allpAddress + 8, -1);
      return n > 0 && n <= 1 << 20 ? (int) n : 0;
    } catch (GoroscopeException e) {
      memoryFailed = true;
      return 0;
    }
  }

  @Override
  public void close() {
    if (memory != null) {
      memory.close();
      memory = null;
    }
  }
}
