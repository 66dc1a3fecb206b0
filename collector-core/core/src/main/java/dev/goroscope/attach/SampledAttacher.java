package dev.goroscope.attach;

import dev.goroscope.GoroscopeException;
import dev.goroscope.bpf.BpfException;
import dev.goroscope.bpf.trapcost.TrapCalibration;
import dev.goroscope.bpf.trapcost.TrapCost;
import dev.goroscope.correlate.Correlator;
import dev.goroscope.correlate.CorrelatorStats;
import dev.goroscope.correlate.LeakReport;
import dev.goroscope.event.Event;
import dev.goroscope.event.EventDecoder;
import dev.goroscope.process.ExecutableWatcher;
import dev.goroscope.process.TargetProcess;
import dev.goroscope.record.BurstStatus;
import dev.goroscope.record.RecordSink;
import dev.goroscope.sample.ProcessSample;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * One {@code goroscope attach --mode sampled} run: no uprobe, no BPF — every goroutine of each
 * target read from its memory every {@code --sample-interval} ({@link SampledTarget}) and handed
 * to the correlator ({@link Correlator#sampled}), which turns samples into the same lifecycle
 * calls as probes do. With {@code --precise-every}, the default probes are attached for short
 * bursts, spaced under the overhead budget with the trap cost calibrated at start ({@link
 * TrapCalibration}); their events go to the same correlator, so the same goroutines get precise
 * times.
 *
 * <p>Everything runs on the thread that calls {@link #run()}, as in {@link Attacher}; only the
 * slow detaching of a burst's probes runs on threads of its own, joined before {@code run}
 * returns.
 */
public final class SampledAttacher implements AttachSession {

  private static final long CHECK_NS = 50_000_000L;
  private static final long LIVENESS_CHECK_NS = 200_000_000L;
  private static final long STATUS_INTERVAL_NS = 1_000_000_000L;

  private final AttachConfig config;
  private final TargetPlanner planner;
  private final RecordSink sink;
  private final LongSupplier spansExported;
  private final LongSupplier exportDrops;
  private final PrintWriter err;
  private final StatusLine status;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final CountDownLatch finished = new CountDownLatch(1);
  private final CountDownLatch attached = new CountDownLatch(1);
  private final EventDecoder decoder = new EventDecoder();
  private final List<SampledTarget> targets = new ArrayList<>();
  private final List<Thread> detaching = new ArrayList<>();
  private final SampledTotals totals = new SampledTotals();
  private Correlator correlator;
  private TrapCost trapCost;
  private int processesSeen;
  private long events;
  private LeakReport leaks;
  private long lastInputNs = Long.MIN_VALUE;
  private long watchedUntil = Long.MIN_VALUE;

  /** See {@link Attacher#Attacher}: the same parts, the same meaning. */
  public SampledAttacher(AttachConfig config, TargetPlanner planner, RecordSink sink,
      LongSupplier spansExported, LongSupplier exportDrops, PrintWriter err, boolean showStatus) {
    if (config.mode() != AttachMode.SAMPLED) {
      throw new IllegalArgumentException("not a sampled-mode configuration");
    }
    this.config = config;
    this.planner = planner;
    this.sink = sink;
    this.spansExported = spansExported;
    this.exportDrops = exportDrops;
    this.err = err;
    this.status = new StatusLine(err, showStatus);
  }

  @Override
  public CorrelatorStats correlatorStats() {
    return correlator.stats();
  }

  /** The trap cost measured at start, or null without bursts (or before {@link #run()}). */
  public TrapCost trapCost() {
    return trapCost;
  }

  @Override
  public void requestStop() {
    stop.set(true);
  }

  @Override
  public boolean awaitAttached(Duration timeout) throws InterruptedException {
    return attached.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && finished.getCount() > 0;
  }

  @Override
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public AttachSummary run() {
    correlator = Correlator.builder(sink).setConfig(config.correlator())
        .setClock(this::watchClock).build();
    try {
      if (config.bursts() != null) {
        calibrate();
      }
      loop();
    } finally {
      // Partial goroutines end when they were last seen, not when the flush ran.
      watchedUntil = lastInputNs != Long.MIN_VALUE ? lastInputNs : System.nanoTime();
      Thread close = new Thread(this::closeAll, "goroscope-detach");
      close.start();
      try {
        correlator.close();
        sink.close();
      } finally {
        joinQuietly(close);
        detaching.forEach(SampledAttacher::joinQuietly);
        status.clear();
        finished.countDown();
        attached.countDown();
      }
    }
    CorrelatorStats stats = correlator.stats();
    return new AttachSummary(processesSeen, stats.goroutinesStarted(), stats.contextsCreated(),
        stats.deadlineOverruns(), stats.eventsLost(), spansExported.getAsLong(), leaks,
        totals.line(config, trapCost), decoder.malformed());
  }

  private void calibrate() {
    try {
      trapCost = TrapCalibration.measure();
    } catch (BpfException e) {
      throw new GoroscopeException("precise bursts need uprobes: " + e.getMessage(), e);
    }
    err.println(String.format(Locale.ROOT, "goroscope: trap cost %.1f µs per uprobe hit"
        + " (calibrated: %d hits on %s)", trapCost.nsPerHit() / 1e3, trapCost.hits(),
        trapCost.site()));
  }

  private void loop() {
    ExecutableWatcher exeWatcher = null;
    if (config.executable() != null) {
      try {
        exeWatcher = new ExecutableWatcher(config.executable());
      } catch (IOException e) {
        throw new GoroscopeException("cannot read " + config.executable() + ": " + e.getMessage());
      }
      err.println("goroscope: waiting for processes of " + exeWatcher.executable());
    } else {
      startWatching(TargetProcess.of(config.pid()));
    }
    long start = System.nanoTime();
    long end = config.duration() == null ? Long.MAX_VALUE : start + config.duration().toNanos();
    long nextScan = start;
    long nextLiveness = start + LIVENESS_CHECK_NS;
    long nextStatus = start + STATUS_INTERVAL_NS;
    long lastStatus = start;
    long samplesAtStatus = 0;
    while (!stop.get()) {
      long now = System.nanoTime();
      if (now >= end) {
        break;
      }
      if (exeWatcher != null && now >= nextScan) {
        for (TargetProcess p : exeWatcher.poll()) {
          try {
            startWatching(p);
          } catch (GoroscopeException e) {
            status.clear();
            err.println("goroscope: skipping pid " + p.pid() + ": " + e.getMessage());
          }
        }
        nextScan = now + config.exeScanInterval().toNanos();
      }
      if (targets.isEmpty() && exeWatcher == null) {
        break; // the --pid target is gone
      }
      for (SampledTarget t : targets) {
        step(t, now);
      }
      now = System.nanoTime();
      correlator.advanceTo(now);
      if (now >= nextLiveness) {
        checkLiveness(now);
        nextLiveness = now + LIVENESS_CHECK_NS;
      }
      if (now >= nextStatus) {
        sink.flush();
        long samples = totals.samples + targets.stream().mapToLong(t -> t.samples).sum();
        status.showSampled((samples - samplesAtStatus) * 1e9 / Math.max(1, now - lastStatus),
            correlator.stats().liveGoroutines(), spansExported.getAsLong(),
            exportDrops.getAsLong(), targets.stream().anyMatch(SampledTarget::bursting));
        samplesAtStatus = samples;
        lastStatus = now;
        nextStatus = now + STATUS_INTERVAL_NS;
      }
      pause(targets.isEmpty() ? config.exeScanInterval().toNanos() : nextDue(now) - now);
    }
    long now = System.nanoTime();
    for (SampledTarget t : targets) {
      if (t.bursting()) {
        endBurst(t, now);
      }
    }
    correlator.advanceTo(System.nanoTime());
    leaks = correlator.leakReport();
  }

  /** One target's turn: burst records, a sample when due, the burst decision. */
  private void step(SampledTarget t, long now) {
    int pid = t.target().pid();
    t.poll(this::onRecord, Duration.ZERO, lost -> lost(pid, lost));
    boolean anomaly = false;
    if (now >= t.nextSampleNs) {
      ProcessSample s = t.sample(now);
      if (!s.goroutines().isEmpty() || t.target().isAlive()) {
        // events the probes wrote while memory was read go in before the sample is ordered
        t.poll(this::onRecord, Duration.ZERO, lost -> lost(pid, lost));
        correlator.sampled(s, t.context());
        lastInputNs = Math.max(lastInputNs, s.timestampNs());
      }
      int growing = correlator.growingLeakGroups(pid);
      anomaly = growing > t.growingGroups;
      t.growingGroups = growing;
    }
    switch (t.decide(System.nanoTime(), anomaly)) {
      case START -> startBurst(t);
      case STOP -> endBurst(t, System.nanoTime());
      case NONE -> { }
    }
  }

  private void startBurst(SampledTarget t) {
    try {
      t.startBurst(System.nanoTime());
    } catch (BpfException | GoroscopeException e) {
      status.clear();
      err.println("goroscope: pid " + t.target().pid() + ": precise burst failed: "
          + e.getMessage());
      t.disableBursts();
    }
  }

  private void endBurst(SampledTarget t, long now) {
    int pid = t.target().pid();
    t.poll(this::onRecord, Duration.ZERO, lost -> lost(pid, lost));
    lastInputNs = Math.max(lastInputNs, now);
    ProcessProbes probes = t.endBurst(now);
    Thread d = new Thread(probes::close, "goroscope-burst-detach");
    d.start();
    detaching.removeIf(th -> !th.isAlive());
    detaching.add(d);
  }

  /** Nanoseconds from now until something is due: a sample, a burst check. */
  private long nextDue(long now) {
    long due = now + LIVENESS_CHECK_NS;
    for (SampledTarget t : targets) {
      due = Math.min(due, t.nextSampleNs);
      if (t.hasBursts()) {
        due = Math.min(due, now + CHECK_NS);
      }
    }
    return due;
  }

  /** Waits {@code ns}: on the ring of a bursting target when there is one, else asleep. */
  private void pause(long ns) {
    if (ns <= 0) {
      return;
    }
    for (SampledTarget t : targets) {
      if (t.bursting()) {
        int pid = t.target().pid();
        t.poll(this::onRecord, Duration.ofNanos(ns), lost -> lost(pid, lost));
        return;
      }
    }
    try {
      TimeUnit.NANOSECONDS.sleep(ns);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop.set(true);
    }
  }

  private long watchClock() {
    return watchedUntil != Long.MIN_VALUE ? watchedUntil : System.nanoTime();
  }

  private void onRecord(ByteBuffer record) {
    Event event = decoder.decode(record);
    if (event != null) {
      events++;
      lastInputNs = Math.max(lastInputNs, event.timestampNs());
      correlator.accept(event);
    }
  }

  private void lost(int pid, long count) {
    correlator.accept(EventDecoder.lost(System.nanoTime(), pid, count));
  }

  private void startWatching(TargetProcess target) {
    StringBuilder problem = new StringBuilder();
    SampledTarget t = SampledTarget.open(target, config, planner,
        trapCost == null ? 0 : trapCost.nsPerHit(), CHECK_NS, problem);
    correlator.processStarted(t.info(), t.symbolizer(), System.nanoTime(), false);
    t.nextSampleNs = System.nanoTime(); // opening (and planning bursts) took a while
    targets.add(t);
    processesSeen++;
    status.clear();
    for (String note : t.sampler().notes()) {
      err.println("goroscope: pid " + target.pid() + ": " + note);
    }
    if (!problem.isEmpty()) {
      err.println("goroscope: pid " + target.pid() + ": " + problem);
    }
    err.println("goroscope: attached to pid " + target.pid() + " (" + t.info().executableName()
        + ", " + t.info().goVersion() + "): 0 uprobes, sampled every "
        + millis(config.sampleInterval()) + (t.hasBursts() ? ", precise bursts of "
            + millis(config.bursts().length()) + " (" + t.linkCount() + " uprobes) every "
            + millis(config.bursts().every()) + " or more, within "
            + percent(config.bursts().budgetPercent()) + " % of its CPU" : ""));
    attached.countDown();
  }

  private void checkLiveness(long now) {
    for (int i = targets.size() - 1; i >= 0; i--) {
      SampledTarget t = targets.get(i);
      if (!t.target().isAlive()) {
        if (t.bursting()) {
          endBurst(t, now);
        }
        targets.remove(i);
        totals.add(t);
        t.close();
        correlator.processEnded(t.target().pid(), now);
        status.clear();
        err.println("goroscope: pid " + t.target().pid() + " exited");
      }
    }
  }

  private void closeAll() {
    for (int i = targets.size() - 1; i >= 0; i--) {
      SampledTarget t = targets.get(i);
      totals.add(t);
      t.close();
    }
    targets.clear();
  }

  static String millis(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  static String percent(double p) {
    return java.math.BigDecimal.valueOf(p).stripTrailingZeros().toPlainString();
  }

  private static void joinQuietly(Thread thread) {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true; // probes must not outlive the run
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** What the samples and bursts of processes no longer watched add up to. */
  private static final class SampledTotals {
    long samples;
    long skipped;
    long bursts;
    long hits;
    double worstOverhead = -1;

    void add(SampledTarget t) {
      samples += t.samples;
      skipped += t.samplesSkipped;
      t.samples = 0;
      t.samplesSkipped = 0;
      BurstStatus b = t.burstStatus();
      if (b != null) {
        bursts += b.bursts();
        hits += b.probeHits();
        worstOverhead = Math.max(worstOverhead, b.estimatedOverheadPercent());
      }
    }

    String line(AttachConfig config, TrapCost cost) {
      StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
          "sampled every %s: %d samples", millis(config.sampleInterval()), samples));
      if (skipped > 0) {
        s.append(String.format(Locale.ROOT, " (%d skipped: goroscope fell behind)", skipped));
      }
      if (cost != null) {
        s.append(String.format(Locale.ROOT, "; %d precise bursts, %d probe hits, trap cost"
            + " %.1f µs, estimated target overhead %.2f %% (budget %s %%)", bursts, hits,
            cost.nsPerHit() / 1e3, Math.max(0, worstOverhead),
            percent(config.bursts().budgetPercent())));
      }
      return s.toString();
    }
  }
}
