package dev.goroscope.it.prometheus;

import dev.goroscope.it.backend.BackendProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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
  private final Path binary;
  private final Path dir;
  private final int port;
  private final BackendProcess process;

  private PrometheusServer(Path binary, Path dir, int port) {
    this.binary = binary;
    this.dir = dir;
    this.port = port;
    this.process = new BackendProcess("Prometheus", dir.resolve("prometheus.log"));
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
    BackendProcess.requireExecutable(binary, "Prometheus", BINARY_PROPERTY, BINARY_ENV);
    return BackendProcess.startInTempDir("Prometheus", dir -> {
      Files.writeString(dir.resolve("prometheus.yml"), CONFIG, StandardCharsets.UTF_8);
      PrometheusServer server = new PrometheusServer(binary, dir, freePort());
      server.launch();
      return server;
    });
  }

  /**
   * Where scripts/setup.sh caches Prometheus: {@code ${XDG_CACHE_HOME:-$HOME/.cache}/goroscope/
   * prometheus-v0.316.0}, unless {@value #BINARY_PROPERTY} or {@value #BINARY_ENV} say otherwise.
   */
  public static Path defaultBinary() {
    return BackendProcess.cachedBinary("prometheus-" + VERSION, BINARY_PROPERTY, BINARY_ENV);
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
    return process.log();
  }

  /** Stops Prometheus (SIGTERM, then SIGKILL) and deletes its data and log. Idempotent. */
  @Override
  public synchronized void close() {
    process.stop();
    BackendProcess.deleteTree(dir);
  }

  @Override
  public String toString() {
    return "Prometheus " + VERSION + " on " + endpoint();
  }

  private void launch() throws IOException {
    process.start(new ProcessBuilder(binary.toString(),
        "--config.file=" + dir.resolve("prometheus.yml"),
        "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port,
        "--web.enable-otlp-receiver")
        .directory(dir.toFile()), endpoint().resolve("/-/ready"), r -> r.statusCode() == 200);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
