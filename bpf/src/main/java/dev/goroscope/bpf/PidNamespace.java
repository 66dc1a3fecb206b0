package dev.goroscope.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The pid namespace this JVM sees pids in. A sidecar in a pod with a shared process namespace
 * knows the target by the pod's pid, not the host's, so the kernel side must compare pids in
 * this namespace ({@code bpf_get_ns_current_pid_tgid}, kernel 5.7+).
 *
 * @param device st_dev of {@code /proc/self/ns/pid}
 * @param inode st_ino of {@code /proc/self/ns/pid}
 */
public record PidNamespace(long device, long inode) {

  /** The inode of the initial (host) pid namespace, PROC_PID_INIT_INO. */
  static final long INITIAL_INODE = 0xEFFFFFFCL;

  /** This process's pid namespace. */
  public static PidNamespace current() {
    Path ns = Path.of("/proc/self/ns/pid");
    try {
      return new PidNamespace(
          ((Number) Files.getAttribute(ns, "unix:dev")).longValue(),
          ((Number) Files.getAttribute(ns, "unix:ino")).longValue());
    } catch (IOException | UnsupportedOperationException e) {
      throw new BpfException("read /proc/self/ns/pid", 0,
          "cannot tell which pid namespace goroscope runs in: " + e.getMessage());
    }
  }

  /** True for the host's namespace, where kernel and user-space pids are the same. */
  public boolean isInitial() {
    return inode == INITIAL_INODE;
  }
}
