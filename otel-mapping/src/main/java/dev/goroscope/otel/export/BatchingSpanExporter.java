package dev.goroscope.otel.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link SpanExporter} that batches finished spans for another (normally OTLP) on one
 * background thread, and keeps them through backend outages. The SDK's BatchSpanProcessor takes
 * live spans and drops a batch at its first failure; this takes {@code SpanData} and holds on.
 *
 * <ul>
 *   <li>{@link #export} never blocks: it queues; a full queue drops the new span and counts it.
 *   <li>A batch goes out when it is full, when {@code maxAge} has passed since the previous
 *       export, or on {@link #flush()}; up to {@code maxConcurrentExports} batches are in flight
 *       at once while the backend is healthy (hides per-request latency), one while retrying.
 *   <li>A batch the backend refuses as too large (HTTP 413, gRPC RESOURCE_EXHAUSTED) is sent
 *       again at once as two halves, down to single spans; that is not counted as a failure.
 *   <li>A failed batch is retried with exponential backoff ({@code initialBackoff} doubling to
 *       {@code maxBackoff}) while new spans queue up to the bound; after {@code maxRetryTime} of
 *       failures it is dropped and counted. When the backend comes back, delivery resumes with
 *       the held batch and then the queue.
 *   <li>Memory: at most {@code maxQueueSize + (maxConcurrentExports + 1) × maxBatchSize} spans.
 *   <li>{@link #shutdown()} delivers what it can within {@code shutdownTimeout}, counts the rest
 *       as dropped (an export still unanswered then included), and gives the exporter at most
 *       {@link #EXPORTER_SHUTDOWN_GRACE} more to shut down: bounded whatever the backend does
 *       (one that accepts connections and never answers included); idempotent.
 * </ul>
 */
public final class BatchingSpanExporter implements SpanExporter {

  /** How long the wrapped exporter may take to shut down after the delivery deadline. */
  public static final Duration EXPORTER_SHUTDOWN_GRACE = Duration.ofSeconds(1);

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
  private final AtomicLong splitBatches = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();
  private volatile String lastError = "";

  private volatile boolean flushRequested;
  private volatile boolean closing;
  private volatile long shutdownDeadlineNs;
  private final AtomicBoolean closed = new AtomicBoolean();

  public BatchingSpanExporter(SpanExporter exporter, BatchConfig config) {
    this.exporter = Objects.requireNonNull(exporter, "exporter");
    this.config = Objects.requireNonNull(config, "config");
    this.queue = new ArrayBlockingQueue<>(config.maxQueueSize());
    this.worker = new Thread(this::run, "goroscope-span-export");
    this.worker.setDaemon(true);
    this.worker.start();
  }

  /** Queues the spans; the result only says they were taken (drops are counted). */
  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    for (SpanData span : spans) {
      accept(span);
    }
    return CompletableResultCode.ofSuccess();
  }

  private void accept(SpanData span) {
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

  /** Sends what is queued now, without waiting ({@link #forceFlush} waits). */
  @Override
  public CompletableResultCode flush() {
    flushRequested = true;
    LockSupport.unpark(worker);
    return CompletableResultCode.ofSuccess();
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

  /** Batches the backend refused as too large and that were sent again as two halves. */
  public long splitBatches() {
    return splitBatches.get();
  }

  public ExportStats stats() {
    return new ExportStats(
        accepted.get(), exported.get(), droppedQueueFull.get(), droppedRetry.get(),
        droppedShutdown.get(), failedAttempts.get(), queue.size() + inFlight.get(), lastError);
  }

  /**
   * Delivers what it can within the shutdown timeout, then shuts the exporter down; returns
   * within {@code shutdownTimeout} + {@link #EXPORTER_SHUTDOWN_GRACE}.
   */
  @Override
  public CompletableResultCode shutdown() {
    if (!closed.compareAndSet(false, true)) {
      return CompletableResultCode.ofSuccess();
    }
    long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
    shutdownDeadlineNs = deadline;
    closing = true;
    LockSupport.unpark(worker);
    try {
      // The worker gives up by itself at the deadline (an export in flight then is dropped).
      worker.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000 + 200));
      if (worker.isAlive()) {
        worker.interrupt();
        worker.join(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long graceNs = Math.max(deadline - System.nanoTime(), 0)
        + EXPORTER_SHUTDOWN_GRACE.toNanos();
    exporter.shutdown().join(graceNs, TimeUnit.NANOSECONDS);
    return CompletableResultCode.ofSuccess();
  }

  /** One batch on its way; keeps the time of its first attempt for the retry limit. */
  private static final class Attempt {
    final List<SpanData> batch;
    final long firstAttemptNs;
    CompletableResultCode result;
    long startedNs;

    Attempt(List<SpanData> batch, long firstAttemptNs) {
      this.batch = batch;
      this.firstAttemptNs = firstAttemptNs;
    }
  }

  private void run() {
    long maxAgeNs = config.maxAge().toNanos();
    long exportTimeoutNs = config.exportTimeout().toNanos();
    long maxRetryNs = config.maxRetryTime().toNanos();
    List<SpanData> filling = new ArrayList<>(config.maxBatchSize());
    List<Attempt> flying = new ArrayList<>();
    ArrayDeque<Attempt> retry = new ArrayDeque<>();
    long nextExport = System.nanoTime() + maxAgeNs;
    long backoffNs = config.initialBackoff().toNanos();
    long nextRetryAt = 0;
    boolean failing = false;
    while (true) {
      long now = System.nanoTime();
      // 1. Collect finished exports.
      for (Iterator<Attempt> it = flying.iterator(); it.hasNext(); ) {
        Attempt a = it.next();
        boolean done = a.result.isDone();
        if (!done && now - a.startedNs < exportTimeoutNs) {
          continue;
        }
        it.remove();
        if (done && a.result.isSuccess()) {
          exported.addAndGet(a.batch.size());
          inFlight.addAndGet(-a.batch.size());
          failing = false;
          backoffNs = config.initialBackoff().toNanos();
          continue;
        }
        Throwable t = done ? a.result.getFailureThrowable() : null;
        if (a.batch.size() > 1 && ExportFailures.isTooLarge(t)) {
          // Not an outage: the backend takes smaller requests. Both halves go next.
          int half = a.batch.size() / 2;
          retry.addFirst(new Attempt(new ArrayList<>(a.batch.subList(half, a.batch.size())),
              a.firstAttemptNs));
          retry.addFirst(new Attempt(new ArrayList<>(a.batch.subList(0, half)),
              a.firstAttemptNs));
          splitBatches.incrementAndGet();
          continue;
        }
        failedAttempts.incrementAndGet();
        lastError = !done ? "export timed out after " + config.exportTimeout()
            : ExportFailures.describe(t);
        if (!failing) {
          failing = true;
          backoffNs = config.initialBackoff().toNanos();
        }
        nextRetryAt = now + backoffNs;
        backoffNs = Math.min(backoffNs * 2, config.maxBackoff().toNanos());
        if (now - a.firstAttemptNs >= maxRetryNs) {
          droppedRetry.addAndGet(a.batch.size());
          inFlight.addAndGet(-a.batch.size());
        } else {
          retry.add(a);
        }
      }
      // 2. Give up at the shutdown deadline.
      if (closing && now - shutdownDeadlineNs >= 0) {
        long rest = filling.size();
        for (Attempt a : flying) {
          rest += a.batch.size();
        }
        for (Attempt a : retry) {
          rest += a.batch.size();
        }
        List<SpanData> left = new ArrayList<>();
        queue.drainTo(left);
        droppedShutdown.addAndGet(rest + left.size());
        inFlight.set(0);
        if (!flying.isEmpty()) {
          lastError = "no answer within the shutdown time ("
              + config.shutdownTimeout().toMillis() / 1000.0 + " s)";
        }
        return;
      }
      // 3. Fill the next batch.
      if (filling.size() < config.maxBatchSize()) {
        int before = filling.size();
        queue.drainTo(filling, config.maxBatchSize() - before);
        inFlight.addAndGet(filling.size() - before);
      }
      if (closing && filling.isEmpty() && flying.isEmpty() && retry.isEmpty()) {
        return;
      }
      // 4. Send: several batches at once while healthy, one at a time after backoff when not.
      boolean due = filling.size() >= config.maxBatchSize()
          || (!filling.isEmpty() && (now - nextExport >= 0 || flushRequested || closing));
      if (queue.isEmpty() && filling.size() < config.maxBatchSize()) {
        flushRequested = false;
      }
      int limit = failing ? 1 : config.maxConcurrentExports();
      boolean mayRetry = !failing || now - nextRetryAt >= 0;
      boolean sent = false;
      while (flying.size() < limit && mayRetry) {
        Attempt next;
        if (!retry.isEmpty()) {
          next = retry.poll();
        } else if (due) {
          next = new Attempt(filling, now);
          filling = new ArrayList<>(config.maxBatchSize());
          nextExport = now + maxAgeNs;
          due = false;
        } else {
          break;
        }
        start(next);
        flying.add(next);
        sent = true;
        if (failing) {
          break;
        }
        if (filling.isEmpty() && !queue.isEmpty()) {
          int before = filling.size();
          queue.drainTo(filling, config.maxBatchSize());
          inFlight.addAndGet(filling.size() - before);
          due = filling.size() >= config.maxBatchSize();
        }
      }
      if (sent) {
        continue;
      }
      // 5. Sleep until a completion, new spans, flush/close, the batch age or the backoff.
      long wake = now + maxAgeNs;
      if (flying.size() >= limit) {
        // Only a completion (which unparks) or an export timeout can make progress.
        for (Attempt a : flying) {
          wake = Math.min(wake, a.startedNs + exportTimeoutNs);
        }
      } else if (!mayRetry) {
        wake = Math.min(wake, nextRetryAt);
      } else if (!filling.isEmpty()) {
        wake = Math.min(wake, nextExport);
      }
      if (closing) {
        wake = Math.min(wake, shutdownDeadlineNs);
      }
      long sleep = wake - now;
      if (sleep > 0) {
        LockSupport.parkNanos(this, sleep);
      }
      if (Thread.currentThread().isInterrupted()) {
        droppedShutdown.addAndGet(inFlight.get() + queue.size());
        queue.clear();
        inFlight.set(0);
        return;
      }
    }
  }

  private void start(Attempt a) {
    a.startedNs = System.nanoTime();
    try {
      a.result = exporter.export(List.copyOf(a.batch));
    } catch (RuntimeException e) {
      a.result = CompletableResultCode.ofExceptionalFailure(e);
    }
    a.result.whenComplete(() -> LockSupport.unpark(worker));
  }
}
