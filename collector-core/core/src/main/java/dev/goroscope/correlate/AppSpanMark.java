package dev.goroscope.correlate;

import dev.goroscope.event.AppSpan;
import dev.goroscope.record.AppSpanEvents;
import dev.goroscope.record.Attrs;
import dev.goroscope.record.GoroutineEvent;

/**
 * An application span started or ended on a goroutine, as kept in its event list.
 *
 * @param timestampNs when
 * @param start started (else ended)
 * @param event the probe event's values
 */
record AppSpanMark(long timestampNs, boolean start, AppSpan event) {

  /** The record contract's form: {@code app_span.start} / {@code app_span.end}. */
  GoroutineEvent toEvent() {
    Attrs.Builder a = Attrs.builder()
        .put(AppSpanEvents.TRACE_ID, event.traceIdHex())
        .put(AppSpanEvents.SPAN_ID, event.spanIdHex());
    if (start && event.parentSpanId() != 0) {
      a.put(AppSpanEvents.PARENT_SPAN_ID, AppSpan.hex16(event.parentSpanId()));
    }
    a.put(AppSpanEvents.SAMPLED, event.sampled());
    return new GoroutineEvent(start ? AppSpanEvents.START : AppSpanEvents.END, timestampNs,
        a.build());
  }
}
