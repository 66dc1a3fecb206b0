package dev.goroscope.attach;

import dev.goroscope.correlate.LeakReport;
import dev.goroscope.record.CodeLocation;
import dev.goroscope.record.LeakGroupRecord;
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
 * @param sampled sampled mode: samples, bursts and the overhead estimate, one line; "" else
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
    String sampled,
    long malformedRecords) {

  /** A precise-mode summary. */
  public AttachSummary(int processes, long goroutinesSeen, long contexts, long deadlineOverruns,
      long eventsLost, long spansExported, LeakReport leaks, long malformedRecords) {
    this(processes, goroutinesSeen, contexts, deadlineOverruns, eventsLost, spansExported, leaks,
        "", malformedRecords);
  }

  /** What the count says when spans went to a span exporter (OTLP, the console tree). */
  public static final String SPANS_EXPORTED = "spans exported";
  /** What the count says when only records were written (JSON lines, the HTML report). */
  public static final String RECORDS_WRITTEN = "records written";

  /** The leak groups as lines for the user, largest first; empty when there are none. */
  public String leakLines(int maxGroups) {
    StringBuilder out = new StringBuilder();
    if (leaks == null || leaks.groups().isEmpty()) {
      return "";
    }
    out.append(String.format(Locale.ROOT, "goroscope: %d leak candidate%s in %d group%s:%n",
        leaks.totalCandidates(), leaks.totalCandidates() == 1 ? "" : "s",
        leaks.groups().size(), leaks.groups().size() == 1 ? "" : "s"));
    leaks.groups().stream().limit(maxGroups).forEach(g -> {
      out.append(String.format(Locale.ROOT,
          "  %d × %s  created at %s%s  (pid %d, e.g. goroutines %s)%n",
          g.count(), g.startFunction().isEmpty() ? "?" : g.startFunction(), g.creationSite(),
          g.waitReason().isEmpty() ? "" : ", waiting: " + g.waitReason(), g.pid(),
          g.exampleGoids()));
      if (g.sampled() != null) {
        sampledLines(out, g.sampled());
      }
    });
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

  /** Sampled mode's view of a group: why, what it waits on, where. */
  private static void sampledLines(StringBuilder out, LeakGroupRecord r) {
    out.append(String.format(Locale.ROOT, "      %s: %s", r.id(), r.reason()));
    if (r.growing()) {
      out.append(String.format(Locale.ROOT, " (+%d in %ds)", r.growth(),
          r.windowNs() / 1_000_000_000L));
    }
    if (r.blocked() > 0) {
      out.append(String.format(Locale.ROOT, " (%d blocked past the threshold)", r.blocked()));
    }
    String on = r.waitsOn();
    if (!on.isEmpty()) {
      out.append("; waiting on ").append(on);
    }
    out.append(System.lineSeparator());
    for (CodeLocation f : r.topFrames()) {
      out.append("        at ").append(f).append(System.lineSeparator());
    }
  }

  /** The summary line, with spans exported (a span exporter such as OTLP was configured). */
  @Override
  public String toString() {
    return line(SPANS_EXPORTED);
  }

  /**
   * The summary line, naming what {@link #spansExported()} counts: {@link #SPANS_EXPORTED}, or
   * {@link #RECORDS_WRITTEN} when the outputs only write records (JSON lines, HTML report).
   */
  public String line(String exportedLabel) {
    return String.format(
        Locale.ROOT,
        "goroscope: %d process%s, %d goroutines seen, %d %s, %d contexts with a"
            + " deadline, %d deadline overruns, %d events lost",
        processes, processes == 1 ? "" : "es", goroutinesSeen, spansExported, exportedLabel,
        contexts, deadlineOverruns, eventsLost) + (sampled.isEmpty() ? "" : "; " + sampled);
  }
}
