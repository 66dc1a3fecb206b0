package dev.goroscope.otel.testing;

import dev.goroscope.otel.span.GoroutineAttributes;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicInteger;

/** Finding spans in an {@link InMemorySpanExporter}. */
public final class Spans {
  private Spans() {}

  /**
   * Hands spans to {@code memory} but keeps them there at shutdown (InMemorySpanExporter clears
   * itself when shut down), counting shutdowns in {@code shutdowns}.
   */
  public static SpanExporter keeping(InMemorySpanExporter memory, AtomicInteger shutdowns) {
    return new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        return memory.export(spans);
      }

      @Override
      public CompletableResultCode flush() {
        return memory.flush();
      }

      @Override
      public CompletableResultCode shutdown() {
        shutdowns.incrementAndGet();
        return CompletableResultCode.ofSuccess();
      }
    };
  }

  /** The only span of goroutine {@code goid}. */
  public static SpanData byGoid(InMemorySpanExporter exporter, long goid) {
    return exporter.getFinishedSpanItems().stream()
        .filter(s -> Long.valueOf(goid).equals(
            s.getAttributes().get(GoroutineAttributes.GOROUTINE_ID)))
        .reduce((a, b) -> {
          throw new AssertionError("two spans for goroutine " + goid);
        })
        .orElseThrow(() -> new AssertionError("no span for goroutine " + goid));
  }
}
