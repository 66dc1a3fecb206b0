package dev.goroscope.it.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.it.go.ExampleProcess;
import dev.goroscope.it.go.Examples;
import dev.goroscope.it.jaeger.JaegerQuery;
import dev.goroscope.it.jaeger.JaegerServer;
import dev.goroscope.it.jaeger.JaegerSpan;
import dev.goroscope.it.jaeger.JaegerTrace;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * goroscope in the application's OTLP pipeline: {@code goroscope attach --otlp-receiver
 * --otlp-http-receiver --otlp-endpoint JAEGER} watches a Go process and, at the same time,
 * receives spans that an OpenTelemetry SDK exporter sends (gRPC and HTTP) and forwards them.
 * In the real Jaeger the application's spans are there exactly as the SDK recorded them — ids,
 * parent, name, kind, times, attributes, events, links, status, resource, scope — next to
 * goroscope's own goroutine spans.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class OtlpReceiverJaegerTest {
  private static final Pattern RECEIVER_SUMMARY = Pattern.compile(
      "goroscope: otlp receiver: (\\d+) requests?, (\\d+) spans received, (\\d+) forwarded,"
          + " (\\d+) refused \\(queue full\\), (\\d+) dropped, (\\d+) rejected \\(auth\\)"
          + "(?:, (\\d+) enriched, (\\d+) unmatched)?");

  /** Keeps what the SDK recorded, to compare with what Jaeger shows. */
  private static final class Recorded implements SpanExporter {
    final List<SpanData> spans = new CopyOnWriteArrayList<>();

    @Override
    public CompletableResultCode export(Collection<SpanData> batch) {
      spans.addAll(batch);
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void applicationSpansReachJaegerThroughGoroscopeUnchanged() throws Exception {
    String app = "it-app-" + UUID.randomUUID();
    String own = "it-receiver-goroscope";
    int grpcPort = freePort();
    int httpPort = freePort();
    Recorded recorded = new Recorded();
    try (JaegerServer jaeger = JaegerServer.start();
        ExampleProcess pool = ExampleProcess.start(Examples.binary(Examples.WORKER_POOL),
            "-workers", "2", "-jobs", "4", "-duration", "120s")) {
      pool.awaitReady(Duration.ofSeconds(30));
      try (AttachRun attach = AttachRun.start("attach", "--pid", Long.toString(pool.pid()),
          "--otlp-receiver", Integer.toString(grpcPort),
          "--otlp-http-receiver", "127.0.0.1:" + httpPort,
          "--otlp-endpoint", jaeger.otlpGrpcEndpoint().toString(), "--otlp-protocol", "grpc",
          "--service-name", own)) {
        assertThat(attach.process().stderr()).anyMatch(l -> l.equals(
            "goroscope: otlp receiver listening on 127.0.0.1:" + grpcPort + " (gRPC), 127.0.0.1:"
                + httpPort + " (HTTP), forwarding to " + jaeger.otlpGrpcEndpoint() + " (grpc)"));
        sendAsTheApplication(app, "http://127.0.0.1:" + grpcPort,
            "http://127.0.0.1:" + httpPort + "/v1/traces", recorded);
        // goroscope's own goroutine spans go to the same Jaeger meanwhile.
        jaeger.query().awaitTraces(own, Map.of("goroutine.start_function", "main.worker"), 1,
            Duration.ofSeconds(60));
        attach.interrupt();
        Matcher m = attach.process().stderr().stream().map(RECEIVER_SUMMARY::matcher)
            .filter(Matcher::matches).findFirst()
            .orElseThrow(() -> new AssertionError("no receiver summary\n" + attach.transcript()));
        // SimpleSpanProcessor: one export request per span.
        assertThat(Long.parseLong(m.group(1))).as("requests").isEqualTo(4);
        assertThat(Long.parseLong(m.group(2))).as("spans received").isEqualTo(4);
        assertThat(Long.parseLong(m.group(3))).as("spans forwarded").isEqualTo(4);
        assertThat(m.group(4) + m.group(5) + m.group(6)).isEqualTo("000");
        // Spans of a process goroscope does not watch (process.pid 4242): forwarded unchanged.
        assertThat(m.group(7) + "/" + m.group(8)).as("enriched/unmatched").isEqualTo("0/4");
      }

      JaegerQuery query = jaeger.query();
      List<JaegerTrace> traces = query.awaitTraces(app, Map.of("app.step", "checkout"), 1,
          Duration.ofSeconds(30));
      assertThat(traces).hasSize(1);
      JaegerTrace trace = traces.get(0);
      for (long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
          trace.spans().size() < 4 && System.nanoTime() - deadline < 0; ) {
        AttachRun.sleep(200);
        trace = query.trace(trace.traceId()).orElse(trace);
      }
      assertThat(recorded.spans).hasSize(4);
      assertThat(trace.spans()).hasSize(4);
      for (SpanData sent : recorded.spans) {
        JaegerSpan got = trace.span(sent.getSpanContext().getSpanId()).orElseThrow(
            () -> new AssertionError("span " + sent.getName() + " missing in Jaeger"));
        assertSame(sent, got, app);
      }
    }
  }

  /** The application: one trace, spans exported over gRPC and over HTTP by the SDK. */
  private static void sendAsTheApplication(String service, String grpc, String http,
      Recorded recorded) {
    Resource resource = Resource.create(Attributes.builder()
        .put("service.name", service)
        .put("service.version", "1.2.3")
        .put("process.pid", 4242L)
        .build());
    SpanExporter overGrpc = OtlpGrpcSpanExporter.builder().setEndpoint(grpc).build();
    SpanExporter overHttp = OtlpHttpSpanExporter.builder().setEndpoint(http)
        .setCompression("gzip").build();
    List<CompletableResultCode> flushed = new ArrayList<>();
    try (SdkTracerProvider serverSide = SdkTracerProvider.builder().setResource(resource)
            .addSpanProcessor(SimpleSpanProcessor.create(overGrpc))
            .addSpanProcessor(SimpleSpanProcessor.create(recorded)).build();
        SdkTracerProvider clientSide = SdkTracerProvider.builder().setResource(resource)
            .addSpanProcessor(SimpleSpanProcessor.create(overHttp))
            .addSpanProcessor(SimpleSpanProcessor.create(recorded)).build()) {
      Tracer server = serverSide.get("go.opentelemetry.io/contrib/otelhttp", "0.63.0");
      Tracer client = clientSide.get("shop/client");
      Span request = server.spanBuilder("POST /checkout").setSpanKind(SpanKind.SERVER)
          .setAttribute("http.request.method", "POST")
          .setAttribute("app.step", "checkout")
          .setAttribute(AttributeKey.longKey("http.response.status_code"), 500L)
          .startSpan();
      Scope scope = request.makeCurrent();
      try {
        Span price = client.spanBuilder("GET /price").setSpanKind(SpanKind.CLIENT)
            .setAttribute("peer.service", "pricing")
            .setAttribute(AttributeKey.doubleKey("app.ratio"), 0.5)
            .setAttribute(AttributeKey.booleanKey("app.cached"), true)
            // A link to a span of another trace (a batch job, say).
            .addLink(SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
                TraceFlags.getSampled(), TraceState.getDefault()),
                Attributes.of(AttributeKey.stringKey("why"), "batch"))
            .startSpan();
        price.addEvent("retry", Attributes.of(AttributeKey.longKey("attempt"), 2L));
        price.setStatus(StatusCode.ERROR, "pricing timed out");
        price.end();
        Span inner = server.spanBuilder("validate").startSpan();
        inner.end();
        Span stock = client.spanBuilder("GET /stock").setSpanKind(SpanKind.CLIENT).startSpan();
        stock.end();
      } finally {
        scope.close();
      }
      request.setStatus(StatusCode.ERROR);
      request.end();
      flushed.add(serverSide.forceFlush());
      flushed.add(clientSide.forceFlush());
      assertThat(CompletableResultCode.ofAll(flushed).join(20, TimeUnit.SECONDS).isSuccess())
          .as("the application's exports to goroscope succeeded").isTrue();
    }
  }

  private static void assertSame(SpanData sent, JaegerSpan got, String service) {
    String what = sent.getName();
    assertThat(got.traceId()).as(what).isEqualTo(sent.getTraceId());
    assertThat(got.operationName()).as(what).isEqualTo(sent.getName());
    if (sent.getParentSpanContext().isValid()) {
      assertThat(got.parentSpanId()).as(what).contains(sent.getParentSpanId());
    } else {
      assertThat(got.parentSpanId()).as(what).isEmpty();
    }
    assertThat(got.startTimeMicros()).as(what).isEqualTo(sent.getStartEpochNanos() / 1000);
    assertThat(got.durationMicros()).as(what)
        .isEqualTo((sent.getEndEpochNanos() - sent.getStartEpochNanos()) / 1000);
    sent.getAttributes().forEach((k, v) ->
        assertThat(got.tag(k.getKey())).as(what + " " + k).contains(String.valueOf(v)));
    String kind = sent.getKind().name().toLowerCase();
    if (sent.getKind() != SpanKind.INTERNAL) {
      assertThat(got.tag("span.kind")).as(what).contains(kind);
    }
    assertThat(got.tag("otel.scope.name")).as(what)
        .contains(sent.getInstrumentationScopeInfo().getName());
    if (sent.getInstrumentationScopeInfo().getVersion() != null) {
      assertThat(got.tag("otel.scope.version")).as(what)
          .contains(sent.getInstrumentationScopeInfo().getVersion());
    }
    assertThat(got.isError()).as(what)
        .isEqualTo(sent.getStatus().getStatusCode() == StatusCode.ERROR);
    if (!sent.getStatus().getDescription().isEmpty()) {
      assertThat(got.tag("otel.status_description")).as(what)
          .contains(sent.getStatus().getDescription());
    }
    assertThat(got.logs()).as(what).hasSameSizeAs(sent.getEvents());
    for (int i = 0; i < sent.getEvents().size(); i++) {
      EventData e = sent.getEvents().get(i);
      JaegerSpan.Log log = got.logs().get(i);
      assertThat(log.timestampMicros()).isEqualTo(e.getEpochNanos() / 1000);
      assertThat(log.fields()).containsEntry("event", e.getName());
      e.getAttributes().forEach((k, v) ->
          assertThat(log.fields()).containsEntry(k.getKey(), String.valueOf(v)));
    }
    for (LinkData link : sent.getLinks()) {
      assertThat(got.references()).as(what).anyMatch(r ->
          r.traceId().equals(link.getSpanContext().getTraceId())
              && r.spanId().equals(link.getSpanContext().getSpanId())
              && r.refType().equals("FOLLOWS_FROM"));
    }
    assertThat(got.serviceName()).isEqualTo(service);
    assertThat(got.processTags()).containsEntry("service.version", "1.2.3")
        .containsEntry("process.pid", "4242");
  }
}
