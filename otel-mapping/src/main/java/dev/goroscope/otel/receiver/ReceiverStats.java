package dev.goroscope.otel.receiver;

/**
 * A snapshot of the receiver's counters, for the summary line and tests.
 *
 * @param traces spans
 * @param metrics metric data points
 * @param logs log records
 * @param rejectedAuth requests refused for a missing or wrong required header
 * @param rejectedInvalid requests refused as malformed: not OTLP, too large, unsupported media
 *     type or encoding, wrong path or method
 * @param spansMatched spans the enricher added attributes to
 * @param spansUnmatched spans it could not match (answered none, threw, or still pending when
 *     the wait was over); both 0 without an enricher
 * @param queuedBytes bytes held now
 * @param maxQueuedBytes the most bytes held at once so far
 * @param queueLimitBytes the bound ({@link ReceiverConfig#maxQueueBytes()})
 * @param failedAttempts forwarding attempts that failed (each retry counts)
 * @param lastError the last forwarding failure, or empty
 */
public record ReceiverStats(
    SignalStats traces,
    SignalStats metrics,
    SignalStats logs,
    long rejectedAuth,
    long rejectedInvalid,
    long spansMatched,
    long spansUnmatched,
    long queuedBytes,
    long maxQueuedBytes,
    long queueLimitBytes,
    long failedAttempts,
    String lastError) {

  public SignalStats of(Signal signal) {
    switch (signal) {
      case TRACES:
        return traces;
      case METRICS:
        return metrics;
      default:
        return logs;
    }
  }

  /**
   * One line for the end-of-run summary, e.g. {@code otlp receiver: 12 requests, 3400 spans
   * received, 3400 forwarded, 0 refused, 0 dropped, 0 rejected (auth)}.
   */
  public String summaryLine() {
    StringBuilder b = new StringBuilder("otlp receiver: ");
    long requests = traces.receivedRequests() + metrics.receivedRequests()
        + logs.receivedRequests();
    b.append(requests).append(requests == 1 ? " request, " : " requests, ")
        .append(traces.receivedItems()).append(" spans received, ")
        .append(traces.forwardedItems()).append(" forwarded, ")
        .append(traces.refusedItems()).append(" refused (queue full), ")
        .append(traces.dropped() + traces.rejectedByBackend()).append(" dropped, ")
        .append(rejectedAuth).append(" rejected (auth)");
    if (spansMatched + spansUnmatched > 0) {
      b.append(", ").append(spansMatched).append(" enriched, ")
          .append(spansUnmatched).append(" unmatched");
    }
    long other = metrics.receivedItems() + logs.receivedItems();
    if (other > 0) {
      b.append("; ").append(metrics.forwardedItems()).append('/').append(metrics.receivedItems())
          .append(" data points and ").append(logs.forwardedItems()).append('/')
          .append(logs.receivedItems()).append(" log records forwarded");
    }
    if (rejectedInvalid > 0) {
      b.append("; ").append(rejectedInvalid).append(" malformed requests refused");
    }
    return b.toString();
  }

  /** A one-line problem report (drops and their last cause), or empty. */
  public String problems() {
    long dropped = traces.dropped() + traces.rejectedByBackend() + metrics.dropped()
        + metrics.rejectedByBackend() + logs.dropped() + logs.rejectedByBackend();
    if (dropped == 0) {
      return "";
    }
    return "otlp receiver dropped " + dropped + " received items (spans, data points, log"
        + " records) on the way to the backend (last error: " + lastError + ")";
  }
}
