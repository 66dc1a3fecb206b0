package dev.goroscope.bpf.ringbuf;

import dev.goroscope.bpf.BpfException;
import dev.goroscope.bpf.BpfMap;
import dev.goroscope.bpf.internal.OsCalls;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reads a {@code BPF_MAP_TYPE_RINGBUF} map from Java through its shared memory, without a
 * native call per record.
 *
 * <p>The consumer page (consumer position, read-write) and the producer page plus data pages
 * (read-only, data mapped twice back to back so a wrapping record is contiguous) are mapped
 * once. {@link #poll} walks the records between the consumer and producer positions with
 * acquire loads, hands each to the handler in place and publishes the new consumer position
 * with a release store every few KiB and when it returns (layout as libbpf's {@code ringbuf.c};
 * libbpf publishes after every record). When the ring is empty it
 * blocks in epoll on the map fd; producers that submit with {@code BPF_RB_NO_WAKEUP} do not
 * wake it, so pass a timeout that bounds the delivery latency.
 *
 * <p>One consumer thread calls {@code poll}; {@link #close()} may be called from any thread,
 * wakes a blocked poll, waits for it to leave the ring, then unmaps; it is idempotent. After
 * close, {@code poll} throws {@link IllegalStateException}. The map's object must outlive the
 * reader.
 */
public final class RingBufferReader implements AutoCloseable {
  /**
   * The largest ring this reader maps: the data pages are mapped twice in a row and read through
   * one int-indexed buffer, so twice the size must stay below 2 GiB.
   */
  public static final long MAX_SIZE = 1L << 29;

  private static final VarHandle LONG =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
  private static final VarHandle INT =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
  private static final int BUSY_BIT = 1 << 31;
  private static final int DISCARD_BIT = 1 << 30;
  private static final int HEADER_SIZE = 8;

  private final String name;
  private final int pageSize;
  private final long mask;
  private final long consumerAddr;
  private final long producerAddr;
  private final long producerLength;
  private final ByteBuffer consumer;
  private final ByteBuffer producer;
  private final ByteBuffer data;
  private final ByteBuffer view;
  private final int epollFd;
  private final int wakeFd;
  private final OsCalls.EpollEvents readyEvents = new OsCalls.EpollEvents(2);
  private final ReentrantLock busy = new ReentrantLock();
  /** Records handed to the handler by the current {@link #drain}. */
  private int delivered;
  /** How far the consumer position shown to the kernel may lag within a drain. */
  private final long publishBytes;
  /** The current drain's consumer position, and the last one the kernel was shown. */
  private long consumed;
  private long published;
  private volatile boolean closed;

  private RingBufferReader(BpfMap map) {
    if (map.type() != BpfMap.TYPE_RINGBUF) {
      throw new IllegalArgumentException("map " + map.name() + " is not a BPF ring buffer");
    }
    this.name = map.name();
    int fd = map.fd();
    long size = Integer.toUnsignedLong(map.maxEntries());
    if (Long.bitCount(size) != 1 || size > MAX_SIZE) {
      throw new IllegalArgumentException(
          "ring buffer " + name + ": size " + size + " is not a power of two up to 512 MiB");
    }
    this.pageSize = OsCalls.pageSize();
    this.mask = size - 1;
    this.publishBytes = Math.min(4096, size / 4); // a small ring gets its space back sooner
    this.producerLength = pageSize + 2 * size;
    long cons = 0;
    long prod = 0;
    int ep = -1;
    int ev = -1;
    try {
      cons = OsCalls.mmap(pageSize, OsCalls.PROT_READ | OsCalls.PROT_WRITE, fd, 0,
          "ring buffer " + name + " consumer page");
      prod = OsCalls.mmap(producerLength, OsCalls.PROT_READ, fd, pageSize,
          "ring buffer " + name + " data");
      ev = OsCalls.eventfd();
      ep = OsCalls.epollFor(fd, ev);
    } catch (RuntimeException e) {
      if (ep >= 0) {
        OsCalls.close(ep);
      }
      if (ev >= 0) {
        OsCalls.close(ev);
      }
      if (prod != 0) {
        OsCalls.munmap(prod, producerLength);
      }
      if (cons != 0) {
        OsCalls.munmap(cons, pageSize);
      }
      throw e;
    }
    this.consumerAddr = cons;
    this.producerAddr = prod;
    this.epollFd = ep;
    this.wakeFd = ev;
    this.consumer = OsCalls.buffer(cons, pageSize).order(ByteOrder.nativeOrder());
    this.producer = OsCalls.buffer(prod, pageSize).order(ByteOrder.nativeOrder());
    this.data = OsCalls.buffer(prod + pageSize, 2 * size).order(ByteOrder.nativeOrder());
    this.view = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Maps a loaded ring buffer map for reading. */
  public static RingBufferReader open(BpfMap map) {
    return new RingBufferReader(map);
  }

  /** The ring's data size in bytes. */
  public long size() {
    return mask + 1;
  }

  /** Bytes submitted but not yet consumed. */
  public long pending() {
    long prod = (long) LONG.getAcquire(producer, 0);
    long cons = (long) LONG.getAcquire(consumer, 0);
    return prod - cons;
  }

  /**
   * Hands every record available now to {@code handler}; if there are none, waits up to
   * {@code timeout} (zero: do not wait, negative: forever) for a wakeup and tries again.
   *
   * @return the number of records delivered; 0 on timeout or when woken by {@link #close()}
   * @throws IllegalStateException when closed before the call
   */
  public int poll(RecordHandler handler, Duration timeout) {
    busy.lock();
    try {
      if (closed) {
        throw new IllegalStateException("ring buffer " + name + " reader is closed");
      }
      int n = drain(handler);
      if (n > 0 || timeout.isZero()) {
        return n;
      }
      long ms = timeout.isNegative() ? -1
          : Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
      OsCalls.epollWait(epollFd, readyEvents, (int) ms);
      if (closed) {
        return 0;
      }
      return drain(handler);
    } finally {
      busy.unlock();
    }
  }

  private int drain(RecordHandler handler) {
    delivered = 0;
    long cons = (long) LONG.getAcquire(consumer, 0);
    consumed = cons;
    published = cons;
    try {
      while (true) {
        long prod = (long) LONG.getAcquire(producer, 0);
        if (cons >= prod) {
          return delivered;
        }
        boolean progressed = false;
        while (cons < prod) {
          long next = consume(handler, cons);
          if (next == cons) {
            break; // reserved, not yet submitted: records after it wait too
          }
          cons = next;
          progressed = true;
        }
        if (!progressed) {
          return delivered;
        }
      }
    } finally {
      if (consumed != published) {
        LONG.setRelease(consumer, 0, consumed);
      }
    }
  }

  /**
   * Hands the record at {@code cons} to the handler (unless discarded) and releases its space;
   * returns the position after it, or {@code cons} while it is still being written. A method
   * of its own so that the JIT compiles it after a few hundred records: the loop above is
   * compiled only after tens of thousands of iterations (on-stack replacement), and until then
   * the interpreter ran these VarHandle accesses per record, a few µs each, through the first
   * seconds of every attach.
   */
  private long consume(RecordHandler handler, long cons) {
    int at = (int) (cons & mask);
    int len = (int) INT.getAcquire(data, at);
    if ((len & BUSY_BIT) != 0) {
      return cons;
    }
    int size = len & ~(BUSY_BIT | DISCARD_BIT);
    long next = cons + ((size + HEADER_SIZE + 7) & ~7L);
    try {
      if ((len & DISCARD_BIT) == 0) {
        view.clear().position(at + HEADER_SIZE).limit(at + HEADER_SIZE + size);
        handler.onRecord(view);
        delivered++;
      }
    } finally {
      // Only now may the kernel reuse the record's space; it is told every publishBytes and
      // at the end of the drain, not per record (a release store through a VarHandle, 5 % of
      // the thread in C1's code).
      consumed = next;
      if (next - published >= publishBytes) {
        LONG.setRelease(consumer, 0, next);
        published = next;
      }
    }
    return next;
  }

  /** Wakes a blocked {@link #poll}, waits for it to return, unmaps the ring; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    OsCalls.signal(wakeFd);
    busy.lock();
    try {
      if (epollFd < 0) {
        return;
      }
      OsCalls.close(epollFd);
      OsCalls.close(wakeFd);
      OsCalls.munmap(producerAddr, producerLength);
      OsCalls.munmap(consumerAddr, pageSize);
    } catch (BpfException e) {
      // nothing sensible to do on close
    } finally {
      busy.unlock();
    }
  }
}
