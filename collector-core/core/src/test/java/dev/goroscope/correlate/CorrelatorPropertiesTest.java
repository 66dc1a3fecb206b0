package dev.goroscope.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.event.CancelReason;
import dev.goroscope.event.Event;
import dev.goroscope.record.GoroutineRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import dev.goroscope.testing.RecordingSink;

/**
 * Properties over random but plausible programs: a simulated Go process spawns, parks, wakes and
 * ends goroutines and makes and cancels contexts; its events are then delivered the way the
 * kernel would (out of order across CPUs, some twice, some lost) and the records checked.
 */
class CorrelatorPropertiesTest {

  static final int PID = 77;
  static final long WINDOW_NS = Duration.ofMillis(2).toNanos();
  /** Goroutines that were running before the sidecar attached: never seen created. */
  static final long[] PRE_ATTACH = {1, 2, 3};
  /** The goroutine that fires deadlines, also older than the sidecar; never exits. */
  static final long TIMER_GOID = 5;

  @Property(tries = 300)
  void reorderingWithinTheWindowIsInvisible(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 400) int steps) {
    Simulation sim = Simulation.run(new Random(seed), steps);
    List<Event> delivered = sim.deliver(new Random(seed ^ 1), 0.0, 0.0);
    RecordingSink sink = correlate(delivered, 100_000, 100_000);

    // Ground truth: every goroutine created is reported once as finished if it exited and with
    // its real parent; nothing is incomplete.
    Map<Long, GoroutineRecord> finished = new HashMap<>();
    for (GoroutineRecord r : sink.finished()) {
      assertThat(finished.put(r.goid(), r)).as("finished twice: %s", r.goid()).isNull();
    }
    for (Map.Entry<Long, long[]> e : sim.created.entrySet()) {
      long goid = e.getKey();
      long parent = e.getValue()[0];
      Long exit = sim.exits.get(goid);
      if (exit == null) {
        assertThat(finished).doesNotContainKey(goid);
        continue;
      }
      GoroutineRecord r = finished.get(goid);
      assertThat(r).as("goroutine %s", goid).isNotNull();
      assertThat(r.startNs()).isEqualTo(e.getValue()[1]);
      assertThat(r.endNs()).isEqualTo(exit);
      assertThat(r.parentGoid()).isEqualTo(parent);
      assertThat(r.parentTraced()).isEqualTo(sim.created.containsKey(parent));
      assertThat(r.incomplete()).isFalse();
    }
    assertInvariants(sink);
    assertOverruns(sim, sink);
  }

  /**
   * Found by jqwik: the context's creator spawns goroutine 73 and then calls WithDeadline in the
   * same nanosecond; 73 is not in the scope (see the tie rule in {@link #assertOverruns}).
   */
  @Example
  void spawnAtTheContextsOwnNanosecondIsNotAnOverrun() {
    reorderingWithinTheWindowIsInvisible(-8526091L, 88);
  }

  /** Two contexts created in one nanosecond, only one of them overrun: told apart by address. */
  @Example
  void twoContextsCreatedInOneNanosecond() {
    reorderingWithinTheWindowIsInvisible(-3664663527632451734L, 355);
  }

  /**
   * Programs that used to spawn a child in its parent's creation nanosecond, and to reuse a
   * context's address in the nanosecond it was cancelled (see {@link Simulation#run}).
   */
  @Example
  void noCauseAndEffectInOneNanosecond() {
    reorderingWithinTheWindowIsInvisible(1169308186L, 275);
    reorderingWithinTheWindowIsInvisible(2554L, 228);
  }

  /**
   * Independent oracle for deadline overruns: a context's scope is every goroutine created,
   * while it was live, by its creator or by a goroutine already in the scope; the overruns are
   * those still alive when the grace period after the deadline firing ends.
   */
  static void assertOverruns(Simulation sim, RecordingSink sink) {
    if (sim.events.isEmpty()) {
      return;
    }
    long grace = CorrelatorConfig.DEFAULT_DEADLINE_GRACE.toNanos();
    long lastTs = sim.events.get(sim.events.size() - 1).timestampNs();
    // Contexts by (address, created at): two can be created in one nanosecond.
    Map<List<Long>, Set<Long>> expected = new HashMap<>(); // -> overruns
    for (long[] c : sim.contexts) { // {ctx, creator, createdNs, endedNs, deadlineFired}
      if (c[3] < 0) {
        continue;
      }
      Set<Long> overruns = new HashSet<>();
      if (c[4] == 1 && c[3] + grace <= lastTs) {
        Set<Long> scope = new HashSet<>();
        for (Event e : sim.events) {
          // "While it was live" is (created, ended], not [created, ended]: timestamps are all
          // the correlator has, and at one nanosecond it orders a creation before any other
          // event (Input's ranks, docs/architecture.md), so a spawn at the WithDeadline's own
          // ns came before it (outside the scope) and one at the firing's ns before the firing
          // (inside). The simulation makes such ties when a step advances no time.
          if (e instanceof dev.goroscope.event.GoroutineCreated g
              && g.timestampNs() > c[2] && g.timestampNs() <= c[3]
              && (g.parentGoid() == c[1] || scope.contains(g.parentGoid()))) {
            scope.add(g.goid());
          }
        }
        for (long goid : scope) {
          Long exit = sim.exits.get(goid);
          if (exit == null || exit >= c[3] + grace) {
            overruns.add(goid);
          }
        }
      }
      expected.put(List.of(c[0], c[2]), overruns);
    }
    Map<List<Long>, Set<Long>> actual = new HashMap<>();
    for (dev.goroscope.record.ContextRecord r : sink.contexts) {
      if (!r.isLive()) {
        actual.put(List.of(r.ctx(), r.createdNs()), new HashSet<>(r.overrunGoids()));
      }
    }
    assertThat(actual).isEqualTo(expected);
  }

  @Property(tries = 300)
  void duplicatesAndLossesNeverBreakTheForest(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 400) int steps) {
    Simulation sim = Simulation.run(new Random(seed), steps);
    List<Event> delivered = sim.deliver(new Random(seed ^ 2), 0.1, 0.05);
    RecordingSink sink = correlate(delivered, 50, 10);
    assertInvariants(sink);
  }

  @Property(tries = 300)
  void arbitraryGarbageNeverBreaksTheForest(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 600) int count) {
    // Not a plausible program: ids, parents and times at random, including a goroutine being
    // "created" by its own child and timestamps far outside the reorder window.
    Random random = new Random(seed);
    List<Event> events = new ArrayList<>();
    Events ev = new Events(PID);
    for (int i = 0; i < count; i++) {
      double ms = 1000 + random.nextInt(500) / 10.0;
      long goid = 1 + random.nextInt(30);
      long other = random.nextInt(30);
      switch (random.nextInt(7)) {
        case 0:
        case 1:
          events.add(ev.created(ms, goid, other));
          break;
        case 2:
          events.add(ev.exited(ms, goid));
          break;
        case 3:
          events.add(ev.parked(ms, goid, random.nextInt(40)));
          break;
        case 4:
          events.add(ev.readied(ms, goid, other));
          break;
        case 5:
          events.add(random.nextBoolean()
              ? ev.deadlineSet(ms, 0xc000 + other, goid, 1)
              : ev.cancelled(ms, 0xc000 + other, goid, CancelReason.values()[random.nextInt(3)]));
          break;
        default:
          events.add(ev.lost(ms, 1 + random.nextInt(5)));
      }
    }
    RecordingSink sink = correlate(events, 20, 10);
    assertInvariants(sink);
  }

  static RecordingSink correlate(List<Event> events, int maxGoroutines, int maxContexts) {
    RecordingSink sink = new RecordingSink();
    Correlator correlator = Correlator.builder(sink)
        .setConfig(CorrelatorConfig.builder()
            .setReorderWindow(Duration.ofNanos(WINDOW_NS))
            .setMaxGoroutines(maxGoroutines)
            .setMaxContexts(maxContexts)
            .build())
        .setDefaultSymbolizer(new FakeSymbolizer())
        .setClock(() -> 0)
        .build();
    for (Event e : events) {
      correlator.accept(e);
    }
    correlator.close();
    CorrelatorStats stats = correlator.stats();
    assertThat(stats.liveGoroutines()).isLessThanOrEqualTo(maxGoroutines);
    assertThat(stats.bufferedEvents()).isZero();
    return sink;
  }

  /** The properties of the issue: acyclic forest, parents known or marked, finished once. */
  static void assertInvariants(RecordingSink sink) {
    Set<Long> finished = new HashSet<>();
    for (GoroutineRecord r : sink.finished()) {
      assertThat(finished.add(r.goid())).as("goroutine %s finished twice", r.goid()).isTrue();
    }
    Map<Long, GoroutineRecord> any = new HashMap<>();
    Map<Long, Long> earliestStart = new HashMap<>();
    Map<Long, Long> completeParent = new HashMap<>();
    for (GoroutineRecord r : sink.goroutines) {
      any.putIfAbsent(r.goid(), r);
      earliestStart.merge(r.goid(), r.startNs(), Math::min);
      if (!r.incomplete()) {
        // An evicted goroutine seen again is re-adopted without its parent, but says so.
        Long parent = completeParent.putIfAbsent(r.goid(), r.parentGoid());
        assertThat(parent == null || parent == r.parentGoid())
            .as("complete records of %s disagree on the parent", r.goid()).isTrue();
      }
    }
    for (GoroutineRecord r : any.values()) {
      assertThat(r.parentGoid()).isNotEqualTo(r.goid());
      if (r.parentTraced()) {
        GoroutineRecord parent = any.get(r.parentGoid());
        assertThat(parent).as("traced parent of %s is reported", r.goid()).isNotNull();
        // (A goroutine evicted and seen again has several records; one of them fits.)
        assertThat(earliestStart.get(r.parentGoid())).isLessThanOrEqualTo(r.startNs());
      } else if (r.parentGoid() != 0) {
        // Unknown at attach: the parent shows up as a goroutine found running (or was evicted).
        assertThat(r.parentTraced()).isFalse();
      }
      // Acyclic: following traced parents always ends.
      Set<Long> seen = new HashSet<>();
      GoroutineRecord at = r;
      while (at != null && at.parentTraced()) {
        assertThat(seen.add(at.goid())).as("cycle through %s", at.goid()).isTrue();
        at = any.get(at.parentGoid());
      }
    }
  }

  /** A plausible Go program's goroutines and contexts, with the events it would produce. */
  static final class Simulation {
    final List<Event> events = new ArrayList<>();
    /** goid -> {parent, start ns}. */
    final Map<Long, long[]> created = new HashMap<>();
    final Map<Long, Long> exits = new HashMap<>();
    /** {ctx, creator, created ns, ended ns or -1, 1 if the deadline fired}. */
    final List<long[]> contexts = new ArrayList<>();

    static Simulation run(Random random, int steps) {
      Simulation sim = new Simulation();
      Events ev = new Events(PID);
      List<Long> live = new ArrayList<>();
      for (long g : PRE_ATTACH) {
        live.add(g);
      }
      Set<Long> parked = new HashSet<>();
      List<long[]> contexts = new ArrayList<>(); // {ctx, creator}
      long nextGoid = 10;
      long nextCtx = 0xc000000000L;
      double ms = 1000;
      for (int i = 0; i < steps; i++) {
        ms += random.nextInt(3000) / 1000.0;
        ev.onCpu(random.nextInt(2));
        long g = live.isEmpty() ? 0 : live.get(random.nextInt(live.size()));
        int action = random.nextInt(10);
        // Steps may share a nanosecond, but not when one causes the other: a goroutine has to
        // be scheduled before it does anything (a child spawned in its parent's own creation
        // nanosecond, arriving first, could not be told from one of a pre-attach parent).
        long[] born = sim.created.get(g);
        if (born != null && born[1] == Events.ns(ms)) {
          ms += 0.001;
        }
        if (live.isEmpty() || action < 3) {
          long child = nextGoid;
          nextGoid += 1 + random.nextInt(16);
          long parent = random.nextInt(8) == 0 ? 0 : g;
          sim.events.add(ev.created(ms, child, parent, 0x4a0000 + random.nextInt(4), 0x4b0000));
          sim.created.put(child, new long[] {parent, Events.ns(ms)});
          live.add(child);
        } else if (action < 5 && !isPreAttach(g)) {
          live.remove(g);
          parked.remove(g);
          sim.events.add(ev.exited(ms, g));
          sim.exits.put(g, Events.ns(ms));
        } else if (action < 7) {
          if (parked.remove(g)) {
            sim.events.add(ev.readied(ms, g, live.get(random.nextInt(live.size()))));
          } else {
            parked.add(g);
            sim.events.add(ev.parked(ms, g, 18 + random.nextInt(3)));
          }
        } else if (action < 8) {
          // Addresses are reused once a context is gone.
          long ctx = random.nextBoolean() || contexts.isEmpty() ? nextCtx++ : 0xc000000000L;
          boolean inUse = contexts.stream().anyMatch(c -> c[0] == ctx);
          long now = Events.ns(ms);
          if (sim.contexts.stream().anyMatch(c -> c[0] == ctx && c[3] == now)) {
            // An address is reused once the GC freed it, never in its context's last
            // nanosecond (where the new context's creation could be taken for before the end).
            ms += 0.001;
          }
          if (!inUse) {
            long[] record = {ctx, g, Events.ns(ms), -1, 0};
            contexts.add(record);
            sim.contexts.add(record);
            sim.events.add(ev.deadlineSet(ms, ctx, g, 1_700_000_000_000_000_000L));
          }
        } else if (!contexts.isEmpty()) {
          long[] c = contexts.remove(random.nextInt(contexts.size()));
          CancelReason reason = random.nextBoolean()
              ? CancelReason.DEADLINE_EXCEEDED : CancelReason.CANCELED;
          long canceller = random.nextBoolean() ? c[1] : TIMER_GOID;
          sim.events.add(ev.cancelled(ms, c[0], canceller, reason));
          c[3] = Events.ns(ms);
          c[4] = reason == CancelReason.DEADLINE_EXCEEDED ? 1 : 0;
        }
      }
      return sim;
    }

    static boolean isPreAttach(long goid) {
      for (long g : PRE_ATTACH) {
        if (g == goid) {
          return true;
        }
      }
      return false;
    }

    /**
     * The events in the order a reader would see them: each is delayed by less than the reorder
     * window (CPUs publishing at different moments); some delivered twice, some lost (the loss
     * reported by a marker).
     */
    List<Event> deliver(Random random, double duplicateRate, double lossRate) {
      List<long[]> order = new ArrayList<>(); // {arrival, index}
      List<Event> pool = new ArrayList<>();
      for (Event e : events) {
        if (random.nextDouble() < lossRate) {
          Event marker = new Events(PID).lost(e.timestampNs() / 1e6 + 0.0001, 1);
          pool.add(marker);
          order.add(new long[] {marker.timestampNs(), pool.size() - 1});
          continue;
        }
        int copies = random.nextDouble() < duplicateRate ? 2 : 1;
        for (int c = 0; c < copies; c++) {
          pool.add(e);
          long delay = (long) (random.nextDouble() * (WINDOW_NS - 1));
          order.add(new long[] {e.timestampNs() + delay, pool.size() - 1});
        }
      }
      order.sort(Comparator.comparingLong((long[] a) -> a[0]).thenComparingLong(a -> a[1]));
      List<Event> out = new ArrayList<>(order.size());
      for (long[] o : order) {
        out.add(pool.get((int) o[1]));
      }
      return out;
    }
  }
}
