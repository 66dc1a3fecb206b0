package dev.goroscope.attach;

import dev.goroscope.correlate.LeakReport;
import java.util.Locale;

/**
 * What one attach run saw, printed when it ends.
 *
 * @param processes processes watched
 * @param goroutinesSeen goroutines created while attached plus those found alive at attach
 * @param contexts contexts with a deadline created while attached
 * @param deadlineOverruns goroutines that overran a context deadline
 * @param eventsLost events the kernel dropped because the ring buffer was full
 * @param spansExported spans (or records, for non-OTLP outputs) handed to the exporters
 * @param leaks leak candidates still alive when the run stopped, grouped
 * @param malformedRecords ring records that could not be decoded (too short, unknown type)
 */
public record AttachSummary(
    int processes,
    long goroutinesSeen,
    long contexts,
    long deadlineOverruns,
    long eventsLost,
    long spansExported,
    LeakReport leaks,
    long malformedRecords) {

  /** The leak groups as lines for the user, largest first; empty when there are none. */
  public String leakLines(int maxGroups) {
    StringBuilder out = new StringBuilder();
    if (leaks == null || leaks.groups().isEmpty()) {
      return "";
    }
    out.append(String.format(Locale.ROOT, "goroscope: %d leak candidate%s in %d group%s:%n",
        leaks.totalCandidates(), leaks.totalCandidates() == 1 ? "" : "s",
        leaks.groups().size(), leaks.groups().size() == 1 ? "" : "s"));
    leaks.groups().stream().limit(maxGroups).forEach(g -> out.append(String.format(Locale.ROOT,
        "  %d × %s  created at %s%s  (pid %d, e.g. goroutines %s)%n",
        g.count(), g.startFunction().isEmpty() ? "?" : g.startFunction(), g.creationSite(),
        g.waitReason().isEmpty() ? "" : ", waiting: " + g.waitReason(), g.pid(),
        g.exampleGoids())));
    if (leaks.groups().size() > maxGroups) {
      out.append("  … ").append(leaks.groups().size() - maxGroups).append(" more groups")
          .append(System.lineSeparator());
    }
    return out.toString();
  }

  /** A line about undecodable records, or empty when there were none. */
  public String malformedLine() {
    return malformedRecords == 0 ? "" : String.format(Locale.ROOT,
        "goroscope: %d ring record%s could not be decoded and %s skipped", malformedRecords,
        malformedRecords == 1 ? "" : "s", malformedRecords == 1 ? "was" : "were");
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "goroscope: %d process%s, %d goroutines seen, %d spans exported, %d contexts with a"
            + " deadline, %d deadline overruns, %d events lost",
        processes, processes == 1 ? "" : "es", goroutinesSeen, spansExported, contexts,
        deadlineOverruns, eventsLost);
  }
}
