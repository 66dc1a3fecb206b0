package dev.goroscope.attach;

import dev.goroscope.GoroscopeException;
import dev.goroscope.bpf.ringbuf.RecordHandler;
import dev.goroscope.bpf.GoroscopeBpf;
import dev.goroscope.correlate.Correlator;
import dev.goroscope.correlate.CorrelatorStats;
import dev.goroscope.correlate.LeakReport;
import dev.goroscope.event.Event;
import dev.goroscope.event.EventDecoder;
import dev.goroscope.probe.ProbeGroup;
import dev.goroscope.probe.ProbePlan;
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
  /** Times a {@code --pid} target may exec while being attached before goroscope gives up. */
  private static final int MAX_ATTACH_ATTEMPTS = 3;

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
  private final Detacher detacher = new Detacher();
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
      for (int i = watched.size() - 1; i >= 0; i--) {
        detacher.detach(watched.get(i).probes);
        watched.get(i).closeThreads();
      }
      watched.clear();
      try {
        correlator.close();
        sink.close();
      } finally {
        detacher.close();
        status.clear();
        finished.countDown();
        attached.countDown();
      }
    }
    // After the final flush, so overruns found at close and the last batch count.
    return summary();
  }

  private void loop() {
    ExecutablePreparer preparer = null;
    if (config.executable() != null) {
      try {
        preparer = new ExecutablePreparer(new ExecutableWatcher(config.executable()), planner,
            config);
      } catch (IOException e) {
        throw new GoroscopeException("cannot read " + config.executable() + ": " + e.getMessage());
      }
      err.println("goroscope: waiting for processes of " + config.executable());
      preparer.start();
    }
    try {
      if (preparer == null) {
        watchPid();
      }
      stream(preparer);
    } finally {
      if (preparer != null) {
        preparer.close();
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

  private void stream(ExecutablePreparer preparer) {
    long start = System.nanoTime();
    long end = config.duration() == null ? Long.MAX_VALUE : start + config.duration().toNanos();
    long nextLiveness = start + LIVENESS_CHECK_NS;
    long nextThreads = start + THREADS_INTERVAL_NS;
    long nextStatus = start + STATUS_INTERVAL_NS;
    long lastStatus = start;
    while (!stop.get()) {
      long now = System.nanoTime();
      if (now - end >= 0) {
        break;
      }
      if (preparer != null) {
        for (Prepared p : preparer.take()) {
          watchPrepared(p, preparer);
        }
      }
      if (watched.isEmpty()) {
        if (preparer == null) {
          break; // the --pid target is gone
        }
        sleep(Math.min(config.exeScanInterval().toMillis(), 50));
      } else {
        Duration timeout = watched.size() == 1 ? POLL_TIMEOUT : Duration.ZERO;
        for (Watched w : watched) {
          drain(w, timeout);
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
  }

  private void drain(Watched w, Duration timeout) {
    w.probes.poll(onRecord, timeout);
    reportLosses(w, w.probes.newLosses());
  }

  /** {@code --pid}: prepared here (nothing else to drain meanwhile); an exec in between retries. */
  private void watchPid() {
    TargetProcess target = TargetProcess.of(config.pid());
    for (int attempt = 1; ; attempt++) {
      Prepared p = Prepared.of(target, planner, config);
      if (p.failure() != null) {
        throw p.failure();
      }
      try {
        startWatching(p);
        return;
      } catch (TargetChangedException e) {
        if (attempt == MAX_ATTACH_ATTEMPTS) {
          throw new GoroscopeException(e.getMessage() + " " + attempt
              + " times in a row; not watching it");
        }
        status.clear();
        err.println("goroscope: " + e.getMessage() + "; planning again");
        target = TargetProcess.of(config.pid());
      }
    }
  }

  /** {@code --exe}: a process that cannot be watched is one line, and the run goes on. */
  private void watchPrepared(Prepared p, ExecutablePreparer preparer) {
    if (p.failure() != null) {
      skip(p.target(), p.failureMessage());
      return;
    }
    try {
      startWatching(p);
    } catch (TargetChangedException e) {
      if (preparer != null && p.plan().executable().isSameFile(p.target().exeLink())) {
        status.clear();
        err.println("goroscope: " + e.getMessage() + "; planning again");
        preparer.prepareAgain(p.target());
      } else {
        skip(p.target(), e.getMessage());
      }
    } catch (RuntimeException e) {
      skip(p.target(), Prepared.message(e));
    }
  }

  private void skip(TargetProcess target, String why) {
    status.clear();
    err.println("goroscope: skipping pid " + target.pid() + ": " + why);
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

  /**
   * Attaches a prepared process's probes and lists the goroutines it already has so that none
   * loses its identity (start function, creation site, parent) to the attach window, and none
   * stays alive in the records without an end:
   *
   * <ol>
   *   <li>the process is announced, so its first events already belong to a known process;
   *   <li>the creation probe goes live: every goroutine created from now on is seen whole;
   *   <li>{@code runtime.allgs} is read ("before"): every goroutine created earlier and still
   *       alive, with its start function, creation site and parent;
   *   <li>the exit probe goes live, then every other probe;
   *   <li>the executable is checked to be still the planned one (after an exec the probes, on
   *       the planned file, are harmless, and are dropped);
   *   <li>{@code runtime.allgs} is read again once every probe is live ("after"), dead
   *       goroutines included (a g keeps its goid and PCs until it is reused);
   *   <li>the events the probes caught meanwhile are read from the ring, and the goroutines
   *       to report are handed to the correlator dated before all of them ({@link
   *       AttachWindow#found}): those read before that are still alive after, or whose exit is
   *       among the events. One read before whose end was not seen (it ended before the exit
   *       probe went live) is left out rather than reported alive forever.
   * </ol>
   */
  private void startWatching(Prepared p) {
    TargetProcess target = p.target();
    ProcessPlan plan = p.plan();
    ProcessProbes probes = p.probes();
    long announcedAt = System.nanoTime();
    correlator.processStarted(plan.process(), plan.symbolizer(), announcedAt, config.deep());
    List<SnapshotGoroutine> before;
    List<SnapshotGoroutine> after;
    long afterReadNs;
    try {
      probes.attach(Attacher::isCreationSite);
      before = readGoroutines(target, plan, false);
      probes.attach(Attacher::isExitSite);
      probes.attach(site -> true);
      if (!planner.stillMatches(target, plan)) {
        throw new TargetChangedException("pid " + target.pid()
            + " changed its executable or ended while being attached");
      }
      after = readGoroutines(target, plan, true);
      afterReadNs = System.nanoTime();
    } catch (RuntimeException e) {
      correlator.processEnded(target.pid(), System.nanoTime());
      detacher.detach(probes);
      detacher.detach(plan);
      throw e;
    }
    plan.close(); // the uprobes hold the file now
    processesSeen++;
    ThreadWatch threads = plan.groups().contains(ProbeGroup.SYSCALLS)
        ? new ThreadWatch(target.pid(), plan.allpAddress(),
            config.probes().syscallThreshold().toNanos())
        : null;
    Watched w = new Watched(probes, plan, threads);
    watched.add(w);
    status.clear();
    for (String note : plan.notes()) {
      err.println("goroscope: pid " + target.pid() + ": " + note);
    }
    err.println(
        "goroscope: attached to pid " + target.pid() + " (" + plan.process().executableName()
            + ", " + plan.process().goVersion() + "): " + probes.linkCount() + " uprobes"
            + (config.deep() ? ", deep mode" : "") + probeSets(plan));
    List<Event> early = new ArrayList<>();
    probes.poll(record -> {
      Event e = decoder.decode(record);
      if (e != null) {
        early.add(e);
      }
    }, Duration.ZERO);
    correlator.goroutinesFound(target.pid(), announcedAt + 1, AttachWindow.found(before, after,
        early));
    for (Event e : early) {
      eventsSinceStatus++;
      correlator.accept(e);
    }
    if (config.deep()) {
      // Dated after the read: every park or wake-up the probes saw before it comes first.
      correlator.goroutinesFound(target.pid(), afterReadNs,
          AttachWindow.waitingSinceBeforeTheParkProbe(after, early));
    }
    drain(w, Duration.ZERO);
    attached.countDown();
  }

  private static boolean isCreationSite(ProbePlan.Site site) {
    return site.program().equals(GoroscopeBpf.PROG_NEWPROC1_RET);
  }

  private static boolean isExitSite(ProbePlan.Site site) {
    return site.program().equals(GoroscopeBpf.PROG_GOEXIT1_ENTRY);
  }

  /** The goroutines in runtime.allgs now; empty when that cannot be read (said once). */
  private List<SnapshotGoroutine> readGoroutines(
      TargetProcess target, ProcessPlan plan, boolean includeDead) {
    if (plan.allgsAddress() == 0) {
      return List.of();
    }
    try (ProcessMemory memory = ProcessMemory.open(target.pid())) {
      return includeDead
          ? GoroutineSnapshot.readIncludingDead(memory, plan.allgsAddress(), plan.offsets())
          : GoroutineSnapshot.read(memory, plan.allgsAddress(), plan.offsets());
    } catch (GoroscopeException | IllegalArgumentException e) {
      if (!includeDead) {
        status.clear();
        err.println("goroscope: pid " + target.pid() + ": goroutines alive at attach not read: "
            + e.getMessage());
      }
      return List.of();
    }
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
        detacher.detach(w.probes);
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
        stats.deadlineOverruns(), stats.eventsLost(), spansExported.getAsLong(), leaks,
        decoder.malformed());
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
