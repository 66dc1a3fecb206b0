package dev.goroscope.otel.export;

/**
 * A snapshot of what a {@link BatchingSpanSink} did. Every span handed to it ends up in exactly
 * one of: exported, one of the dropped counters, or still queued / in flight.
 *
 * @param accepted spans handed to the sink
 * @param exported spans the backend acknowledged
 * @param droppedQueueFull spans refused because the queue was full (backend slow or away)
 * @param droppedRetryExhausted spans of batches that kept failing for the maximum retry time
 * @param droppedAtShutdown spans still undelivered when close() gave up
 * @param failedAttempts export requests that failed (each retry counts)
 * @param queued spans waiting now, including a batch being retried
 * @param lastError the last export failure, or empty
 */
public record ExportStats(
    long accepted,
    long exported,
    long droppedQueueFull,
    long droppedRetryExhausted,
    long droppedAtShutdown,
    long failedAttempts,
    long queued,
    String lastError) {

  /** All spans lost for any reason. */
  public long dropped() {
    return droppedQueueFull + droppedRetryExhausted + droppedAtShutdown;
  }
}
