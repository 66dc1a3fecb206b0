package dev.goroscope.otel.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.goroscope.otel.receiver.ForwardConfig;
import dev.goroscope.otel.receiver.ListenAddress;
import dev.goroscope.otel.receiver.OtlpReceiver;
import dev.goroscope.otel.receiver.ReceiverConfig;
import dev.goroscope.otel.receiver.ReceiverStats;
import dev.goroscope.otel.receiver.SpanEnrichment;
import dev.goroscope.otel.testing.OtlpGrpcReceiver;
import dev.goroscope.otel.testing.Protos;
import dev.goroscope.otel.time.ClockOffset;
import dev.goroscope.record.AppSpanEvents;
import dev.goroscope.record.Attrs;
import dev.goroscope.record.GoroutineEvent;
import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.record.ProcessInfo;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link GoroutineIdEnricher}: learns span starts from the correlator's announced events and adds
 * {@code goroutine.id} to the matching application spans; waits only for spans whose probe event
 * may still come; bounded.
 */
class GoroutineIdEnricherTest {

  static final int PID = 4242;
  static final String TRACE = "0af7651916cd43dd8448eb211c80319c";

  static long now() {
    Instant i = Instant.now();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  static String spanId(int i) {
    return String.format("%016x", 0xb7ad6b7169200000L + i);
  }

  /** What the correlator announces when goroutine {@code goid} starts span {@code i}. */
  static void learn(GoroutineIdEnricher e, long goid, int i) {
    e.goroutineEvent(GoroutineRecord.builder(PID, goid).build(), new GoroutineEvent(
        AppSpanEvents.START, 1, Attrs.builder().put(AppSpanEvents.TRACE_ID, TRACE)
            .put(AppSpanEvents.SPAN_ID, spanId(i)).put(AppSpanEvents.SAMPLED, true).build()));
  }

  static Span span(int i, long startNanos) {
    return Span.newBuilder()
        .setTraceId(com.google.protobuf.ByteString.fromHex(TRACE))
        .setSpanId(com.google.protobuf.ByteString.fromHex(spanId(i)))
        .setStartTimeUnixNano(startNanos).setEndTimeUnixNano(startNanos + 1000).build();
  }

  static Resource resource(Long pid) {
    Resource.Builder r = Resource.newBuilder();
    if (pid != null) {
      r.addAttributes(KeyValue.newBuilder().setKey("process.pid")
          .setValue(AnyValue.newBuilder().setIntValue(pid)));
    }
    return r.build();
  }

  @Test
  void knownSpansGetTheirGoroutineUnknownOnesWaitWhileTheirEventMayComeOthersPass() {
    GoroutineIdEnricher e = GoroutineIdEnricher.create(100, ClockOffset.of(0));
    AtomicInteger told = new AtomicInteger();
    e.setListener(told::incrementAndGet);
    e.processStarted(new ProcessInfo(PID, "/srv/app", "go1.26.8", ""));
    learn(e, 17, 1);
    assertThat(told).hasValue(1);
    assertThat(e.learned()).isEqualTo(1);
    InstrumentationScope scope = InstrumentationScope.getDefaultInstance();

    SpanEnrichment known = e.enrich(resource((long) PID), scope, span(1, 5_000_000_000L));
    assertThat(known.attributes()).containsExactly(KeyValue.newBuilder().setKey("goroutine.id")
        .setValue(AnyValue.newBuilder().setIntValue(17)).build());
    // Started at 5 s; the correlator got to 1 ns: its probe event may still come.
    assertThat(e.enrich(resource((long) PID), scope, span(2, 5_000_000_000L)).isPending())
        .isTrue();
    assertThat(e.enrich(resource(null), scope, span(2, 5_000_000_000L)).isPending()).isTrue();
    // Another process's span never gets one.
    assertThat(e.enrich(resource(999L), scope, span(2, 5_000_000_000L)))
        .isEqualTo(SpanEnrichment.none());
    // Ids that are not W3C-sized are nobody's.
    assertThat(e.enrich(resource(null), scope, Span.newBuilder().build()))
        .isEqualTo(SpanEnrichment.none());
    // The correlator's calls got past 5 s + the slack: it would have been seen.
    e.goroutineUpdated(GoroutineRecord.builder(PID, 3).setAsOfNs(6_100_000_000L).build());
    assertThat(e.enrich(resource((long) PID), scope, span(2, 5_000_000_000L)))
        .isEqualTo(SpanEnrichment.none());
    assertThat(e.enrich(resource((long) PID), scope, span(2, 5_200_000_000L)).isPending())
        .isTrue();
    learn(e, 18, 2);
    assertThat(e.enrich(resource((long) PID), scope, span(2, 5_000_000_000L)).attributes())
        .extracting(kv -> kv.getValue().getIntValue()).containsExactly(18L);
    // Other events are not span starts.
    e.goroutineEvent(GoroutineRecord.builder(PID, 19).build(), GoroutineEvent.of("x.y", 1));
    assertThat(e.learned()).isEqualTo(2);
  }

  @Test
  void remembersTheNewestStartsOnly() {
    GoroutineIdEnricher e = GoroutineIdEnricher.create(10, ClockOffset.of(0));
    for (int i = 0; i < 25; i++) {
      learn(e, 100 + i, i);
    }
    e.goroutineUpdated(GoroutineRecord.builder(PID, 3).setAsOfNs(10_000_000_000L).build());
    InstrumentationScope scope = InstrumentationScope.getDefaultInstance();
    assertThat(e.enrich(resource(null), scope, span(14, 0))).isEqualTo(SpanEnrichment.none());
    assertThat(e.enrich(resource(null), scope, span(15, 0)).isMatch()).isTrue();
    assertThat(e.enrich(resource(null), scope, span(24, 0)).isMatch()).isTrue();
  }

  /**
   * Through a real receiver: the SDK's own OTLP exporter sends four spans; one is known, one is
   * learned while its request waits, one from another process passes at once, one is expected
   * but never learned and is forwarded unchanged when the wait is over.
   */
  @Test
  void throughTheReceiverLateStartsAreWaitedFor() throws Exception {
    GoroutineIdEnricher e = GoroutineIdEnricher.create(ClockOffset.measure());
    e.processStarted(new ProcessInfo(PID, "/srv/app", "go1.26.8", ""));
    try (OtlpGrpcReceiver backend = OtlpGrpcReceiver.start();
        OtlpReceiver receiver = OtlpReceiver.create(ReceiverConfig.builder()
            .setGrpc(ListenAddress.loopback(0)).setEnrichmentWait(Duration.ofSeconds(4))
            .build(), ForwardConfig.builder().setEndpoint(backend.endpoint()).build(), e)) {
      receiver.start();
      e.setListener(receiver::enricherUpdated);
      learn(e, 17, 1);
      OtlpGrpcSpanExporter app = OtlpGrpcSpanExporter.builder()
          .setEndpoint("http://127.0.0.1:" + receiver.grpcAddress().getPort()).build();
      try {
        long start = now();
        assertThat(app.export(List.of(sdkSpan(1, PID, start), sdkSpan(2, PID, start),
            sdkSpan(3, PID, start))).join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        // Another process's span waits for nothing: it overtakes the request held above.
        assertThat(app.export(List.of(sdkSpan(4, 999, start))).join(10, TimeUnit.SECONDS)
            .isSuccess()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.spans().size() == 1);
        assertThat(Protos.hex(backend.spans().get(0).getSpanId())).isEqualTo(spanId(4));
        Thread.sleep(100);
        learn(e, 18, 2); // span 2's probe event, a little late
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.spans().size() == 4);
      } finally {
        app.shutdown().join(5, TimeUnit.SECONDS);
      }
      Map<String, Object> goids = backend.spans().stream().collect(Collectors.toMap(
          s -> Protos.hex(s.getSpanId()),
          s -> Protos.attrs(s.getAttributesList()).getOrDefault("goroutine.id", "none")));
      assertThat(goids).containsEntry(spanId(1), 17L).containsEntry(spanId(2), 18L)
          .containsEntry(spanId(3), "none").containsEntry(spanId(4), "none");
      ReceiverStats s = receiver.stats();
      assertThat(s.spansMatched()).isEqualTo(2);
      assertThat(s.spansUnmatched()).isEqualTo(2);
    }
  }

  static SpanData sdkSpan(int i, long pid, long start) {
    return TestSpanData.builder()
        .setResource(io.opentelemetry.sdk.resources.Resource.create(Attributes.of(
            io.opentelemetry.api.common.AttributeKey.longKey("process.pid"), pid)))
        .setInstrumentationScopeInfo(InstrumentationScopeInfo.create("app"))
        .setName("span " + i).setKind(SpanKind.INTERNAL)
        .setSpanContext(SpanContext.create(TRACE, spanId(i), TraceFlags.getSampled(),
            TraceState.getDefault()))
        .setStartEpochNanos(start).setEndEpochNanos(start + 1_000_000).setHasEnded(true)
        .setStatus(StatusData.unset()).setTotalRecordedEvents(0).setTotalRecordedLinks(0)
        .setTotalAttributeCount(0).build();
  }
}
