package dev.goroscope.otel.console;

import static dev.goroscope.otel.span.GoroutineAttributes.*;

import dev.goroscope.otel.resource.ProcessResources;
import dev.goroscope.otel.span.GoroutineSpanData;
import dev.goroscope.otel.span.GoroutineSpanMapper;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Prints each trace as a readable goroutine tree, for use without any backend:
 *
 * <pre>
 * trace 4bf92f3577b34da6a3ce929d0e0e4736  http-deadline pid 4242  3 goroutines
 * └─ net/http.(*conn).serve  g20  400.00ms  exited  ← net/http.(*Server).Serve server.go:3454
 *    └─ main.handler.func1  g21  2.000s  exited  DEADLINE OVERRUN +1.500s  ← main.handler main.go:42
 *       └─ main.worker  g22  600.0µs  exited  ← main.handler.func1 main.go:50
 * </pre>
 *
 * <p>Spans arrive one by one and a trace is only complete when its last goroutine ended, so a
 * trace is printed once it has been quiet (no new span) for {@code quietPeriod}, checked on every
 * span and on {@link #flush()}; everything still buffered prints on {@link #close()}. Spans of a
 * trace that was already printed print later as a continuation. At most {@code maxBufferedSpans}
 * are held; beyond that the least recently updated trace prints early. The ids of the last {@link
 * #MAX_REMEMBERED_TRACES} printed traces are remembered to mark continuations (one trace per
 * connection would otherwise grow that set for ever); a continuation of an older one prints
 * without the mark.
 */
public final class ConsoleTreeExporter implements SpanExporter {

  public static final Duration DEFAULT_QUIET_PERIOD = Duration.ofSeconds(2);
  public static final int DEFAULT_MAX_BUFFERED_SPANS = 100_000;
  /** Printed trace ids remembered for "(continued)": ~2 MiB. */
  public static final int MAX_REMEMBERED_TRACES = 16_384;

  private static final class TraceBuffer {
    final List<SpanData> spans = new ArrayList<>();
    long lastUpdateNs;
  }

  private final PrintStream out;
  private final long quietNs;
  private final int maxBuffered;
  private final LongSupplier nanoClock;
  /**
   * Buffered traces, least recently updated first (access order: an update moves a trace to the
   * end), so the quiet ones are found at the head without looking at the others.
   */
  private final LinkedHashMap<String, TraceBuffer> traces = new LinkedHashMap<>(16, 0.75f, true);
  private final Set<String> printedTraces = Collections.newSetFromMap(
      new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > MAX_REMEMBERED_TRACES;
        }
      });
  private final AtomicBoolean closed = new AtomicBoolean();
  private int buffered;
  private long tracesPrinted;

  public ConsoleTreeExporter(PrintStream out) {
    this(out, DEFAULT_QUIET_PERIOD, DEFAULT_MAX_BUFFERED_SPANS, System::nanoTime);
  }

  public ConsoleTreeExporter(
      PrintStream out, Duration quietPeriod, int maxBufferedSpans, LongSupplier nanoClock) {
    this.out = Objects.requireNonNull(out, "out");
    this.quietNs = quietPeriod.toNanos();
    if (maxBufferedSpans <= 0) {
      throw new IllegalArgumentException("maxBufferedSpans must be positive");
    }
    this.maxBuffered = maxBufferedSpans;
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  @Override
  public synchronized CompletableResultCode export(Collection<SpanData> spans) {
    for (SpanData span : spans) {
      accept(span);
    }
    return CompletableResultCode.ofSuccess();
  }

  private void accept(SpanData span) {
    if (closed.get() || span.getInstrumentationScopeInfo().equals(GoroutineSpanData.RUNTIME_SCOPE)) {
      return; // the runtime trace (stop-the-world pauses) is no goroutine tree
    }
    long now = nanoClock.getAsLong();
    TraceBuffer t = traces.get(span.getTraceId());
    if (t == null) {
      t = new TraceBuffer();
      traces.put(span.getTraceId(), t);
    }
    t.spans.add(span);
    t.lastUpdateNs = now;
    buffered++;
    while (buffered > maxBuffered) {
      printOldest();
    }
    printQuiet(now);
  }

  /** Prints the traces that have been quiet long enough. */
  @Override
  public synchronized CompletableResultCode flush() {
    printQuiet(nanoClock.getAsLong());
    out.flush();
    return CompletableResultCode.ofSuccess();
  }

  /** Prints everything still buffered. Idempotent. */
  @Override
  public synchronized CompletableResultCode shutdown() {
    if (closed.compareAndSet(false, true)) {
      while (!traces.isEmpty()) {
        printOldest();
      }
      out.flush();
    }
    return CompletableResultCode.ofSuccess();
  }

  /** Printed trace ids currently remembered (bounded by {@link #MAX_REMEMBERED_TRACES}). */
  synchronized int rememberedTraces() {
    return printedTraces.size();
  }

  /** How many trace trees (or continuations) were printed. */
  public synchronized long tracesPrinted() {
    return tracesPrinted;
  }

  /** Prints the quiet traces: O(printed), not O(buffered) — this runs on every span. */
  private void printQuiet(long now) {
    Iterator<Map.Entry<String, TraceBuffer>> it = traces.entrySet().iterator();
    List<Map.Entry<String, TraceBuffer>> ready = new ArrayList<>();
    while (it.hasNext()) {
      Map.Entry<String, TraceBuffer> e = it.next();
      if (now - e.getValue().lastUpdateNs < quietNs) {
        break; // the rest were updated later still
      }
      ready.add(e);
      it.remove();
    }
    for (Map.Entry<String, TraceBuffer> e : ready) {
      print(e.getKey(), e.getValue());
    }
  }

  private void printOldest() {
    Iterator<Map.Entry<String, TraceBuffer>> it = traces.entrySet().iterator();
    Map.Entry<String, TraceBuffer> e = it.next();
    it.remove();
    print(e.getKey(), e.getValue());
  }

  private void print(String traceId, TraceBuffer t) {
    buffered -= t.spans.size();
    tracesPrinted++;
    boolean continuation = printedTraces.contains(traceId);
    printedTraces.add(traceId); // (again: marks it recently printed)
    SpanData first = t.spans.get(0);
    String service = first.getResource().getAttribute(ProcessResources.SERVICE_NAME);
    Long pid = first.getResource().getAttribute(ProcessResources.PROCESS_PID);
    StringBuilder sb = new StringBuilder();
    sb.append("trace ").append(traceId);
    if (continuation) {
      sb.append(" (continued)");
    }
    sb.append("  ").append(service == null ? "?" : service);
    if (pid != null) {
      sb.append(" pid ").append(pid);
    }
    sb.append("  ").append(t.spans.size()).append(t.spans.size() == 1 ? " goroutine" : " goroutines")
        .append('\n');

    Map<String, SpanData> byId = new HashMap<>();
    for (SpanData s : t.spans) {
      byId.put(s.getSpanId(), s);
    }
    Map<String, List<SpanData>> children = new HashMap<>();
    List<SpanData> tops = new ArrayList<>();
    for (SpanData s : t.spans) {
      if (s.getParentSpanContext().isValid() && byId.containsKey(s.getParentSpanId())) {
        children.computeIfAbsent(s.getParentSpanId(), k -> new ArrayList<>()).add(s);
      } else {
        tops.add(s);
      }
    }
    Comparator<SpanData> order = Comparator.comparingLong(SpanData::getStartEpochNanos)
        .thenComparing(s -> goid(s.getAttributes()));
    tops.sort(order);
    for (int i = 0; i < tops.size(); i++) {
      appendTree(sb, tops.get(i), "", i == tops.size() - 1, children, order, 0);
    }
    out.print(sb);
  }

  private void appendTree(
      StringBuilder sb, SpanData s, String indent, boolean last,
      Map<String, List<SpanData>> children, Comparator<SpanData> order, int depth) {
    sb.append(indent).append(last ? "└─ " : "├─ ").append(line(s));
    if (depth == 0 && s.getParentSpanContext().isValid()) {
      sb.append("  [parent g").append(s.getAttributes().get(PARENT_ID)).append(" printed earlier]");
    }
    sb.append('\n');
    List<SpanData> kids = children.getOrDefault(s.getSpanId(), List.of());
    if (kids.isEmpty() || depth > 512) {
      return;
    }
    kids.sort(order);
    String childIndent = indent + (last ? "   " : "│  ");
    for (int i = 0; i < kids.size(); i++) {
      appendTree(sb, kids.get(i), childIndent, i == kids.size() - 1, children, order, depth + 1);
    }
  }

  static String line(SpanData s) {
    Attributes a = s.getAttributes();
    StringBuilder sb = new StringBuilder(s.getName());
    sb.append("  g").append(goid(a));
    // sampled times are known to about one interval: "~"
    boolean sampled = Boolean.TRUE.equals(a.get(SAMPLED))
        && !(Boolean.TRUE.equals(a.get(START_PRECISE)) && Boolean.TRUE.equals(a.get(END_PRECISE)));
    sb.append(sampled ? "  ~" : "  ").append(
        GoroutineSpanMapper.formatDuration(s.getEndEpochNanos() - s.getStartEpochNanos()));
    String state = a.get(STATE);
    if (state != null) {
      sb.append("  ").append(state);
    }
    String wait = a.get(WAIT_REASON);
    if (wait != null) {
      sb.append(" (").append(wait).append(')');
    }
    if (Boolean.TRUE.equals(a.get(PARTIAL))) {
      sb.append("  still running");
    }
    Long overrun = a.get(DEADLINE_OVERRUN_NS);
    if (Boolean.TRUE.equals(a.get(DEADLINE_OVERRUN))) {
      sb.append("  DEADLINE OVERRUN +")
          .append(GoroutineSpanMapper.formatDuration(overrun == null ? 0 : overrun));
    }
    if (Boolean.TRUE.equals(a.get(LEAK_CANDIDATE))) {
      sb.append("  LEAK?");
      if (a.get(LEAK_GROUP) != null) {
        sb.append(' ').append(a.get(LEAK_GROUP)).append(" (").append(a.get(LEAK_REASON))
            .append(')');
      }
    }
    if (Boolean.TRUE.equals(a.get(INCOMPLETE))) {
      sb.append("  (incomplete)");
    }
    if (!s.getParentSpanContext().isValid() && a.get(PARENT_ID) != null) {
      String why = a.get(TRACE_ROOT);
      sb.append("  [from g").append(a.get(PARENT_ID));
      if (why != null) {
        sb.append(", ").append(why);
      }
      sb.append(']');
    }
    String fn = a.get(CODE_FUNCTION);
    if (fn != null) {
      sb.append("  ← ").append(fn);
      String file = a.get(CODE_FILE);
      if (file != null) {
        int slash = file.lastIndexOf('/');
        sb.append(' ').append(slash < 0 ? file : file.substring(slash + 1));
        Long line = a.get(CODE_LINE);
        if (line != null) {
          sb.append(':').append(line);
        }
      }
    }
    return sb.toString();
  }

  private static long goid(Attributes a) {
    Long g = a.get(GOROUTINE_ID);
    return g == null ? -1 : g;
  }
}
