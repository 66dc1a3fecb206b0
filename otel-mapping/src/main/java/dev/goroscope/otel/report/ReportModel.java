package dev.goroscope.otel.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.goroscope.otel.span.TraceRootPolicy;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything an HTML report shows, built from goroscope's JSON lines one line at a time (a saved
 * run, or the lines of a running attach). Tolerant by design: a line that is not a JSON object
 * is counted and skipped, an unknown {@code type} is counted, unknown fields are ignored, and the
 * fields later schemas add are used when present ({@code events}, {@code attributes},
 * {@code stack}, {@code channel}, {@code semaphore}, {@code stw} lines).
 *
 * <p>Thread-safe: lines may arrive on one thread while another renders.
 */
public final class ReportModel {

  /** Goroutines kept by default; beyond it the oldest are dropped from the report and counted. */
  public static final int DEFAULT_MAX_GOROUTINES = 1_000_000;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_STACK_FRAMES = 64;
  private static final Set<String> EVENT_CORE_FIELDS = Set.of("event", "ns", "durationNs");

  private final int maxGoroutines;
  private final TraceRootPolicy rootPolicy;
  private final List<String> rootFunctions;
  private final StringTable names = new StringTable();
  private final List<ReportProcess> processes = new ArrayList<>();
  private final Map<Integer, ReportProcess> currentByPid = new HashMap<>();
  private final LinkedHashMap<Key, ReportGoroutine> goroutines = new LinkedHashMap<>();
  private final List<long[]> stw = new ArrayList<>(); // process index, start, end
  private final List<String> stwReasons = new ArrayList<>();
  private final Map<String, Long> unknownTypes = new TreeMap<>();
  private final LinkedHashMap<String, ContextState> contexts = new LinkedHashMap<>();
  private long lineNumber;
  private long lines;
  private long goroutineLines;
  private long malformed;
  private String firstMalformed = "";
  private long evicted;
  private long minNs = Long.MAX_VALUE;
  private long maxNs = Long.MIN_VALUE;
  private long unixOffsetNs = ReportGoroutine.NONE;
  private long version;

  private record Key(int process, long goid) {}

  /** The latest state of one context with a deadline: how it ended, and whom it overran. */
  record ContextState(String reason, int overruns) {}

  private ReportModel(Builder b) {
    this.maxGoroutines = b.maxGoroutines;
    this.rootFunctions = List.copyOf(new TreeSet<>(b.rootFunctions));
    this.rootPolicy = TraceRootPolicy.of(rootFunctions);
  }

