package dev.goroscope.record;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One sample of one process in sampled mode, summed up: how many goroutines were in which
 * state, waiting for what, created where, how long goroutines were blocked since the previous
 * sample, and the leak groups. Process-wide, so it is a lifecycle call of its own ({@link
 * RecordSink#goroutinesSampled}), not a goroutine event. Immutable.
 *
 * @param pid the process
 * @param timestampNs when reading began (CLOCK_MONOTONIC ns)
 * @param intervalNs the sampling interval
 * @param readNs how long reading took
 * @param goroutines goroutines read
 * @param leftOut goroutines left out because they kept changing while read
 * @param byStatus goroutines by the runtime's state ({@code running}, {@code waiting}…)
 * @param byWaitReason waiting goroutines by wait reason
 * @param bySite goroutines by creation site, the largest first (at most {@link #MAX_SITES})
 * @param otherSites goroutines at the sites beyond {@link #MAX_SITES}
 * @param blockedNs goroutine-nanoseconds spent blocked since the previous sample, by wait
 *     reason ({@code syscall} for system calls)
 * @param leakGroups the leak groups at this sample, the largest first
 * @param bursts precise bursts, or null when none are configured
 */
public record SampleRecord(
    int pid,
    long timestampNs,
    long intervalNs,
    long readNs,
    int goroutines,
    int leftOut,
    Map<String, Integer> byStatus,
    Map<String, Integer> byWaitReason,
    List<SiteCount> bySite,
    int otherSites,
    Map<String, Long> blockedNs,
    List<LeakGroupRecord> leakGroups,
    BurstStatus bursts) {

  /** Creation sites listed at most. */
  public static final int MAX_SITES = 50;

  public SampleRecord {
    byStatus = Map.copyOf(byStatus);
    byWaitReason = Map.copyOf(byWaitReason);
    bySite = List.copyOf(bySite);
    blockedNs = Map.copyOf(blockedNs);
    leakGroups = List.copyOf(leakGroups);
  }

  /**
   * Goroutines created at one site.
   *
   * @param site the {@code go} statement
   * @param count goroutines
   */
  public record SiteCount(CodeLocation site, int count) {
    public SiteCount {
      Objects.requireNonNull(site, "site");
    }
  }
}
