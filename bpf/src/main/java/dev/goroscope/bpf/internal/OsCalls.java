package dev.goroscope.bpf.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.goroscope.bpf.BpfException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** mmap, epoll and eventfd for the ring buffer reader, as static calls on plain longs/ints. */
public final class OsCalls {
  public static final int PROT_READ = 1;
  public static final int PROT_WRITE = 2;
  public static final int MAP_SHARED = 1;
  private static final int O_RDONLY = 0;
  private static final int O_CLOEXEC = 0x80000;
  private static final int EPOLL_CLOEXEC = 0x80000;
  private static final int EFD_CLOEXEC = 0x80000;
  private static final int EFD_NONBLOCK = 0x800;
  private static final int EPOLL_CTL_ADD = 1;
  private static final int EPOLLIN = 1;
  /** struct epoll_event is packed on x86_64: u32 events, u64 data. */
  private static final int EPOLL_EVENT_SIZE = 12;

  private OsCalls() {}

  public static int pageSize() {
    return LibC.INSTANCE.getpagesize();
  }

  public static int euid() {
    return LibC.INSTANCE.geteuid();
  }

  /** Address of a new mapping of {@code fd}. */
  public static long mmap(long length, int prot, int fd, long offset, String what) {
    Pointer ptr = LibC.INSTANCE.mmap(null, length, prot, MAP_SHARED, fd, offset);
    long addr = Pointer.nativeValue(ptr);
    if (addr == -1L) {
      throw BpfException.of("mmap " + what, Native.getLastError());
    }
    return addr;
  }

  public static void munmap(long addr, long length) {
    LibC.INSTANCE.munmap(new Pointer(addr), length);
  }

  /** A direct little-endian ByteBuffer over native memory the caller keeps mapped. */
  public static ByteBuffer buffer(long addr, long length) {
    return new Pointer(addr).getByteBuffer(0, length).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** A new epoll instance watching {@code fds} for readability. */
  public static int epollFor(int... fds) {
    int ep = LibC.INSTANCE.epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) {
      throw BpfException.of("epoll_create1", Native.getLastError());
    }
    Memory ev = new Memory(EPOLL_EVENT_SIZE);
    for (int fd : fds) {
      ev.clear();
      ev.setInt(0, EPOLLIN);
      ev.setLong(4, fd);
      if (LibC.INSTANCE.epoll_ctl(ep, EPOLL_CTL_ADD, fd, ev) < 0) {
        int errno = Native.getLastError();
        LibC.INSTANCE.close(ep);
        throw BpfException.of("epoll_ctl add fd " + fd, errno);
      }
    }
    return ep;
  }

  /** An epoll_wait result buffer for up to {@code n} events. */
  public static final class EpollEvents {
    final Memory memory;
    final int capacity;

    public EpollEvents(int n) {
      this.memory = new Memory((long) EPOLL_EVENT_SIZE * n);
      this.capacity = n;
    }
  }

  /** Ready count, 0 on timeout or EINTR. */
  public static int epollWait(int epfd, EpollEvents events, int timeoutMs) {
    try {
      return LibCDirect.epoll_wait(epfd, Pointer.nativeValue(events.memory), events.capacity,
          timeoutMs);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == Errno.EINTR) {
        return 0;
      }
      throw BpfException.of("epoll_wait", e.getErrorCode());
    }
  }

  public static int eventfd() {
    int fd = LibC.INSTANCE.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd < 0) {
      throw BpfException.of("eventfd", Native.getLastError());
    }
    return fd;
  }

  /** Adds 1 to an eventfd, making it readable. */
  public static void signal(int eventfd) {
    Memory one = new Memory(8);
    one.setLong(0, 1);
    LibC.INSTANCE.write(eventfd, one, 8);
  }

  /**
   * Opens {@code path} read-only with O_CLOEXEC; the descriptor, or a {@link BpfException}
   * naming the operation.
   */
  public static int openReadOnly(String path, String what) {
    int fd = LibC.INSTANCE.open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      throw BpfException.of("open " + what, Native.getLastError());
    }
    return fd;
  }

  public static void close(int fd) {
    LibC.INSTANCE.close(fd);
  }
}
