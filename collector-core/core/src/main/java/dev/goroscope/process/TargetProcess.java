package dev.goroscope.process;

import dev.goroscope.GoroscopeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A running process goroscope watches, seen through {@code /proc/PID}. The executable is opened
 * through {@code /proc/PID/exe}, which works even when the file was replaced or lives in another
 * mount namespace (a Kubernetes sidecar sharing the pod's process namespace).
 *
 * @param pid the process id
 * @param exeLink {@code /proc/PID/exe}: read the binary through this path
 * @param executablePath where the executable lives, as the kernel reports it
 * @param startTimeTicks the process start time (field 22 of /proc/PID/stat), to tell a pid
 *     reused by a new process from the original
 */
public record TargetProcess(int pid, Path exeLink, String executablePath, long startTimeTicks) {

  static final Path PROC = Path.of("/proc");

  /** Looks up a live process; a clear error when it does not exist or cannot be read. */
  public static TargetProcess of(int pid) {
    if (pid <= 0) {
      throw new GoroscopeException("pid " + pid + " is not a valid process id");
    }
    Path dir = PROC.resolve(Integer.toString(pid));
    if (!Files.isDirectory(dir)) {
      throw new GoroscopeException("no process with pid " + pid);
    }
    Path exe = dir.resolve("exe");
    String target;
    try {
      target = Files.readSymbolicLink(exe).toString();
    } catch (NoSuchFileException e) {
      throw new GoroscopeException("no process with pid " + pid);
    } catch (IOException | SecurityException e) {
      throw new GoroscopeException(
          "cannot read /proc/" + pid + "/exe (" + e.getMessage() + "): run goroscope as root or"
              + " with CAP_SYS_PTRACE, in the target's process namespace");
    }
    if (target.isEmpty()) {
      throw new GoroscopeException("pid " + pid + " is a kernel thread, not a Go program");
    }
    long start = startTime(pid);
    if (start < 0) {
      throw new GoroscopeException("no process with pid " + pid);
    }
    return new TargetProcess(pid, exe, stripDeleted(target), start);
  }

  /**
   * True while this very process (same pid and start time) is alive and not a zombie. One read
   * of {@code /proc/PID/stat}: the attach loop asks every 200 ms.
   */
  public boolean isAlive() {
    String stat = readStat(pid);
    return stat != null && isRunningStat(stat) && startTimeOf(stat) == startTimeTicks;
  }

  /** The executable's file name. */
  public String executableName() {
    return Path.of(executablePath).getFileName().toString();
  }

  /** Start time in clock ticks after boot, or -1 if the process is gone. */
  static long startTime(int pid) {
    String stat = readStat(pid);
    return stat == null ? -1 : startTimeOf(stat);
  }

  /** Field 22 (start time) of a {@code /proc/PID/stat} line, or -1 if it has none. */
  static long startTimeOf(String stat) {
    // Field 2 (comm) may contain spaces and parentheses: count fields after the last ')'.
    int i = stat.lastIndexOf(')') + 2; // field 3 (state)
    for (int field = 3; field < 22; field++) {
      i = stat.indexOf(' ', i) + 1;
      if (i == 0) {
        return -1;
      }
    }
    int end = i;
    while (end < stat.length() && Character.isDigit(stat.charAt(end))) {
      end++;
    }
    return end == i ? -1 : Long.parseLong(stat, i, end, 10);
  }

  /** Whether a {@code /proc/PID/stat} line is of a process that is neither a zombie nor dead. */
  static boolean isRunningStat(String stat) {
    int at = stat.lastIndexOf(')') + 2;
    if (at < 2 || at >= stat.length()) {
      return false;
    }
    char state = stat.charAt(at);
    return state != 'Z' && state != 'X';
  }

  private static String readStat(int pid) {
    try {
      return Files.readString(PROC.resolve(pid + "/stat"));
    } catch (IOException e) {
      return null;
    }
  }

  private static String stripDeleted(String path) {
    return path.endsWith(" (deleted)") ? path.substring(0, path.length() - 10) : path;
  }
}
