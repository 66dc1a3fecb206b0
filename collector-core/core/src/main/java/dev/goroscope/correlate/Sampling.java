package dev.goroscope.correlate;

import dev.goroscope.record.Attrs;
import dev.goroscope.record.CodeLocation;
import dev.goroscope.record.GoroutineEvent;
import dev.goroscope.record.LeakGroupRecord;
import dev.goroscope.record.SampleRecord;
import dev.goroscope.record.SampledEvents;
import dev.goroscope.sample.GoroutineSample;
import dev.goroscope.sample.GoroutineStatus;
import dev.goroscope.sample.ProcessSample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sampled mode: goroutines read from memory at intervals, in the one goroutine table. A sample
 * starts the goroutines it sees for the first time (dated then), extends or ends their waits,
 * and ends the tracked goroutines it no longer lists (dated when last seen; a goroutine left
 * out of a sample that left some out gets one more sample). Creations and exits seen by a
 * precise burst's probes go through the usual paths: their times win. Each sample ends with
 * its summary and leak groups, handed to the sink ({@code goroutinesSampled}).
 */
final class Sampling {

  private final CorrelatorConfig config;
  private final Counters counters;
  private final Emitter emitter;
  private final Goroutines goroutines;

  Sampling(CorrelatorConfig config, Counters counters, Emitter emitter, Goroutines goroutines) {
    this.config = config;
    this.counters = counters;
    this.emitter = emitter;
    this.goroutines = goroutines;
  }

  /** One sample of process {@code p}, in time order with everything else. */
  void sampled(ProcessTable p, ProcessSample sample, SamplingContext ctx) {
    SampledProcess sp = p.sampling;
    if (sp == null) {
      sp = new SampledProcess(ctx, config.leakThresholdNs());
      p.sampling = sp;
    }
    sp.context = ctx;
    sp.epoch++;
    sp.samples++;
    counters.samples++;
    long ts = sample.timestampNs();
    boolean known = sample.unmoved().known();
    Summary sum = sp.summary;
    sum.begin();
    sp.groups.begin(ts);
    List<GoroutineSample> list = sample.goroutines();
    LiveGoroutine[] live = startNew(p, sp, list, ts);
    int seen = 0;
    for (int i = 0; i < list.size(); i++) {
      GoroutineSample s = list.get(i);
      LiveGoroutine g = live[i];
      if (g == null) {
        continue; // exited already (a burst saw it), or an impossible goid
      }
      SampledGoroutine st = state(g);
      if (st == null) {
        st = new SampledGoroutine();
        g.extrasForUpdate().sampled = st;
      }
      if (st.samples == 0) {
        st.firstSeenNs = ts;
      }
      if (g.seenIn(sp.epoch)) {
        continue; // listed twice (the sampler read a reused g): the first entry counts
      }
      seen++;
      see(g, st, s, ts, sample.unmoved().contains(i), known, sum);
      sum.count(sp, st, s);
      if (s.isWaiting() || s.status() == GoroutineStatus.LEAKED) {
        group(sp, g, st, s, ts);
      }
      st.last = s;
    }
    Arrays.fill(live, 0, list.size(), null); // reused: hold no goroutine past the sample
    int leftOut = sample.stats().tornDropped() + sample.stats().unreadable();
    if (seen < p.goroutines.size()) {
      endVanished(p, sp, ts, leftOut); // else every tracked goroutine was seen: none vanished
    }
    sp.leakGroups = sp.groups.finish(p.pid, ts, leftOut);
    int growing = 0;
    for (LeakGroupRecord r : sp.leakGroups) {
      growing += r.growing() ? 1 : 0;
    }
    sp.growingGroups = growing;
    sp.previousNs = ts;
    emitter.sampled(sum.record(p.pid, sample, ctx, leftOut, sp.leakGroups));
  }

