package dev.goroscope.otel.span;

import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.record.ProcessInfo;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Decides each goroutine's place in a trace and emits spans in an order-independent way.
 *
 * <p>The correlator emits a goroutine when it ends, so children usually arrive before their
 * parent. A child's trace id is its parent's, and the parent's depends on the parent's own
 * record (is it a root function? is its parent traced?). So a record whose traced parent has no
 * decided {@link Lineage} yet <em>waits</em> (bounded in count and in time) for the parent's
 * record, partial or final; the correlator flushes long-lived goroutines periodically as partial
 * records, which settles them. When a record has waited {@code maxParentWait} or the waiting room
 * is full, its topmost unknown ancestor is given a trace of its own (trace root reason
 * {@code parent_unseen}) so nothing waits forever.
 *
 * <p>Partial records are not exported as they come: a goroutine keeps one span id for the whole
 * run and a backend shows one span per span id, so only one span per goroutine is exported. The
 * latest partial record is held; the final record replaces it. Goroutines still alive when their
 * process ends, when the sink closes, or when more than {@code maxLiveGoroutines} are held
 * (oldest first), are exported from their latest partial record, ending at that moment and
 * marked {@code goroutine.partial=true}.
 *
 * <p>Not thread-safe; {@link SpanRecordSink} serialises calls.
 */
final class GoroutineSpanAssembler {

  private static final class Waiting {
    GoroutineRecord record;
    final long arrivedNs;

    Waiting(GoroutineRecord record, long arrivedNs) {
      this.record = record;
      this.arrivedNs = arrivedNs;
    }
  }

  private record Live(GoroutineRecord record, Lineage lineage) {}

  private final SpanMappingConfig config;
  private final GoroutineSpanMapper mapper;
  private final IdGenerator ids;
  private final Consumer<SpanData> out;
  private final Function<Integer, Resource> resources;

  private final LinkedHashMap<GoroutineKey, Lineage> lineages;
  private final LinkedHashMap<GoroutineKey, Waiting> waiting = new LinkedHashMap<>();
  private final Map<GoroutineKey, List<GoroutineKey>> waitersByParent = new HashMap<>();
  private final LinkedHashMap<GoroutineKey, Live> live = new LinkedHashMap<>();

  private long lineagesEvicted;
  private long waitsForced;
  private long spansEmitted;
  private long partialSpansEmitted;

