package dev.goroscope.correlate;

import dev.goroscope.record.AppSpanEvents;
import dev.goroscope.record.AttachmentKey;
import dev.goroscope.record.Attrs;
import dev.goroscope.record.CodeLocation;
import dev.goroscope.record.ContextEvent;
import dev.goroscope.record.DeadlineOverrun;
import dev.goroscope.record.Goroutine;
import dev.goroscope.record.GoroutineEvent;
import dev.goroscope.record.GoroutineState;
import dev.goroscope.record.ParkInterval;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * The {@link Goroutine} a sink sees: one reusable object the {@link Emitter} points at a
 * {@link LiveGoroutine} for the length of one sink call, with what that call says about it (end,
 * state, leak flag). Nothing is copied; names and events are made when asked for. Valid only
 * during the call, as the record contract says.
 */
final class GoroutineView implements Goroutine {

  private static final Comparator<GoroutineEvent> BY_TIME =
      Comparator.comparingLong(GoroutineEvent::timestampNs);

  private LiveGoroutine g;
  private long endNs;
  private GoroutineState state;
  private long nowNs;
  private boolean leak;
  private boolean forceIncomplete;
  /** The events, made at the first ask during one call and shared by every sink of a fan-out. */
  private List<GoroutineEvent> events;

  /** Points this view at {@code g} as of {@code nowNs}. */
  GoroutineView set(LiveGoroutine g, long endNs, GoroutineState state, long nowNs, boolean leak,
      boolean forceIncomplete) {
    this.g = g;
    this.endNs = endNs;
    this.state = state;
    this.nowNs = nowNs;
    this.leak = leak;
    this.forceIncomplete = forceIncomplete;
    this.events = null;
    return this;
  }

  /** Lets go of the goroutine after the call. */
  void clear() {
    g = null;
    events = null;
  }

  @Override
  public int pid() {
    return g.process.pid;
  }

  @Override
  public long goid() {
    return g.goid;
  }

  @Override
  public long parentGoid() {
    return g.parentGoid;
  }

  @Override
  public boolean parentTraced() {
    return g.has(LiveGoroutine.PARENT_TRACED);
  }

  @Override
  public String startFunction() {
    return g.process.symbols.startFunction(g.startPc);
  }

  @Override
  public long startPc() {
    return g.startPc;
  }

  @Override
  public CodeLocation creationSite() {
    return g.process.symbols.creationSite(g.creationPc);
  }

  @Override
  public long startNs() {
    return g.startNs;
  }

  @Override
  public long endNs() {
    return endNs;
  }

  @Override
  public long asOfNs() {
    return endNs >= 0 ? endNs : nowNs;
  }

  @Override
  public GoroutineState state() {
    return state;
  }

  @Override
  public String waitReason() {
    return g.isParked() ? g.process.symbols.waitReason(g.waitCode) : "";
  }

  @Override
  public List<GoroutineEvent> events() {
    if (events == null) {
      events = makeEvents();
    }
    return events;
  }

  private List<GoroutineEvent> makeEvents() {
    LiveGoroutine.Extras x = g.extras();
    if (x == null && g.parks == null && !g.isParked()) {
      return List.of();
    }
    List<GoroutineEvent> out = new ArrayList<>();
    SymbolCache s = g.process.symbols;
    if (x != null) {
      if (x.contextEvents != null) {
        for (ContextEvent e : x.contextEvents) {
          out.add(e.toEvent());
        }
      }
      if (x.marks != null) {
        x.marks.appendTo(out, s);
      }
      if (x.appSpanMarks != null) {
        for (AppSpanMark m : x.appSpanMarks) {
          out.add(m.toEvent());
        }
      }
    }
    if (g.parks != null) {
      g.parks.appendTo(out, s);
    }
    if (g.isParked()) {
      new ParkInterval(g.parkedSinceNs, -1, g.waitCode, s.waitReason(g.waitCode), -1)
          .addEvents(out);
    }
    out.sort(BY_TIME); // stable: a park keeps its place before its ready
    return Collections.unmodifiableList(out);
  }

  @Override
  public Attrs attributes() {
    LiveAppSpan under = g.appParent();
    if (under == null) {
      return Attrs.empty();
    }
    return Attrs.builder()
        .put(AppSpanEvents.UNDER_TRACE_ID, under.traceIdHex())
        .put(AppSpanEvents.UNDER_SPAN_ID, under.spanIdHex())
        .put(AppSpanEvents.UNDER_SAMPLED, under.sampled)
        .build();
  }

  @Override
  public DeadlineOverrun deadlineOverrun() {
    LiveContext c = g.overrunOf();
    if (c == null) {
      return null;
    }
    return new DeadlineOverrun(
        c.ctx, c.creatorGoid, c.endedNs, (endNs >= 0 ? endNs : nowNs) - c.endedNs);
  }

  @Override
  public boolean leakCandidate() {
    return leak;
  }

  @Override
  public boolean incomplete() {
    return forceIncomplete || g.has(LiveGoroutine.INCOMPLETE)
        || g.startNs <= g.process.lastLossNs;
  }

  @Override
  public <T> T attachment(AttachmentKey<T> key) {
    return g.attachment(key);
  }

  @Override
  public <T> void setAttachment(AttachmentKey<T> key, T value) {
    g.setAttachment(key, value);
  }

  @Override
  public <T> T attachmentOf(long goid, AttachmentKey<T> key) {
    LiveGoroutine other = g.process.goroutines.get(goid);
    return other != null ? other.attachment(key) : g.process.recentAttachment(goid, key);
  }

  @Override
  public String toString() {
    return "view of " + g;
  }
}
