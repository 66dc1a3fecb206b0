package dev.goroscope.event;

import java.util.Objects;

/**
 * The whole process stopped and started again ({@code struct goroscope_stw}): written on the
 * thread that stopped the world, when it restarted it.
 *
 * @param timestampNs when the restart was observed (the record's time, for ordering)
 * @param startNs when stopping began (stopTheWorldWithSema entry), CLOCK_MONOTONIC
 * @param endNs when the runtime restarted the world (its own nanotime), CLOCK_MONOTONIC
 * @param goid the goroutine that stopped the world; 0 = none
 * @param reasonCode the {@code runtime.stwReason} ({@link StwReasons})
 * @param reason the runtime's string for it (before Go 1.21 the m.preemptoff text when it is
 *     not a known one)
 * @param gomaxprocs the number of Ps at the stop; 0 = not read
 * @param running how many goroutines ran on other Ps as the stop began (may exceed the list)
 * @param runningGoids the first of them
 */
public record StwPause(long timestampNs, int pid, int tid, int cpu, long startNs, long endNs,
    long goid, int reasonCode, String reason, int gomaxprocs, int running,
    long[] runningGoids) implements Event {

  public StwPause {
    Objects.requireNonNull(reason, "reason");
    runningGoids = runningGoids.clone();
  }

  /** {@code endNs - startNs}, never negative. */
  public long durationNs() {
    return Math.max(0, endNs - startNs);
  }

  @Override
  public long[] runningGoids() {
    return runningGoids.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StwPause p && p.timestampNs == timestampNs && p.pid == pid
        && p.tid == tid && p.cpu == cpu && p.startNs == startNs && p.endNs == endNs
        && p.goid == goid && p.reasonCode == reasonCode && p.reason.equals(reason)
        && p.gomaxprocs == gomaxprocs && p.running == running
        && java.util.Arrays.equals(p.runningGoids, runningGoids);
  }

  @Override
  public int hashCode() {
    return Objects.hash(timestampNs, pid, startNs, endNs, goid, reasonCode) * 31
        + java.util.Arrays.hashCode(runningGoids);
  }

  @Override
  public String toString() {
    return "StwPause[pid=" + pid + " " + reason + " " + startNs + ".." + endNs + " goid=" + goid
        + " running=" + java.util.Arrays.toString(runningGoids) + "/" + running + "]";
  }

  @Override
  public void accept(EventVisitor v) {
    v.stw(this);
  }
}
