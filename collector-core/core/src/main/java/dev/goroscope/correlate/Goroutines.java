package dev.goroscope.correlate;

import dev.goroscope.event.GoroutineCreated;
import dev.goroscope.event.GoroutineExited;
import dev.goroscope.event.GoroutineMark;
import dev.goroscope.record.GoroutineState;
import dev.goroscope.record.ProcessInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The goroutine table: processes and their goroutines, keyed by goid (g structs are reused,
 * goids are not). Creation, exit, adoption of goroutines first seen by another event, duplicate
 * and straggler dropping, and eviction of the least recently active goroutine at the cap. Every
 * goroutine it tracks is started once and ended once through the {@link Emitter}.
 */
final class Goroutines {

  private final CorrelatorConfig config;
  private final Counters counters;
  private final Emitter emitter;
  private final Symbolizer defaultSymbolizer;
  private final LongSupplier streamTime;
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
  /** Live goroutines in eviction order (least recently active first). */
  private final AgeList<LiveGoroutine> ages = new AgeList<>();
  /** What a new goroutine inherits from its creator before sinks hear of it. */
  private BiConsumer<LiveGoroutine, LiveGoroutine> inheritance = (parent, child) -> { };

  Goroutines(CorrelatorConfig config, Counters counters, Emitter emitter,
      Symbolizer defaultSymbolizer, LongSupplier streamTime) {
    this.config = config;
    this.counters = counters;
    this.emitter = emitter;
    this.defaultSymbolizer = defaultSymbolizer;
    this.streamTime = streamTime;
  }

  /**
   * Called with (creator, new goroutine) for each creation, before the goroutine is started at
   * the sink, so that what sinks decide at start (a span's parent) can depend on it.
   */
  void setInheritance(BiConsumer<LiveGoroutine, LiveGoroutine> inheritance) {
    this.inheritance = inheritance;
  }

  // -------------------------------------------------------------------------------------------
  // Processes

  /** The table of {@code pid}, created on first sight; null for stragglers of an ended one. */
  ProcessTable table(int pid, long ts) {
    ProcessTable p = lastProcess;
    if (p != null && p.pid == pid) {
      return p;
    }
    p = processes.get(pid);
    if (p == null) {
      Long ended = endedPids.get(pid);
      if (ended != null && ts <= ended) {
        counters.eventsAfterProcessEnd++;
        return null;
      }
      p = new ProcessTable(pid, false, symbols(defaultSymbolizer), ts);
      processes.put(pid, p);
    }
    lastProcess = p;
    return p;
  }

  /** The table of {@code pid} if tracked, else null (nothing is created). */
  ProcessTable existing(int pid) {
    return processes.get(pid);
  }

  /**
   * A process announced. Events of its pid that arrived just before keep what they built; an
   * announced process of the same pid is ended first (same pid, new process): {@code endOld}
   * ends it.
   */
  ProcessTable announce(ProcessInfo process, Symbolizer symbolizer, boolean deep, long ts,
      Consumer<ProcessTable> endOld) {
    int pid = process.pid();
    ProcessTable existing = processes.get(pid);
    SymbolCache symbols = symbols(symbolizer);
    if (existing != null && !existing.announced) {
      retireSymbols(existing);
      existing.announced = true;
      existing.symbols = symbols;
      existing.deep |= deep;
      return existing;
    }
    if (existing != null) {
      endOld.accept(existing);
    }
    endedPids.remove(pid);
    ProcessTable fresh = new ProcessTable(pid, true, symbols, ts);
    fresh.deep = deep;
    processes.put(pid, fresh);
    lastProcess = fresh;
    return fresh;
  }

  /** Ends every goroutine of {@code p} at {@code ts} (state process_exited), forgets {@code p}. */
  void endProcess(ProcessTable p, long ts, Parks parks) {
    List<LiveGoroutine> goroutines = new ArrayList<>(p.goroutines.size());
    p.goroutines.forEachValue(goroutines::add);
    goroutines.sort(Comparator.comparingLong(g -> g.startNs));
    for (LiveGoroutine g : goroutines) {
      untrack(g);
      parks.closeOpen(g, ts);
      emitter.ended(g, ts, GoroutineState.PROCESS_EXITED, ts, false);
    }
    processes.remove(p.pid);
    if (lastProcess == p) {
      lastProcess = null;
    }
    retireSymbols(p);
  }

