package dev.goroscope.otel.testing;

import dev.goroscope.otel.span.SpanSink;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.List;

/** Keeps every span it gets, in order. */
public final class CollectingSpanSink implements SpanSink {
  public final List<SpanData> spans = new ArrayList<>();
  public int flushes;
  public int closes;

  @Override
  public void accept(SpanData span) {
    spans.add(span);
  }

  @Override
  public void flush() {
    flushes++;
  }

  @Override
  public void close() {
    closes++;
  }

  public SpanData byGoid(long goid) {
    return spans.stream()
        .filter(s -> Long.valueOf(goid).equals(
            s.getAttributes().get(dev.goroscope.otel.span.GoroutineAttributes.GOROUTINE_ID)))
        .reduce((a, b) -> {
          throw new AssertionError("two spans for goroutine " + goid);
        })
        .orElseThrow(() -> new AssertionError("no span for goroutine " + goid));
  }
}
