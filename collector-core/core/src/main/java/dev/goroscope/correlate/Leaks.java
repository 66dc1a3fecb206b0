package dev.goroscope.correlate;

import dev.goroscope.record.CodeLocation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Leak candidates: a live goroutine alive at least the leak threshold and, in deep mode, parked
 * without a wake-up for at least as long. The runtime's own helpers and main live as long as
 * the process by design and are never candidates. Reports group candidates by process,
 * creation site, start function and wait reason.
 */
final class Leaks {

  private static final Comparator<LiveGoroutine> BY_AGE =
      Comparator.<LiveGoroutine>comparingLong(g -> g.startNs).thenComparingLong(g -> g.goid);

  private final long threshold;

  Leaks(CorrelatorConfig config) {
    this.threshold = config.leakThresholdNs();
  }

  boolean isLeak(LiveGoroutine g, long nowNs) {
    if (g.process.sampling != null) {
      return Sampling.isLeak(g); // its samples decide (LeakGroups)
    }
    if (nowNs - g.startNs < threshold) {
      return false;
    }
    if (g.goid == 1 || g.process.symbols.startFunction(g.startPc).startsWith("runtime.")) {
      return false;
    }
    if (!g.process.deep) {
      return true;
    }
    return g.isParked() && nowNs - g.parkedSinceNs >= threshold;
  }

  /** Current candidates among {@code live} (oldest first), grouped, largest group first. */
  LeakReport report(LiveGoroutine oldest, long nowNs) {
    Map<Key, Group> groups = new LinkedHashMap<>();
    for (LiveGoroutine g = oldest; g != null; g = g.newer) {
      if (nowNs == Ordering.UNSET || g.process.sampling != null || !isLeak(g, nowNs)) {
        continue;
      }
      SymbolCache s = g.process.symbols;
      Key key = new Key(g.process.pid, s.creationSite(g.creationPc), s.startFunction(g.startPc),
          g.isParked() ? s.waitReason(g.waitCode) : "");
      groups.computeIfAbsent(key, k -> new Group()).add(g);
    }
    List<LeakReport.Group> out = new ArrayList<>(groups.size());
    groups.forEach((k, v) -> out.add(v.toReport(k)));
    out.sort(Comparator.comparingLong(LeakReport.Group::count).reversed());
    return new LeakReport(nowNs, out);
  }

  private record Key(int pid, CodeLocation site, String startFunction, String waitReason) {}

  /** A group's count and its oldest {@link LeakReport#MAX_EXAMPLES} members. */
  private static final class Group {
    long count;
    final List<LiveGoroutine> examples = new ArrayList<>(LeakReport.MAX_EXAMPLES);

    void add(LiveGoroutine g) {
      count++;
      if (examples.size() < LeakReport.MAX_EXAMPLES) {
        examples.add(g);
        return;
      }
      LiveGoroutine youngest = Collections.max(examples, BY_AGE);
      if (BY_AGE.compare(g, youngest) < 0) {
        examples.set(examples.indexOf(youngest), g);
      }
    }

    LeakReport.Group toReport(Key k) {
      examples.sort(BY_AGE);
      List<Long> goids = new ArrayList<>(examples.size());
      examples.forEach(g -> goids.add(g.goid));
      return new LeakReport.Group(k.pid(), k.site(), k.startFunction(), k.waitReason(), count,
          examples.get(0).startNs, goids);
    }
  }
}
