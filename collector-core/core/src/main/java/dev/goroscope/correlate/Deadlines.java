package dev.goroscope.correlate;

import dev.goroscope.event.CancelReason;
import dev.goroscope.event.ContextCancelled;
import dev.goroscope.event.ContextDeadlineSet;
import dev.goroscope.record.ContextEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Contexts with a deadline and who they reach. When goroutine G creates deadline context C, C
 * joins G's scope list; a child G (or anyone holding C in its list) spawns inherits the list and
 * joins C's scope, so C's scope is exactly the goroutines spawned, directly or transitively, by
 * its creator while C was live. When C's deadline fires, whoever in its scope is still alive a
 * grace period later overran it. A context's pointer is its identity only while it lives.
 */
final class Deadlines {

  /** How far a cancel may precede its context's deadline-set event (same WithDeadline call). */
  private static final long EARLY_CANCEL_NS = 10_000_000L;

  private final CorrelatorConfig config;
  private final Counters counters;
  private final Emitter emitter;
  private final Goroutines goroutines;
  private final long grace;
  /** Live contexts in creation order: the eviction order. */
  private final AgeList<LiveContext> ages = new AgeList<>();
  /** Contexts whose deadline fired, waiting for the grace period; in order of firing. */
  private final ArrayDeque<LiveContext> overrunChecks = new ArrayDeque<>();

  Deadlines(CorrelatorConfig config, Counters counters, Emitter emitter, Goroutines goroutines) {
    this.config = config;
    this.counters = counters;
    this.emitter = emitter;
    this.goroutines = goroutines;
    this.grace = config.deadlineGraceNs();
  }

  /** A new goroutine joins the scopes its creator holds. */
  void inherit(LiveGoroutine parent, LiveGoroutine child) {
    ScopeNode scope = liveScope(parent);
    child.scope = scope;
    for (ScopeNode n = scope; n != null; n = n.next) {
      if (!n.context.addToScope(child.goid, config.maxScopeGoroutinesPerContext())) {
        counters.scopeGoroutinesDropped++;
      }
    }
  }

  void deadlineSet(ProcessTable p, ContextDeadlineSet e, boolean late) {
    if (e.ctx() == 0) {
      return;
    }
    LiveContext stale = p.contexts.get(e.ctx());
    if (stale != null) {
      // The address is in use again, so the old context is gone; its end was not seen.
      untrack(stale);
      end(stale, List.of());
    }
    LiveContext c = new LiveContext(
        p, e.ctx(), e.parentCtx(), e.goid(), e.timestampNs(), e.deadlineUnixNs());
    track(c);
    LiveGoroutine creator = e.goid() == 0 ? null
        : goroutines.liveOrAdopted(p, e.goid(), e.timestampNs(), late);
    if (creator != null) {
      creator.scope = new ScopeNode(c, liveScope(creator));
      addContextEvent(creator, new ContextEvent(
          ContextEvent.Kind.DEADLINE_SET, e.timestampNs(), e.ctx(), e.deadlineUnixNs()));
    }
    ContextCancelled early = p.takeUnknownCancel(e.ctx(), e.timestampNs() - EARLY_CANCEL_NS);
    if (early != null) {
      // Created with a deadline already past: WithDeadline cancelled it before returning.
      cancelled(p, early, late);
    }
  }

  void cancelled(ProcessTable p, ContextCancelled e, boolean late) {
    LiveContext c = p.contexts.get(e.ctx());
    if (c == null) {
      // A plain WithCancel context, a child cancelled by propagation, one made before attach,
      // or one whose deadline had passed at creation (its deadline-set event comes next).
      counters.unknownContextCancels++;
      p.rememberUnknownCancel(e);
      return;
    }
    untrack(c);
    c.endedNs = e.timestampNs();
    c.cancellerGoid = e.goid();
    c.reason = e.reason();
    LiveGoroutine canceller = e.goid() == 0 ? null
        : goroutines.liveOrAdopted(p, e.goid(), e.timestampNs(), late);
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
      end(c, List.of());
    }
  }

  /** Runs the overrun checks whose grace period ended at or before {@code now}. */
  void runDue(long now) {
    while (!overrunChecks.isEmpty() && overrunChecks.peek().endedNs + grace <= now) {
      checkOverruns(overrunChecks.poll());
    }
  }

  /** The process ended: its contexts end, and deadlines in their grace period blame nobody. */
  void endProcess(ProcessTable p) {
    for (Iterator<LiveContext> it = overrunChecks.iterator(); it.hasNext(); ) {
      LiveContext c = it.next();
      if (c.process == p) {
        it.remove();
        end(c, List.of());
      }
    }
    List<LiveContext> contexts = new ArrayList<>(p.contexts.size());
    p.contexts.forEachValue(contexts::add);
    for (LiveContext c : contexts) {
      untrack(c);
      end(c, List.of());
    }
  }

  /** Watching stopped: pending checks blame nobody, live contexts end as live. */
  void endAll() {
    while (!overrunChecks.isEmpty()) {
      end(overrunChecks.poll(), List.of());
    }
    for (LiveContext c = ages.oldest(); c != null; ) {
      LiveContext next = c.newer;
      untrack(c);
      end(c, List.of());
      c = next;
    }
  }

  /** News of every live context created at least {@code minAgeNs} before {@code now}. */
  void update(long now, long minAgeNs) {
    for (LiveContext c = ages.oldest(); c != null; c = c.newer) {
      if (now - c.createdNs >= minAgeNs || minAgeNs == Long.MAX_VALUE) {
        emitter.contextUpdated(c);
      }
    }
  }

  int size() {
    return ages.size();
  }

  private void addContextEvent(LiveGoroutine g, ContextEvent event) {
    if (!g.addContextEvent(event, config.maxContextEventsPerGoroutine())) {
      counters.contextEventsTruncated++;
      g.flags |= LiveGoroutine.INCOMPLETE;
    }
  }

  /** Grace period after a deadline fired is over: whoever in its scope still runs overran it. */
  private void checkOverruns(LiveContext c) {
    List<Long> overran = new ArrayList<>();
    LongObjectMap<LiveGoroutine> live = c.process.goroutines;
    for (int i = 0; i < c.scopeSize(); i++) {
      LiveGoroutine g = live.get(c.scopeGoid(i));
      if (g != null) {
        overran.add(g.goid);
        counters.deadlineOverruns++;
        LiveGoroutine.Extras x = g.extrasForUpdate();
        if (x.overrunOf == null) {
          x.overrunOf = c;
        }
      }
    }
    end(c, overran);
  }

  private void end(LiveContext c, List<Long> overran) {
    emitter.contextEnded(c, overran);
    c.releaseScope();
  }

  private void track(LiveContext c) {
    if (ages.size() >= config.maxContexts()) {
      LiveContext oldest = ages.oldest();
      untrack(oldest);
      counters.contextsEvicted++;
      end(oldest, List.of());
    }
    c.process.contexts.put(c.ctx, c);
    ages.append(c);
    emitter.contextCreated(c);
  }

  /** Removes a context from tracking; it is no longer live, so scopes stop growing. */
  private void untrack(LiveContext c) {
    c.dead = true;
    c.process.contexts.remove(c.ctx);
    ages.remove(c);
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
}
