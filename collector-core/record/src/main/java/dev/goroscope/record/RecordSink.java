package dev.goroscope.record;

/**
 * Receives what the correlator rebuilds, as lifecycle calls: every goroutine is started once,
 * possibly updated, and ended once (exited, its process ended, evicted, or watching stopped
 * while it was alive — then {@link Goroutine#isPartial()}); every context with a deadline is
 * created once, possibly updated, and ended once. Implemented by the outputs (spans, JSON
 * lines, metrics, the HTML report) and called by the correlator from a single thread.
 *
 * <p>Implementations must not block for long or throw: a backend that is down is handled
 * inside the sink (bounded queue, counted drops), never by slowing the correlator.
 */
public interface RecordSink extends AutoCloseable {

  /** A process is being traced; called before any call about its goroutines. */
  default void processStarted(ProcessInfo process) {}

  /**
   * A goroutine is tracked from now on: created while watched, found alive at attach, or first
   * seen through another event. Its creator, when tracked, was started before it.
   */
  default void goroutineStarted(Goroutine g) {}

  /**
   * Periodic news of a goroutine still alive (every partial-flush interval for goroutines at
   * least that old, and when {@link dev.goroscope.record.RecordSink#flush()} is forced).
   */
  default void goroutineUpdated(Goroutine g) {}

  /** The last call about this goroutine: exited, or no longer watched ({@code isPartial()}). */
  void goroutineEnded(Goroutine g);

  /**
   * An event of a live goroutine, as it happens (in stream order), for outputs that act at once
   * rather than when the goroutine is updated or ends — e.g. {@link AppSpanEvents#START}, which
   * the OTLP receiver needs to add {@code goroutine.id} to the application's span. Only kinds
   * that outputs need early are announced (today: application spans); every event is in
   * {@link Goroutine#events()} as well.
   */
  default void goroutineEvent(Goroutine g, GoroutineEvent event) {}

  /** A context with a deadline was created. */
  default void contextCreated(ContextRecord c) {}

  /** Periodic news of a context still live. */
  default void contextUpdated(ContextRecord c) {}

  /** The last call about this context: cancelled or its deadline fired (or no longer watched). */
  default void contextEnded(ContextRecord c) {}

  /** The kernel dropped {@code count} events of this process since the last report. */
  default void eventsLost(int pid, long count) {}

  /** The process ended; no more calls about this pid follow (until a new process reuses it). */
  default void processEnded(int pid, long timestampNs) {}

  /** Pushes buffered data out; may return before it is delivered. */
  default void flush() {}

  /** Flushes and releases resources, waiting a bounded time. Idempotent. */
  @Override
  default void close() {}
}
