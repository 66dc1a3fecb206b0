package dev.goroscope.process.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * {@code process_vm_readv(2)} through JNA direct mapping: one system call copies up to {@link
 * #IOV_MAX} scattered regions of another process into this one. The only class of goroscope's
 * collector that imports JNA for process memory.
 *
 * <p>Pairs of iovecs are laid out by {@link IovecArray}: local iovec {@code i} receives remote
 * iovec {@code i}, so a short count tells exactly which regions arrived whole.
 */
public final class ProcessVm {

  /** The kernel's limit on iovecs per call (UIO_MAXIOV). */
  public static final int IOV_MAX = 1024;

  public static final int EFAULT = 14;
  public static final int ESRCH = 3;
  public static final int EPERM = 1;
  public static final int ENOSYS = 38;
  public static final int ENOMEM = 12;
  public static final int EINVAL = 22;

  private static final boolean AVAILABLE;
  private static final Throwable UNAVAILABLE_CAUSE;

  static {
    boolean ok;
    Throwable cause = null;
    try {
      Native.register(ProcessVm.class, NativeLibrary.getInstance("c"));
      ok = true;
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      ok = false;
      cause = e;
    }
    AVAILABLE = ok;
    UNAVAILABLE_CAUSE = cause;
  }

  private ProcessVm() {}

  private static native long process_vm_readv(int pid, Pointer localIov, long liovcnt,
      Pointer remoteIov, long riovcnt, long flags) throws LastErrorException;

  /** True when libc's {@code process_vm_readv} could be bound. */
  public static boolean available() {
    return AVAILABLE;
  }

  /** Why {@link #available()} is false; null when it is true. */
  public static Throwable unavailabilityCause() {
    return UNAVAILABLE_CAUSE;
  }

  /**
   * Reads the first {@code count} pairs of {@code iovecs}: the number of bytes copied (regions
   * in order, a short count stops inside or at the end of a region), or {@code -errno}.
   */
  public static long readv(int pid, IovecArray iovecs, int count) {
    if (count <= 0) {
      return 0;
    }
    if (count > IOV_MAX || count > iovecs.capacity()) {
      throw new IllegalArgumentException("iovec count " + count);
    }
    try {
      return process_vm_readv(pid, iovecs.local, count, iovecs.remote, count, 0);
    } catch (LastErrorException e) {
      return -Math.max(1, e.getErrorCode());
    }
  }

  /** The native address of a direct buffer (to fill local iovecs). */
  public static long address(java.nio.ByteBuffer direct) {
    if (!direct.isDirect()) {
      throw new IllegalArgumentException("not a direct buffer");
    }
    return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
  }

  /** Two native {@code struct iovec[n]} arrays, local and remote, filled pairwise. */
  public static final class IovecArray {
    private static final int IOVEC_SIZE = 16;
    private final Memory local;
    private final Memory remote;
    private final int capacity;

    public IovecArray(int capacity) {
      this.capacity = capacity;
      this.local = new Memory((long) IOVEC_SIZE * capacity);
      this.remote = new Memory((long) IOVEC_SIZE * capacity);
    }

    public int capacity() {
      return capacity;
    }

    /** Pair {@code i}: {@code length} bytes from remote {@code remoteAddress} to local {@code localAddress}. */
    public void set(int i, long localAddress, long remoteAddress, long length) {
      long at = (long) i * IOVEC_SIZE;
      local.setLong(at, localAddress);
      local.setLong(at + 8, length);
      remote.setLong(at, remoteAddress);
      remote.setLong(at + 8, length);
    }
  }
}
