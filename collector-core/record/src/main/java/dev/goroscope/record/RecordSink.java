package dev.goroscope.record;

/**
 * Receives correlated records. Implemented by the exporters in otel-mapping (OTLP, console,
 * JSON lines) and called by the correlator from a single thread.
 *
 * <p>Implementations must not block for long or throw: a backend that is down is handled
 * inside the sink (bounded queue, counted drops), never by slowing the correlator.
 */
public interface RecordSink extends AutoCloseable {

  /** A process is being traced; called before any record of that pid. */
  default void processStarted(ProcessInfo process) {}

  /** A goroutine record, finished or partial ({@link GoroutineRecord#isPartial()}). */
  void goroutine(GoroutineRecord record);

  /** A context record, ended or live. */
  void context(ContextRecord record);

  /** The kernel dropped {@code count} events of this process since the last report. */
  default void eventsLost(int pid, long count) {}

  /** The process ended; no more records of this pid follow (until a new process reuses it). */
  default void processEnded(int pid, long timestampNs) {}

  /** Pushes buffered data out; may return before it is delivered. */
  default void flush() {}

  /** Flushes and releases resources, waiting a bounded time. Idempotent. */
  @Override
  default void close() {}
}
