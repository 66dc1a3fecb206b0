package dev.goroscope.sample;

import dev.goroscope.process.ProcessMemory;
import dev.goroscope.process.ReadBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The semaphores goroutines wait for in {@code semacquire} ({@code sync.Mutex}, {@code
 * RWMutex}, {@code WaitGroup}): such a goroutine's sudog is not on {@code g.waiting} but in
 * {@code runtime.semtable}, 251 {@code semaRoot}s each holding a treap of sudogs keyed by
 * semaphore address ({@code elem}; left and right children in {@code prev}/{@code next}), the
 * waiters of one address chained from the treap node by {@code waitlink} ({@code
 * runtime/sema.go}). Walking it maps each waiting g to its semaphore.
 *
 * <p>The chains can be long (every goroutine blocked on one mutex) and each link is a pointer
 * to follow; sudogs are allocated side by side, so the walk reads aligned 8 KiB blocks (the
 * size of the heap spans sudogs live in), all blocks a round needs in one batched read, and
 * follows every link that lands in a block already read before going to the target again.
 * Checked: a sudog counts only if its semaphore hashes to the root it was found under and its
 * g is a goroutine sampled as waiting on a semaphore; the walk is bounded and never loops.
 */
final class SemaphoreReader {

  static final int SEM_TABLE_SIZE = 251;
  /** {@code cpu.CacheLinePadSize} on amd64: each root is padded to one cache line. */
  static final int ROOT_STRIDE = 64;
  static final int BLOCK = 8 << 10;
  /** Wait reasons of goroutines parked in semacquire (every Go version's spelling). */
  static final Set<String> SEMA_REASONS = Set.of("semacquire", "sync.Mutex.Lock",
      "sync.RWMutex.RLock", "sync.RWMutex.Lock", "sync.WaitGroup.Wait",
      "sync.WaitGroup.Wait (durable)");
  /** {@code sync.Cond.Wait}: a notifyList, found only through {@code g.waiting} (Go 1.26+). */
  static final String COND_REASON = "sync.Cond.Wait";

  private final ProcessMemory memory;
  private final ReadBatch batch;
  private final SudogLayout l;
  private final long semtable;

  SemaphoreReader(ProcessMemory memory, ReadBatch batch, SudogLayout layout, long semtable) {
    this.memory = memory;
    this.batch = batch;
    this.l = layout;
    this.semtable = semtable;
  }

  /**
   * Go 1.26+: {@code semacquire} and {@code sync.Cond.Wait} point {@code g.waiting} at their
   * sudog, whose {@code elem} is the semaphore (or the Cond's {@code notifyList}): one batched
   * read of those sudogs, each checked to belong to its goroutine.
   */
  void readDirect(List<Pending> waiters) {
    Batches.readAll(memory, batch, waiters.size(), new Batches.Requests() {
      @Override
      public long address(int k) {
        return waiters.get(k).waiting;
      }

      @Override
      public int length(int k) {
        return l.window;
      }

      @Override
      public void read(int k, ReadBatch b, int q) {
        Pending p = waiters.get(k);
        p.semaphore = b.ok(q) && b.u64(q, l.g) == p.gp ? b.u64(q, l.elem) : 0;
      }
    });
  }

