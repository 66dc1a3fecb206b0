package dev.goroscope.attach;

/**
 * When precise bursts may run for one target, so that the target's estimated overhead — the
 * time its threads spend in uprobe traps over the CPU time of its own work — stays under the
 * budget. Pure logic over readings the caller makes (no clock, no I/O), so it is tested with
 * synthetic ones.
 *
 * <p>A token bucket of trap time: the target's own work (its CPU time less the traps) adds
 * {@code budget × work}; every probe hit takes one trap cost. A burst starts no sooner than
 * {@code every} after the previous one (or sooner for an anomaly) and only when the bucket
 * holds what the next one is expected to spend — at the higher of the last burst's hit rate and
 * two hits (a creation and an exit) per goroutine the samples see created, so even the first
 * burst is paid for before it starts; a running burst stops at
 * its length, or as soon as the bucket would not cover the hits expected before the next
 * check. So the trap time of all bursts never exceeds {@code budget} times the target's work,
 * except by what one check interval's hits cost. The bucket holds at most what two periods of
 * the target's recent work allow, so a long quiet spell does not buy a long storm of traps.
 */
final class BurstScheduler {

  private final long everyNs;
  private final long lengthNs;
  private final double budget;
  private final double trapNs;
  private final long checkNs;

  private long lastNs;
  private long lastCpuNs;
  private long lastHits;
  private double bucketNs;
  private double workRateEwma = -1; // target work ns per ns of wall time
  private double totalTrapNs;
  private double totalWorkNs;
  private long lastStartNs;
  private boolean active;
  private long burstStartNs;
  private long burstHits;
  private double lastHitRate; // hits per ns during the last burst
  private double creationRate; // goroutines created per ns, as the samples see it
  private long bursts;
  private long hits;

  /**
   * @param trapNs one uprobe hit's cost, ns (calibrated)
   * @param checkNs how often the caller checks a running burst, ns
   * @param nowNs the start of watching
   * @param targetCpuNs the target's CPU time then
   */
  BurstScheduler(BurstConfig config, double trapNs, long checkNs, long nowNs, long targetCpuNs) {
    this.everyNs = config.every().toNanos();
    this.lengthNs = config.length().toNanos();
    this.budget = config.budgetPercent() / 100.0;
    this.trapNs = trapNs;
    this.checkNs = checkNs;
    this.lastNs = nowNs;
    this.lastCpuNs = targetCpuNs;
    this.lastStartNs = nowNs;
  }

  /**
   * Takes the readings at {@code nowNs}: the target's CPU time so far and the probe hits of the
   * running burst so far (0 between bursts).
   */
  void update(long nowNs, long targetCpuNs, long burstHitsSoFar) {
    long dt = nowNs - lastNs;
    if (dt <= 0) {
      return;
    }
    long newHits = active ? Math.max(0, burstHitsSoFar - lastHits) : 0;
    double trap = newHits * trapNs;
    double work = Math.max(0, (targetCpuNs - lastCpuNs) - trap);
    totalTrapNs += trap;
    totalWorkNs += work;
    double rate = work / dt;
    workRateEwma = workRateEwma < 0 ? rate : 0.8 * workRateEwma + 0.2 * rate;
    bucketNs = Math.min(bucketNs + budget * work - trap, cap());
    if (active) {
      burstHits = burstHitsSoFar;
      lastHits = burstHitsSoFar;
    }
    lastNs = nowNs;
    lastCpuNs = targetCpuNs;
  }

  /** Whether a burst should start now ({@code anomaly}: a leak group just started growing). */
  boolean shouldStart(long nowNs, boolean anomaly) {
    if (active) {
      return false;
    }
    long since = nowNs - lastStartNs;
    boolean due = since >= everyNs || (anomaly && bursts > 0 && since >= 2 * lengthNs)
        || (anomaly && bursts == 0);
    return due && bucketNs >= expectedCostNs() && bucketNs >= 0;
  }

  void started(long nowNs) {
    active = true;
    burstStartNs = nowNs;
    lastStartNs = nowNs;
    burstHits = 0;
    lastHits = 0;
  }

  /** Whether the running burst must stop now: its length is over, or the budget is spent. */
  boolean shouldStop(long nowNs) {
    if (!active) {
      return false;
    }
    long elapsed = nowNs - burstStartNs;
    if (elapsed >= lengthNs) {
      return true;
    }
    double rate = elapsed > 0 ? burstHits / (double) elapsed
        : Math.max(lastHitRate, 2 * creationRate);
    return bucketNs - rate * checkNs * trapNs < 0;
  }

  /** The burst ended at {@code nowNs} with {@code totalHits} probe hits. */
  void stopped(long nowNs, long totalHits) {
    if (!active) {
      return;
    }
    long extra = Math.max(0, totalHits - lastHits);
    double trap = extra * trapNs;
    totalTrapNs += trap;
    bucketNs -= trap;
    long elapsed = Math.max(1, nowNs - burstStartNs);
    lastHitRate = totalHits / (double) elapsed;
    hits += totalHits;
    bursts++;
    active = false;
    burstHits = 0;
    lastHits = 0;
  }

  /**
   * The target creates about {@code perSecond} goroutines a second (from the samples: how fast
   * the highest goid grows); each will cost a burst two hits.
   */
  void expectCreations(double perSecond) {
    creationRate = Math.max(0, perSecond) / 1e9;
  }

  boolean active() {
    return active;
  }

  long bursts() {
    return bursts;
  }

  /** Probe hits of the bursts that ended, plus the running one's so far. */
  long hits() {
    return hits + (active ? burstHits : 0);
  }

  /** Trap time of all bursts over the target's own CPU time, percent (0 before any work). */
  double estimatedOverheadPercent() {
    return totalWorkNs <= 0 ? 0 : 100.0 * totalTrapNs / totalWorkNs;
  }

  /** Trap time the bucket holds now, ns (negative: overspent). */
  double bucketNs() {
    return bucketNs;
  }

  private double expectedCostNs() {
    return Math.max(lastHitRate, 2 * creationRate) * lengthNs * trapNs;
  }

  private double cap() {
    double rate = Math.max(0, workRateEwma);
    return Math.max(budget * rate * 2 * everyNs, expectedCostNs());
  }
}
