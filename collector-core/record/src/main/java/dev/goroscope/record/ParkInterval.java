package dev.goroscope.record;

import java.util.Objects;

/**
 * Deep mode: one stretch of time a goroutine spent parked.
 *
 * @param startNs when it parked (monotonic ns)
 * @param endNs when it was made runnable again, or {@code -1} if still parked at flush
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
}
