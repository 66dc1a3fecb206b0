package dev.goroscope.otel.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.goroscope.otel.testing.OtlpGrpcReceiver;
import dev.goroscope.otel.testing.Protos;
import dev.goroscope.otel.testing.RawOtlpBackend;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The enrichment hook: spans the enricher knows get attributes, spans it learns about a little
 * later wait for it (bounded), the others are forwarded unchanged after the wait, and all are
 * counted.
 */
class EnrichmentTest {

  /** Knows a goroutine id per span id, like the probes will; "pending" for the ones expected. */
  static final class GoroutineTable implements SpanEnricher {
    final Map<String, Long> goroutines = new ConcurrentHashMap<>();
    final Set<String> expected = ConcurrentHashMap.newKeySet();

    @Override
    public SpanEnrichment enrich(io.opentelemetry.proto.resource.v1.Resource resource,
        io.opentelemetry.proto.common.v1.InstrumentationScope scope, Span span) {
      String id = Protos.hex(span.getSpanId());
      Long goid = goroutines.get(id);
      if (goid != null) {
        return SpanEnrichment.add(List.of(goroutineId(goid), KeyValue.newBuilder()
            .setKey("http.request.method").setValue(AnyValue.newBuilder()
                .setStringValue("NOT-THE-APP'S")).build()));
      }
      return expected.contains(id) ? SpanEnrichment.pending() : SpanEnrichment.none();
    }
  }

  static KeyValue goroutineId(long goid) {
    return KeyValue.newBuilder().setKey("goroutine.id")
        .setValue(AnyValue.newBuilder().setIntValue(goid)).build();
  }

  static String spanId(SpanData s) {
    return s.getSpanContext().getSpanId();
  }

  @Test
  void matchedSpansGetAttributesLateOnesWaitUnknownOnesPassUnchanged() throws Exception {
    List<SpanData> spans = AppSpans.spans("enrich", 6);
    GoroutineTable table = new GoroutineTable();
    table.goroutines.put(spanId(spans.get(0)), 17L);   // known at once
    table.goroutines.put(spanId(spans.get(1)), 18L);
    table.expected.add(spanId(spans.get(2)));          // learned 100 ms later
    table.expected.add(spanId(spans.get(3)));          // expected, never learned
    try (OtlpGrpcReceiver backend = OtlpGrpcReceiver.start();
        OtlpReceiver receiver = OtlpReceiver.create(ReceiverConfig.builder()
            .setHttp(ListenAddress.loopback(0)).setEnrichmentWait(Duration.ofMillis(1500))
            .build(), ForwardConfig.builder().setEndpoint(backend.endpoint()).build(),
            table).start()) {
      long t0 = System.nanoTime();
      assertThat(Clients.postProtobuf(receiver.httpAddress(), "/v1/traces",
          AppSpans.bytes(spans)).statusCode()).isEqualTo(200);
      Thread.sleep(100);
      table.goroutines.put(spanId(spans.get(2)), 19L);
      receiver.enricherUpdated();
      await().atMost(Duration.ofSeconds(10)).until(() -> backend.traceRequests().size() == 1);
      long waitedMs = (System.nanoTime() - t0) / 1_000_000;
      // Held until the wait was over: span 4 never came.
      assertThat(waitedMs).isGreaterThanOrEqualTo(1500);

      Map<String, Span> arrived = OtlpGrpcReceiver.flatten(backend.traceRequests()).stream()
          .collect(Collectors.toMap(s -> Protos.hex(s.getSpanId()), s -> s));
      Map<String, Span> sent = OtlpGrpcReceiver.flatten(List.of(AppSpans.request(spans))).stream()
          .collect(Collectors.toMap(s -> Protos.hex(s.getSpanId()), s -> s));
      long[] goids = {17, 18, 19};
      for (int i = 0; i < 6; i++) {
        Span in = sent.get(spanId(spans.get(i)));
        Span out = arrived.get(spanId(spans.get(i)));
        if (i < 3) {
          // Exactly one attribute more; the application's own http.request.method wins.
          assertThat(out.toBuilder().clearAttributes().build())
              .isEqualTo(in.toBuilder().clearAttributes().build());
          assertThat(out.getAttributesList()).containsExactlyElementsOf(
              concat(in.getAttributesList(), goroutineId(goids[i])));
        } else {
          assertThat(out).isEqualTo(in);
        }
      }
      // Resources and scopes untouched.
      List<AppSpans.Placed> before = AppSpans.placed(AppSpans.request(spans));
      List<AppSpans.Placed> after = AppSpans.placed(backend.traceRequests());
      for (int i = 0; i < before.size(); i++) {
        assertThat(after.get(i).resource()).isEqualTo(before.get(i).resource());
        assertThat(after.get(i).scope()).isEqualTo(before.get(i).scope());
      }
      ReceiverStats s = receiver.stats();
      assertThat(s.spansMatched()).isEqualTo(3);
      assertThat(s.spansUnmatched()).isEqualTo(3);
      await().atMost(Duration.ofSeconds(5)).until(() -> receiver.stats().queuedBytes() == 0);
      assertThat(receiver.stats().traces().forwardedItems()).isEqualTo(6);
      assertThat(s.summaryLine()).contains("3 enriched, 3 unmatched");
    }
  }

