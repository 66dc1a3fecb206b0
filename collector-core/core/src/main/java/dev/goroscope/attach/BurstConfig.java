package dev.goroscope.attach;

import java.time.Duration;
import java.util.Objects;

/**
 * Precise bursts of sampled mode: the default probes attached for {@link #length()} about
 * every {@link #every()}, spaced further apart when needed so that the target's estimated
 * overhead (trap time over its own CPU time) stays under {@link #budgetPercent()}.
 * Immutable; inputs checked when built.
 */
public final class BurstConfig {

  public static final Duration DEFAULT_EVERY = Duration.ofSeconds(60);
  public static final Duration DEFAULT_LENGTH = Duration.ofSeconds(1);
  public static final double DEFAULT_BUDGET_PERCENT = 1.0;

  private final Duration every;
  private final Duration length;
  private final double budgetPercent;

  private BurstConfig(Duration every, Duration length, double budgetPercent) {
    this.every = every;
    this.length = length;
    this.budgetPercent = budgetPercent;
  }

  /**
   * @throws IllegalArgumentException with a message naming the option when a value is out of
   *     range
   */
  public static BurstConfig of(Duration every, Duration length, double budgetPercent) {
    Objects.requireNonNull(every, "every");
    Objects.requireNonNull(length, "length");
    if (length.isNegative() || length.isZero()) {
      throw new IllegalArgumentException(
          "--precise-for must be positive, got " + length.toMillis() + "ms");
    }
    if (every.compareTo(length) <= 0) {
      throw new IllegalArgumentException("--precise-every (" + every.toMillis()
          + "ms) must be longer than --precise-for (" + length.toMillis() + "ms)");
    }
    if (!(budgetPercent > 0 && budgetPercent <= 100)) {
      throw new IllegalArgumentException(
          "--overhead-budget must be a percentage in (0, 100], got " + budgetPercent);
    }
    return new BurstConfig(every, length, budgetPercent);
  }

  /** The shortest time from one burst's start to the next. */
  public Duration every() {
    return every;
  }

  /** How long a burst lasts at most. */
  public Duration length() {
    return length;
  }

  /** The target's estimated overhead must stay under this, percent of its own CPU time. */
  public double budgetPercent() {
    return budgetPercent;
  }

  @Override
  public String toString() {
    return "bursts of " + length + " every " + every + " within " + budgetPercent + " %";
  }
}
