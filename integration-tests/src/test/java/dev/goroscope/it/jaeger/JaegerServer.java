package dev.goroscope.it.jaeger;

import dev.goroscope.it.backend.BackendProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * A real Jaeger (v2, {@code cmd/jaeger} of module version {@value #VERSION}, built once by
 * scripts/setup.sh into the user cache) on free 127.0.0.1 ports, with memory storage, started
 * from the same configuration file scripts/jaeger.sh uses. {@link #start()} returns once Jaeger
 * reports healthy; {@link #close()} stops it and deletes its files.
 *
 * <p>{@link #stop()} and {@link #restart()} keep the ports, for tests that take the backend away
 * from a running exporter. Memory storage does not survive a stop.
 */
public final class JaegerServer implements AutoCloseable {
  public static final String VERSION = "v1.76.0";
  /** Overrides the binary's location (system property or environment variable). */
  public static final String BINARY_PROPERTY = "goroscope.jaeger.binary";
  public static final String BINARY_ENV = "GOROSCOPE_JAEGER_BINARY";

  private static final String CONFIG_RESOURCE = "/jaeger/jaeger-config.yaml";

  private final Path binary;
  private final Path dir;
  private final Path config;
  private final Ports ports;
  private final BackendProcess process;

  /** The ports this instance listens on, all on 127.0.0.1. */
  public record Ports(int otlpGrpc, int otlpHttp, int queryHttp, int queryGrpc, int health) {}

  private JaegerServer(Path binary, Path dir, Ports ports) throws IOException {
    this.binary = binary;
    this.dir = dir;
    this.ports = ports;
    this.config = dir.resolve("jaeger-config.yaml");
    this.process = new BackendProcess("Jaeger", dir.resolve("jaeger.log"));
    try (InputStream in = JaegerServer.class.getResourceAsStream(CONFIG_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(CONFIG_RESOURCE + " is not on the test classpath");
      }
      Files.copy(in, config, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Starts the cached Jaeger (see {@link #defaultBinary()}) on free ports. */
  public static JaegerServer start() {
    return start(defaultBinary());
  }

  /**
   * Starts {@code binary} on free ports and waits until it is healthy.
   *
   * @throws IllegalStateException when the binary is missing (with the command that builds it),
   *     or Jaeger exits or stays unhealthy (with its log)
   */
  public static JaegerServer start(Path binary) {
    BackendProcess.requireExecutable(binary, "Jaeger", BINARY_PROPERTY, BINARY_ENV);
    return BackendProcess.startInTempDir("Jaeger", dir -> {
      JaegerServer server = new JaegerServer(binary, dir, freePorts());
      server.launch();
      return server;
    });
  }

  /**
   * Where scripts/setup.sh caches Jaeger: {@code ${XDG_CACHE_HOME:-$HOME/.cache}/goroscope/
   * jaeger-v1.76.0}, unless {@value #BINARY_PROPERTY} or {@value #BINARY_ENV} say otherwise.
   */
  public static Path defaultBinary() {
    return BackendProcess.cachedBinary("jaeger-" + VERSION, BINARY_PROPERTY, BINARY_ENV);
  }

  public Ports ports() {
    return ports;
  }

  /** OTLP/gRPC endpoint, e.g. for {@code --otlp-endpoint} with {@code --otlp-protocol grpc}. */
  public URI otlpGrpcEndpoint() {
    return URI.create("http://127.0.0.1:" + ports.otlpGrpc());
  }

  /** OTLP/HTTP base endpoint (as OTEL_EXPORTER_OTLP_ENDPOINT; traces go to /v1/traces). */
  public URI otlpHttpEndpoint() {
    return URI.create("http://127.0.0.1:" + ports.otlpHttp());
  }

  /** OTLP/HTTP traces URL (as OTEL_EXPORTER_OTLP_TRACES_ENDPOINT). */
  public URI otlpHttpTracesEndpoint() {
    return URI.create("http://127.0.0.1:" + ports.otlpHttp() + "/v1/traces");
  }

  /** The UI and HTTP query API. */
  public URI queryEndpoint() {
    return URI.create("http://127.0.0.1:" + ports.queryHttp());
  }

  /** A client of this instance's HTTP query API. */
  public JaegerQuery query() {
    return new JaegerQuery(queryEndpoint());
  }

  public boolean isRunning() {
    return process.isRunning();
  }

  /** Stops Jaeger (SIGTERM, then SIGKILL), keeping its ports and files for {@link #restart()}. */
  public void stop() {
    process.stop();
  }

  /** Starts Jaeger again on the same ports (empty storage) and waits until it is healthy. */
  public synchronized void restart() {
    stop();
    try {
      launch();
    } catch (IOException e) {
      throw new UncheckedIOException("restart Jaeger: " + e.getMessage(), e);
    }
  }

  /** Jaeger's log so far (stdout and stderr). */
  public String log() {
    return process.log();
  }

  /** Stops Jaeger and deletes its configuration and log. Idempotent. */
  @Override
  public synchronized void close() {
    process.stop();
    BackendProcess.deleteTree(dir);
  }

  @Override
  public String toString() {
    return "Jaeger " + VERSION + " " + ports;
  }

  private void launch() throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(binary.toString(), "--config", "file:" + config).directory(dir.toFile());
    builder.environment().putAll(portEnvironment());
    process.start(builder, URI.create("http://127.0.0.1:" + ports.health() + "/status"),
        r -> r.statusCode() == 200 && r.body().contains("\"healthy\":true"));
  }

  private Map<String, String> portEnvironment() {
    return Map.of(
        "GOROSCOPE_JAEGER_OTLP_GRPC_PORT", Integer.toString(ports.otlpGrpc()),
        "GOROSCOPE_JAEGER_OTLP_HTTP_PORT", Integer.toString(ports.otlpHttp()),
        "GOROSCOPE_JAEGER_QUERY_HTTP_PORT", Integer.toString(ports.queryHttp()),
        "GOROSCOPE_JAEGER_QUERY_GRPC_PORT", Integer.toString(ports.queryGrpc()),
        "GOROSCOPE_JAEGER_HEALTH_PORT", Integer.toString(ports.health()));
  }

  /** Five distinct free ports, held open together so that none is handed out twice. */
  private static Ports freePorts() throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket a = new ServerSocket(0, 1, loopback);
        ServerSocket b = new ServerSocket(0, 1, loopback);
        ServerSocket c = new ServerSocket(0, 1, loopback);
        ServerSocket d = new ServerSocket(0, 1, loopback);
        ServerSocket e = new ServerSocket(0, 1, loopback)) {
      return new Ports(a.getLocalPort(), b.getLocalPort(), c.getLocalPort(), d.getLocalPort(), e.getLocalPort());
    }
  }
}
