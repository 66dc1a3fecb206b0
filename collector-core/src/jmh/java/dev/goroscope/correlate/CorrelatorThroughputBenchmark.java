package dev.goroscope.correlate;

import dev.goroscope.event.Event;
import dev.goroscope.record.ContextRecord;
import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.record.RecordSink;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Events per second through one correlator on one thread, for the default (shallow) and the
 * deep-mode event mix of {@link EventMix}, with the default configuration. {@code generateOnly}
 * measures the cost of making the events alone, for comparison.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CorrelatorThroughputBenchmark {

  static final int BATCH = 10_000;

  @Param({"default", "deep"})
  public String mix;

  private EventMix events;
  private Correlator correlator;
  private CountingSink sink;

  /** Consumes records cheaply but observably. */
  static final class CountingSink implements RecordSink {
    long records;
    long hash;

    @Override
    public void goroutine(GoroutineRecord record) {
      records++;
      hash += record.goid() ^ record.endNs() ^ record.parks().size();
    }

    @Override
    public void context(ContextRecord record) {
      records++;
      hash += record.ctx() ^ record.overrunGoids().size();
    }
  }

  @Setup
  public void setUp() {
    events = new EventMix(mix.equals("deep"));
    sink = new CountingSink();
    correlator = Correlator.builder(sink).build();
  }

  @TearDown
  public void tearDown() {
    CorrelatorStats s = correlator.stats();
    System.out.printf("%n[%s] events=%d records=%d live=%d overruns=%d outOfOrder=%d late=%d"
        + " overflows=%d evicted=%d%n", mix, s.eventsIn(), sink.records, s.liveGoroutines(),
        s.deadlineOverruns(), s.outOfOrderFixed(), s.lateEvents(), s.reorderOverflows(),
        s.goroutinesEvicted());
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long correlate() {
    for (int i = 0; i < BATCH; i++) {
      correlator.accept(events.next());
    }
    return sink.hash;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long generateOnly() {
    long h = 0;
    for (int i = 0; i < BATCH; i++) {
      Event e = events.next();
      h += e.timestampNs();
    }
    return h;
  }
}
