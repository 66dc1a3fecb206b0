package dev.goroscope.correlate;

/**
 * Deep mode: park intervals. A park opens one, a wake-up closes it with its waker (0 = the
 * runtime, −1 = not seen: a second park without a wake-up in between, which netpoll and GC
 * wake-ups cause, or the goroutine's end). Closed intervals go to the goroutine's capped
 * {@link ParkLog}; the open one lives in the goroutine itself.
 */
final class Parks {

  private final int maxParks;
  private final Counters counters;

  Parks(CorrelatorConfig config, Counters counters) {
    this.maxParks = config.maxParksPerGoroutine();
    this.counters = counters;
  }

  void parked(LiveGoroutine g, long ts, int waitReason) {
    if (g.isParked()) {
      closePark(g, ts, -1); // the wake-up went by unseen
    }
    g.parkedSinceNs = ts;
    g.waitCode = waitReason & 0xff;
  }

  void readied(LiveGoroutine g, long ts, long wakerGoid) {
    if (g.isParked()) {
      closePark(g, ts, wakerGoid);
    }
  }

  /** Closes the open interval, if any, at the goroutine's end. */
  void closeOpen(LiveGoroutine g, long ts) {
    if (g.isParked()) {
      closePark(g, ts, -1);
    }
  }

  private void closePark(LiveGoroutine g, long endNs, long wakerGoid) {
    if (g.parks == null) {
      g.parks = new ParkLog();
    }
    if (!g.parks.add(g.parkedSinceNs, endNs, g.waitCode, wakerGoid, maxParks)) {
      counters.parksTruncated++;
      g.flags |= LiveGoroutine.INCOMPLETE;
    }
    g.parkedSinceNs = -1;
  }
}
