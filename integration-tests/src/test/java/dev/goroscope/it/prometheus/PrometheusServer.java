package dev.goroscope.it.prometheus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus ({@code cmd/prometheus} of module version {@value #VERSION}, i.e. Prometheus
 * 3.16.0, built once by scripts/setup.sh into the user cache) as an OTLP metrics backend: its
 * OTLP/HTTP receiver on ({@code --web.enable-otlp-receiver}), a free 127.0.0.1 port, a
 * temporary TSDB directory, no scrape targets. {@link #start()} returns once Prometheus reports
 * ready; {@link #close()} stops it and deletes its directory.
 */
public final class PrometheusServer implements AutoCloseable {
  public static final String VERSION = "v0.316.0";
  /** Overrides the binary's location (system property or environment variable). */
  public static final String BINARY_PROPERTY = "goroscope.prometheus.binary";
  public static final String BINARY_ENV = "GOROSCOPE_PROMETHEUS_BINARY";

  /**
   * Prometheus's default OTLP name translation, written out so the tests' metric names do not
   * move with a default: dots become underscores, units and {@code _total} become suffixes
   * ({@code goroscope.runtime.stw.duration}, unit s: {@code
   * goroscope_runtime_stw_duration_seconds_count}). Resource attributes go to {@code
   * target_info}, {@code service.name} becomes the {@code job} label of every series.
   */
  static final String CONFIG = """
      # Written by goroscope's integration tests: an OTLP receiver only, nothing is scraped.
      otlp:
        translation_strategy: UnderscoreEscapingWithSuffixes
      """;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  private final Path binary;
  private final Path dir;
  private final Path log;
  private final int port;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private Process process; // guarded by this

  private PrometheusServer(Path binary, Path dir, int port) {
    this.binary = binary;
    this.dir = dir;
    this.port = port;
    this.log = dir.resolve("prometheus.log");
  }

  /** Starts the cached Prometheus (see {@link #defaultBinary()}) on a free port. */
  public static PrometheusServer start() {
    return start(defaultBinary());
  }

  /**
   * Starts {@code binary} on a free port and waits until it is ready.
   *
   * @throws IllegalStateException when the binary is missing (with the command that builds it),
   *     or Prometheus exits or does not get ready (with its log)
   */
  public static PrometheusServer start(Path binary) {
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "no Prometheus binary at " + binary + ": build it once with scripts/setup.sh"
              + " (or point -D" + BINARY_PROPERTY + " / " + BINARY_ENV + " at one)");
    }
    Path dir = null;
    try {
      dir = Files.createTempDirectory("goroscope-prometheus-");
      Files.writeString(dir.resolve("prometheus.yml"), CONFIG, StandardCharsets.UTF_8);
      PrometheusServer server = new PrometheusServer(binary, dir, freePort());
      server.launch();
      return server;
    } catch (IOException e) {
      deleteTree(dir);
      throw new UncheckedIOException("start Prometheus: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      deleteTree(dir);
      throw e;
    }
  }

  /**
   * Where scripts/setup.sh caches Prometheus: {@code ${XDG_CACHE_HOME:-$HOME/.cache}/goroscope/
   * prometheus-v0.316.0}, unless {@value #BINARY_PROPERTY} or {@value #BINARY_ENV} say otherwise.
   */
  public static Path defaultBinary() {
    String override = System.getProperty(BINARY_PROPERTY, System.getenv(BINARY_ENV));
    if (override != null && !override.isBlank()) {
      return Path.of(override);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path cache = xdg != null && !xdg.isBlank()
        ? Path.of(xdg)
        : Path.of(System.getProperty("user.home"), ".cache");
    return cache.resolve("goroscope").resolve("prometheus-" + VERSION);
  }

  /** The UI and HTTP API, e.g. {@code http://127.0.0.1:PORT}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The OTLP/HTTP metrics URL (as OTEL_EXPORTER_OTLP_METRICS_ENDPOINT, http/protobuf). */
  public URI otlpMetricsEndpoint() {
    return endpoint().resolve("/api/v1/otlp/v1/metrics");
  }

  /** A client of this instance's HTTP API. */
  public PrometheusQuery query() {
    return new PrometheusQuery(endpoint());
  }

  /** Prometheus's log so far (stdout and stderr). */
  public String log() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  /** Stops Prometheus (SIGTERM, then SIGKILL) and deletes its data and log. Idempotent. */
  @Override
  public synchronized void close() {
    stop();
    deleteTree(dir);
  }

  @Override
  public String toString() {
    return "Prometheus " + VERSION + " on " + endpoint();
  }

  private synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  private synchronized void launch() throws IOException {
    ProcessBuilder builder = new ProcessBuilder(binary.toString(),
        "--config.file=" + dir.resolve("prometheus.yml"),
        "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port,
        "--web.enable-otlp-receiver")
        .directory(dir.toFile());
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    process = builder.start();
    awaitReady();
  }

  private void awaitReady() {
    URI ready = endpoint().resolve("/-/ready");
    HttpRequest request = HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(1)).GET().build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      if (!process.isAlive()) {
        int exit = process.exitValue();
        process = null;
        throw new IllegalStateException(
            "Prometheus exited with " + exit + " while starting; log:\n" + log());
      }
      try {
        if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop();
        throw new IllegalStateException("interrupted while Prometheus was starting", e);
      }
      if (System.nanoTime() - deadline > 0) {
        stop();
        throw new IllegalStateException(
            "Prometheus not ready at " + ready + " after " + START_TIMEOUT + "; log:\n" + log());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop();
        throw new IllegalStateException("interrupted while Prometheus was starting", e);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp dir left behind is harmless
    }
  }
}
