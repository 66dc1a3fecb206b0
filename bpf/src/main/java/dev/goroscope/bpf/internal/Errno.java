package dev.goroscope.bpf.internal;

/** Names and texts of the errno values the bpf, perf_event and mmap calls return. */
public final class Errno {
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int ESRCH = 3;
  public static final int EINTR = 4;
  public static final int E2BIG = 7;
  public static final int EBADF = 9;
  public static final int EAGAIN = 11;
  public static final int ENOMEM = 12;
  public static final int EACCES = 13;
  public static final int EFAULT = 14;
  public static final int EBUSY = 16;
  public static final int EEXIST = 17;
  public static final int EINVAL = 22;
  public static final int ENOSPC = 28;
  public static final int ENOSYS = 38;
  public static final int EOPNOTSUPP = 95;
  public static final int ENOTSUPP = 524;

  private Errno() {}

  /** Symbolic name, e.g. {@code EPERM}; {@code errno N} for others. */
  public static String name(int errno) {
    switch (errno) {
      case EPERM: return "EPERM";
      case ENOENT: return "ENOENT";
      case ESRCH: return "ESRCH";
      case EINTR: return "EINTR";
      case E2BIG: return "E2BIG";
      case EBADF: return "EBADF";
      case EAGAIN: return "EAGAIN";
      case ENOMEM: return "ENOMEM";
      case EACCES: return "EACCES";
      case EFAULT: return "EFAULT";
      case EBUSY: return "EBUSY";
      case EEXIST: return "EEXIST";
      case EINVAL: return "EINVAL";
      case ENOSPC: return "ENOSPC";
      case ENOSYS: return "ENOSYS";
      case EOPNOTSUPP: return "EOPNOTSUPP";
      case ENOTSUPP: return "ENOTSUPP";
      default: return "errno " + errno;
    }
  }

  /** Lower-case description as strerror(3) words it. */
  public static String text(int errno) {
    switch (errno) {
      case EPERM: return "operation not permitted";
      case ENOENT: return "no such file or directory";
      case ESRCH: return "no such process";
      case EINTR: return "interrupted system call";
      case E2BIG: return "argument list too long";
      case EBADF: return "bad file descriptor";
      case EAGAIN: return "resource temporarily unavailable";
      case ENOMEM: return "cannot allocate memory";
      case EACCES: return "permission denied";
      case EFAULT: return "bad address";
      case EBUSY: return "device or resource busy";
      case EEXIST: return "file exists";
      case EINVAL: return "invalid argument";
      case ENOSPC: return "no space left on device";
      case ENOSYS: return "function not implemented";
      case EOPNOTSUPP: return "operation not supported";
      case ENOTSUPP: return "operation not supported by this kernel";
      default: return "error";
    }
  }
}
