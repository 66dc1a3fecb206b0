package dev.goroscope.correlate;

import dev.goroscope.event.GoroutineCreated;
import dev.goroscope.event.GoroutineParked;
import dev.goroscope.event.GoroutineReadied;
import dev.goroscope.record.Goroutine;
import dev.goroscope.record.RecordSink;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Bytes of heap per live goroutine: a fresh correlator takes {@value #GOROUTINES} creations (and
 * in {@code parked} mode a park, a wakeup and a second park for each, so each holds a park log
 * and an open park), then the used heap after full GCs is compared with before. Each iteration
 * prints a {@code [heap]} line with the bytes per goroutine (not a JMH secondary result: JMH sums
 * those over iterations); the time score only says how long filling took.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
public class CorrelatorHeapBenchmark {

  static final int GOROUTINES = 1_000_000;

  @Param({"created", "parked"})
  public String state;

  static final class NullSink implements RecordSink {
    @Override
    public void goroutineEnded(Goroutine g) {}
  }

  @Benchmark
  public long fill() {
    long before = usedHeapAfterGc();
    Correlator correlator = Correlator.builder(new NullSink())
        .setConfig(CorrelatorConfig.builder().setMaxGoroutines(2 * GOROUTINES).build())
        .setClock(() -> 0)
        .build();
    boolean parked = state.equals("parked");
    long ts = 1_000_000_000L;
    for (int i = 0; i < GOROUTINES; i++) {
      long goid = 10 + i;
      correlator.accept(new GoroutineCreated(ts += 100, 1, 1, 0, goid, 1, 0x4a1000 + (i & 255),
          0x4b2000 + (i & 63)));
      if (parked) {
        correlator.accept(new GoroutineParked(ts += 100, 1, 1, 0, goid, 19));
        correlator.accept(new GoroutineReadied(ts += 100, 1, 1, 0, goid, 1));
        correlator.accept(new GoroutineParked(ts += 100, 1, 1, 0, goid, 19));
      }
    }
    correlator.advanceTo(ts + 1_000_000_000L);
    long after = usedHeapAfterGc();
    System.out.printf("%n[heap] state=%s bytesPerGoroutine=%d%n", state,
        (after - before) / GOROUTINES);
    long live = correlator.stats().liveGoroutines();
    Reference.reachabilityFence(correlator);
    return live;
  }

  static long usedHeapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
