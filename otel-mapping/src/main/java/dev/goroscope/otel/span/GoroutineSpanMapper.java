package dev.goroscope.otel.span;

import static dev.goroscope.otel.span.GoroutineAttributes.*;

import dev.goroscope.otel.time.ClockOffset;
import dev.goroscope.record.ContextEvent;
import dev.goroscope.record.DeadlineOverrun;
import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.record.ParkInterval;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Turns one goroutine record plus its decided {@link Lineage} into a span. Stateless: the ids
 * and the parent come from the lineage, so mapping is a pure function of its inputs.
 */
public final class GoroutineSpanMapper {

  private final SpanMappingConfig config;
  private final ClockOffset clock;

  GoroutineSpanMapper(SpanMappingConfig config) { // built by GoroutineSpanAssembler
    this.config = config;
    this.clock = config.clock();
  }

  /**
   * @param flushNs for a partial record, the monotonic time the span is cut at
   * @param wakerSpans span context of a waker goroutine of the same process, or null if unknown
   */
  GoroutineSpanData map(
      GoroutineRecord r,
      Lineage lineage,
      Resource resource,
      long flushNs,
      LongFunction<SpanContext> wakerSpans) {
    long start = clock.toEpochNanos(r.startNs());
    long endMono = r.isPartial() ? flushNs : r.endNs();
    long end = Math.max(start, clock.toEpochNanos(endMono));
    String name = r.startFunction().isEmpty() ? "goroutine" : r.startFunction();

    AttributesBuilder a = Attributes.builder();
    a.put(GOROUTINE_ID, r.goid());
    if (r.parentGoid() > 0) {
      a.put(PARENT_ID, r.parentGoid());
    }
    if (!r.parentTraced()) {
      a.put(PARENT_UNTRACED, true);
    }
    if (!r.startFunction().isEmpty()) {
      a.put(START_FUNCTION, r.startFunction());
    }
    if (r.creationSite().isKnown()) {
      a.put(CODE_FUNCTION, r.creationSite().function());
      if (!r.creationSite().file().isEmpty()) {
        a.put(CODE_FILE, r.creationSite().file());
      }
      if (r.creationSite().line() > 0) {
        a.put(CODE_LINE, (long) r.creationSite().line());
      }
    }
    a.put(STATE, r.state().attributeValue());
    if (!r.waitReason().isEmpty()) {
      a.put(WAIT_REASON, r.waitReason());
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
    if (!r.parks().isEmpty()) {
      long parked = 0;
      for (ParkInterval p : r.parks()) {
        long pEnd = p.isOpen() ? endMono : p.endNs();
        parked += Math.max(0, pEnd - p.startNs());
      }
      a.put(PARK_COUNT, (long) r.parks().size());
      a.put(PARKED_NS, parked);
    }

    int totalEvents = r.contextEvents().size();
    for (ParkInterval p : r.parks()) {
      totalEvents += p.isOpen() ? 1 : 2;
    }
    List<EventData> events = events(r, config.maxEventsPerSpan());

    List<LinkData> links = new ArrayList<>();
    int totalLinks = 0;
    if (lineage.creator().isValid()) {
      totalLinks++;
      addLink(links, LinkData.create(lineage.creator(),
          Attributes.of(LINK_TYPE, LINK_CREATOR, GOROUTINE_ID, r.parentGoid())));
    }
    Map<Long, Long> wakeCounts = new LinkedHashMap<>();
    for (ParkInterval p : r.parks()) {
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
        totalEvents, links, totalLinks, resource);
  }

  private void addLink(List<LinkData> links, LinkData link) {
    if (links.size() < config.maxLinksPerSpan()) {
      links.add(link);
    }
  }

  /** Context events first (they matter more), then parks, capped, then in time order. */
  private List<EventData> events(GoroutineRecord r, int max) {
    List<EventData> out = new ArrayList<>();
    for (ContextEvent e : r.contextEvents()) {
      if (out.size() >= max) {
        break;
      }
      AttributesBuilder a = Attributes.builder().put(CONTEXT_ADDRESS, hex(e.ctx()));
      if (e.deadlineUnixNs() > 0) {
        a.put(CONTEXT_DEADLINE_UNIX_NS, e.deadlineUnixNs());
        a.put(CONTEXT_DEADLINE, Instant.ofEpochSecond(0, e.deadlineUnixNs()).toString());
      }
      out.add(EventData.create(clock.toEpochNanos(e.timestampNs()), e.kind().eventName(),
          a.build()));
    }
    for (ParkInterval p : r.parks()) {
      if (out.size() >= max) {
        break;
      }
      AttributesBuilder park = Attributes.builder();
      if (!p.waitReason().isEmpty()) {
        park.put(WAIT_REASON, p.waitReason());
      }
      park.put(WAIT_REASON_CODE, (long) p.waitReasonCode());
      out.add(EventData.create(clock.toEpochNanos(p.startNs()), EVENT_PARK, park.build()));
      if (!p.isOpen() && out.size() < max) {
        AttributesBuilder ready = Attributes.builder();
        if (!p.waitReason().isEmpty()) {
          ready.put(WAIT_REASON, p.waitReason());
        }
        if (p.wakerGoid() >= 0) {
          ready.put(WAKER_ID, p.wakerGoid());
        }
        out.add(EventData.create(clock.toEpochNanos(p.endNs()), EVENT_READY, ready.build()));
      }
    }
    out.sort(Comparator.comparingLong(EventData::getEpochNanos));
    return out;
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
