package dev.goroscope.otel.receiver;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.Code;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import javax.net.ssl.SSLContext;

/**
 * OTLP/HTTP on the JDK's HTTP server ({@code com.sun.net.httpserver}, HTTP/1.1, HTTPS with the
 * same PEM files as gRPC): {@code POST /v1/traces}, {@code /v1/metrics}, {@code /v1/logs} with
 * {@code application/x-protobuf} or {@code application/json} (OTLP/JSON), plain or gzip.
 *
 * <p>Answers, as the OTLP specification says: 200 with the (empty) export response in the
 * request's encoding; 400 malformed; 401 missing/wrong required header; 404 other paths; 405 not
 * POST; 413 larger than the limit (also after decompression); 415 other media types or
 * encodings; 429 queue full and 503 shutting down, both with {@code Retry-After}. Error bodies
 * are a google.rpc.Status in the request's encoding.
 */
final class HttpReceiverServer {

  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON = "application/json";

  private final HttpServer server;
  private final java.util.concurrent.atomic.AtomicInteger active =
      new java.util.concurrent.atomic.AtomicInteger();
  private final ReceiverConfig config;
  private final Ingest ingest;

  private HttpReceiverServer(HttpServer server, ReceiverConfig config, Ingest ingest) {
    this.server = server;
    this.config = config;
    this.ingest = ingest;
  }

  /**
   * Binds and starts.
   *
   * @throws IOException when the address cannot be bound
   */
  static HttpReceiverServer start(ReceiverConfig config, SSLContext tls, Ingest ingest,
      ExecutorService executor) throws IOException {
    InetSocketAddress address = config.http().socketAddress();
    HttpServer server;
    if (tls != null) {
      HttpsServer https = HttpsServer.create(address, 0);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      server = https;
    } else {
      server = HttpServer.create(address, 0);
    }
    HttpReceiverServer r = new HttpReceiverServer(server, config, ingest);
    server.createContext("/", r::handle);
    server.setExecutor(executor);
    server.start();
    return r;
  }

  InetSocketAddress address() {
    return server.getAddress();
  }

  private void handle(HttpExchange ex) {
    active.incrementAndGet();
    try {
      Signal signal = signalOf(ex.getRequestURI().getPath());
      Headers h = ex.getRequestHeaders();
      String type = mediaType(h.getFirst("Content-Type"));
      boolean json = JSON.equals(type);
      if (signal == null) {
        reject(ex, 404, json, Code.NOT_FOUND, "no OTLP endpoint at "
            + ex.getRequestURI().getPath() + ": use /v1/traces, /v1/metrics or /v1/logs");
        return;
      }
      if (!"POST".equals(ex.getRequestMethod())) {
        ex.getResponseHeaders().set("Allow", "POST");
        reject(ex, 405, json, Code.UNIMPLEMENTED, ex.getRequestMethod() + " is not allowed:"
            + " OTLP/HTTP takes POST");
        return;
      }
      if (config.authHeaderName() != null
          && !ingest.authorized(h.getFirst(config.authHeaderName()))) {
        if ("authorization".equals(config.authHeaderName())) {
          ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        }
        send(ex, 401, json, status(json, Code.UNAUTHENTICATED,
            "missing or wrong '" + config.authHeaderName() + "' header"));
        return;
      }
      if (!json && !PROTOBUF.equals(type)) {
        reject(ex, 415, false, Code.INVALID_ARGUMENT, "unsupported Content-Type '"
            + h.getFirst("Content-Type") + "': use " + PROTOBUF + " or " + JSON);
        return;
      }
      String encoding = h.getFirst("Content-Encoding");
      boolean gzip = encoding != null && encoding.trim().equalsIgnoreCase("gzip");
      if (encoding != null && !gzip && !encoding.isBlank()
          && !encoding.trim().equalsIgnoreCase("identity")) {
        reject(ex, 415, json, Code.INVALID_ARGUMENT, "unsupported Content-Encoding '"
            + encoding + "': use gzip or none");
        return;
      }
      byte[] body = readBody(ex, gzip);
      if (body == null) {
        reject(ex, 413, json, Code.RESOURCE_EXHAUSTED, "request larger than "
            + config.maxMessageBytes() + " bytes" + (gzip ? " once decompressed" : ""));
        return;
      }
      Admission a;
      if (json) {
        Message parsed;
        try {
          parsed = OtlpJson.parse(signal, body);
        } catch (InvalidProtocolBufferException e) {
          ingest.rejectedInvalid();
          send(ex, 400, true, status(true, Code.INVALID_ARGUMENT, "not an OTLP/JSON "
              + signal.name().toLowerCase(Locale.ROOT) + " export request: " + e.getMessage()));
          return;
        }
        a = ingest.admit(signal, parsed, parsed.toByteString());
      } else {
        a = ingest.admit(signal, ByteString.copyFrom(body));
      }
      switch (a.kind()) {
        case ACCEPTED:
          Message response = signal.response(0, "");
          send(ex, 200, json, json ? OtlpJson.print(response).getBytes(StandardCharsets.UTF_8)
              : response.toByteArray());
          break;
        case INVALID:
          send(ex, 400, json, status(json, Code.INVALID_ARGUMENT, a.message()));
          break;
        default:
          boolean full = a.kind() == Admission.Kind.FULL;
          ex.getResponseHeaders().set("Retry-After", Long.toString(a.retryAfterSeconds()));
          send(ex, full ? 429 : 503, json, status(json,
              full ? Code.RESOURCE_EXHAUSTED : Code.UNAVAILABLE, a.message()));
      }
    } catch (BadGzip e) {
      try {
        reject(ex, 400, false, Code.INVALID_ARGUMENT, "body is not valid gzip: " + e.getMessage());
      } catch (IOException gone) {
        // nothing to tell a client that went away
      }
    } catch (IOException e) {
      // The client went away while we read or answered: nothing to tell it.
    } finally {
      ex.close();
      active.decrementAndGet();
    }
  }

