package dev.goroscope.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goroscope.GoroscopeException;
import dev.goroscope.otel.export.OtlpSetup;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code goroscope report} through {@link Main#run}, and {@code --output html=PATH} parsing. */
class ReportCommandTest {
  private static final String PROCESS = "{\"type\":\"process\",\"pid\":7,\"executable\":"
      + "\"/srv/api\",\"goVersion\":\"go1.26.8\",\"modulePath\":\"example.com/api\"}";
  private static final String GOROUTINE = "{\"type\":\"goroutine\",\"pid\":7,\"goid\":%d,"
      + "\"parentGoid\":1,\"parentTraced\":true,\"startFunction\":\"main.worker\","
      + "\"createdAt\":{\"function\":\"main.main\",\"file\":\"/src/main.go\",\"line\":9},"
      + "\"startNs\":1000,\"endNs\":2000,\"state\":\"exited\",\"partial\":false,"
      + "\"deadlineOverrun\":false,\"overrun\":null,\"leakCandidate\":false}";

  @TempDir Path dir;

  @Test
  void writesTheReportBesideTheRunByDefault() throws Exception {
    Path run = Files.writeString(dir.resolve("run.jsonl"),
        String.join("\n", PROCESS, GOROUTINE.formatted(2), GOROUTINE.formatted(3)) + "\n");
    InspectCommandTest.Result r = InspectCommandTest.run("report", run.toString());
    assertThat(r.code()).as(r.err()).isZero();
    Path html = dir.resolve("run.html");
    assertThat(r.err()).isEqualTo("goroscope: report written to " + html
        + " (2 goroutines, 0 deadline overruns, 0 leak candidates)\n");
    assertThat(Files.readString(html)).startsWith("<!DOCTYPE html>")
        .contains("<title>goroscope report: api (pid 7)</title>");
  }

  @Test
  void linesThatAreNotGoroscopesAreSkippedWithOneLineSaid() throws Exception {
    Path run = Files.writeString(dir.resolve("mixed.jsonl"),
        String.join("\n", "goroscope: attached to pid 7", PROCESS, GOROUTINE.formatted(2)) + "\n");
    Path html = dir.resolve("out.html");
    InspectCommandTest.Result r = InspectCommandTest.run("report", run.toString(), "-o",
        html.toString());
    assertThat(r.code()).isZero();
    assertThat(r.err().lines().toList()).containsExactly(
        "goroscope: skipped 1 lines of " + run + " that are not goroscope JSON lines"
            + " (line 1: not JSON: goroscope: attached to pid 7)",
        "goroscope: report written to " + html + " (1 goroutines, 0 deadline overruns, 0 leak"
            + " candidates)");
    assertThat(html).exists();
  }

  @Test
  void badInputIsOneLineAndExitCodeTwo() throws Exception {
    Path garbage = Files.write(dir.resolve("core"), new byte[] {0x7f, 'E', 'L', 'F', 0, 1, '\n'});
    Path empty = Files.writeString(dir.resolve("empty.jsonl"), "");
    Path run = Files.writeString(dir.resolve("run.jsonl"), PROCESS + "\n");
    List<List<String>> cases = List.of(
        List.of("report", dir.resolve("nope.jsonl").toString()),
        List.of("report", garbage.toString(), "-o", dir.resolve("x.html").toString()),
        List.of("report", empty.toString()),
        List.of("report", run.toString(), "-o", dir.resolve("no/such/dir/x.html").toString()),
        List.of("report", "-"),
        List.of("report", dir.toString()));
    List<String> expected = List.of(
        "goroscope: " + dir.resolve("nope.jsonl") + ": no such file",
        "goroscope: " + garbage + " holds no goroscope JSON lines (line 1: not JSON: \u007fELF",
        "goroscope: " + empty + " holds no goroscope JSON lines: write one with attach --output"
            + " jsonl --jsonl-file RUN.jsonl",
        "goroscope: cannot write " + dir.resolve("no/such/dir/x.html") + ": no such directory "
            + dir.resolve("no/such/dir"),
        "goroscope: reading standard input: say where the report goes with -o PATH.html",
        "goroscope: cannot read " + dir + ":");
    for (int i = 0; i < cases.size(); i++) {
      InspectCommandTest.Result r = InspectCommandTest.run(cases.get(i).toArray(String[]::new));
      assertThat(r.code()).as("%s: %s", cases.get(i), r.err()).isEqualTo(2);
      assertThat(r.err().lines().toList()).as("%s", cases.get(i)).singleElement().asString()
          .startsWith(expected.get(i));
    }
  }

  @Test
  void anHtmlReportAloneIsAnOutputAndIsWrittenFinalWhenTheSinkCloses() throws Exception {
    Path html = dir.resolve("only.html");
    Outputs outputs = Outputs.create(EnumSet.noneOf(Outputs.Kind.class),
        OtlpSetup.builder(), null,
        "/srv/api", List.of(), null, html, OutputStream.nullOutputStream(),
        OutputStream.nullOutputStream());
    assertThat(html).exists(); // written at once: a path that cannot be written fails up front
    assertThat(Files.readString(html)).contains("\"liveRefreshSeconds\":3.0");
    outputs.sink().close();
    assertThat(Files.readString(html)).contains("\"liveRefreshSeconds\":0.0");
    assertThat(outputs.exported()).isZero();
    assertThat(outputs.problems()).isEmpty();
    assertThat(outputs.htmlReportLine())
        .isEqualTo("HTML report written to " + html + " (0 goroutines)");
    assertThatThrownBy(() -> Outputs.create(EnumSet.noneOf(Outputs.Kind.class),
        OtlpSetup.builder(), null,
        "/srv/api", List.of(), null, dir.resolve("gone/x.html"),
        OutputStream.nullOutputStream(), OutputStream.nullOutputStream()))
        .isInstanceOf(GoroscopeException.class)
        .hasMessage("--output html=" + dir.resolve("gone/x.html") + ": cannot write it: no such"
            + " directory: " + dir.resolve("gone"));
  }

  @Test
  void htmlOutputNeedsAPathAndSitsBesideTheOtherOutputs() {
    OutputOptions o = new OutputOptions();
    o.outputs = List.of("console", "html=/tmp/r.html");
    assertThat(o.htmlReport()).isEqualTo(Path.of("/tmp/r.html"));
    o.outputs = List.of("html");
    assertThatThrownBy(o::htmlReport).isInstanceOf(GoroscopeException.class)
        .hasMessage("--output html needs a file: --output html=PATH");
    o.outputs = List.of("html=");
    assertThatThrownBy(o::htmlReport).isInstanceOf(GoroscopeException.class)
        .hasMessage("--output html needs a file: --output html=PATH");
    o.outputs = List.of();
    assertThat(o.htmlReport()).isNull();
    o.defaultHtmlReport = Path.of("/tmp/demo.html");
    assertThat(o.htmlReport()).as("the demo's report when --output is not given")
        .isEqualTo(Path.of("/tmp/demo.html"));
    o.outputs = List.of("jsonl");
    assertThat(o.htmlReport()).as("--output given: only what it names").isNull();
  }
}
