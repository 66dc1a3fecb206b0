package dev.goroscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.attach.AttachSummary;
import dev.goroscope.otel.export.OtlpSetup;
import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.record.GoroutineState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the summary line says the outputs did: spans exported, or records written. */
class OutputsTest {

  @TempDir Path dir;

  @Test
  void jsonLinesAloneWriteRecords() {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    Outputs outputs = create(EnumSet.of(Outputs.Kind.JSONL), null, stdout);
    outputs.sink().goroutineEnded(exited(7));
    outputs.sink().goroutineEnded(exited(8));
    outputs.sink().close();
    assertThat(outputs.exportedLabel()).isEqualTo(AttachSummary.RECORDS_WRITTEN);
    assertThat(outputs.exported()).isEqualTo(2);
    assertThat(stdout.toString().lines()).hasSize(2);
    assertThat(summary(outputs).line(outputs.exportedLabel())).isEqualTo(
        "goroscope: 1 process, 2 goroutines seen, 2 records written, 0 contexts with a deadline,"
            + " 0 deadline overruns, 0 events lost");
  }

  @Test
  void anHtmlReportAloneWritesRecords() {
    Outputs outputs = create(EnumSet.noneOf(Outputs.Kind.class), dir.resolve("r.html"),
        OutputStream.nullOutputStream());
    outputs.sink().close();
    assertThat(outputs.exportedLabel()).isEqualTo(AttachSummary.RECORDS_WRITTEN);
  }

  @Test
  void aSpanExporterExportsSpans() {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    Outputs outputs = create(EnumSet.of(Outputs.Kind.CONSOLE, Outputs.Kind.JSONL), null, console);
    outputs.sink().goroutineEnded(exited(7));
    outputs.sink().close();
    assertThat(outputs.exportedLabel()).isEqualTo(AttachSummary.SPANS_EXPORTED);
    assertThat(summary(outputs).line(outputs.exportedLabel())).contains(", 1 spans exported, ");
    assertThat(summary(outputs).toString()).contains(", 1 spans exported, ");
  }

  /**
   * Spans and metrics to ports nothing listens on: one line on stderr when the first metrics
   * push fails, and the problems line counts both.
   */
  @Test
  void aDeadMetricsBackendIsOneLineAndCountedInTheProblems() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    String metrics = "http://127.0.0.1:" + port + "/v1/metrics";
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    Outputs outputs = Outputs.create(EnumSet.of(Outputs.Kind.OTLP), OtlpSetup.builder()
            .setProperty("otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:" + port)
            .setProperty("otel.exporter.otlp.metrics.endpoint", metrics),
        null, "/srv/api", List.of(), null, null, OutputStream.nullOutputStream(), stderr);
    outputs.sink().goroutineEnded(exited(7));
    outputs.sink().close(); // the last metrics push fails
    List<String> lines = stderr.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).matches("goroscope: OTLP metrics export failed \\("
        + Pattern.quote(metrics) + "\\): [1-9]\\d* data points? dropped so far \\(last error:"
        + " Failed to connect to .*\\)");
    assertThat(outputs.problems()).matches("OTLP export dropped 1 span \\(last error: .+\\);"
        + " OTLP metrics export dropped [1-9]\\d* data points? in 1 failed export"
        + " \\(last error: Failed to connect to .*\\)");
  }

  private Outputs create(EnumSet<Outputs.Kind> kinds, Path html, OutputStream stdout) {
    return Outputs.create(kinds, OtlpSetup.builder(), null, "/srv/api", List.of(), null, html,
        stdout, OutputStream.nullOutputStream());
  }

  private static AttachSummary summary(Outputs outputs) {
    return new AttachSummary(1, outputs.exported(), 0, 0, 0, outputs.exported(), null, 0);
  }

  private static GoroutineRecord exited(long goid) {
    return GoroutineRecord.builder(4242, goid).setStartNs(10).setEndNs(20)
        .setState(GoroutineState.EXITED).build();
  }
}
