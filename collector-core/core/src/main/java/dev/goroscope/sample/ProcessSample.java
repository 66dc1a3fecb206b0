package dev.goroscope.sample;

import java.util.List;
import java.util.Objects;

/**
 * Every goroutine of one process at one moment, read from its memory.
 *
 * @param pid the process
 * @param goVersion the Go version of its executable ({@code go1.26.8})
 * @param timestampNs CLOCK_MONOTONIC ns ({@link System#nanoTime()}, and the runtime's {@code
 *     nanotime}) when reading started
 * @param durationNs how long reading took (wall time)
 * @param goroutines the goroutines, by ascending goid
 * @param stats how the read went
 * @param notes what this sample could not cover and why (e.g. no channel state without the
 *     offsets), one line each
 */
public record ProcessSample(int pid, String goVersion, long timestampNs, long durationNs,
    List<GoroutineSample> goroutines, SampleStats stats, List<String> notes) {

  public ProcessSample {
    Objects.requireNonNull(goVersion, "goVersion");
    goroutines = List.copyOf(goroutines);
    Objects.requireNonNull(stats, "stats");
    notes = List.copyOf(notes);
  }
}
