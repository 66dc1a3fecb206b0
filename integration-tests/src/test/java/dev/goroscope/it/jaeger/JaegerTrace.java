package dev.goroscope.it.jaeger;

import java.util.List;
import java.util.Optional;

/** One trace from Jaeger's HTTP API: its id and every span in it. */
public record JaegerTrace(String traceId, List<JaegerSpan> spans) {
  public JaegerTrace {
    spans = List.copyOf(spans);
  }

  /** The spans carrying {@code key=value} (a trace search returns whole traces). */
  public List<JaegerSpan> spansWithTag(String key, String value) {
    return spans.stream().filter(s -> value.equals(s.tags().get(key))).toList();
  }

  /** The span with this id, if in the trace. */
  public Optional<JaegerSpan> span(String spanId) {
    return spans.stream().filter(s -> s.spanId().equals(spanId)).findFirst();
  }

  /** The spans whose CHILD_OF parent is {@code parent}. */
  public List<JaegerSpan> children(JaegerSpan parent) {
    return spans.stream()
        .filter(s -> s.parentSpanId().filter(parent.spanId()::equals).isPresent())
        .toList();
  }
}
