package dev.goroscope.correlate;

import dev.goroscope.event.AppSpan;
import java.util.ArrayList;
import java.util.List;

/**
 * The application's own spans (OpenTelemetry Go SDK probes) and who they cover. When goroutine G
 * starts span S, S goes on top of G's stack of open spans; a goroutine G creates while S is on
 * top is created <em>under</em> S ({@code LiveGoroutine.appParent()}), and its own descendants
 * follow it as they follow any creator. When S ends — on G or on any other goroutine, in any
 * order — it leaves G's stack, so later children of G fall under the next span down (or none).
 * A span that outlives the goroutine that started it stays known until it ends, so its end is
 * still recognised. Like deadline scopes, this is decided at creation and inherited.
 *
 * <p>Bounded: at most {@link #MAX_LIVE_SPANS} open spans per correlator (the oldest is forgotten,
 * counted), {@link #MAX_STACK} per goroutine (spans never ended would otherwise pile up), and
 * {@link #MAX_EVENTS_PER_GOROUTINE} start/end events kept per goroutine (the oldest dropped).
 */
final class AppSpans {

  static final int MAX_LIVE_SPANS = 65_536;
  static final int MAX_STACK = 32;
  static final int MAX_EVENTS_PER_GOROUTINE = 64;

  private final Counters counters;
  private final Emitter emitter;
  private final Goroutines goroutines;
  /** Open spans in start order: the eviction order. */
  private final AgeList<LiveAppSpan> ages = new AgeList<>();

  AppSpans(Counters counters, Emitter emitter, Goroutines goroutines) {
    this.counters = counters;
    this.emitter = emitter;
    this.goroutines = goroutines;
  }

  /** A new goroutine is created under the innermost open span its creator started. */
  void inherit(LiveGoroutine parent, LiveGoroutine child) {
    AppSpanNode stack = parent.appSpans();
    while (stack != null && stack.span.ended) {
      stack = stack.next;
    }
    if (stack != null) {
      child.setAppParent(stack.span);
      counters.goroutinesUnderAppSpans++;
    }
  }

  void started(ProcessTable p, AppSpan e, boolean late) {
    if (e.spanId() == 0) {
      counters.staleEvents++;
      return;
    }
    if (p.appSpans.get(e.spanId()) != null) {
      counters.duplicatesDropped++;
      return;
    }
    LiveAppSpan s = new LiveAppSpan(p, e);
    track(s);
    counters.appSpansStarted++;
    LiveGoroutine g = e.goid() == 0 ? null
        : goroutines.liveOrAdopted(p, e.goid(), e.timestampNs(), late);
    if (g != null) {
      g.setAppSpans(AppSpanNode.cut(
          new AppSpanNode(s, AppSpanNode.without(g.appSpans(), null)), MAX_STACK));
      AppSpanMark mark = new AppSpanMark(e.timestampNs(), true, e);
      addMark(g, mark);
      emitter.goroutineEvent(g, mark.toEvent(), e.timestampNs());
    }
  }

  void ended(ProcessTable p, AppSpan e, boolean late) {
    LiveAppSpan s = e.spanId() == 0 ? null : p.appSpans.get(e.spanId());
    if (s != null && s.sameTrace(e)) {
      untrack(s);
      counters.appSpansEnded++;
      LiveGoroutine starter = p.goroutines.get(s.startGoid);
      if (starter != null) {
        starter.setAppSpans(AppSpanNode.without(starter.appSpans(), s));
      }
    } else {
      // Started before goroscope attached, forgotten at the cap, or ended twice.
      counters.appSpanEndsUnknown++;
    }
    LiveGoroutine g = e.goid() == 0 ? null
        : goroutines.liveOrAdopted(p, e.goid(), e.timestampNs(), late);
    if (g != null) {
      addMark(g, new AppSpanMark(e.timestampNs(), false, e));
    }
  }

  /** The process ended: its spans are forgotten. */
  void endProcess(ProcessTable p) {
    List<LiveAppSpan> spans = new ArrayList<>(p.appSpans.size());
    p.appSpans.forEachValue(spans::add);
    for (LiveAppSpan s : spans) {
      untrack(s);
    }
  }

  int size() {
    return ages.size();
  }

  private void addMark(LiveGoroutine g, AppSpanMark mark) {
    LiveGoroutine.Extras x = g.extrasForUpdate();
    if (x.appSpanMarks == null) {
      x.appSpanMarks = new ArrayList<>(2);
    }
    if (x.appSpanMarks.size() >= MAX_EVENTS_PER_GOROUTINE) {
      x.appSpanMarks.remove(0);
      counters.appSpanEventsTruncated++;
    }
    x.appSpanMarks.add(mark);
  }

  private void track(LiveAppSpan s) {
    if (ages.size() >= MAX_LIVE_SPANS) {
      untrack(ages.oldest());
      counters.appSpansEvicted++;
    }
    s.process.appSpans.put(s.spanId, s);
    ages.append(s);
  }

  private void untrack(LiveAppSpan s) {
    s.ended = true;
    s.process.appSpans.remove(s.spanId);
    ages.remove(s);
  }
}
