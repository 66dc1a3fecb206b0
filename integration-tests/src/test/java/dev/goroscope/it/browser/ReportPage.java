package dev.goroscope.it.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * A goroscope HTML report open in {@link Chromium}: what it drew (through the page's {@code
 * window.goroscopeReport}, the DOM and the canvas pixels) and the user's gestures on it.
 */
public final class ReportPage {
  private final Chromium browser;

  private ReportPage(Chromium browser) {
    this.browser = browser;
  }

  /** Opens {@code html} from disk and waits until the page says it has drawn. */
  public static ReportPage open(Chromium browser, Path html) {
    browser.driver().get(html.toAbsolutePath().toUri().toString());
    ReportPage page = new ReportPage(browser);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!Boolean.TRUE.equals(page.js("return !!(window.goroscopeReport && goroscopeReport.ready)"))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the report did not render within 60 s; console: "
            + browser.consoleErrors());
      }
      sleep(50);
    }
    return page;
  }

  public Object js(String script, Object... args) {
    return browser.driver().executeScript(script, args);
  }

  public long number(String script, Object... args) {
    return ((Number) js(script, args)).longValue();
  }

  public double decimal(String script, Object... args) {
    return ((Number) js(script, args)).doubleValue();
  }

  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> list(String script, Object... args) {
    return (List<Map<String, Object>>) js(script, args);
  }

  /** Milliseconds from navigation start to the page's {@code goroscope:rendered} mark. */
  public double renderedMs() {
    return decimal("return performance.getEntriesByName('goroscope:rendered')[0].startTime");
  }

  public String text(String css) {
    return browser.driver().findElement(By.cssSelector(css)).getText();
  }

  public List<WebElement> all(String css) {
    return browser.driver().findElements(By.cssSelector(css));
  }

  public void tab(String view) {
    browser.driver().findElement(By.cssSelector("#tabs button[data-view='" + view + "']")).click();
    assertThat(browser.driver().findElement(By.id("view-" + view)).isDisplayed()).isTrue();
  }

  /** The timeline rows on screen now, as the page drew them (canvas coordinates). */
  public List<Map<String, Object>> drawnRows() {
    return list("return goroscopeReport.timeline.drawn()");
  }

  /** Scrolls the timeline so that row {@code r} is at the top, and redraws. */
  public void scrollTimelineTo(long row) {
    js("goroscopeReport.timeline.scrollToRow(arguments[0])", row);
  }

  /** The canvas pixel at (x, y) in CSS pixels as {r, g, b}. */
  public int[] pixel(double x, double y) {
    @SuppressWarnings("unchecked")
    List<Number> rgb = (List<Number>) js("const c = document.getElementById('tl-canvas');"
        + "const r = window.devicePixelRatio || 1;"
        + "const d = c.getContext('2d').getImageData(Math.round(arguments[0] * r),"
        + " Math.round(arguments[1] * r), 1, 1).data; return [d[0], d[1], d[2]];", x, y);
    return new int[] {rgb.get(0).intValue(), rgb.get(1).intValue(), rgb.get(2).intValue()};
  }

  /**
   * Scrolls the page (not the timeline) so that the whole canvas is in the window: WebDriver
   * would otherwise scroll it into view itself, and could move the timeline's rows.
   */
  private WebElement canvas() {
    js("document.getElementById('tl-scroll').scrollIntoView({block: 'start'})");
    return browser.driver().findElement(By.id("tl-canvas"));
  }

  /** Moves the mouse to canvas point (x, y) in CSS pixels. */
  public void hoverCanvas(double x, double y) {
    WebElement canvas = canvas();
    new Actions(browser.driver()).moveToElement(canvas, offsetX(canvas, x), offsetY(canvas, y))
        .perform();
  }

  public void clickCanvas(double x, double y) {
    WebElement canvas = canvas();
    new Actions(browser.driver()).moveToElement(canvas, offsetX(canvas, x), offsetY(canvas, y))
        .click().perform();
  }

  public void doubleClickCanvas(double x, double y) {
    WebElement canvas = canvas();
    new Actions(browser.driver()).moveToElement(canvas, offsetX(canvas, x), offsetY(canvas, y))
        .doubleClick().perform();
  }

  /** Drags on the canvas from (x, y) by dx pixels horizontally. */
  public void dragCanvas(double x, double y, int dx) {
    WebElement canvas = canvas();
    new Actions(browser.driver()).moveToElement(canvas, offsetX(canvas, x), offsetY(canvas, y))
        .clickAndHold().moveByOffset(dx / 2, 0).moveByOffset(dx - dx / 2, 0).release().perform();
  }

  public String tooltip() {
    return (String) js("const t = document.getElementById('tooltip'); return t.hidden ? '' : t.innerText");
  }

  /** The timeline's view: {start, end} in µs and its geometry. */
  public Map<String, Object> view() {
    @SuppressWarnings("unchecked")
    Map<String, Object> v = (Map<String, Object>) js("return goroscopeReport.timeline.view()");
    return v;
  }

  /** Flame-graph frames drawn: name, path (site keys), count, seconds, depth. */
  public List<Map<String, Object>> frames() {
    return list("return goroscopeReport.flame.frames()");
  }

  /** A creation site of the data: {startFunction, function, file, line}. */
  public Map<String, Object> site(long index) {
    @SuppressWarnings("unchecked")
    Map<String, Object> s = (Map<String, Object>) js("return goroscopeReport.site(arguments[0])", index);
    return s;
  }

  public List<String> consoleErrors() {
    return browser.consoleErrors();
  }

  public Path screenshot(String name) {
    return browser.screenshot(name);
  }

  /** Names of the frame path's sites, outermost first. */
  public List<RunLines.Site> sitesOfPath(String path) {
    List<RunLines.Site> out = new ArrayList<>();
    if (path.isEmpty()) {
      return out;
    }
    for (String key : path.split("/")) {
      assertThat(key).startsWith("s");
      Map<String, Object> s = site(Long.parseLong(key.substring(1)));
      out.add(new RunLines.Site((String) s.get("startFunction"), (String) s.get("function"),
          (String) s.get("file"), ((Number) s.get("line")).longValue()));
    }
    return out;
  }

  private static int offsetX(WebElement canvas, double x) {
    return (int) Math.round(x - canvas.getRect().getWidth() / 2.0);
  }

  private static int offsetY(WebElement canvas, double y) {
    return (int) Math.round(y - canvas.getRect().getHeight() / 2.0);
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
