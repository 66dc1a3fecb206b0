package dev.goroscope.correlate;

import dev.goroscope.record.ChannelInfo;
import dev.goroscope.record.CodeLocation;
import dev.goroscope.record.LeakGroupRecord;
import dev.goroscope.sample.ChannelState;
import dev.goroscope.sample.GoroutineSample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sampled mode's leak rule for one process. Blocked goroutines are grouped by creation site,
 * start function, wait reason and top frames; a group is a leak candidate when it keeps
 * growing over the leak window — its count rose from a window ago to half a window ago and
 * again to now, and the members counted at those two moments are still blocked in the same
 * wait now (a leak's members never leave; a busy pool's idle workers do: their waits start
 * afresh) — or when members stay blocked past the leak threshold. Each group names the channel
 * or lock most of its members wait on.
 *
 * <p>Per sample: {@link #begin}, {@link #add} each blocked goroutine, {@link #finish}. Memory
 * is bounded: at most {@link #MAX_GROUPS} groups, each with the counts of the samples of one
 * window (at most {@link #MAX_HISTORY}).
 */
final class LeakGroups {

  static final int MAX_GROUPS = 10_000;
  static final int MAX_HISTORY = 4_096;
  static final int TOP_FRAMES = 3;
  /** Goroutine ids given as examples per group. */
  static final int EXAMPLES = 5;

  /** What groups goroutines: where they were created, what they run, why and where they wait. */
  record Key(CodeLocation site, String startFunction, String reason, List<CodeLocation> top) {}

  private final long windowNs;
  private final long thresholdNs;
  private final Map<Key, Group> groups = new HashMap<>();
  private long firstSampleNs = Long.MIN_VALUE;
  private long groupsRefused;

  LeakGroups(long windowNs, long thresholdNs) {
    this.windowNs = windowNs;
    this.thresholdNs = thresholdNs;
  }

  /** One group: its count history and what its members wait on at the current sample. */
  static final class Group {
    final Key key;
    final String id;
    final long createdNs;
    private long[] hts = new long[16];
    private int[] counts = new int[16];
    private int first;
    private int size;
    // the current sample
    int count;
    int blocked;
    long oldestSince = Long.MAX_VALUE;
    final List<SampledGoroutine> members = new ArrayList<>();
    /** Members per channel address (with its state as last read) and per semaphore. */
    private LongObjectMap<Tally> channels = new LongObjectMap<>();
    private LongObjectMap<Tally> semaphores = new LongObjectMap<>();
    /** Dropped from the groups: a member's hint to it no longer holds. */
    boolean removed;
    boolean growing;
    int growth;

    Group(Key key, long createdNs) {
      this.key = key;
      this.id = id(key);
      this.createdNs = createdNs;
    }

    void clear() {
      count = 0;
      blocked = 0;
      oldestSince = Long.MAX_VALUE;
      members.clear();
      if (!channels.isEmpty()) {
        channels = new LongObjectMap<>();
      }
      if (!semaphores.isEmpty()) {
        semaphores = new LongObjectMap<>();
      }
      growing = false;
      growth = 0;
    }

    void record(long t, int n, long keepAfter) {
      while (size >= 2 && hts[(first + 1) % hts.length] <= keepAfter) {
        first = (first + 1) % hts.length; // the entry at or before the window's start stays
        size--;
      }
      if (size == hts.length) {
        if (size >= MAX_HISTORY) {
          first = (first + 1) % hts.length;
          size--;
        } else {
          grow();
        }
      }
      int at = (first + size) % hts.length;
      hts[at] = t;
      counts[at] = n;
      size++;
    }

    private void grow() {
      int n = hts.length * 2;
      long[] t = new long[n];
      int[] c = new int[n];
      for (int i = 0; i < size; i++) {
        int from = (first + i) % hts.length;
        t[i] = hts[from];
        c[i] = counts[from];
      }
      hts = t;
      counts = c;
      first = 0;
    }

    /** The count at the last sample at or before {@code t} (0 before the group existed). */
    int countAt(long t) {
      int n = 0;
      for (int i = 0; i < size; i++) {
        int at = (first + i) % hts.length;
        if (hts[at] > t) {
          break;
        }
        n = counts[at];
      }
      return n;
    }

    long lastNonZeroNs() {
      for (int i = size - 1; i >= 0; i--) {
        int at = (first + i) % hts.length;
        if (counts[at] > 0) {
          return hts[at];
        }
      }
      return createdNs;
    }
  }

  /** A new sample at {@code ts}: every group's current members are forgotten. */
  void begin(long ts) {
    if (firstSampleNs == Long.MIN_VALUE) {
      firstSampleNs = ts;
    }
    for (Group g : groups.values()) {
      g.clear();
    }
  }

  /**
   * A blocked goroutine of the current sample; returns its group, or null past the cap. {@code
   * hint} is the group it joined last time, if any: when it still has this key, no lookup.
   */
  Group add(Key key, Group hint, SampledGoroutine st, GoroutineSample s, long ts) {
    Group g = hint != null && !hint.removed && hint.key == key ? hint : groups.get(key);
    if (g == null) {
      if (groups.size() >= MAX_GROUPS) {
        groupsRefused++;
        return null;
      }
      g = new Group(key, ts);
      groups.put(key, g);
    }
    g.count++;
    g.members.add(st);
    g.oldestSince = Math.min(g.oldestSince, st.blockedSinceNs);
    if (ts - st.blockedSinceNs >= thresholdNs) {
      g.blocked++;
    }
    if (!s.channels().isEmpty()) {
      ChannelState c = s.channels().get(0).channel();
      Tally.of(g.channels, c.address()).state = c;
    } else if (s.semaphore() != 0) {
      Tally.of(g.semaphores, s.semaphore());
    }
    return g;
  }

  /** The members of a group waiting at one address: a channel (as last read) or a semaphore. */
  private static final class Tally {
    int count;
    ChannelState state;

    /** The tally of {@code address} in {@code tallies}, one member more. */
    static Tally of(LongObjectMap<Tally> tallies, long address) {
      Tally t = tallies.get(address);
      if (t == null) {
        t = new Tally();
        tallies.put(address, t);
      }
      t.count++;
      return t;
    }

    /** The address most members wait at (ties: the lowest), or 0 when there is none. */
    static long mostCommon(LongObjectMap<Tally> tallies) {
      long[] best = {0, 0}; // address, count
      tallies.forEachEntry((address, t) -> {
        if (t.count > best[1]
            || (t.count == best[1] && Long.compareUnsigned(address, best[0]) < 0)) {
          best[0] = address;
          best[1] = t.count;
        }
      });
      return best[0];
    }
  }

  /**
   * Ends the sample at {@code ts} ({@code leftOut} goroutines were left out of it): records
   * the counts, decides which groups are candidates, flags their members and returns them,
   * the largest first.
   */
  List<LeakGroupRecord> finish(int pid, long ts, int leftOut) {
    List<LeakGroupRecord> out = new ArrayList<>();
    long start = ts - windowNs;
    long mid = ts - windowNs / 2;
    for (Iterator<Group> it = groups.values().iterator(); it.hasNext(); ) {
      Group g = it.next();
      g.record(ts, g.count, start);
      if (g.count == 0) {
        if (g.lastNonZeroNs() < start) {
          g.removed = true;
          it.remove();
        }
        continue;
      }
      if (firstSampleNs <= start) {
        int c0 = g.countAt(start);
        int c1 = g.countAt(mid);
        int sinceStart = 0;
        int sinceMid = 0;
        for (SampledGoroutine m : g.members) {
          sinceStart += m.blockedSinceNs <= start ? 1 : 0;
          sinceMid += m.blockedSinceNs <= mid ? 1 : 0;
        }
        // goroutines left out of this sample are missing from all three counts
        g.growing = c0 < c1 && c1 < g.count && sinceStart + leftOut >= c0
            && sinceMid + leftOut >= c1;
        g.growth = g.count - c0;
      }
      if (!g.growing && g.blocked == 0) {
        continue;
      }
      for (SampledGoroutine m : g.members) {
        m.leak = (byte) ((g.growing ? SampledGoroutine.GROWING : 0)
            | (ts - m.blockedSinceNs >= thresholdNs ? SampledGoroutine.BLOCKED : 0));
      }
      out.add(toRecord(pid, g));
    }
    out.sort(Comparator.comparingInt(LeakGroupRecord::count).reversed()
        .thenComparing(LeakGroupRecord::id));
    return out;
  }

  /** Groups not tracked because {@link #MAX_GROUPS} were. */
  long groupsRefused() {
    return groupsRefused;
  }

  private LeakGroupRecord toRecord(int pid, Group g) {
    ChannelInfo channel = null;
    long top = Tally.mostCommon(g.channels);
    if (top != 0) {
      ChannelState c = g.channels.get(top).state;
      channel = new ChannelInfo(c.address(), c.elemType(), c.capacity(), c.length(), c.closed(),
          c.waitingSenders(), c.waitingReceivers());
    }
    List<Long> examples = new ArrayList<>();
    for (SampledGoroutine m : longestBlocked(g.members, EXAMPLES)) {
      examples.add(m.last.goid());
    }
    return new LeakGroupRecord(g.id, pid, g.key.site(), g.key.startFunction(), g.key.reason(),
        g.key.top(), g.count, g.blocked, g.growth, windowNs, g.growing, g.oldestSince, channel,
        g.channels.size(), Tally.mostCommon(g.semaphores), g.semaphores.size(), examples);
  }

  /**
   * The {@code n} members blocked longest, longest first (ties in member order): one pass that
   * keeps the best {@code n}, not a sort of a group that may hold 100,000.
   */
  static List<SampledGoroutine> longestBlocked(List<SampledGoroutine> members, int n) {
    List<SampledGoroutine> best = new ArrayList<>(n + 1);
    for (SampledGoroutine m : members) {
      if (best.size() == n && m.blockedSinceNs >= best.get(n - 1).blockedSinceNs) {
        continue;
      }
      int at = best.size();
      while (at > 0 && best.get(at - 1).blockedSinceNs > m.blockedSinceNs) {
        at--;
      }
      best.add(at, m);
      if (best.size() > n) {
        best.remove(n);
      }
    }
    return best;
  }

  /** {@code lg-} and the FNV-1a hash of the key: the same group has the same id in every run. */
  static String id(Key k) {
    int h = 0x811c9dc5;
    StringBuilder s = new StringBuilder()
        .append(k.site().function()).append('\n').append(k.site().file()).append(':')
        .append(k.site().line()).append('\n').append(k.startFunction()).append('\n')
        .append(k.reason());
    for (CodeLocation f : k.top()) {
      s.append('\n').append(f.function()).append(' ').append(f.file()).append(':')
          .append(f.line());
    }
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x01000193;
    }
    return String.format(Locale.ROOT, "lg-%08x", h);
  }
}
