package dev.goroscope.otel.testing;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP backend (gRPC over Netty, or HTTP on the JDK server) on a loopback port that keeps
 * every request as the raw bytes it received — to check forwarding bit for bit — and can be told
 * to fail, refuse or never answer.
 */
public final class RawOtlpBackend implements AutoCloseable {

  /** How the backend answers. */
  public enum Behaviour {
    ACCEPT,
    /** gRPC UNAVAILABLE / HTTP 503: retryable. */
    UNAVAILABLE,
    /** gRPC INVALID_ARGUMENT / HTTP 400: permanent. */
    REJECT,
    /** Never answers. */
    HANG
  }

  /** One request: the service or path it went to, its bytes, its headers (lower-case names). */
  public record Received(String target, ByteString body, Map<String, String> headers) {}

  private static final String[] SERVICES = {
    "opentelemetry.proto.collector.trace.v1.TraceService",
    "opentelemetry.proto.collector.metrics.v1.MetricsService",
    "opentelemetry.proto.collector.logs.v1.LogsService"
  };

  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<StreamObserver<ByteString>> hanging = new CopyOnWriteArrayList<>();
  private volatile Behaviour behaviour = Behaviour.ACCEPT;
  private final Server grpc;
  private final HttpServer http;

  private RawOtlpBackend(boolean useGrpc, int port) throws IOException {
    if (useGrpc) {
      NettyServerBuilder b = NettyServerBuilder.forAddress(
          new InetSocketAddress("127.0.0.1", port));
      for (String service : SERVICES) {
        MethodDescriptor<ByteString, ByteString> method =
            MethodDescriptor.<ByteString, ByteString>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(service, "Export"))
                .setRequestMarshaller(Raw.INSTANCE)
                .setResponseMarshaller(Raw.INSTANCE)
                .build();
        b.addService(ServerServiceDefinition.builder(service)
            .addMethod(method, ServerCalls.asyncUnaryCall((req, out) -> grpc(service, req, out)))
            .build());
      }
      grpc = b.build().start();
      http = null;
    } else {
      grpc = null;
      http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
      http.createContext("/", this::http);
      http.start();
    }
  }

  public static RawOtlpBackend grpc() throws IOException {
    return new RawOtlpBackend(true, 0);
  }

  public static RawOtlpBackend grpc(int port) throws IOException {
    return new RawOtlpBackend(true, port);
  }

  public static RawOtlpBackend http() throws IOException {
    return new RawOtlpBackend(false, 0);
  }

  public void setBehaviour(Behaviour b) {
    this.behaviour = b;
  }

  public int port() {
    return grpc != null ? grpc.getPort() : http.getAddress().getPort();
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port();
  }

  public List<Received> received() {
    return received;
  }

  public List<ByteString> bodies() {
    return received.stream().map(Received::body).toList();
  }

  private void grpc(String service, ByteString request, StreamObserver<ByteString> out) {
    switch (behaviour) {
      case ACCEPT:
        received.add(new Received(service, request, Map.of()));
        out.onNext(ByteString.EMPTY);
        out.onCompleted();
        break;
      case UNAVAILABLE:
        out.onError(Status.UNAVAILABLE.withDescription("backend says no").asRuntimeException());
        break;
      case REJECT:
        out.onError(Status.INVALID_ARGUMENT.withDescription("bad data").asRuntimeException());
        break;
      default:
        hanging.add(out);
    }
  }

  private void http(HttpExchange ex) throws IOException {
    try (InputStream raw = ex.getRequestBody()) {
      boolean gzip = "gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"));
      byte[] body = (gzip ? new GZIPInputStream(raw) : raw).readAllBytes();
      Behaviour b = behaviour;
      if (b == Behaviour.HANG) {
        sleep(60_000);
        return;
      }
      int code = b == Behaviour.ACCEPT ? 200 : b == Behaviour.UNAVAILABLE ? 503 : 400;
      if (code == 200) {
        Map<String, String> headers = new java.util.TreeMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
        received.add(new Received(ex.getRequestURI().getPath(), ByteString.copyFrom(body),
            headers));
      }
      ex.getResponseHeaders().add("Content-Type", "application/x-protobuf");
      ex.sendResponseHeaders(code, -1);
    } finally {
      ex.close();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (grpc != null) {
      for (StreamObserver<ByteString> o : hanging) {
        try {
          o.onError(Status.CANCELLED.asRuntimeException());
        } catch (RuntimeException ignored) {
          // the call was already cancelled
        }
      }
      try {
        grpc.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else {
      http.stop(0);
    }
  }

  /** Bytes in, bytes out. */
  public static final class Raw implements MethodDescriptor.Marshaller<ByteString> {
    public static final Raw INSTANCE = new Raw();

    @Override
    public InputStream stream(ByteString value) {
      return value.newInput();
    }

    @Override
    public ByteString parse(InputStream stream) {
      try {
        return ByteString.readFrom(stream);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
