package dev.goroscope.process;

import dev.goroscope.GoroscopeException;
import dev.goroscope.process.internal.ProcessVm;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a live process's memory: bulk state (the goroutine list, stacks, channels) is read here
 * instead of trapping on every change. {@link #read(ReadBatch)} copies many regions per system
 * call with {@code process_vm_readv(2)}, and falls back to large positional reads of {@code
 * /proc/PID/mem} where that call is refused (seccomp, old kernels). Reads race with the running
 * program, so callers treat what they read as a snapshot that may be torn and check it.
 *
 * <p>Never harms the target: both ways only read, with the same permission check as ptrace
 * (root or CAP_SYS_PTRACE, or the same user where ptrace_scope allows). Not thread-safe.
 */
public final class ProcessMemory implements AutoCloseable {

  /** How {@link #read(ReadBatch)} reads. */
  public enum Method {
    /** {@code process_vm_readv}, up to 1024 regions per call. */
    PROCESS_VM_READV,
    /** One {@code pread} of {@code /proc/PID/mem} per region. */
    PROC_MEM
  }

  private final int pid;
  private final FileChannel channel;
  private final ByteBuffer word = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
  private Method method;
  private Pairs pairs;
  private Pairs retryPairs;
  private long systemCalls;
  private long bytesRead;
  private boolean gone;

  private ProcessMemory(int pid, FileChannel channel, Method method) {
    this.pid = pid;
    this.channel = channel;
    this.method = method;
  }

  public static ProcessMemory open(int pid) {
    return open(pid, ProcessVm.available() ? Method.PROCESS_VM_READV : Method.PROC_MEM);
  }

  /** Opens with a chosen {@link Method} (tests compare both). */
  public static ProcessMemory open(int pid, Method method) {
    try {
      return new ProcessMemory(pid,
          FileChannel.open(Path.of("/proc/" + pid + "/mem"), StandardOpenOption.READ),
          method == Method.PROCESS_VM_READV && !ProcessVm.available() ? Method.PROC_MEM
              : method);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new GoroscopeException("no process with pid " + pid);
    } catch (IOException | SecurityException e) {
      throw new GoroscopeException(
          "cannot open /proc/" + pid + "/mem (" + e.getMessage() + "): run goroscope as root or"
              + " with CAP_SYS_PTRACE");
    }
  }

  /** Reads {@code dst.remaining()} bytes at {@code address}; false if unmapped or gone. */
  public boolean read(long address, ByteBuffer dst) {
    try {
      long pos = address;
      while (dst.hasRemaining()) {
        systemCalls++;
        int n = channel.read(dst, pos);
        if (n <= 0) {
          return false;
        }
        pos += n;
        bytesRead += n;
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Reads one little-endian 64-bit word; {@code fallback} if it cannot be read. */
  public long readLong(long address, long fallback) {
    word.clear();
    return read(address, word) ? word.getLong(0) : fallback;
  }

  /**
   * Reads every request of {@code batch}; afterwards {@link ReadBatch#ok(int)} tells which
   * arrived whole. A region that fails as a whole (part of it unmapped) is retried request by
   * request, so one bad pointer costs only its own read. Never throws for unreadable memory.
   */
  public void read(ReadBatch batch) {
    batch.prepare();
    if (gone || batch.regionCount == 0) {
      return;
    }
    if (method == Method.PROCESS_VM_READV) {
      readVm(batch);
    } else {
      readProcMem(batch);
    }
  }

  private void readVm(ReadBatch b) {
    if (pairs == null) {
      pairs = new Pairs();
      retryPairs = new Pairs();
    }
    long base = ProcessVm.address(b.buffer());
    int n = 0;
    for (int r = 0; r < b.regionCount && usingVm(); r++) {
      pairs.setRegion(n, b, r, base);
      if (++n == ProcessVm.IOV_MAX) {
        flushVm(b, pairs, n, base);
        n = 0;
      }
    }
    if (n > 0 && usingVm()) {
      flushVm(b, pairs, n, base);
    }
    if (method == Method.PROC_MEM && !gone) {
      readProcMem(b); // process_vm_readv was refused: the whole batch goes the other way
    }
  }

  private boolean usingVm() {
    return !gone && method == Method.PROCESS_VM_READV;
  }

  /**
   * Issues pairs [0, n) of {@code p}, calling again until every pair is copied or known bad.
   * The kernel copies regions in order and stops at the first fault: a short count means the
   * pair it stopped in is unreadable, the ones before it arrived whole and the ones after it
   * are tried again.
   */
  private void flushVm(ReadBatch b, Pairs p, int n, long base) {
    int count = n;
    while (count > 0) {
      systemCalls++;
      long got = ProcessVm.readv(pid, p.iovecs, count);
      int next;
      if (got < 0) {
        int errno = (int) -got;
        if (errno == ProcessVm.ESRCH) {
          gone = true;
          return;
        }
        if (errno != ProcessVm.EFAULT) {
          if (bytesRead == 0 && (errno == ProcessVm.EPERM || errno == ProcessVm.ENOSYS)) {
            method = Method.PROC_MEM; // refused here (seccomp, kernel): use /proc/PID/mem
          }
          return;
        }
        failed(b, p, 0, base); // the first region of the call is unreadable
        next = 1;
      } else {
        bytesRead += got;
        int done = 0;
        long left = got;
        while (done < count && left >= p.length(b, done)) {
          left -= p.length(b, done);
          p.succeeded(b, done);
          done++;
        }
        if (done == count) {
          return;
        }
        failed(b, p, done, base);
        next = done + 1;
      }
      if (next >= count) {
        return;
      }
      p.shift(next, count - next, b, base);
      count -= next;
    }
  }

  /** A pair could not be read: the requests of a merged region are retried one by one. */
  private void failed(ReadBatch b, Pairs p, int i, long base) {
    int r = p.region[i];
    if (p.request[i] >= 0 || b.regionTo[r] - b.regionFrom[r] == 1 || p == retryPairs) {
      return; // a single request: it is unreadable
    }
    int n = 0;
    for (int k = b.regionFrom[r]; k < b.regionTo[r]; k++) {
      retryPairs.setRequest(n, b, r, b.regionRequest(k), base);
      if (++n == ProcessVm.IOV_MAX) {
        flushVm(b, retryPairs, n, base);
        n = 0;
      }
    }
    if (n > 0) {
      flushVm(b, retryPairs, n, base);
    }
  }

  /** Native iovec pairs with, for each, the region (and single request, or -1) it reads. */
  private static final class Pairs {
    final ProcessVm.IovecArray iovecs = new ProcessVm.IovecArray(ProcessVm.IOV_MAX);
    final int[] region = new int[ProcessVm.IOV_MAX];
    final int[] request = new int[ProcessVm.IOV_MAX];

    void setRegion(int i, ReadBatch b, int r, long base) {
      iovecs.set(i, base + b.regionBuf[r], b.regionAddr[r], b.regionLen[r]);
      region[i] = r;
      request[i] = -1;
    }

    void setRequest(int i, ReadBatch b, int r, int q, long base) {
      iovecs.set(i, base + b.regionBuf[r] + (b.address(q) - b.regionAddr[r]), b.address(q),
          b.length(q));
      region[i] = r;
      request[i] = q;
    }

    long length(ReadBatch b, int i) {
      return request[i] >= 0 ? b.length(request[i]) : b.regionLen[region[i]];
    }

    void succeeded(ReadBatch b, int i) {
      if (request[i] >= 0) {
        b.requestRead(region[i], request[i]);
      } else {
        b.regionRead(region[i]);
      }
    }

    /** Moves pairs [from, from + count) to [0, count). */
    void shift(int from, int count, ReadBatch b, long base) {
      for (int k = 0; k < count; k++) {
        int r = region[from + k];
        int q = request[from + k];
        if (q >= 0) {
          setRequest(k, b, r, q, base);
        } else {
          setRegion(k, b, r, base);
        }
      }
    }
  }

  private void readProcMem(ReadBatch b) {
    ByteBuffer buf = b.buffer().duplicate();
    for (int r = 0; r < b.regionCount && !gone; r++) {
      if (preadInto(buf, b.regionBuf[r], b.regionLen[r], b.regionAddr[r])) {
        b.regionRead(r);
      } else if (b.regionTo[r] - b.regionFrom[r] > 1) {
        for (int k = b.regionFrom[r]; k < b.regionTo[r]; k++) {
          int q = b.regionRequest(k);
          int at = b.regionBuf[r] + (int) (b.address(q) - b.regionAddr[r]);
          if (preadInto(buf, at, b.length(q), b.address(q))) {
            b.requestRead(r, q);
          }
        }
      }
    }
  }

  private boolean preadInto(ByteBuffer buf, int at, int length, long address) {
    buf.limit(at + length).position(at);
    try {
      long pos = address;
      while (buf.hasRemaining()) {
        systemCalls++;
        int got = channel.read(buf, pos);
        if (got <= 0) {
          return false;
        }
        pos += got;
        bytesRead += got;
      }
      return true;
    } catch (IOException e) {
      return false;
    } finally {
      buf.limit(buf.capacity());
    }
  }

  public int pid() {
    return pid;
  }

  /** How batches are read now ({@link Method#PROC_MEM} after process_vm_readv was refused). */
  public Method method() {
    return method;
  }

  /** System calls made so far (process_vm_readv calls and preads). */
  public long systemCalls() {
    return systemCalls;
  }

  /** Bytes copied so far. */
  public long bytesRead() {
    return bytesRead;
  }

  /** True once a read found the process gone (ESRCH). */
  public boolean processGone() {
    return gone;
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing useful to do: the descriptor is gone either way.
    }
  }
}
