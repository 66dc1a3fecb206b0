package dev.goroscope.otel.export;

import dev.goroscope.otel.span.SpanSink;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Batches spans for a {@link SpanExporter} (normally OTLP) on one background thread.
 *
 * <ul>
 *   <li>{@link #accept} never blocks: a full queue drops the new span and counts it.
 *   <li>A batch goes out when it is full, when {@code maxAge} has passed since the previous
 *       export, or on {@link #flush()}.
 *   <li>A failed batch is retried with exponential backoff ({@code initialBackoff} doubling to
 *       {@code maxBackoff}) while new spans queue up to the bound; after {@code maxRetryTime} of
 *       failures it is dropped and counted. When the backend comes back, delivery resumes with
 *       the held batch and then the queue.
 *   <li>Memory: at most {@code maxQueueSize + maxBatchSize} spans.
 *   <li>{@link #close()} delivers what it can within {@code shutdownTimeout}, counts the rest as
 *       dropped, shuts the exporter down; idempotent.
 * </ul>
 */
public final class BatchingSpanSink implements SpanSink {

  private final SpanExporter exporter;
  private final BatchConfig config;
  private final ArrayBlockingQueue<SpanData> queue;
  private final Thread worker;

  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong exported = new AtomicLong();
  private final AtomicLong droppedQueueFull = new AtomicLong();
  private final AtomicLong droppedRetry = new AtomicLong();
  private final AtomicLong droppedShutdown = new AtomicLong();
  private final AtomicLong failedAttempts = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();
  private volatile String lastError = "";

  private volatile boolean flushRequested;
  private volatile boolean closing;
  private volatile long shutdownDeadlineNs;
  private final AtomicBoolean closed = new AtomicBoolean();

  public BatchingSpanSink(SpanExporter exporter, BatchConfig config) {
    this.exporter = Objects.requireNonNull(exporter, "exporter");
    this.config = Objects.requireNonNull(config, "config");
    this.queue = new ArrayBlockingQueue<>(config.maxQueueSize());
    this.worker = new Thread(this::run, "goroscope-span-export");
    this.worker.setDaemon(true);
    this.worker.start();
  }

  @Override
  public void accept(SpanData span) {
    accepted.incrementAndGet();
    if (closing) {
      droppedShutdown.incrementAndGet();
      return;
    }
    if (!queue.offer(span)) {
      droppedQueueFull.incrementAndGet();
    } else if (queue.size() >= config.maxBatchSize()) {
      LockSupport.unpark(worker);
    }
  }

  @Override
  public void flush() {
    flushRequested = true;
    LockSupport.unpark(worker);
  }

  /**
   * Flushes and waits until everything queued was exported or dropped.
   *
   * @return true when nothing is left queued or in flight within the timeout
   */
  public boolean forceFlush(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    flush();
    while (!queue.isEmpty() || inFlight.get() > 0) {
      if (System.nanoTime() >= deadline || !worker.isAlive()) {
        return false;
      }
      flush();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    return true;
  }

  public ExportStats stats() {
    return new ExportStats(
        accepted.get(), exported.get(), droppedQueueFull.get(), droppedRetry.get(),
        droppedShutdown.get(), failedAttempts.get(), queue.size() + inFlight.get(), lastError);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    shutdownDeadlineNs = System.nanoTime() + config.shutdownTimeout().toNanos();
    closing = true;
    LockSupport.unpark(worker);
    try {
      worker.join(config.shutdownTimeout().plus(config.exportTimeout()).toMillis() + 1000);
      if (worker.isAlive()) {
        worker.interrupt();
        worker.join(1000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    exporter.shutdown().join(5, TimeUnit.SECONDS);
  }

  private void run() {
    List<SpanData> batch = new ArrayList<>(config.maxBatchSize());
    long maxAgeNs = config.maxAge().toNanos();
    long nextExport = System.nanoTime() + maxAgeNs;
    long backoffNs = config.initialBackoff().toNanos();
    long firstFailure = 0;
    boolean failing = false;
    while (true) {
      if (batch.size() < config.maxBatchSize()) {
        int before = batch.size();
        queue.drainTo(batch, config.maxBatchSize() - before);
        inFlight.addAndGet(batch.size() - before);
      }
      long now = System.nanoTime();
      if (closing && now - shutdownDeadlineNs >= 0) {
        int rest = batch.size();
        batch.clear();
        List<SpanData> left = new ArrayList<>();
        queue.drainTo(left);
        droppedShutdown.addAndGet(rest + left.size());
        inFlight.set(0);
        return;
      }
      if (batch.isEmpty()) {
        if (closing) {
          return;
        }
        flushRequested = false;
        LockSupport.parkNanos(this, maxAgeNs);
        continue;
      }
      boolean due = batch.size() >= config.maxBatchSize() || now - nextExport >= 0
          || flushRequested || closing || failing;
      if (!due) {
        LockSupport.parkNanos(this, nextExport - now);
        continue;
      }
      if (queue.isEmpty()) {
        flushRequested = false;
      }
      if (export(batch)) {
        exported.addAndGet(batch.size());
        inFlight.addAndGet(-batch.size());
        batch.clear();
        failing = false;
        backoffNs = config.initialBackoff().toNanos();
        nextExport = System.nanoTime() + maxAgeNs;
        continue;
      }
      failedAttempts.incrementAndGet();
      now = System.nanoTime();
      if (!failing) {
        failing = true;
        firstFailure = now;
      }
      if (now - firstFailure >= config.maxRetryTime().toNanos()) {
        droppedRetry.addAndGet(batch.size());
        inFlight.addAndGet(-batch.size());
        batch.clear();
        firstFailure = now; // the next batch gets its own retry time, same backoff
      }
      long wait = backoffNs;
      if (closing) {
        wait = Math.min(wait, Math.max(0, shutdownDeadlineNs - now));
      }
      sleep(wait);
      backoffNs = Math.min(backoffNs * 2, config.maxBackoff().toNanos());
      if (Thread.currentThread().isInterrupted()) {
        droppedShutdown.addAndGet(batch.size() + queue.size());
        queue.clear();
        inFlight.set(0);
        return;
      }
    }
  }

  /** Sleeps unless close() wakes it; spurious and flush wake-ups are absorbed. */
  private void sleep(long ns) {
    long end = System.nanoTime() + ns;
    boolean wasClosing = closing;
    while (true) {
      long left = end - System.nanoTime();
      if (left <= 0 || Thread.currentThread().isInterrupted() || closing != wasClosing) {
        return;
      }
      LockSupport.parkNanos(this, left);
    }
  }

  private boolean export(List<SpanData> batch) {
    try {
      CompletableResultCode r = exporter.export(List.copyOf(batch));
      r.join(config.exportTimeout().toMillis(), TimeUnit.MILLISECONDS);
      if (r.isSuccess()) {
        return true;
      }
      Throwable t = r.getFailureThrowable();
      lastError = !r.isDone() ? "export timed out after " + config.exportTimeout()
          : t != null ? String.valueOf(t.getMessage()) : "export failed";
      return false;
    } catch (RuntimeException e) {
      lastError = String.valueOf(e.getMessage());
      return false;
    }
  }
}