  GoroutineSpanAssembler(
      SpanMappingConfig config, Function<Integer, Resource> resources, Consumer<SpanData> out) {
    this.config = config;
    this.mapper = new GoroutineSpanMapper(config);
    this.ids = config.idGenerator();
    this.resources = resources;
    this.out = out;
    int max = config.maxTrackedGoroutines();
    this.lineages =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<GoroutineKey, Lineage> eldest) {
            if (size() > max) {
              lineagesEvicted++;
              return true;
            }
            return false;
          }
        };
  }

  void accept(GoroutineRecord r, long nowNs) {
    GoroutineKey key = new GoroutineKey(r.pid(), r.goid());
    Lineage known = lineageOf(key);
    if (known != null) {
      deliver(key, r, known, nowNs);
      if (waitersByParent.containsKey(key)) {
        release(key, nowNs);
      }
    } else {
      Waiting w = waiting.get(key);
      if (w != null) {
        w.record = r; // a newer record of a goroutine still waiting for its parent
      } else {
        Lineage decided = decide(r);
        if (decided != null) {
          settle(key, r, decided, nowNs);
        } else {
          waiting.put(key, new Waiting(r, nowNs));
          waitersByParent
              .computeIfAbsent(new GoroutineKey(r.pid(), r.parentGoid()), k -> new ArrayList<>(2))
              .add(key);
        }
      }
    }
    while (waiting.size() > config.maxWaitingRecords()) {
      forceOldest(nowNs);
    }
    expire(nowNs);
  }

  /** Forces records that waited longer than the configured maximum. */
  void expire(long nowNs) {
    while (!waiting.isEmpty()) {
      Waiting oldest = waiting.values().iterator().next();
      if (nowNs - oldest.arrivedNs < config.maxParentWaitNs()) {
        return;
      }
      forceOldest(nowNs);
    }
  }

  /** Exports every held goroutine of {@code pid} (all when pid is null) cut at {@code atNs}. */
  void flushLive(Integer pid, long atNs) {
    forceWaiting(pid, atNs);
    Iterator<Map.Entry<GoroutineKey, Live>> it = live.entrySet().iterator();
    List<Live> cut = new ArrayList<>();
    while (it.hasNext()) {
      Map.Entry<GoroutineKey, Live> e = it.next();
      if (pid == null || e.getKey().pid() == pid) {
        cut.add(e.getValue());
        it.remove();
      }
    }
    for (Live l : cut) {
      emit(l.record(), l.lineage(), atNs);
    }
  }

  /** Forgets a process: its goids may be reused by the next process with that pid. */
  void forgetProcess(int pid) {
    lineages.keySet().removeIf(k -> k.pid() == pid);
  }

  long lineagesEvicted() {
    return lineagesEvicted;
  }

  long waitsForced() {
    return waitsForced;
  }

  long spansEmitted() {
    return spansEmitted;
  }

  long partialSpansEmitted() {
    return partialSpansEmitted;
  }

  int waitingCount() {
    return waiting.size();
  }

  int liveCount() {
    return live.size();
  }

  private void forceWaiting(Integer pid, long nowNs) {
    List<GoroutineKey> keys = new ArrayList<>();
    for (GoroutineKey k : waiting.keySet()) {
      if (pid == null || k.pid() == pid) {
        keys.add(k);
      }
    }
    for (GoroutineKey k : keys) {
      if (waiting.containsKey(k)) {
        force(k, nowNs);
      }
    }
  }

  private void forceOldest(long nowNs) {
    force(waiting.keySet().iterator().next(), nowNs);
  }

  /** Gives the topmost unsettled ancestor of a waiting record a trace of its own. */
  private void force(GoroutineKey key, long nowNs) {
    waitsForced++;
    GoroutineKey top = key;
    // Walk up through ancestors that are themselves waiting (bounded: the chain is finite and
    // each hop is a distinct waiting entry).
    for (int hops = 0; hops <= waiting.size(); hops++) {
      Waiting w = waiting.get(top);
      if (w == null) {
        break;
      }
      GoroutineKey parent = new GoroutineKey(top.pid(), w.record.parentGoid());
      if (!waiting.containsKey(parent)) {
        top = parent;
        break;
      }
      top = parent;
    }
    Waiting topWaiting = waiting.get(top);
    if (topWaiting != null) {
      // A cycle in the parent chain (corrupt data): settle this one as a root.
      removeWaiting(top, topWaiting.record);
      settle(top, topWaiting.record, root(GoroutineAttributes.ROOT_PARENT_UNSEEN, null), nowNs);
    } else {
      if (lineageOf(top) == null) {
        lineages.put(top, root(GoroutineAttributes.ROOT_PARENT_UNSEEN, null));
      }
      release(top, nowNs);
    }
  }

  private void removeWaiting(GoroutineKey key, GoroutineRecord r) {
    waiting.remove(key);
    GoroutineKey parent = new GoroutineKey(r.pid(), r.parentGoid());
    List<GoroutineKey> siblings = waitersByParent.get(parent);
    if (siblings != null) {
      siblings.remove(key);
      if (siblings.isEmpty()) {
        waitersByParent.remove(parent);
      }
    }
  }

  /**
   * The decided lineage of a goroutine, also when the LRU evicted it while a partial record of
   * it is held (then it is put back, so its span id never changes).
   */
  private Lineage lineageOf(GoroutineKey key) {
    Lineage l = lineages.get(key);
    if (l == null) {
      Live held = live.get(key);
      if (held != null) {
        l = held.lineage();
        lineages.put(key, l);
      }
    }
    return l;
  }

  /** The lineage of a record if it can be decided now, else null (its parent is unknown). */
  private Lineage decide(GoroutineRecord r) {
    GoroutineKey parentKey = new GoroutineKey(r.pid(), r.parentGoid());
    if (!r.parentTraced() || r.parentGoid() <= 0) {
      Lineage creator = r.parentGoid() > 0 ? lineageOf(parentKey) : null;
      return root(GoroutineAttributes.ROOT_PARENT_UNTRACED, creator);
    }
    if (config.rootPolicy().isRootFunction(r.startFunction())) {
      return root(GoroutineAttributes.ROOT_FUNCTION, lineageOf(parentKey));
    }
    Lineage parent = lineageOf(parentKey);
    if (parent == null) {
      return null;
    }
    SpanContext self =
        SpanContext.create(
            parent.self().getTraceId(), ids.generateSpanId(), TraceFlags.getSampled(),
            TraceState.getDefault());
    return new Lineage(self, parent.self(), null, SpanContext.getInvalid());
  }

  private Lineage root(String reason, Lineage creator) {
    SpanContext self =
        SpanContext.create(
            ids.generateTraceId(), ids.generateSpanId(), TraceFlags.getSampled(),
            TraceState.getDefault());
    return new Lineage(
        self, SpanContext.getInvalid(), reason,
        creator != null ? creator.self() : SpanContext.getInvalid());
  }

  private void settle(GoroutineKey key, GoroutineRecord r, Lineage lineage, long nowNs) {
    lineages.put(key, lineage);
    deliver(key, r, lineage, nowNs);
    release(key, nowNs);
  }

  /** Settles everything that waited for {@code parentKey}, transitively. */
  private void release(GoroutineKey parentKey, long nowNs) {
    ArrayDeque<GoroutineKey> work = new ArrayDeque<>();
    work.add(parentKey);
    while (!work.isEmpty()) {
      GoroutineKey p = work.poll();
      List<GoroutineKey> children = waitersByParent.remove(p);
      if (children == null) {
        continue;
      }
      for (GoroutineKey c : children) {
        Waiting w = waiting.remove(c);
        if (w == null) {
          continue;
        }
        Lineage l = decide(w.record);
        if (l == null) {
          l = root(GoroutineAttributes.ROOT_PARENT_UNSEEN, null); // parent evicted meanwhile
        }
        lineages.put(c, l);
        deliver(c, w.record, l, nowNs);
        work.add(c);
      }
    }
  }

  private void deliver(GoroutineKey key, GoroutineRecord r, Lineage lineage, long nowNs) {
    if (r.isPartial()) {
      live.remove(key);
      live.put(key, new Live(r, lineage));
      while (live.size() > config.maxLiveGoroutines()) {
        Iterator<Map.Entry<GoroutineKey, Live>> it = live.entrySet().iterator();
        Live oldest = it.next().getValue();
        it.remove();
        emit(oldest.record(), oldest.lineage(), nowNs);
      }
    } else {
      live.remove(key);
      emit(r, lineage, nowNs);
    }
  }

  private void emit(GoroutineRecord r, Lineage lineage, long flushNs) {
    int pid = r.pid();
    SpanData span =
        mapper.map(
            r, lineage, resources.apply(pid), flushNs,
            goid -> {
              Lineage w = lineages.get(new GoroutineKey(pid, goid));
              return w == null ? null : w.self();
            });
    spansEmitted++;
    if (r.isPartial()) {
      partialSpansEmitted++;
    }
    out.accept(span);
  }

  /** The resource used when a record arrives for a process never announced. */
  static ProcessInfo unknownProcess(int pid) {
    return new ProcessInfo(pid, "", "", "");
  }
}