  private static Signal signalOf(String path) {
    String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1)
        : path;
    for (Signal s : Signal.values()) {
      if (s.httpPath().equals(p)) {
        return s;
      }
    }
    return null;
  }

  private static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim()
        .toLowerCase(Locale.ROOT);
  }

  /** The body, decompressed; null when it exceeds the limit (read no further than that). */
  private byte[] readBody(HttpExchange ex, boolean gzip) throws IOException {
    int max = config.maxMessageBytes();
    String length = ex.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > max) {
          return null;
        }
      } catch (NumberFormatException e) {
        // the server rejects a malformed Content-Length before we get here
      }
    }
    InputStream raw = ex.getRequestBody();
    if (!gzip) {
      return readAtMost(raw, max);
    }
    try {
      return readAtMost(new GZIPInputStream(raw), max);
    } catch (ZipException | java.io.EOFException e) {
      throw new BadGzip(e);
    }
  }

  private static byte[] readAtMost(InputStream in, int max) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, 64 * 1024));
    byte[] buf = new byte[16 * 1024];
    int total = 0;
    for (int n; (n = in.read(buf)) > 0; ) {
      total += n;
      if (total > max) {
        return null;
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  /** A body that says gzip but is not (or is cut short): answered 400. */
  private static final class BadGzip extends IOException {
    BadGzip(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  private void reject(HttpExchange ex, int code, boolean json, Code rpc, String message)
      throws IOException {
    ingest.rejectedInvalid();
    send(ex, code, json, status(json, rpc, message));
  }

  private static byte[] status(boolean json, Code code, String message) {
    com.google.rpc.Status s = com.google.rpc.Status.newBuilder().setCode(code.getNumber())
        .setMessage(message).build();
    return json ? OtlpJson.print(s).getBytes(StandardCharsets.UTF_8) : s.toByteArray();
  }

  private static void send(HttpExchange ex, int code, boolean json, byte[] body)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", json ? JSON : PROTOBUF);
    ex.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /**
   * Exchanges in progress get up to a second to finish (new ones are answered 503 by then),
   * then the port closes. (JDK 17's {@code stop(delay)} always waits the whole delay.)
   */
  void stop() {
    long deadline = System.nanoTime() + 1_000_000_000L;
    while (active.get() > 0 && System.nanoTime() - deadline < 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
    }
    server.stop(0);
  }
}
