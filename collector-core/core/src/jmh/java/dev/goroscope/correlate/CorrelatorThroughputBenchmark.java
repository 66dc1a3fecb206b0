package dev.goroscope.correlate;

import dev.goroscope.event.Event;
import dev.goroscope.record.ContextRecord;
import dev.goroscope.record.Goroutine;
import dev.goroscope.record.RecordSink;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Events per second through one correlator on one thread, for the default (shallow) and the
 * deep-mode event mix of {@link EventMix}, with the default configuration. {@code generateOnly}
 * measures the cost of making the events alone, for comparison.
 *
 * <p>The score is events per second of wall time. On a shared machine the thread is often not
 * on a CPU, so each measured iteration also prints a {@code [cpu]} line with the events per
 * second of the benchmark thread's own CPU time: what one core does while it actually runs the
 * correlator. (Not a JMH secondary result: JMH sums those over iterations.)
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
    public void goroutineEnded(Goroutine g) {
      records++;
      hash += g.goid() ^ g.endNs() ^ g.events().size();
    }

    @Override
    public void contextEnded(ContextRecord c) {
      records++;
      hash += c.ctx() ^ c.overrunGoids().size();
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

  /** Events per second of this thread's CPU time, printed per iteration. */
  @State(Scope.Thread)
  public static class CpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private long cpuNs;
    private long events;

    @Setup(Level.Iteration)
    public void clear() {
      cpuNs = 0;
      events = 0;
    }

    @TearDown(Level.Iteration)
    public void report(BenchmarkParams params) {
      if (cpuNs > 0) {
        System.out.printf("%n[cpu] %s %s eventsPerCpuSecond=%d%n", params.getBenchmark()
            .replaceAll(".*\\.", ""), params.getParam("mix"), events * 1_000_000_000L / cpuNs);
      }
    }

    long start() {
      return THREADS.getCurrentThreadCpuTime();
    }

    void stop(long startCpuNs, int count) {
      cpuNs += THREADS.getCurrentThreadCpuTime() - startCpuNs;
      events += count;
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long correlate(CpuTime cpu) {
    long start = cpu.start();
    for (int i = 0; i < BATCH; i++) {
      correlator.accept(events.next());
    }
    cpu.stop(start, BATCH);
    return sink.hash;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long generateOnly(CpuTime cpu) {
    long start = cpu.start();
    long h = 0;
    for (int i = 0; i < BATCH; i++) {
      Event e = events.next();
      h += e.timestampNs();
    }
    cpu.stop(start, BATCH);
    return h;
  }
}
