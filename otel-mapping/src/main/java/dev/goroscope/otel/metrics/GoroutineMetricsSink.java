package dev.goroscope.otel.metrics;

import dev.goroscope.record.ContextRecord;
import dev.goroscope.record.GoroutineRecord;
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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Goroutine metrics from the record stream, recorded on any OpenTelemetry {@link Meter} (an SDK
 * meter with an OTLP exporter in production, see {@link MetricsPipeline}).
 *
 * <table>
 *   <caption>instruments</caption>
 *   <tr><td>{@value #LIVE}</td><td>gauge</td><td>goroutines known alive at the last partial
 *   flush, by {@code goroutine.state} and {@code process.pid}</td></tr>
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
 * ones are reported as {@code other}. Live goroutines tracked are bounded by
 * {@code maxLiveGoroutines} (oldest forgotten first).
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
  public static final int DEFAULT_MAX_LIVE_GOROUTINES = 1_000_000;

  private record Key(int pid, long goid) {}

  private static final class Live {
    GoroutineState state;
    boolean overrunCounted;

    Live(GoroutineState state) {
      this.state = state;
    }
  }

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
  private final int maxLive;
  private final Set<String> startFunctions = new HashSet<>();
  private final LinkedHashMap<Key, Live> live = new LinkedHashMap<>();
  private final Map<StateKey, Long> liveByState = new HashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @param meter where to record
   * @param onClose closed by {@link #close()} (the meter provider, to flush), or null
   */
  public GoroutineMetricsSink(Meter meter, AutoCloseable onClose) {
    this(meter, onClose, DEFAULT_MAX_START_FUNCTIONS, DEFAULT_MAX_LIVE_GOROUTINES);
  }

  public GoroutineMetricsSink(
      Meter meter, AutoCloseable onClose, int maxStartFunctions, int maxLiveGoroutines) {
    Objects.requireNonNull(meter, "meter");
    this.onClose = onClose;
    this.maxStartFunctions = maxStartFunctions;
    this.maxLive = maxLiveGoroutines;
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
        .setDescription("Goroutines alive at the last flush, by state")
        .buildWithCallback(m -> {
          synchronized (this) {
            liveByState.forEach((k, n) -> m.record(n, Attributes.of(
                PID, (long) k.pid(), STATE, k.state().attributeValue())));
          }
        });
  }

  @Override
  public synchronized void goroutine(GoroutineRecord r) {
    Key key = new Key(r.pid(), r.goid());
    Attributes fn = Attributes.of(PID, (long) r.pid(), START_FUNCTION, fn(r.startFunction()));
    Live l = live.get(key);
    if (l == null) {
      created.add(1, fn);
    }
    if (r.hasDeadlineOverrun() && (l == null || !l.overrunCounted)) {
      overruns.add(1, fn);
    }
    if (r.isPartial()) {
      if (l == null) {
        l = new Live(r.state());
        live.put(key, l);
        count(r.pid(), r.state(), 1);
        while (live.size() > maxLive) {
          Iterator<Map.Entry<Key, Live>> it = live.entrySet().iterator();
          Map.Entry<Key, Live> e = it.next();
          it.remove();
          count(e.getKey().pid(), e.getValue().state, -1);
        }
      } else if (l.state != r.state()) {
        count(r.pid(), l.state, -1);
        count(r.pid(), r.state(), 1);
        l.state = r.state();
      }
      l.overrunCounted |= r.hasDeadlineOverrun();
      return;
    }
    if (l != null) {
      live.remove(key);
      count(r.pid(), l.state, -1);
    }
    if (r.state() == GoroutineState.EXITED) {
      exited.add(1, fn);
      lifetime.record(Math.max(0, r.endNs() - r.startNs()) / 1e9, fn);
    }
  }

  @Override
  public synchronized void context(ContextRecord c) {
    if (!c.isLive() && c.reason() == ContextRecord.EndReason.DEADLINE_EXCEEDED) {
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
    live.keySet().removeIf(k -> k.pid() == pid);
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