  /**
   * Starts the goroutines seen for the first time, parents before their children; returns the
   * table's goroutine for each of the sample's (null where there is none), one lookup each.
   */
  private LiveGoroutine[] startNew(ProcessTable p, SampledProcess sp, List<GoroutineSample> list,
      long ts) {
    LiveGoroutine[] live = sp.liveArray(list.size());
    List<FoundSample> fresh = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      GoroutineSample s = list.get(i);
      LiveGoroutine g = p.goroutines.get(s.goid());
      live[i] = g;
      if (g == null) {
        fresh.add(new FoundSample(s, i));
      }
    }
    for (FoundSample f : FoundOrder.parentsFirst(fresh)) {
      goroutines.found(p, f, ts);
    }
    for (FoundSample f : fresh) {
      live[f.index()] = p.goroutines.get(f.goid());
    }
    return live;
  }

  private void see(LiveGoroutine g, SampledGoroutine st, GoroutineSample s, long ts,
      boolean unmoved, boolean known, Summary sum) {
    st.leak = 0;
    st.misses = 0;
    if (st.continues(s, unmoved, known)) {
      sum.blocked(st, st.waitReason, ts - st.waitLastNs);
      st.extend(s, ts);
    } else {
      if (st.isWaiting() && !st.close(config.maxMarksPerGoroutine())) {
        counters.marksTruncated++;
        g.flags |= LiveGoroutine.INCOMPLETE;
      }
      if (SampledGoroutine.waits(s)) {
        st.open(s, ts, g.startNs);
        sum.blocked(st, st.waitReason, ts - st.waitStartNs);
      }
    }
    st.lastSeenNs = ts;
    st.samples++;
    g.markSeen(g.process.sampling.epoch);
  }

  /** A blocked goroutine joins its leak group (not the runtime's own, not main). */
  private static void group(SampledProcess sp, LiveGoroutine g, SampledGoroutine st,
      GoroutineSample s, long ts) {
    if (s.system() || g.goid == 1 || s.startFunction().startsWith("runtime.")) {
      return;
    }
    LeakGroups.Key key = st.key;
    if (key == null || st.last != s) {
      key = new LeakGroups.Key(sp.site(s.createdBy()), s.startFunction(), s.waitReason(),
          sp.top(s.stack(), LeakGroups.TOP_FRAMES));
      st.key = key;
    }
    st.member = sp.groups.add(key, st.member, st, s, ts);
    if (st.member != null) {
      st.key = st.member.key; // the group's own key: next time the hint holds by identity
    }
  }

  /** Ends the tracked goroutines this sample did not list. */
  private void endVanished(ProcessTable p, SampledProcess sp, long ts, int leftOut) {
    List<LiveGoroutine> gone = new ArrayList<>();
    p.goroutines.forEachValue(g -> {
      if (g.seenIn(sp.epoch)) {
        return; // listed now (the common case, decided without reading its sampled state)
      }
      SampledGoroutine st = state(g);
      boolean sampled = st != null && st.samples > 0;
      if (!sampled && g.startNs >= ts) {
        return; // created (by a burst's probe) after this sample began
      }
      if (leftOut > 0) {
        if (st == null) {
          st = new SampledGoroutine();
          g.extrasForUpdate().sampled = st;
        }
        if (++st.misses < 2) {
          return; // perhaps one of those left out: one more sample
        }
      }
      gone.add(g);
    });
    gone.sort(Comparator.comparingLong(g -> g.startNs));
    long burstEnd = sp.context.lastBurstEndNs();
    for (LiveGoroutine g : gone) {
      SampledGoroutine st = state(g);
      long end = st != null && st.samples > 0 ? st.lastSeenNs
          : Math.max(g.startNs, Math.min(burstEnd, ts));
      if (st != null) {
        st.close(config.maxMarksPerGoroutine());
        st.leak = 0;
      }
      counters.goroutinesVanished++;
      goroutines.vanished(p, g, end);
    }
  }

  /** {@code precise} plus the groups of sampled processes at their last sample, largest first. */
  LeakReport withGroups(LeakReport precise) {
    List<LeakReport.Group> all = new ArrayList<>(precise.groups());
    goroutines.forEachProcess(p -> {
      if (p.sampling != null) {
        p.sampling.leakGroups.forEach(r -> all.add(LeakReport.Group.of(r)));
      }
    });
    if (all.size() == precise.groups().size()) {
      return precise;
    }
    all.sort(Comparator.comparingLong(LeakReport.Group::count).reversed());
    return new LeakReport(precise.asOfNs(), all);
  }

  // ---- what the view shows ----

  static SampledGoroutine state(LiveGoroutine g) {
    LiveGoroutine.Extras x = g.extras();
    return x == null ? null : x.sampled;
  }

  /** Ends its open sampled wait, if any, at the last sample that saw it (it exited). */
  static void closeWait(LiveGoroutine g, int maxWaits) {
    SampledGoroutine st = state(g);
    if (st != null) {
      st.close(maxWaits);
      st.leak = 0;
    }
  }

  /**
   * Whether a partial record of {@code g} would repeat its last one: every sample since found it
   * where it was (the sampler hands over the same instance then), its leak status is the same,
   * and nothing precise (a burst's parks, marks, context or span events) happened to it. The
   * periodic update skips such a goroutine, so 100,000 goroutines blocked for hours are not
   * written again every interval.
   */
  static boolean unchangedSinceRecord(LiveGoroutine g) {
    SampledGoroutine st = state(g);
    if (st == null || st.recordedSample == null || st.last != st.recordedSample
        || st.leak != st.recordedLeak || g.parks != null) {
      return false;
    }
    LiveGoroutine.Extras x = g.extras();
    return x.marks == null && x.contextEvents == null && x.appSpanMarks == null
        && x.overrunOf == null;
  }

  /** Its partial record was written: what it showed, for {@link #unchangedSinceRecord}. */
  static void recorded(LiveGoroutine g) {
    SampledGoroutine st = state(g);
    if (st != null) {
      st.recordedSample = st.last;
      st.recordedLeak = st.leak;
    }
  }

  /** Waiting at its last sample. */
  static boolean isWaiting(LiveGoroutine g) {
    SampledGoroutine st = state(g);
    return st != null && st.isWaiting();
  }

  static String waitReason(LiveGoroutine g) {
    SampledGoroutine st = state(g);
    return st == null ? "" : st.waitReason;
  }

  /** A leak candidate as of its process's last sample. */
  static boolean isLeak(LiveGoroutine g) {
    SampledGoroutine st = state(g);
    return st != null && st.leak != 0;
  }

  /** Its waits as {@code goroutine.wait} events: those that ended, then the open one. */
  static void addEvents(LiveGoroutine g, List<GoroutineEvent> out) {
    SampledGoroutine st = state(g);
    if (st == null) {
      return;
    }
    if (st.waits != null) {
      out.addAll(st.waits);
    }
    if (st.isWaiting()) {
      out.add(st.event(true));
    }
  }

  /** The sampled-mode attributes of a goroutine of a sampled process. */
  static void putAttributes(LiveGoroutine g, boolean ended, Attrs.Builder a) {
    SampledProcess sp = g.process.sampling;
    if (sp == null) {
      return;
    }
    a.put(SampledEvents.SAMPLED, true)
        .put(SampledEvents.SAMPLE_INTERVAL_MS, sp.context.intervalNs() / 1_000_000);
    if (!g.has(LiveGoroutine.FOUND) && !g.has(LiveGoroutine.ADOPTED)) {
      a.put(SampledEvents.START_PRECISE, true);
    }
    if (ended && !g.has(LiveGoroutine.SAMPLED_END)) {
      a.put(SampledEvents.END_PRECISE, true);
    }
    SampledGoroutine st = state(g);
    if (st == null) {
      return;
    }
    a.put(SampledEvents.SAMPLE_COUNT, (long) st.samples);
    if (st.last != null) {
      a.put(SampledEvents.STATUS, st.last.status().text());
      if (st.last.lockedToThread()) {
        a.put(SampledEvents.LOCKED_TO_THREAD, true);
      }
    }
    long blocked = st.blockedNs();
    if (blocked > 0 || st.isWaiting()) {
      a.put(SampledEvents.BLOCKED_NS, blocked);
    }
    if (st.isWaiting()) {
      SampledGoroutine.putWaitsOn(a, st.waitSample);
    }
    if (st.leak != 0 && st.member != null) {
      a.put(SampledEvents.LEAK_GROUP, st.member.id);
      a.put(SampledEvents.LEAK_REASON, st.leak == SampledGoroutine.GROWING ? "growing"
          : st.leak == SampledGoroutine.BLOCKED ? "blocked" : "growing,blocked");
    }
  }

  /** Its stack at the last sample that read one, as Go's dumps print it. */
  static List<CodeLocation> stack(LiveGoroutine g) {
    SampledGoroutine st = state(g);
    if (st == null || st.last == null) {
      return List.of();
    }
    return g.process.sampling.visible(st.last.stack());
  }

  /** A goroutine found by a sample, as the table's {@code found} takes it. */
  private record FoundSample(GoroutineSample s, int index) implements FoundGoroutine {
    @Override
    public long goid() {
      return s.goid();
    }

    @Override
    public long parentGoid() {
      return s.parentGoid();
    }

    @Override
    public long creationPc() {
      return s.createdBy() == null ? 0 : s.createdBy().pc();
    }

    @Override
    public long startPc() {
      return s.startPc();
    }

    @Override
    public boolean isWaiting() {
      return s.isWaiting();
    }

    @Override
    public int waitReason() {
      return s.waitReasonCode();
    }
  }

  /**
   * The counts of one sample, in slots that outlive it: a goroutine keeps the slots its wait
   * reason and creation site got, so counting an unchanged goroutine costs no hash lookup.
   */
  static final class Summary {
    private final int[] byStatus = new int[GoroutineStatus.values().length];
    private final SlotCounts<String> byReason = new SlotCounts<>();
    private final SlotCounts<CodeLocation> bySite = new SlotCounts<>();
    private final SlotCounts<String> blocked = new SlotCounts<>();

    void begin() {
      Arrays.fill(byStatus, 0);
      byReason.reset();
      bySite.reset();
      blocked.reset();
    }

    void count(SampledProcess sp, SampledGoroutine st, GoroutineSample s) {
      byStatus[s.status().ordinal()]++;
      if (s.isWaiting() && !s.waitReason().isEmpty()) {
        st.reasonSlot = byReason.slot(s.waitReason(), st.reasonSlot);
        byReason.add(st.reasonSlot, 1);
      }
      if (st.siteFrame != s.createdBy() || st.site == null) {
        st.siteFrame = s.createdBy();
        st.site = sp.site(s.createdBy());
      }
      st.siteSlot = bySite.slot(st.site, st.siteSlot);
      bySite.add(st.siteSlot, 1);
    }

    void blocked(SampledGoroutine st, String reason, long ns) {
      if (ns > 0) {
        st.blockedSlot = blocked.slot(reason, st.blockedSlot);
        blocked.add(st.blockedSlot, ns);
      }
    }

    SampleRecord record(int pid, ProcessSample s, SamplingContext ctx, int leftOut,
        List<LeakGroupRecord> groups) {
      Map<String, Integer> statuses = new LinkedHashMap<>();
      for (GoroutineStatus status : GoroutineStatus.values()) {
        if (byStatus[status.ordinal()] > 0) {
          statuses.merge(status.text(), byStatus[status.ordinal()], Integer::sum);
        }
      }
      List<Map.Entry<CodeLocation, Integer>> sites =
          new ArrayList<>(bySite.nonZeroCounts().entrySet());
      sites.sort(Map.Entry.<CodeLocation, Integer>comparingByValue().reversed()
          .thenComparing(e -> e.getKey().toString()));
      List<SampleRecord.SiteCount> top = new ArrayList<>();
      int other = 0;
      for (Map.Entry<CodeLocation, Integer> e : sites) {
        if (top.size() < SampleRecord.MAX_SITES) {
          top.add(new SampleRecord.SiteCount(e.getKey(), e.getValue()));
        } else {
          other += e.getValue();
        }
      }
      return new SampleRecord(pid, s.timestampNs(), ctx.intervalNs(), s.durationNs(),
          s.goroutines().size(), leftOut, statuses, byReason.nonZeroCounts(), top, other,
          blocked.nonZero(), groups, ctx.bursts());
    }
  }
}
