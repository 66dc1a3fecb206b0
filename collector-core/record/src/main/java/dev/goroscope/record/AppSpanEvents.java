package dev.goroscope.record;

/**
 * Names and attribute keys of the application's own spans (an OpenTelemetry SDK in the target)
 * as the correlator hands them to outputs — nothing here depends on OpenTelemetry:
 *
 * <ul>
 *   <li>the events {@value #START} (on the goroutine that started the span) and {@value #END}
 *       (on the goroutine that ended it), with the span's ids;
 *   <li>the goroutine attributes {@link #UNDER_TRACE_ID}, {@link #UNDER_SPAN_ID} and
 *       {@link #UNDER_SAMPLED}: the application span that was active on the goroutine's creator
 *       when it was created (the innermost span started on the creator and not yet ended). Only
 *       that goroutine carries them; its own descendants follow it as usual (their creator).
 * </ul>
 *
 * <p>Ids are lower-case hex, as W3C trace context writes them (32 and 16 digits).
 */
public final class AppSpanEvents {

  private AppSpanEvents() {}

  /** The goroutine started an application span. */
  public static final String START = "app_span.start";
  /** The goroutine ended an application span (possibly one another goroutine started). */
  public static final String END = "app_span.end";

  /** Event attribute: the span's trace id. */
  public static final Attr<String> TRACE_ID = Attr.string("app_span.trace_id", "traceId");
  /** Event attribute: the span's id. */
  public static final Attr<String> SPAN_ID = Attr.string("app_span.span_id", "spanId");
  /** Event attribute of {@value #START}: the parent span's id, when it has one. */
  public static final Attr<String> PARENT_SPAN_ID =
      Attr.string("app_span.parent_span_id", "parentSpanId");
  /** Event attribute: the span's sampled flag (the application exports it only when true). */
  public static final Attr<Boolean> SAMPLED = Attr.bool("app_span.sampled", "sampled");

  /** Goroutine attribute: trace id of the application span it was created under. */
  public static final Attr<String> UNDER_TRACE_ID =
      Attr.string("goroutine.app_span.trace_id", "appTraceId");
  /** Goroutine attribute: id of the application span it was created under. */
  public static final Attr<String> UNDER_SPAN_ID =
      Attr.string("goroutine.app_span.span_id", "appSpanId");
  /** Goroutine attribute: whether that span was sampled. */
  public static final Attr<Boolean> UNDER_SAMPLED =
      Attr.bool("goroutine.app_span.sampled", "appSampled");
}
