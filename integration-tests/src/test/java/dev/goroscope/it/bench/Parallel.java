package dev.goroscope.it.bench;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * A few slow, independent set-up steps at once (Go builds, goroscope JVMs that inspect a
 * binary), each on its own thread: the common pool has a single thread on a 2-CPU machine.
 */
final class Parallel implements AutoCloseable {
  private final ExecutorService pool = Executors.newCachedThreadPool();

  <T> Future<T> start(Supplier<T> task) {
    return pool.submit(task::get);
  }

  /** The task's result; its failure rethrown as it was thrown. */
  static <T> T join(Future<T> task) {
    try {
      return task.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
