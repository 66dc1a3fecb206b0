package dev.goroscope.record;

import java.util.List;
import java.util.Objects;

/**
 * One stop-the-world pause of a process: every goroutine stood still from {@code startNs} to
 * {@code endNs}. Process-wide, so not a goroutine event; the goroutines it stopped while they
 * ran also get a {@code runtime.stw} event of their own. Immutable.
 *
 * @param pid the process
 * @param startNs when the runtime began to stop the world (CLOCK_MONOTONIC ns)
 * @param endNs when it started it again, by the runtime's own clock reading
 * @param reason why, as the runtime says it: {@code GC sweep termination}, {@code GC mark
 *     termination}, {@code read mem stats}, {@code GOMAXPROCS} …
 * @param gc whether the pause belongs to a GC cycle
 * @param stopperGoid the goroutine that stopped the world (0 = none seen)
 * @param gomaxprocs the number of Ps at the stop (0 = not read)
 * @param running how many goroutines ran on the other Ps as it began (may exceed the list)
 * @param runningGoids the first of them
 */
public record StwRecord(int pid, long startNs, long endNs, String reason, boolean gc,
    long stopperGoid, int gomaxprocs, int running, List<Long> runningGoids) {

  public StwRecord {
    Objects.requireNonNull(reason, "reason");
    runningGoids = List.copyOf(runningGoids);
  }

  /** {@code endNs - startNs}, never negative. */
  public long durationNs() {
    return Math.max(0, endNs - startNs);
  }
}
