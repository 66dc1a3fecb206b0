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
   * Recent unknown cancels in arrival order (the correlator's time order), a ring that bounds
   * how many are remembered, and the latest of each context in a map: a deadline-set event
   * looks its context up there. (A scan back over the ring's last 10 ms, the early-cancel
   * window, read about a hundred entries per look-up on a service that creates a deadline per
   * request and cancels a plain context per request: 5% of the drain thread.)
   */
  private final ContextCancelled[] unknownRing = new ContextCancelled[RECENT_UNKNOWN_CANCELS];
  private final LongObjectMap<ContextCancelled> unknownByCtx = new LongObjectMap<>();
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
    ContextCancelled evicted = unknownRing[i];
    if (evicted != null && unknownByCtx.get(evicted.ctx()) == evicted) {
      unknownByCtx.remove(evicted.ctx()); // still the latest of its context: forgotten now
    }
    unknownRing[i] = e;
    if (e.ctx() != 0) {
      unknownByCtx.put(e.ctx(), e);
    }
    unknownNext = (i + 1) & (RECENT_UNKNOWN_CANCELS - 1);
  }

  /**
   * The latest remembered cancel of {@code ctx} if it is not older than {@code notBeforeNs},
   * removed; null if none.
   */
  ContextCancelled takeUnknownCancel(long ctx, long notBeforeNs) {
    if (ctx == 0) {
      return null;
    }
    ContextCancelled e = unknownByCtx.get(ctx);
    if (e == null || e.timestampNs() < notBeforeNs) {
      return null;
    }
    unknownByCtx.remove(ctx);
    return e;
  }

  /** Contexts with a remembered unknown cancel, for tests of the bound. */
  int unknownCancelsRemembered() {
    return unknownByCtx.size();
  }

  private static int slot(long goid) {
    return (int) goid & (RECENT_EXITS - 1);
  }

  @Override
  public String toString() {
    return "process " + pid;
  }
}
