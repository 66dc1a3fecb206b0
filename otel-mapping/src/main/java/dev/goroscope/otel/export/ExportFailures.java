package dev.goroscope.otel.export;

import io.opentelemetry.exporter.internal.FailedExportException;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.HttpResponse;

/**
 * Short words for why an OTLP export failed, for one-line reports. The SDK's exporters fail with
 * a {@link FailedExportException} that has no message of its own when the backend answered (an
 * HTTP 404 from a wrong path, a gRPC UNIMPLEMENTED): its status is read instead.
 */
final class ExportFailures {

  private ExportFailures() {}

  /**
   * True when the backend refused the request for its size: HTTP 413, or gRPC
   * RESOURCE_EXHAUSTED (what gRPC servers answer to a message over their limit, 4 MiB by
   * default in the Collector and Jaeger).
   */
  static boolean isTooLarge(Throwable t) {
    if (t instanceof FailedExportException.HttpExportException h && h.failedWithResponse()) {
      return h.getResponse().getStatusCode() == 413;
    }
    return t instanceof FailedExportException.GrpcExportException g && g.failedWithResponse()
        && g.getResponse().getStatusCode() == GrpcStatusCode.RESOURCE_EXHAUSTED;
  }

  /** E.g. {@code HTTP 404 Not Found}, {@code gRPC UNIMPLEMENTED}, {@code Failed to connect…}. */
  static String describe(Throwable t) {
    if (t == null) {
      return "export failed";
    }
    // FailedExportException lives in the exporter's internal package (pinned version): the
    // only place the backend's status is kept.
    if (t instanceof FailedExportException.HttpExportException h && h.failedWithResponse()) {
      HttpResponse r = h.getResponse();
      String message = r.getStatusMessage();
      return "HTTP " + r.getStatusCode()
          + (message == null || message.isBlank() ? "" : " " + message.strip());
    }
    if (t instanceof FailedExportException.GrpcExportException g && g.failedWithResponse()) {
      GrpcResponse r = g.getResponse();
      String description = r.getStatusDescription();
      return "gRPC " + r.getStatusCode()
          + (description == null || description.isBlank() ? "" : ": " + description.strip());
    }
    Throwable cause = t instanceof FailedExportException && t.getCause() != null
        ? t.getCause() : t;
    String message = cause.getMessage();
    return message == null || message.isBlank() ? cause.getClass().getSimpleName()
        : message.strip().lines().findFirst().orElse("");
  }
}
