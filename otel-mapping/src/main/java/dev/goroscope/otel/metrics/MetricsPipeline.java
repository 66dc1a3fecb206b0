package dev.goroscope.otel.metrics;

import dev.goroscope.otel.export.BatchConfig;
import dev.goroscope.otel.export.OtlpConfig;
import dev.goroscope.otel.export.OtlpExporters;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * An SDK meter provider that pushes goroscope's metrics over OTLP every {@code interval}.
 * {@link #close()} exports a last time and shuts down, waiting at most {@link
 * #SHUTDOWN_TIMEOUT} whatever the backend does (the SDK finishes in the background).
 */
public final class MetricsPipeline implements AutoCloseable {

  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  /** The longest {@link #close()} waits for the last export: the spans' shutdown time. */
  public static final Duration SHUTDOWN_TIMEOUT = BatchConfig.DEFAULT_SHUTDOWN_TIMEOUT;

  private final SdkMeterProvider provider;

  private MetricsPipeline(SdkMeterProvider provider) {
    this.provider = provider;
  }

  /** Metrics over OTLP as configured (the metrics endpoint, e.g. {@code /v1/metrics}). */
  public static MetricsPipeline otlp(OtlpConfig config, Resource resource, Duration interval) {
    return create(OtlpExporters.metricExporter(config), resource, interval);
  }

  public static MetricsPipeline create(
      MetricExporter exporter, Resource resource, Duration interval) {
    Objects.requireNonNull(exporter, "exporter");
    SdkMeterProvider provider =
        SdkMeterProvider.builder()
            .setResource(Objects.requireNonNull(resource, "resource"))
            .registerMetricReader(
                PeriodicMetricReader.builder(exporter).setInterval(interval).build())
            .build();
    return new MetricsPipeline(provider);
  }

  public Meter meter() {
    return provider.get("dev.goroscope");
  }

  /** A metrics sink recording on this pipeline and closing it when closed. */
  public GoroutineMetricsSink sink() {
    return new GoroutineMetricsSink(meter(), this);
  }

  public void forceFlush() {
    provider.forceFlush().join(10, TimeUnit.SECONDS);
  }

  /**
   * Exports a last time and shuts down, waiting at most {@link #SHUTDOWN_TIMEOUT}: the SDK's
   * shutdown can itself block on an export that is never answered, so it runs on a thread of
   * its own that is left behind (a daemon) when the time is up.
   */
  @Override
  public void close() {
    Thread shutdown = new Thread(
        () -> provider.shutdown().join(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
        "goroscope-metrics-shutdown");
    shutdown.setDaemon(true);
    shutdown.start();
    try {
      shutdown.join(SHUTDOWN_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