  public static ReportModel create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Reads every line of {@code in} (a saved {@code --output jsonl} run). */
  public void read(BufferedReader in) throws IOException {
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      accept(line);
    }
  }

  /** One JSON line; blank lines are ignored, anything else that is not an object is counted. */
  public synchronized void accept(String line) {
    lineNumber++;
    if (line.isBlank()) {
      return;
    }
    lines++;
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      malformed("not JSON", line);
      return;
    }
    if (node == null || !node.isObject() || !node.path("type").isTextual()) {
      malformed("not an object with a type", line);
      return;
    }
    String type = node.get("type").asText();
    switch (type) {
      case "goroutine" -> goroutine(node);
      case "context" -> context(node);
      case "process" -> process(node);
      case "process_end" -> processEnd(node);
      case "events_lost" -> process(pid(node), true).eventsLost += node.path("count").asLong();
      case "stw" -> stw(node);
      default -> unknownTypes.merge(type, 1L, Long::sum);
    }
    version++;
  }

  /** Changes whenever a line was taken in: a refresher renders only when it moved. */
  public synchronized long version() {
    return version;
  }

  /** What was read: counts for messages and tests. */
  public synchronized Stats stats() {
    long leaks = 0;
    long overruns = 0;
    for (ReportGoroutine g : goroutines.values()) {
      leaks += g.has(ReportGoroutine.LEAK) ? 1 : 0;
      overruns += g.has(ReportGoroutine.OVERRUN) ? 1 : 0;
    }
    return new Stats(lines, goroutineLines, goroutines.size(), processes.size(), overruns, leaks,
        malformed, firstMalformed, evicted, Map.copyOf(unknownTypes));
  }

  /**
   * @param lines non-blank lines read
   * @param goroutineLines lines of type goroutine (a goroutine may have several)
   * @param goroutines distinct goroutines in the report
   * @param processes process incarnations seen
   * @param deadlineOverruns goroutines flagged as deadline overruns
   * @param leakCandidates goroutines flagged as leak candidates
   * @param malformed lines skipped because they are not JSON objects with a type
   * @param firstMalformed where the first of them was, e.g. {@code line 12: not JSON}, or empty
   * @param evicted goroutines dropped because the report holds at most its maximum
   * @param unknownTypes lines of types this version does not draw, by type
   */
  public record Stats(
      long lines, long goroutineLines, long goroutines, long processes, long deadlineOverruns,
      long leakCandidates, long malformed, String firstMalformed, long evicted,
      Map<String, Long> unknownTypes) {}

  // ---- line handlers ----

  private void goroutine(JsonNode n) {
    goroutineLines++;
    if (!n.path("goid").canConvertToLong()) {
      malformed("goroutine without goid", n.toString());
      return;
    }
    ReportProcess p = process(pid(n), false);
    long goid = n.get("goid").asLong();
    Key key = new Key(p.index, goid);
    ReportGoroutine g = goroutines.get(key);
    boolean partial = n.path("partial").asBoolean(n.path("endNs").isNull());
    if (g == null) {
      g = new ReportGoroutine(p, goid);
      goroutines.put(key, g);
      p.goroutines++;
      evictBeyondMax();
    } else if (g.finished() && partial) {
      return; // a late partial line never undoes the end
    }
    g.parentGoid = n.path("parentGoid").asLong(0);
    g.startFunction = name(n.path("startFunction").asText(""));
    JsonNode site = n.has("createdAt") ? n.path("createdAt") : n.path("createdBy");
    g.siteFunction = name(site.path("function").asText(""));
    g.siteFile = name(site.path("file").asText(""));
    g.siteLine = site.path("line").asInt(0);
    g.startNs = n.path("startNs").asLong(0);
    g.endNs = partial || !n.path("endNs").canConvertToLong()
        ? ReportGoroutine.NONE : n.get("endNs").asLong();
    g.state = name(n.path("state").asText(n.path("status").asText("")));
    g.waitReason = name(n.path("waitReason").asText(""));
    int flags = 0;
    flags |= partial ? ReportGoroutine.PARTIAL : 0;
    flags |= n.path("leakCandidate").asBoolean() ? ReportGoroutine.LEAK : 0;
    flags |= n.path("incomplete").asBoolean() ? ReportGoroutine.INCOMPLETE : 0;
    flags |= "process_exited".equals(g.state) ? ReportGoroutine.PROCESS_EXITED : 0;
    flags |= n.path("parentTraced").asBoolean(true) ? ReportGoroutine.PARENT_TRACED : 0;
    JsonNode o = n.path("overrun");
    if (n.path("deadlineOverrun").asBoolean() && o.isObject()) {
      flags |= ReportGoroutine.OVERRUN;
      g.overrun = new ReportGoroutine.Overrun(o.path("ctx").asText(""),
          o.path("contextCreatorGoid").asLong(-1), o.path("deadlineFiredNs").asLong(g.startNs),
          o.path("overrunNs").asLong(0));
    } else {
      g.overrun = null;
    }
    g.flags = flags;
    parks(g, n.path("parks"));
    events(g, n);
    g.waitsOn = waitsOn(n);
    g.stack = stack(n.path("stack"));
    see(g.startNs);
    see(g.endNs);
    if (unixOffsetNs == ReportGoroutine.NONE && n.path("startUnixNs").canConvertToLong()) {
      unixOffsetNs = n.get("startUnixNs").asLong() - g.startNs;
    }
  }

  private void parks(ReportGoroutine g, JsonNode parks) {
    if (!parks.isArray() || parks.isEmpty()) {
      g.parks = ReportGoroutine.EMPTY;
      g.parkReasons = ReportGoroutine.NO_STRINGS;
      return;
    }
    long[] p = new long[parks.size() * 3];
    String[] reasons = new String[parks.size()];
    int i = 0;
    for (JsonNode park : parks) {
      long start = park.path("startNs").asLong(g.startNs);
      long end = park.path("endNs").canConvertToLong()
          ? park.get("endNs").asLong() : ReportGoroutine.NONE;
      p[i * 3] = start;
      p[i * 3 + 1] = end;
      p[i * 3 + 2] = park.path("wakerGoid").asLong(-1);
      reasons[i] = name(park.path("waitReason").asText(""));
      see(end);
      i++;
    }
    g.parks = p;
    g.parkReasons = reasons;
  }

  /** The generic event list, plus today's context events as events of the same shape. */
  private void events(ReportGoroutine g, JsonNode n) {
    List<ReportGoroutine.Event> events = new ArrayList<>();
    for (JsonNode e : n.path("contextEvents")) {
      events.add(event(e));
    }
    for (JsonNode e : n.path("events")) {
      if (e.isObject()) {
        ReportGoroutine.Event ev = event(e);
        events.add(ev);
        see(ev.ns());
        if (ev.durationNs() > 0) {
          see(ev.ns() + ev.durationNs());
        }
      }
    }
    JsonNode attributes = n.path("attributes");
    if (attributes.isObject() && !attributes.isEmpty()) {
      events.add(new ReportGoroutine.Event("attributes", ReportGoroutine.NONE, -1,
          attributes.toString()));
    }
    g.events = events.isEmpty() ? List.of() : events;
  }

  private ReportGoroutine.Event event(JsonNode e) {
    ObjectNode rest = JSON.createObjectNode();
    for (Map.Entry<String, JsonNode> f : e.properties()) {
      if (!EVENT_CORE_FIELDS.contains(f.getKey()) && !f.getValue().isNull()) {
        rest.set(f.getKey(), f.getValue());
      }
    }
    return new ReportGoroutine.Event(name(e.path("event").asText("event")),
        e.path("ns").asLong(ReportGoroutine.NONE),
        e.path("durationNs").canConvertToLong() ? e.get("durationNs").asLong() : -1,
        rest.isEmpty() ? "" : rest.toString());
  }

  /**
   * The channel or lock a blocked goroutine waits on, from the sampled-mode fields
   * ({@code channel}, {@code semaphore}) or the same names among its {@code attributes}.
   */
  private static String waitsOn(JsonNode n) {
    JsonNode ch = n.path("channel");
    if (ch.isObject() && ch.hasNonNull("address")) {
      StringBuilder s = new StringBuilder("chan ").append(ch.get("address").asText());
      if (ch.hasNonNull("elemType")) {
        s.append(" (").append(ch.get("elemType").asText()).append(')');
      }
      if (ch.has("capacity")) {
        s.append(" len ").append(ch.path("length").asLong()).append('/')
            .append(ch.path("capacity").asLong());
      }
      if (ch.path("closed").asBoolean()) {
        s.append(" closed");
      }
      if (ch.has("waitingSenders") || ch.has("waitingReceivers")) {
        s.append(", ").append(ch.path("waitingSenders").asLong()).append(" senders / ")
            .append(ch.path("waitingReceivers").asLong()).append(" receivers waiting");
      }
      return s.toString();
    }
    if (n.path("semaphore").isTextual()) {
      return "lock " + n.get("semaphore").asText();
    }
    JsonNode a = n.path("attributes");
    for (String k : List.of("channel", "channel.address", "goroutine.channel")) {
      if (a.path(k).isTextual()) {
        return "chan " + a.get(k).asText();
      }
    }
    for (String k : List.of("semaphore", "lock", "goroutine.semaphore")) {
      if (a.path(k).isTextual()) {
        return "lock " + a.get(k).asText();
      }
    }
    return "";
  }

  /** A sampled stack as Go prints it (innermost frame first), kept outermost first. */
  private List<String> stack(JsonNode frames) {
    if (!frames.isArray() || frames.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (JsonNode f : frames) {
      String fn = f.isTextual() ? f.asText() : f.path("function").asText("?");
      out.add(0, name(fn));
      if (out.size() == MAX_STACK_FRAMES) {
        break;
      }
    }
    return List.copyOf(out);
  }

  private void context(JsonNode n) {
    String key = process(pid(n), false).index + "/" + n.path("ctx").asText("?") + "/"
        + n.path("createdNs").asLong();
    String reason = n.path("reason").isTextual() ? n.get("reason").asText() : "live";
    contexts.put(key, new ContextState(name(reason), n.path("overrunGoids").size()));
    if (contexts.size() > maxGoroutines) {
      contexts.remove(contexts.keySet().iterator().next());
    }
    see(n.path("createdNs").asLong(ReportGoroutine.NONE));
  }

  private void process(JsonNode n) {
    int pid = pid(n);
    ReportProcess current = currentByPid.get(pid);
    ReportProcess p = current == null || current.ended() || current.goroutines > 0
        ? newProcess(pid) : current;
    p.executable = n.path("executable").asText("");
    p.goVersion = n.path("goVersion").asText("");
    p.modulePath = n.path("modulePath").asText("");
  }

  private void processEnd(JsonNode n) {
    ReportProcess p = process(pid(n), true);
    p.endNs = n.path("endNs").asLong(maxNs);
    see(p.endNs);
  }

  private void stw(JsonNode n) {
    long start = n.path("startNs").asLong(ReportGoroutine.NONE);
    long end = n.path("endNs").asLong(start);
    if (start == ReportGoroutine.NONE) {
      malformed("stw without startNs", n.toString());
      return;
    }
    stw.add(new long[] {process(pid(n), false).index, start, end});
    stwReasons.add(name(n.path("reason").asText("")));
    see(start);
    see(end);
  }

  /** The current incarnation of {@code pid}; a new one once it ended (unless only looking). */
  private ReportProcess process(int pid, boolean keepEnded) {
    ReportProcess p = currentByPid.get(pid);
    if (p == null || (p.ended() && !keepEnded)) {
      p = newProcess(pid);
    }
    return p;
  }

  private ReportProcess newProcess(int pid) {
    ReportProcess p = new ReportProcess(processes.size(), pid);
    processes.add(p);
    currentByPid.put(pid, p);
    return p;
  }

  private void evictBeyondMax() {
    Iterator<ReportGoroutine> it = goroutines.values().iterator();
    while (goroutines.size() > maxGoroutines && it.hasNext()) {
      it.next();
      it.remove();
      evicted++;
    }
  }

  private void malformed(String why, String line) {
    malformed++;
    if (firstMalformed.isEmpty()) {
      String shown = line.length() > 60 ? line.substring(0, 60) + "…" : line;
      firstMalformed = "line " + lineNumber + ": " + why + ": " + shown;
    }
  }

  private static int pid(JsonNode n) {
    return n.path("pid").asInt(0);
  }

  private String name(String s) {
    return s.isEmpty() ? "" : names.intern(s);
  }

  private void see(long ns) {
    if (ns == ReportGoroutine.NONE || ns <= 0) {
      return;
    }
    minNs = Math.min(minNs, ns);
    maxNs = Math.max(maxNs, ns);
  }

  // ---- read access for the data writer (callers hold the lock) ----

  Collection<ReportGoroutine> goroutines() {
    return goroutines.values();
  }

  ReportGoroutine goroutine(ReportProcess p, long goid) {
    return goroutines.get(new Key(p.index, goid));
  }

  List<ReportProcess> processes() {
    return processes;
  }

  List<long[]> stw() {
    return stw;
  }

  List<String> stwReasons() {
    return stwReasons;
  }

  Collection<ContextState> contexts() {
    return contexts.values();
  }

  List<String> rootFunctions() {
    return rootFunctions;
  }

  TraceRootPolicy rootPolicy() {
    return rootPolicy;
  }

  long minNs() {
    return minNs == Long.MAX_VALUE ? 0 : minNs;
  }

  long maxNs() {
    return maxNs == Long.MIN_VALUE ? minNs() : maxNs;
  }

  long unixOffsetNs() {
    return unixOffsetNs;
  }

  long maxGoroutines() {
    return maxGoroutines;
  }

  /** Builder: the cap on goroutines kept and the trace-root functions. */
  public static final class Builder {
    private int maxGoroutines = DEFAULT_MAX_GOROUTINES;
    private Collection<String> rootFunctions = TraceRootPolicy.DEFAULT_ROOT_FUNCTIONS;

    private Builder() {}

    /** At most this many goroutines are kept; the oldest beyond it are dropped and counted. */
    public Builder setMaxGoroutines(int maxGoroutines) {
      if (maxGoroutines <= 0) {
        throw new IllegalArgumentException("maxGoroutines must be positive");
      }
      this.maxGoroutines = maxGoroutines;
      return this;
    }

    /** Start functions that begin a trace of their own, as {@code --trace-root} takes them. */
    public Builder setRootFunctions(Collection<String> rootFunctions) {
      this.rootFunctions = List.copyOf(Objects.requireNonNull(rootFunctions, "rootFunctions"));
      return this;
    }

    public ReportModel build() {
      return new ReportModel(this);
    }
  }
}
