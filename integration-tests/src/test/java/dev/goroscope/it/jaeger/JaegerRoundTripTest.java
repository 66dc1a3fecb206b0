package dev.goroscope.it.jaeger;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Proves the Jaeger harness end to end: spans sent with the OpenTelemetry SDK's own OTLP
 * exporters (HTTP and gRPC) to a real Jaeger come back through its HTTP query API, found by tag,
 * with their parent reference, status, resource and times.
 */
@ExtendWith(JaegerExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class JaegerRoundTripTest {
  private static final AttributeKey<Long> GOROUTINE_ID = AttributeKey.longKey("goroutine.id");
  private static final AttributeKey<String> START_FUNCTION =
      AttributeKey.stringKey("goroutine.start_function");

  @Test
  void spansSentOverOtlpHttpAreFoundByTag(JaegerServer jaeger) {
    SpanExporter exporter =
        OtlpHttpSpanExporter.builder().setEndpoint(jaeger.otlpHttpTracesEndpoint().toString()).build();
    roundTrip(jaeger, exporter, "it-http-" + UUID.randomUUID());
  }

  @Test
  void spansSentOverOtlpGrpcAreFoundByTag(JaegerServer jaeger) {
    SpanExporter exporter =
        OtlpGrpcSpanExporter.builder().setEndpoint(jaeger.otlpGrpcEndpoint().toString()).build();
    roundTrip(jaeger, exporter, "it-grpc-" + UUID.randomUUID());
  }

  private static void roundTrip(JaegerServer jaeger, SpanExporter exporter, String service) {
    Instant before = Instant.now();
    String parentSpanId;
    String childSpanId;
    try (SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(
                                AttributeKey.stringKey("service.name"), service,
                                AttributeKey.stringKey("process.pid"), "4242"))))
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build()) {
      Tracer tracer = provider.get("dev.goroscope.it");
      Span parent =
          tracer.spanBuilder("main.main").setAttribute(GOROUTINE_ID, 1L)
              .setAttribute(START_FUNCTION, "main.main").startSpan();
      Scope scope = parent.makeCurrent();
      try {
        Span child =
            tracer.spanBuilder("main.worker").setAttribute(GOROUTINE_ID, 42L)
                .setAttribute(START_FUNCTION, "main.worker").startSpan();
        child.setStatus(StatusCode.ERROR, "deadline overrun");
        child.end();
        childSpanId = child.getSpanContext().getSpanId();
      } finally {
        scope.close();
      }
      parent.end();
      parentSpanId = parent.getSpanContext().getSpanId();
      CompletableResultCode flushed = provider.forceFlush().join(10, TimeUnit.SECONDS);
      assertThat(flushed.isSuccess()).as("OTLP export to %s", jaeger).isTrue();
    }
    Instant after = Instant.now();

    JaegerQuery query = jaeger.query();
    List<JaegerTrace> byId = query.awaitTraces(service, Map.of("goroutine.id", "42"), 1, Duration.ofSeconds(20));
    // Each span is its own export request: the parent may be stored a moment after the child.
    for (long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        byId.size() == 1 && byId.get(0).spans().size() < 2 && System.nanoTime() - deadline < 0; ) {
      sleep(100);
      byId = query.findTraces(service, Map.of("goroutine.id", "42"));
    }
    assertThat(query.services()).contains(service);
    assertThat(byId).hasSize(1);
    JaegerTrace trace = byId.get(0);
    // The search returns the whole trace; exactly one span carries the tag.
    assertThat(trace.spans()).hasSize(2);
    List<JaegerSpan> tagged = trace.spansWithTag("goroutine.id", "42");
    assertThat(tagged).hasSize(1);
    JaegerSpan child = tagged.get(0);
    assertThat(child.spanId()).isEqualTo(childSpanId);
    assertThat(child.operationName()).isEqualTo("main.worker");
    assertThat(child.tag("goroutine.start_function")).contains("main.worker");
    assertThat(child.parentSpanId()).contains(parentSpanId);
    assertThat(child.isError()).isTrue();
    assertThat(child.serviceName()).isEqualTo(service);
    assertThat(child.processTags()).containsEntry("process.pid", "4242");
    assertThat(child.startTimeMicros()).isBetween(micros(before), micros(after));
    assertThat(child.endTimeMicros()).isBetween(child.startTimeMicros(), micros(after));

    JaegerSpan parent = trace.span(parentSpanId).orElseThrow();
    assertThat(parent.isError()).isFalse();
    assertThat(trace.children(parent)).extracting(JaegerSpan::spanId).containsExactly(childSpanId);

    // A tag no span has finds nothing; the trace is also reachable by id.
    assertThat(query.findTraces(service, Map.of("goroutine.id", "43"))).isEmpty();
    assertThat(query.trace(trace.traceId())).get()
        .extracting(t -> t.spans().size()).isEqualTo(2);
    assertThat(query.trace("0123456789abcdef0123456789abcdef")).isEmpty();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }
}
