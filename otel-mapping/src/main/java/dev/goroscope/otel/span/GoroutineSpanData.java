package dev.goroscope.otel.span;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;
import java.util.Objects;

/**
 * An immutable, already ended span reconstructed from a goroutine record. Built only by
 * {@link GoroutineSpanMapper}; exporters see it as plain {@link SpanData}.
 */
public final class GoroutineSpanData implements SpanData {

  /** The instrumentation scope of every goroscope span. */
  public static final InstrumentationScopeInfo SCOPE =
      InstrumentationScopeInfo.builder("dev.goroscope").setVersion(Version.VALUE).build();

  /** The scope of the per-process runtime trace's spans (stop-the-world pauses). */
  public static final InstrumentationScopeInfo RUNTIME_SCOPE = InstrumentationScopeInfo
      .builder("dev.goroscope.runtime").setVersion(Version.VALUE).build();

  private final String name;
  private final SpanContext spanContext;
  private final SpanContext parentSpanContext;
  private final StatusData status;
  private final long startEpochNanos;
  private final long endEpochNanos;
  private final Attributes attributes;
  private final List<EventData> events;
  private final int totalEvents;
  private final List<LinkData> links;
  private final int totalLinks;
  private final Resource resource;
  private final InstrumentationScopeInfo scope;

  GoroutineSpanData(
      String name,
      SpanContext spanContext,
      SpanContext parentSpanContext,
      StatusData status,
      long startEpochNanos,
      long endEpochNanos,
      Attributes attributes,
      List<EventData> events,
      int totalEvents,
      List<LinkData> links,
      int totalLinks,
      Resource resource) {
    this(name, spanContext, parentSpanContext, status, startEpochNanos, endEpochNanos,
        attributes, events, totalEvents, links, totalLinks, resource, SCOPE);
  }

  GoroutineSpanData(
      String name,
      SpanContext spanContext,
      SpanContext parentSpanContext,
      StatusData status,
      long startEpochNanos,
      long endEpochNanos,
      Attributes attributes,
      List<EventData> events,
      int totalEvents,
      List<LinkData> links,
      int totalLinks,
      Resource resource,
      InstrumentationScopeInfo scope) {
    this.name = Objects.requireNonNull(name);
    this.spanContext = Objects.requireNonNull(spanContext);
    this.parentSpanContext = Objects.requireNonNull(parentSpanContext);
    this.status = Objects.requireNonNull(status);
    this.startEpochNanos = startEpochNanos;
    this.endEpochNanos = Math.max(startEpochNanos, endEpochNanos);
    this.attributes = Objects.requireNonNull(attributes);
    this.events = List.copyOf(events);
    this.totalEvents = Math.max(totalEvents, this.events.size());
    this.links = List.copyOf(links);
    this.totalLinks = Math.max(totalLinks, this.links.size());
    this.resource = Objects.requireNonNull(resource);
    this.scope = Objects.requireNonNull(scope);
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public SpanKind getKind() {
    return SpanKind.INTERNAL;
  }

  @Override
  public SpanContext getSpanContext() {
    return spanContext;
  }

  @Override
  public SpanContext getParentSpanContext() {
    return parentSpanContext;
  }

  @Override
  public StatusData getStatus() {
    return status;
  }

  @Override
  public long getStartEpochNanos() {
    return startEpochNanos;
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public List<EventData> getEvents() {
    return events;
  }

  @Override
  public List<LinkData> getLinks() {
    return links;
  }

  @Override
  public long getEndEpochNanos() {
    return endEpochNanos;
  }

  @Override
  public boolean hasEnded() {
    return true;
  }

  @Override
  public int getTotalRecordedEvents() {
    return totalEvents;
  }

  @Override
  public int getTotalRecordedLinks() {
    return totalLinks;
  }

  @Override
  public int getTotalAttributeCount() {
    return attributes.size();
  }

  @Override
  @SuppressWarnings("deprecation") // required by the SpanData interface
  public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
    return InstrumentationLibraryInfo.create(scope.getName(), scope.getVersion());
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return scope;
  }

  @Override
  public Resource getResource() {
    return resource;
  }

  @Override
  public String toString() {
    return "GoroutineSpanData{"
        + name
        + " trace="
        + spanContext.getTraceId()
        + " span="
        + spanContext.getSpanId()
        + " parent="
        + parentSpanContext.getSpanId()
        + " "
        + attributes
        + "}";
  }
}
