package dev.goroscope.attach;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.assertj.core.data.Offset;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The burst schedule against a simulated target (its CPU time and a probe hit rate during
 * bursts, read every 50 ms as the attacher reads them): the trap time of all bursts stays within
 * the budget of the target's own work (beyond it by at most what one check interval's hits
 * cost), the estimate it reports is the simulation's true ratio, bursts never start sooner
 * than {@code every} after each other (unless an anomaly asks) and never last longer than
 * their length.
 */
class BurstSchedulerTest {

  private static final long TICK = 50_000_000L;

  @Property(tries = 300)
  void overheadStaysWithinTheBudget(
      @ForAll @DoubleRange(min = 0.02, max = 2.0) double cores,
      @ForAll @IntRange(min = 0, max = 200_000) int hitsPerSecond,
      @ForAll @DoubleRange(min = 1_000, max = 20_000) double trapNs,
      @ForAll @DoubleRange(min = 0.05, max = 20) double budgetPercent,
      @ForAll @IntRange(min = 1, max = 60) int everySeconds,
      @ForAll @IntRange(min = 1, max = 10) int lengthTenths) {
    Duration every = Duration.ofSeconds(everySeconds);
    Duration length = Duration.ofMillis(Math.min(lengthTenths * 100L, everySeconds * 500L));
    Sim sim = new Sim(BurstConfig.of(every, length, budgetPercent), trapNs, cores,
        hitsPerSecond);
    sim.run(Duration.ofMinutes(10), false);

    double overshoot = hitsPerSecond * (TICK / 1e9) * trapNs;
    assertThat(sim.trapNs).as("trap time within budget of work (+ one check's hits)")
        .isLessThanOrEqualTo(budgetPercent / 100 * sim.workNs + overshoot + 1);
    double truth = sim.workNs == 0 ? 0 : 100 * sim.trapNs / sim.workNs;
    assertThat(sim.scheduler.estimatedOverheadPercent()).as("the estimate is the true ratio")
        .isCloseTo(truth, Offset.offset(Math.max(1e-6, truth * 1e-4)));
    assertThat(sim.minGapNs).as("bursts at least 'every' apart")
        .isGreaterThanOrEqualTo(every.toNanos());
    assertThat(sim.maxLengthNs).as("bursts no longer than their length")
        .isLessThanOrEqualTo(length.toNanos() + TICK);
  }

  @Test
  void aGenerousBudgetBurstsOnScheduleATightOneLessAndShorter() {
    BurstConfig loose = BurstConfig.of(Duration.ofSeconds(10), Duration.ofSeconds(1), 50);
    Sim free = new Sim(loose, 10_000, 1.0, 20_000);
    free.run(Duration.ofSeconds(95), false);
    // at 10, 20, … 90 s: 9 bursts of a full second (20,000 hits × 10 µs = 20 % of a second)
    assertThat(free.scheduler.bursts()).isEqualTo(9);
    assertThat(free.maxLengthNs).isBetween(1_000_000_000L, 1_000_000_000L + TICK);
    assertThat(free.scheduler.estimatedOverheadPercent()).isBetween(1.5, 2.5);

    BurstConfig tight = BurstConfig.of(Duration.ofSeconds(10), Duration.ofSeconds(1), 0.5);
    Sim held = new Sim(tight, 10_000, 1.0, 20_000);
    held.run(Duration.ofSeconds(95), false);
    assertThat(held.scheduler.estimatedOverheadPercent()).isLessThanOrEqualTo(0.5 + 0.11);
    assertThat(held.totalBurstNs).as("less precise time than asked for")
        .isLessThan(free.totalBurstNs / 2);
    assertThat(held.scheduler.bursts()).isPositive();
  }

  @Test
  void anAnomalyStartsABurstEarlyWithinTheBudget() {
    BurstConfig config = BurstConfig.of(Duration.ofSeconds(60), Duration.ofMillis(500), 5);
    Sim sim = new Sim(config, 10_000, 1.0, 1_000);
    sim.run(Duration.ofSeconds(5), true);
    assertThat(sim.scheduler.bursts()).as("not waiting 60 s").isPositive();
    assertThat(sim.scheduler.estimatedOverheadPercent()).isLessThanOrEqualTo(5.0 + 0.1);
  }

  @Test
  void noWorkNoBudget() {
    BurstConfig config = BurstConfig.of(Duration.ofSeconds(1), Duration.ofMillis(200), 1);
    Sim sim = new Sim(config, 10_000, 0.0, 50_000);
    sim.run(Duration.ofSeconds(30), false);
    // the first burst finds no allowance and stops at its first check; no burst follows
    assertThat(sim.trapNs).isLessThanOrEqualTo(50_000 * (TICK / 1e9) * 10_000 + 1);
  }

  /** A target whose threads use {@code cores} and trap {@code hitsPerSecond} during bursts. */
  private static final class Sim {
    final BurstScheduler scheduler;
    final double trapCost;
    final double cores;
    final int hitsPerSecond;
    double trapNs;
    double workNs;
    long minGapNs = Long.MAX_VALUE;
    long maxLengthNs;
    long totalBurstNs;

    Sim(BurstConfig config, double trapCost, double cores, int hitsPerSecond) {
      this.scheduler = new BurstScheduler(config, trapCost, TICK, 0, 0);
      this.trapCost = trapCost;
      this.cores = cores;
      this.hitsPerSecond = hitsPerSecond;
    }

    void run(Duration length, boolean anomalyAtStart) {
      long cpu = 0;
      long hits = 0;
      double fraction = 0;
      long lastStart = Long.MIN_VALUE;
      long start = 0;
      for (long now = TICK; now <= length.toNanos(); now += TICK) {
        double work = cores * TICK;
        workNs += work;
        cpu += (long) work;
        if (scheduler.active()) {
          fraction += hitsPerSecond * (TICK / 1e9);
          long n = (long) fraction;
          fraction -= n;
          hits += n;
          trapNs += n * trapCost;
          cpu += (long) (n * trapCost);
        }
        scheduler.update(now, cpu, hits);
        if (scheduler.active()) {
          if (scheduler.shouldStop(now)) {
            scheduler.stopped(now, hits);
            maxLengthNs = Math.max(maxLengthNs, now - start);
            totalBurstNs += now - start;
          }
        } else if (scheduler.shouldStart(now, anomalyAtStart && now == TICK)) {
          if (lastStart != Long.MIN_VALUE) {
            minGapNs = Math.min(minGapNs, now - lastStart);
          }
          lastStart = now;
          start = now;
          hits = 0;
          scheduler.started(now);
        }
      }
    }
  }
}
