package dev.goroscope.otel.receiver;

/**
 * What the receiver did with one signal's items (spans, data points or log records). Every item
 * of a well-formed, authorised request ends up in exactly one of: refused, forwarded,
 * rejectedByBackend, one of the dropped counters, or queued:
 * {@code receivedItems = refusedItems + forwardedItems + rejectedByBackend + dropped() + queuedItems}.
 *
 * @param receivedRequests well-formed, authorised requests
 * @param receivedItems their items
 * @param refusedItems items of requests answered 429/503 (RESOURCE_EXHAUSTED/UNAVAILABLE) because
 *     the queue was full or the receiver shutting down: the sender keeps them and may retry
 * @param forwardedRequests requests the backend acknowledged
 * @param forwardedItems items the backend accepted
 * @param rejectedByBackend items the backend refused for good (a permanent error such as 400, or
 *     a partial success)
 * @param droppedBackendDown items given up after {@link ReceiverConfig#maxRetryTime()} of failures
 * @param droppedTimeout the same, when the last attempt timed out (a backend that never answers)
 * @param droppedAtShutdown items still undelivered when shutdown gave up
 * @param queuedItems items held now (waiting for enrichment, queued, sent or retried)
 */
public record SignalStats(
    long receivedRequests,
    long receivedItems,
    long refusedItems,
    long forwardedRequests,
    long forwardedItems,
    long rejectedByBackend,
    long droppedBackendDown,
    long droppedTimeout,
    long droppedAtShutdown,
    long queuedItems) {

  /** Items lost after being accepted. */
  public long dropped() {
    return droppedBackendDown + droppedTimeout + droppedAtShutdown;
  }
}