  void rememberEnd(int pid, long ts) {
    endedPids.put(pid, ts);
  }

  void forEachProcess(Consumer<ProcessTable> action) {
    processes.forEachValue(action);
  }

  /** The kernel lost events of {@code p} at {@code ts}: whoever is alive then is incomplete. */
  static void markLoss(ProcessTable p, long ts) {
    p.lastLossNs = Math.max(p.lastLossNs, ts);
    p.degraded = true;
  }

  // -------------------------------------------------------------------------------------------
  // Goroutines

  /** The tracked goroutine (marked as just active), or a newly adopted one; null if it exited. */
  LiveGoroutine liveOrAdopted(ProcessTable p, long goid, long ts, boolean late) {
    LiveGoroutine g = p.goroutines.get(goid);
    if (g != null) {
      ages.moveToNewest(g); // at the cap the least recently active goes, not a busy parent
      if (late) {
        g.flags |= LiveGoroutine.INCOMPLETE;
      }
      return g;
    }
    if (goid == 0 || p.exitedRecently(goid)) {
      counters.staleEvents++;
      return null;
    }
    g = adopted(p, goid);
    track(g);
    return g;
  }

  /**
   * A creation observed by a probe. Returns the new goroutine, or null when it was a duplicate
   * or completed a goroutine already adopted.
   */
  LiveGoroutine created(ProcessTable p, GoroutineCreated e, boolean late) {
    long goid = e.goid();
    if (goid == 0) {
      counters.staleEvents++;
      return null;
    }
    LiveGoroutine known = p.goroutines.get(goid);
    if ((known != null && !(late && known.has(LiveGoroutine.ADOPTED)))
        || p.exitedRecently(goid)) {
      counters.duplicatesDropped++;
      return null;
    }
    // A goroutine cannot create itself; treat such a corrupt parent as the runtime.
    long parentGoid = e.parentGoid() == goid ? 0 : e.parentGoid();
    LiveGoroutine parent = parentGoid == 0 ? null
        : liveOrAdopted(p, parentGoid, e.timestampNs(), late);
    // Traced: the parent's own creation was seen, before this one (a late event can say else).
    int flags = parent != null && !parent.has(LiveGoroutine.ADOPTED)
        && parent.startNs <= e.timestampNs() ? LiveGoroutine.PARENT_TRACED : 0;
    if (known != null) {
      // Other events adopted it first and its creation comes late: complete it.
      complete(known, parentGoid, e.startPc(), e.creationPc(), e.timestampNs(),
          flags | LiveGoroutine.INCOMPLETE);
      return null;
    }
    LiveGoroutine g = new LiveGoroutine(p, goid, parentGoid, e.startPc(), e.creationPc(),
        e.timestampNs(), late ? flags | LiveGoroutine.INCOMPLETE : flags);
    if (parent != null) {
      inheritance.accept(parent, g);
    }
    track(g);
    return g;
  }

  /**
   * A goroutine found alive in memory at {@code ts}. Its parent is looked up, never adopted (a
   * parent that already exited must not come back as a ghost). Returns the new goroutine, or
   * null when it was known (an adopted one is completed).
   */
  LiveGoroutine found(ProcessTable p, FoundGoroutine f, long ts) {
    long goid = f.goid();
    if (goid <= 0 || p.exitedRecently(goid)) {
      counters.staleEvents++;
      return null;
    }
    long parentGoid = f.parentGoid() == goid ? 0 : f.parentGoid();
    LiveGoroutine parent = parentGoid == 0 ? null : p.goroutines.get(parentGoid);
    int flags = LiveGoroutine.FOUND | (parent != null && !parent.has(LiveGoroutine.ADOPTED)
        && parent.startNs <= ts ? LiveGoroutine.PARENT_TRACED : 0);
    LiveGoroutine known = p.goroutines.get(goid);
    if (known != null) {
      if (known.has(LiveGoroutine.ADOPTED)) {
        // Its first parks (probes live before the snapshot landed) adopted it: complete it,
        // keeping the earlier start.
        complete(known, parentGoid, f.startPc(), f.creationPc(), Math.min(known.startNs, ts),
            flags);
      } else {
        counters.duplicatesDropped++;
      }
      return null;
    }
    counters.goroutinesFound++;
    LiveGoroutine g = new LiveGoroutine(p, goid, parentGoid, f.startPc(), f.creationPc(), ts,
        flags);
    track(g);
    return g;
  }

