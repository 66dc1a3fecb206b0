package dev.goroscope.event;

import java.util.Objects;

/**
 * The application started or ended one of its own spans (OpenTelemetry Go SDK): probed at the
 * RETs of {@code sdk/trace.(*tracer).Start} and at the entry of the span types' {@code End}.
 * Ids are held as big-endian numbers, so their hex digits read like the W3C ids
 * ({@link #traceIdHex()}, {@link #spanIdHex()}).
 *
 * @param goid the goroutine that started (or ended) it
 * @param phase start or end
 * @param traceIdHigh trace id bytes 0–7
 * @param traceIdLow trace id bytes 8–15
 * @param spanId the span id
 * @param parentSpanId at the start of a recording span, its parent's span id (0: a root);
 *     otherwise 0
 * @param sampled the span context's sampled flag
 * @param recording an SDK recording span; false for one its sampler dropped
 */
public record AppSpan(long timestampNs, int pid, int tid, int cpu, long goid, Phase phase,
    long traceIdHigh, long traceIdLow, long spanId, long parentSpanId, boolean sampled,
    boolean recording) implements Event {

  /** Which end of the span. */
  public enum Phase {
    START,
    END
  }

  public AppSpan {
    Objects.requireNonNull(phase, "phase");
  }

  /** 32 lower-case hex digits. */
  public String traceIdHex() {
    return hex16(traceIdHigh) + hex16(traceIdLow);
  }

  /** 16 lower-case hex digits. */
  public String spanIdHex() {
    return hex16(spanId);
  }

  /** 16 lower-case hex digits of a span id (zero-padded). */
  public static String hex16(long id) {
    String h = Long.toHexString(id);
    return h.length() == 16 ? h : "0".repeat(16 - h.length()) + h;
  }

  @Override
  public void accept(EventVisitor v) {
    v.appSpan(this);
  }
}
