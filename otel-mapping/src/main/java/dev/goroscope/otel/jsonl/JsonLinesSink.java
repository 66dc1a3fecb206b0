package dev.goroscope.otel.jsonl;

import static dev.goroscope.otel.jsonl.JsonText.key;

import dev.goroscope.otel.time.ClockOffset;
import dev.goroscope.record.Attr;
import dev.goroscope.record.Attrs;
import dev.goroscope.record.BurstStatus;
import dev.goroscope.record.ChannelInfo;
import dev.goroscope.record.CodeLocation;
import dev.goroscope.record.ContextEvent;
import dev.goroscope.record.ContextRecord;
import dev.goroscope.record.DeadlineOverrun;
import dev.goroscope.record.Goroutine;
import dev.goroscope.record.GoroutineEvent;
import dev.goroscope.record.GoroutineState;
import dev.goroscope.record.LeakGroupRecord;
import dev.goroscope.record.ParkInterval;
import dev.goroscope.record.ProcessInfo;
import dev.goroscope.record.RecordSink;
import dev.goroscope.record.StwRecord;
import dev.goroscope.record.ThreadsRecord;
import dev.goroscope.record.SampleRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes every record as one JSON object per line with a {@code type} field, for {@code jq} and
 * scripts. The schema (documented field by field in the module README) is:
 *
 * <ul>
 *   <li>{@code {"type":"goroutine","pid","goid","parentGoid","startFunction",
 *       "createdAt":{"function","file","line"},"startNs","endNs"|null,"state",
 *       "deadlineOverrun", …, "events":[{"event","ns",…}], "attributes":{…}}} — written when a
 *       goroutine is updated (partial) and when it ends. {@code events} holds every event of
 *       every kind with its attributes under their JSON names; {@code contextEvents} and
 *       {@code parks} keep the older typed views of the context and park events.
 *   <li>{@code {"type":"context","ctx":"0x…","goid":<creator>,"cancelledBy"|null,
 *       "deadlineUnixNs","endedNs"|null,"reason"|null, …}}
 *   <li>{@code {"type":"stw","pid","startNs","endNs","durationNs","reason","gc",…}} — one per
 *       stop-the-world pause; {@code {"type":"threads","pid","ns","threads","gomaxprocs",
 *       "inSyscall","blocked":[…]}} — every second with {@code --probe syscall}.
 *   <li>{@code {"type":"sample","pid","ns","goroutines","byStatus":{…},"byWaitReason":{…},
 *       "byCreationSite":[…],"blockedNs":{…},"leakGroups":[…],"bursts"|null, …}} — sampled
 *       mode, one per sample; goroutine lines then also carry {@code "stack":[{"function",
 *       "file","line"}]} (innermost first) when a stack was read.
 *   <li>{@code process}, {@code process_end} and {@code events_lost} lines.
 * </ul>
 *
 * <p>{@code *Ns} are CLOCK_MONOTONIC like the records; each has an {@code *UnixNs} twin converted
 * with the run's single {@link ClockOffset}. Output is buffered (no system call per line) and
 * pushed on {@link #flush()}, on {@link #close()}, and by a timer at most {@link
 * #DEFAULT_FLUSH_INTERVAL} after a line was written, so {@code | jq} stays live even when
 * records stop. An I/O error (e.g. the reader of a pipe went away) stops output and is counted,
 * never thrown.
 *
 * <p>Hot path (a line per goroutine that ends): the fixed parts of each line are pre-encoded
 * keys, the names a line repeats (start function, creation site) are encoded once per distinct
 * string, values are written by {@link JsonText} straight into the output buffer.
 */
public final class JsonLinesSink implements RecordSink {

  /** The longest a written line waits in the buffer. */
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(200);

  /** Distinct strings (function and file names) whose JSON form is kept; past it, none are. */
  private static final int MAX_CACHED_STRINGS = 4096;
  private static final int BUFFER_BYTES = 1 << 16;

  private static final byte[] PROCESS = key("{\"type\":\"process\",\"pid\":");
  private static final byte[] EXECUTABLE = key(",\"executable\":");
  private static final byte[] GO_VERSION = key(",\"goVersion\":");
  private static final byte[] MODULE_PATH = key(",\"modulePath\":");

  private static final byte[] GOROUTINE = key("{\"type\":\"goroutine\",\"pid\":");
  private static final byte[] GOID = key(",\"goid\":");
  private static final byte[] PARENT_GOID = key(",\"parentGoid\":");
  private static final byte[] PARENT_TRACED = key(",\"parentTraced\":");
  private static final byte[] START_FUNCTION = key(",\"startFunction\":");
  private static final byte[] START_PC = key(",\"startPc\":");
  private static final byte[] CREATED_AT = key(",\"createdAt\":{\"function\":");
  private static final byte[] FILE = key(",\"file\":");
  private static final byte[] LINE = key(",\"line\":");
  private static final byte[] START_NS = key("},\"startNs\":");
  private static final byte[] END_NS = key(",\"endNs\":");
  private static final byte[] END_NS_NULL = key(",\"endNs\":null,\"startUnixNs\":");
  private static final byte[] END_UNIX_NS_NULL_DURATION_NULL =
      key(",\"endUnixNs\":null,\"durationNs\":null");
  private static final byte[] START_UNIX_NS = key(",\"startUnixNs\":");
  private static final byte[] END_UNIX_NS = key(",\"endUnixNs\":");
  private static final byte[] DURATION_NS = key(",\"durationNs\":");
  private static final byte[] WAIT_REASON = key(",\"waitReason\":");
  private static final byte[] PARTIAL = key(",\"partial\":");
  private static final byte[] DEADLINE_OVERRUN = key(",\"deadlineOverrun\":");
  private static final byte[] OVERRUN_NULL = key(",\"overrun\":null");
  private static final byte[] OVERRUN_CTX = key(",\"overrun\":{\"ctx\":");
  private static final byte[] CONTEXT_CREATOR_GOID = key(",\"contextCreatorGoid\":");
  private static final byte[] DEADLINE_FIRED_NS = key(",\"deadlineFiredNs\":");
  private static final byte[] OVERRUN_NS = key(",\"overrunNs\":");
  private static final byte[] LEAK_CANDIDATE = key("},\"leakCandidate\":");
  private static final byte[] LEAK_CANDIDATE_NO_OVERRUN = key(",\"leakCandidate\":");
  private static final byte[] INCOMPLETE = key(",\"incomplete\":");
  private static final byte[] CONTEXT_EVENTS = key(",\"contextEvents\":[");
  private static final byte[] PARKS = key("],\"parks\":[");
  private static final byte[] EVENTS = key("],\"events\":[");
  private static final byte[] ATTRIBUTES = key("],\"attributes\":{");
  private static final byte[] END_GOROUTINE = key("}}\n");
  private static final byte[] STACK = key("},\"stack\":[");
  private static final byte[] END_STACK = key("]}\n");
  private static final byte[] FUNCTION_OBJECT = key("{\"function\":");

  private static final byte[] EVENT = key("{\"event\":");
  private static final byte[] NS = key(",\"ns\":");
  private static final byte[] CTX = key(",\"ctx\":");
  private static final byte[] DEADLINE_UNIX_NS = key(",\"deadlineUnixNs\":");
  private static final byte[] PARK_START_NS = key("{\"startNs\":");
  private static final byte[] WAIT_REASON_CODE = key(",\"waitReasonCode\":");
  private static final byte[] WAKER_GOID = key(",\"wakerGoid\":");

  private static final byte[] CONTEXT = key("{\"type\":\"context\",\"pid\":");
  private static final byte[] PARENT_CTX = key(",\"parentCtx\":");
  private static final byte[] CANCELLED_BY = key(",\"cancelledBy\":");
  private static final byte[] CREATED_NS = key(",\"createdNs\":");
  private static final byte[] CREATED_UNIX_NS = key(",\"createdUnixNs\":");
  private static final byte[] ENDED_NS = key(",\"endedNs\":");
  private static final byte[] ENDED_UNIX_NS = key(",\"endedUnixNs\":");
  private static final byte[] REASON = key(",\"reason\":");
  private static final byte[] OVERRUN_GOIDS = key(",\"overrunGoids\":[");
  private static final byte[] END_CONTEXT = key("]}\n");

  private static final byte[] STW = key("{\"type\":\"stw\",\"pid\":");
  private static final byte[] STW_START_NS = key(",\"startNs\":");
  private static final byte[] GC = key(",\"gc\":");
  private static final byte[] STOPPER_GOID = key(",\"stopperGoid\":");
  private static final byte[] GOMAXPROCS = key(",\"gomaxprocs\":");
  private static final byte[] RUNNING = key(",\"running\":");
  private static final byte[] RUNNING_GOIDS = key(",\"runningGoids\":[");
  private static final byte[] THREADS = key("{\"type\":\"threads\",\"pid\":");
  private static final byte[] UNIX_NS = key(",\"unixNs\":");
  private static final byte[] THREAD_COUNT = key(",\"threads\":");
  private static final byte[] IN_SYSCALL = key(",\"inSyscall\":");
  private static final byte[] THRESHOLD_NS = key(",\"thresholdNs\":");
  private static final byte[] BLOCKED = key(",\"blocked\":[");
  private static final byte[] BLOCKED_GOID_FIRST = key("{\"goid\":");
  private static final byte[] BLOCKED_GOID = key(",{\"goid\":");
  private static final byte[] SINCE_NS = key(",\"sinceNs\":");
  private static final byte[] SINCE_UNIX_NS = key(",\"sinceUnixNs\":");
  private static final byte[] LOCKED_TO_THREAD = key(",\"lockedToThread\":");

  private static final byte[] EVENTS_LOST = key("{\"type\":\"events_lost\",\"pid\":");
  private static final byte[] COUNT = key(",\"count\":");
  private static final byte[] PROCESS_END = key("{\"type\":\"process_end\",\"pid\":");
  private static final byte[] END_OBJECT = key("}\n");

  /** {@code ,"state":"…"} by state. */
  private static final byte[][] STATES = states();
  /** The rest of a line without wait reason, overrun, leak, loss, events or attributes. */
  private static final byte[][] PLAIN_TAILS = plainTails(false);
  private static final byte[][] PLAIN_TAILS_PARTIAL = plainTails(true);
  private static final byte[][] REASONS = reasons();

  private final JsonText out;
  private final OutputStream stream;
  private final ClockOffset clock;
  private final boolean closeStream;
  private final ScheduledExecutorService flusher;
  /** JSON forms of the strings lines repeat (function, file and event names, JSON keys). */
  private final Map<String, byte[]> encoded = new IdentityHashMap<>();
  /** The site part of goroutine lines, by creation site (one object per creation PC). */
  private final Map<CodeLocation, SiteChunk> sites = new IdentityHashMap<>();
  private boolean closed;
  /** Lines written since the last flush. */
  private boolean dirty;
  /** Set by the timer each tick, cleared by the writer when it flushes for it. */
  private volatile boolean flushDue;
  private long linesWritten;
  private long writeErrors;
  private boolean broken;

  /**
   * @param out where lines go (standard output or a file)
   * @param clock monotonic-to-epoch conversion for the {@code *UnixNs} fields
   * @param closeStream whether {@link #close()} closes {@code out} (false for stdout)
   */
  public JsonLinesSink(OutputStream out, ClockOffset clock, boolean closeStream) {
    this(out, clock, closeStream, DEFAULT_FLUSH_INTERVAL);
  }

  /** As above, flushing lines at most {@code flushInterval} after they were written. */
  public JsonLinesSink(OutputStream out, ClockOffset clock, boolean closeStream,
      Duration flushInterval) {
    this.stream = Objects.requireNonNull(out, "out");
    this.out = new JsonText(out, BUFFER_BYTES);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.closeStream = closeStream;
    long everyNs = Objects.requireNonNull(flushInterval, "flushInterval").toNanos();
    if (everyNs <= 0) {
      throw new IllegalArgumentException("flush interval must be positive: " + flushInterval);
    }
    // A tick every half interval, never a wake-up per line. While lines flow the writer flushes
    // at the tick it sees (no lock taken by this thread, so no contention on the hot path);
    // when a whole tick passed without a line, the timer flushes what waits.
    this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "goroscope-jsonl-flush");
      t.setDaemon(true);
      return t;
    });
    long tickNs = Math.max(1, everyNs / 2);
    flusher.scheduleWithFixedDelay(this::tick, tickNs, tickNs, TimeUnit.NANOSECONDS);
  }

  @Override
  public synchronized void processStarted(ProcessInfo p) {
    if (!writable()) {
      return;
    }
    try {
      out.raw(PROCESS);
      out.number(p.pid());
      out.raw(EXECUTABLE);
      out.string(p.executablePath());
      out.raw(GO_VERSION);
      out.string(p.goVersion());
      out.raw(MODULE_PATH);
      out.string(p.modulePath());
      out.raw(END_OBJECT);
      written();
    } catch (IOException e) {
      fail();
    }
  }

  @Override
  public synchronized void goroutineUpdated(Goroutine g) {
    goroutine(g);
  }

  @Override
  public synchronized void goroutineEnded(Goroutine g) {
    goroutine(g);
  }

  @Override
  public synchronized void contextUpdated(ContextRecord c) {
    context(c);
  }

  @Override
  public synchronized void contextEnded(ContextRecord c) {
    context(c);
  }

  private void goroutine(Goroutine r) {
    if (!writable()) {
      return;
    }
    try {
      List<GoroutineEvent> events = r.events();
      long startNs = r.startNs();
      long endNs = r.endNs();
      boolean partial = endNs < 0;
      out.raw(GOROUTINE);
      out.number(r.pid());
      out.raw(GOID);
      out.number(r.goid());
      out.raw(PARENT_GOID);
      out.number(r.parentGoid());
      // parentTraced … createdAt, up to the key of startNs: the same bytes for every goroutine
      // of a creation site, encoded once.
      out.raw(siteChunk(r.parentTraced(), r.startFunction(), r.startPc(), r.creationSite()));
      out.number(startNs);
      if (partial) {
        out.raw(END_NS_NULL);
        out.number(clock.toEpochNanos(startNs));
        out.raw(END_UNIX_NS_NULL_DURATION_NULL);
      } else {
        out.raw(END_NS);
        out.number(endNs);
        out.raw(START_UNIX_NS);
        out.number(clock.toEpochNanos(startNs));
        out.raw(END_UNIX_NS);
        out.number(clock.toEpochNanos(endNs));
        out.raw(DURATION_NS);
        out.number(Math.max(0, endNs - startNs));
      }
      String waitReason = r.waitReason();
      DeadlineOverrun o = r.deadlineOverrun();
      boolean leak = r.leakCandidate();
      boolean incomplete = r.incomplete();
      Attrs attributes = r.attributes();
      List<CodeLocation> stack = r.stack();
      if (waitReason.isEmpty() && o == null && !leak && !incomplete && events.isEmpty()
          && attributes.isEmpty() && stack.isEmpty()) {
        // The common line (an exited goroutine, default mode): its whole tail is one constant.
        out.raw(partial ? PLAIN_TAILS_PARTIAL[r.state().ordinal()]
            : PLAIN_TAILS[r.state().ordinal()]);
        written();
        return;
      }
      out.raw(STATES[r.state().ordinal()]);
      out.raw(WAIT_REASON);
      if (waitReason.isEmpty()) {
        out.nul();
      } else {
        out.raw(encoded(waitReason));
      }
      out.raw(PARTIAL);
      out.bool(partial);
      out.raw(DEADLINE_OVERRUN);
      out.bool(o != null);
      if (o != null) {
        out.raw(OVERRUN_CTX);
        out.hex(o.ctx());
        out.raw(CONTEXT_CREATOR_GOID);
        out.number(o.contextCreatorGoid());
        out.raw(DEADLINE_FIRED_NS);
        out.number(o.deadlineFiredNs());
        out.raw(OVERRUN_NS);
        out.number(o.overrunNs());
        out.raw(LEAK_CANDIDATE);
      } else {
        out.raw(OVERRUN_NULL);
        out.raw(LEAK_CANDIDATE_NO_OVERRUN);
      }
      out.bool(leak);
      out.raw(INCOMPLETE);
      out.bool(incomplete);
      out.raw(CONTEXT_EVENTS);
      if (!events.isEmpty()) {
        contextEvents(events);
      }
      out.raw(PARKS);
      if (!events.isEmpty()) {
        parks(events);
      }
      out.raw(EVENTS);
      for (int i = 0; i < events.size(); i++) {
        GoroutineEvent e = events.get(i);
        if (i > 0) {
          out.raw(',');
        }
        out.raw(EVENT);
        out.raw(encoded(e.name()));
        out.raw(NS);
        out.number(e.timestampNs());
        attributes(e.attributes(), true);
        out.raw('}');
      }
      out.raw(ATTRIBUTES);
      attributes(attributes, false);
      if (stack.isEmpty()) {
        out.raw(END_GOROUTINE);
      } else {
        out.raw(STACK);
        for (int i = 0; i < stack.size(); i++) {
          if (i > 0) {
            out.raw(',');
          }
          location(stack.get(i));
        }
        out.raw(END_STACK);
      }
      written();
    } catch (IOException e) {
      fail();
    }
  }

  /**
   * {@code ,"parentTraced":…,"startFunction":…,"startPc":…,"createdAt":{…},"startNs":} for a
   * goroutine, from the last one of its creation site (the view hands out one {@link
   * CodeLocation} object per creation PC) when it had the same start.
   */
  private byte[] siteChunk(boolean parentTraced, String startFunction, long startPc,
      CodeLocation site) throws IOException {
    SiteChunk c = sites.get(site);
    if (c == null || c.startPc != startPc || c.startFunction != startFunction) {
      c = new SiteChunk(startPc, startFunction, siteBytes(true, startFunction, startPc, site),
          siteBytes(false, startFunction, startPc, site));
      if (sites.size() < MAX_CACHED_STRINGS || sites.containsKey(site)) {
        sites.put(site, c);
      }
    }
    return parentTraced ? c.traced : c.untraced;
  }

  private byte[] siteBytes(boolean parentTraced, String startFunction, long startPc,
      CodeLocation site) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    JsonText t = new JsonText(bytes, 256);
    t.raw(PARENT_TRACED);
    t.bool(parentTraced);
    t.raw(START_FUNCTION);
    t.raw(encoded(startFunction));
    t.raw(START_PC);
    t.hex(startPc);
    t.raw(CREATED_AT);
    t.raw(encoded(site.function()));
    t.raw(FILE);
    t.raw(encoded(site.file()));
    t.raw(LINE);
    t.number(site.line());
    t.raw(START_NS);
    t.flush();
    return bytes.toByteArray();
  }

  /** The encoded site part of the lines of one creation site, for one start. */
  private record SiteChunk(long startPc, String startFunction, byte[] traced, byte[] untraced) {}

  private void contextEvents(List<GoroutineEvent> events) throws IOException {
    boolean first = true;
    for (ContextEvent e : ContextEvent.of(events)) {
      if (!first) {
        out.raw(',');
      }
      first = false;
      out.raw(EVENT);
      out.raw(encoded(e.kind().eventName()));
      out.raw(NS);
      out.number(e.timestampNs());
      out.raw(CTX);
      out.hex(e.ctx());
      out.raw(DEADLINE_UNIX_NS);
      nullableNumber(e.deadlineUnixNs() <= 0, e.deadlineUnixNs());
      out.raw('}');
    }
  }

  private void parks(List<GoroutineEvent> events) throws IOException {
    boolean first = true;
    for (ParkInterval p : ParkInterval.of(events)) {
      if (!first) {
        out.raw(',');
      }
      first = false;
      out.raw(PARK_START_NS);
      out.number(p.startNs());
      out.raw(END_NS);
      nullableNumber(p.isOpen(), p.endNs());
      out.raw(WAIT_REASON);
      out.raw(encoded(p.waitReason()));
      out.raw(WAIT_REASON_CODE);
      out.number(p.waitReasonCode());
      out.raw(WAKER_GOID);
      nullableNumber(p.wakerGoid() < 0, p.wakerGoid());
      out.raw('}');
    }
  }

  @Override
  public synchronized void goroutinesSampled(SampleRecord s) {
    if (!writable()) {
      return;
    }
    try {
      out.raw(key("{\"type\":\"sample\",\"pid\":"));
      out.number(s.pid());
      field("ns", s.timestampNs());
      field("unixNs", clock.toEpochNanos(s.timestampNs()));
      field("intervalNs", s.intervalNs());
      field("readNs", s.readNs());
      field("goroutines", s.goroutines());
      field("leftOut", s.leftOut());
      counts("byStatus", s.byStatus());
      counts("byWaitReason", s.byWaitReason());
      out.raw(key(",\"byCreationSite\":["));
      List<SampleRecord.SiteCount> sites = s.bySite();
      for (int i = 0; i < sites.size(); i++) {
        if (i > 0) {
          out.raw(',');
        }
        SampleRecord.SiteCount c = sites.get(i);
        out.raw(FUNCTION_OBJECT);
        out.raw(encoded(c.site().function()));
        out.raw(FILE);
        out.raw(encoded(c.site().file()));
        out.raw(LINE);
        out.number(c.site().line());
        out.raw(COUNT);
        out.number(c.count());
        out.raw('}');
      }
      out.raw(']');
      field("otherSites", s.otherSites());
      counts("blockedNs", s.blockedNs());
      out.raw(key(",\"leakGroups\":["));
      List<LeakGroupRecord> groups = s.leakGroups();
      for (int i = 0; i < groups.size(); i++) {
        if (i > 0) {
          out.raw(',');
        }
        leakGroup(groups.get(i));
      }
      out.raw(']');
      out.raw(key(",\"bursts\":"));
      BurstStatus b = s.bursts();
      if (b == null) {
        out.nul();
      } else {
        out.raw(key("{\"active\":"));
        out.bool(b.active());
        field("bursts", b.bursts());
        field("probeHits", b.probeHits());
        field("trapCostNs", b.trapCostNs());
        field("budgetPercent", b.budgetPercent());
        field("estimatedOverheadPercent", b.estimatedOverheadPercent());
        out.raw('}');
      }
      out.raw(END_OBJECT);
      written();
    } catch (IOException e) {
      fail();
    }
  }

  private void leakGroup(LeakGroupRecord g) throws IOException {
    out.raw(key("{\"id\":"));
    out.string(g.id());
    out.raw(key(",\"creationSite\":"));
    location(g.creationSite());
    out.raw(key(",\"startFunction\":"));
    out.raw(encoded(g.startFunction()));
    out.raw(WAIT_REASON);
    out.raw(encoded(g.waitReason()));
    out.raw(key(",\"topFrames\":["));
    List<CodeLocation> frames = g.topFrames();
    for (int i = 0; i < frames.size(); i++) {
      if (i > 0) {
        out.raw(',');
      }
      location(frames.get(i));
    }
    out.raw(']');
    field("count", g.count());
    field("blocked", g.blocked());
    field("growth", g.growth());
    field("windowNs", g.windowNs());
    out.raw(key(",\"growing\":"));
    out.bool(g.growing());
    out.raw(REASON);
    out.string(g.reason());
    field("oldestBlockedSinceNs", g.oldestBlockedSinceNs());
    out.raw(key(",\"channel\":"));
    ChannelInfo c = g.channel();
    if (c == null) {
      out.nul();
    } else {
      out.raw(key("{\"address\":"));
      out.string(Attr.hex(c.address()));
      out.raw(key(",\"elemType\":"));
      out.string(c.elemType());
      field("capacity", c.capacity());
      field("length", c.length());
      out.raw(key(",\"closed\":"));
      out.bool(c.closed());
      field("waitingSenders", c.waitingSenders());
      field("waitingReceivers", c.waitingReceivers());
      out.raw('}');
    }
    field("channels", g.channels());
    out.raw(key(",\"semaphore\":"));
    if (g.semaphore() == 0) {
      out.nul();
    } else {
      out.string(Attr.hex(g.semaphore()));
    }
    field("semaphores", g.semaphores());
    out.raw(key(",\"exampleGoids\":["));
    List<Long> goids = g.exampleGoids();
    for (int i = 0; i < goids.size(); i++) {
      if (i > 0) {
        out.raw(',');
      }
      out.number(goids.get(i));
    }
    out.raw(key("]}"));
  }

  /** {@code {"function","file","line"}}. */
  private void location(CodeLocation l) throws IOException {
    out.raw(FUNCTION_OBJECT);
    out.raw(encoded(l.function()));
    out.raw(FILE);
    out.raw(encoded(l.file()));
    out.raw(LINE);
    out.number(l.line());
    out.raw('}');
  }

  /** {@code ,"name":{"key":n,…}}. */
  private void counts(String name, Map<String, ? extends Number> counts) throws IOException {
    out.raw(key(",\"" + name + "\":{"));
    boolean first = true;
    for (Map.Entry<String, ? extends Number> e : counts.entrySet()) {
      if (!first) {
        out.raw(',');
      }
      first = false;
      out.string(e.getKey());
      out.raw(':');
      out.number(e.getValue().longValue());
    }
    out.raw('}');
  }

  /** {@code ,"name":v}: sample lines are one per interval, so their keys are not cached. */
  private void field(String name, long v) throws IOException {
    out.raw(key(",\"" + name + "\":"));
    out.number(v);
  }

  private void field(String name, double v) throws IOException {
    out.raw(key(",\"" + name + "\":"));
    out.number(v);
  }

  private void context(ContextRecord c) {
    if (!writable()) {
      return;
    }
    try {
      boolean live = c.isLive();
      out.raw(CONTEXT);
      out.number(c.pid());
      out.raw(CTX);
      out.hex(c.ctx());
      out.raw(PARENT_CTX);
      if (c.parentCtx() == 0) {
        out.nul();
      } else {
        out.hex(c.parentCtx());
      }
      out.raw(GOID);
      out.number(c.creatorGoid());
      out.raw(CANCELLED_BY);
      nullableNumber(live || c.cancellerGoid() < 0, c.cancellerGoid());
      out.raw(CREATED_NS);
      out.number(c.createdNs());
      out.raw(CREATED_UNIX_NS);
      out.number(clock.toEpochNanos(c.createdNs()));
      out.raw(DEADLINE_UNIX_NS);
      out.number(c.deadlineUnixNs());
      out.raw(ENDED_NS);
      nullableNumber(live, c.endedNs());
      out.raw(ENDED_UNIX_NS);
      nullableNumber(live, live ? 0 : clock.toEpochNanos(c.endedNs()));
      out.raw(REASON);
      if (c.reason() == null) {
        out.nul();
      } else {
        out.raw(REASONS[c.reason().ordinal()]);
      }
      out.raw(OVERRUN_GOIDS);
      List<Long> overran = c.overrunGoids();
      for (int i = 0; i < overran.size(); i++) {
        if (i > 0) {
          out.raw(',');
        }
        out.number(overran.get(i));
      }
      out.raw(END_CONTEXT);
      written();
    } catch (IOException e) {
      fail();
    }
  }

  @Override
  public synchronized void stopTheWorld(StwRecord p) {
    if (!writable()) {
      return;
    }
    try {
      out.raw(STW);
      out.number(p.pid());
      out.raw(STW_START_NS);
      out.number(p.startNs());
      out.raw(END_NS);
      out.number(p.endNs());
      out.raw(START_UNIX_NS);
      out.number(clock.toEpochNanos(p.startNs()));
      out.raw(END_UNIX_NS);
      out.number(clock.toEpochNanos(p.endNs()));
      out.raw(DURATION_NS);
      out.number(p.durationNs());
      out.raw(REASON);
      out.string(p.reason());
      out.raw(GC);
      out.bool(p.gc());
      out.raw(STOPPER_GOID);
      nullableNumber(p.stopperGoid() <= 0, p.stopperGoid());
      out.raw(GOMAXPROCS);
      nullableNumber(p.gomaxprocs() <= 0, p.gomaxprocs());
      out.raw(RUNNING);
      out.number(p.running());
      out.raw(RUNNING_GOIDS);
      List<Long> running = p.runningGoids();
      for (int i = 0; i < running.size(); i++) {
        if (i > 0) {
          out.raw(',');
        }
        out.number(running.get(i));
      }
      out.raw(END_CONTEXT);
      written();
    } catch (IOException e) {
      fail();
    }
  }

  @Override
  public synchronized void threadsSampled(ThreadsRecord t) {
    if (!writable()) {
      return;
    }
    try {
      out.raw(THREADS);
      out.number(t.pid());
      out.raw(NS);
      out.number(t.timestampNs());
      out.raw(UNIX_NS);
      out.number(clock.toEpochNanos(t.timestampNs()));
      out.raw(THREAD_COUNT);
      nullableNumber(t.threads() <= 0, t.threads());
      out.raw(GOMAXPROCS);
      nullableNumber(t.gomaxprocs() <= 0, t.gomaxprocs());
      out.raw(IN_SYSCALL);
      out.number(t.inSyscall());
      out.raw(THRESHOLD_NS);
      out.number(t.thresholdNs());
      out.raw(BLOCKED);
      List<ThreadsRecord.Blocked> blocked = t.blocked();
      for (int i = 0; i < blocked.size(); i++) {
        ThreadsRecord.Blocked b = blocked.get(i);
        out.raw(i == 0 ? BLOCKED_GOID_FIRST : BLOCKED_GOID);
        out.number(b.goid());
        out.raw(SINCE_NS);
        out.number(b.sinceNs());
        out.raw(SINCE_UNIX_NS);
        out.number(clock.toEpochNanos(b.sinceNs()));
        out.raw(LOCKED_TO_THREAD);
        out.bool(b.lockedToThread());
        out.raw('}');
      }
      out.raw(END_CONTEXT);
      written();
    } catch (IOException e) {
      fail();
    }
  }

  @Override
  public synchronized void eventsLost(int pid, long count) {
    if (!writable()) {
      return;
    }
    try {
      out.raw(EVENTS_LOST);
      out.number(pid);
      out.raw(COUNT);
      out.number(count);
      out.raw(END_OBJECT);
      written();
    } catch (IOException e) {
      fail();
    }
  }

  @Override
  public synchronized void processEnded(int pid, long timestampNs) {
    if (!writable()) {
      return;
    }
    try {
      out.raw(PROCESS_END);
      out.number(pid);
      out.raw(END_NS);
      out.number(timestampNs);
      out.raw(END_UNIX_NS);
      out.number(clock.toEpochNanos(timestampNs));
      out.raw(END_OBJECT);
      written();
    } catch (IOException e) {
      fail();
    }
  }

  @Override
  public synchronized void flush() {
    if (broken) {
      return;
    }
    try {
      out.flush();
      dirty = false;
    } catch (IOException e) {
      fail();
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      flush();
      closed = true;
      if (closeStream) {
        try {
          stream.close();
        } catch (IOException e) {
          fail();
        }
      }
    }
    flusher.shutdownNow();
  }

  public synchronized long linesWritten() {
    return linesWritten;
  }

  /** Records not written because output failed. */
  public synchronized long writeErrors() {
    return writeErrors;
  }

  /** The timer: asks the writer to flush, or flushes itself when no line came for a tick. */
  private void tick() {
    if (flushDue) {
      synchronized (this) {
        if (dirty && !closed) {
          flush();
        }
      }
    }
    flushDue = true;
  }

  /** Whether a line may be written now; counts the record as lost when not. */
  private boolean writable() {
    if (broken || closed) {
      writeErrors++;
      return false;
    }
    return true;
  }

  private void written() {
    linesWritten++;
    dirty = true;
    if (flushDue) {
      flushDue = false;
      flush();
    }
  }

  private void fail() {
    broken = true;
    writeErrors++;
  }

  private void nullableNumber(boolean isNull, long v) throws IOException {
    if (isNull) {
      out.nul();
    } else {
      out.number(v);
    }
  }

  /**
   * Each attribute with a JSON name as a field of the current object, after the fields already
   * there ({@code more}) or as its first.
   */
  private void attributes(Attrs attrs, boolean more) throws IOException {
    for (int i = 0; i < attrs.size(); i++) {
      Attr<?> key = attrs.key(i);
      if (key.jsonName() == null) {
        continue;
      }
      if (more) {
        out.raw(',');
      }
      more = true;
      out.raw(encoded(key.jsonName()));
      out.raw(':');
      Object v = attrs.value(i);
      switch (key.type()) {
        case STRING -> out.string((String) v);
        case LONG -> out.number((Long) v);
        case BOOLEAN -> out.bool((Boolean) v);
        case DOUBLE -> out.number((Double) v);
        case ADDRESS -> out.hex((Long) v);
      }
    }
  }

  /**
   * The JSON form of a string the correlator hands out again and again (one String per
   * symbolised PC, per event kind): escaped and encoded once, found by identity.
   */
  private byte[] encoded(String s) {
    byte[] b = encoded.get(s);
    if (b == null) {
      b = JsonText.encode(s);
      if (encoded.size() < MAX_CACHED_STRINGS) {
        encoded.put(s, b);
      }
    }
    return b;
  }

  private static byte[][] states() {
    GoroutineState[] all = GoroutineState.values();
    byte[][] out = new byte[all.length][];
    for (GoroutineState s : all) {
      out[s.ordinal()] = key(",\"state\":\"" + s.attributeValue() + "\"");
    }
    return out;
  }

  private static byte[][] plainTails(boolean partial) {
    GoroutineState[] all = GoroutineState.values();
    byte[][] out = new byte[all.length][];
    for (GoroutineState s : all) {
      out[s.ordinal()] = key(",\"state\":\"" + s.attributeValue() + "\",\"waitReason\":null"
          + ",\"partial\":" + partial + ",\"deadlineOverrun\":false,\"overrun\":null"
          + ",\"leakCandidate\":false,\"incomplete\":false,\"contextEvents\":[]"
          + ",\"parks\":[],\"events\":[],\"attributes\":{}}\n");
    }
    return out;
  }

  private static byte[][] reasons() {
    ContextRecord.EndReason[] all = ContextRecord.EndReason.values();
    byte[][] out = new byte[all.length][];
    for (ContextRecord.EndReason r : all) {
      out[r.ordinal()] = JsonText.encode(r.attributeValue());
    }
    return out;
  }
}
