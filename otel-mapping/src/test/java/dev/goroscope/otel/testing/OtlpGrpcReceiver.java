package dev.goroscope.otel.testing;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A real OTLP/gRPC receiver on a loopback port (HTTP/2 over Netty) that records requests. */
public final class OtlpGrpcReceiver implements AutoCloseable {

  private final List<ExportTraceServiceRequest> traces = new CopyOnWriteArrayList<>();
  private final List<ExportMetricsServiceRequest> metrics = new CopyOnWriteArrayList<>();
  private final Server server;

  private OtlpGrpcReceiver(int port) throws IOException {
    this(port, null, null, 0);
  }

  private OtlpGrpcReceiver(int port, File certChain, File privateKey, int maxMessageBytes)
      throws IOException {
    NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port));
    if (certChain != null) {
      b.useTransportSecurity(certChain, privateKey);
    }
    if (maxMessageBytes > 0) {
      b.maxInboundMessageSize(maxMessageBytes); // larger: RESOURCE_EXHAUSTED, as any gRPC server
    }
    server =
        b
            .addService(
                new TraceServiceGrpc.TraceServiceImplBase() {
                  @Override
                  public void export(
                      ExportTraceServiceRequest request,
                      StreamObserver<ExportTraceServiceResponse> out) {
                    traces.add(request);
                    out.onNext(ExportTraceServiceResponse.getDefaultInstance());
                    out.onCompleted();
                  }
                })
            .addService(
                new MetricsServiceGrpc.MetricsServiceImplBase() {
                  @Override
                  public void export(
                      ExportMetricsServiceRequest request,
                      StreamObserver<ExportMetricsServiceResponse> out) {
                    metrics.add(request);
                    out.onNext(ExportMetricsServiceResponse.getDefaultInstance());
                    out.onCompleted();
                  }
                })
            .build()
            .start();
  }

  /** Starts on a free port. */
  public static OtlpGrpcReceiver start() throws IOException {
    return new OtlpGrpcReceiver(0);
  }

  /** Starts with TLS (PEM certificate chain and PKCS#8 key) on a free port. */
  public static OtlpGrpcReceiver startTls(File certChain, File privateKey) throws IOException {
    return new OtlpGrpcReceiver(0, certChain, privateKey, 0);
  }

  /** Starts on a free port, refusing requests larger than {@code maxMessageBytes}. */
  public static OtlpGrpcReceiver startWithMessageLimit(int maxMessageBytes) throws IOException {
    return new OtlpGrpcReceiver(0, null, null, maxMessageBytes);
  }

  /** Starts on a given port (to bring a "backend" back on the port it left). */
  public static OtlpGrpcReceiver start(int port) throws IOException {
    return new OtlpGrpcReceiver(port);
  }

  public int port() {
    return server.getPort();
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port();
  }

  public List<ExportTraceServiceRequest> traceRequests() {
    return traces;
  }

  public List<ExportMetricsServiceRequest> metricRequests() {
    return metrics;
  }

  /** Every span received, flattened over requests, resources and scopes. */
  public List<Span> spans() {
    return flatten(traces);
  }

  public static List<Span> flatten(List<ExportTraceServiceRequest> requests) {
    List<Span> out = new ArrayList<>();
    for (ExportTraceServiceRequest r : requests) {
      for (ResourceSpans rs : r.getResourceSpansList()) {
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          out.addAll(ss.getSpansList());
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    try {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
