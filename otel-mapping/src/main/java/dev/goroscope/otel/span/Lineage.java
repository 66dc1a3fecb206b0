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
 * @param creator the creator's span context when the creator's span is in another trace (a
 *     trace root whose creator is traced, or a goroutine created under an application span): it
 *     becomes a link; else invalid
 * @param exported false under an application span its sampler dropped (and for the
 *     descendants of such a goroutine): the span is not exported
 */
record Lineage(SpanContext self, SpanContext parent, String rootReason, SpanContext creator,
    boolean exported) {

  Lineage(SpanContext self, SpanContext parent, String rootReason, SpanContext creator) {
    this(self, parent, rootReason, creator, true);
  }

  boolean isRoot() {
    return rootReason != null;
  }
}
