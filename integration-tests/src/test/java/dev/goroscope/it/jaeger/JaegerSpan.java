package dev.goroscope.it.jaeger;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One span as Jaeger's HTTP API returns it ({@code /api/traces}): times in microseconds since the
 * epoch, tag values as strings (the API's int64/bool/float64 values printed as JSON text), the
 * process (service name and resource attributes) resolved from the trace's process table.
 */
public record JaegerSpan(
    String traceId,
    String spanId,
    String operationName,
    List<Reference> references,
    long startTimeMicros,
    long durationMicros,
    Map<String, String> tags,
    List<Log> logs,
    String serviceName,
    Map<String, String> processTags) {

  public JaegerSpan {
    references = List.copyOf(references);
    tags = Map.copyOf(tags);
    logs = List.copyOf(logs);
    processTags = Map.copyOf(processTags);
  }

  /** A reference to another span; {@code refType} is {@code CHILD_OF} or {@code FOLLOWS_FROM}. */
  public record Reference(String refType, String traceId, String spanId) {}

  /** A span event: its time (µs since the epoch) and fields (the event name is field "event"). */
  public record Log(long timestampMicros, Map<String, String> fields) {
    public Log {
      fields = Map.copyOf(fields);
    }
  }

  /** The tag's value as a string, if present. */
  public Optional<String> tag(String key) {
    return Optional.ofNullable(tags.get(key));
  }

  /** The span id of the CHILD_OF parent, if any. */
  public Optional<String> parentSpanId() {
    return references.stream()
        .filter(r -> r.refType().equals("CHILD_OF"))
        .map(Reference::spanId)
        .findFirst();
  }

  /** End time in µs since the epoch. */
  public long endTimeMicros() {
    return startTimeMicros + durationMicros;
  }

  /** Whether Jaeger shows the span as an error (OTLP status ERROR becomes tag error=true). */
  public boolean isError() {
    return "true".equals(tags.get("error"));
  }
}
