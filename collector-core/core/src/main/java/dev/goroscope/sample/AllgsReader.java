package dev.goroscope.sample;

import dev.goroscope.process.ProcessMemory;
import dev.goroscope.process.ReadBatch;

/**
 * The one reader of {@code runtime.allgs} (the {@code []*g} of every g ever allocated): reads
 * the slice header, then the pointer array, then the g structs in chunks, each chunk with a
 * batched read ({@link ReadBatch}: neighbouring g structs merge into large regions). Both the
 * attach-time snapshot and the sampler read goroutines through it.
 *
 * <p>The slice can grow (and move) while read: the header is read once and the pointers read
 * then are the goroutines of this read. Not thread-safe; buffers are reused.
 */
final class AllgsReader {

  /** Refuse absurd lengths read from a torn slice header. */
  static final long MAX_GOROUTINES = 10_000_000;

  private final ProcessMemory memory;
  private final long allgsAddress;
  private final GLayout layout;
  private final ReadBatch batch;
  private long[] pointers = new long[256];

  AllgsReader(ProcessMemory memory, long allgsAddress, GLayout layout, ReadBatch batch) {
    this.memory = memory;
    this.allgsAddress = allgsAddress;
    this.layout = layout;
    this.batch = batch;
  }

  GLayout layout() {
    return layout;
  }

  /**
   * Reads the slice header and the pointers; the number read (0 when the process is gone or
   * the header is unreadable or implausible). {@link #pointer(int)} gives them.
   */
  int readPointers() {
    batch.clear();
    int q = batch.add(allgsAddress, 16);
    memory.read(batch);
    if (!batch.ok(q)) {
      return 0;
    }
    long array = batch.u64(q, 0);
    long length = batch.u64(q, 8);
    if (array == 0 || length <= 0 || length > MAX_GOROUTINES) {
      return 0;
    }
    int n = (int) length;
    if (pointers.length < n) {
      pointers = new long[Math.max(n, pointers.length * 2)];
    }
    // in pieces: one request is at most ReadBatch.MAX_REQUEST bytes
    int per = ReadBatch.MAX_REQUEST / 8;
    for (int from = 0; from < n; from += per) {
      int count = Math.min(per, n - from);
      batch.clear();
      int r = batch.add(array + 8L * from, count * 8);
      memory.read(batch);
      if (!batch.ok(r)) {
        return 0;
      }
      int off = batch.offset(r);
      for (int i = 0; i < count; i++) {
        pointers[from + i] = batch.buffer().getLong(off + 8 * i);
      }
    }
    return n;
  }

  long pointer(int i) {
    return pointers[i];
  }

  /**
   * Reads the g structs at allgs indices {@code idx[from, to)} into {@code out} (entries 0…,
   * with {@link GHeaders#idx} set).
   */
  void readChunk(int[] idx, int from, int to, GHeaders out) {
    batch.clear();
    int n = to - from;
    out.size = n;
    for (int i = 0; i < n; i++) {
      out.idx[i] = idx[from + i];
      out.gp[i] = pointers[idx[from + i]];
    }
    int[] req = requests(n);
    for (int i = 0; i < n; i++) {
      long gp = out.gp[i];
      req[i] = gp == 0 ? -1 : batch.add(gp, layout.window);
      if (req[i] < 0 && gp != 0) {
        throw new IllegalStateException("chunk larger than the read batch");
      }
    }
    memory.read(batch);
    for (int i = 0; i < n; i++) {
      if (req[i] < 0) {
        out.ok[i] = false;
      } else {
        out.decode(i, batch, req[i], layout);
      }
    }
  }

  private int[] reqs = new int[256];

  private int[] requests(int n) {
    if (reqs.length < n) {
      reqs = new int[n];
    }
    return reqs;
  }
}
