package dev.goroscope.otel.report;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps an HTML report file up to date while goroscope runs. It is fed JSON lines, not records:
 * give {@link #jsonLines()} to a JSON-lines writer and every line it writes lands in the {@link
 * ReportModel}; so this class depends on the documented JSON-lines schema only, whatever the
 * record types behind it become.
 *
 * <p>The file is written when opened (so a path that cannot be written fails at once), rewritten
 * every {@code refresh} while lines arrive (but no more often than every ten times the CPU time
 * the last rendering took, up to 30 s, so a large report does not eat the sidecar's CPU), and
 * written a last time when the
 * line stream or this sink is closed. Every write is atomic (temporary file, then rename).
 * Failures while running are counted and kept as {@link #lastError()}, never thrown.
 */
public final class HtmlReportSink implements Closeable {

  /** How often a running report is rewritten by default. */
  public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(3);

  /** However long rendering takes, a running report is rewritten at least this often. */
  private static final long MAX_SPACING_NANOS = Duration.ofSeconds(30).toNanos();

  private final Path path;
  private final ReportModel model;
  private final long refreshNanos;
  private final JsonLinesInput input;
  private final ScheduledExecutorService refresher;
  private final Object writeLock = new Object();
  private long writtenVersion = -1;
  private long lastRenderNanos;
  private long reportsWritten;
  private long writeFailures;
  private String lastError = "";
  private boolean closed;

  private HtmlReportSink(Path path, ReportModel model, Duration refresh) {
    this.path = path.toAbsolutePath();
    this.model = model;
    this.refreshNanos = refresh.toNanos();
    this.input = new JsonLinesInput(model, this::finish);
    this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "goroscope-html-report");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Writes a first (empty) report at {@code path} and starts refreshing it.
   *
   * @throws IOException when {@code path} cannot be written (no such directory, permissions)
   */
  public static HtmlReportSink open(Path path, ReportModel model, Duration refresh)
      throws IOException {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(model, "model");
    if (refresh.isNegative() || refresh.isZero()) {
      throw new IllegalArgumentException("refresh must be positive");
    }
    Path dir = path.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new IOException("no such directory: " + dir);
    }
    if (Files.isDirectory(path)) {
      throw new IOException(path + " is a directory");
    }
    HtmlReportSink sink = new HtmlReportSink(path, model, refresh);
    try {
      sink.writeFirst();
    } catch (IOException e) {
      sink.refresher.shutdownNow();
      throw e;
    }
    sink.scheduleNext(sink.refreshNanos);
    return sink;
  }

  /** Where the JSON lines go; closing it writes the final report (as {@link #close()}). */
  public OutputStream jsonLines() {
    return input;
  }

  public Path path() {
    return path;
  }

  public ReportModel model() {
    return model;
  }

  /** Writes the report now if lines arrived since the last write. */
  public void refresh() {
    synchronized (writeLock) {
      if (closed || model.version() == writtenVersion) {
        return;
      }
      render(true);
    }
  }

  /** Takes a last unterminated line, stops refreshing and writes the final report; idempotent. */
  @Override
  public void close() {
    input.close(); // runs finish() once
  }

  private void finish() {
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      closed = true;
      refresher.shutdownNow();
      render(false);
    }
  }

  /** Reports written so far, the first (empty) one included. */
  public long reportsWritten() {
    synchronized (writeLock) {
      return reportsWritten;
    }
  }

  public long writeFailures() {
    synchronized (writeLock) {
      return writeFailures;
    }
  }

  /** The last write error, or empty. */
  public String lastError() {
    synchronized (writeLock) {
      return lastError;
    }
  }

  private void scheduleNext(long delayNanos) {
    try {
      refresher.schedule(this::refreshAndReschedule, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // closed meanwhile
    }
  }

  private void refreshAndReschedule() {
    refresh();
    long spacing;
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      spacing = Math.max(refreshNanos, Math.min(10 * lastRenderNanos, MAX_SPACING_NANOS));
    }
    scheduleNext(spacing);
  }

  private void writeFirst() throws IOException {
    synchronized (writeLock) {
      long version = model.version();
      HtmlReport.writeFile(model, path, refreshNanos / 1_000_000_000.0);
      reportsWritten++;
      writtenVersion = version;
    }
  }

  private void render(boolean live) { // holds writeLock
    long version = model.version();
    long start = cpuNanos();
    try {
      HtmlReport.writeFile(model, path, live ? refreshNanos / 1_000_000_000.0 : 0);
      reportsWritten++;
      writtenVersion = version;
    } catch (IOException | RuntimeException e) {
      writeFailures++;
      lastError = "write " + path + ": " + e.getMessage();
    }
    lastRenderNanos = cpuNanos() - start;
  }

  /** CPU time of this thread: what a refresh costs the sidecar, whatever the machine's load. */
  private static long cpuNanos() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    return threads.isCurrentThreadCpuTimeSupported()
        ? threads.getCurrentThreadCpuTime() : System.nanoTime();
  }
}
