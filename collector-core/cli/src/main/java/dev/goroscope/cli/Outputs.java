package dev.goroscope.cli;

import dev.goroscope.GoroscopeException;
import dev.goroscope.otel.export.BatchConfig;
import dev.goroscope.otel.export.BatchingSpanExporter;
import dev.goroscope.otel.export.OtlpConfig;
import dev.goroscope.otel.metrics.MetricsPipeline;
import dev.goroscope.otel.sink.ExportPipeline;
import dev.goroscope.record.RecordSink;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The exporters one run writes to — console tree, JSON lines, OTLP spans and metrics, any
 * combination — behind one {@link RecordSink} ({@link ExportPipeline}), with the counters the
 * status line and the summary show.
 */
final class Outputs {

  /** The output kinds of {@code --output}. */
  enum Kind {
    CONSOLE,
    JSONL,
    OTLP
  }

  private final ExportPipeline pipeline;

  private Outputs(ExportPipeline pipeline) {
    this.pipeline = pipeline;
  }

  /**
   * @param kinds which outputs
   * @param otlp OTLP settings (environment plus flags); used when {@code kinds} has OTLP
   * @param serviceName {@code --service-name}, or null for OTEL_SERVICE_NAME / the executable
   * @param targetExecutable the watched executable's path, naming the metrics' service
   * @param traceRoots functions whose goroutines start their own trace
   * @param jsonlFile where JSON lines go, or null for standard output
   */
  static Outputs create(
      Set<Kind> kinds, OtlpConfig otlp, String serviceName, String targetExecutable,
      List<String> traceRoots, Path jsonlFile, OutputStream stdout, OutputStream stderr) {
    ExportPipeline.Builder b =
        ExportPipeline.builder()
            .setServiceName(serviceName)
            .setRootFunctions(traceRoots)
            .setTargetExecutable(targetExecutable);
    boolean jsonlOnStdout = kinds.contains(Kind.JSONL) && jsonlFile == null;
    if (kinds.contains(Kind.JSONL)) {
      b.enableJsonLines(jsonlFile == null ? stdout : open(jsonlFile), jsonlFile != null);
    }
    if (kinds.contains(Kind.CONSOLE)) {
      // Keep standard output clean for JSON lines when both are asked for.
      b.enableConsole(new PrintStream(jsonlOnStdout ? stderr : stdout, true,
          StandardCharsets.UTF_8));
    }
    if (kinds.contains(Kind.OTLP)) {
      b.enableOtlp(otlp).enableMetrics(MetricsPipeline.DEFAULT_INTERVAL);
    }
    try {
      return new Outputs(b.build());
    } catch (IllegalArgumentException e) {
      throw new GoroscopeException("outputs: " + e.getMessage());
    }
  }

  RecordSink sink() {
    return pipeline;
  }

  /** Spans acknowledged by the OTLP backend, or, without OTLP, spans or JSON lines written. */
  long exported() {
    ExportPipeline.Summary s = pipeline.summary();
    if (s.spansExported() > 0 || s.spansDropped() > 0 || s.spansQueued() > 0) {
      return s.spansExported();
    }
    return s.spans() > 0 ? s.spans() : s.jsonLines();
  }

  /** Spans the OTLP exporter dropped (queue full, retries exhausted, shutdown). */
  long dropped() {
    return pipeline.summary().spansDropped();
  }

  /** A one-line problem report for the summary, or empty. */
  String problems() {
    ExportPipeline.Summary s = pipeline.summary();
    if (s.spansDropped() > 0) {
      // "java.net.ConnectException: Failed to connect …" → "Failed to connect …"
      String cause = s.lastExportError().replaceFirst("^([a-z_$][\\w$]*\\.)+[\\w$]+: ", "");
      return "OTLP export dropped " + s.spansDropped() + " spans (last error: " + cause + ")";
    }
    return "";
  }

  /**
   * The longest the outputs take to close after a stop, whatever the backend does: spans and
   * metrics get {@link BatchConfig#DEFAULT_SHUTDOWN_TIMEOUT} together (they close at once), the
   * span exporter one {@link BatchingSpanExporter#EXPORTER_SHUTDOWN_GRACE} more.
   */
  static Duration shutdownTimeout() {
    return BatchConfig.DEFAULT_SHUTDOWN_TIMEOUT.plus(BatchingSpanExporter.EXPORTER_SHUTDOWN_GRACE);
  }

  private static OutputStream open(Path file) {
    try {
      return new FileOutputStream(file.toFile());
    } catch (IOException e) {
      throw new GoroscopeException("cannot write " + file + ": " + e.getMessage());
    }
  }
}
