package dev.goroscope.bpf;

import dev.goroscope.bpf.internal.Errno;

/**
 * A kernel or libbpf call failed. The message is one lower-case line: "operation: cause (ERRNO)"
 * followed by the fix where one is known, e.g. {@code attach uprobe newproc1_ret at
 * /srv/app+0x4a1f0 (pid 42): operation not permitted (EPERM): run as root or grant CAP_BPF and
 * CAP_PERFMON}.
 */
public final class BpfException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String operation;
  private final int errno;
  private String details = "";

  /**
   * @param operation what was attempted, naming its object ("load bpf object goroscope.bpf.o")
   * @param errno the positive errno, or 0 when the failure has no errno
   * @param fix what the user can do, or null
   */
  public BpfException(String operation, int errno, String fix) {
    super(message(operation, errno, fix));
    this.operation = operation;
    this.errno = errno;
  }

  /** An errno failure with the fix derived from the errno where one is generic. */
  public static BpfException of(String operation, int errno) {
    return new BpfException(operation, errno, defaultFix(errno));
  }

  /**
   * Attaches what libbpf logged during the failed call (e.g. the verifier log); returns this.
   * Kept out of the one-line message: show it with --debug.
   */
  public BpfException withDetails(String libbpfLog) {
    this.details = libbpfLog == null ? "" : libbpfLog;
    return this;
  }

  /** libbpf's log of the failed call, possibly multi-line; empty if none. */
  public String details() {
    return details;
  }

  /** What was attempted. */
  public String operation() {
    return operation;
  }

  /** The positive errno, 0 if none. */
  public int errno() {
    return errno;
  }

  private static String message(String operation, int errno, String fix) {
    StringBuilder sb = new StringBuilder(operation);
    if (errno != 0) {
      sb.append(": ").append(Errno.text(errno)).append(" (").append(Errno.name(errno)).append(')');
    }
    if (fix != null && !fix.isEmpty()) {
      sb.append(": ").append(fix);
    }
    return sb.toString();
  }

  static String defaultFix(int errno) {
    switch (errno) {
      case Errno.EPERM:
      case Errno.EACCES:
        return "run as root or grant CAP_BPF and CAP_PERFMON";
      case Errno.ESRCH:
        return "the target process is gone";
      default:
        return null;
    }
  }
}
