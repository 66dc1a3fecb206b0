package dev.goroscope.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.event.GoroutineCreated;
import dev.goroscope.record.Goroutine;
import dev.goroscope.record.RecordSink;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import org.junit.jupiter.api.Test;

/** A million synthetic goroutines: the tables stay within their cap and within a heap budget. */
class CorrelatorMemoryTest {

  static final int MILLION = 1_000_000;

  /** Counts records without keeping them, so the sink costs no heap. */
  static final class CountingSink implements RecordSink {
    long partial;
    long finished;

    @Override
    public void goroutineUpdated(Goroutine g) {
      partial++;
    }

    @Override
    public void goroutineEnded(Goroutine g) {
      if (g.isPartial()) {
        partial++;
      } else {
        finished++;
      }
    }
  }

  @Test
  void aMillionLiveGoroutinesStayWithinTheCap() {
    int cap = 100_000;
    CountingSink sink = new CountingSink();
    long before = usedHeapAfterGc();
    Correlator correlator = Correlator.builder(sink)
        .setConfig(CorrelatorConfig.builder().setMaxGoroutines(cap).build())
        .setClock(() -> 0)
        .build();
    feedLiveGoroutines(correlator, MILLION);
    long after = usedHeapAfterGc();

    CorrelatorStats stats = correlator.stats();
    assertThat(stats.liveGoroutines()).isEqualTo(cap);
    // The creator, goroutine 1, is adopted as found running and tracked too; it spawns all the
    // time, so it is never the least recently active one.
    assertThat(stats.goroutinesEvicted()).isEqualTo(MILLION + 1 - cap);
    assertThat(sink.partial).as("every evicted goroutine is reported")
        .isEqualTo(stats.goroutinesEvicted());
    long perGoroutine = (after - before) / cap;
    System.out.printf("capped at %d: heap %d bytes (%d per tracked goroutine)%n",
        cap, after - before, perGoroutine);
    // Measured 172 bytes per tracked goroutine (the goroutine, its table slot, the reorder
    // buffer and symbol caches at their steady size), run after run; 1.5× that: an extra
    // object per goroutine fails here.
    assertThat(perGoroutine).isLessThan(260);
    Reference.reachabilityFence(correlator);
  }

  @Test
  void aMillionLiveGoroutinesWithinTheHeapBudget() {
    CountingSink sink = new CountingSink();
    long before = usedHeapAfterGc();
    Correlator correlator = Correlator.builder(sink)
        .setConfig(CorrelatorConfig.builder().setMaxGoroutines(2 * MILLION).build())
        .setClock(() -> 0)
        .build();
    feedLiveGoroutines(correlator, MILLION);
    long after = usedHeapAfterGc();

    assertThat(correlator.stats().liveGoroutines()).isEqualTo(MILLION + 1);
    assertThat(correlator.stats().goroutinesEvicted()).isZero();
    long perGoroutine = (after - before) / MILLION;
    System.out.printf("1M live goroutines: heap %d bytes (%d per goroutine)%n",
        after - before, perGoroutine);
    // Measured 125 bytes per goroutine, run after run (JMH's CorrelatorHeapBenchmark measures
    // it precisely); 1.5× that: an extra object per goroutine (~48 bytes with its reference)
    // fails here, GC noise on a 125 MB heap does not.
    assertThat(perGoroutine).isLessThan(190);
    Reference.reachabilityFence(correlator);
  }

  static void feedLiveGoroutines(Correlator correlator, int count) {
    long ts = 1_000_000_000L;
    for (int i = 0; i < count; i++) {
      ts += 1_000;
      correlator.accept(new GoroutineCreated(
          ts, 100, 100, i & 1, 10 + i, 1, 0x4a0000 + (i & 63), 0x4b0000 + (i & 15)));
    }
    // Let the reorder window close over the last events.
    correlator.advanceTo(ts + 1_000_000_000L);
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
