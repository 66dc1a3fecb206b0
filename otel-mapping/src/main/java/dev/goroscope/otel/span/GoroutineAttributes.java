package dev.goroscope.otel.span;

import dev.goroscope.record.Attr;
import dev.goroscope.record.GoroutineEvents;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.semconv.CodeAttributes;

/**
 * Every attribute goroscope puts on spans, span events and links. There is no semantic
 * convention for goroutines, so they live under {@code goroutine.*} (and {@code context.*} for
 * events); the creation site uses the stable {@code code.*} conventions. The README table lists
 * them with their meaning. Boolean flags are only present when true, so a Jaeger search such as
 * {@code goroutine.deadline_overrun=true} finds exactly the flagged spans.
 */
public final class GoroutineAttributes {

  private GoroutineAttributes() {}

  // Span attributes.
  public static final AttributeKey<Long> GOROUTINE_ID = AttributeKey.longKey("goroutine.id");
  public static final AttributeKey<Long> PARENT_ID = AttributeKey.longKey("goroutine.parent.id");
  public static final AttributeKey<Boolean> PARENT_UNTRACED =
      AttributeKey.booleanKey("goroutine.parent.untraced");
  public static final AttributeKey<String> START_FUNCTION =
      AttributeKey.stringKey("goroutine.start_function");
  public static final AttributeKey<String> CODE_FUNCTION = CodeAttributes.CODE_FUNCTION_NAME;
  public static final AttributeKey<String> CODE_FILE = CodeAttributes.CODE_FILE_PATH;
  public static final AttributeKey<Long> CODE_LINE = CodeAttributes.CODE_LINE_NUMBER;
  public static final AttributeKey<String> STATE = AttributeKey.stringKey("goroutine.state");
  public static final AttributeKey<String> WAIT_REASON =
      AttributeKey.stringKey(GoroutineEvents.WAIT_REASON.name());
  public static final AttributeKey<String> TRACE_ROOT =
      AttributeKey.stringKey("goroutine.trace_root");
  public static final AttributeKey<Boolean> DEADLINE_OVERRUN =
      AttributeKey.booleanKey("goroutine.deadline_overrun");
  public static final AttributeKey<Long> DEADLINE_OVERRUN_NS =
      AttributeKey.longKey("goroutine.deadline_overrun.duration_ns");
  public static final AttributeKey<String> DEADLINE_OVERRUN_CONTEXT =
      AttributeKey.stringKey("goroutine.deadline_overrun.context");
  public static final AttributeKey<Long> DEADLINE_OVERRUN_CONTEXT_CREATOR =
      AttributeKey.longKey("goroutine.deadline_overrun.context_creator_id");
  public static final AttributeKey<Boolean> LEAK_CANDIDATE =
      AttributeKey.booleanKey("goroutine.leak_candidate");
  public static final AttributeKey<Boolean> INCOMPLETE =
      AttributeKey.booleanKey("goroutine.incomplete");
  public static final AttributeKey<Boolean> PARTIAL = AttributeKey.booleanKey("goroutine.partial");
  public static final AttributeKey<Long> PARK_COUNT = AttributeKey.longKey("goroutine.park.count");
  public static final AttributeKey<Long> PARKED_NS = AttributeKey.longKey("goroutine.parked_ns");

  // Event attributes: the span names of the record contract's event attributes.
  public static final AttributeKey<String> CONTEXT_ADDRESS =
      AttributeKey.stringKey(GoroutineEvents.CONTEXT_ADDRESS.name());
  public static final AttributeKey<Long> CONTEXT_DEADLINE_UNIX_NS =
      AttributeKey.longKey(GoroutineEvents.CONTEXT_DEADLINE_UNIX_NS.name());
  /** The deadline as ISO-8601 UTC, added to spans for people reading a trace. */
  public static final AttributeKey<String> CONTEXT_DEADLINE =
      AttributeKey.stringKey("context.deadline");
  public static final AttributeKey<Long> WAIT_REASON_CODE =
      AttributeKey.longKey(GoroutineEvents.WAIT_REASON_CODE.name());
  public static final AttributeKey<Long> WAKER_ID =
      AttributeKey.longKey(GoroutineEvents.WAKER_ID.name());

  // Link attributes.
  public static final AttributeKey<String> LINK_TYPE = AttributeKey.stringKey("goroutine.link");
  public static final AttributeKey<Long> WAKE_COUNT = AttributeKey.longKey("goroutine.wake.count");

  /** Event names besides the context ones in {@code ContextEvent.Kind}. */
  public static final String EVENT_PARK = GoroutineEvents.PARK;
  public static final String EVENT_READY = GoroutineEvents.READY;

  /** Values of {@link #TRACE_ROOT}. */
  public static final String ROOT_PARENT_UNTRACED = "parent_untraced";
  public static final String ROOT_FUNCTION = "root_function";
  public static final String ROOT_PARENT_UNSEEN = "parent_unseen";

  /** Values of {@link #LINK_TYPE}. */
  public static final String LINK_CREATOR = "creator";
  public static final String LINK_WAKER = "waker";
  /** An application span (OpenTelemetry SDK in the target) this goroutine started. */
  public static final String LINK_APP_SPAN = "app_span";

  /** Hex form of an address, as Go prints pointers. */
  public static String hex(long address) {
    return Attr.hex(address);
  }
}
