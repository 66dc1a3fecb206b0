package dev.goroscope.cli;

import dev.goroscope.GoroscopeException;
import dev.goroscope.otel.jsonl.JsonLinesSink;
import dev.goroscope.otel.report.HtmlReportSink;
import dev.goroscope.otel.report.ReportModel;
import dev.goroscope.otel.time.ClockOffset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code --output html=PATH}: the records go through a {@link JsonLinesSink} into an {@link
 * HtmlReportSink}, so the report reads the documented JSON lines, whatever the records become.
 * Closing the lines (when the run ends) writes the final report.
 */
final class HtmlOutput {
  private final HtmlReportSink report;
  private final JsonLinesSink lines;

  private HtmlOutput(HtmlReportSink report, JsonLinesSink lines) {
    this.report = report;
    this.lines = lines;
  }

  static HtmlOutput open(Path path, List<String> traceRoots, ClockOffset clock) {
    ReportModel model;
    try {
      model = ReportModel.builder().setRootFunctions(traceRoots).build();
    } catch (IllegalArgumentException e) {
      throw new GoroscopeException("--trace-root: " + e.getMessage());
    }
    HtmlReportSink report;
    try {
      report = HtmlReportSink.open(path, model, HtmlReportSink.DEFAULT_REFRESH);
    } catch (IOException e) {
      throw new GoroscopeException("--output html=" + path + ": cannot write it: "
          + e.getMessage());
    }
    return new HtmlOutput(report, new JsonLinesSink(report.jsonLines(), clock, true));
  }

  JsonLinesSink lines() {
    return lines;
  }

  long linesWritten() {
    return lines.linesWritten();
  }

  /** For the end of the run (after the sink closed): where the report is, or what failed. */
  String resultLine() {
    String error = report.lastError();
    ReportModel.Stats s = report.model().stats();
    if (!error.isEmpty()) {
      return "HTML report " + report.path() + " may be out of date: " + error;
    }
    return "HTML report written to " + report.path() + " (" + s.goroutines() + " goroutines)";
  }
}
