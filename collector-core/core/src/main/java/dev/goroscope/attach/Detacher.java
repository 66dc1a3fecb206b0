package dev.goroscope.attach;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closes probes off the draining thread: detaching a uprobe waits until the kernel knows it is
 * unused (~100 ms a probe here), which must not stall the reading of other processes' rings.
 * {@link #close()} waits for every detach asked for: probes never outlive the run.
 */
final class Detacher implements AutoCloseable {

  private static final int THREADS = 4;

  private final ThreadPoolExecutor executor;
  private final AtomicLong pending = new AtomicLong();

  Detacher() {
    executor = new ThreadPoolExecutor(THREADS, THREADS, 1, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "goroscope-detach");
          t.setDaemon(true);
          return t;
        });
    executor.allowCoreThreadTimeOut(true);
  }

  /** Closes {@code resource} soon, on a detach thread; a failure to close is ignored. */
  void detach(AutoCloseable resource) {
    pending.incrementAndGet();
    executor.execute(() -> {
      try {
        resource.close();
      } catch (Exception e) {
        // Nothing to do: the kernel drops the links with our descriptors at exit anyway.
      } finally {
        pending.decrementAndGet();
      }
    });
  }

  /** Detaches still under way. */
  long pending() {
    return pending.get();
  }

  /** Waits until everything asked for is detached (uninterruptibly: probes must go). */
  @Override
  public void close() {
    executor.shutdown();
    boolean interrupted = false;
    while (true) {
      try {
        if (executor.awaitTermination(1, TimeUnit.DAYS)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
