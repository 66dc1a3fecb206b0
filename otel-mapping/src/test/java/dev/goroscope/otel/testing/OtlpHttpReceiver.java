package dev.goroscope.otel.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/** A real OTLP/HTTP protobuf receiver (JDK HTTP server) on a loopback port. */
public final class OtlpHttpReceiver implements AutoCloseable {

  private final List<ExportTraceServiceRequest> traces = new CopyOnWriteArrayList<>();
  private final Map<String, String> lastHeaders = new ConcurrentHashMap<>();
  private final HttpServer server;
  private final long maxBodyBytes;

  public OtlpHttpReceiver() throws IOException {
    this(0);
  }

  /** On a given port (to bring a "backend" back where it was). */
  public OtlpHttpReceiver(int port) throws IOException {
    this(port, Long.MAX_VALUE);
  }

  /** A free port; a request body over {@code maxBodyBytes} is answered 413 Payload Too Large. */
  public static OtlpHttpReceiver withBodyLimit(long maxBodyBytes) throws IOException {
    return new OtlpHttpReceiver(0, maxBodyBytes);
  }

  private OtlpHttpReceiver(int port, long maxBodyBytes) throws IOException {
    this.maxBodyBytes = maxBodyBytes;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext("/v1/traces", this::handle);
    server.start();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (InputStream raw = ex.getRequestBody()) {
      ex.getRequestHeaders().forEach((k, v) -> lastHeaders.put(k.toLowerCase(), v.get(0)));
      boolean gzip = "gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"));
      InputStream in = gzip ? new GZIPInputStream(raw) : raw;
      byte[] request = in.readAllBytes();
      if (request.length > maxBodyBytes) {
        ex.sendResponseHeaders(413, -1);
        return;
      }
      traces.add(ExportTraceServiceRequest.parseFrom(request));
      byte[] body = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
      ex.getResponseHeaders().add("Content-Type", "application/x-protobuf");
      ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        }
      }
    } finally {
      ex.close();
    }
  }

  /** Base endpoint (the exporter appends /v1/traces). */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public List<ExportTraceServiceRequest> traceRequests() {
    return traces;
  }

  public List<Span> spans() {
    return OtlpGrpcReceiver.flatten(traces);
  }

  /** Request headers of the last request, lower-case names. */
  public Map<String, String> lastHeaders() {
    return lastHeaders;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
