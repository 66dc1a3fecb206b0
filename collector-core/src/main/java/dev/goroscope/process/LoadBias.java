package dev.goroscope.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a process mapped its executable: the difference between run-time and link-time
 * addresses. Zero for ordinary (ET_EXEC) Go binaries; the mapping base for PIE builds.
 */
public final class LoadBias {
  private LoadBias() {}

  /**
   * Computes the bias from {@code /proc/PID/maps}: the mapping of the executable at file offset 0
   * holds the first PT_LOAD segment, linked at {@code firstLoadVaddr}.
   *
   * @param pie whether the executable is position independent (ET_DYN)
   * @param firstLoadVaddr the page-aligned virtual address of the first PT_LOAD segment
   */
  public static long of(TargetProcess process, boolean pie, long firstLoadVaddr) {
    if (!pie) {
      return 0;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of("/proc/" + process.pid() + "/maps"));
    } catch (IOException e) {
      return 0;
    }
    for (String line : lines) {
      String[] f = line.trim().split("\\s+", 6);
      if (f.length == 6 && f[5].equals(process.executablePath()) && Long.parseLong(f[2], 16) == 0) {
        long start = Long.parseUnsignedLong(f[0].substring(0, f[0].indexOf('-')), 16);
        return start - (firstLoadVaddr & ~0xfffL);
      }
    }
    return 0;
  }
}
