package dev.goroscope.it.attach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.goroscope.it.browser.Chromium;
import dev.goroscope.it.browser.ReportPage;
import dev.goroscope.it.browser.RunLines;
import dev.goroscope.it.cli.Goroscope;
import dev.goroscope.it.go.ExampleProcess;
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
 * The HTML report of a real run: http-deadline under load, watched in deep mode with
 * {@code --output jsonl,html=PATH}; the same run saved as JSON lines goes through
 * {@code goroscope report}. Both files are opened in headless Chromium and what they draw is
 * checked against the JSON lines, read independently here: lanes, deadline overruns drawn red
 * with their deadline, hover and click, zoom and pan, spawn-tree counts and flame-graph frames.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HtmlReportHttpDeadlineTest {
  private static final String AUDIT = "main.(*server).audit";
  private static final String CONN = "net/http.(*conn).serve";

  @TempDir Path dir;

  @Test
  void liveAndSavedReportsShowTheRun() throws Exception {
    Path jsonl = dir.resolve("run.jsonl");
    Path live = dir.resolve("live.html");
    AttachRun.Summary summary;
    try (ExampleProcess server = HttpDeadline.startServer();
        AttachRun attach = AttachRun.start("attach", "--pid", Long.toString(server.pid()),
            "--deep", "--output", "jsonl,html=" + live, "--jsonl-file", jsonl.toString())) {
      HttpDeadline.load(server, 30, 5, 7);
      assertThat(server.stop(Duration.ofSeconds(30))).isZero();
      summary = attach.awaitSummary();
      assertThat(attach.process().stderr()).as(attach.transcript())
          .contains("goroscope: HTML report written to " + live + " (" + summary.goroutines()
              + " goroutines)");
    }
    Path saved = dir.resolve("saved.html");
    try (ExampleProcess report =
        Goroscope.start("report", jsonl.toString(), "-o", saved.toString())) {
      assertThat(report.awaitExit(Duration.ofSeconds(60))).as(report.transcript()).isZero();
      assertThat(report.stderr()).as(report.transcript()).singleElement().asString()
          .startsWith("goroscope: report written to " + saved);
    }
    RunLines run = RunLines.read(jsonl);
    assertThat(run.startedIn(AUDIT)).as("the /leaky requests' audits").isNotEmpty();
    assertThat(run.goroutines().values().stream().filter(RunLines.Goroutine::overrun).count())
        .isEqualTo(summary.overruns()).isPositive();

    try (Chromium browser = Chromium.start()) {
      for (Path html : List.of(live, saved)) {
        String name = "http-deadline-" + html.getFileName().toString().replace(".html", "");
        ReportPage page = ReportPage.open(browser, html);
        assertSummary(page, run);
        assertTimeline(page, run, name);
        assertTree(page, run, name);
        assertFlameGraph(page, run, name);
        assertThat(page.consoleErrors()).as("console errors of %s", html).isEmpty();
      }
    }
  }

  private static void assertSummary(ReportPage page, RunLines run) {
    int n = run.goroutines().size();
    long overruns = run.goroutines().values().stream().filter(RunLines.Goroutine::overrun).count();
    assertThat(page.number("return goroscopeReport.counts.goroutines")).isEqualTo(n);
    assertThat(page.text("#sum-goroutines .n")).isEqualTo(String.format("%,d", n));
    assertThat(page.text("#sum-overruns .n")).isEqualTo(Long.toString(overruns));
    assertThat(page.text("#overrun-sites")).contains(AUDIT).contains("main.(*server).leaky");
    assertThat(page.text("#title")).contains("http-deadline");
  }

  private static void assertTimeline(ReportPage page, RunLines run, String name) {
    int n = run.goroutines().size();
    assertThat(page.text("#tl-status")).startsWith(n + " goroutines · " + n + " lanes");
    // one trace per HTTP connection: as many trace groups rooted in conn.serve as connections
    List<Map<String, Object>> groups = page.list("return goroscopeReport.timeline.groups()");
    long connTraces = groups.stream().filter(g -> g.get("kind").equals("trace")
        && g.get("label").toString().endsWith("http.(*conn).serve")).count();
    assertThat(connTraces).isEqualTo(run.startedIn(CONN).size());
    page.screenshot(name + "-timeline");

    // every overrun: red past its deadline, the deadline drawn, where the JSON lines put it
    for (RunLines.Goroutine g : run.goroutines().values()) {
      if (!g.overrun()) {
        continue;
      }
      assertThat(page.js("return goroscopeReport.timeline.revealGoid(arguments[0])", g.goid()))
          .isEqualTo(true);
      Map<String, Object> lane = lane(page, g.goid());
      assertThat(lane.get("overrun")).isEqualTo(true);
      double y = num(lane, "y");
      double x0 = num(lane, "x0");
      double x1 = num(lane, "x1");
      double deadlineX = num(lane, "deadlineX");
      double pxPerNs = (x1 - x0) / (run.endNs(g) - g.startNs());
      long firedNs = g.line().get("overrun").get("deadlineFiredNs").asLong();
      assertThat(deadlineX - x0).as("deadline of %d", g.goid())
          .isCloseTo((firedNs - g.startNs()) * pxPerNs, within(2.5));
      int[] red = page.pixel((Math.max(deadlineX + 3, num(lane, "overrunX0")) + x1) / 2, y);
      assertThat(red[0]).as("overrun pixel %s", List.of(red[0], red[1], red[2])).isGreaterThan(200);
      assertThat(red[1]).isLessThan(90);
      int[] deadline = page.pixel(deadlineX, y);
      assertThat(deadline[0]).as("deadline pixel").isBetween(100, 160);
      assertThat(deadline[1]).isLessThan(30);
    }

    // hover: the tooltip tells what the JSON lines say of that goroutine
    RunLines.Goroutine audit = run.goroutines().values().stream()
        .filter(RunLines.Goroutine::overrun).findFirst().orElseThrow();
    page.js("goroscopeReport.timeline.select(-1); goroscopeReport.timeline.revealGoid(arguments[0]);"
        + " goroscopeReport.timeline.select(-1); goroscopeReport.timeline.draw()", audit.goid());
    Map<String, Object> lane = lane(page, audit.goid());
    page.hoverCanvas((num(lane, "x0") + num(lane, "x1")) / 2, num(lane, "y"));
    String tip = page.tooltip();
    assertThat(tip).contains("goroutine " + audit.goid()).contains(AUDIT)
        .contains("main.(*server).leaky main.go:").contains("deadline overrun")
        .contains("outlived the deadline").contains("parked");
    page.screenshot(name + "-hover");

    // click: the lane is selected, its parent chain and children are highlighted
    page.clickCanvas((num(lane, "x0") + num(lane, "x1")) / 2, num(lane, "y"));
    assertThat(page.number("return goroscopeReport.timeline.selected()")).isEqualTo(audit.goid());
    List<Map<String, Object>> related = page.list("return goroscopeReport.timeline.related()");
    RunLines.Goroutine conn = run.parent(audit);
    assertThat(conn.site().startFunction()).isEqualTo("net/http.(*conn).serve");
    Set<Long> ancestors = new HashSet<>();
    for (RunLines.Goroutine a = conn; a != null; a = run.parent(a)) {
      ancestors.add(a.goid());
    }
    assertThat(related.stream().filter(r -> r.get("relation").equals("ancestor"))
        .map(r -> ((Number) r.get("goid")).longValue())).containsExactlyInAnyOrderElementsOf(ancestors);
    assertThat(page.text("#tl-info")).contains("parent chain:").contains(conn.goid() + " http.(*conn).serve");
    // clicking the parent in the chain jumps to it: its children are now highlighted
    page.all("#tl-info .chain a.goid").stream()
        .filter(a -> a.getAttribute("data-goid").equals(Long.toString(conn.goid()))).findFirst()
        .orElseThrow().click();
    assertThat(page.number("return goroscopeReport.timeline.selected()")).isEqualTo(conn.goid());
    related = page.list("return goroscopeReport.timeline.related()");
    assertThat(related.stream().filter(r -> r.get("relation").equals("child")).count())
        .isEqualTo(run.children(conn));
    page.js("goroscopeReport.timeline.draw()");
    page.screenshot(name + "-selected");

    // zoom: the + button halves the span; a double click zooms in around the pointer; a drag pans
    Map<String, Object> v0 = page.view();
    double span0 = num(v0, "end") - num(v0, "start");
    page.all("#tl-zoom-in").get(0).click();
    Map<String, Object> v1 = page.view();
    assertThat(num(v1, "end") - num(v1, "start")).isCloseTo(span0 / 2, within(span0 * 0.001));
    double x = num(v1, "labelWidth") + num(v1, "plotWidth") * 0.25;
    double at = num(v1, "start") + (num(v1, "end") - num(v1, "start")) * 0.25;
    page.doubleClickCanvas(x, 10); // on the time axis, where a click selects nothing
    Map<String, Object> v2 = page.view();
    double span2 = num(v2, "end") - num(v2, "start");
    assertThat(span2).isCloseTo(span0 / 4, within(span0 * 0.001));
    double atAfter = num(v2, "start") + span2 * (x - num(v2, "labelWidth")) / num(v2, "plotWidth");
    assertThat(atAfter).as("the time under the pointer stays there").isCloseTo(at, within(span2 * 0.01));
    page.dragCanvas(x, 100, -200);
    Map<String, Object> v3 = page.view();
    assertThat(num(v3, "start") - num(v2, "start")).as("dragged 200 px to the left")
        .isCloseTo(200 * span2 / num(v2, "plotWidth"), within(span2 * 0.01));
    page.screenshot(name + "-zoomed");
    page.all("#tl-fit").get(0).click();
  }

  private static void assertTree(ReportPage page, RunLines run, String name) {
    page.tab("tree");
    for (int shown = 0; shown != page.all("#tree-root li.node").size(); ) {
      shown = page.all("#tree-root li.node").size();
      page.all("#tree-expand").get(0).click();
    }
    assertThat(page.all("#tree-root li.node")).hasSize(run.goroutines().size());
    for (RunLines.Goroutine conn : run.startedIn(CONN)) {
      WebElement li = page.all("#tree-root li.node[data-goid='" + conn.goid() + "']").get(0);
      assertThat(Long.parseLong(li.getAttribute("data-children"))).isEqualTo(run.children(conn));
      assertThat(Long.parseLong(li.getAttribute("data-descendants")))
          .isEqualTo(run.descendants(conn));
      long audits = run.goroutines().values().stream()
          .filter(g -> g.parentGoid() == conn.goid() && g.site().startFunction().equals(AUDIT))
          .count();
      if (audits > 1) {
        WebElement group = li.findElement(By.cssSelector(":scope > ul > li.group"
            + "[data-count='" + audits + "']"));
        assertThat(group.getText()).contains("main.(*server).audit × " + audits);
      }
    }
    // collapse and reopen a node (one with children: a connection may have served no request)
    RunLines.Goroutine conn = run.startedIn(CONN).stream().filter(c -> run.children(c) > 0)
        .findFirst().orElseThrow();
    WebElement li = page.all("#tree-root li.node[data-goid='" + conn.goid() + "']").get(0);
    WebElement toggle = li.findElement(By.cssSelector(":scope > .row > .toggle"));
    toggle.click();
    assertThat(li.findElement(By.cssSelector(":scope > ul")).isDisplayed()).isFalse();
    toggle.click();
    assertThat(li.findElement(By.cssSelector(":scope > ul")).isDisplayed()).isTrue();
    page.screenshot(name + "-tree");
  }

  private static void assertFlameGraph(ReportPage page, RunLines run, String name) {
    page.tab("flame");
    Map<List<RunLines.Site>, Long> counts = run.chainCounts();
    List<Map<String, Object>> frames = page.frames();
    Set<List<RunLines.Site>> drawn = new HashSet<>();
    for (Map<String, Object> f : frames) {
      String path = (String) f.get("path");
      if (path.isEmpty()) {
        assertThat(num(f, "count")).as("the root frame").isEqualTo(run.goroutines().size());
        continue;
      }
      List<RunLines.Site> sites = page.sitesOfPath(path);
      assertThat(counts).as("frame %s", sites).containsKey(sites);
      assertThat((long) num(f, "count")).as("goroutines through %s", sites)
          .isEqualTo(counts.get(sites));
      drawn.add(sites);
    }
    // small runs: every chain is wide enough to be drawn
    assertThat(drawn).containsExactlyInAnyOrderElementsOf(counts.keySet());
    page.screenshot(name + "-flame");

    // weighted by goroutine-seconds
    page.all("input[name='fg-weight'][value='seconds']").get(0).click();
    Map<List<RunLines.Site>, Double> seconds = run.chainSeconds();
    for (Map<String, Object> f : page.frames()) {
      String path = (String) f.get("path");
      if (!path.isEmpty()) {
        List<RunLines.Site> sites = page.sitesOfPath(path);
        assertThat(num(f, "seconds")).as("goroutine-seconds through %s", sites)
            .isCloseTo(seconds.get(sites), within(2e-6 * counts.get(sites) + 1e-6));
      }
    }
    page.all("input[name='fg-weight'][value='count']").get(0).click();

    // click a frame: it fills the width
    WebElement connFrame = page.all("#fg-svg g.frame").stream()
        .filter(e -> CONN.equals(e.getAttribute("data-name"))).findFirst().orElseThrow();
    String connPath = connFrame.getAttribute("data-path");
    connFrame.findElement(By.tagName("rect")).click();
    assertThat(page.js("return goroscopeReport.flame.focus()")).isEqualTo(CONN);
    WebElement zoomed = page.all("#fg-svg g.frame").stream()
        .filter(e -> connPath.equals(e.getAttribute("data-path"))).findFirst().orElseThrow();
    double svgWidth = page.decimal("return document.getElementById('fg-svg').getBoundingClientRect().width");
    assertThat(Double.parseDouble(zoomed.findElement(By.tagName("rect")).getAttribute("width")))
        .isCloseTo(svgWidth, within(2.0));
    page.screenshot(name + "-flame-zoomed");
    page.all("#fg-reset").get(0).click();
    page.tab("timeline");
  }

  private static Map<String, Object> lane(ReportPage page, long goid) {
    return page.drawnRows().stream()
        .filter(r -> "lane".equals(r.get("kind")) && ((Number) r.get("goid")).longValue() == goid)
        .findFirst().orElseThrow(() -> new AssertionError("lane of " + goid + " not on screen"));
  }

  private static double num(Map<String, Object> m, String key) {
    Object v = m.get(key);
    assertThat(v).as("%s in %s", key, m).isInstanceOf(Number.class);
    return ((Number) v).doubleValue();
  }

}
