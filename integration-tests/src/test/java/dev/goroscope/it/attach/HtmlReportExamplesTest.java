package dev.goroscope.it.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.it.browser.Chromium;
import dev.goroscope.it.browser.ReportPage;
import dev.goroscope.it.browser.RunLines;
import dev.goroscope.it.go.ExampleProcess;
import dev.goroscope.it.go.Examples;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * {@code --output html=PATH} on the worker-pool (default mode: no states) and leak (deep mode,
 * leak candidates) examples, opened in headless Chromium and checked against the run's JSON
 * lines written alongside.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class HtmlReportExamplesTest {
  @TempDir Path dir;

  @Test
  void workerPoolRoundsInTheTimelineTreeAndFlameGraph() {
    Path jsonl = dir.resolve("pool.jsonl");
    Path html = dir.resolve("pool.html");
    try (ExampleProcess pool = ExampleProcess.start(Examples.binary(Examples.WORKER_POOL),
        "-workers", "4", "-jobs", "16", "-duration", "120s")) {
      pool.awaitReady(Duration.ofSeconds(30));
      try (AttachRun attach = AttachRun.start("attach", "--pid", Long.toString(pool.pid()),
          "--duration", "3s", "--output", "jsonl,html=" + html, "--jsonl-file", jsonl.toString())) {
        attach.awaitSummary();
      }
    }
    RunLines run = RunLines.read(jsonl);
    List<RunLines.Goroutine> workers = run.startedIn("main.worker");
    assertThat(workers).hasSizeGreaterThanOrEqualTo(4 * 8);
    RunLines.Goroutine main = run.startedIn("runtime.main").get(0);

    try (Chromium browser = Chromium.start()) {
      ReportPage page = ReportPage.open(browser, html);
      int n = run.goroutines().size();
      assertThat(page.number("return goroscopeReport.counts.goroutines")).isEqualTo(n);
      assertThat(page.text("#tl-status")).startsWith(String.format("%,d goroutines · %,d lanes", n, n));
      // no --deep: lanes say "alive", the legend says the state was not observed
      assertThat(page.text("#tl-legend")).contains("state not observed").doesNotContain("channel");
      page.js("goroscopeReport.timeline.revealGoid(arguments[0]); goroscopeReport.timeline.select(-1);"
          + " goroscopeReport.timeline.draw()", main.goid());
      Map<String, Object> lane = page.drawnRows().stream()
          .filter(r -> "lane".equals(r.get("kind")) && ((Number) r.get("goid")).longValue() == main.goid())
          .findFirst().orElseThrow();
      int[] rgb = page.pixel((num(lane, "x0") + num(lane, "x1")) / 2, num(lane, "y"));
      assertThat(rgb).as("alive colour #9db4cc").containsExactly(0x9d, 0xb4, 0xcc);
      page.screenshot("worker-pool-timeline");

      // grouped by creation site: one group per site, main.worker's holds every worker
      page.js("goroscopeReport.timeline.setGrouping('site'); goroscopeReport.timeline.draw()");
      List<Map<String, Object>> groups = page.list("return goroscopeReport.timeline.groups()");
      Set<RunLines.Site> sites = new HashSet<>();
      run.goroutines().values().forEach(g -> sites.add(g.site()));
      assertThat(groups).hasSize(sites.size());
      assertThat(groups.stream().filter(g -> g.get("label").toString().startsWith("main.worker — main.runRound"))
          .map(g -> ((Number) g.get("count")).longValue())).containsExactly((long) workers.size());
      page.screenshot("worker-pool-by-site");

      page.tab("tree");
      WebElement mainNode = page.all("#tree-root li.node[data-goid='" + main.goid() + "']").get(0);
      assertThat(Long.parseLong(mainNode.getAttribute("data-children"))).isEqualTo(run.children(main));
      WebElement workerGroup = mainNode.findElement(By.cssSelector(":scope > ul > li.group[data-count='"
          + workers.size() + "']"));
      assertThat(workerGroup.getText()).contains("main.worker × " + workers.size());
      page.screenshot("worker-pool-tree");

      page.tab("flame");
      Map<List<RunLines.Site>, Long> counts = run.chainCounts();
      Set<List<RunLines.Site>> drawn = new HashSet<>();
      for (Map<String, Object> f : page.frames()) {
        String path = (String) f.get("path");
        if (!path.isEmpty()) {
          List<RunLines.Site> chain = page.sitesOfPath(path);
          assertThat(((Number) f.get("count")).longValue()).as("%s", chain).isEqualTo(counts.get(chain));
          drawn.add(chain);
        }
      }
      assertThat(drawn).containsExactlyInAnyOrderElementsOf(counts.keySet());
      page.screenshot("worker-pool-flame");
      assertThat(page.consoleErrors()).isEmpty();
    }
  }

  @Test
  void leakCandidatesAreMarkedAndGroupedWithTheirWaitReason() {
    Path jsonl = dir.resolve("leak.jsonl");
    Path html = dir.resolve("leak.html");
    try (ExampleProcess leak = ExampleProcess.start(Examples.binary(Examples.LEAK),
        "-every", "200ms", "-duration", "120s")) {
      leak.awaitReady(Duration.ofSeconds(30));
      try (AttachRun attach = AttachRun.start("attach", "--pid", Long.toString(leak.pid()),
          "--deep", "--leak-threshold", "1s", "--duration", "4s",
          "--output", "jsonl,html=" + html, "--jsonl-file", jsonl.toString())) {
        attach.awaitSummary();
      }
    }
    RunLines run = RunLines.read(jsonl);
    List<RunLines.Goroutine> leaked = run.goroutines().values().stream()
        .filter(RunLines.Goroutine::leak).toList();
    // the goroutines blocked on a channel nobody writes (and any others blocked as long, e.g.
    // os/signal's watcher: the program ran before goroscope attached)
    List<RunLines.Goroutine> waiting = leaked.stream()
        .filter(g -> g.site().startFunction().equals("main.waitForReply")).toList();
    assertThat(waiting.size()).as("leak candidates blocked in main.waitForReply").isGreaterThanOrEqualTo(5);

    try (Chromium browser = Chromium.start()) {
      ReportPage page = ReportPage.open(browser, html);
      assertThat(page.text("#sum-leaks .n")).isEqualTo(Integer.toString(leaked.size()));
      WebElement row = page.all("#leak-groups tr").stream()
          .filter(r -> r.getText().startsWith("main.waitForReply")).findFirst().orElseThrow();
      assertThat(row.findElements(By.tagName("td"))).extracting(WebElement::getText)
          .startsWith("main.waitForReply").contains("chan receive", Integer.toString(waiting.size()));
      assertThat(row.getText()).contains("main.request main.go:");
      // every leak lane: outlined, and its purple diamond drawn past the end of the bar
      RunLines.Goroutine g = waiting.get(waiting.size() - 1);
      page.js("goroscopeReport.timeline.revealGoid(arguments[0]); goroscopeReport.timeline.select(-1);"
          + " goroscopeReport.timeline.draw()", g.goid());
      Map<String, Object> lane = page.drawnRows().stream()
          .filter(r -> "lane".equals(r.get("kind")) && ((Number) r.get("goid")).longValue() == g.goid())
          .findFirst().orElseThrow();
      assertThat(lane.get("leak")).isEqualTo(true);
      int[] diamond = page.pixel(num(lane, "leakX"), num(lane, "y"));
      assertThat(diamond).as("leak purple #8e24aa").containsExactly(0x8e, 0x24, 0xaa);
      page.hoverCanvas((num(lane, "x0") + num(lane, "x1")) / 2, num(lane, "y"));
      assertThat(page.tooltip()).contains("leak candidate").contains("chan receive")
          .contains("still running");
      page.screenshot("leak-timeline");

      page.tab("tree");
      assertThat(page.all("#tree-root li.group .badge.leak")).isNotEmpty();
      page.tab("flame");
      assertThat(page.frames().stream().filter(f -> "main.waitForReply".equals(f.get("name")))
          .mapToLong(f -> ((Number) f.get("count")).longValue()).sum())
          .isEqualTo(run.startedIn("main.waitForReply").size());
      page.screenshot("leak-flame");
      assertThat(page.consoleErrors()).isEmpty();
    }
  }

  private static double num(Map<String, Object> m, String key) {
    assertThat(m.get(key)).as("%s in %s", key, m).isInstanceOf(Number.class);
    return ((Number) m.get(key)).doubleValue();
  }
}