  static List<KeyValue> concat(List<KeyValue> a, KeyValue b) {
    List<KeyValue> out = new java.util.ArrayList<>(a);
    out.add(b);
    return out;
  }

  @Test
  void requestsWithNothingToAddAreForwardedAsTheirOriginalBytesAtOnce() throws Exception {
    ByteString request = ReceiverForwardingTest.unusualEncoding(
        AppSpans.bytes(AppSpans.spans("plain", 4)));
    try (RawOtlpBackend backend = RawOtlpBackend.grpc();
        OtlpReceiver receiver = OtlpReceiver.create(ReceiverConfig.builder()
            .setHttp(ListenAddress.loopback(0)).setEnrichmentWait(Duration.ofSeconds(30))
            .build(), ForwardConfig.builder().setEndpoint(backend.endpoint()).build(),
            new GoroutineTable()).start()) {
      assertThat(Clients.postProtobuf(receiver.httpAddress(), "/v1/traces",
          request.toByteArray()).statusCode()).isEqualTo(200);
      // Answered "none" for every span: no 30 s wait, no re-encoding.
      await().atMost(Duration.ofSeconds(10)).until(() -> backend.received().size() == 1);
      assertThat(backend.bodies()).containsExactly(request);
      assertThat(receiver.stats().spansUnmatched()).isEqualTo(4);
    }
  }

  @Test
  void anEnricherThatThrowsLeavesSpansUnchangedAndCountsThem() throws Exception {
    ByteString request = ByteString.copyFrom(AppSpans.bytes(AppSpans.spans("throws", 2)));
    try (RawOtlpBackend backend = RawOtlpBackend.grpc();
        OtlpReceiver receiver = OtlpReceiver.create(ReceiverConfig.builder()
            .setHttp(ListenAddress.loopback(0)).build(),
            ForwardConfig.builder().setEndpoint(backend.endpoint()).build(),
            (r, s, span) -> {
              throw new IllegalStateException("broken enricher");
            }).start()) {
      assertThat(Clients.postProtobuf(receiver.httpAddress(), "/v1/traces",
          request.toByteArray()).statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10)).until(() -> backend.received().size() == 1);
      assertThat(backend.bodies()).containsExactly(request);
      assertThat(ExportTraceServiceRequest.parseFrom(backend.bodies().get(0)))
          .isEqualTo(ExportTraceServiceRequest.parseFrom(request));
      assertThat(receiver.stats().spansUnmatched()).isEqualTo(2);
      assertThat(receiver.stats().spansMatched()).isZero();
    }
  }
}
