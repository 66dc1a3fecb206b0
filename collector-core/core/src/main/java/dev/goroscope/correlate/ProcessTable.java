package dev.goroscope.correlate;

import dev.goroscope.event.ContextCancelled;
import dev.goroscope.record.AttachmentKey;

/**
 * The state of one incarnation of one target process: a restarted target (new pid, or the same
 * pid after {@code processEnded}) gets a fresh table, so goroutine ids starting again at 1 never
 * meet the old ones.
 */
final class ProcessTable {

  /**
   * Goroutine ids remembered after exit, to drop duplicate exits and stragglers; with them the
   * sinks' attachments, so a goroutine woken or created by one that just exited still finds it.
   * A power of two: the table is direct-mapped by goid.
   */
  private static final int RECENT_EXITS = 8192;
  /** Cancels of contexts not (yet) known, remembered in case their creation follows. */
  private static final int RECENT_UNKNOWN_CANCELS = 1024;
  /** Buckets of {@link #unknownPerHash}: a power of two, 8 KiB. */
  private static final int UNKNOWN_HASHES = 4096;

  final int pid;
  /** False until the process is announced (it may first be seen through its events). */
  boolean announced;
  SymbolCache symbols;
  final LongObjectMap<LiveGoroutine> goroutines = new LongObjectMap<>();
  final LongObjectMap<LiveContext> contexts = new LongObjectMap<>();
  /** Open application spans by span id. */
  final LongObjectMap<LiveAppSpan> appSpans = new LongObjectMap<>();
  /** When tracing of this process began: the time given to goroutines found running. */
  final long attachNs;
  /** Timestamp of the latest lost-events marker; goroutines alive then are incomplete. */
  long lastLossNs = Long.MIN_VALUE;
  /** Traced in deep mode: announced so, or switched on by its first park or ready event. */
  boolean deep;
  /** Events were lost or goroutines evicted: adopted goroutines may be lost creations. */
  boolean degraded;
  /** Watched by sampling (sampled mode), else null. */
  SampledProcess sampling;

  private static final Object[] NO_ATTACHMENTS = new Object[0];
  /**
   * Recent exits, direct-mapped by goid: the runtime hands goids out nearly in order, so the
   * last {@link #RECENT_EXITS} goids land in distinct slots, next to each other. (A hash map
   * with FIFO eviction cost a cache miss or two per exit, 5% of the drain thread.) A slot keeps
   * the goid that exited last in it: goid 0 is never stored.
   */
  private final long[] exitedGoids = new long[RECENT_EXITS];
  private final Object[][] exitedAttachments = new Object[RECENT_EXITS][];
  /**
   * Recent unknown cancels in arrival order (the correlator's time order), a ring; the look-up
   * scans back over the last few milliseconds, reading the context and time arrays in order,
   * and stops at the first older entry (a late event there may hide a match behind it).
   */
  private final long[] unknownCtx = new long[RECENT_UNKNOWN_CANCELS];
  private final long[] unknownNs = new long[RECENT_UNKNOWN_CANCELS];
  private final ContextCancelled[] unknownRing = new ContextCancelled[RECENT_UNKNOWN_CANCELS];
  /**
   * How many entries of the ring, not taken, have a context of each hash: a look-up whose count
   * is zero has nothing to find and skips the scan. Without it every deadline scanned the
   * ring's last 10 ms, about a hundred entries on a service that cancels a plain context per
   * request (5% of the drain thread); a map by context cost as much in cache misses.
   */
  private final char[] unknownPerHash = new char[UNKNOWN_HASHES];
  private int unknownNext;

  ProcessTable(int pid, boolean announced, SymbolCache symbols, long attachNs) {
    this.pid = pid;
    this.announced = announced;
    this.symbols = symbols;
    this.attachNs = attachNs;
  }

  void rememberExit(LiveGoroutine g) {
    int i = slot(g.goid);
    exitedGoids[i] = g.goid;
    Object[] a = g.attachments();
    exitedAttachments[i] = a == null ? NO_ATTACHMENTS : a;
  }

  boolean exitedRecently(long goid) {
    return goid != 0 && exitedGoids[slot(goid)] == goid;
  }

  /** A sink's attachment of a goroutine that exited recently, or null. */
  <T> T recentAttachment(long goid, AttachmentKey<T> key) {
    int i = slot(goid);
    return goid != 0 && exitedGoids[i] == goid
        ? LiveGoroutine.attachment(exitedAttachments[i], key) : null;
  }

  /**
   * Remembers the cancel of a context not known yet. WithDeadline cancels a context whose
   * deadline has already passed before it returns, so that cancel precedes the deadline-set
   * event read at the RET.
   */
  void rememberUnknownCancel(ContextCancelled e) {
    int i = unknownNext;
    if (unknownCtx[i] != 0) {
      unknownPerHash[unknownHash(unknownCtx[i])]--; // pushed out, not taken
    }
    unknownCtx[i] = e.ctx();
    unknownNs[i] = e.timestampNs();
    unknownRing[i] = e;
    if (e.ctx() != 0) {
      unknownPerHash[unknownHash(e.ctx())]++;
    }
    unknownNext = (i + 1) & (RECENT_UNKNOWN_CANCELS - 1);
  }

  /**
   * The latest remembered cancel of {@code ctx} not older than {@code notBeforeNs}, removed;
   * null if none.
   */
  ContextCancelled takeUnknownCancel(long ctx, long notBeforeNs) {
    if (ctx == 0 || unknownPerHash[unknownHash(ctx)] == 0) {
      return null;
    }
    int i = unknownNext;
    for (int n = 0; n < RECENT_UNKNOWN_CANCELS; n++) {
      i = (i - 1) & (RECENT_UNKNOWN_CANCELS - 1);
      ContextCancelled e = unknownRing[i];
      if (e == null || unknownNs[i] < notBeforeNs) {
        return null; // the rest is older (or was never used)
      }
      if (unknownCtx[i] == ctx) {
        unknownCtx[i] = 0; // taken
        unknownPerHash[unknownHash(ctx)]--;
        return e;
      }
    }
    return null;
  }

  /** Untaken unknown cancels remembered, for tests of the bound and the filter. */
  int unknownCancelsRemembered() {
    int n = 0;
    for (char c : unknownPerHash) {
      n += c;
    }
    return n;
  }

  private static int unknownHash(long ctx) {
    long h = ctx * 0x9E3779B97F4A7C15L; // heap addresses are aligned: mix before masking
    return (int) (h >>> 52); // the top 12 bits: 0 .. UNKNOWN_HASHES - 1
  }

  private static int slot(long goid) {
    return (int) goid & (RECENT_EXITS - 1);
  }

  @Override
  public String toString() {
    return "process " + pid;
  }
}
