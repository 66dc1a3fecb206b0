package dev.goroscope.otel.receiver;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;

/**
 * Forwards over OTLP/HTTP with the JDK's HTTP client: {@code POST} of the request bytes as
 * received, {@code Content-Type: application/x-protobuf}, gzip when configured.
 */
final class HttpUpstream implements Upstream {

  /** Retryable as the OTLP specification lists them. */
  private static final Set<Integer> RETRYABLE = Set.of(429, 502, 503, 504);
  private static final String PROTOBUF = "application/x-protobuf";

  private final ForwardConfig config;
  private final HttpClient client;
  private final ExecutorService executor;

  private HttpUpstream(ForwardConfig config, HttpClient client, ExecutorService executor) {
    this.config = config;
    this.client = client;
    this.executor = executor;
  }

  /** @throws IllegalArgumentException for a TLS file that cannot be used, or a bad header */
  static HttpUpstream create(ForwardConfig config) {
    HttpClient.Builder b = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(config.timeout());
    if (config.tls()) {
      TrustManager[] trust = config.trustedCertificates() == null ? null
          : PemFiles.trustManagers(config.trustedCertificates());
      KeyManager[] keys = config.clientKey() == null ? null
          : PemFiles.keyManagers(config.clientCertificate(), config.clientKey());
      b.sslContext(PemFiles.context(keys, trust));
    }
    // Check the headers once, now: the JDK refuses some (Host, Connection, Content-Length …).
    HttpRequest.Builder probe = HttpRequest.newBuilder(config.endpoint(Signal.TRACES));
    for (Map.Entry<String, String> h : config.headers().entrySet()) {
      try {
        probe.header(h.getKey(), h.getValue());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("forward header '" + h.getKey()
            + "' cannot be sent: " + e.getMessage(), e);
      }
    }
    ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "goroscope-otlp-forward-http");
      t.setDaemon(true);
      return t;
    });
    return new HttpUpstream(config, b.executor(executor).build(), executor);
  }

  @Override
  public CompletableFuture<ForwardResult> send(Signal signal, ByteString body) {
    try {
      HttpRequest.Builder rb = HttpRequest.newBuilder(config.endpoint(signal))
          .timeout(config.timeout())
          .header("Content-Type", PROTOBUF)
          .header("User-Agent", "goroscope-otlp-forwarder");
      byte[] payload = body.toByteArray();
      if (config.gzip()) {
        payload = gzip(payload);
        rb.header("Content-Encoding", "gzip");
      }
      config.headers().forEach(rb::header);
      HttpRequest request = rb.POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build();
      return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
          .handle((response, error) -> error != null ? failure(signal, error)
              : result(signal, response));
    } catch (RuntimeException | IOException e) {
      return CompletableFuture.completedFuture(
          ForwardResult.retryable(describe(signal, e), 0, false));
    }
  }

  private ForwardResult result(Signal signal, HttpResponse<byte[]> response) {
    int code = response.statusCode();
    String type = response.headers().firstValue("Content-Type").orElse("");
    boolean protobuf = type.startsWith(PROTOBUF);
    if (code >= 200 && code < 300) {
      return ForwardResult.ok(protobuf ? signal.rejectedItems(ByteString.copyFrom(response.body()))
          : 0);
    }
    String error = "HTTP " + code + " from " + config.endpoint(signal)
        + message(response.body(), protobuf);
    if (RETRYABLE.contains(code)) {
      return ForwardResult.retryable(error, retryAfterMillis(response), false);
    }
    return ForwardResult.permanent(error);
  }

  private ForwardResult failure(Signal signal, Throwable error) {
    Throwable t = error instanceof CompletionException && error.getCause() != null
        ? error.getCause() : error;
    return ForwardResult.retryable(describe(signal, t), 0, t instanceof HttpTimeoutException);
  }

  private String describe(Signal signal, Throwable t) {
    String what = t instanceof HttpTimeoutException ? "timed out after " + config.timeout()
        : t instanceof ConnectException ? "connection refused"
            : t.getClass().getSimpleName() + (t.getMessage() != null ? ": " + t.getMessage() : "");
    return "POST " + config.endpoint(signal) + ": " + what;
  }

  /** The message of a google.rpc.Status body, or the start of a text body. */
  private static String message(byte[] body, boolean protobuf) {
    if (body.length == 0) {
      return "";
    }
    if (protobuf) {
      try {
        String m = com.google.rpc.Status.parseFrom(body).getMessage();
        return m.isEmpty() ? "" : ": " + m;
      } catch (InvalidProtocolBufferException e) {
        return "";
      }
    }
    String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip();
    return text.isEmpty() ? "" : ": " + text.replaceAll("\\s+", " ");
  }

  private static long retryAfterMillis(HttpResponse<?> response) {
    String v = response.headers().firstValue("Retry-After").orElse("").trim();
    if (!v.isEmpty() && v.chars().allMatch(Character::isDigit) && v.length() < 7) {
      return Long.parseLong(v) * 1000;
    }
    return 0;
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  @Override
  public void close() {
    // Java 17's HttpClient has no close(): its selector thread ends when the client is
    // collected; stopping the executor fails what is still pending.
    executor.shutdownNow();
  }
}
