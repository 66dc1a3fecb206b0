package dev.goroscope.cli;

import dev.goroscope.otel.console.ConsoleTreeSink;
import dev.goroscope.otel.export.BatchConfig;
import dev.goroscope.otel.export.BatchingSpanSink;
import dev.goroscope.otel.export.OtlpConfig;
import dev.goroscope.otel.export.OtlpExporters;
import dev.goroscope.otel.jsonl.JsonLinesSink;
import dev.goroscope.otel.metrics.MetricsPipeline;
import dev.goroscope.otel.resource.ProcessResources;
import dev.goroscope.otel.sink.CompositeRecordSink;
import dev.goroscope.otel.span.SpanMappingConfig;
import dev.goroscope.otel.span.SpanRecordSink;
import dev.goroscope.otel.span.SpanSink;
import dev.goroscope.otel.span.TraceRootPolicy;
import dev.goroscope.otel.time.ClockOffset;
import dev.goroscope.record.ProcessInfo;
import dev.goroscope.record.RecordSink;
import dev.goroscope.GoroscopeException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The exporters one attach run writes to, composed into one {@link RecordSink}: the console
 * tree, JSON lines and OTLP (spans and metrics), any combination.
 */
final class Outputs {

  /** The output kinds of {@code --output}. */
  enum Kind {
    CONSOLE,
    JSONL,
    OTLP
  }

  private final RecordSink sink;
  private final SpanRecordSink spans;
  private final BatchingSpanSink otlp;
  private final JsonLinesSink jsonl;

  private Outputs(RecordSink sink, SpanRecordSink spans, BatchingSpanSink otlp,
      JsonLinesSink jsonl) {
    this.sink = sink;
    this.spans = spans;
    this.otlp = otlp;
    this.jsonl = jsonl;
  }

  /**
   * @param kinds which outputs
   * @param otlpConfig OTLP settings (environment plus flags); used when {@code kinds} has OTLP
   * @param serviceName {@code --service-name}, or null for OTEL_SERVICE_NAME / the executable
   * @param target what the metrics resource describes
   * @param traceRoots functions whose goroutines start their own trace
   * @param jsonlFile where JSON lines go, or null for standard output
   */
  static Outputs create(
      Set<Kind> kinds, OtlpConfig otlpConfig, String serviceName, ProcessInfo target,
      List<String> traceRoots, Path jsonlFile, PrintStream stdout, PrintStream stderr) {
    ClockOffset clock = ClockOffset.measure();
    ProcessResources resources = ProcessResources.fromEnvironment(serviceName);
    List<RecordSink> sinks = new ArrayList<>();
    List<SpanSink> spanSinks = new ArrayList<>();
    BatchingSpanSink otlp = null;
    JsonLinesSink jsonl = null;
    boolean jsonlOnStdout = kinds.contains(Kind.JSONL) && jsonlFile == null;
    if (kinds.contains(Kind.JSONL)) {
      jsonl = new JsonLinesSink(jsonlStream(jsonlFile, stdout), clock, jsonlFile != null);
      sinks.add(jsonl);
    }
    if (kinds.contains(Kind.CONSOLE)) {
      // Keep standard output clean for JSON lines when both are asked for.
      spanSinks.add(new ConsoleTreeSink(jsonlOnStdout ? stderr : stdout));
    }
    if (kinds.contains(Kind.OTLP)) {
      OtlpExporters.quietSdkLogging();
      otlp = new BatchingSpanSink(OtlpExporters.spanExporter(otlpConfig), BatchConfig.defaults());
      spanSinks.add(otlp);
      MetricsPipeline metrics =
          MetricsPipeline.otlp(otlpConfig, resources.forProcess(target),
              MetricsPipeline.DEFAULT_INTERVAL);
      sinks.add(metrics.sink());
    }
    SpanRecordSink spans = null;
    if (!spanSinks.isEmpty()) {
      SpanMappingConfig mapping =
          SpanMappingConfig.builder()
              .setRootPolicy(TraceRootPolicy.of(traceRoots))
              .setClock(clock)
              .build();
      spans = new SpanRecordSink(mapping, resources, spanSinks);
      sinks.add(0, spans);
    }
    return new Outputs(new CompositeRecordSink(sinks), spans, otlp, jsonl);
  }

  RecordSink sink() {
    return sink;
  }

  /** Spans exported over OTLP, or, without OTLP, spans (or JSON records) written. */
  long exported() {
    if (otlp != null) {
      return otlp.stats().exported();
    }
    if (spans != null) {
      return spans.stats().spans();
    }
    return jsonl != null ? jsonl.linesWritten() : 0;
  }

  /** Spans the OTLP exporter dropped (queue full, retries exhausted, shutdown). */
  long dropped() {
    return otlp != null ? otlp.stats().dropped() : 0;
  }

  /** A one-line problem report for the summary, or empty. */
  String problems() {
    if (otlp != null && otlp.stats().dropped() > 0) {
      return "OTLP export dropped " + otlp.stats().dropped() + " spans (last error: "
          + otlp.stats().lastError() + ")";
    }
    return "";
  }

  static Duration shutdownTimeout() {
    return BatchConfig.DEFAULT_SHUTDOWN_TIMEOUT;
  }

  private static OutputStream jsonlStream(Path file, PrintStream stdout) {
    if (file == null) {
      return stdout;
    }
    try {
      return new FileOutputStream(file.toFile());
    } catch (IOException e) {
      throw new GoroscopeException("cannot write " + file + ": " + e.getMessage());
    }
  }
}
