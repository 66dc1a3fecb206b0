package dev.goroscope.correlate;

import dev.goroscope.event.CancelReason;
import dev.goroscope.event.ContextCancelled;
import dev.goroscope.event.ContextDeadlineSet;
import dev.goroscope.event.Event;
import dev.goroscope.event.GoroutineCreated;
import dev.goroscope.event.GoroutineExited;
import dev.goroscope.event.GoroutineParked;
import dev.goroscope.event.GoroutineReadied;

/**
 * An endless synthetic event stream of a busy Go server, generated on the fly (allocating the
 * event records, as the decoder does). Step k:
 *
 * <ul>
 *   <li>goroutine 10+k is created, by goroutine 1 (the accept loop, running since before attach)
 *       every 4th step, else by goroutine 9+k;
 *   <li>every 4th step goroutine 10+k makes a context with a deadline, and the context made two
 *       such steps earlier is cancelled (one in four by its deadline firing, the others before);
 *   <li>goroutine 10+k-{@value #LIVE} exits, so about {@value #LIVE} goroutines are alive;
 *   <li>deep mode only: goroutine 10+k-{@value #LIVE}/2 parks on a channel receive and is
 *       readied by goroutine 10+k.
 * </ul>
 *
 * Events are {@value #SPACING_NS} ns apart (a million per second of stream time) and every 8th
 * creation is delivered 3 µs late, as if published by another CPU.
 */
final class EventMix {
  static final int LIVE = 10_000;
  static final long SPACING_NS = 1_000;
  static final int PID = 4242;
  static final long CTX_BASE = 0xc000000000L;

  private final boolean deep;
  private final Event[] pending = new Event[8];
  private int pendingCount;
  private int pendingNext;
  private long step;
  private long ts = 1_000_000_000L;

  EventMix(boolean deep) {
    this.deep = deep;
  }

  Event next() {
    if (pendingNext == pendingCount) {
      fill();
    }
    return pending[pendingNext++];
  }

  private void fill() {
    pendingCount = 0;
    pendingNext = 0;
    long k = step++;
    long goid = 10 + k;
    long parent = k % 4 == 0 ? 1 : goid - 1;
    long created = ts += SPACING_NS;
    if (k % 8 == 0) {
      // Another CPU's event, delivered after the next one.
      ts += SPACING_NS;
      add(new GoroutineExited(ts, PID, 2, 1, goid - LIVE));
      add(new GoroutineCreated(created - 3 * SPACING_NS, PID, 1, 0, goid, parent, 0x4a1000,
          0x4b2000));
    } else {
      add(new GoroutineCreated(created, PID, 1, 0, goid, parent, 0x4a1000 + (k & 7), 0x4b2000));
      add(new GoroutineExited(ts += SPACING_NS, PID, 2, 1, goid - LIVE));
    }
    if (k % 4 == 0) {
      long n = k / 4;
      add(new ContextDeadlineSet(ts += SPACING_NS, PID, 1, 0, ctx(n), 0,
          1_700_000_000_000_000_000L + ts, goid));
      if (n >= 2) {
        CancelReason reason = n % 4 == 0 ? CancelReason.DEADLINE_EXCEEDED : CancelReason.CANCELED;
        add(new ContextCancelled(ts += SPACING_NS, PID, 3, 1, ctx(n - 2), 5, reason));
      }
    }
    if (deep) {
      long sleeper = goid - LIVE / 2;
      add(new GoroutineParked(ts += SPACING_NS, PID, 2, 1, sleeper, 19));
      add(new GoroutineReadied(ts += SPACING_NS, PID, 1, 0, sleeper, goid));
    }
  }

  private static long ctx(long n) {
    return CTX_BASE + (n % 4096) * 0x100;
  }

  private void add(Event e) {
    pending[pendingCount++] = e;
  }
}
