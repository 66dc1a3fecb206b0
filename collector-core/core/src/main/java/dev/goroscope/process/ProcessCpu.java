package dev.goroscope.process;

import java.io.IOException;
import java.nio.file.Files;

/**
 * The CPU time a process has used, user plus system, from {@code /proc/PID/stat} (clock ticks
 * of 10 ms: the kernel's USER_HZ is 100 on Linux). Uprobe traps count as the target's system
 * time, so this includes what probes cost it.
 */
public final class ProcessCpu {

  private static final long NS_PER_TICK = 10_000_000L;

  private ProcessCpu() {}

  /** CPU time of {@code pid} so far, ns; -1 when the process is gone. */
  public static long cpuNs(int pid) {
    String stat;
    try {
      stat = Files.readString(TargetProcess.PROC.resolve(pid + "/stat"));
    } catch (IOException e) {
      return -1;
    }
    return cpuNs(stat);
  }

  /** From the text of a stat file; -1 when it cannot be read. */
  static long cpuNs(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0 || close + 2 >= stat.length()) {
      return -1;
    }
    // After "(comm) ": field 3 (state) is rest[0]; utime (14) and stime (15) follow.
    String[] rest = stat.substring(close + 2).split(" ");
    if (rest.length < 13) {
      return -1;
    }
    try {
      return (Long.parseLong(rest[11]) + Long.parseLong(rest[12])) * NS_PER_TICK;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
