package dev.goroscope.otel.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.goroscope.otel.testing.OtlpGrpcReceiver;
import dev.goroscope.otel.testing.OtlpHttpReceiver;
import dev.goroscope.otel.testing.RawOtlpBackend;
import io.grpc.ManagedChannel;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The application's exporters (the OpenTelemetry SDK's own, and plain clients for exact bytes)
 * send to the receiver; what reaches a real backend is what they sent, field for field and, for
 * protobuf, byte for byte.
 */
class ReceiverForwardingTest {

  static OtlpReceiver start(ReceiverConfig.Builder config, ForwardConfig forward) {
    return OtlpReceiver.create(config.build(), forward, SpanEnricher.NONE).start();
  }

  static ReceiverConfig.Builder grpcAndHttp() {
    return ReceiverConfig.builder().setGrpc(ListenAddress.loopback(0))
        .setHttp(ListenAddress.loopback(0));
  }

  static ForwardConfig grpcTo(String endpoint) {
    return ForwardConfig.builder().setEndpoint(endpoint).build();
  }

  static ForwardConfig httpTo(String endpoint) {
    return ForwardConfig.builder().setProtocol(ForwardConfig.Protocol.HTTP_PROTOBUF)
        .setEndpoint(endpoint).build();
  }

  static String url(java.net.InetSocketAddress a) {
    return "http://127.0.0.1:" + a.getPort();
  }

