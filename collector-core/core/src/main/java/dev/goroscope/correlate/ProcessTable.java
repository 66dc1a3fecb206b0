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
   */
  private static final int RECENT_EXITS = 4096;
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

  private static final Object[] NO_ATTACHMENTS = new Object[0];
  private final LongObjectMap<Object[]> recentExits = new LongObjectMap<>();
  private final long[] recentRing = new long[RECENT_EXITS];
  private int recentNext;
  private final LongObjectMap<ContextCancelled> unknownCancels = new LongObjectMap<>();
  private final ContextCancelled[] unknownRing = new ContextCancelled[RECENT_UNKNOWN_CANCELS];
  private int unknownNext;

  ProcessTable(int pid, boolean announced, SymbolCache symbols, long attachNs) {
    this.pid = pid;
    this.announced = announced;
    this.symbols = symbols;
    this.attachNs = attachNs;
  }

  void rememberExit(LiveGoroutine g) {
    long evicted = recentRing[recentNext];
    if (evicted != 0) {
      recentExits.remove(evicted);
    }
    recentRing[recentNext] = g.goid;
    recentNext = (recentNext + 1) % RECENT_EXITS;
    Object[] a = g.attachments();
    recentExits.put(g.goid, a == null ? NO_ATTACHMENTS : a);
  }

  boolean exitedRecently(long goid) {
    return recentExits.get(goid) != null;
  }

  /** A sink's attachment of a goroutine that exited recently, or null. */
  <T> T recentAttachment(long goid, AttachmentKey<T> key) {
    return LiveGoroutine.attachment(recentExits.get(goid), key);
  }

  /**
   * Remembers the cancel of a context not known yet. WithDeadline cancels a context whose
   * deadline has already passed before it returns, so that cancel precedes the deadline-set
   * event read at the RET.
   */
  void rememberUnknownCancel(ContextCancelled e) {
    ContextCancelled evicted = unknownRing[unknownNext];
    if (evicted != null && unknownCancels.get(evicted.ctx()) == evicted) {
      unknownCancels.remove(evicted.ctx());
    }
    unknownRing[unknownNext] = e;
    unknownNext = (unknownNext + 1) % RECENT_UNKNOWN_CANCELS;
    unknownCancels.put(e.ctx(), e);
  }

  /** The remembered cancel of {@code ctx}, removed; null if none. */
  ContextCancelled takeUnknownCancel(long ctx) {
    ContextCancelled e = unknownCancels.get(ctx);
    if (e != null) {
      unknownCancels.remove(ctx);
    }
    return e;
  }

  @Override
  public String toString() {
    return "process " + pid;
  }
}
