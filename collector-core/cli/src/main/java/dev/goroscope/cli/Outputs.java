package dev.goroscope.cli;

import dev.goroscope.GoroscopeException;
import dev.goroscope.attach.AttachSummary;
import dev.goroscope.attach.Attacher;
import dev.goroscope.otel.export.BatchConfig;
import dev.goroscope.otel.export.BatchingSpanExporter;
import dev.goroscope.otel.export.MetricExportStats;
import dev.goroscope.otel.export.OtlpSetup;
import dev.goroscope.otel.sink.CompositeRecordSink;
import dev.goroscope.otel.sink.ExportPipeline;
import dev.goroscope.otel.time.ClockOffset;
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
import java.util.function.Consumer;

/**
 * The exporters one run writes to — console tree, JSON lines, OTLP spans and metrics, any
 * combination — behind one {@link RecordSink} ({@link ExportPipeline}), plus the HTML report
 * ({@link HtmlOutput}), with the counters the status line and the summary show.
 */
final class Outputs {

  /** The output kinds of {@code --output}. */
  enum Kind {
    CONSOLE,
    JSONL,
    OTLP
  }

  private final ExportPipeline pipeline; // null when the HTML report is the only output
  private final HtmlOutput html; // null without --output html=PATH
  private final RecordSink sink;

  private Outputs(ExportPipeline pipeline, HtmlOutput html) {
    this.pipeline = pipeline;
    this.html = html;
    this.sink = pipeline == null ? html.lines() : html == null ? pipeline
        : CompositeRecordSink.of(pipeline, html.lines());
  }

  /**
   * @param kinds which outputs
   * @param otlp OTLP settings (environment plus flags); used when {@code kinds} has OTLP
   * @param serviceName {@code --service-name}, or null for OTEL_SERVICE_NAME / the executable
   * @param targetExecutable the watched executable's path, naming the metrics' service
   * @param traceRoots functions whose goroutines start their own trace
   * @param jsonlFile where JSON lines go, or null for standard output
   * @param htmlReport where the HTML report goes, or null for none
   */
  static Outputs create(
      Set<Kind> kinds, OtlpSetup.Builder otlp, String serviceName, String targetExecutable,
      List<String> traceRoots, Path jsonlFile, Path htmlReport, OutputStream stdout,
      OutputStream stderr) {
    return create(kinds, otlp, serviceName, targetExecutable, traceRoots, jsonlFile, htmlReport,
        stdout, stderr, ClockOffset.measure(), pipeline -> { });
  }

  /**
   * As above, on the given clock offset (shared with whatever else compares span times, such as
   * the receiver's enricher), with further settings of the pipeline ({@code more}: extra sinks,
   * mapping).
   */
  static Outputs create(
      Set<Kind> kinds, OtlpSetup.Builder otlp, String serviceName, String targetExecutable,
      List<String> traceRoots, Path jsonlFile, Path htmlReport, OutputStream stdout,
      OutputStream stderr, ClockOffset clock, Consumer<ExportPipeline.Builder> more) {
    ExportPipeline pipeline = kinds.isEmpty() ? null : pipeline(kinds, otlp, serviceName,
        targetExecutable, traceRoots, jsonlFile, stdout, stderr, clock, more);
    HtmlOutput html = htmlReport == null ? null : HtmlOutput.open(htmlReport, traceRoots, clock);
    if (pipeline == null && html == null) {
      throw new GoroscopeException("outputs: no output enabled: choose console, jsonl, otlp or"
          + " html=PATH");
    }
    return new Outputs(pipeline, html);
  }

  private static ExportPipeline pipeline(
      Set<Kind> kinds, OtlpSetup.Builder otlp, String serviceName, String targetExecutable,
      List<String> traceRoots, Path jsonlFile, OutputStream stdout, OutputStream stderr,
      ClockOffset clock, Consumer<ExportPipeline.Builder> more) {
    ExportPipeline.Builder b =
        ExportPipeline.builder()
            .setServiceName(serviceName)
            .setRootFunctions(traceRoots)
            .setTargetExecutable(targetExecutable)
            .setClock(clock);
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
      PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8);
      // On the metrics' own thread: the first failed push, once; the summary counts the rest.
      // On a terminal it starts over the live status line rather than in its middle.
      String start = Attacher.stderrIsTerminal() ? "\r" : "";
      b.enableOtlp(otlp).enableMetrics()
          .setMetricsFailureListener(line -> err.println(start + "goroscope: " + line));
    }
    more.accept(b);
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new GoroscopeException("outputs: " + e.getMessage());
    }
  }

  RecordSink sink() {
    return sink;
  }

  /** Spans acknowledged by the OTLP backend, or, without OTLP, spans or JSON lines written. */
  long exported() {
    if (pipeline == null) {
      return html.linesWritten();
    }
    ExportPipeline.Summary s = pipeline.summary();
    if (s.spansExported() > 0 || s.spansDropped() > 0 || s.spansQueued() > 0) {
      return s.spansExported();
    }
    return s.spans() > 0 ? s.spans() : s.jsonLines();
  }

  /**
   * What {@link #exported()} counts, for the summary: spans when a span exporter (OTLP, the
   * console tree) is configured, else the JSON lines written (JSON lines, HTML report).
   */
  String exportedLabel() {
    return pipeline != null && pipeline.hasSpanExporter() ? AttachSummary.SPANS_EXPORTED
        : AttachSummary.RECORDS_WRITTEN;
  }

  /** Spans the OTLP exporter dropped (queue full, retries exhausted, shutdown). */
  long dropped() {
    return pipeline == null ? 0 : pipeline.summary().spansDropped();
  }

  /** After the run: where the HTML report is (or why it is not), or empty without one. */
  String htmlReportLine() {
    return html == null ? "" : html.resultLine();
  }

  /** A one-line problem report for the summary (lost spans, lost metrics), or empty. */
  String problems() {
    if (pipeline == null) {
      return "";
    }
    ExportPipeline.Summary s = pipeline.summary();
    StringBuilder out = new StringBuilder();
    if (s.spansDropped() > 0) {
      out.append("OTLP export dropped ").append(s.spansDropped())
          .append(s.spansDropped() == 1 ? " span" : " spans").append(" (last error: ")
          .append(withoutExceptionName(s.lastExportError())).append(')');
    }
    MetricExportStats m = s.metrics();
    if (m.pointsDropped() > 0 || m.failedExports() > 0) {
      out.append(out.length() == 0 ? "" : "; ").append("OTLP metrics export dropped ")
          .append(m.pointsDropped()).append(m.pointsDropped() == 1 ? " data point" : " data points")
          .append(" in ").append(m.failedExports())
          .append(" failed export").append(m.failedExports() == 1 ? "" : "s")
          .append(" (last error: ").append(withoutExceptionName(m.lastError())).append(')');
    }
    return out.toString();
  }

  /** "java.net.ConnectException: Failed to connect …" → "Failed to connect …". */
  private static String withoutExceptionName(String error) {
    return error.replaceFirst("^([a-z_$][\\w$]*\\.)+[\\w$]+: ", "");
  }

  /**
   * What became of the application's spans and the goroutines under them, one line; empty when
   * the target started none (no SDK, or none while watched).
   *
   * @param started application spans whose start the probes saw
   * @param ended of those, ended while watched
   */
  String appSpanLine(long started, long ended) {
    if (started == 0) {
      return "";
    }
    ExportPipeline.Summary s = pipeline.summary();
    return "application spans: " + started + " started, " + ended + " ended; "
        + s.underAppSpans() + " goroutines joined their traces, " + s.unsampled()
        + " not exported (unsampled)";
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
