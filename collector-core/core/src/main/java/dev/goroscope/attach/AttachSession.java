package dev.goroscope.attach;

import dev.goroscope.correlate.CorrelatorStats;
import java.time.Duration;

/**
 * One {@code goroscope attach} run, whatever the mode: {@link Attacher} (probes) or {@link
 * SampledAttacher} (memory samples, precise bursts). {@link #run()} does everything on the
 * calling thread; {@link #requestStop()} may be called from any thread.
 */
public interface AttachSession {

  /** Runs until stopped; then flushes and returns what was seen. */
  AttachSummary run();

  /** Asks {@link #run()} to stop soon; safe from any thread. */
  void requestStop();

  /** Waits until the first process is watched; false if it did not happen (yet). */
  boolean awaitAttached(Duration timeout) throws InterruptedException;

  /** Waits for {@link #run()} to have flushed and returned. */
  boolean awaitFinished(Duration timeout) throws InterruptedException;

  /** The correlator's counters; after {@link #run()}. */
  CorrelatorStats correlatorStats();
}
