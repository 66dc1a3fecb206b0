package dev.goroscope.otel.span;

import static dev.goroscope.otel.span.GoroutineAttributes.*;

import dev.goroscope.otel.time.ClockOffset;
import dev.goroscope.record.StwRecord;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;

/**
 * The runtime trace of one process: a root span {@value #ROOT_NAME} from its first to its last
 * stop-the-world pause, and one child span per pause, named {@code STW <reason>}. Pauses stop
 * every goroutine, so they are not any goroutine's child; the goroutines that ran when one
 * began carry a {@code runtime.stw} event instead. Not thread-safe (the span sink locks).
 */
final class RuntimeSpans {

  /** The instrumentation scope of runtime spans (the console tree leaves them out). */
  static final InstrumentationScopeInfo SCOPE = GoroutineSpanData.RUNTIME_SCOPE;
  static final String ROOT_NAME = "go runtime";

  private final ClockOffset clock;
  private final SpanContext root;
  private long firstNs = -1;
  private long lastNs;
  private long pauses;
  private long totalNs;
  private long gcNs;

  RuntimeSpans(ClockOffset clock, IdGenerator ids) {
    this.clock = clock;
    this.root = SpanContext.create(ids.generateTraceId(), ids.generateSpanId(),
        TraceFlags.getSampled(), TraceState.getDefault());
  }

  /** The span of one pause, a child of the root. */
  GoroutineSpanData pause(StwRecord p, IdGenerator ids, Resource resource) {
    if (firstNs < 0 || p.startNs() < firstNs) {
      firstNs = p.startNs();
    }
    lastNs = Math.max(lastNs, p.endNs());
    pauses++;
    totalNs += p.durationNs();
    if (p.gc()) {
      gcNs += p.durationNs();
    }
    AttributesBuilder a = Attributes.builder()
        .put(STW_REASON, p.reason())
        .put(STW_GC, p.gc())
        .put(STW_DURATION_NS, p.durationNs())
        .put(STW_RUNNING, (long) p.running());
    if (p.stopperGoid() > 0) {
      a.put(STW_STOPPER_ID, p.stopperGoid());
    }
    if (p.gomaxprocs() > 0) {
      a.put(STW_GOMAXPROCS, (long) p.gomaxprocs());
    }
    if (!p.runningGoids().isEmpty()) {
      a.put(STW_RUNNING_IDS, p.runningGoids());
    }
    SpanContext self = SpanContext.create(root.getTraceId(), ids.generateSpanId(),
        TraceFlags.getSampled(), TraceState.getDefault());
    long start = clock.toEpochNanos(p.startNs());
    return new GoroutineSpanData("STW " + p.reason(), self, root, StatusData.unset(), start,
        clock.toEpochNanos(p.endNs()), a.build(), List.of(), 0, List.of(), 0, resource, SCOPE);
  }

  /** Whether any pause was seen (a root without children is not exported). */
  boolean hasPauses() {
    return pauses > 0;
  }

  /**
   * The root span: first pause to last, with totals; {@code partial} while the process runs. Its
   * start is rounded down and its end up to the microsecond: backends that keep microseconds
   * (Jaeger, Zipkin) truncate a child's start and duration separately, which could put the last
   * pause's end a microsecond past a root that ends in the same nanosecond.
   */
  GoroutineSpanData root(Resource resource, boolean partial) {
    AttributesBuilder a = Attributes.builder()
        .put(STW_COUNT, pauses)
        .put(STW_TOTAL_NS, totalNs)
        .put(STW_GC_TOTAL_NS, gcNs);
    if (partial) {
      a.put(RUNTIME_PARTIAL, true);
    }
    return new GoroutineSpanData(ROOT_NAME, root, SpanContext.getInvalid(), StatusData.unset(),
        floorMicros(clock.toEpochNanos(firstNs)), ceilMicros(clock.toEpochNanos(lastNs)),
        a.build(), List.of(), 0, List.of(), 0, resource, SCOPE);
  }

  private static long floorMicros(long epochNs) {
    return Math.floorDiv(epochNs, 1_000L) * 1_000L;
  }

  private static long ceilMicros(long epochNs) {
    return -Math.floorDiv(-epochNs, 1_000L) * 1_000L;
  }
}