  /** Sets {@code semaphore} of each of {@code waiters} found in the table. */
  void readTable(List<Pending> waiters) {
    for (Pending p : waiters) {
      p.semaphore = 0;
    }
    if (semtable == 0) {
      return;
    }
    if (waiters.isEmpty() || l.semaTreap < 0) {
      return;
    }
    LongLongMap wanted = new LongLongMap(waiters.size());
    for (int i = 0; i < waiters.size(); i++) {
      wanted.putIfAbsent(waiters.get(i).gp, i + 1);
    }
    batch.clear();
    int q = batch.add(semtable, SEM_TABLE_SIZE * ROOT_STRIDE);
    memory.read(batch);
    if (!batch.ok(q)) {
      return;
    }
    // frontier: pairs of (sudog address, root index)
    LongList frontier = new LongList();
    for (int r = 0; r < SEM_TABLE_SIZE; r++) {
      long treap = batch.u64(q, r * ROOT_STRIDE + l.semaTreap);
      if (treap != 0) {
        frontier.add(treap, r);
      }
    }
    LongLongMap visited = new LongLongMap(waiters.size() * 2 + 64);
    LongLongMap found = new LongLongMap(waiters.size());
    long budget = 4L * waiters.size() + 4096;
    for (int round = 0; frontier.size() > 0 && budget > 0 && round < 1_000_000; round++) {
      // the blocks this round needs, each once
      LongLongMap blocks = new LongLongMap(frontier.size());
      List<Long> blockList = new ArrayList<>();
      for (int i = 0; i < frontier.size(); i++) {
        long a = frontier.first(i);
        for (long b = a & -BLOCK; b < a + l.window; b += BLOCK) {
          if (blocks.putIfAbsent(b, blockList.size() + 1)) {
            blockList.add(b);
          }
        }
      }
      batch.clear();
      int[] req = new int[blockList.size()];
      int taken = 0;
      for (; taken < blockList.size(); taken++) {
        int r = batch.add(blockList.get(taken), BLOCK);
        if (r < 0) {
          break;
        }
        req[taken] = r;
      }
      memory.read(batch);
      Blocks view = new Blocks(blocks, req, taken);
      LongList later = new LongList();
      LongList stack = new LongList();
      for (int i = 0; i < frontier.size(); i++) {
        stack.add(frontier.first(i), frontier.second(i));
        while (stack.size() > 0 && budget > 0) {
          long a = stack.firstLast();
          int root = (int) stack.secondLast();
          stack.pop();
          if (!view.has(a, l.window)) {
            if (view.requested(a, l.window)) {
              continue; // unreadable: not a sudog
            }
            later.add(a, root);
            continue;
          }
          if (!visited.putIfAbsent(a, 1)) {
            continue;
          }
          budget--;
          long elem = view.word(a + l.elem);
          if (elem == 0 || Long.remainderUnsigned(elem >>> 3, SEM_TABLE_SIZE) != root) {
            continue; // not a waiter of this root (stale or torn): do not follow it
          }
          long g = view.word(a + l.g);
          if (g != 0 && wanted.containsKey(g)) {
            found.putIfAbsent(g, elem);
          }
          for (long child : new long[] {view.word(a + l.prev), view.word(a + l.next),
              view.word(a + l.waitlink)}) {
            if (child != 0 && !visited.containsKey(child)) {
              stack.add(child, root);
            }
          }
        }
      }
      frontier = later;
    }
    for (Pending p : waiters) {
      p.semaphore = found.get(p.gp, 0);
    }
  }

  /** The blocks of one round. */
  private final class Blocks {
    private final LongLongMap index;
    private final int[] req;
    private final int taken;

    Blocks(LongLongMap index, int[] req, int taken) {
      this.index = index;
      this.req = req;
      this.taken = taken;
    }

    /** True when [a, a+len) lies in blocks read this round. */
    boolean has(long a, int len) {
      for (long b = a & -BLOCK; b < a + len; b += BLOCK) {
        int k = (int) index.get(b, 0) - 1;
        if (k < 0 || k >= taken || !batch.ok(req[k])) {
          return false;
        }
      }
      return true;
    }

    /** True when the blocks of [a, a+len) were asked for this round (read or not). */
    boolean requested(long a, int len) {
      for (long b = a & -BLOCK; b < a + len; b += BLOCK) {
        int k = (int) index.get(b, 0) - 1;
        if (k < 0 || k >= taken) {
          return false;
        }
      }
      return true;
    }

    long word(long a) {
      long b = a & -BLOCK;
      int k = (int) index.get(b, 0) - 1;
      int at = (int) (a - b);
      if (at + 8 <= BLOCK) {
        return batch.u64(req[k], at);
      }
      // a word across two blocks (not for 8-byte aligned fields, kept for safety)
      long lo = 0;
      for (int i = 0; i < 8; i++) {
        long x = a + i;
        int kk = (int) index.get(x & -BLOCK, 0) - 1;
        lo |= (long) batch.u8(req[kk], (int) (x & (BLOCK - 1))) << (8 * i);
      }
      return lo;
    }
  }

  /** A growable list of (long, long) pairs used as queue and stack. */
  static final class LongList {
    private long[] a = new long[64];
    private int n;

    void add(long x, long y) {
      if (n + 2 > a.length) {
        a = java.util.Arrays.copyOf(a, a.length * 2);
      }
      a[n++] = x;
      a[n++] = y;
    }

    int size() {
      return n / 2;
    }

    long first(int i) {
      return a[2 * i];
    }

    long second(int i) {
      return a[2 * i + 1];
    }

    long firstLast() {
      return a[n - 2];
    }

    long secondLast() {
      return a[n - 1];
    }

    void pop() {
      n -= 2;
    }
  }
}
