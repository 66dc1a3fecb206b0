package dev.goroscope.correlate;

import dev.goroscope.record.CodeLocation;
import dev.goroscope.record.LeakGroupRecord;
import java.util.List;
import java.util.Objects;

/**
 * Leak candidates at one point in time, grouped by where they were created and what they wait
 * for: a hundred goroutines stuck on the same {@code chan send} at the same {@code go} statement
 * are one finding, not a hundred.
 *
 * @param asOfNs the correlator's stream time when the report was made (monotonic ns)
 * @param groups largest group first
 */
public record LeakReport(long asOfNs, List<Group> groups) {

  /** How many goroutine ids each group keeps as examples. */
  public static final int MAX_EXAMPLES = 5;

  public LeakReport {
    groups = List.copyOf(groups);
  }

  /** Number of leak candidates over all groups. */
  public long totalCandidates() {
    long total = 0;
    for (Group g : groups) {
      total += g.count();
    }
    return total;
  }

  /**
   * Leak candidates sharing a process, creation site, start function and wait reason.
   *
   * @param pid the process
   * @param creationSite where the {@code go} statement is (unknown for goroutines found running)
   * @param startFunction the start function, "" when unknown
   * @param waitReason the wait reason while parked (deep mode), "" otherwise
   * @param count goroutines in the group
   * @param oldestStartNs the earliest start time in the group
   * @param exampleGoids up to {@link #MAX_EXAMPLES} goroutine ids, oldest first
   * @param sampled sampled mode's view of the group (top frames, what it waits on, why it is
   *     a candidate), or null for a group of the precise rule
   */
  public record Group(
      int pid,
      CodeLocation creationSite,
      String startFunction,
      String waitReason,
      long count,
      long oldestStartNs,
      List<Long> exampleGoids,
      LeakGroupRecord sampled) {

    public Group {
      Objects.requireNonNull(creationSite, "creationSite");
      Objects.requireNonNull(startFunction, "startFunction");
      Objects.requireNonNull(waitReason, "waitReason");
      exampleGoids = List.copyOf(exampleGoids);
    }

    /** A group of the precise rule. */
    public Group(int pid, CodeLocation creationSite, String startFunction, String waitReason,
        long count, long oldestStartNs, List<Long> exampleGoids) {
      this(pid, creationSite, startFunction, waitReason, count, oldestStartNs, exampleGoids,
          null);
    }

    /** A group sampled mode found. */
    public static Group of(LeakGroupRecord r) {
      return new Group(r.pid(), r.creationSite(), r.startFunction(), r.waitReason(), r.count(),
          r.oldestBlockedSinceNs(), r.exampleGoids(), r);
    }
  }
}
