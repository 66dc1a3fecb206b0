package dev.goroscope.otel.receiver;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends held requests to the backend on one thread, in arrival order.
 *
 * <ul>
 *   <li>While the backend answers, up to {@code maxConcurrentForwards} requests are in flight.
 *   <li>A retryable failure (backend away, overloaded, timed out) puts the request back at the
 *       head and switches to one attempt at a time, after a backoff that doubles from
 *       {@code initialBackoff} to {@code maxBackoff} (or longer if the backend asks for it), each
 *       retry reconnecting at once. Requests that have waited {@code maxRetryTime} since they
 *       arrived are dropped while the backend keeps failing, counted as backend down (or timeout
 *       when their last attempt timed out).
 *   <li>A permanent failure (the backend refuses the data) drops that request, counted.
 *   <li>The queue is bounded by the receiver's byte budget, not here: the receiver refuses what
 *       does not fit.
 *   <li>{@link #close()} keeps delivering until {@code shutdownTimeout}, then drops and counts
 *       the rest; idempotent.
 * </ul>
 */
final class Forwarder implements AutoCloseable {

  /** An attempt not completed this long after its timeout counts as timed out. */
  private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Upstream upstream;
  private final ReceiverConfig config;
  private final Counters counters;
  private final java.time.Duration timeout;
  private final long timeoutNanos;
  private final Thread worker;
  private final Object lock = new Object();
  private final ArrayDeque<HeldRequest> incoming = new ArrayDeque<>(); // guarded by lock
  private boolean stopped; // guarded by lock
  private volatile boolean closing;
  private volatile long shutdownDeadlineNs;
  /** While failing: when the next attempt may go (for the Retry-After hint). */
  private volatile long retryAtNs;
  private volatile boolean failing;

  Forwarder(Upstream upstream, ReceiverConfig config, java.time.Duration timeout,
      Counters counters) {
    this.upstream = upstream;
    this.config = config;
    this.counters = counters;
    this.timeout = timeout;
    this.timeoutNanos = timeout.toNanos();
    this.worker = new Thread(this::run, "goroscope-otlp-forward");
    this.worker.setDaemon(true);
  }

  void start() {
    worker.start();
  }

  /** Queues a request whose bytes the budget already holds. Never blocks. */
  void enqueue(HeldRequest r) {
    synchronized (lock) {
      if (!stopped) {
        incoming.add(r);
        LockSupport.unpark(worker);
        return;
      }
    }
    counters.dropped(r, Counters.Drop.SHUTDOWN);
  }

  /** How long a refused sender should wait before trying again, in milliseconds. */
  long retryAfterMillis() {
    if (!failing) {
      return 1000;
    }
    long ms = TimeUnit.NANOSECONDS.toMillis(retryAtNs - System.nanoTime());
    return Math.max(1000, Math.min(ms, config.maxBackoff().toMillis()));
  }

  private static final class Attempt {
    final HeldRequest request;
    final CompletableFuture<ForwardResult> result;
    final long startedNs;

    Attempt(HeldRequest request, CompletableFuture<ForwardResult> result, long startedNs) {
      this.request = request;
      this.result = result;
      this.startedNs = startedNs;
    }
  }

  private void run() {
    ArrayDeque<HeldRequest> waiting = new ArrayDeque<>();
    ArrayDeque<HeldRequest> retry = new ArrayDeque<>();
    List<Attempt> flying = new ArrayList<>();
    long initialBackoff = config.initialBackoff().toNanos();
    long maxBackoff = config.maxBackoff().toNanos();
    long maxAge = config.maxRetryTime().toNanos();
    long backoff = initialBackoff;
    try {
      while (true) {
        synchronized (lock) {
          waiting.addAll(incoming);
          incoming.clear();
        }
        long now = System.nanoTime();
        // 1. Finished attempts.
        for (Iterator<Attempt> it = flying.iterator(); it.hasNext(); ) {
          Attempt a = it.next();
          ForwardResult r = a.result.getNow(null);
          if (r == null) {
            if (now - a.startedNs < timeoutNanos + GRACE_NANOS) {
              continue;
            }
            a.result.cancel(false);
            r = ForwardResult.retryable("no answer within " + timeout, 0, true);
          }
          it.remove();
          switch (r.kind()) {
            case OK:
              counters.forwarded(a.request, r.rejectedItems());
              failing = false;
              backoff = initialBackoff;
              break;
            case PERMANENT:
              counters.failedAttempt(r.error());
              counters.rejectedByBackend(a.request);
              break;
            default:
              counters.failedAttempt(r.error());
              a.request.lastAttemptTimedOut = r.timedOut();
              if (!failing) {
                failing = true;
                backoff = initialBackoff;
              }
              retryAtNs = now + Math.max(backoff,
                  TimeUnit.MILLISECONDS.toNanos(Math.min(r.retryAfterMillis(), 60_000)));
              backoff = Math.min(backoff * 2, maxBackoff);
              retry.add(a.request);
          }
        }
        // 2. Shutdown deadline: drop what is left.
        if (closing && now - shutdownDeadlineNs >= 0) {
          for (Attempt a : flying) {
            a.result.cancel(false);
            counters.dropped(a.request, Counters.Drop.SHUTDOWN);
          }
          dropAll(retry, Counters.Drop.SHUTDOWN);
          dropAll(waiting, Counters.Drop.SHUTDOWN);
          return;
        }
        // 3. While failing, requests that waited too long go.
        if (failing) {
          dropOlderThan(retry, now - maxAge);
          dropOlderThan(waiting, now - maxAge);
        }
        // 4. Send: several at once while healthy, one after the backoff while failing.
        int limit = failing ? 1 : config.maxConcurrentForwards();
        while (flying.size() < limit && (!failing || now - retryAtNs >= 0)) {
          HeldRequest next = !retry.isEmpty() ? retry.poll() : waiting.poll();
          if (next == null) {
            break;
          }
          if (failing || next.attempted) {
            upstream.reconnectNow();
          }
          next.attempted = true;
          CompletableFuture<ForwardResult> f = upstream.send(next.signal, next.body);
          f.whenComplete((res, err) -> LockSupport.unpark(worker));
          flying.add(new Attempt(next, f, now));
        }
        if (closing && flying.isEmpty() && retry.isEmpty() && waiting.isEmpty()) {
          synchronized (lock) {
            if (incoming.isEmpty()) {
              return;
            }
          }
          continue;
        }
        // 5. Sleep until a completion, a new request, a retry, an age limit or the deadline.
        long wake = now + TimeUnit.SECONDS.toNanos(1);
        for (Attempt a : flying) {
          wake = Math.min(wake, a.startedNs + timeoutNanos + GRACE_NANOS);
        }
        if (failing && flying.isEmpty() && !(retry.isEmpty() && waiting.isEmpty())) {
          wake = Math.min(wake, retryAtNs);
        }
        if (failing) {
          HeldRequest oldest = !retry.isEmpty() ? retry.peek() : waiting.peek();
          if (oldest != null) {
            wake = Math.min(wake, oldest.receivedNs + maxAge);
          }
        }
        if (closing) {
          wake = Math.min(wake, shutdownDeadlineNs);
        }
        long sleep = wake - now;
        synchronized (lock) {
          if (!incoming.isEmpty()) {
            continue;
          }
        }
        if (sleep > 0) {
          LockSupport.parkNanos(this, sleep);
        }
      }
    } finally {
      synchronized (lock) {
        stopped = true;
        waiting.addAll(incoming);
        incoming.clear();
      }
      dropAll(retry, Counters.Drop.SHUTDOWN);
      dropAll(waiting, Counters.Drop.SHUTDOWN);
    }
  }

  private void dropOlderThan(ArrayDeque<HeldRequest> queue, long cutoffNs) {
    for (Iterator<HeldRequest> it = queue.iterator(); it.hasNext(); ) {
      HeldRequest r = it.next();
      if (r.receivedNs - cutoffNs <= 0) {
        it.remove();
        counters.dropped(r, r.lastAttemptTimedOut ? Counters.Drop.TIMEOUT
            : Counters.Drop.BACKEND_DOWN);
      }
    }
  }

  private void dropAll(ArrayDeque<HeldRequest> queue, Counters.Drop why) {
    for (HeldRequest r; (r = queue.poll()) != null; ) {
      counters.dropped(r, why);
    }
  }

  /**
   * Delivers what it can until the shutdown timeout, drops the rest; returns when done.
   * Idempotent.
   */
  @Override
  public void close() {
    if (!closing) {
      shutdownDeadlineNs = System.nanoTime() + config.shutdownTimeout().toNanos();
      closing = true;
    }
    LockSupport.unpark(worker);
    if (worker.getState() == Thread.State.NEW) {
      ArrayDeque<HeldRequest> left;
      synchronized (lock) {
        stopped = true;
        left = new ArrayDeque<>(incoming);
        incoming.clear();
      }
      dropAll(left, Counters.Drop.SHUTDOWN);
      return;
    }
    try {
      worker.join(config.shutdownTimeout().toMillis() + 2 * GRACE_NANOS / 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
