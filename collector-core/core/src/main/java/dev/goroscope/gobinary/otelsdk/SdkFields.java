package dev.goroscope.gobinary.otelsdk;

import java.util.ArrayList;
import java.util.List;

/**
 * The fields of the OpenTelemetry Go SDK goroscope's application-span probes read, keyed
 * {@code <struct type>.<member>} like {@code dev.goroscope.gobinary.offsets.OffsetKeys}: the span
 * context of a started span (recording or not) and of its parent. Their layout depends on the SDK
 * version, not on the Go version.
 */
public final class SdkFields {

  /** The SDK's trace package (struct types are named after it in DWARF). */
  public static final String SDK_TRACE = "go.opentelemetry.io/otel/sdk/trace";
  /** The API's trace package (trace.SpanContext). */
  public static final String API_TRACE = "go.opentelemetry.io/otel/trace";

  public static final String RECORDING_SPAN_CONTEXT = SDK_TRACE + ".recordingSpan.spanContext";
  public static final String RECORDING_SPAN_PARENT = SDK_TRACE + ".recordingSpan.parent";
  public static final String NONRECORDING_SPAN_CONTEXT = SDK_TRACE + ".nonRecordingSpan.sc";
  public static final String SPAN_CONTEXT_TRACE_ID = API_TRACE + ".SpanContext.traceID";
  public static final String SPAN_CONTEXT_SPAN_ID = API_TRACE + ".SpanContext.spanID";
  public static final String SPAN_CONTEXT_TRACE_FLAGS = API_TRACE + ".SpanContext.traceFlags";

  /**
   * One field.
   *
   * @param struct the Go type name as DWARF spells it
   * @param member the member name
   */
  public record Field(String struct, String member) {
    public String key() {
      return struct + "." + member;
    }
  }

  /** Every field, in table order. */
  public static final List<Field> FIELDS = List.of(
      new Field(SDK_TRACE + ".recordingSpan", "parent"),
      new Field(SDK_TRACE + ".recordingSpan", "spanContext"),
      new Field(SDK_TRACE + ".nonRecordingSpan", "sc"),
      new Field(API_TRACE + ".SpanContext", "traceID"),
      new Field(API_TRACE + ".SpanContext", "spanID"),
      new Field(API_TRACE + ".SpanContext", "traceFlags"));

  private SdkFields() {}

  /** Every key, in table order. */
  public static List<String> all() {
    return FIELDS.stream().map(Field::key).toList();
  }

  /** The struct type names whose layouts are read. */
  public static List<String> structs() {
    List<String> out = new ArrayList<>();
    for (Field f : FIELDS) {
      if (!out.contains(f.struct())) {
        out.add(f.struct());
      }
    }
    return out;
  }
}
