package dev.goroscope.correlate;

import dev.goroscope.event.Event;
import dev.goroscope.record.ProcessInfo;
import dev.goroscope.record.RecordSink;
import dev.goroscope.record.ThreadsRecord;
import dev.goroscope.sample.ProcessSample;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Rebuilds goroutine lifecycles, the spawn forest, deadline contexts, deadline overruns and leak
 * candidates from the decoded event stream of one or more target processes (and from
 * goroutines read in their memory), and hands the results to a {@link RecordSink} as lifecycle
 * calls.
 *
 * <p>A facade over parts with one job each: {@link Ordering} (time order, stream time),
 * {@link Goroutines} (the one goroutine table), {@link Parks} (deep mode), {@link Deadlines}
 * (contexts, scopes, overruns), {@link Leaks} and {@link Emitter} (the sink calls); their counts
 * live in one {@link Counters}.
 *
 * <p><b>Time.</b> Inputs carry CLOCK_MONOTONIC timestamps and are processed in timestamp order
 * after a reorder window ({@link CorrelatorConfig#reorderWindowNs()}); deadline grace periods,
 * leak thresholds and periodic updates run on the stream time ({@link #streamTimeNs()}), so a
 * replayed stream gives the same records as a live one.
 *
 * <p><b>Bounds.</b> Goroutines and contexts are tracked up to the configured caps; past a cap
 * the least recently active goroutine (the oldest context) is ended as partial (the goroutine
 * marked incomplete) and counted. Nothing on the input path throws: unusable inputs are dropped
 * and counted in {@link #stats()}.
 *
 * <p><b>Threads.</b> Single-threaded by design: one thread (the one draining the ring buffers)
 * calls every method. There is no locking and no method may be called concurrently.
 */
public final class Correlator implements AutoCloseable {

  private final CorrelatorConfig config;
  private final LongSupplier clock;
  private final Counters counters = new Counters();
  private final Ordering ordering;
  private final Goroutines goroutines;
  private final Parks parks;
  private final Deadlines deadlines;
  private final AppSpans appSpans;
  private final Leaks leaks;
  private final Sampling sampling;
  private final Emitter emitter;
  private long nextUpdateNs = Ordering.UNSET;
  private boolean closed;

  private Correlator(Builder b) {
    this.config = b.config;
    this.clock = b.clock;
    Dispatch dispatch = new Dispatch(counters);
    this.ordering = new Ordering(config, counters, this::runTimers, dispatch);
    this.leaks = new Leaks(config);
    this.emitter = new Emitter(b.sink, counters, leaks);
    this.goroutines =
        new Goroutines(config, counters, emitter, b.defaultSymbolizer, ordering::streamNs);
    this.parks = new Parks(config, counters);
    this.deadlines = new Deadlines(config, counters, emitter, goroutines);
    this.sampling = new Sampling(config, counters, emitter, goroutines);
    this.appSpans = new AppSpans(counters, emitter, goroutines);
    // Before the sink hears of a new goroutine: its span's parent depends on it.
    goroutines.setInheritance(appSpans::inherit);
    dispatch.connect(ordering, goroutines, parks, deadlines, appSpans, sampling, emitter);
  }

  /** A builder for a correlator writing to {@code sink}. */
  public static Builder builder(RecordSink sink) {
    return new Builder(sink);
  }

  public CorrelatorConfig config() {
    return config;
  }

  // ---------------------------------------------------------------------------------------------
  // Input

  /** Takes one decoded event. Never throws; unusable events are counted and dropped. */
  public void accept(Event event) {
    if (closed) {
      counters.eventsAfterClose++;
      return;
    }
    ordering.accept(event);
  }

  /**
   * Announces a traced process. Records of {@code process.pid()} after {@code timestampNs} are
   * symbolised with {@code symbolizer}. If a process with that pid is already tracked and was
   * itself announced, it is ended first: same pid, new process. Ordered with the events.
   *
   * @param deep whether park/ready probes watch it (goroutines found waiting then open a park)
   */
  public void processStarted(ProcessInfo process, Symbolizer symbolizer, long timestampNs,
      boolean deep) {
    Objects.requireNonNull(process, "process");
    Objects.requireNonNull(symbolizer, "symbolizer");
    if (!closed) {
      ordering.enqueue(new Input.ProcessStart(timestampNs, process, symbolizer, deep));
    }
  }

  /** {@link #processStarted(ProcessInfo, Symbolizer, long, boolean)} without deep mode. */
  public void processStarted(ProcessInfo process, Symbolizer symbolizer, long timestampNs) {
    processStarted(process, symbolizer, timestampNs, false);
  }

  /**
   * Goroutines read from the memory of process {@code pid}, alive at {@code timestampNs} (the
   * attach-time snapshot, or a sample): those not tracked yet start, dated then, with the
   * parent they name when that parent is tracked; goroutines first seen through other events
   * are completed. Ordered with the events.
   */
  public void goroutinesFound(int pid, long timestampNs, List<? extends FoundGoroutine> found) {
    if (!closed) {
      ordering.enqueue(new Input.Found(timestampNs, pid, List.copyOf(found)));
    }
  }

  /**
   * A look at a process's threads and system calls, taken at {@code threads.timestampNs()};
   * handed to the sink in time order with the events.
   */
  public void threadsSampled(ThreadsRecord threads) {
    Objects.requireNonNull(threads, "threads");
    if (!closed) {
      ordering.enqueue(new Input.ThreadsSample(threads));
    }
  }

  /**
   * Sampled mode: every goroutine of process {@code sample.pid()} read from its memory at
   * {@code sample.timestampNs()}. Goroutines seen for the first time start then, waits are
   * extended or ended, tracked goroutines the sample no longer lists end when last seen, leak
   * groups are updated, and the sink gets the sample's summary. Ordered with the events, so
   * a precise burst's creations and exits land on the same goroutines (their times win).
   */
  public void sampled(ProcessSample sample, SamplingContext context) {
    Objects.requireNonNull(sample, "sample");
    Objects.requireNonNull(context, "context");
    if (!closed) {
      ordering.enqueue(new Input.Sampled(sample, context));
    }
  }

  /**
   * The process ended at {@code timestampNs}: its live goroutines end with state
   * {@code process_exited}, its table is dropped and a later event of the same pid starts a
   * fresh one. Ordered with the events.
   */
  public void processEnded(int pid, long timestampNs) {
    if (!closed) {
      ordering.enqueue(new Input.ProcessEnd(timestampNs, pid));
    }
  }

  /**
   * The clock reached {@code nowNs} (CLOCK_MONOTONIC): events older than {@code nowNs} minus
   * the reorder window are processed, due overrun checks and periodic updates run. Call it
   * regularly, e.g. whenever a ring-buffer poll times out.
   */
  public void advanceTo(long nowNs) {
    if (closed) {
      return;
    }
    long limit = ordering.advanceTo(nowNs);
    runTimers(limit);
    ordering.settle(limit);
  }

  /** {@link #advanceTo} with the time of the configured clock. */
  public void advance() {
    advanceTo(clock.getAsLong());
  }

  /**
   * Updates every live goroutine and context now, whatever their age, and flushes the sink.
   * Events still in the reorder window are not forced out.
   */
  public void flushPartial() {
    if (closed) {
      return;
    }
    long now = ordering.streamNs() == Ordering.UNSET ? clock.getAsLong() : ordering.streamNs();
    updateLive(now, Long.MAX_VALUE);
    emitter.flush();
  }

  /**
   * Processes everything still buffered, gives pending deadline checks the time the clock
   * allows, ends everything still alive (as partial) and flushes the sink. Does not close the
   * sink, which the caller owns. Idempotent; events after close are counted and dropped.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    advance();
    ordering.drain();
    long now = ordering.streamNs();
    if (now != Ordering.UNSET) {
      runTimers(now);
    }
    // Deadlines that fired less than the grace period ago: nobody can be blamed yet.
    deadlines.endAll();
    if (now != Ordering.UNSET) {
      goroutines.endAllAlive(now);
    }
    emitter.flush();
    closed = true;
  }

  // ---------------------------------------------------------------------------------------------
  // Queries

  /** The stream time: events up to here are processed (monotonic ns), or MIN_VALUE before any. */
  public long streamTimeNs() {
    return ordering.streamNs();
  }

  /** Current leak candidates grouped by process, creation site, start function and wait reason. */
  public LeakReport leakReport() {
    LeakReport precise = leaks.report(goroutines.oldest(), ordering.streamNs());
    return sampling.withGroups(precise);
  }

  /** Sampled mode: leak groups growing at the last sample of {@code pid} processed (0 if none). */
  public int growingLeakGroups(int pid) {
    ProcessTable p = goroutines.existing(pid);
    return p == null || p.sampling == null ? 0 : p.sampling.growingGroups;
  }

  /** A snapshot of the counters. */
  public CorrelatorStats stats() {
    return new CorrelatorStats(counters, goroutines.symbolizerCalls(),
        goroutines.symbolizerFailures(), goroutines.size(), deadlines.size(),
        ordering.buffered());
  }

  // ---------------------------------------------------------------------------------------------
  // Timers

  /** Runs what is due at or before {@code now}: overrun checks, then periodic updates. */
  private void runTimers(long now) {
    deadlines.runDue(now);
    long interval = config.partialFlushIntervalNs();
    if (nextUpdateNs == Ordering.UNSET) {
      nextUpdateNs = now + interval;
    } else if (now >= nextUpdateNs) {
      updateLive(now, interval);
      nextUpdateNs = now + interval;
    }
  }

  /** Updates goroutines and contexts alive at least {@code minAgeNs} as of {@code now}. */
  private void updateLive(long now, long minAgeNs) {
    boolean all = minAgeNs == Long.MAX_VALUE; // an explicit flush writes every one
    for (LiveGoroutine g = goroutines.oldest(); g != null; g = g.newer) {
      if (all || (now - g.startNs >= minAgeNs && !Sampling.unchangedSinceRecord(g))) {
        emitter.updated(g, now);
      } else if (now - g.startNs >= minAgeNs) {
        counters.partialRecordsSkipped++;
      }
    }
    deadlines.update(now, minAgeNs);
  }

  /** Builds a {@link Correlator}. */
  public static final class Builder {
    private final RecordSink sink;
    private CorrelatorConfig config = CorrelatorConfig.defaults();
    private Symbolizer defaultSymbolizer = Symbolizer.NONE;
    private LongSupplier clock = System::nanoTime;

    private Builder(RecordSink sink) {
      this.sink = Objects.requireNonNull(sink, "sink");
    }

    public Builder setConfig(CorrelatorConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * The symbolizer for processes seen in events without {@link Correlator#processStarted}.
     * Default {@link Symbolizer#NONE}.
     */
    public Builder setDefaultSymbolizer(Symbolizer symbolizer) {
      this.defaultSymbolizer = Objects.requireNonNull(symbolizer, "symbolizer");
      return this;
    }

    /**
     * The CLOCK_MONOTONIC source used by {@link Correlator#advance()} and {@link
     * Correlator#close()}; default {@link System#nanoTime()}, which is CLOCK_MONOTONIC on Linux.
     */
    public Builder setClock(LongSupplier clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Correlator build() {
      return new Correlator(this);
    }
  }
}
