package dev.goroscope.otel.receiver;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;

/**
 * The OTLP signals the receiver accepts and forwards: their gRPC service, their OTLP/HTTP path
 * and what one item of them is (a span, a metric data point, a log record).
 */
public enum Signal {
  TRACES("opentelemetry.proto.collector.trace.v1.TraceService", "/v1/traces", "spans"),
  METRICS("opentelemetry.proto.collector.metrics.v1.MetricsService", "/v1/metrics",
      "data points"),
  LOGS("opentelemetry.proto.collector.logs.v1.LogsService", "/v1/logs", "log records");

  private final String grpcService;
  private final String httpPath;
  private final String items;

  Signal(String grpcService, String httpPath, String items) {
    this.grpcService = grpcService;
    this.httpPath = httpPath;
    this.items = items;
  }

  /** The gRPC service, e.g. {@code opentelemetry.proto.collector.trace.v1.TraceService}. */
  public String grpcService() {
    return grpcService;
  }

  /** The OTLP/HTTP path, e.g. {@code /v1/traces}. */
  public String httpPath() {
    return httpPath;
  }

  /** What the items of this signal are called in messages: spans, data points, log records. */
  public String itemName() {
    return items;
  }

  /** An empty builder of this signal's export request (for OTLP/JSON). */
  Message.Builder newRequestBuilder() {
    switch (this) {
      case TRACES:
        return ExportTraceServiceRequest.newBuilder();
      case METRICS:
        return ExportMetricsServiceRequest.newBuilder();
      default:
        return ExportLogsServiceRequest.newBuilder();
    }
  }

  /**
   * Parses (and so validates) an export request of this signal.
   *
   * @throws InvalidProtocolBufferException when the bytes are not this signal's request
   */
  Message parse(ByteString body) throws InvalidProtocolBufferException {
    switch (this) {
      case TRACES:
        return ExportTraceServiceRequest.parseFrom(body);
      case METRICS:
        return ExportMetricsServiceRequest.parseFrom(body);
      default:
        return ExportLogsServiceRequest.parseFrom(body);
    }
  }

  /** Items in a parsed request of this signal. */
  static long countItems(Message request) {
    long n = 0;
    if (request instanceof ExportTraceServiceRequest t) {
      for (ResourceSpans rs : t.getResourceSpansList()) {
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          n += ss.getSpansCount();
        }
      }
    } else if (request instanceof ExportMetricsServiceRequest m) {
      for (ResourceMetrics rm : m.getResourceMetricsList()) {
        for (ScopeMetrics sm : rm.getScopeMetricsList()) {
          for (Metric metric : sm.getMetricsList()) {
            n += dataPoints(metric);
          }
        }
      }
    } else if (request instanceof ExportLogsServiceRequest l) {
      for (ResourceLogs rl : l.getResourceLogsList()) {
        for (ScopeLogs sl : rl.getScopeLogsList()) {
          n += sl.getLogRecordsCount();
        }
      }
    }
    return n;
  }

  private static long dataPoints(Metric m) {
    switch (m.getDataCase()) {
      case GAUGE:
        return m.getGauge().getDataPointsCount();
      case SUM:
        return m.getSum().getDataPointsCount();
      case HISTOGRAM:
        return m.getHistogram().getDataPointsCount();
      case EXPONENTIAL_HISTOGRAM:
        return m.getExponentialHistogram().getDataPointsCount();
      case SUMMARY:
        return m.getSummary().getDataPointsCount();
      default:
        return 0;
    }
  }

  /** The export response: empty, or a partial success refusing {@code rejected} items. */
  Message response(long rejected, String message) {
    switch (this) {
      case TRACES: {
        ExportTraceServiceResponse.Builder b = ExportTraceServiceResponse.newBuilder();
        if (rejected > 0 || !message.isEmpty()) {
          b.setPartialSuccess(ExportTracePartialSuccess.newBuilder()
              .setRejectedSpans(rejected).setErrorMessage(message));
        }
        return b.build();
      }
      case METRICS: {
        ExportMetricsServiceResponse.Builder b = ExportMetricsServiceResponse.newBuilder();
        if (rejected > 0 || !message.isEmpty()) {
          b.setPartialSuccess(ExportMetricsPartialSuccess.newBuilder()
              .setRejectedDataPoints(rejected).setErrorMessage(message));
        }
        return b.build();
      }
      default: {
        ExportLogsServiceResponse.Builder b = ExportLogsServiceResponse.newBuilder();
        if (rejected > 0 || !message.isEmpty()) {
          b.setPartialSuccess(ExportLogsPartialSuccess.newBuilder()
              .setRejectedLogRecords(rejected).setErrorMessage(message));
        }
        return b.build();
      }
    }
  }

  /**
   * Items a backend's export response says it rejected (its partial success), 0 when the
   * response is empty or unreadable.
   */
  long rejectedItems(ByteString response) {
    if (response.isEmpty()) {
      return 0;
    }
    try {
      switch (this) {
        case TRACES:
          return ExportTraceServiceResponse.parseFrom(response).getPartialSuccess()
              .getRejectedSpans();
        case METRICS:
          return ExportMetricsServiceResponse.parseFrom(response).getPartialSuccess()
              .getRejectedDataPoints();
        default:
          return ExportLogsServiceResponse.parseFrom(response).getPartialSuccess()
              .getRejectedLogRecords();
      }
    } catch (InvalidProtocolBufferException e) {
      return 0;
    }
  }
}
