package dev.goroscope.otel.receiver;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * "The application's" spans: every OTLP span field set (kind, trace state, flags, parent, events,
 * links, status, dropped counts, attributes of each type), two resources and two scopes, so a
 * forwarded copy that differs anywhere is caught. {@link #request} is what the SDK's OTLP
 * exporters put on the wire for them (their own marshaler).
 */
final class AppSpans {
  private AppSpans() {}

  static List<SpanData> spans(String service, int n) {
    Resource resource = Resource.create(Attributes.builder()
        .put("service.name", service)
        .put("process.pid", 4242L)
        .put("deployment.environment.name", "test")
        .build(), "https://opentelemetry.io/schemas/1.24.0");
    Resource other = Resource.create(Attributes.of(AttributeKey.stringKey("service.name"),
        service + "-other"));
    InstrumentationScopeInfo scope = InstrumentationScopeInfo.builder("go.opentelemetry.io/otel")
        .setVersion("1.38.0").setSchemaUrl("https://opentelemetry.io/schemas/1.26.0")
        .setAttributes(Attributes.of(AttributeKey.stringKey("scope.attr"), "x")).build();
    InstrumentationScopeInfo http = InstrumentationScopeInfo.create("otelhttp");
    List<SpanData> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      String traceId = String.format("%032x", 0xabc000L + i);
      SpanContext parent = SpanContext.create(traceId, String.format("%016x", 0x1000L + i),
          TraceFlags.getSampled(), TraceState.getDefault());
      out.add(TestSpanData.builder()
          .setResource(i % 3 == 0 ? other : resource)
          .setInstrumentationScopeInfo(i % 2 == 0 ? http : scope)
          .setName("GET /items/" + i)
          .setKind(i % 2 == 0 ? SpanKind.SERVER : SpanKind.CLIENT)
          .setSpanContext(SpanContext.create(traceId, String.format("%016x", 0x2000L + i),
              TraceFlags.getSampled(), TraceState.builder().put("vendor", "v" + i).build()))
          .setParentSpanContext(parent)
          .setStartEpochNanos(1_700_000_000_000_000_000L + i * 1_000_000L)
          .setEndEpochNanos(1_700_000_000_000_000_000L + i * 1_000_000L + 123_456L)
          .setHasEnded(true)
          .setAttributes(Attributes.builder()
              .put("http.request.method", "GET")
              .put("http.response.status_code", 200L + i)
              .put("ratio", 0.25 * i)
              .put("cached", i % 2 == 0)
              .put(AttributeKey.stringArrayKey("tags"), List.of("a", "b" + i))
              .build())
          .setTotalAttributeCount(7)
          .setEvents(List.of(EventData.create(1_700_000_000_000_000_500L, "retry",
              Attributes.of(AttributeKey.longKey("attempt"), (long) i))))
          .setTotalRecordedEvents(2)
          .setLinks(List.of(LinkData.create(SpanContext.create(String.format("%032x", 77L + i),
              String.format("%016x", 88L + i), TraceFlags.getDefault(), TraceState.getDefault()),
              Attributes.of(AttributeKey.stringKey("link"), "creator"))))
          .setTotalRecordedLinks(1)
          .setStatus(i % 4 == 0 ? StatusData.create(
              io.opentelemetry.api.trace.StatusCode.ERROR, "boom " + i) : StatusData.ok())
          .build());
    }
    return out;
  }

  /** The bytes the SDK's exporters send for {@code spans}. */
  static byte[] bytes(List<SpanData> spans) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      TraceRequestMarshaler.create(spans).writeBinaryTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The same as OTLP/JSON, as the SDK writes it. */
  static byte[] json(List<SpanData> spans) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      TraceRequestMarshaler.create(spans).writeJsonTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** One span with the resource and scope it was sent under (each with its schema URL). */
  record Placed(io.opentelemetry.proto.resource.v1.Resource resource, String resourceSchema,
      io.opentelemetry.proto.common.v1.InstrumentationScope scope, String scopeSchema,
      io.opentelemetry.proto.trace.v1.Span span) {}

  /**
   * Every span of the requests with its resource and scope, in span-id order: the SDK groups
   * spans by resource and scope in an order of its own, so equality of this list is equality of
   * everything sent, whatever the grouping order.
   */
  static List<Placed> placed(List<ExportTraceServiceRequest> requests) {
    List<Placed> out = new ArrayList<>();
    for (ExportTraceServiceRequest r : requests) {
      for (io.opentelemetry.proto.trace.v1.ResourceSpans rs : r.getResourceSpansList()) {
        for (io.opentelemetry.proto.trace.v1.ScopeSpans ss : rs.getScopeSpansList()) {
          for (io.opentelemetry.proto.trace.v1.Span span : ss.getSpansList()) {
            out.add(new Placed(rs.getResource(), rs.getSchemaUrl(), ss.getScope(),
                ss.getSchemaUrl(), span));
          }
        }
      }
    }
    out.sort(java.util.Comparator.comparing(p -> p.span().getSpanId().toStringUtf8()));
    return out;
  }

  static List<Placed> placed(ExportTraceServiceRequest request) {
    return placed(List.of(request));
  }

  static ExportTraceServiceRequest request(List<SpanData> spans) {
    try {
      return ExportTraceServiceRequest.parseFrom(bytes(spans));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
