package dev.goroscope.otel.span;

import io.opentelemetry.api.trace.SpanContext;

/**
 * Where a goroutine's span sits, decided once and then fixed for the run so that every
 * (partial or final) record of the goroutine gets the same span id.
 *
 * @param self the goroutine's own span context
 * @param parent the creator's span context, or invalid for a trace root
 * @param rootReason why it is a trace root (a {@code GoroutineAttributes.ROOT_*} value), or
 *     null for a child span
 * @param creator for a trace root whose creator is traced in another trace: the creator's span
 *     context (becomes a link), else invalid
 */
record Lineage(SpanContext self, SpanContext parent, String rootReason, SpanContext creator) {

  boolean isRoot() {
    return rootReason != null;
  }
}
