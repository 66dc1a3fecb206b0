package dev.goroscope.sample;

import dev.goroscope.process.ProcessMemory;
import dev.goroscope.process.ReadBatch;
import java.util.Arrays;
import java.util.Map;

/**
 * The header fields (goid, parent, state, wait reason, creation and start PCs) of every live
 * goroutine, without stacks: what attach's snapshot needs, read like the {@link
 * GoroutineSampler} reads it (batched; a g that changed while read is read again, then left
 * out), through the same {@code runtime.allgs} reader.
 */
public final class AllgsScan {

  /** Receives each live goroutine read consistently. */
  @FunctionalInterface
  public interface Visitor {
    /**
     * @param status {@code g.atomicstatus} without the GC-scan bit
     * @param parentGoid 0 when the version has no such field
     */
    void goroutine(long goid, long parentGoid, int status, int waitReason, long gopc,
        long startPc);
  }

  private static final int CHUNK = 4096;
  private static final int RETRIES = 2;

  private AllgsScan() {}

  /**
   * Reads the goroutines of {@code runtime.allgs} at run-time address {@code allgsAddress};
   * returns how many were visited (0 when the process is gone).
   *
   * @param offsets struct offsets keyed like {@code runtime.g.goid}; goid, atomicstatus, gopc
   *     and startpc are required, parentGoid and waitreason optional
   */
  public static int scan(ProcessMemory memory, long allgsAddress, Map<String, Long> offsets,
      Visitor visitor) {
    return scan(memory, allgsAddress, offsets, false, visitor);
  }

  /**
   * As {@link #scan(ProcessMemory, long, Map, Visitor)}; with {@code includeDead}, also the
   * ended goroutines whose g was not reused yet (status {@code _Gdead}): a g keeps its goid,
   * start and creation PCs until the runtime hands it to a new goroutine.
   */
  public static int scan(ProcessMemory memory, long allgsAddress, Map<String, Long> offsets,
      boolean includeDead, Visitor visitor) {
    GLayout layout = GLayout.headers(offsets);
    ReadBatch batch = new ReadBatch(CHUNK * (long) Math.max(layout.window, 64) + 4096);
    AllgsReader reader = new AllgsReader(memory, allgsAddress, layout, batch);
    int n = reader.readPointers();
    int[] todo = new int[n];
    for (int i = 0; i < n; i++) {
      todo[i] = i;
    }
    int todoCount = n;
    GHeaders h = new GHeaders(CHUNK);
    int visited = 0;
    for (int attempt = 0; attempt <= RETRIES && todoCount > 0; attempt++) {
      int[] retry = new int[16];
      int retries = 0;
      for (int from = 0; from < todoCount; from += CHUNK) {
        int to = Math.min(todoCount, from + CHUNK);
        reader.readChunk(todo, from, to, h);
        boolean[] torn = recheck(memory, batch, layout, h, includeDead);
        for (int i = 0; i < h.size; i++) {
          if (!h.ok[i] || !wanted(h, i, includeDead)) {
            continue;
          }
          if (torn[i]) {
            if (retries == retry.length) {
              retry = Arrays.copyOf(retry, retries * 2);
            }
            retry[retries++] = h.idx[i];
            continue;
          }
          visitor.goroutine(h.goid[i], h.parentGoid[i], h.state(i), h.waitReason[i], h.gopc[i],
              h.startpc[i]);
          visited++;
        }
      }
      todo = retry;
      todoCount = retries;
    }
    return visited;
  }

  private static boolean wanted(GHeaders h, int i, boolean includeDead) {
    GoroutineStatus st = GoroutineStatus.of(h.status[i]);
    return h.goid[i] > 0 && h.startpc[i] != 0 && st != GoroutineStatus.IDLE
        && (includeDead || st != GoroutineStatus.DEAD) && st != GoroutineStatus.DEAD_EXTRA;
  }

  /** Which g's state or goid changed since they were read (or read impossibly). */
  private static boolean[] recheck(ProcessMemory memory, ReadBatch batch, GLayout l,
      GHeaders h, boolean includeDead) {
    boolean[] torn = new boolean[h.size];
    int from = l.checkFrom;
    int len = l.checkTo - l.checkFrom;
    int[] idx = new int[h.size];
    int n = 0;
    for (int i = 0; i < h.size; i++) {
      if (h.ok[i] && wanted(h, i, includeDead)) {
        if (GoroutineStatus.of(h.status[i]) == GoroutineStatus.UNKNOWN) {
          torn[i] = true;
        } else {
          idx[n++] = i;
        }
      }
    }
    Batches.readAll(memory, batch, n, new Batches.Requests() {
      @Override
      public long address(int k) {
        return h.gp[idx[k]] + from;
      }

      @Override
      public int length(int k) {
        return len;
      }

      @Override
      public void read(int k, ReadBatch b, int q) {
        int i = idx[k];
        torn[i] = !b.ok(q)
            || (b.u32(q, l.status - from) & ~GHeaders.SCAN_BIT) != h.state(i)
            || b.u64(q, l.goid - from) != h.goid[i];
      }
    });
    return torn;
  }
}
