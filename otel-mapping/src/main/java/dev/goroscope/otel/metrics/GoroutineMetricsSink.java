package dev.goroscope.otel.metrics;

import dev.goroscope.record.AttachmentKey;
import dev.goroscope.record.ContextRecord;
import dev.goroscope.record.Goroutine;
import dev.goroscope.record.GoroutineState;
import dev.goroscope.record.Attr;
import dev.goroscope.record.Attrs;
import dev.goroscope.record.GoroutineEvent;
import dev.goroscope.record.GoroutineEvents;
import dev.goroscope.record.RecordSink;
import dev.goroscope.record.StwRecord;
import dev.goroscope.record.ThreadsRecord;
import dev.goroscope.record.SampleRecord;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
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
 *   <tr><td>{@value #STW}</td><td>histogram (s)</td><td>stop-the-world pauses, by
 *   {@code runtime.stw.reason} and {@code runtime.stw.gc}</td></tr>
 *   <tr><td>{@value #MUTEX_WAIT}</td><td>histogram (s)</td><td>contended lock waits, by
 *   {@code mutex.address} and call site {@code code.function.name}</td></tr>
 *   <tr><td>{@value #SYSCALL}</td><td>histogram (s)</td><td>system calls of at least the
 *   threshold, by {@code syscall.function}</td></tr>
 *   <tr><td>{@value #SCHED_DELAY}</td><td>histogram (s)</td><td>runnable to running</td></tr>
 *   <tr><td>{@value #THREADS}, {@value #GOMAXPROCS}, {@value #THREADS_IN_SYSCALL},
 *   {@value #THREADS_BLOCKED}</td><td>gauges</td><td>OS threads, Ps, threads in a system call,
 *   of those in one for at least the threshold ({@code --probe syscall})</td></tr>
 * </table>
 *
 * <p>Sampled mode adds the instruments of {@link SampledMetrics} (goroutines by state, wait
 * reason and creation site, time blocked, leak groups, the estimated overhead of bursts).
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
  public static final String STW = "goroscope.runtime.stw.duration";
  public static final String MUTEX_WAIT = "goroscope.mutex.wait.duration";
  public static final String SYSCALL = "goroscope.syscall.duration";
  public static final String SCHED_DELAY = "goroscope.sched.delay";
  public static final String THREADS = "goroscope.runtime.threads";
  public static final String GOMAXPROCS = "goroscope.runtime.gomaxprocs";
  public static final String THREADS_IN_SYSCALL = "goroscope.runtime.threads.in_syscall";
  public static final String THREADS_BLOCKED = "goroscope.runtime.threads.blocked";

  static final AttributeKey<String> START_FUNCTION =
      AttributeKey.stringKey("goroutine.start_function");
  static final AttributeKey<String> STATE = AttributeKey.stringKey("goroutine.state");
  static final AttributeKey<Long> PID = AttributeKey.longKey("process.pid");
  static final AttributeKey<String> STW_REASON = AttributeKey.stringKey("runtime.stw.reason");
  static final AttributeKey<Boolean> STW_GC = AttributeKey.booleanKey("runtime.stw.gc");
  static final AttributeKey<String> MUTEX_ADDRESS =
      AttributeKey.stringKey(GoroutineEvents.MUTEX_ADDRESS.name());
  static final AttributeKey<String> SITE_FUNCTION = AttributeKey.stringKey(GoroutineEvents.SITE_FUNCTION.name());
  static final AttributeKey<String> SYSCALL_FUNCTION =
      AttributeKey.stringKey(GoroutineEvents.SYSCALL_FUNCTION.name());
  static final String OTHER = "other";
  /** Durations in seconds, 1 µs to 10 s: pauses, waits and delays. */
  static final List<Double> WAIT_BUCKETS = List.of(1e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4,
      5e-4, 1e-3, 2.5e-3, 5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 10.0);
  /** Per goroutine: the time of the last wait event already recorded (events repeat). */
  private static final AttachmentKey<long[]> WAITS_COUNTED =
      AttachmentKey.create("metrics waits counted");

  public static final int DEFAULT_MAX_START_FUNCTIONS = 500;

  /**
   * Per goroutine, as an attachment: its counted state's ordinal, plus {@link #OVERRUN_COUNTED}
   * once its overrun was counted. Small Integers are cached: nothing is allocated per goroutine.
   */
  private static final AttachmentKey<Integer> COUNTED = AttachmentKey.create("metrics state");
  private static final int OVERRUN_COUNTED = 1 << 4;

  /** Distinct start-function strings whose attributes are kept (per process); past it, made. */
  private static final int MAX_CACHED_ATTRIBUTES = 4096;
  private static final GoroutineState[] STATES = GoroutineState.values();

  private final LongCounter created;
  private final LongCounter exited;
  private final DoubleHistogram lifetime;
  private final LongCounter deadlineExceeded;
  private final LongCounter overruns;
  private final LongCounter eventsLost;
  private final ObservableLongGauge liveGauge;
  private final DoubleHistogram stw;
  private final DoubleHistogram mutexWait;
  private final DoubleHistogram syscall;
  private final DoubleHistogram schedDelay;
  private final List<ObservableLongGauge> threadGauges = new ArrayList<>();
  private final Map<Integer, ThreadsRecord> threads = new HashMap<>();
  private final Set<String> waitKeys = new HashSet<>();
  private final SampledMetrics sampled;
  private final AutoCloseable onClose;
  private final int maxStartFunctions;
  private final Set<String> startFunctions = new HashSet<>();
  /** Goroutines alive by process and state (index: the state's ordinal). */
  private final Map<Integer, long[]> liveByState = new HashMap<>();
  /**
   * The attributes of a start function, by process and by the start function's String (one
   * object per symbolised PC, so found by identity): each goroutine's counter updates reuse
   * them instead of building, sorting and hashing new ones.
   */
  private final Map<Integer, Map<String, Attributes>> fnAttributes = new HashMap<>();
  private int lastPid = -1;
  private long[] lastLive;
  private Map<String, Attributes> lastFn;
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
    sampled = new SampledMetrics(meter);
    liveGauge = meter.gaugeBuilder(LIVE).ofLongs().setUnit("{goroutine}")
        .setDescription("Goroutines alive, by state")
        .buildWithCallback(m -> {
          synchronized (this) {
            liveByState.forEach((pid, counts) -> {
              for (GoroutineState state : STATES) {
                if (counts[state.ordinal()] != 0) {
                  m.record(counts[state.ordinal()],
                      Attributes.of(PID, (long) pid, STATE, state.attributeValue()));
                }
              }
            });
          }
        });
    stw = meter.histogramBuilder(STW).setUnit("s")
        .setDescription("Stop-the-world pauses, by reason")
        .setExplicitBucketBoundariesAdvice(WAIT_BUCKETS).build();
    mutexWait = meter.histogramBuilder(MUTEX_WAIT).setUnit("s")
        .setDescription("Waits for contended sync.Mutex/RWMutex locks, by lock and call site")
        .setExplicitBucketBoundariesAdvice(WAIT_BUCKETS).build();
    syscall = meter.histogramBuilder(SYSCALL).setUnit("s")
        .setDescription("System calls of at least the threshold, by the function making them")
        .setExplicitBucketBoundariesAdvice(WAIT_BUCKETS).build();
    schedDelay = meter.histogramBuilder(SCHED_DELAY).setUnit("s")
        .setDescription("Time goroutines were runnable before they ran")
        .setExplicitBucketBoundariesAdvice(WAIT_BUCKETS).build();
    threadGauge(meter, THREADS, "{thread}", "OS threads of the process", ThreadsRecord::threads);
    threadGauge(meter, GOMAXPROCS, "{p}", "GOMAXPROCS (Ps)", ThreadsRecord::gomaxprocs);
    threadGauge(meter, THREADS_IN_SYSCALL, "{thread}", "Threads in a system call",
        ThreadsRecord::inSyscall);
    threadGauge(meter, THREADS_BLOCKED, "{thread}",
        "Threads in a system call for at least the syscall threshold",
        t -> t.blocked().size());
  }

  private void threadGauge(Meter meter, String name, String unit, String description,
      java.util.function.ToIntFunction<ThreadsRecord> value) {
    threadGauges.add(meter.gaugeBuilder(name).ofLongs().setUnit(unit)
        .setDescription(description)
        .buildWithCallback(m -> {
          synchronized (this) {
            threads.forEach((pid, t) -> {
              int v = value.applyAsInt(t);
              if (v > 0 || !name.equals(THREADS) && !name.equals(GOMAXPROCS)) {
                m.record(v, Attributes.of(PID, (long) pid));
              }
            });
          }
        }));
  }

  @Override
  public synchronized void stopTheWorld(StwRecord p) {
    stw.record(p.durationNs() / 1e9, Attributes.of(PID, (long) p.pid(), STW_REASON, p.reason(),
        STW_GC, p.gc()));
  }

  @Override
  public synchronized void threadsSampled(ThreadsRecord t) {
    threads.put(t.pid(), t);
  }

  /** Records the wait events (mutex, syscall, sched) of {@code g} not recorded yet. */
  private void recordWaits(Goroutine g) {
    Attrs totals = g.attributes();
    if (totals.get(GoroutineEvents.MUTEX_WAIT_TOTAL_NS) == null
        && totals.get(GoroutineEvents.SYSCALL_TOTAL_NS) == null
        && totals.get(GoroutineEvents.SCHED_DELAY_TOTAL_NS) == null) {
      return;
    }
    long[] counted = g.attachment(WAITS_COUNTED);
    if (counted == null) {
      counted = new long[] {Long.MIN_VALUE};
      g.setAttachment(WAITS_COUNTED, counted);
    }
    long pid = g.pid();
    for (GoroutineEvent e : g.events()) {
      if (e.timestampNs() <= counted[0]) {
        continue;
      }
      Attrs a = e.attributes();
      switch (e.name()) {
        case GoroutineEvents.MUTEX_WAIT -> {
          Long address = a.get(GoroutineEvents.MUTEX_ADDRESS);
          String lock = address == null ? "unknown" : Attr.hex(address);
          String site = str(a, GoroutineEvents.SITE_FUNCTION.name());
          boolean kept = waitKey(GoroutineEvents.MUTEX_WAIT + " " + lock + " " + site);
          mutexWait.record(ns(a, GoroutineEvents.MUTEX_WAIT_NS.name()), Attributes.of(PID, pid,
              MUTEX_ADDRESS, kept ? lock : OTHER, SITE_FUNCTION, kept ? site : OTHER));
        }
        case GoroutineEvents.SYSCALL -> {
          String fn = str(a, GoroutineEvents.SYSCALL_FUNCTION.name());
          syscall.record(ns(a, GoroutineEvents.SYSCALL_DURATION_NS.name()), Attributes.of(PID,
              pid, SYSCALL_FUNCTION, waitKey(GoroutineEvents.SYSCALL + " " + fn) ? fn : OTHER));
        }
        case GoroutineEvents.SCHED_DELAY -> schedDelay.record(
            ns(a, GoroutineEvents.SCHED_DELAY_NS.name()), Attributes.of(PID, pid));
        default -> {
          continue;
        }
      }
      counted[0] = e.timestampNs();
    }
  }

  private static double ns(Attrs a, String name) {
    Object v = a.get(name);
    return v instanceof Long l ? l / 1e9 : 0;
  }

  private static String str(Attrs a, String name) {
    Object v = a.get(name);
    return v instanceof String s ? s : "unknown";
  }

  /** Whether {@code key} is one of the first {@code maxStartFunctions} distinct ones. */
  private boolean waitKey(String key) {
    if (waitKeys.contains(key)) {
      return true;
    }
    if (waitKeys.size() < maxStartFunctions) {
      waitKeys.add(key);
      return true;
    }
    return false;
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
    GoroutineState was = STATES[counted & (OVERRUN_COUNTED - 1)];
    int flags = counted & OVERRUN_COUNTED;
    if (was != g.state()) {
      count(g.pid(), was, -1);
      count(g.pid(), g.state(), 1);
    }
    flags |= countOverrun(g, counted);
    g.setAttachment(COUNTED, g.state().ordinal() | flags);
    recordWaits(g);
  }

  @Override
  public synchronized void goroutineEnded(Goroutine g) {
    Integer counted = g.attachment(COUNTED);
    if (counted == null) {
      created.add(1, fn(g));
    } else {
      count(g.pid(), STATES[counted & (OVERRUN_COUNTED - 1)], -1);
    }
    countOverrun(g, counted);
    recordWaits(g);
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
  public void goroutinesSampled(SampleRecord sample) {
    sampled.sampled(sample);
  }

  @Override
  public synchronized void processEnded(int pid, long timestampNs) {
    liveByState.remove(pid);
    fnAttributes.remove(pid);
    lastPid = -1;
    threads.remove(pid);
    sampled.processEnded(pid);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    liveGauge.close();
    threadGauges.forEach(ObservableLongGauge::close);
    sampled.close();
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
    select(g.pid());
    String startFunction = g.startFunction();
    Attributes a = lastFn.get(startFunction);
    if (a == null) {
      a = Attributes.of(PID, (long) g.pid(), START_FUNCTION, fn(startFunction));
      if (lastFn.size() < MAX_CACHED_ATTRIBUTES) {
        lastFn.put(startFunction, a);
      }
    }
    return a;
  }

  /** Makes {@code pid}'s tables the current ones (one process at a time, usually). */
  private void select(int pid) {
    if (pid != lastPid) {
      lastLive = liveByState.computeIfAbsent(pid, p -> new long[STATES.length]);
      lastFn = fnAttributes.computeIfAbsent(pid, p -> new IdentityHashMap<>());
      lastPid = pid;
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
    select(pid);
    lastLive[state.ordinal()] += delta;
  }
}
