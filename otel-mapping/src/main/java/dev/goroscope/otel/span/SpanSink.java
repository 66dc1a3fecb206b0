package dev.goroscope.otel.span;

import io.opentelemetry.sdk.trace.data.SpanData;

/**
 * Receives finished spans from {@link SpanRecordSink}: the OTLP batcher, the console tree.
 * Called from one thread; must not block for long or throw.
 */
public interface SpanSink extends AutoCloseable {

  void accept(SpanData span);

  /** Pushes buffered spans out; may return before they are delivered. */
  default void flush() {}

  /** Flushes and releases resources with a bounded wait. Idempotent. */
  @Override
  default void close() {}
}
