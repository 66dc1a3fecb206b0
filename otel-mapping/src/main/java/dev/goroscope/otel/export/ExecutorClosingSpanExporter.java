package dev.goroscope.otel.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.ExecutorService;

/** A span exporter that also stops the executor it was given when it shuts down. */
final class ExecutorClosingSpanExporter implements SpanExporter {

  private final SpanExporter delegate;
  private final ExecutorService executor;

  ExecutorClosingSpanExporter(SpanExporter delegate, ExecutorService executor) {
    this.delegate = delegate;
    this.executor = executor;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    return delegate.export(spans);
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    CompletableResultCode r = delegate.shutdown();
    r.whenComplete(executor::shutdown);
    return r;
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