  /** An exit: the goroutine ends; one never seen before is reported once, as found. */
  void exited(ProcessTable p, GoroutineExited e, boolean late, Parks parks) {
    if (e.goid() == 0) {
      return;
    }
    LiveGoroutine g = p.goroutines.get(e.goid());
    if (g == null) {
      if (p.exitedRecently(e.goid())) {
        counters.duplicatesDropped++;
        return;
      }
      // Running before attach (or created while events were lost): report it once, as found.
      g = adopted(p, e.goid());
      emitter.started(g);
    } else {
      untrack(g);
    }
    p.rememberExit(g);
    if (late) {
      g.flags |= LiveGoroutine.INCOMPLETE;
    }
    parks.closeOpen(g, e.timestampNs());
    emitter.ended(g, e.timestampNs(), GoroutineState.EXITED, e.timestampNs(), false);
  }

  /** A generic mark: appended to the goroutine's log, the oldest dropped at the cap. */
  void mark(ProcessTable p, GoroutineMark e, boolean late) {
    LiveGoroutine g = liveOrAdopted(p, e.goid(), e.timestampNs(), late);
    if (g == null) {
      return;
    }
    LiveGoroutine.Extras x = g.extrasForUpdate();
    if (x.marks == null) {
      x.marks = new MarkLog();
    }
    if (!x.marks.add(e.kind(), e.timestampNs(), e.a(), e.b(), config.maxMarksPerGoroutine())) {
      counters.marksTruncated++;
      g.flags |= LiveGoroutine.INCOMPLETE;
    }
  }

  /** Every tracked goroutine, least recently active first. */
  LiveGoroutine oldest() {
    return ages.oldest();
  }

  int size() {
    return ages.size();
  }

  /** Ends every tracked goroutine as still alive at {@code nowNs} (watching stopped). */
  void endAllAlive(long nowNs) {
    for (LiveGoroutine g = ages.oldest(); g != null; ) {
      LiveGoroutine next = g.newer;
      untrack(g);
      emitter.endedAlive(g, nowNs, false);
      g = next;
    }
  }

  long symbolizerCalls() {
    long[] n = {counters.pastSymbolizerCalls};
    processes.forEachValue(p -> n[0] += p.symbols.lookups());
    return n[0];
  }

  long symbolizerFailures() {
    long[] n = {counters.pastSymbolizerFailures};
    processes.forEachValue(p -> n[0] += p.symbols.failures());
    return n[0];
  }

  private SymbolCache symbols(Symbolizer s) {
    return new SymbolCache(s, config.maxCachedSymbols());
  }

  private void retireSymbols(ProcessTable p) {
    counters.pastSymbolizerCalls += p.symbols.lookups();
    counters.pastSymbolizerFailures += p.symbols.failures();
  }

  /** A goroutine first seen by an event other than its creation. */
  private LiveGoroutine adopted(ProcessTable p, long goid) {
    counters.goroutinesAdopted++;
    int flags = LiveGoroutine.ADOPTED | (p.degraded ? LiveGoroutine.INCOMPLETE : 0);
    return new LiveGoroutine(p, goid, 0, 0, 0, p.attachNs, flags);
  }

  private static void complete(LiveGoroutine g, long parentGoid, long startPc, long creationPc,
      long startNs, int flags) {
    g.parentGoid = parentGoid;
    g.startPc = startPc;
    g.creationPc = creationPc;
    g.startNs = startNs;
    g.flags = (g.flags & ~LiveGoroutine.ADOPTED) | flags;
  }

  private void track(LiveGoroutine g) {
    if (ages.size() >= config.maxGoroutines()) {
      evict(ages.oldest());
    }
    g.process.goroutines.put(g.goid, g);
    ages.append(g);
    emitter.started(g);
  }

  private void untrack(LiveGoroutine g) {
    g.process.goroutines.remove(g.goid);
    ages.remove(g);
  }

  private void evict(LiveGoroutine g) {
    untrack(g);
    g.process.degraded = true;
    counters.goroutinesEvicted++;
    long now = streamTime.getAsLong();
    emitter.endedAlive(g, now == Ordering.UNSET ? g.startNs : now, true);
  }
}
