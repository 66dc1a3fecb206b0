package dev.goroscope.correlate;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Measures the disorder the reorder window has to absorb, on this machine: producer threads
 * take a CLOCK_MONOTONIC timestamp ({@link System#nanoTime()}) and then publish it into one
 * shared buffer under a lock, as a BPF program takes {@code bpf_ktime_get_ns()} and then
 * reserves space in the shared ring buffer. For each published timestamp the lateness is how
 * far it lies behind the newest timestamp published before it; the reorder window must cover
 * the largest lateness, or events are processed out of order.
 *
 * <p>A proxy, and a pessimistic one: a Java thread can lose its CPU (or stop at a safepoint)
 * between the two steps for a whole scheduler slice, where a BPF program runs with migration
 * disabled and is rarely preempted. With more producers than CPUs it shows what scheduling
 * delay alone does. Each iteration prints a {@code [disorder]} line.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class ReorderDisorderBenchmark {

  static final int PER_PRODUCER = 2_000_000;

  @Param({"2", "4", "8"})
  public int producers;

  @Benchmark
  public long measure() throws InterruptedException {
    long[] published = new long[producers * PER_PRODUCER];
    int[] next = {0};
    ReentrantLock lock = new ReentrantLock();
    CountDownLatch start = new CountDownLatch(1);
    Thread[] threads = new Thread[producers];
    for (int p = 0; p < producers; p++) {
      threads[p] = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < PER_PRODUCER; i++) {
          long ts = System.nanoTime();
          lock.lock();
          try {
            published[next[0]++] = ts;
          } finally {
            lock.unlock();
          }
        }
      });
      threads[p].start();
    }
    long began = System.nanoTime();
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    long elapsed = System.nanoTime() - began;
    long[] lateness = new long[published.length];
    long newest = Long.MIN_VALUE;
    int late = 0;
    for (long ts : published) {
      if (ts < newest) {
        lateness[late++] = newest - ts;
      }
      newest = Math.max(newest, ts);
    }
    long[] sorted = Arrays.copyOf(lateness, published.length); // zeros for in-order events
    Arrays.sort(sorted);
    System.out.printf("%n[disorder] producers=%d events=%d rate=%.1fM/s outOfOrder=%.3f%%"
        + " p50=%dns p99=%dns p99.9=%dns p99.99=%dns max=%dns%n",
        producers, published.length, published.length * 1e3 / elapsed,
        100.0 * late / published.length, pct(sorted, 0.5), pct(sorted, 0.99),
        pct(sorted, 0.999), pct(sorted, 0.9999), sorted[sorted.length - 1]);
    return sorted[sorted.length - 1];
  }

  private static long pct(long[] sorted, double q) {
    return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
  }
}
