package dev.goroscope.otel.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportSinkTest {
  private static final Duration NEVER = Duration.ofHours(1); // refreshes only when asked

  @TempDir Path dir;

  @Test
  void writesAtOnceThenOnRefreshThenAFinalReportWhenTheLinesClose() throws Exception {
    Path file = dir.resolve("run.html");
    HtmlReportSink sink = HtmlReportSink.open(file, ReportModel.create(), NEVER);
    JsonNode first = Lines.data(Files.readString(file));
    assertThat(first.get("goroutines").get("count").asInt()).isZero();
    assertThat(first.get("liveRefreshSeconds").asDouble()).isEqualTo(3600.0);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-r--r--");

    OutputStream lines = sink.jsonLines();
    write(lines, Lines.process(7, "/srv/app") + "\n"
        + Lines.goroutine(7, 1, 0, "runtime.main", "", 0, 1_000, -1) + "\n");
    sink.refresh();
    assertThat(count(file)).isEqualTo(1);
    long written = sink.reportsWritten();
    sink.refresh(); // nothing new: no rewrite
    assertThat(sink.reportsWritten()).isEqualTo(written);

    write(lines, Lines.goroutine(7, 2, 1, "main.worker", "main.main", 9, 2_000, 3_000) + "\n");
    lines.close(); // as JsonLinesSink.close() does at the end of the run
    JsonNode last = Lines.data(Files.readString(file));
    assertThat(last.get("goroutines").get("count").asInt()).isEqualTo(2);
    assertThat(last.get("liveRefreshSeconds").asDouble()).isZero();
    assertThat(sink.lastError()).isEmpty();
    sink.close(); // idempotent
    assertThat(sink.reportsWritten()).isEqualTo(written + 1);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).as("no temporary file left").containsExactly(file);
    }
  }

  @Test
  void refreshesByItselfWhileLinesArrive() throws Exception {
    Path file = dir.resolve("live.html");
    HtmlReportSink sink = HtmlReportSink.open(file, ReportModel.create(), Duration.ofMillis(50));
    write(sink.jsonLines(), Lines.goroutine(7, 1, 0, "runtime.main", "", 0, 1_000, -1) + "\n");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (count(file) != 1 || sink.reportsWritten() < 2) {
      assertThat(System.nanoTime()).as("refreshed within 60 s").isLessThan(deadline);
      Thread.sleep(20);
    }
    sink.close();
  }

  @Test
  void aPathThatCannotBeWrittenFailsAtOpenAndAFailureLaterIsKeptNotThrown() throws Exception {
    assertThatThrownBy(() -> HtmlReportSink.open(dir.resolve("missing/run.html"),
        ReportModel.create(), NEVER)).isInstanceOf(IOException.class)
        .hasMessageContaining("no such directory");
    assertThatThrownBy(() -> HtmlReportSink.open(dir, ReportModel.create(), NEVER))
        .isInstanceOf(IOException.class).hasMessageContaining("is a directory");

    Path sub = Files.createDirectory(dir.resolve("sub"));
    HtmlReportSink sink = HtmlReportSink.open(sub.resolve("run.html"), ReportModel.create(), NEVER);
    Files.delete(sub.resolve("run.html"));
    Files.delete(sub); // the directory goes away while goroscope runs
    write(sink.jsonLines(), Lines.goroutine(7, 1, 0, "runtime.main", "", 0, 1_000, -1) + "\n");
    sink.refresh();
    sink.close();
    assertThat(sink.writeFailures()).isEqualTo(2);
    assertThat(sink.lastError()).startsWith("write " + sub.resolve("run.html"));
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
  }

  private static int count(Path file) throws IOException {
    return Lines.data(Files.readString(file)).get("goroutines").get("count").asInt();
  }
}
