package dev.goroscope.correlate;

import dev.goroscope.event.ContextCancelled;
import dev.goroscope.record.ProcessInfo;

/**
 * The state of one incarnation of one target process: a restarted target (new pid, or the same
 * pid after {@code processEnded}) gets a fresh table, so goroutine ids starting again at 1 never
 * meet the old ones.
 */
final class ProcessTable {

  /** Goroutine ids remembered after exit, to drop duplicate exits and stragglers. */
  private static final int RECENT_EXITS = 4096;
  /** Cancels of contexts not (yet) known, remembered in case their creation follows. */
  private static final int RECENT_UNKNOWN_CANCELS = 1024;

  final int pid;
  /** Null until the process is announced (it may first be seen through its events). */
  ProcessInfo info;
  SymbolCache symbols;
  final LongObjectMap<LiveGoroutine> goroutines = new LongObjectMap<>();
  final LongObjectMap<LiveContext> contexts = new LongObjectMap<>();
  /** When tracing of this process began: the time given to goroutines found running. */
  final long attachNs;
  /** Timestamp of the latest lost-events marker; goroutines alive then are incomplete. */
  long lastLossNs = Long.MIN_VALUE;
  /** Set by the first park or ready event: this process is traced in deep mode. */
  boolean deep;
  /** Events were lost or goroutines evicted: adopted goroutines may be lost creations. */
  boolean degraded;

  private final LongObjectMap<Boolean> recentExits = new LongObjectMap<>();
  private final long[] recentRing = new long[RECENT_EXITS];
  private int recentNext;
  private final LongObjectMap<ContextCancelled> unknownCancels = new LongObjectMap<>();
  private final ContextCancelled[] unknownRing = new ContextCancelled[RECENT_UNKNOWN_CANCELS];
  private int unknownNext;

  ProcessTable(int pid, ProcessInfo info, SymbolCache symbols, long attachNs) {
    this.pid = pid;
    this.info = info;
    this.symbols = symbols;
    this.attachNs = attachNs;
  }

  void rememberExit(long goid) {
    long evicted = recentRing[recentNext];
    if (evicted != 0) {
      recentExits.remove(evicted);
    }
    recentRing[recentNext] = goid;
    recentNext = (recentNext + 1) % RECENT_EXITS;
    recentExits.put(goid, Boolean.TRUE);
  }

  boolean exitedRecently(long goid) {
    return recentExits.get(goid) != null;
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
