package dev.goroscope.otel.time;

import java.time.Instant;

/**
 * Converts CLOCK_MONOTONIC nanoseconds (the clock of {@code bpf_ktime_get_ns}, used by every
 * {@code *Ns} field of the records) to Unix epoch nanoseconds with one offset fixed per run.
 *
 * <p>Why one offset: converting each timestamp against "now" would make spans jitter with
 * wall-clock adjustments; a single offset keeps every duration exactly as the kernel measured
 * it. The price is that an NTP step after the offset was measured shifts all later spans by the
 * step, which is acceptable for a sidecar run.
 *
 * <p>Why {@link System#nanoTime()}: on Linux, HotSpot implements it with
 * {@code clock_gettime(CLOCK_MONOTONIC)}, the same clock as {@code bpf_ktime_get_ns}; a test
 * checks this against the kernel's own monotonic reading in {@code /proc/timer_list}. The offset
 * is measured from the tightest of several (monotonic, wall, monotonic) samples, so its error is
 * well below a microsecond. Tests and callers with a better source inject the offset with
 * {@link #of(long)}.
 */
public final class ClockOffset {

  private static final int SAMPLES = 16;

  private final long epochMinusMonotonicNs;

  private ClockOffset(long epochMinusMonotonicNs) {
    this.epochMinusMonotonicNs = epochMinusMonotonicNs;
  }

  /** Measures the offset between {@code System.nanoTime()} and the wall clock now. */
  public static ClockOffset measure() {
    long bestWindow = Long.MAX_VALUE;
    long bestOffset = 0;
    for (int i = 0; i < SAMPLES; i++) {
      long before = System.nanoTime();
      Instant wall = Instant.now();
      long after = System.nanoTime();
      long window = after - before;
      if (window < bestWindow) {
        bestWindow = window;
        long wallNs = wall.getEpochSecond() * 1_000_000_000L + wall.getNano();
        bestOffset = wallNs - (before + window / 2);
      }
    }
    return new ClockOffset(bestOffset);
  }

  /** A fixed offset: {@code epochNs = monotonicNs + epochMinusMonotonicNs}. */
  public static ClockOffset of(long epochMinusMonotonicNs) {
    return new ClockOffset(epochMinusMonotonicNs);
  }

  /** The Unix epoch time of a CLOCK_MONOTONIC timestamp. */
  public long toEpochNanos(long monotonicNs) {
    return monotonicNs + epochMinusMonotonicNs;
  }

  /** The current CLOCK_MONOTONIC time (the clock of the records). */
  public long monotonicNowNs() {
    return System.nanoTime();
  }

  public long epochMinusMonotonicNs() {
    return epochMinusMonotonicNs;
  }

  @Override
  public String toString() {
    return "ClockOffset{" + epochMinusMonotonicNs + "ns}";
  }
}
