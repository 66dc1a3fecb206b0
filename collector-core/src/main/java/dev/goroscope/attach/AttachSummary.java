package dev.goroscope.attach;

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
 */
public record AttachSummary(
    int processes,
    long goroutinesSeen,
    long contexts,
    long deadlineOverruns,
    long eventsLost,
    long spansExported) {

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
