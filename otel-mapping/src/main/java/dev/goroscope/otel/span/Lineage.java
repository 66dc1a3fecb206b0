package dev.goroscope.otel.span;

import io.opentelemetry.api.trace.SpanContext;

/**
 * Where a goroutine's span sits, decided when the goroutine starts (its creator, if traced, has
 * started before it) and fixed for the run, kept on the goroutine itself as an attachment.
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
