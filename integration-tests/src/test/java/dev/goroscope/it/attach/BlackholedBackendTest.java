package dev.goroscope.it.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.it.go.ExampleProcess;
import dev.goroscope.it.go.Examples;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ctrl-C while the OTLP backend accepts connections and never answers: goroscope detaches at
 * once, gives its outputs their documented shutdown time (5 s), prints the summary with what it
 * dropped, and exits 0 — over gRPC and over HTTP. Real SIGINT (kill -INT) to the real command.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BlackholedBackendTest {

  /** The documented bound (README, "Stopping"): 5 s for the outputs, plus the JVM's exit. */
  private static final Duration SHUTDOWN_BOUND = Duration.ofSeconds(5);
  /** Detaching, the last drain, the summary and the JVM's own exit on a loaded machine. */
  private static final Duration MARGIN = Duration.ofSeconds(5);

  @ParameterizedTest
  @ValueSource(strings = {"grpc", "http/protobuf"})
  void ctrlCWithABlackholedBackendEndsInBoundedTimeWithTheSummary(String protocol)
      throws IOException {
    try (BlackHole backend = new BlackHole();
        ExampleProcess pool = ExampleProcess.start(Examples.binary(Examples.WORKER_POOL),
            "-pause", "1ms", "-duration", "120s")) {
      pool.awaitReady(Duration.ofSeconds(30));
      try (AttachRun attach = AttachRun.start("attach", "--pid", Long.toString(pool.pid()),
          "--output", "otlp", "--otlp-endpoint", backend.endpoint(), "--otlp-protocol",
          protocol)) {
        // Spans pile up: a batch is sent (and never answered) every 2 s.
        AttachRun.sleep(4_000);
        assertThat(backend.connections()).as("the exporter reached the backend").isPositive();
        long start = System.nanoTime();
        int code = attach.process().interrupt(Duration.ofSeconds(60));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(code).as("exit code after SIGINT\n%s", attach.transcript()).isZero();
        assertThat(took).as("time from SIGINT to exit\n%s", attach.transcript())
            .isLessThan(SHUTDOWN_BOUND.plus(MARGIN));
        AttachRun.Summary summary = attach.summary();
        assertThat(summary.spans()).as("nothing was acknowledged").isZero();
        List<String> stderr = attach.process().stderr();
        assertThat(stderr).as(attach.transcript())
            .anyMatch(l -> l.matches("goroscope: OTLP export dropped [1-9]\\d* spans? \\(last"
                + " error: .*\\)"));
        assertThat(stderr).noneMatch(l -> l.contains("Exception"));
        assertThat(pool.isAlive()).as("the target is left running").isTrue();
      }
    }
  }

  /** Accepts TCP connections and never reads or writes a byte. */
  static final class BlackHole implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    BlackHole() throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread acceptor = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            accepted.add(server.accept());
          } catch (IOException e) {
            return;
          }
        }
      }, "black-hole");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    String endpoint() {
      return "http://127.0.0.1:" + server.getLocalPort();
    }

    int connections() {
      return accepted.size();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : accepted) {
        s.close();
      }
    }
  }
}
