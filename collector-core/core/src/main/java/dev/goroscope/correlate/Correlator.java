package dev.goroscope.correlate;

import dev.goroscope.event.CancelReason;
import dev.goroscope.event.ContextCancelled;
import dev.goroscope.event.ContextDeadlineSet;
import dev.goroscope.event.Event;
import dev.goroscope.event.EventsLost;
import dev.goroscope.event.GoroutineCreated;
import dev.goroscope.event.GoroutineExited;
import dev.goroscope.event.GoroutineParked;
import dev.goroscope.event.GoroutineReadied;
import dev.goroscope.record.CodeLocation;
import dev.goroscope.record.ContextEvent;
import dev.goroscope.record.ContextRecord;
import dev.goroscope.record.DeadlineOverrun;
import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.record.GoroutineState;
import dev.goroscope.record.ParkInterval;
import dev.goroscope.record.ProcessInfo;
import dev.goroscope.record.RecordSink;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Rebuilds goroutine lifecycles, the spawn forest, deadline contexts, deadline overruns and leak
 * candidates from the decoded event stream of one or more target processes, and hands the
 * results to a {@link RecordSink}.
 *
 * <p><b>Time.</b> Events carry CLOCK_MONOTONIC timestamps. The correlator holds each event in a
 * bounded reorder buffer until an event at least {@link CorrelatorConfig#reorderWindowNs()}
 * newer has arrived, or until {@link #advanceTo} says the clock has passed it, and processes
 * events in timestamp order. Its notion of "now" (the stream time, {@link #streamTimeNs()}) is
 * the timestamp of the latest processed event or {@code advanceTo} time minus the window;
 * deadline grace periods, leak thresholds and periodic partial records are all measured in
 * stream time, so a replayed stream gives the same records as a live one.
 *
 * <p><b>Bounds.</b> Goroutines and contexts are tracked up to the configured caps; past a cap the
 * least recently active goroutine (the oldest context) is evicted, emitted as a partial record
 * (the goroutine's marked incomplete), and counted. Nothing on the event
 * path throws: unusable events are dropped and counted in {@link #stats()}.
 *
 * <p><b>Threads.</b> Single-threaded by design: one thread (the one draining the ring buffer)
 * calls every method. There is no locking and no method may be called concurrently.
 */
public final class Correlator implements AutoCloseable {

  private final CorrelatorConfig config;
  private final RecordSink sink;
  private final Symbolizer defaultSymbolizer;
  private final LongSupplier clock;
  private final long window;
  private final long grace;

  private final ReorderBuffer buffer;
  private final LongObjectMap<ProcessTable> processes = new LongObjectMap<>();
  /** Last end time of recently ended pids, to drop their stragglers (bounded). */
  private final Map<Integer, Long> endedPids =
      new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Long> eldest) {
          return size() > 1024;
        }
      };
  private ProcessTable lastProcess;

  /** Tracked goroutines from least to most recently active: the eviction order. */
  /** Live goroutines in eviction order (least recently active first). */
  private final AgeList<LiveGoroutine> goroutineAges = new AgeList<>();
  /** Live contexts in creation order. */
  private final AgeList<LiveContext> contextAges = new AgeList<>();
  /** Contexts whose deadline fired, waiting for the grace period; in order of firing. */
  private final ArrayDeque<LiveContext> overrunChecks = new ArrayDeque<>();

  private static final long UNSET = Long.MIN_VALUE;
  /** How far a cancel may precede its context's deadline-set event (same WithDeadline call). */
  private static final long EARLY_CANCEL_NS = 10_000_000L;
  private long newestSeenNs = UNSET;
  private long streamNs = UNSET;
  private long nextPartialFlushNs = UNSET;
  /** The item being processed arrived after younger ones were processed. */
  private boolean late;
  private boolean closed;

  private long eventsIn;
  private long outOfOrderFixed;
  private long lateEvents;
  private long reorderOverflows;
  private long duplicatesDropped;
  private long staleEvents;
  private long eventsLost;
  private long lostMarkers;
  private long goroutinesAdopted;
  private long goroutinesEvicted;
  private long contextsEvicted;
  private long unknownContextCancels;
  private long eventsAfterProcessEnd;
  private long eventsAfterClose;
  private long parksTruncated;
  private long contextEventsTruncated;
  private long scopeGoroutinesDropped;
  private long finishedRecords;
  private long partialRecords;
  private long contextRecords;
  private long deadlineOverruns;
  private long sinkFailures;
  /** Symbolizer counters of processes no longer tracked. */
  private long pastSymbolizerCalls;
  private long pastSymbolizerFailures;

  private Correlator(Builder b) {
    this.config = b.config;
    this.sink = b.sink;
    this.defaultSymbolizer = b.defaultSymbolizer;
    this.clock = b.clock;
    this.window = config.reorderWindowNs();
    this.grace = config.deadlineGraceNs();
    this.buffer = new ReorderBuffer(config.maxReorderEvents());
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
      eventsAfterClose++;
      return;
    }
    eventsIn++;
    long ts = event.timestampNs();
    if (streamNs != UNSET && ts < streamNs) {
      lateEvents++;
    } else if (ts < newestSeenNs) {
      outOfOrderFixed++;
    }
    enqueue(ts, event);
  }

  /**
   * Announces a traced process. Records of {@code process.pid()} after {@code timestampNs} are
   * symbolised with {@code symbolizer}. If a process with that pid is already tracked and was
   * itself announced, it is ended first: same pid, new process. Ordered with the events.
   */
  public void processStarted(ProcessInfo process, Symbolizer symbolizer, long timestampNs) {
    Objects.requireNonNull(process, "process");
    Objects.requireNonNull(symbolizer, "symbolizer");
    if (!closed) {
      enqueue(timestampNs, new ProcessStart(timestampNs, process, symbolizer));
    }
  }

  /**
   * The process ended at {@code timestampNs}: its live goroutines are emitted as finished with
   * state {@link GoroutineState#PROCESS_EXITED}, its table is dropped and a later event of the
   * same pid starts a fresh one. Ordered with the events: takes effect when stream time passes
   * {@code timestampNs}.
   */
  public void processEnded(int pid, long timestampNs) {
    if (!closed) {
      enqueue(timestampNs, new ProcessEnd(timestampNs, pid));
    }
  }

  /**
   * Tells the correlator that the clock has reached {@code nowNs} (CLOCK_MONOTONIC): events older
   * than {@code nowNs} minus the reorder window are processed, due overrun checks and periodic
   * partial records run. Call it regularly, e.g. whenever a ring-buffer poll times out.
   */
  public void advanceTo(long nowNs) {
    if (closed) {
      return;
    }
    long limit = nowNs - window;
    releaseUpTo(limit);
    runTimers(limit);
    if (streamNs == UNSET || limit > streamNs) {
      streamNs = limit;
    }
  }

  /** {@link #advanceTo} with the time of the configured clock. */
  public void advance() {
    advanceTo(clock.getAsLong());
  }

  /**
   * Emits a partial record for every live goroutine and every live context now, whatever their
   * age, and flushes the sink. Events still in the reorder window are not forced out.
   */
  public void flushPartial() {
    if (closed) {
      return;
    }
    long now = streamNs == UNSET ? clock.getAsLong() : streamNs;
    emitPartials(now, Long.MAX_VALUE);
    flushSink();
  }

  /**
   * Processes everything still buffered, gives pending deadline checks the time the clock allows,
   * emits partial records of everything still alive and flushes the sink. Does not close the
   * sink, which the caller owns. Idempotent; events after close are counted and dropped.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    advance();
    while (buffer.size() > 0) {
      process(buffer.poll());
    }
    long now = streamNs;
    if (now != UNSET) {
      runTimers(now);
    }
    // Deadlines that fired less than the grace period ago: nobody can be blamed yet.
    while (!overrunChecks.isEmpty()) {
      LiveContext c = overrunChecks.poll();
      emitContext(c, List.of());
      c.releaseScope();
    }
    if (now != UNSET) {
      emitPartials(now, Long.MAX_VALUE);
    }
    flushSink();
    closed = true;
  }

  // ---------------------------------------------------------------------------------------------
  // Queries

  /** The stream time: events up to here are processed (monotonic ns), or MIN_VALUE before any. */
  public long streamTimeNs() {
    return streamNs;
  }

  /** Current leak candidates grouped by process, creation site, start function and wait reason. */
  public LeakReport leakReport() {
    long now = streamNs;
    Map<List<Object>, List<LiveGoroutine>> examples = new LinkedHashMap<>();
    Map<List<Object>, long[]> counts = new HashMap<>();
    Comparator<LiveGoroutine> byAge =
        Comparator.<LiveGoroutine>comparingLong(g -> g.startNs).thenComparingLong(g -> g.goid);
    for (LiveGoroutine g = goroutineAges.oldest(); g != null; g = g.newer) {
      if (now == UNSET || !isLeak(g, now)) {
        continue;
      }
      SymbolCache s = g.process.symbols;
      List<Object> key = List.of(g.process.pid, s.creationSite(g.creationPc),
          s.startFunction(g.startPc), g.isParked() ? s.waitReason(g.waitCode) : "");
      counts.computeIfAbsent(key, k -> new long[1])[0]++;
      List<LiveGoroutine> ex = examples.computeIfAbsent(key, k -> new ArrayList<>());
      if (ex.size() < LeakReport.MAX_EXAMPLES) {
        ex.add(g);
      } else {
        LiveGoroutine youngest = Collections.max(ex, byAge);
        if (byAge.compare(g, youngest) < 0) {
          ex.set(ex.indexOf(youngest), g);
        }
      }
    }
    List<LeakReport.Group> groups = new ArrayList<>();
    for (Map.Entry<List<Object>, List<LiveGoroutine>> e : examples.entrySet()) {
      List<Object> key = e.getKey();
      List<LiveGoroutine> ex = e.getValue();
      ex.sort(byAge);
      List<Long> goids = new ArrayList<>(ex.size());
      for (LiveGoroutine g : ex) {
        goids.add(g.goid);
      }
      groups.add(new LeakReport.Group((Integer) key.get(0), (CodeLocation) key.get(1),
          (String) key.get(2), (String) key.get(3), counts.get(key)[0], ex.get(0).startNs,
          goids));
    }
    groups.sort(Comparator.comparingLong(LeakReport.Group::count).reversed());
    return new LeakReport(now, groups);
  }

  /** A snapshot of the counters. */
  public CorrelatorStats stats() {
    long[] symbolizer = {pastSymbolizerCalls, pastSymbolizerFailures};
    processes.forEachValue(
        p -> {
          symbolizer[0] += p.symbols.lookups();
          symbolizer[1] += p.symbols.failures();
        });
    return new CorrelatorStats(
        eventsIn, outOfOrderFixed, lateEvents, reorderOverflows, duplicatesDropped, staleEvents,
        eventsLost, lostMarkers, goroutinesAdopted, goroutinesEvicted, contextsEvicted,
        unknownContextCancels, eventsAfterProcessEnd, eventsAfterClose, parksTruncated,
        contextEventsTruncated, scopeGoroutinesDropped, finishedRecords, partialRecords,
        contextRecords, deadlineOverruns, symbolizer[0], symbolizer[1], sinkFailures,
        goroutineAges.size(), contextAges.size(), buffer.size());
  }

  // ---------------------------------------------------------------------------------------------
  // Ordering

  private void enqueue(long ts, Object item) {
    if (buffer.isFull()) {
      reorderOverflows++;
      process(buffer.poll());
    }
    buffer.add(ts, rank(item), item);
    if (ts > newestSeenNs) {
      newestSeenNs = ts;
    }
    releaseUpTo(newestSeenNs - window);
  }

  /** At equal timestamps: a process starts, goroutines are born, live, die, the process ends. */
  private static int rank(Object item) {
    if (item instanceof GoroutineCreated) {
      return 1;
    } else if (item instanceof GoroutineExited) {
      return 3;
    } else if (item instanceof ProcessStart) {
      return 0;
    } else if (item instanceof ProcessEnd) {
      return 4;
    }
    return 2;
  }

  private void releaseUpTo(long limit) {
    while (buffer.size() > 0 && buffer.peekTimestamp() <= limit) {
      process(buffer.poll());
    }
  }

  private void process(Object item) {
    long ts = item instanceof Event e ? e.timestampNs() : ((Control) item).timestampNs;
    runTimers(ts);
    // Older than what was already processed: the state it lands on may be off, so whatever
    // goroutine it touches is marked incomplete.
    late = streamNs != UNSET && ts < streamNs;
    if (streamNs == UNSET || ts > streamNs) {
      streamNs = ts;
    }
    if (item instanceof GoroutineCreated c) {
      onCreated(c);
    } else if (item instanceof GoroutineExited x) {
      onExited(x);
    } else if (item instanceof GoroutineParked p) {
      onParked(p);
    } else if (item instanceof GoroutineReadied r) {
      onReadied(r);
    } else if (item instanceof ContextDeadlineSet d) {
      onDeadlineSet(d);
    } else if (item instanceof ContextCancelled c) {
      onCancelled(c);
    } else if (item instanceof EventsLost l) {
      onLost(l);
    } else if (item instanceof ProcessStart s) {
      onProcessStart(s);
    } else if (item instanceof ProcessEnd e) {
      onProcessEnd(e);
    }
  }

  /** Runs what is due at or before {@code now}: overrun checks, then periodic partial records. */
  private void runTimers(long now) {
    while (!overrunChecks.isEmpty() && overrunChecks.peek().endedNs + grace <= now) {
      checkOverruns(overrunChecks.poll());
    }
    if (nextPartialFlushNs == UNSET) {
      nextPartialFlushNs = now + config.partialFlushIntervalNs();
    } else if (now >= nextPartialFlushNs) {
      emitPartials(now, config.partialFlushIntervalNs());
      nextPartialFlushNs = now + config.partialFlushIntervalNs();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Events

  private void onCreated(GoroutineCreated e) {
    ProcessTable p = table(e.pid(), e.timestampNs());
    long goid = e.goid();
    if (p == null) {
      return;
    }
    if (goid == 0) {
      staleEvents++;
      return;
    }
    LiveGoroutine known = p.goroutines.get(goid);
    // tid 0 / cpu -1: read from memory at attach, not trapped (the goroutine's start is unknown).
    boolean snapshot = e.cpu() < 0;
    if ((known != null && !((late || snapshot) && known.has(LiveGoroutine.ADOPTED)))
        || p.exitedRecently(goid)) {
      duplicatesDropped++;
      return;
    }
    // A goroutine cannot create itself; treat such a corrupt parent as the runtime.
    long parentGoid = e.parentGoid() == goid ? 0 : e.parentGoid();
    LiveGoroutine parent = parentGoid == 0 ? null : liveOrAdopted(p, parentGoid, e.timestampNs());
    // Traced: the parent's own creation was seen, before this one (a late event can say else).
    int flags = parent != null && !parent.has(LiveGoroutine.ADOPTED)
        && parent.startNs <= e.timestampNs() ? LiveGoroutine.PARENT_TRACED : 0;
    if (known != null) {
      // Other events of the goroutine adopted it first: a late creation event, or the
      // attach-time snapshot arriving after the goroutine's first parks. Complete it.
      known.parentGoid = parentGoid;
      known.startPc = e.startPc();
      known.creationPc = e.creationPc();
      known.startNs = snapshot ? Math.min(known.startNs, e.timestampNs()) : e.timestampNs();
      known.flags = (known.flags & ~LiveGoroutine.ADOPTED) | flags
          | (late ? LiveGoroutine.INCOMPLETE : 0);
      return;
    }
    LiveGoroutine g = new LiveGoroutine(p, goid, parentGoid, e.startPc(), e.creationPc(),
        e.timestampNs(), late ? flags | LiveGoroutine.INCOMPLETE : flags);
    track(g);
    if (parent != null) {
      ScopeNode scope = liveScope(parent);
      g.scope = scope;
      for (ScopeNode n = scope; n != null; n = n.next) {
        if (!n.context.addToScope(goid, config.maxScopeGoroutinesPerContext())) {
          scopeGoroutinesDropped++;
        }
      }
    }
  }

  private void onExited(GoroutineExited e) {
    ProcessTable p = table(e.pid(), e.timestampNs());
    if (p == null || e.goid() == 0) {
      return;
    }
    LiveGoroutine g = p.goroutines.get(e.goid());
    if (g == null) {
      if (p.exitedRecently(e.goid())) {
        duplicatesDropped++;
        return;
      }
      // Running before attach (or created while events were lost): report it once, as found.
      g = adopted(p, e.goid());
    } else {
      untrack(g);
    }
    p.rememberExit(g.goid);
    if (late) {
      g.flags |= LiveGoroutine.INCOMPLETE;
    }
    if (g.isParked()) {
      closePark(g, e.timestampNs(), -1);
    }
    emitGoroutine(g, e.timestampNs(), GoroutineState.EXITED, e.timestampNs(), false);
  }

  private void onParked(GoroutineParked e) {
    ProcessTable p = table(e.pid(), e.timestampNs());
    if (p == null) {
      return;
    }
    p.deep = true;
    LiveGoroutine g = liveOrAdopted(p, e.goid(), e.timestampNs());
    if (g == null) {
      return;
    }
    if (g.isParked()) {
      // The wakeup went by unseen (netpoll and GC wakeups skip runtime.ready).
      closePark(g, e.timestampNs(), -1);
    }
    g.parkedSinceNs = e.timestampNs();
    g.waitCode = e.waitReason() & 0xff;
  }

  private void onReadied(GoroutineReadied e) {
    ProcessTable p = table(e.pid(), e.timestampNs());
    if (p == null) {
      return;
    }
    p.deep = true;
    LiveGoroutine g = liveOrAdopted(p, e.goid(), e.timestampNs());
    if (g != null && g.isParked()) {
      closePark(g, e.timestampNs(), e.wakerGoid());
    }
  }

  private void onDeadlineSet(ContextDeadlineSet e) {
    ProcessTable p = table(e.pid(), e.timestampNs());
    if (p == null || e.ctx() == 0) {
      return;
    }
    LiveContext stale = p.contexts.get(e.ctx());
    if (stale != null) {
      // The address is in use again, so the old context is gone; its end was not seen.
      untrack(stale);
      emitContext(stale, List.of());
      stale.releaseScope();
    }
    LiveContext c = new LiveContext(
        p, e.ctx(), e.parentCtx(), e.goid(), e.timestampNs(), e.deadlineUnixNs());
    track(c);
    LiveGoroutine creator = e.goid() == 0 ? null : liveOrAdopted(p, e.goid(), e.timestampNs());
    if (creator != null) {
      creator.scope = new ScopeNode(c, liveScope(creator));
      addContextEvent(creator, new ContextEvent(
          ContextEvent.Kind.DEADLINE_SET, e.timestampNs(), e.ctx(), e.deadlineUnixNs()));
    }
    ContextCancelled early = p.takeUnknownCancel(e.ctx());
    if (early != null && e.timestampNs() - early.timestampNs() <= EARLY_CANCEL_NS) {
      // Created with a deadline already past: WithDeadline cancelled it before returning.
      onCancelled(early);
    }
  }

  private void onCancelled(ContextCancelled e) {
    ProcessTable p = table(e.pid(), e.timestampNs());
    if (p == null) {
      return;
    }
    LiveContext c = p.contexts.get(e.ctx());
    if (c == null) {
      // A plain WithCancel context, a child cancelled by propagation, one made before attach,
      // or one whose deadline had passed at creation (its deadline-set event comes next).
      unknownContextCancels++;
      p.rememberUnknownCancel(e);
      return;
    }
    untrack(c);
    c.endedNs = e.timestampNs();
    c.cancellerGoid = e.goid();
    c.reason = e.reason();
    LiveGoroutine canceller = e.goid() == 0 ? null : liveOrAdopted(p, e.goid(), e.timestampNs());
    if (canceller != null) {
      ContextEvent.Kind kind = e.reason() == CancelReason.DEADLINE_EXCEEDED
          ? ContextEvent.Kind.DEADLINE_EXCEEDED : ContextEvent.Kind.CANCELED;
      addContextEvent(
          canceller, new ContextEvent(kind, e.timestampNs(), e.ctx(), c.deadlineUnixNs));
    }
    if (e.reason() == CancelReason.DEADLINE_EXCEEDED && c.scopeSize() > 0) {
      overrunChecks.add(c);
    } else {
      // Cancelled before its deadline (or for a reason not known): nobody overran anything.
      emitContext(c, List.of());
      c.releaseScope();
    }
  }

  private void onLost(EventsLost e) {
    lostMarkers++;
    eventsLost += e.count();
    if (e.pid() <= 0) {
      // The kernel's drop counters are per CPU, not per process: everyone may have lost some.
      processes.forEachValue(p -> markLoss(p, e.timestampNs()));
    } else {
      ProcessTable p = table(e.pid(), e.timestampNs());
      if (p != null) {
        markLoss(p, e.timestampNs());
      }
    }
    try {
      sink.eventsLost(e.pid(), e.count());
    } catch (RuntimeException ex) {
      sinkFailures++;
    }
  }

  private static void markLoss(ProcessTable p, long ts) {
    p.lastLossNs = Math.max(p.lastLossNs, ts);
    p.degraded = true;
  }

  private void onProcessStart(ProcessStart s) {
    int pid = s.process.pid();
    ProcessTable existing = processes.get(pid);
    SymbolCache symbols = new SymbolCache(s.symbolizer, config.maxCachedSymbols());
    if (existing != null && existing.info == null) {
      // Events of this pid arrived just before the announcement: keep what they built.
      pastSymbolizerCalls += existing.symbols.lookups();
      pastSymbolizerFailures += existing.symbols.failures();
      existing.info = s.process;
      existing.symbols = symbols;
    } else {
      if (existing != null) {
        endProcess(existing, s.timestampNs);
      }
      endedPids.remove(pid);
      ProcessTable fresh = new ProcessTable(pid, s.process, symbols, s.timestampNs);
      processes.put(pid, fresh);
      lastProcess = fresh;
    }
    try {
      sink.processStarted(s.process);
    } catch (RuntimeException ex) {
      sinkFailures++;
    }
  }

  private void onProcessEnd(ProcessEnd e) {
    ProcessTable p = processes.get(e.pid);
    if (p != null) {
      endProcess(p, e.timestampNs);
    }
    endedPids.put(e.pid, e.timestampNs);
    try {
      sink.processEnded(e.pid, e.timestampNs);
    } catch (RuntimeException ex) {
      sinkFailures++;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Tables

  /** The table of {@code pid}, created on first sight; null for stragglers of an ended process. */
  private ProcessTable table(int pid, long ts) {
    ProcessTable p = lastProcess;
    if (p != null && p.pid == pid) {
      return p;
    }
    p = processes.get(pid);
    if (p == null) {
      Long ended = endedPids.get(pid);
      if (ended != null && ts <= ended) {
        eventsAfterProcessEnd++;
        return null;
      }
      p = new ProcessTable(
          pid, null, new SymbolCache(defaultSymbolizer, config.maxCachedSymbols()), ts);
      processes.put(pid, p);
    }
    lastProcess = p;
    return p;
  }

  /** The tracked goroutine (marked as just active), or a newly adopted one; null if it exited. */
  private LiveGoroutine liveOrAdopted(ProcessTable p, long goid, long ts) {
    LiveGoroutine g = p.goroutines.get(goid);
    if (g != null) {
      touch(g);
      if (late) {
        g.flags |= LiveGoroutine.INCOMPLETE;
      }
      return g;
    }
    if (goid == 0 || p.exitedRecently(goid)) {
      staleEvents++;
      return null;
    }
    g = adopted(p, goid);
    track(g);
    return g;
  }

  /** A goroutine first seen by an event other than its creation. */
  private LiveGoroutine adopted(ProcessTable p, long goid) {
    goroutinesAdopted++;
    int flags = LiveGoroutine.ADOPTED | (p.degraded ? LiveGoroutine.INCOMPLETE : 0);
    return new LiveGoroutine(p, goid, 0, 0, 0, p.attachNs, flags);
  }

  private void track(LiveGoroutine g) {
    if (goroutineAges.size() >= config.maxGoroutines()) {
      evict(goroutineAges.oldest());
    }
    g.process.goroutines.put(g.goid, g);
    goroutineAges.append(g);
  }

  /**
   * Moves {@code g} to the young end of the eviction order: at the cap the goroutine evicted is
   * the one least recently active, so a parent that keeps spawning is never churned out.
   */
  private void touch(LiveGoroutine g) {
    goroutineAges.moveToNewest(g);
  }

  private void untrack(LiveGoroutine g) {
    g.process.goroutines.remove(g.goid);
    goroutineAges.remove(g);
  }

  private void evict(LiveGoroutine g) {
    untrack(g);
    g.process.degraded = true;
    goroutinesEvicted++;
    long now = streamNs == UNSET ? g.startNs : streamNs;
    emitGoroutine(g, -1, g.isParked() ? GoroutineState.WAITING : GoroutineState.RUNNING, now,
        true);
  }

  private void track(LiveContext c) {
    if (contextAges.size() >= config.maxContexts()) {
      LiveContext oldest = contextAges.oldest();
      untrack(oldest);
      contextsEvicted++;
      emitContext(oldest, List.of());
      oldest.releaseScope();
    }
    c.process.contexts.put(c.ctx, c);
    contextAges.append(c);
  }

  /** Removes a context from tracking; it is no longer live, so scopes stop growing. */
  private void untrack(LiveContext c) {
    c.dead = true;
    c.process.contexts.remove(c.ctx);
    contextAges.remove(c);
  }

  /** {@code g}'s scope list without contexts that ended, rebuilt (and stored) only if needed. */
  private static ScopeNode liveScope(LiveGoroutine g) {
    ScopeNode scope = g.scope;
    boolean anyDead = false;
    for (ScopeNode n = scope; n != null; n = n.next) {
      if (n.context.dead) {
        anyDead = true;
        break;
      }
    }
    if (!anyDead) {
      return scope;
    }
    List<LiveContext> live = new ArrayList<>();
    for (ScopeNode n = scope; n != null; n = n.next) {
      if (!n.context.dead) {
        live.add(n.context);
      }
    }
    ScopeNode rebuilt = null;
    for (int i = live.size() - 1; i >= 0; i--) {
      rebuilt = new ScopeNode(live.get(i), rebuilt);
    }
    g.scope = rebuilt;
    return rebuilt;
  }

  private void endProcess(ProcessTable p, long ts) {
    // Deadlines that fired less than the grace period before the process ended: no overruns.
    for (Iterator<LiveContext> it = overrunChecks.iterator(); it.hasNext(); ) {
      LiveContext c = it.next();
      if (c.process == p) {
        it.remove();
        emitContext(c, List.of());
        c.releaseScope();
      }
    }
    List<LiveContext> contexts = new ArrayList<>(p.contexts.size());
    p.contexts.forEachValue(contexts::add);
    for (LiveContext c : contexts) {
      untrack(c);
      emitContext(c, List.of());
      c.releaseScope();
    }
    List<LiveGoroutine> goroutines = new ArrayList<>(p.goroutines.size());
    p.goroutines.forEachValue(goroutines::add);
    goroutines.sort(Comparator.comparingLong(g -> g.startNs));
    for (LiveGoroutine g : goroutines) {
      untrack(g);
      if (g.isParked()) {
        closePark(g, ts, -1);
      }
      emitGoroutine(g, ts, GoroutineState.PROCESS_EXITED, ts, false);
    }
    processes.remove(p.pid);
    if (lastProcess == p) {
      lastProcess = null;
    }
    pastSymbolizerCalls += p.symbols.lookups();
    pastSymbolizerFailures += p.symbols.failures();
  }

  // ---------------------------------------------------------------------------------------------
  // Deep mode and contexts

  private void closePark(LiveGoroutine g, long endNs, long wakerGoid) {
    if (g.parks == null) {
      g.parks = new ParkLog();
    }
    if (!g.parks.add(g.parkedSinceNs, endNs, g.waitCode, wakerGoid,
        config.maxParksPerGoroutine())) {
      parksTruncated++;
      g.flags |= LiveGoroutine.INCOMPLETE;
    }
    g.parkedSinceNs = -1;
  }

  private void addContextEvent(LiveGoroutine g, ContextEvent event) {
    if (!g.addContextEvent(event, config.maxContextEventsPerGoroutine())) {
      contextEventsTruncated++;
      g.flags |= LiveGoroutine.INCOMPLETE;
    }
  }

  /** Grace period after a deadline fired is over: whoever in its scope still runs overran it. */
  private void checkOverruns(LiveContext c) {
    List<Long> overran = new ArrayList<>();
    LongObjectMap<LiveGoroutine> goroutines = c.process.goroutines;
    for (int i = 0; i < c.scopeSize(); i++) {
      LiveGoroutine g = goroutines.get(c.scopeGoid(i));
      if (g != null) {
        overran.add(g.goid);
        deadlineOverruns++;
        if (g.overrunOf == null) {
          g.overrunOf = c;
        }
      }
    }
    emitContext(c, overran);
    c.releaseScope();
  }

  private boolean isLeak(LiveGoroutine g, long now) {
    long threshold = config.leakThresholdNs();
    if (now - g.startNs < threshold) {
      return false;
    }
    // The runtime's own helpers (and main, goid 1) live as long as the process by design.
    if (g.goid == 1 || g.process.symbols.startFunction(g.startPc).startsWith("runtime.")) {
      return false;
    }
    if (!g.process.deep) {
      return true;
    }
    return g.isParked() && now - g.parkedSinceNs >= threshold;
  }

  // ---------------------------------------------------------------------------------------------
  // Output

  /** Partial records of goroutines and contexts alive at least {@code minAgeNs}. */
  private void emitPartials(long now, long minAgeNs) {
    for (LiveGoroutine g = goroutineAges.oldest(); g != null; g = g.newer) {
      if (now - g.startNs >= minAgeNs || minAgeNs == Long.MAX_VALUE) {
        emitGoroutine(g, -1, g.isParked() ? GoroutineState.WAITING : GoroutineState.RUNNING,
            now, false);
      }
    }
    for (LiveContext c = contextAges.oldest(); c != null; c = c.newer) {
      if (now - c.createdNs >= minAgeNs || minAgeNs == Long.MAX_VALUE) {
        emitContext(c, List.of());
      }
    }
  }

  private void emitGoroutine(
      LiveGoroutine g, long endNs, GoroutineState state, long now, boolean forceIncomplete) {
    ProcessTable p = g.process;
    SymbolCache s = p.symbols;
    List<ParkInterval> parks;
    if (g.parks == null && !g.isParked()) {
      parks = List.of();
    } else {
      parks = g.parks == null ? new ArrayList<>(1) : g.parks.toList(s);
      if (g.isParked()) {
        parks.add(new ParkInterval(g.parkedSinceNs, -1, g.waitCode, s.waitReason(g.waitCode), -1));
      }
    }
    DeadlineOverrun overrun = null;
    if (g.overrunOf != null) {
      LiveContext c = g.overrunOf;
      overrun = new DeadlineOverrun(
          c.ctx, c.creatorGoid, c.endedNs, (endNs >= 0 ? endNs : now) - c.endedNs);
    }
    GoroutineRecord record = GoroutineRecord.builder(p.pid, g.goid)
        .setParentGoid(g.parentGoid)
        .setParentTraced(g.has(LiveGoroutine.PARENT_TRACED))
        .setStartFunction(s.startFunction(g.startPc))
        .setStartPc(g.startPc)
        .setCreationSite(s.creationSite(g.creationPc))
        .setStartNs(g.startNs)
        .setEndNs(endNs)
        .setState(state)
        .setWaitReason(g.isParked() ? s.waitReason(g.waitCode) : "")
        .setParks(parks)
        .setContextEvents(g.contextEvents == null ? List.of() : g.contextEvents)
        .setDeadlineOverrun(overrun)
        .setLeakCandidate(state != GoroutineState.EXITED && isLeak(g, endNs >= 0 ? endNs : now))
        .setIncomplete(forceIncomplete || g.has(LiveGoroutine.INCOMPLETE)
            || g.startNs <= p.lastLossNs)
        .build();
    if (record.isPartial()) {
      partialRecords++;
    } else {
      finishedRecords++;
    }
    try {
      sink.goroutine(record);
    } catch (RuntimeException e) {
      sinkFailures++;
    }
  }

  private void emitContext(LiveContext c, List<Long> overrunGoids) {
    ContextRecord.EndReason reason = null;
    if (c.reason != null) {
      reason = c.reason == CancelReason.DEADLINE_EXCEEDED
          ? ContextRecord.EndReason.DEADLINE_EXCEEDED : ContextRecord.EndReason.CANCELED;
    }
    ContextRecord record = new ContextRecord(c.process.pid, c.ctx, c.parentCtx, c.creatorGoid,
        c.createdNs, c.deadlineUnixNs, c.endedNs, c.cancellerGoid, reason, overrunGoids);
    contextRecords++;
    try {
      sink.context(record);
    } catch (RuntimeException e) {
      sinkFailures++;
    }
  }

  private void flushSink() {
    try {
      sink.flush();
    } catch (RuntimeException e) {
      sinkFailures++;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Control items ordered with the events

  private abstract static class Control {
    final long timestampNs;

    Control(long timestampNs) {
      this.timestampNs = timestampNs;
    }
  }

  private static final class ProcessStart extends Control {
    final ProcessInfo process;
    final Symbolizer symbolizer;

    ProcessStart(long timestampNs, ProcessInfo process, Symbolizer symbolizer) {
      super(timestampNs);
      this.process = process;
      this.symbolizer = symbolizer;
    }
  }

  private static final class ProcessEnd extends Control {
    final int pid;

    ProcessEnd(long timestampNs, int pid) {
      super(timestampNs);
      this.pid = pid;
    }
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
