package dev.goroscope.correlate;

import dev.goroscope.gobinary.stack.GoTraceback;
import dev.goroscope.record.BurstStatus;
import java.util.Objects;

/**
 * How a sample handed to {@link Correlator#sampled} was taken and is to be read.
 *
 * @param intervalNs the sampling interval
 * @param leakWindowNs a leak group is growing when its count rose over this window
 * @param traceback Go's printing rules for this binary (which frames a dump shows)
 * @param bursts precise bursts of this process so far, or null when none are configured
 * @param lastBurstEndNs when the last burst's probes stopped (monotonic ns), or
 *     {@link Long#MIN_VALUE}: goroutines a burst saw being created and no sample saw since were
 *     alive at least until then
 */
public record SamplingContext(long intervalNs, long leakWindowNs, GoTraceback traceback,
    BurstStatus bursts, long lastBurstEndNs) {

  public SamplingContext {
    if (intervalNs <= 0) {
      throw new IllegalArgumentException("sampling interval must be positive, got " + intervalNs);
    }
    if (leakWindowNs <= 0) {
      throw new IllegalArgumentException("leak window must be positive, got " + leakWindowNs);
    }
    Objects.requireNonNull(traceback, "traceback");
  }

  /** No bursts. */
  public SamplingContext(long intervalNs, long leakWindowNs, GoTraceback traceback) {
    this(intervalNs, leakWindowNs, traceback, null, Long.MIN_VALUE);
  }
}
