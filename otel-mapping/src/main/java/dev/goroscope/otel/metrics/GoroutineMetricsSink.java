package dev.goroscope.otel.metrics;

import dev.goroscope.record.AttachmentKey;
import dev.goroscope.record.ContextRecord;
import dev.goroscope.record.Goroutine;
import dev.goroscope.record.GoroutineState;
import dev.goroscope.record.RecordSink;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Goroutine metrics from the record stream, recorded on any OpenTelemetry {@link Meter} (an SDK
 * meter provider of {@code OtlpSetup} pushing over OTLP in production).
 *
 * <table>
 *   <caption>instruments</caption>
 *   <tr><td>{@value #LIVE}</td><td>gauge</td><td>goroutines alive, by {@code goroutine.state}
 *   and {@code process.pid}</td></tr>
 *   <tr><td>{@value #CREATED}</td><td>counter</td><td>goroutines seen, by start function</td></tr>
 *   <tr><td>{@value #EXITED}</td><td>counter</td><td>goroutines that exited, by start
 *   function</td></tr>
 *   <tr><td>{@value #LIFETIME}</td><td>histogram (s)</td><td>creation to exit, by start
 *   function</td></tr>
 *   <tr><td>{@value #DEADLINE_EXCEEDED}</td><td>counter</td><td>contexts whose deadline
 *   fired</td></tr>
 *   <tr><td>{@value #OVERRUNS}</td><td>counter</td><td>goroutines that overran a context
 *   deadline</td></tr>
 *   <tr><td>{@value #EVENTS_LOST}</td><td>counter</td><td>kernel events lost</td></tr>
 * </table>
 *
 * <p>Cardinality is bounded: after {@code maxStartFunctions} distinct start functions, further
 * ones are reported as {@code other}. What it needs per goroutine lives on the goroutine (an
 * attachment), so it keeps no goroutine table of its own.
 */
public final class GoroutineMetricsSink implements RecordSink {

  public static final String LIVE = "goroscope.goroutines.live";
  public static final String CREATED = "goroscope.goroutines.created";
  public static final String EXITED = "goroscope.goroutines.exited";
  public static final String LIFETIME = "goroscope.goroutine.lifetime";
  public static final String DEADLINE_EXCEEDED = "goroscope.context.deadline_exceeded";
  public static final String OVERRUNS = "goroscope.goroutines.deadline_overruns";
  public static final String EVENTS_LOST = "goroscope.events.lost";

  static final AttributeKey<String> START_FUNCTION =
      AttributeKey.stringKey("goroutine.start_function");
  static final AttributeKey<String> STATE = AttributeKey.stringKey("goroutine.state");
  static final AttributeKey<Long> PID = AttributeKey.longKey("process.pid");
  static final String OTHER = "other";

  public static final int DEFAULT_MAX_START_FUNCTIONS = 500;

  /**
   * Per goroutine, as an attachment: its counted state's ordinal, plus {@link #OVERRUN_COUNTED}
   * once its overrun was counted. Small Integers are cached: nothing is allocated per goroutine.
   */
  private static final AttachmentKey<Integer> COUNTED = AttachmentKey.create("metrics state");
  private static final int OVERRUN_COUNTED = 1 << 4;

  private record StateKey(int pid, GoroutineState state) {}

  private final LongCounter created;
  private final LongCounter exited;
  private final DoubleHistogram lifetime;
  private final LongCounter deadlineExceeded;
  private final LongCounter overruns;
  private final LongCounter eventsLost;
  private final ObservableLongGauge liveGauge;
  private final AutoCloseable onClose;
  private final int maxStartFunctions;
  private final Set<String> startFunctions = new HashSet<>();
  private final Map<StateKey, Long> liveByState = new HashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @param meter where to record
   * @param onClose closed by {@link #close()} (the OTLP setup, to push a last time), or null
   */
  public GoroutineMetricsSink(Meter meter, AutoCloseable onClose) {
    this(meter, onClose, DEFAULT_MAX_START_FUNCTIONS);
  }

  public GoroutineMetricsSink(Meter meter, AutoCloseable onClose, int maxStartFunctions) {
    Objects.requireNonNull(meter, "meter");
    this.onClose = onClose;
    this.maxStartFunctions = maxStartFunctions;
    created = meter.counterBuilder(CREATED).setUnit("{goroutine}")
        .setDescription("Goroutines seen by goroscope, by start function").build();
    exited = meter.counterBuilder(EXITED).setUnit("{goroutine}")
        .setDescription("Goroutines that exited, by start function").build();
    lifetime = meter.histogramBuilder(LIFETIME).setUnit("s")
        .setDescription("Goroutine lifetime from creation to exit, by start function")
        .setExplicitBucketBoundariesAdvice(
            List.of(1e-5, 1e-4, 1e-3, 0.01, 0.1, 0.5, 1.0, 5.0, 10.0, 60.0, 600.0))
        .build();
    deadlineExceeded = meter.counterBuilder(DEADLINE_EXCEEDED).setUnit("{context}")
        .setDescription("Contexts whose deadline fired").build();
    overruns = meter.counterBuilder(OVERRUNS).setUnit("{goroutine}")
        .setDescription("Goroutines still running after their context's deadline").build();
    eventsLost = meter.counterBuilder(EVENTS_LOST).setUnit("{event}")
        .setDescription("Kernel events lost (ring buffer full)").build();
    liveGauge = meter.gaugeBuilder(LIVE).ofLongs().setUnit("{goroutine}")
        .setDescription("Goroutines alive, by state")
        .buildWithCallback(m -> {
          synchronized (this) {
            liveByState.forEach((k, n) -> m.record(n, Attributes.of(
                PID, (long) k.pid(), STATE, k.state().attributeValue())));
          }
        });
  }

  @Override
  public synchronized void goroutineStarted(Goroutine g) {
    created.add(1, fn(g));
    count(g.pid(), g.state(), 1);
    g.setAttachment(COUNTED, g.state().ordinal());
  }

  @Override
  public synchronized void goroutineUpdated(Goroutine g) {
    Integer counted = g.attachment(COUNTED);
    if (counted == null) {
      goroutineStarted(g); // started before this sink saw it
      counted = g.attachment(COUNTED);
    }
    GoroutineState was = GoroutineState.values()[counted & (OVERRUN_COUNTED - 1)];
    int flags = counted & OVERRUN_COUNTED;
    if (was != g.state()) {
      count(g.pid(), was, -1);
      count(g.pid(), g.state(), 1);
    }
    flags |= countOverrun(g, counted);
    g.setAttachment(COUNTED, g.state().ordinal() | flags);
  }

  @Override
  public synchronized void goroutineEnded(Goroutine g) {
    Integer counted = g.attachment(COUNTED);
    if (counted == null) {
      created.add(1, fn(g));
    } else {
      count(g.pid(), GoroutineState.values()[counted & (OVERRUN_COUNTED - 1)], -1);
    }
    countOverrun(g, counted);
    if (g.state() == GoroutineState.EXITED) {
      Attributes fn = fn(g);
      exited.add(1, fn);
      lifetime.record(Math.max(0, g.endNs() - g.startNs()) / 1e9, fn);
    }
  }

  @Override
  public synchronized void contextEnded(ContextRecord c) {
    if (c.reason() == ContextRecord.EndReason.DEADLINE_EXCEEDED) {
      deadlineExceeded.add(1, Attributes.of(PID, (long) c.pid()));
    }
  }

  @Override
  public void eventsLost(int pid, long count) {
    if (count > 0) {
      eventsLost.add(count, Attributes.of(PID, (long) pid));
    }
  }

  @Override
  public synchronized void processEnded(int pid, long timestampNs) {
    liveByState.keySet().removeIf(k -> k.pid() == pid);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    liveGauge.close();
    if (onClose != null) {
      try {
        onClose.close();
      } catch (Exception e) {
        // closing a meter provider does not fail in a way the caller could act on
      }
    }
  }

  /** Counts {@code g}'s overrun once; returns the flag to keep. */
  private int countOverrun(Goroutine g, Integer counted) {
    if (!g.hasDeadlineOverrun()) {
      return 0;
    }
    if (counted == null || (counted & OVERRUN_COUNTED) == 0) {
      overruns.add(1, fn(g));
    }
    return OVERRUN_COUNTED;
  }

  private Attributes fn(Goroutine g) {
    return Attributes.of(PID, (long) g.pid(), START_FUNCTION, fn(g.startFunction()));
  }

  private String fn(String startFunction) {
    String f = startFunction.isEmpty() ? "unknown" : startFunction;
    if (startFunctions.contains(f)) {
      return f;
    }
    if (startFunctions.size() < maxStartFunctions) {
      startFunctions.add(f);
      return f;
    }
    return OTHER;
  }

  private void count(int pid, GoroutineState state, long delta) {
    liveByState.merge(new StateKey(pid, state), delta, (a, b) -> a + b == 0 ? null : a + b);
  }
}
