package dev.goroscope.otel.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A {@link MetricExporter} that counts what the one it wraps (the SDK's OTLP exporter) delivered
 * and what it lost, so that a metrics backend that is down or refuses is reported like a spans
 * backend: the first failed export calls {@code onFirstFailure} with one line, and {@link
 * #stats()} feeds the summary. An export still unanswered when goroscope gives up waiting is
 * counted as lost by {@link #abandonPending(String)}. Every data point handed to it ends up in
 * exactly one of: exported, dropped, or pending.
 */
public final class CountingMetricExporter implements MetricExporter {

  private final MetricExporter delegate;
  private final String endpoint;
  private final Consumer<String> onFirstFailure;

  private final AtomicLong exports = new AtomicLong();
  private final AtomicLong failedExports = new AtomicLong();
  private final AtomicLong pointsExported = new AtomicLong();
  private final AtomicLong pointsDropped = new AtomicLong();
  private final AtomicBoolean reported = new AtomicBoolean();
  private final Set<Pending> pending = ConcurrentHashMap.newKeySet();
  private volatile String lastError = "";

  /**
   * @param delegate the exporter that sends
   * @param endpoint where it sends, for the message ("" when unknown)
   * @param onFirstFailure gets one line ({@link #failureLine()}) at the first failed export
   */
  public CountingMetricExporter(MetricExporter delegate, String endpoint,
      Consumer<String> onFirstFailure) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.onFirstFailure = Objects.requireNonNull(onFirstFailure, "onFirstFailure");
  }

  /** One export on its way; settled once, by its result or by {@link #abandonPending}. */
  private static final class Pending {
    final long points;
    final AtomicBoolean settled = new AtomicBoolean();

    Pending(long points) {
      this.points = points;
    }
  }

  @Override
  public CompletableResultCode export(Collection<MetricData> metrics) {
    Pending p = new Pending(points(metrics));
    exports.incrementAndGet();
    pending.add(p);
    CompletableResultCode result;
    try {
      result = delegate.export(metrics);
    } catch (RuntimeException e) {
      result = CompletableResultCode.ofExceptionalFailure(e);
    }
    CompletableResultCode r = result;
    r.whenComplete(() -> {
      if (r.isSuccess()) {
        if (settle(p)) {
          pointsExported.addAndGet(p.points);
        }
      } else {
        fail(p, ExportFailures.describe(r.getFailureThrowable()));
      }
    });
    return r;
  }

  /**
   * Counts the exports still unanswered as failed (their points dropped), e.g. when the meter
   * provider's shutdown did not end in time; their late results are then ignored.
   */
  public void abandonPending(String reason) {
    for (Pending p : pending) {
      fail(p, reason);
    }
  }

  private void fail(Pending p, String error) {
    if (!settle(p)) {
      return;
    }
    lastError = error;
    failedExports.incrementAndGet();
    pointsDropped.addAndGet(p.points);
    if (reported.compareAndSet(false, true)) {
      onFirstFailure.accept(failureLine());
    }
  }

  private boolean settle(Pending p) {
    pending.remove(p);
    return p.settled.compareAndSet(false, true);
  }

  /**
   * E.g. {@code OTLP metrics export failed (http://127.0.0.1:1/v1/metrics): 12 data points
   * dropped so far (last error: Failed to connect to /127.0.0.1:1)}.
   */
  public String failureLine() {
    return "OTLP metrics export failed" + (endpoint.isEmpty() ? "" : " (" + endpoint + ")")
        + ": " + pointsDropped.get() + " data point" + (pointsDropped.get() == 1 ? "" : "s")
        + " dropped so far (last error: " + lastError + ")";
  }

  public MetricExportStats stats() {
    long waiting = 0;
    for (Pending p : pending) {
      waiting += p.points;
    }
    return new MetricExportStats(exports.get(), failedExports.get(), pointsExported.get(),
        pointsDropped.get(), waiting, lastError);
  }

  /** Data points in an export: what a backend stores, whatever the metric's type. */
  static long points(Collection<MetricData> metrics) {
    long n = 0;
    for (MetricData m : metrics) {
      n += m.getData().getPoints().size();
    }
    return n;
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return delegate.getAggregationTemporality(instrumentType);
  }

  @Override
  public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
    return delegate.getDefaultAggregation(instrumentType);
  }

  @Override
  public MemoryMode getMemoryMode() {
    return delegate.getMemoryMode();
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  @Override
  public String toString() {
    return "CountingMetricExporter{" + delegate + "}";
  }
}
