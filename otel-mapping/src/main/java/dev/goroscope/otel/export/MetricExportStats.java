package dev.goroscope.otel.export;

/**
 * A snapshot of what a {@link CountingMetricExporter} did. Every data point handed to it is
 * exported, dropped, or still pending.
 *
 * @param exports export requests made (one per collection the SDK pushed)
 * @param failedExports of those, the ones that failed or went unanswered
 * @param pointsExported data points the backend acknowledged
 * @param pointsDropped data points of failed exports
 * @param pointsPending data points of exports not answered yet
 * @param lastError the last failure, or empty
 */
public record MetricExportStats(
    long exports,
    long failedExports,
    long pointsExported,
    long pointsDropped,
    long pointsPending,
    String lastError) {

  public static final MetricExportStats NONE = new MetricExportStats(0, 0, 0, 0, 0, "");
}
