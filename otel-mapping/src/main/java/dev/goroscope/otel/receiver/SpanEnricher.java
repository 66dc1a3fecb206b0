package dev.goroscope.otel.receiver;

import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;

/**
 * Adds attributes to the application's spans before they are forwarded (goroscope: the
 * {@code goroutine.id} a span started on, from the probes). Everything else of the span, its
 * scope and its resource is forwarded exactly as received.
 *
 * <p>Called for every span of a received trace request, on one thread (the receiver's enrichment
 * thread), so an implementation needs no locking of its own state, only of data it shares with
 * the threads that feed it. It must be quick and must not throw (an exception counts the span as
 * unmatched). When it answers {@link SpanEnrichment#pending()} ("not known yet", e.g. the probe
 * event has not arrived), the request is held and the span asked again — about every 10 ms, and at
 * once after {@link OtlpReceiver#enricherUpdated()} — until it answers otherwise or the
 * configured wait ({@link ReceiverConfig#enrichmentWait()}, default 200 ms) is over; then the
 * request is forwarded anyway and the span counted unmatched.
 *
 * <p>Attributes whose key the span already has are not added (the application's value wins).
 */
@FunctionalInterface
public interface SpanEnricher {

  /** No enrichment: requests are forwarded as received, without being held or re-encoded. */
  SpanEnricher NONE = (resource, scope, span) -> SpanEnrichment.none();

  /**
   * @param resource the resource of the span's ResourceSpans, as sent
   * @param scope the instrumentation scope of its ScopeSpans, as sent
   * @param span the span as sent
   * @return attributes to add, {@link SpanEnrichment#none()}, or {@link SpanEnrichment#pending()}
   */
  SpanEnrichment enrich(Resource resource, InstrumentationScope scope, Span span);
}
