package dev.goroscope.attach;

import dev.goroscope.GoroscopeException;
import dev.goroscope.bpf.ringbuf.RecordHandler;
import dev.goroscope.correlate.Correlator;
import dev.goroscope.correlate.CorrelatorStats;
import dev.goroscope.correlate.LeakReport;
import dev.goroscope.event.Event;
import dev.goroscope.event.EventDecoder;
import dev.goroscope.probe.ProbeGroup;
import dev.goroscope.probe.ProbeSelection;
import dev.goroscope.process.ExecutableWatcher;
import dev.goroscope.process.ProcessMemory;
import dev.goroscope.process.TargetProcess;
import dev.goroscope.record.RecordSink;
import dev.goroscope.snapshot.GoroutineSnapshot;
import dev.goroscope.snapshot.SnapshotGoroutine;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * One attach run: finds the target processes, plans and attaches their probes, streams their
 * events through the correlator into the sink, and on stop (signal, {@code --duration}, or the
 * {@code --pid} target's end) detaches, flushes and reports.
 *
 * <p>Everything runs on the thread that calls {@link #run()}: the ring buffer drain, decoding
 * and the correlator are single-threaded by design. {@link #requestStop()} may be called from
 * any thread (a signal handler).
 */
public final class Attacher implements AttachSession {

  private static final Duration POLL_TIMEOUT = Duration.ofMillis(50);
  private static final long LIVENESS_CHECK_NS = 200_000_000L;
  private static final long STATUS_INTERVAL_NS = 1_000_000_000L;
  private static final long THREADS_INTERVAL_NS = 1_000_000_000L;

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
  /** One handler object for every poll (a method reference per poll would be a new one). */
  private final RecordHandler onRecord = this::onRecord;
  private final List<Watched> watched = new ArrayList<>();
  private Correlator correlator;
  private int processesSeen;
  private long eventsSinceStatus;
  private LeakReport leaks;
  /** When the last events were read (monotonic ns), or MIN_VALUE while still watching. */
  private long watchedUntil = Long.MIN_VALUE;

  /**
   * @param spansExported how many spans/records the sink has exported so far (status, summary)
   * @param exportDrops how many the sink dropped so far
   * @param showStatus whether to draw the live status line on {@code err}
   */
  public Attacher(
      AttachConfig config, TargetPlanner planner, RecordSink sink, LongSupplier spansExported,
      LongSupplier exportDrops, PrintWriter err, boolean showStatus) {
    this.config = config;
    this.planner = planner;
    this.sink = sink;
    this.spansExported = spansExported;
    this.exportDrops = exportDrops;
    this.err = err;
    this.status = new StatusLine(err, showStatus);
  }

  /** Whether the live status line should be drawn: stderr is an interactive terminal. */
  public static boolean stderrIsTerminal() {
    return StatusLine.stderrIsTerminal();
  }

  /** The correlator's counters (ordering, duplicates, losses, evictions); after {@link #run()}. */
  public CorrelatorStats correlatorStats() {
    return correlator.stats();
  }

  /** Asks {@link #run()} to stop soon; safe from any thread. */
  public void requestStop() {
    stop.set(true);
  }

  /**
   * Waits up to {@code timeout} until the first process has its probes attached; false if it
   * did not happen (yet), e.g. because the run failed or ended.
   */
  public boolean awaitAttached(Duration timeout) throws InterruptedException {
    return attached.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && finished.getCount() > 0;
  }

  /** Waits up to {@code timeout} for {@link #run()} to have flushed and returned. */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Runs until stopped. Failures to watch the {@code --pid} target are thrown as {@link
   * GoroscopeException}; in {@code --exe} mode a process that cannot be watched is reported and
   * skipped.
   */
  public AttachSummary run() {
    // Once the rings are drained, the correlator's clock stops there: detaching takes a while
    // (~100 ms a probe), and nothing seen after the last read must not age goroutines (leak
    // candidates) or let deadline checks run on time that was not watched.
    correlator = Correlator.builder(sink).setConfig(config.correlator())
        .setClock(this::watchClock).build();
    try {
      loop();
    } finally {
      watchedUntil = System.nanoTime();
      // Detach (slow: the kernel waits for each probe to be unused) while the records are
      // flushed, so spans of goroutines still alive end when watching ended, not after it.
      Thread detach = new Thread(this::closeAll, "goroscope-detach");
      detach.start();
      try {
        correlator.close();
        sink.close();
      } finally {
        joinQuietly(detach);
        status.clear();
        finished.countDown();
        attached.countDown();
      }
    }
    // After the final flush, so overruns found at close and the last batch count.
    return summary();
  }

  private void loop() {
    ExecutableWatcher exeWatcher = null;
    if (config.executable() != null) {
      try {
        exeWatcher = new ExecutableWatcher(config.executable());
      } catch (IOException e) {
        throw new GoroscopeException("cannot read " + config.executable() + ": " + e.getMessage());
      }
    } else {
      startWatching(TargetProcess.of(config.pid()));
    }
    long start = System.nanoTime();
    long end = config.duration() == null ? Long.MAX_VALUE : start + config.duration().toNanos();
    long nextScan = start;
    long nextLiveness = start + LIVENESS_CHECK_NS;
    long nextStatus = start + STATUS_INTERVAL_NS;
    long nextThreads = start + THREADS_INTERVAL_NS;
    long lastStatus = start;
    if (exeWatcher != null) {
      err.println("goroscope: waiting for processes of " + exeWatcher.executable());
    }
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
      if (watched.isEmpty()) {
        if (exeWatcher == null) {
          break; // the --pid target is gone
        }
        sleep(Math.min(config.exeScanInterval().toMillis(), 100));
      } else {
        Duration timeout = watched.size() == 1 ? POLL_TIMEOUT : Duration.ZERO;
        for (Watched w : watched) {
          w.probes.poll(onRecord, timeout);
          reportLosses(w, w.probes.newLosses());
        }
        if (watched.size() > 1) {
          sleep(POLL_TIMEOUT.toMillis() / 2);
        }
      }
      now = System.nanoTime();
      correlator.advanceTo(now);
      if (now >= nextLiveness) {
        checkLiveness(now);
        nextLiveness = now + LIVENESS_CHECK_NS;
      }
      if (now >= nextThreads) {
        sampleThreads(now);
        nextThreads = now + THREADS_INTERVAL_NS;
      }
      if (now >= nextStatus) {
        sink.flush(); // lets waiting child spans out and ages the console's traces
        double rate = eventsSinceStatus * 1e9 / Math.max(1, now - lastStatus);
        status.show(rate, correlator.stats().liveGoroutines(), spansExported.getAsLong(),
            exportDrops.getAsLong());
        eventsSinceStatus = 0;
        lastStatus = now;
        nextStatus = now + STATUS_INTERVAL_NS;
      }
    }
    // Drain what is already in the rings, then detach before the final flush.
    for (Watched w : watched) {
      w.probes.poll(onRecord, Duration.ZERO);
      reportLosses(w, w.probes.remainingLosses());
    }
    correlator.advanceTo(System.nanoTime());
    leaks = correlator.leakReport();
  }

  private long watchClock() {
    return watchedUntil != Long.MIN_VALUE ? watchedUntil : System.nanoTime();
  }

  private void reportLosses(Watched w, long lost) {
    if (lost > 0) {
      correlator.accept(EventDecoder.lost(System.nanoTime(), w.probes.target().pid(), lost));
    }
  }

  private void onRecord(ByteBuffer record) {
    Event event = decoder.decode(record);
    if (event == null) {
      return;
    }
    eventsSinceStatus++;
    correlator.accept(event);
  }

  private void startWatching(TargetProcess target) {
    ProcessPlan plan = planner.plan(target, config.probes());
    // Announced before the first probe is live, so its very first events (ordered by time in
    // the correlator) already belong to a known process with its resource and symbols.
    long announcedAt = System.nanoTime();
    correlator.processStarted(plan.process(), plan.symbolizer(), announcedAt, config.deep());
    ProcessProbes probes;
    try {
      probes = ProcessProbes.open(target, plan, config.ringBytes());
    } catch (RuntimeException e) {
      correlator.processEnded(target.pid(), System.nanoTime());
      throw e;
    }
    processesSeen++;
    ThreadWatch threads = plan.groups().contains(ProbeGroup.SYSCALLS)
        ? new ThreadWatch(target.pid(), plan.allpAddress(),
            config.probes().syscallThreshold().toNanos())
        : null;
    watched.add(new Watched(probes, plan, threads));
    status.clear();
    for (String note : plan.notes()) {
      err.println("goroscope: pid " + target.pid() + ": " + note);
    }
    err.println(
        "goroscope: attached to pid " + target.pid() + " (" + plan.process().executableName()
            + ", " + plan.process().goVersion() + "): " + probes.linkCount() + " uprobes"
            + (config.deep() ? ", deep mode" : "") + probeSets(plan));
    // Read after the probes are live (nothing falls between), but dated before them: the
    // goroutines it lists then come first, so creations trapped meanwhile find their parents.
    snapshot(target, plan, announcedAt + 1);
    attached.countDown();
  }

  /** Goroutines alive before the probes: read once from runtime.allgs. */
  private void snapshot(TargetProcess target, ProcessPlan plan, long datedAt) {
    if (plan.allgsAddress() == 0) {
      return;
    }
    List<SnapshotGoroutine> live;
    try (ProcessMemory memory = ProcessMemory.open(target.pid())) {
      live = GoroutineSnapshot.read(memory, plan.allgsAddress(), plan.offsets());
    } catch (GoroscopeException | IllegalArgumentException e) {
      err.println("goroscope: pid " + target.pid() + ": goroutines alive at attach not read: "
          + e.getMessage());
      return;
    }
    correlator.goroutinesFound(target.pid(), datedAt, live);
  }

  /** The {@code --probe} sets that attached, e.g. {@code ", probes stw mutex"}. */
  private static String probeSets(ProcessPlan plan) {
    StringBuilder b = new StringBuilder();
    for (String name : ProbeSelection.optionNames()) {
      if (plan.groups().stream().anyMatch(g -> name.equals(g.option()))) {
        b.append(b.length() == 0 ? ", probes " : " ").append(name);
      }
    }
    return b.toString();
  }

  /** Threads and system calls in flight of every process watched with --probe syscall. */
  private void sampleThreads(long now) {
    for (Watched w : watched) {
      if (w.threads == null) {
        continue;
      }
      try {
        correlator.threadsSampled(w.threads.sample(now, w.probes.syscallsInFlight()));
      } catch (RuntimeException e) {
        // the process is going: its liveness check ends it
      }
    }
  }

  private void checkLiveness(long now) {
    for (int i = watched.size() - 1; i >= 0; i--) {
      Watched w = watched.get(i);
      if (!w.probes.target().isAlive()) {
        w.probes.poll(onRecord, Duration.ZERO);
        reportLosses(w, w.probes.remainingLosses());
        w.probes.close();
        w.closeThreads();
        watched.remove(i);
        correlator.processEnded(w.probes.target().pid(), now);
        status.clear();
        err.println("goroscope: pid " + w.probes.target().pid() + " exited");
      }
    }
  }

  private AttachSummary summary() {
    CorrelatorStats stats = correlator.stats();
    return new AttachSummary(
        processesSeen, stats.goroutinesStarted(), stats.contextsCreated(),
        stats.deadlineOverruns(), stats.eventsLost(), spansExported.getAsLong(), leaks);
  }

  private void closeAll() {
    for (int i = watched.size() - 1; i >= 0; i--) {
      watched.get(i).probes.close();
      watched.get(i).closeThreads();
    }
    watched.clear();
  }

  private static void joinQuietly(Thread thread) {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true; // finish detaching first: probes must not outlive the run
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private record Watched(ProcessProbes probes, ProcessPlan plan, ThreadWatch threads) {
    void closeThreads() {
      if (threads != null) {
        threads.close();
      }
    }
  }
}
