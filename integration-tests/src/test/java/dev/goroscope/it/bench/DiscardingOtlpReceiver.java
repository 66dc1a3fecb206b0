package dev.goroscope.it.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OTLP/HTTP endpoint for the {@code otlp} modes: answers every {@code POST /v1/traces} and
 * {@code /v1/metrics} with an empty (successful) protobuf response after reading the body, and
 * keeps nothing. What is measured is goroscope's CPU to produce and send OTLP, not a backend's.
 * Runs in the harness's JVM, on loopback.
 */
final class DiscardingOtlpReceiver implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService threads;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();

  private DiscardingOtlpReceiver(HttpServer server, ExecutorService threads) {
    this.server = server;
    this.threads = threads;
  }

  static DiscardingOtlpReceiver start() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      ExecutorService threads = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "bench-otlp-receiver");
        t.setDaemon(true);
        return t;
      });
      DiscardingOtlpReceiver receiver = new DiscardingOtlpReceiver(server, threads);
      server.createContext("/", receiver::handle);
      server.setExecutor(threads);
      server.start();
      return receiver;
    } catch (IOException e) {
      throw new UncheckedIOException("start the OTLP receiver: " + e.getMessage(), e);
    }
  }

  /** {@code http://127.0.0.1:PORT}, for {@code --otlp-endpoint}. */
  String endpoint() {
    return "http://" + server.getAddress().getAddress().getHostAddress() + ":"
        + server.getAddress().getPort();
  }

  /** Requests answered so far. */
  long requests() {
    return requests.get();
  }

  /** Request body bytes read so far. */
  long bytes() {
    return bytes.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange; InputStream body = exchange.getRequestBody()) {
      bytes.addAndGet(body.transferTo(java.io.OutputStream.nullOutputStream()));
      requests.incrementAndGet();
      boolean post = "POST".equals(exchange.getRequestMethod());
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(post ? 200 : 405, -1);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
