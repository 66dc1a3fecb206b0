package dev.goroscope.it.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium driven through Debian's chromium-driver (WebDriver), with a fresh
 * profile and no background networking, as a user would open a report from disk. Screenshots go
 * to {@code target/report-screenshots/}. Both packages come from {@code scripts/setup.sh}.
 */
public final class Chromium implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/bin/chromium");
  public static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  public static final int WIDTH = 1600;
  public static final int HEIGHT = 1300;

  /**
   * Selenium looks for DevTools bindings of the browser's exact version and warns when it has
   * none; these tests use WebDriver only, so the warning says nothing. Held so it stays set.
   */
  private static final Logger CDP_FINDER = quiet("org.openqa.selenium.devtools.CdpVersionFinder");

  private final ChromeDriver driver;
  private final Path profile;
  private final Path screenshots;

  private Chromium(ChromeDriver driver, Path profile, Path screenshots) {
    this.driver = driver;
    this.profile = profile;
    this.screenshots = screenshots;
  }

  /** Starts the browser; fails with the fix when chromium or its driver is not installed. */
  public static Chromium start() {
    for (Path p : List.of(BINARY, DRIVER)) {
      if (!Files.isExecutable(p)) {
        throw new IllegalStateException("no " + p + ": the browser tests need Debian's chromium"
            + " and chromium-driver; scripts/setup.sh installs them");
      }
    }
    try {
      Path screenshots = Files.createDirectories(Path.of("target", "report-screenshots"));
      Path profile = Files.createTempDirectory("goroscope-chromium-");
      ChromeOptions options = new ChromeOptions();
      options.setBinary(BINARY.toFile());
      // Without the background-networking flags Chromium's own connections are refused noisily.
      options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
          "--no-first-run", "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--user-data-dir=" + profile,
          "--window-size=" + WIDTH + "," + HEIGHT, "--force-device-scale-factor=1");
      LoggingPreferences logs = new LoggingPreferences();
      logs.enable(LogType.BROWSER, Level.ALL);
      options.setCapability("goog:loggingPrefs", logs);
      ChromeDriverService service = new ChromeDriverService.Builder()
          .usingDriverExecutable(DRIVER.toFile())
          .usingAnyFreePort()
          .build();
      return new Chromium(new ChromeDriver(service, options), profile, screenshots);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Logger quiet(String name) {
    Logger logger = Logger.getLogger(name);
    logger.setLevel(Level.SEVERE);
    return logger;
  }

  public ChromeDriver driver() {
    return driver;
  }

  /** Console messages of level SEVERE (errors, uncaught exceptions, CSP violations) so far. */
  public List<String> consoleErrors() {
    List<String> out = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
        out.add(e.getMessage());
      }
    }
    return out;
  }

  /** Saves a screenshot of the window as {@code target/report-screenshots/NAME.png}. */
  public Path screenshot(String name) {
    Path file = screenshots.resolve(name + ".png");
    try {
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temporary profile left behind is not worth failing a test for
      }
    }
  }
}
