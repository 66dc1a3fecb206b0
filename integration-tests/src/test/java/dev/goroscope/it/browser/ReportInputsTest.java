package dev.goroscope.it.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.otel.report.HtmlReport;
import dev.goroscope.otel.report.ReportModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports of inputs the examples do not produce, opened in headless Chromium: an empty run (the
 * first file {@code --output html} writes), and a run with what later schemas add — the generic
 * event list, sampled stacks, the channel or lock a goroutine waits on, stop-the-world pauses —
 * plus a pid reused by a second process. They must draw without a console error and show those
 * fields where they belong.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ReportInputsTest {
  @TempDir Path dir;

  @Test
  void anEmptyRunSaysSo() throws Exception {
    Path html = dir.resolve("empty.html");
    HtmlReport.writeFile(ReportModel.create(), html, 3);
    try (Chromium browser = Chromium.start()) {
      ReportPage page = ReportPage.open(browser, html);
      assertThat(page.text("#sum-goroutines .n")).isEqualTo("0");
      assertThat(page.text("#summary")).contains("No goroutine has been seen yet");
      assertThat(page.text("#live")).contains("still watching").contains("every 3 s");
      for (String view : List.of("tree", "flame", "about", "timeline")) {
        page.tab(view);
      }
      page.screenshot("empty");
      assertThat(page.consoleErrors()).isEmpty();
    }
  }

  @Test
  void fieldsOfLaterSchemasAndSeveralProcessesAreDrawn() throws Exception {
    ReportModel model = ReportModel.create();
    for (String line : List.of(
        "{\"type\":\"process\",\"pid\":50,\"executable\":\"/srv/a\",\"goVersion\":\"go1.27.3\"}",
        g(50, 1, 0, "runtime.main", 1_000_000, "null", ""),
        g(50, 7, 1, "main.locker", 2_000_000, "null", ",\"waitReason\":\"sync.Mutex.Lock\","
            + "\"leakCandidate\":true,\"semaphore\":\"0xc000010000\",\"stack\":["
            + "{\"function\":\"sync.(*Mutex).Lock\",\"file\":\"m.go\",\"line\":1},"
            + "{\"function\":\"main.locker\",\"file\":\"main.go\",\"line\":30}],"
            + "\"events\":[{\"event\":\"mutex.wait\",\"ns\":3000000,\"durationNs\":400000000,"
            + "\"lock\":\"0xc000010000\"},{\"event\":\"syscall\",\"ns\":500000000,"
            + "\"durationNs\":20000000,\"function\":\"syscall.read\"}],"
            + "\"attributes\":{\"goroutine.locked_to_thread\":true}"),
        g(50, 8, 1, "main.reader", 2_500_000, "null", ",\"waitReason\":\"chan receive\","
            + "\"leakCandidate\":true,\"channel\":{\"address\":\"0xc0000a0000\",\"elemType\":\"int\","
            + "\"capacity\":4,\"length\":4,\"closed\":false,\"waitingSenders\":2,"
            + "\"waitingReceivers\":0},\"stack\":[{\"function\":\"runtime.chanrecv\"},"
            + "{\"function\":\"main.reader\"}]"),
        "{\"type\":\"stw\",\"pid\":50,\"startNs\":300000000,\"endNs\":310000000,\"reason\":\"GC mark termination\"}",
        "{\"type\":\"process_end\",\"pid\":50,\"endNs\":900000000}",
        "{\"type\":\"process\",\"pid\":50,\"executable\":\"/srv/b\",\"goVersion\":\"go1.27.3\"}",
        g(50, 1, 0, "runtime.main", 950_000_000, "1500000000", ""),
        g(50, 9, 1, "main.job", 960_000_000, "990000000", ""),
        "{\"type\":\"heap_profile\",\"pid\":50}")) {
      model.accept(line);
    }
    Path html = dir.resolve("later.html");
    HtmlReport.writeFile(model, html);
    try (Chromium browser = Chromium.start()) {
      ReportPage page = ReportPage.open(browser, html);
      assertThat(page.text("#title")).contains("a, b").contains("pid 50");
      assertThat(page.text("#leak-groups")).contains("lock 0xc000010000")
          .contains("chan 0xc0000a0000 (int) len 4/4, 2 senders / 0 receivers waiting");
      assertThat(page.text("#sum-input")).contains("heap_profile × 1");
      // two incarnations of pid 50: one group each on the timeline
      List<Map<String, Object>> groups = page.list("return goroscopeReport.timeline.groups()");
      assertThat(groups.stream().filter(x -> x.get("kind").equals("process")).count()).isEqualTo(2);
      // the generic events are drawn on the lane and named in its tooltip
      page.js("goroscopeReport.timeline.revealGoid(7); goroscopeReport.timeline.select(-1);"
          + " goroscopeReport.timeline.draw()");
      Map<String, Object> lane = page.drawnRows().stream()
          .filter(r -> "lane".equals(r.get("kind")) && ((Number) r.get("goid")).longValue() == 7)
          .findFirst().orElseThrow();
      double y = ((Number) lane.get("y")).doubleValue();
      double x0 = ((Number) lane.get("x0")).doubleValue();
      double x1 = ((Number) lane.get("x1")).doubleValue();
      // mutex.wait: 3 ms → 403 ms of a lane from 2 ms to the end (900 ms); its stripe is at the
      // bar's bottom, in the lock colour
      double xWait = x0 + (x1 - x0) * (200e6 - 2e6) / (900e6 - 2e6);
      assertThat(page.pixel(xWait, y + 2.5)).as("lock colour #d6c032")
          .containsExactly(0xd6, 0xc0, 0x32);
      page.hoverCanvas(xWait, y);
      assertThat(page.tooltip()).contains("mutex.wait").contains("syscall").contains("attributes")
          .contains("waits on: lock 0xc000010000");
      page.screenshot("later-schemas-timeline");
      // sampled stacks: outermost frame first
      page.tab("flame");
      page.js("document.querySelector('input[name=\"fg-mode\"][value=\"sampled\"]').click()");
      List<Map<String, Object>> frames = page.frames();
      assertThat(frames).extracting(f -> f.get("name")).contains("main.locker",
          "sync.(*Mutex).Lock", "main.reader", "runtime.chanrecv");
      Map<String, Object> lock = frames.stream().filter(f -> "sync.(*Mutex).Lock".equals(f.get("name")))
          .findFirst().orElseThrow();
      assertThat(((Number) lock.get("depth")).intValue()).isEqualTo(2);
      assertThat(((Number) lock.get("count")).intValue()).isEqualTo(1);
      page.screenshot("later-schemas-flame");
      assertThat(page.consoleErrors()).isEmpty();
    }
  }

  private static String g(int pid, long goid, long parent, String fn, long start, String end,
      String extra) {
    boolean running = end.equals("null");
    return "{\"type\":\"goroutine\",\"pid\":" + pid + ",\"goid\":" + goid + ",\"parentGoid\":"
        + parent + ",\"parentTraced\":" + (parent != 0) + ",\"startFunction\":\"" + fn
        + "\",\"createdAt\":{\"function\":\"main.main\",\"file\":\"/src/main.go\",\"line\":"
        + (10 + goid) + "},\"startNs\":" + start + ",\"endNs\":" + end + ",\"state\":\""
        + (running ? "waiting" : "exited") + "\",\"partial\":" + running + extra + "}";
  }
}
