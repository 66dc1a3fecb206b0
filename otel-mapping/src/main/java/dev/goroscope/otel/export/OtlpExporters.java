package dev.goroscope.otel.export;

import dev.goroscope.otel.export.OtlpConfig.Signal;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporterBuilder;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporterBuilder;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporterBuilder;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Builds the SDK's OTLP exporters from an {@link OtlpConfig}. Their own retry is switched off:
 * {@link BatchingSpanSink} retries with its own bounded backoff so that a backend outage costs
 * bounded memory and counted drops, never a blocked caller.
 */
public final class OtlpExporters {

  /** Held so the level set by {@link #quietSdkLogging()} is not garbage collected. */
  private static final java.util.logging.Logger SDK_LOGGER =
      java.util.logging.Logger.getLogger("io.opentelemetry");

  private OtlpExporters() {}

  /**
   * Silences the SDK's own java.util.logging warnings (one per failed export while a backend is
   * away); goroscope reports failures through {@link ExportStats} instead. For the CLI to call.
   */
  public static void quietSdkLogging() {
    SDK_LOGGER.setLevel(java.util.logging.Level.OFF);
  }

  /**
   * @throws IllegalArgumentException when a certificate file cannot be read
   */
  public static SpanExporter spanExporter(OtlpConfig c) {
    // Own executor: the sender's default pool rejects calls when several batches are in flight
    // (BatchingSpanSink exports concurrently); a fixed pool queues them instead.
    ExecutorService executor = Executors.newFixedThreadPool(
        BatchConfig.DEFAULT_MAX_CONCURRENT_EXPORTS,
        r -> {
          Thread t = new Thread(r, "goroscope-otlp-sender");
          t.setDaemon(true);
          return t;
        });
    try {
      return new ExecutorClosingSpanExporter(spanExporter(c, executor), executor);
    } catch (RuntimeException e) {
      executor.shutdownNow();
      throw e;
    }
  }

  private static SpanExporter spanExporter(OtlpConfig c, ExecutorService executor) {
    Signal s = Signal.TRACES;
    if (c.protocol(s) == OtlpProtocol.GRPC) {
      OtlpGrpcSpanExporterBuilder b =
          OtlpGrpcSpanExporter.builder()
              .setExecutorService(executor)
              .setEndpoint(c.endpoint(s))
              .setTimeout(c.timeout(s))
              .setCompression(c.compression(s))
              .setRetryPolicy(null);
      applyHeadersAndTls(c, s, b::addHeader, b::setTrustedCertificates, b::setClientTls);
      return b.build();
    }
    OtlpHttpSpanExporterBuilder b =
        OtlpHttpSpanExporter.builder()
            .setExecutorService(executor)
            .setEndpoint(c.endpoint(s))
            .setTimeout(c.timeout(s))
            .setCompression(c.compression(s))
            .setRetryPolicy(null);
    applyHeadersAndTls(c, s, b::addHeader, b::setTrustedCertificates, b::setClientTls);
    return b.build();
  }

  /** The metric exporter; the SDK's default retry is kept (metrics are cumulative). */
  public static MetricExporter metricExporter(OtlpConfig c) {
    Signal s = Signal.METRICS;
    if (c.protocol(s) == OtlpProtocol.GRPC) {
      OtlpGrpcMetricExporterBuilder b =
          OtlpGrpcMetricExporter.builder()
              .setEndpoint(c.endpoint(s))
              .setTimeout(c.timeout(s))
              .setCompression(c.compression(s));
      applyHeadersAndTls(c, s, b::addHeader, b::setTrustedCertificates, b::setClientTls);
      return b.build();
    }
    OtlpHttpMetricExporterBuilder b =
        OtlpHttpMetricExporter.builder()
            .setEndpoint(c.endpoint(s))
            .setTimeout(c.timeout(s))
            .setCompression(c.compression(s));
    applyHeadersAndTls(c, s, b::addHeader, b::setTrustedCertificates, b::setClientTls);
    return b.build();
  }

  /** Headers and TLS, set alike on every exporter builder (they share no interface). */
  private static void applyHeadersAndTls(OtlpConfig c, Signal s,
      BiConsumer<String, String> header, Consumer<byte[]> trustedCertificates,
      BiConsumer<byte[], byte[]> clientTls) {
    c.headers(s).forEach(header);
    if (c.certificate(s) != null) {
      trustedCertificates.accept(read(c.certificate(s), "certificate"));
    }
    if (c.clientKey(s) != null && c.clientCertificate(s) != null) {
      clientTls.accept(read(c.clientKey(s), "client key"),
          read(c.clientCertificate(s), "client certificate"));
    }
  }

  private static byte[] read(Path p, String what) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "read otlp " + what + " " + p + ": " + e.getMessage()
              + " (check OTEL_EXPORTER_OTLP_CERTIFICATE / the TLS flags)", e);
    }
  }
}
