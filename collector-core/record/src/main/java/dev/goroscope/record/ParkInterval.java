package dev.goroscope.record;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Deep mode: one stretch of time a goroutine spent parked, the pairing of a
 * {@code goroutine.park} event with the {@code goroutine.ready} that ended it; the typed view
 * {@link Goroutine#parks()} gives and JSON lines' {@code parks} array.
 *
 * @param startNs when it parked (monotonic ns)
 * @param endNs when it was made runnable again, or {@code -1} if still parked
 * @param waitReasonCode the raw {@code waitReason} byte for this Go version
 * @param waitReason the decoded reason, e.g. {@code chan receive}
 * @param wakerGoid the goroutine that readied it; 0 = the runtime (timer, netpoller,
 *     scheduler); -1 = not observed
 */
public record ParkInterval(
    long startNs, long endNs, int waitReasonCode, String waitReason, long wakerGoid) {

  public ParkInterval {
    Objects.requireNonNull(waitReason, "waitReason");
  }

  public boolean isOpen() {
    return endNs < 0;
  }

  /** Appends this interval as events: a park, and a ready unless it is still open. */
  public void addEvents(List<GoroutineEvent> out) {
    String reason = waitReason.isEmpty() ? null : waitReason;
    out.add(new GoroutineEvent(GoroutineEvents.PARK, startNs, Attrs.of(
        GoroutineEvents.WAIT_REASON, reason,
        GoroutineEvents.WAIT_REASON_CODE, (long) waitReasonCode)));
    if (!isOpen()) {
      out.add(new GoroutineEvent(GoroutineEvents.READY, endNs, Attrs.of(
          GoroutineEvents.WAIT_REASON, reason,
          GoroutineEvents.WAKER_ID, wakerGoid >= 0 ? wakerGoid : null)));
    }
  }

  /** Pairs the park and ready events among {@code events} back into intervals, in order. */
  public static List<ParkInterval> of(List<GoroutineEvent> events) {
    List<ParkInterval> out = null;
    GoroutineEvent open = null;
    for (GoroutineEvent e : events) {
      if (e.name().equals(GoroutineEvents.PARK)) {
        if (open != null) {
          // Cannot happen for events built by addEvents; keep both rather than lose one.
          out = add(out, interval(open, -1, -1));
        }
        open = e;
      } else if (e.name().equals(GoroutineEvents.READY) && open != null) {
        Long waker = e.attributes().get(GoroutineEvents.WAKER_ID);
        out = add(out, interval(open, e.timestampNs(), waker == null ? -1 : waker));
        open = null;
      }
    }
    if (open != null) {
      out = add(out, interval(open, -1, -1));
    }
    return out == null ? List.of() : out;
  }

  private static List<ParkInterval> add(List<ParkInterval> out, ParkInterval p) {
    List<ParkInterval> list = out == null ? new ArrayList<>() : out;
    list.add(p);
    return list;
  }

  private static ParkInterval interval(GoroutineEvent park, long endNs, long waker) {
    String reason = park.attributes().get(GoroutineEvents.WAIT_REASON);
    Long code = park.attributes().get(GoroutineEvents.WAIT_REASON_CODE);
    return new ParkInterval(park.timestampNs(), endNs, code == null ? 0 : code.intValue(),
        reason == null ? "" : reason, waker);
  }
}
