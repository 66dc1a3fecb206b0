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

  /** True while this very process (same pid and start time) is alive and not a zombie. */
  public boolean isAlive() {
    return startTime(pid) == startTimeTicks && !isZombie(pid);
  }

  /** The executable's file name. */
  public String executableName() {
    return Path.of(executablePath).getFileName().toString();
  }

  /** Start time in clock ticks after boot, or -1 if the process is gone. */
  static long startTime(int pid) {
    String stat = readStat(pid);
    if (stat == null) {
      return -1;
    }
    // Field 2 (comm) may contain spaces and parentheses: parse after the last ')'.
    String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // rest[0] is field 3 (state); field 22 is rest[19].
    return rest.length > 19 ? Long.parseLong(rest[19]) : -1;
  }

  static boolean isZombie(int pid) {
    String stat = readStat(pid);
    if (stat == null) {
      return true;
    }
    char state = stat.charAt(stat.lastIndexOf(')') + 2);
    return state == 'Z' || state == 'X';
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
