package dev.goroscope.correlate;

import dev.goroscope.event.AppSpan;

/**
 * One application span (OpenTelemetry Go SDK) from its start until its end is seen, or until it
 * is evicted at the cap: the goroutine it started on, its ids and sampling decision. Keyed by
 * span id in its process's table.
 */
final class LiveAppSpan extends AgeList.Node<LiveAppSpan> {

  final ProcessTable process;
  final long traceIdHigh;
  final long traceIdLow;
  final long spanId;
  final long parentSpanId;
  final boolean sampled;
  final long startGoid;
  final long startNs;
  /** Ended (or evicted): no longer anyone's active span. */
  boolean ended;

  LiveAppSpan(ProcessTable process, AppSpan start) {
    this.process = process;
    this.traceIdHigh = start.traceIdHigh();
    this.traceIdLow = start.traceIdLow();
    this.spanId = start.spanId();
    this.parentSpanId = start.parentSpanId();
    this.sampled = start.sampled();
    this.startGoid = start.goid();
    this.startNs = start.timestampNs();
  }

  boolean sameTrace(AppSpan e) {
    return traceIdHigh == e.traceIdHigh() && traceIdLow == e.traceIdLow();
  }

  String traceIdHex() {
    return AppSpan.hex16(traceIdHigh) + AppSpan.hex16(traceIdLow);
  }

  String spanIdHex() {
    return AppSpan.hex16(spanId);
  }

  @Override
  public String toString() {
    return "app span " + spanIdHex() + " of pid " + process.pid;
  }
}
