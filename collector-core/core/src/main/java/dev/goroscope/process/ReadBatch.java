package dev.goroscope.process;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Many reads of one process's memory, done together by {@link ProcessMemory#read(ReadBatch)}
 * with as few system calls as the regions allow: requests are sorted by address, requests
 * closer than {@link #mergeGap()} bytes are merged into one region (reading the gap is cheaper
 * than another iovec or pread), and regions go to {@code process_vm_readv} up to 1024 at a time.
 *
 * <p>Reusable: {@link #clear()} keeps the arrays and the native buffer, so a periodic reader
 * allocates nothing in the steady state. The bytes of request {@code i} are read with {@link
 * #u64}, {@link #u32}…, which check the bounds of the request. Not thread-safe.
 */
public final class ReadBatch {

  /** Requests this close (bytes) share one region by default. */
  public static final int DEFAULT_MERGE_GAP = 256;
  /** The largest single request. */
  public static final int MAX_REQUEST = 16 << 20;
  /** A merged region never grows past this. */
  static final int MAX_REGION = 1 << 20;

  private final long maxBytes;
  private final int mergeGap;

  private int count;
  private long requested;
  private long[] addr = new long[64];
  private int[] len = new int[64];
  private int[] bufOff = new int[64];
  private int[] order = new int[64];

  // Regions, built by prepare(): remote address, length, offset in the buffer.
  int regionCount;
  long[] regionAddr = new long[64];
  int[] regionLen = new int[64];
  int[] regionBuf = new int[64];
  /** First index into {@link #order} of each region's requests, and one past the last. */
  int[] regionFrom = new int[64];
  int[] regionTo = new int[64];

  private ByteBuffer buffer = ByteBuffer.allocateDirect(0).order(ByteOrder.LITTLE_ENDIAN);

  /**
   * A batch that accepts requests until {@code maxBytes} are requested in total (then {@link
   * #add} answers -1: read and process what you have, {@link #clear()}, go on).
   */
  public ReadBatch(long maxBytes) {
    this(maxBytes, DEFAULT_MERGE_GAP);
  }

  public ReadBatch(long maxBytes, int mergeGap) {
    if (maxBytes <= 0 || maxBytes > Integer.MAX_VALUE / 2) {
      throw new IllegalArgumentException("maxBytes " + maxBytes);
    }
    if (mergeGap < 0) {
      throw new IllegalArgumentException("mergeGap " + mergeGap);
    }
    this.maxBytes = maxBytes;
    this.mergeGap = mergeGap;
  }

  public long maxBytes() {
    return maxBytes;
  }

  public int mergeGap() {
    return mergeGap;
  }

  /** Forgets all requests; keeps the storage. */
  public void clear() {
    count = 0;
    requested = 0;
    regionCount = 0;
  }

  /** Number of requests. */
  public int size() {
    return count;
  }

  /** Bytes requested so far. */
  public long requestedBytes() {
    return requested;
  }

  /**
   * Adds a request for {@code length} bytes at {@code address}; its index, or -1 when the batch
   * is full (the first request is always accepted).
   */
  public int add(long address, int length) {
    if (length <= 0 || length > MAX_REQUEST) {
      throw new IllegalArgumentException("read of " + length + " bytes");
    }
    if (count > 0 && requested + length > maxBytes) {
      return -1;
    }
    if (count == addr.length) {
      int n = count * 2;
      addr = Arrays.copyOf(addr, n);
      len = Arrays.copyOf(len, n);
      bufOff = Arrays.copyOf(bufOff, n);
      order = Arrays.copyOf(order, n);
    }
    addr[count] = address;
    len[count] = length;
    bufOff[count] = -1;
    requested += length;
    return count++;
  }

  /** True when request {@code i} was read completely. */
  public boolean ok(int i) {
    check(i);
    return bufOff[i] >= 0;
  }

  public long address(int i) {
    check(i);
    return addr[i];
  }

  public int length(int i) {
    check(i);
    return len[i];
  }

  /** The little-endian buffer holding the bytes read; request {@code i} starts at {@link #offset}. */
  public ByteBuffer buffer() {
    return buffer;
  }

  /** Where request {@code i}'s bytes start in {@link #buffer()}; -1 when it was not read. */
  public int offset(int i) {
    check(i);
    return bufOff[i];
  }

  public long u64(int i, int at) {
    return buffer.getLong(at(i, at, 8));
  }

  public int u32(int i, int at) {
    return buffer.getInt(at(i, at, 4));
  }

  public int u16(int i, int at) {
    return Short.toUnsignedInt(buffer.getShort(at(i, at, 2)));
  }

  public int u8(int i, int at) {
    return Byte.toUnsignedInt(buffer.get(at(i, at, 1)));
  }

  private int at(int i, int at, int size) {
    check(i);
    if (bufOff[i] < 0) {
      throw new IllegalStateException("request " + i + " was not read");
    }
    if (at < 0 || at > len[i] - size) {
      throw new IndexOutOfBoundsException("offset " + at + " of a " + len[i] + "-byte read");
    }
    return bufOff[i] + at;
  }

  private void check(int i) {
    if (i < 0 || i >= count) {
      throw new IndexOutOfBoundsException("request " + i + " of " + count);
    }
  }

  /** Sorts, merges into regions, sizes the buffer and assigns each request its place. */
  void prepare() {
    for (int i = 0; i < count; i++) {
      order[i] = i;
      bufOff[i] = -1;
    }
    if (!sorted()) {
      sort(0, count - 1);
    }
    regionCount = 0;
    long total = 0;
    int i = 0;
    while (i < count) {
      int first = i;
      long start = addr[order[i]];
      long end = start + len[order[i]];
      i++;
      while (i < count) {
        long a = addr[order[i]];
        long e = Math.max(end, a + len[order[i]]);
        if (a > end + mergeGap || e - start > MAX_REGION) {
          break;
        }
        end = e;
        i++;
      }
      addRegion(start, (int) (end - start), (int) total, first, i);
      total += end - start;
    }
    if (buffer.capacity() < total) {
      int cap = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(total, buffer.capacity() * 2L));
      buffer = ByteBuffer.allocateDirect(cap).order(ByteOrder.LITTLE_ENDIAN);
    }
  }

  private void addRegion(long start, int length, int buf, int from, int to) {
    if (regionCount == regionAddr.length) {
      int n = regionCount * 2;
      regionAddr = Arrays.copyOf(regionAddr, n);
      regionLen = Arrays.copyOf(regionLen, n);
      regionBuf = Arrays.copyOf(regionBuf, n);
      regionFrom = Arrays.copyOf(regionFrom, n);
      regionTo = Arrays.copyOf(regionTo, n);
    }
    regionAddr[regionCount] = start;
    regionLen[regionCount] = length;
    regionBuf[regionCount] = buf;
    regionFrom[regionCount] = from;
    regionTo[regionCount] = to;
    regionCount++;
  }

  /** Marks the requests of region {@code r} as read (they lie inside it). */
  void regionRead(int r) {
    for (int k = regionFrom[r]; k < regionTo[r]; k++) {
      int q = order[k];
      bufOff[q] = regionBuf[r] + (int) (addr[q] - regionAddr[r]);
    }
  }

  /** Requests of region {@code r}, for reading them one by one after the region failed. */
  int regionRequest(int k) {
    return order[k];
  }

  /** Marks request {@code q} as read on its own, at its place in region {@code r}. */
  void requestRead(int r, int q) {
    bufOff[q] = regionBuf[r] + (int) (addr[q] - regionAddr[r]);
  }

  private boolean sorted() {
    for (int i = 1; i < count; i++) {
      if (addr[order[i - 1]] > addr[order[i]]) {
        return false;
      }
    }
    return true;
  }

  // Quicksort of order[lo..hi] by address (median of three, insertion sort for short ranges).
  private void sort(int lo, int hi) {
    while (hi - lo > 16) {
      int mid = (lo + hi) >>> 1;
      if (key(mid) < key(lo)) {
        swap(mid, lo);
      }
      if (key(hi) < key(lo)) {
        swap(hi, lo);
      }
      if (key(hi) < key(mid)) {
        swap(hi, mid);
      }
      long pivot = key(mid);
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (key(i) < pivot) {
          i++;
        }
        while (key(j) > pivot) {
          j--;
        }
        if (i <= j) {
          swap(i++, j--);
        }
      }
      if (j - lo < hi - i) {
        sort(lo, j);
        lo = i;
      } else {
        sort(i, hi);
        hi = j;
      }
    }
    for (int i = lo + 1; i <= hi; i++) {
      int v = order[i];
      long k = addr[v];
      int j = i - 1;
      while (j >= lo && addr[order[j]] > k) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = v;
    }
  }

  private long key(int i) {
    return addr[order[i]];
  }

  private void swap(int i, int j) {
    int t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}
