package dev.goroscope.otel.report;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link ReportModel} as the report's data object: column arrays (one entry per
 * goroutine) that the page reads without building an object per goroutine, names through one
 * string table, times in microseconds since the first event. The parent links, trace roots and
 * leak groups are resolved here, once, so the page only lays out and draws.
 *
 * <p>Shape ({@code format: "goroscope-report/1"}): {@code strings}, {@code processes},
 * {@code sites} (start function + creation site, by column), {@code goroutines} (goid, proc,
 * parent index or -1, parentGoid, site, start, end or -1, state, wait, flags, trace root index),
 * {@code overruns}, {@code parks}, {@code events}, {@code waitsOn}, {@code stacks},
 * {@code leakGroups}, {@code contexts}, {@code stw}, {@code input}.
 */
final class ReportDataWriter {
  static final String FORMAT = "goroscope-report/1";
  /** Flag bits in {@code goroutines.flags}, as the page reads them. */
  static final int TRACE_ROOT = 64;

  private static final int MAX_LEAK_GROUP_EXAMPLES = 5;
  /** Ancestors followed at most when resolving a trace root. */
  private static final int MAX_DEPTH = 4096;

  private final ReportModel model;
  private final JsonGenerator json;
  private final StringTable strings = new StringTable();
  private final Map<String, Integer> siteIds = new HashMap<>();
  private final List<ReportGoroutine> sites = new ArrayList<>();

  private ReportDataWriter(ReportModel model, JsonGenerator json) {
    this.model = model;
    this.json = json;
  }

  /** Writes the data object of {@code model}, holding its lock while reading it. */
  static void write(ReportModel model, JsonGenerator json, long generatedUnixMs,
      double liveRefreshSeconds) throws IOException {
    synchronized (model) {
      new ReportDataWriter(model, json).writeAll(generatedUnixMs, liveRefreshSeconds);
    }
  }

  private void writeAll(long generatedUnixMs, double liveRefreshSeconds) throws IOException {
    List<ReportGoroutine> gs = new ArrayList<>(model.goroutines());
    int n = gs.size();
    Map<ReportGoroutine, Integer> index = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      index.put(gs.get(i), i);
    }
    int[] parent = new int[n];
    int[] site = new int[n];
    int[] flags = new int[n];
    for (int i = 0; i < n; i++) {
      ReportGoroutine g = gs.get(i);
      ReportGoroutine p = g.parentGoid > 0 && g.parentGoid != g.goid
          ? model.goroutine(g.process, g.parentGoid) : null;
      parent[i] = p == null ? -1 : index.get(p);
      site[i] = siteId(g);
      boolean root = parent[i] < 0 || !g.has(ReportGoroutine.PARENT_TRACED)
          || model.rootPolicy().isRootFunction(g.startFunction);
      flags[i] = g.flags | (root ? TRACE_ROOT : 0);
    }
    int[] trace = traceRoots(parent, flags);
    long t0 = model.minNs();

