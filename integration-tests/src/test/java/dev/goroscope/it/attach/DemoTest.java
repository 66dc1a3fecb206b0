package dev.goroscope.it.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.it.browser.Chromium;
import dev.goroscope.it.browser.ReportPage;
import dev.goroscope.it.cli.Goroscope;
import dev.goroscope.it.go.ExampleProcess;
import dev.goroscope.it.go.Examples;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's main job, {@code ./goroscope demo}, as a new user runs it from the repository:
 * the console tree, the summary, and the HTML report whose path it prints, opened in Chromium.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class DemoTest {
  private static final Pattern SUMMARY =
      Pattern.compile("goroscope: 1 process, (\\d+) goroutines seen, (\\d+) spans exported,"
          + " (\\d+) contexts with a deadline, (\\d+) deadline overruns, (\\d+) events lost");

  @Test
  void demoShowsDeadlineOverrunsInTheConsoleAndStopsByItself() throws IOException {
    Instant started = Instant.now().minusSeconds(1);
    Path repo = Examples.moduleDir().getParent();
    Goroscope.jar(); // fails clearly when the jar the script runs is not built
    // Without an OTLP endpoint the console tree is the output, as the README promises.
    Map<String, String> env = Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "", "OTEL_SERVICE_NAME", "");
    try (ExampleProcess demo =
        ExampleProcess.start("goroscope-demo", List.of(repo.resolve("goroscope").toString(), "demo"),
            repo, env)) {
      assertThat(demo.awaitExit(Duration.ofMinutes(5))).as(demo.transcript()).isZero();
      List<String> overrunLines =
          demo.stdout().stream().filter(l -> l.contains("DEADLINE OVERRUN")).toList();
      assertThat(overrunLines).as(demo.transcript()).isNotEmpty()
          .allMatch(l -> l.contains("main.(*server).audit"));
      assertThat(demo.stdout()).anyMatch(l -> l.startsWith("trace "));
      List<String> summaries =
          demo.stderr().stream().filter(l -> SUMMARY.matcher(l).matches()).toList();
      assertThat(summaries).as(demo.transcript()).hasSize(1);
      Matcher m = SUMMARY.matcher(summaries.get(0));
      assertThat(m.matches()).isTrue();
      assertThat(Long.parseLong(m.group(4))).as("overruns in the summary")
          .isEqualTo(overrunLines.size());
      assertThat(Long.parseLong(m.group(5))).as("events lost").isZero();

      // the HTML report: its path printed, written by this run, showing the same overruns
      List<String> open = demo.stderr().stream()
          .filter(l -> l.startsWith("goroscope demo: open file:")).toList();
      assertThat(open).as(demo.transcript()).singleElement();
      Path report = Path.of(URI.create(open.get(0).split(" ")[3]));
      assertThat(Files.getLastModifiedTime(report).toInstant()).isAfter(started);
      try (Chromium browser = Chromium.start()) {
        ReportPage page = ReportPage.open(browser, report);
        assertThat(page.number("return goroscopeReport.counts.overruns"))
            .isEqualTo(Long.parseLong(m.group(4)));
        assertThat(page.number("return goroscopeReport.counts.goroutines"))
            .isEqualTo(Long.parseLong(m.group(1)));
        assertThat(page.text("#tl-legend")).as("deep mode: states").contains("channel or select");
        page.screenshot("demo-timeline");
        assertThat(page.consoleErrors()).isEmpty();
      }
    }
  }
}