  static void export(SpanExporter app, List<SpanData> spans) {
    try {
      assertThat(app.export(spans).join(15, TimeUnit.SECONDS).isSuccess())
          .as("the application's export succeeded").isTrue();
    } finally {
      app.shutdown().join(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void sdkGrpcExporterThroughGrpcArrivesUnchanged() throws Exception {
    List<SpanData> spans = AppSpans.spans("shop", 12);
    try (OtlpGrpcReceiver backend = OtlpGrpcReceiver.start();
        OtlpReceiver receiver = start(grpcAndHttp(), grpcTo(backend.endpoint()))) {
      export(OtlpGrpcSpanExporter.builder().setEndpoint(url(receiver.grpcAddress())).build(),
          spans);
      await().atMost(Duration.ofSeconds(10))
          .until(() -> receiver.stats().traces().forwardedItems() == 12);
      // Resource, scope and every span field as the SDK put them on the wire.
      assertThat(AppSpans.placed(backend.traceRequests()))
          .isEqualTo(AppSpans.placed(AppSpans.request(spans))).hasSize(12);
      SignalStats t = receiver.stats().traces();
      assertThat(t.receivedRequests()).isEqualTo(1);
      assertThat(t.receivedItems()).isEqualTo(12);
      assertThat(t.forwardedRequests()).isEqualTo(1);
      assertThat(t.dropped() + t.refusedItems() + t.queuedItems()).isZero();
      assertThat(receiver.stats().queuedBytes()).isZero();
      assertThat(receiver.stats().maxQueuedBytes()).isEqualTo(AppSpans.bytes(spans).length);
    }
  }

  @Test
  void sdkHttpExporterWithGzipThroughHttpArrivesUnchanged() throws Exception {
    List<SpanData> spans = AppSpans.spans("cart", 9);
    try (OtlpHttpReceiver backend = new OtlpHttpReceiver();
        OtlpReceiver receiver = start(grpcAndHttp(), httpTo(backend.endpoint()))) {
      export(OtlpHttpSpanExporter.builder()
          .setEndpoint(url(receiver.httpAddress()) + "/v1/traces")
          .setCompression("gzip").build(), spans);
      await().atMost(Duration.ofSeconds(10))
          .until(() -> receiver.stats().traces().forwardedItems() == 9);
      assertThat(backend.traceRequests()).hasSize(1);
      assertThat(AppSpans.placed(backend.traceRequests()))
          .isEqualTo(AppSpans.placed(AppSpans.request(spans))).hasSize(9);
      assertThat(backend.lastHeaders()).containsEntry("content-type", "application/x-protobuf");
    }
  }

  @Test
  void crossesProtocolsBothWays() throws Exception {
    List<SpanData> a = AppSpans.spans("a", 3);
    List<SpanData> b = AppSpans.spans("b", 4);
    try (OtlpGrpcReceiver grpcBackend = OtlpGrpcReceiver.start();
        OtlpHttpReceiver httpBackend = new OtlpHttpReceiver();
        OtlpReceiver toGrpc = start(grpcAndHttp(), grpcTo(grpcBackend.endpoint()));
        OtlpReceiver toHttp = start(grpcAndHttp(), ForwardConfig.builder()
            .setProtocol(ForwardConfig.Protocol.HTTP_PROTOBUF).setGzip(true)
            .setEndpoint(httpBackend.endpoint()).addHeader("X-Tenant", "t1").build())) {
      export(OtlpHttpSpanExporter.builder()
          .setEndpoint(url(toGrpc.httpAddress()) + "/v1/traces").build(), a);
      export(OtlpGrpcSpanExporter.builder().setEndpoint(url(toHttp.grpcAddress()))
          .setCompression("gzip").build(), b);
      await().atMost(Duration.ofSeconds(10)).until(() ->
          grpcBackend.traceRequests().size() == 1 && httpBackend.traceRequests().size() == 1);
      assertThat(AppSpans.placed(grpcBackend.traceRequests()))
          .isEqualTo(AppSpans.placed(AppSpans.request(a)));
      assertThat(AppSpans.placed(httpBackend.traceRequests()))
          .isEqualTo(AppSpans.placed(AppSpans.request(b)));
      // goroscope's own forwarding settings: gzip and the configured header.
      assertThat(httpBackend.lastHeaders()).containsEntry("content-encoding", "gzip")
          .containsEntry("x-tenant", "t1");
    }
  }

  /**
   * Bytes protobuf-java would not reproduce (an unknown field before the known ones; it writes
   * unknown fields last): forwarded as received, so they arrive identical.
   */
  static ByteString unusualEncoding(byte[] request) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream c = CodedOutputStream.newInstance(out);
    c.writeString(999, "from a newer OTLP");
    c.flush();
    out.write(request);
    return ByteString.copyFrom(out.toByteArray());
  }

  @Test
  void protobufBytesAreForwardedBitForBit() throws Exception {
    ByteString viaGrpc = unusualEncoding(AppSpans.bytes(AppSpans.spans("g", 5)));
    ByteString viaHttp = unusualEncoding(AppSpans.bytes(AppSpans.spans("h", 6)));
    // Re-encoding would move the unknown field to the end: the test would see it.
    assertThat(ExportTraceServiceRequest.parseFrom(viaGrpc).toByteString()).isNotEqualTo(viaGrpc);
    for (boolean grpcOut : new boolean[] {true, false}) {
      try (RawOtlpBackend backend = grpcOut ? RawOtlpBackend.grpc() : RawOtlpBackend.http();
          OtlpReceiver receiver = start(grpcAndHttp(),
              grpcOut ? grpcTo(backend.endpoint()) : httpTo(backend.endpoint()))) {
        ManagedChannel ch = Clients.channel(receiver.grpcAddress());
        try {
          assertThat(Clients.grpcExport(ch, Signal.TRACES, viaGrpc, Map.of())).isEmpty();
        } finally {
          Clients.close(ch);
        }
        HttpResponse<byte[]> r = Clients.postProtobuf(receiver.httpAddress(), "/v1/traces",
            viaHttp.toByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/x-protobuf");
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.received().size() == 2);
        assertThat(backend.bodies()).as(grpcOut ? "to gRPC" : "to HTTP")
            .containsExactlyInAnyOrder(viaGrpc, viaHttp);
        assertThat(backend.received()).extracting(RawOtlpBackend.Received::target)
            .containsOnly(grpcOut ? Signal.TRACES.grpcService() : "/v1/traces");
        assertThat(receiver.stats().traces().receivedItems()).isEqualTo(11);
      }
    }
  }

  @Test
  void otlpJsonIsAcceptedAndForwardedAsProtobuf() throws Exception {
    List<SpanData> spans = AppSpans.spans("json", 7);
    try (OtlpGrpcReceiver backend = OtlpGrpcReceiver.start();
        OtlpReceiver receiver = start(grpcAndHttp(), grpcTo(backend.endpoint()))) {
      HttpResponse<byte[]> r = Clients.post(receiver.httpAddress(), "/v1/traces",
          AppSpans.json(spans), Map.of("Content-Type", "application/json"));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
      assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
      await().atMost(Duration.ofSeconds(10)).until(() -> backend.traceRequests().size() == 1);
      assertThat(backend.traceRequests()).containsExactly(AppSpans.request(spans));
    }
  }

  static ExportMetricsServiceRequest metrics() {
    NumberDataPoint p = NumberDataPoint.newBuilder().setTimeUnixNano(1_700_000_000_000_000_000L)
        .setAsInt(3).build();
    return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
        .addScopeMetrics(ScopeMetrics.newBuilder()
            .addMetrics(Metric.newBuilder().setName("queue.depth")
                .setGauge(Gauge.newBuilder().addDataPoints(p).addDataPoints(p).addDataPoints(p)))
            .addMetrics(Metric.newBuilder().setName("requests")
                .setSum(Sum.newBuilder().setIsMonotonic(true).addDataPoints(p)
                    .addDataPoints(p)))))
        .build();
  }

  static ExportLogsServiceRequest logs() {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (int i = 0; i < 4; i++) {
      scope.addLogRecords(LogRecord.newBuilder().setTimeUnixNano(1_700_000_000_000_000_000L + i)
          .setSeverityText("INFO").setBody(AnyValue.newBuilder().setStringValue("line " + i)));
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(scope)).build();
  }

  @Test
  void metricsAndLogsAreForwardedUnchangedToo() throws Exception {
    ByteString m = metrics().toByteString();
    ByteString l = logs().toByteString();
    for (boolean grpcOut : new boolean[] {true, false}) {
      try (RawOtlpBackend backend = grpcOut ? RawOtlpBackend.grpc() : RawOtlpBackend.http();
          OtlpReceiver receiver = start(grpcAndHttp(),
              grpcOut ? grpcTo(backend.endpoint()) : httpTo(backend.endpoint()))) {
        ManagedChannel ch = Clients.channel(receiver.grpcAddress());
        try {
          Clients.grpcExport(ch, Signal.METRICS, m, Map.of());
        } finally {
          Clients.close(ch);
        }
        assertThat(Clients.postProtobuf(receiver.httpAddress(), "/v1/logs", l.toByteArray())
            .statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.received().size() == 2);
        assertThat(backend.received()).extracting(RawOtlpBackend.Received::target)
            .containsExactlyInAnyOrder(
                grpcOut ? Signal.METRICS.grpcService() : "/v1/metrics",
                grpcOut ? Signal.LOGS.grpcService() : "/v1/logs");
        assertThat(backend.bodies()).containsExactlyInAnyOrder(m, l);
        await().atMost(Duration.ofSeconds(5))
            .until(() -> receiver.stats().logs().forwardedItems() == 4
                && receiver.stats().metrics().forwardedItems() == 5);
        assertThat(receiver.stats().metrics().receivedItems()).isEqualTo(5);
        assertThat(receiver.stats().logs().receivedItems()).isEqualTo(4);
        assertThat(receiver.stats().summaryLine())
            .contains("5/5 data points and 4/4 log records forwarded");
      }
    }
  }
}
