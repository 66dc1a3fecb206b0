package dev.goroscope.otel.testing;

import dev.goroscope.record.AttachmentKey;
import dev.goroscope.record.Attachments;
import dev.goroscope.record.Attrs;
import dev.goroscope.record.CodeLocation;
import dev.goroscope.record.DeadlineOverrun;
import dev.goroscope.record.Goroutine;
import dev.goroscope.record.GoroutineEvent;
import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.record.GoroutineState;
import dev.goroscope.record.RecordSink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plays goroutine records into a {@link RecordSink} as the correlator would: one
 * {@link Goroutine} object per goroutine, started once, updated, ended once, with attachments
 * and lookups of other goroutines ({@link Goroutine#attachmentOf}) working as in the correlator's
 * table.
 */
public final class Feed {

  private record Key(int pid, long goid) {}

  private final RecordSink sink;
  private final Map<Key, Tracked> tracked = new LinkedHashMap<>();
  private final Map<Key, Tracked> ended = new HashMap<>();

  public Feed(RecordSink sink) {
    this.sink = sink;
  }

  /** The goroutine of {@code r} starts, as {@code r} says. */
  public void start(GoroutineRecord r) {
    Tracked g = new Tracked(r);
    tracked.put(key(r), g);
    sink.goroutineStarted(g);
  }

  /** News of a started goroutine. */
  public void update(GoroutineRecord r) {
    Tracked g = tracked.get(key(r));
    if (g == null) {
      throw new IllegalStateException("update before start: " + r);
    }
    g.current = r;
    sink.goroutineUpdated(g);
  }

  /** The goroutine ends as {@code r} says (started first if it never was). */
  public void end(GoroutineRecord r) {
    Tracked g = tracked.remove(key(r));
    if (g == null) {
      g = new Tracked(r);
      sink.goroutineStarted(g);
    }
    g.current = r;
    ended.put(key(r), g);
    sink.goroutineEnded(g);
  }

  /**
   * A whole run as the correlator hands it over: every goroutine starts in start-time order
   * (creators before what they create), then the finished records end in the order given;
   * goroutines given only as partial records stay alive (see {@link #stopWatching}).
   */
  public void run(GoroutineRecord... records) {
    List<GoroutineRecord> byStart = new ArrayList<>(Arrays.asList(records));
    byStart.sort(Comparator.comparingLong(GoroutineRecord::startNs));
    for (GoroutineRecord r : byStart) {
      if (!tracked.containsKey(key(r))) {
        start(r);
      }
    }
    for (GoroutineRecord r : records) {
      if (!r.isPartial()) {
        end(r);
      }
    }
  }

  /** Watching stopped at {@code asOfNs}: every goroutine still alive ends, partial. */
  public void stopWatching(long asOfNs) {
    for (Tracked g : new ArrayList<>(tracked.values())) {
      end(g.current.toBuilder().setEndNs(-1).setAsOfNs(asOfNs).build());
    }
  }

  /** Watching process {@code pid} stopped at {@code asOfNs}. */
  public void stopWatching(int pid, long asOfNs) {
    for (Tracked g : new ArrayList<>(tracked.values())) {
      if (g.current.pid() == pid) {
        end(g.current.toBuilder().setEndNs(-1).setAsOfNs(asOfNs).build());
      }
    }
  }

  /** The process ended at {@code ts}: its live goroutines end (process_exited), then the sink hears it. */
  public void processEnded(int pid, long ts) {
    for (Tracked g : new ArrayList<>(tracked.values())) {
      if (g.current.pid() == pid) {
        end(g.current.toBuilder().setEndNs(ts).setState(GoroutineState.PROCESS_EXITED).build());
      }
    }
    ended.keySet().removeIf(k -> k.pid() == pid);
    sink.processEnded(pid, ts);
  }

  private static Key key(GoroutineRecord r) {
    return new Key(r.pid(), r.goid());
  }

  /** One goroutine as the sink sees it: the latest record, its own attachments. */
  private final class Tracked implements Goroutine {
    GoroutineRecord current;
    final Attachments attachments = new Attachments();

    Tracked(GoroutineRecord r) {
      this.current = r;
    }

    @Override
    public int pid() {
      return current.pid();
    }

    @Override
    public long goid() {
      return current.goid();
    }

    @Override
    public long parentGoid() {
      return current.parentGoid();
    }

    @Override
    public boolean parentTraced() {
      return current.parentTraced();
    }

    @Override
    public String startFunction() {
      return current.startFunction();
    }

    @Override
    public long startPc() {
      return current.startPc();
    }

    @Override
    public CodeLocation creationSite() {
      return current.creationSite();
    }

    @Override
    public long startNs() {
      return current.startNs();
    }

    @Override
    public long endNs() {
      return current.endNs();
    }

    @Override
    public long asOfNs() {
      return current.asOfNs();
    }

    @Override
    public GoroutineState state() {
      return current.state();
    }

    @Override
    public String waitReason() {
      return current.waitReason();
    }

    @Override
    public List<GoroutineEvent> events() {
      return current.events();
    }

    @Override
    public Attrs attributes() {
      return current.attributes();
    }

    @Override
    public DeadlineOverrun deadlineOverrun() {
      return current.deadlineOverrun();
    }

    @Override
    public boolean leakCandidate() {
      return current.leakCandidate();
    }

    @Override
    public boolean incomplete() {
      return current.incomplete();
    }

    @Override
    public <T> T attachment(AttachmentKey<T> key) {
      return attachments.get(key);
    }

    @Override
    public <T> void setAttachment(AttachmentKey<T> key, T value) {
      attachments.set(key, value);
    }

    @Override
    public <T> T attachmentOf(long goid, AttachmentKey<T> key) {
      Key k = new Key(current.pid(), goid);
      Tracked other = tracked.get(k);
      if (other == null) {
        other = ended.get(k);
      }
      return other == null ? null : other.attachments.get(key);
    }
  }
}
