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
import org.junit.jupiter.api.io.TempDir;

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

  /**
   * Ctrl-C in the middle of the demo (real SIGINT to the real command): the summary is printed,
   * the exit code is 0, and the example server, the load generator and the build directory are
   * gone with it.
   */
  @Test
  void ctrlCStopsTheDemoAndLeavesNothingBehind(@TempDir Path tmp) throws IOException {
    Path repo = Examples.moduleDir().getParent();
    List<String> command = List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.io.tmpdir=" + tmp, "-jar", Goroscope.jar().toString(), "demo",
        "--requests", "100000", "--examples", repo.resolve("examples").toString());
    Map<String, String> env = Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "", "OTEL_SERVICE_NAME", "");
    try (ExampleProcess demo = ExampleProcess.start("goroscope-demo", command, repo, env)) {
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (demo.stderr().stream().noneMatch(l -> l.startsWith("goroscope demo: sending"))) {
        assertThat(demo.isAlive()).as(demo.transcript()).isTrue();
        assertThat(System.nanoTime()).as("load started in time\n%s", demo.transcript())
            .isLessThan(deadline);
        sleep(100);
      }
      sleep(2000);
      List<Long> started = processesRunningFrom(tmp);
      assertThat(started).as("the example server and the load generator run from %s", tmp)
          .hasSize(2);

      assertThat(demo.interrupt(Duration.ofSeconds(60))).as(demo.transcript()).isZero();
      assertThat(demo.stderr()).as(demo.transcript())
          .anyMatch(l -> SUMMARY.matcher(l).matches())
          .anyMatch(l -> l.startsWith(
              "goroscope demo: open file://" + tmp.resolve("goroscope-demo.html")));
      long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!processesRunningFrom(tmp).isEmpty() && System.nanoTime() < end) {
        sleep(100);
      }
      assertThat(processesRunningFrom(tmp)).as("processes left behind").isEmpty();
      try (var left = Files.list(tmp)) {
        // The HTML report (goroscope-demo.html) is the demo's result and stays; the build
        // directory goes.
        assertThat(left.map(Path::toString).toList()).as("build directory left behind")
            .noneMatch(f -> f.contains("goroscope-demo") && !f.endsWith("goroscope-demo.html"));
      }
    }
  }

  /** Pids whose executable lies under {@code dir}. */
  private static List<Long> processesRunningFrom(Path dir) {
    return ProcessHandle.allProcesses()
        .filter(p -> {
          try {
            return Files.readSymbolicLink(Path.of("/proc/" + p.pid() + "/exe")).toString()
                .replace(" (deleted)", "").startsWith(dir.toString());
          } catch (IOException | UnsupportedOperationException e) {
            return false;
          }
        })
        .map(ProcessHandle::pid)
        .toList();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
