package dev.goroscope.otel.span;

import static dev.goroscope.otel.span.GoroutineAttributes.*;

import dev.goroscope.otel.time.ClockOffset;
import dev.goroscope.record.AppSpanEvents;
import dev.goroscope.record.CodeLocation;
import dev.goroscope.record.DeadlineOverrun;
import dev.goroscope.record.Goroutine;
import dev.goroscope.record.GoroutineEvent;
import dev.goroscope.record.GoroutineEvents;
import dev.goroscope.record.ParkInterval;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Turns one goroutine plus its decided {@link Lineage} into a span. Stateless: the ids and the
 * parent come from the lineage, so mapping is a pure function of its inputs. Every
 * {@link GoroutineEvent} becomes a span event the same way, whatever its kind; when a goroutine
 * has more events than {@link SpanMappingConfig#maxEventsPerSpan()}, the rarer kinds are kept
 * first (a deadline is not pushed out by a thousand parks), then the earliest.
 */
public final class GoroutineSpanMapper {

  private final SpanMappingConfig config;
  private final ClockOffset clock;

  GoroutineSpanMapper(SpanMappingConfig config) { // built by SpanRecordSink
    this.config = config;
    this.clock = config.clock();
  }

  /**
   * @param wakerSpans span context of a waker goroutine of the same process, or null if unknown
   */
  GoroutineSpanData map(
      Goroutine r,
      Lineage lineage,
      Resource resource,
      LongFunction<SpanContext> wakerSpans) {
    long start = clock.toEpochNanos(r.startNs());
    long endMono = r.isPartial() ? r.asOfNs() : r.endNs();
    long end = Math.max(start, clock.toEpochNanos(endMono));
    // Each accessor of the view looks its value up: read each once.
    String startFunction = r.startFunction();
    CodeLocation site = r.creationSite();
    String waitReason = r.waitReason();
    String name = startFunction.isEmpty() ? "goroutine" : startFunction;

    AttributesBuilder a = PutOrderAttributes.builder();
    a.put(GOROUTINE_ID, r.goid());
    if (r.parentGoid() > 0) {
      a.put(PARENT_ID, r.parentGoid());
    }
    if (!r.parentTraced()) {
      a.put(PARENT_UNTRACED, true);
    }
    if (!startFunction.isEmpty()) {
      a.put(START_FUNCTION, startFunction);
    }
    if (site.isKnown()) {
      a.put(CODE_FUNCTION, site.function());
      if (!site.file().isEmpty()) {
        a.put(CODE_FILE, site.file());
      }
      if (site.line() > 0) {
        a.put(CODE_LINE, (long) site.line());
      }
    }
    a.put(STATE, r.state().attributeValue());
    if (!waitReason.isEmpty()) {
      a.put(WAIT_REASON, waitReason);
    }
    if (lineage.isRoot()) {
      a.put(TRACE_ROOT, lineage.rootReason());
    }
    StatusData status = StatusData.unset();
    if (r.hasDeadlineOverrun()) {
      DeadlineOverrun o = r.deadlineOverrun();
      a.put(DEADLINE_OVERRUN, true);
      a.put(DEADLINE_OVERRUN_NS, o.overrunNs());
      a.put(DEADLINE_OVERRUN_CONTEXT, hex(o.ctx()));
      a.put(DEADLINE_OVERRUN_CONTEXT_CREATOR, o.contextCreatorGoid());
      status = StatusData.create(StatusCode.ERROR, overrunDescription(o));
    }
    if (r.leakCandidate()) {
      a.put(LEAK_CANDIDATE, true);
    }
    if (r.incomplete()) {
      a.put(INCOMPLETE, true);
    }
    if (r.isPartial()) {
      a.put(PARTIAL, true);
    }
    List<GoroutineEvent> all = r.events();
    List<ParkInterval> parks = all.isEmpty() ? List.of() : ParkInterval.of(all);
    if (!parks.isEmpty()) {
      long parked = 0;
      for (ParkInterval p : parks) {
        long pEnd = p.isOpen() ? endMono : p.endNs();
        parked += Math.max(0, pEnd - p.startNs());
      }
      a.put(PARK_COUNT, (long) parks.size());
      a.put(PARKED_NS, parked);
    }
    AttrMapping.putAll(a, r.attributes());
    if (!r.stack().isEmpty()) {
      a.put(CODE_STACKTRACE, stackTrace(r.stack()));
    }

    List<EventData> events = events(all, config.maxEventsPerSpan());

    List<LinkData> links = new ArrayList<>();
    int totalLinks = 0;
    if (lineage.creator().isValid()) {
      totalLinks++;
      addLink(links, LinkData.create(lineage.creator(),
          Attributes.of(LINK_TYPE, LINK_CREATOR, GOROUTINE_ID, r.parentGoid())));
    }
    // The application spans this goroutine started: its own span is not their parent (it
    // started before them and may outlive them), so it links to each.
    for (GoroutineEvent e : all) {
      if (e.name().equals(AppSpanEvents.START)
          && Boolean.TRUE.equals(e.attributes().get(AppSpanEvents.SAMPLED))) {
        SpanContext app = SpanContext.create(
            String.valueOf(e.attributes().get(AppSpanEvents.TRACE_ID)),
            String.valueOf(e.attributes().get(AppSpanEvents.SPAN_ID)), TraceFlags.getSampled(),
            TraceState.getDefault());
        if (app.isValid()) {
          totalLinks++;
          addLink(links, LinkData.create(app, Attributes.of(LINK_TYPE, LINK_APP_SPAN)));
        }
      }
    }
    Map<Long, Long> wakeCounts = parks.isEmpty() ? Map.of() : new LinkedHashMap<>();
    for (ParkInterval p : parks) {
      if (p.wakerGoid() > 0 && p.wakerGoid() != r.goid()) {
        wakeCounts.merge(p.wakerGoid(), 1L, Long::sum);
      }
    }
    for (Map.Entry<Long, Long> w : wakeCounts.entrySet()) {
      SpanContext waker = wakerSpans.apply(w.getKey());
      if (waker == null || !waker.isValid()) {
        continue;
      }
      totalLinks++;
      addLink(links, LinkData.create(waker,
          Attributes.of(LINK_TYPE, LINK_WAKER, WAKER_ID, w.getKey(), WAKE_COUNT, w.getValue())));
    }

    return new GoroutineSpanData(
        name, lineage.self(), lineage.parent(), status, start, end, a.build(), events,
        all.size(), links, totalLinks, resource);
  }

  private void addLink(List<LinkData> links, LinkData link) {
    if (links.size() < config.maxLinksPerSpan()) {
      links.add(link);
    }
  }

  /** Every event as a span event; past {@code max}, the rarer kinds first, then the earliest. */
  private List<EventData> events(List<GoroutineEvent> all, int max) {
    List<GoroutineEvent> kept = all;
    if (all.size() > max) {
      Map<String, Integer> counts = new HashMap<>();
      all.forEach(e -> counts.merge(e.name(), 1, Integer::sum));
      kept = new ArrayList<>(all);
      kept.sort(Comparator.<GoroutineEvent>comparingInt(e -> counts.get(e.name()))
          .thenComparingLong(GoroutineEvent::timestampNs));
      kept = kept.subList(0, max);
      kept.sort(Comparator.comparingLong(GoroutineEvent::timestampNs));
    }
    List<EventData> out = new ArrayList<>(kept.size());
    for (GoroutineEvent e : kept) {
      AttributesBuilder a = PutOrderAttributes.builder();
      AttrMapping.putAll(a, e.attributes());
      Long deadline = e.attributes().get(GoroutineEvents.CONTEXT_DEADLINE_UNIX_NS);
      if (deadline != null) {
        a.put(GoroutineAttributes.CONTEXT_DEADLINE, Instant.ofEpochSecond(0, deadline).toString());
      }
      out.add(EventData.create(clock.toEpochNanos(e.timestampNs()), e.name(), a.build()));
    }
    return out;
  }

  /** A sampled stack as Go's dumps print it, without arguments: {@code f(...)\n\tfile:line}. */
  static String stackTrace(List<CodeLocation> frames) {
    StringBuilder s = new StringBuilder();
    for (CodeLocation f : frames) {
      s.append(f.function()).append("(...)\n\t").append(f.file()).append(':').append(f.line())
          .append('\n');
    }
    return s.toString();
  }

  static String overrunDescription(DeadlineOverrun o) {
    return String.format(
        Locale.ROOT,
        "goroutine outlived the deadline of context %s (created by goroutine %d) by %s",
        hex(o.ctx()),
        o.contextCreatorGoid(),
        formatDuration(o.overrunNs()));
  }

  /** A short human duration: 850ns, 12.3µs, 4.56ms, 1.234s. */
  public static String formatDuration(long ns) {
    if (ns < 1_000) {
      return ns + "ns";
    }
    if (ns < 1_000_000) {
      return String.format(Locale.ROOT, "%.1fµs", ns / 1e3);
    }
    if (ns < 1_000_000_000) {
      return String.format(Locale.ROOT, "%.2fms", ns / 1e6);
    }
    return String.format(Locale.ROOT, "%.3fs", ns / 1e9);
  }
}