    json.writeStartObject();
    json.writeStringField("format", FORMAT);
    json.writeNumberField("generatedUnixMs", generatedUnixMs);
    json.writeNumberField("liveRefreshSeconds", liveRefreshSeconds);
    json.writeStringField("t0Ns", Long.toString(t0));
    long unixOffset = model.unixOffsetNs();
    if (unixOffset == ReportGoroutine.NONE) {
      json.writeNullField("t0UnixMs");
    } else {
      json.writeNumberField("t0UnixMs", (t0 + unixOffset) / 1_000_000L);
    }
    json.writeNumberField("endUs", us(model.maxNs(), t0));
    writeProcesses(t0);
    writeGoroutines(gs, parent, site, flags, trace, t0);
    writeOverruns(gs, t0);
    writeParks(gs, t0);
    writeEvents(gs, t0);
    writeWaitsOn(gs);
    writeStacks(gs);
    writeLeakGroups(gs, site, t0);
    writeContexts();
    writeStw(t0);
    writeInput();
    writeSites();
    json.writeArrayFieldStart("rootFunctions");
    for (String f : model.rootFunctions()) {
      json.writeString(f);
    }
    json.writeEndArray();
    // Last: every name used above is in the table by now.
    json.writeArrayFieldStart("strings");
    for (String s : strings.strings()) {
      json.writeString(s);
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  /** Each goroutine's trace root: the nearest ancestor-or-self flagged as a root. */
  private static int[] traceRoots(int[] parent, int[] flags) {
    int n = parent.length;
    int[] trace = new int[n];
    Arrays.fill(trace, -1);
    int[] path = new int[MAX_DEPTH];
    for (int i = 0; i < n; i++) {
      int len = 0;
      int at = i;
      // Climb to a root or a goroutine already resolved (bounded: bad input may loop).
      while (trace[at] < 0 && (flags[at] & TRACE_ROOT) == 0 && parent[at] >= 0
          && len < MAX_DEPTH) {
        path[len++] = at;
        at = parent[at];
      }
      int root = trace[at] >= 0 ? trace[at] : at;
      trace[at] = root;
      for (int k = 0; k < len; k++) {
        trace[path[k]] = root;
      }
    }
    return trace;
  }

  private int siteId(ReportGoroutine g) {
    String key = g.startFunction + '\n' + g.siteFunction + '\n' + g.siteFile + '\n' + g.siteLine;
    Integer id = siteIds.get(key);
    if (id == null) {
      id = sites.size();
      siteIds.put(key, id);
      sites.add(g);
    }
    return id;
  }

  private void writeSites() throws IOException {
    json.writeObjectFieldStart("sites");
    column("startFunction", sites.size(), i -> strings.id(sites.get(i).startFunction));
    column("function", sites.size(), i -> strings.id(sites.get(i).siteFunction));
    column("file", sites.size(), i -> strings.id(sites.get(i).siteFile));
    column("line", sites.size(), i -> sites.get(i).siteLine);
    json.writeEndObject();
  }

  private void writeProcesses(long t0) throws IOException {
    json.writeArrayFieldStart("processes");
    for (ReportProcess p : model.processes()) {
      json.writeStartObject();
      json.writeNumberField("pid", p.pid);
      json.writeStringField("executable", p.executable);
      json.writeStringField("goVersion", p.goVersion);
      json.writeStringField("modulePath", p.modulePath);
      if (p.ended()) {
        json.writeNumberField("endUs", us(p.endNs, t0));
      } else {
        json.writeNullField("endUs");
      }
      json.writeNumberField("eventsLost", p.eventsLost);
      json.writeNumberField("goroutines", p.goroutines);
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  private void writeGoroutines(List<ReportGoroutine> gs, int[] parent, int[] site, int[] flags,
      int[] trace, long t0) throws IOException {
    int n = gs.size();
    json.writeObjectFieldStart("goroutines");
    json.writeNumberField("count", n);
    column("goid", n, i -> gs.get(i).goid);
    column("proc", n, i -> gs.get(i).process.index);
    column("parent", n, i -> parent[i]);
    column("parentGoid", n, i -> gs.get(i).parentGoid);
    column("site", n, i -> site[i]);
    column("start", n, i -> us(gs.get(i).startNs, t0));
    column("end", n, i -> gs.get(i).finished() ? us(gs.get(i).endNs, t0) : -1);
    column("state", n, i -> strings.id(gs.get(i).state));
    column("wait", n, i -> gs.get(i).waitReason.isEmpty() ? -1 : strings.id(gs.get(i).waitReason));
    column("flags", n, i -> flags[i]);
    column("trace", n, i -> trace[i]);
    json.writeEndObject();
  }

  private void writeOverruns(List<ReportGoroutine> gs, long t0) throws IOException {
    List<Integer> with = new ArrayList<>();
    for (int i = 0; i < gs.size(); i++) {
      if (gs.get(i).overrun != null) {
        with.add(i);
      }
    }
    json.writeObjectFieldStart("overruns");
    column("g", with.size(), k -> with.get(k));
    column("deadline", with.size(), k -> us(gs.get(with.get(k)).overrun.deadlineFiredNs(), t0));
    column("overrunNs", with.size(), k -> gs.get(with.get(k)).overrun.overrunNs());
    column("ctx", with.size(), k -> strings.id(gs.get(with.get(k)).overrun.ctx()));
    column("creator", with.size(), k -> gs.get(with.get(k)).overrun.contextCreatorGoid());
    json.writeEndObject();
  }

  private void writeParks(List<ReportGoroutine> gs, long t0) throws IOException {
    int total = 0;
    for (ReportGoroutine g : gs) {
      total += g.parkReasons.length;
    }
    int[] owner = new int[total];
    long[] start = new long[total];
    long[] end = new long[total];
    int[] reason = new int[total];
    long[] waker = new long[total];
    int k = 0;
    for (int i = 0; i < gs.size(); i++) {
      ReportGoroutine g = gs.get(i);
      for (int p = 0; p < g.parkReasons.length; p++, k++) {
        owner[k] = i;
        start[k] = us(g.parks[p * 3], t0);
        end[k] = g.parks[p * 3 + 1] == ReportGoroutine.NONE ? -1 : us(g.parks[p * 3 + 1], t0);
        waker[k] = g.parks[p * 3 + 2];
        reason[k] = strings.id(g.parkReasons[p]);
      }
    }
    json.writeObjectFieldStart("parks");
    column("g", total, i -> owner[i]);
    column("start", total, i -> start[i]);
    column("end", total, i -> end[i]);
    column("reason", total, i -> reason[i]);
    column("waker", total, i -> waker[i]);
    json.writeEndObject();
  }

  private void writeEvents(List<ReportGoroutine> gs, long t0) throws IOException {
    List<long[]> rows = new ArrayList<>(); // owner, name, at, duration, attributes
    for (int i = 0; i < gs.size(); i++) {
      for (ReportGoroutine.Event e : gs.get(i).events) {
        rows.add(new long[] {
          i, strings.id(e.name()), e.ns() == ReportGoroutine.NONE ? -1 : us(e.ns(), t0),
          e.durationNs() < 0 ? -1 : e.durationNs() / 1000, e.attributes().isEmpty() ? -1
              : strings.id(e.attributes())
        });
      }
    }
    json.writeObjectFieldStart("events");
    column("g", rows.size(), k -> rows.get(k)[0]);
    column("name", rows.size(), k -> rows.get(k)[1]);
    column("at", rows.size(), k -> rows.get(k)[2]);
    column("dur", rows.size(), k -> rows.get(k)[3]);
    column("attrs", rows.size(), k -> rows.get(k)[4]);
    json.writeEndObject();
  }

  private void writeWaitsOn(List<ReportGoroutine> gs) throws IOException {
    List<Integer> with = new ArrayList<>();
    for (int i = 0; i < gs.size(); i++) {
      if (!gs.get(i).waitsOn.isEmpty()) {
        with.add(i);
      }
    }
    json.writeObjectFieldStart("waitsOn");
    column("g", with.size(), k -> with.get(k));
    column("label", with.size(), k -> strings.id(gs.get(with.get(k)).waitsOn));
    json.writeEndObject();
  }

  private void writeStacks(List<ReportGoroutine> gs) throws IOException {
    json.writeObjectFieldStart("stacks");
    json.writeArrayFieldStart("g");
    for (int i = 0; i < gs.size(); i++) {
      if (!gs.get(i).stack.isEmpty()) {
        json.writeNumber(i);
      }
    }
    json.writeEndArray();
    json.writeArrayFieldStart("frames");
    for (ReportGoroutine g : gs) {
      if (!g.stack.isEmpty()) {
        json.writeStartArray();
        for (String f : g.stack) {
          json.writeNumber(strings.id(f));
        }
        json.writeEndArray();
      }
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  /**
   * Leak candidates grouped as the correlator's leak report groups them — process, creation
   * site, start function, wait reason — and, when known, the channel or lock they wait on.
   */
  private void writeLeakGroups(List<ReportGoroutine> gs, int[] site, long t0) throws IOException {
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < gs.size(); i++) {
      ReportGoroutine g = gs.get(i);
      if (g.has(ReportGoroutine.LEAK)) {
        String key = g.process.index + "\n" + site[i] + "\n" + g.waitReason + "\n" + g.waitsOn;
        groups.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
      }
    }
    List<List<Integer>> sorted = new ArrayList<>(groups.values());
    sorted.sort((a, b) -> Integer.compare(b.size(), a.size()));
    json.writeArrayFieldStart("leakGroups");
    for (List<Integer> members : sorted) {
      ReportGoroutine first = gs.get(members.get(0));
      long oldest = Long.MAX_VALUE;
      for (int i : members) {
        oldest = Math.min(oldest, gs.get(i).startNs);
      }
      json.writeStartObject();
      json.writeNumberField("proc", first.process.index);
      json.writeNumberField("site", site[members.get(0)]);
      json.writeNumberField("wait", first.waitReason.isEmpty() ? -1 : strings.id(first.waitReason));
      json.writeNumberField("waitsOn", first.waitsOn.isEmpty() ? -1 : strings.id(first.waitsOn));
      json.writeNumberField("count", members.size());
      json.writeNumberField("oldestUs", us(oldest, t0));
      json.writeArrayFieldStart("g");
      for (int k = 0; k < Math.min(MAX_LEAK_GROUP_EXAMPLES, members.size()); k++) {
        json.writeNumber(members.get(k));
      }
      json.writeEndArray();
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  private void writeContexts() throws IOException {
    Map<String, Long> byReason = new LinkedHashMap<>();
    long withOverruns = 0;
    long total = 0;
    for (ReportModel.ContextState c : model.contexts()) {
      total++;
      byReason.merge(c.reason(), 1L, Long::sum);
      withOverruns += c.overruns() > 0 ? 1 : 0;
    }
    json.writeObjectFieldStart("contexts");
    json.writeNumberField("total", total);
    json.writeNumberField("withOverruns", withOverruns);
    json.writeObjectFieldStart("byReason");
    for (Map.Entry<String, Long> e : byReason.entrySet()) {
      json.writeNumberField(e.getKey(), e.getValue());
    }
    json.writeEndObject();
    json.writeEndObject();
  }

  private void writeStw(long t0) throws IOException {
    List<long[]> stw = model.stw();
    json.writeObjectFieldStart("stw");
    column("proc", stw.size(), k -> stw.get(k)[0]);
    column("start", stw.size(), k -> us(stw.get(k)[1], t0));
    column("end", stw.size(), k -> us(stw.get(k)[2], t0));
    column("reason", stw.size(), k -> strings.id(model.stwReasons().get(k)));
    json.writeEndObject();
  }

  private void writeInput() throws IOException {
    ReportModel.Stats s = model.stats();
    json.writeObjectFieldStart("input");
    json.writeNumberField("lines", s.lines());
    json.writeNumberField("goroutineLines", s.goroutineLines());
    json.writeNumberField("malformed", s.malformed());
    json.writeStringField("firstMalformed", s.firstMalformed());
    json.writeNumberField("evicted", s.evicted());
    json.writeNumberField("maxGoroutines", model.maxGoroutines());
    json.writeObjectFieldStart("unknownTypes");
    for (Map.Entry<String, Long> e : s.unknownTypes().entrySet()) {
      json.writeNumberField(e.getKey(), e.getValue());
    }
    json.writeEndObject();
    json.writeEndObject();
  }

  private interface Column {
    long at(int i);
  }

  private void column(String name, int size, Column c) throws IOException {
    json.writeArrayFieldStart(name);
    for (int i = 0; i < size; i++) {
      json.writeNumber(c.at(i));
    }
    json.writeEndArray();
  }

  /** Microseconds since {@code t0}, the page's time unit. */
  private static long us(long ns, long t0) {
    return Math.floorDiv(ns - t0, 1000L);
  }
}
