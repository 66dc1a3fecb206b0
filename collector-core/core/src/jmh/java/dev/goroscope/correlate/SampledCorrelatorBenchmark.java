package dev.goroscope.correlate;

import dev.goroscope.gobinary.stack.GoTraceback;
import dev.goroscope.gobinary.stack.StackFrame;
import dev.goroscope.record.Goroutine;
import dev.goroscope.record.ProcessInfo;
import dev.goroscope.record.RecordSink;
import dev.goroscope.record.SampleRecord;
import dev.goroscope.sample.ChannelState;
import dev.goroscope.sample.ChannelWait;
import dev.goroscope.sample.GoroutineSample;
import dev.goroscope.sample.GoroutineStack;
import dev.goroscope.sample.GoroutineStatus;
import dev.goroscope.sample.ProcessSample;
import dev.goroscope.sample.SampleStats;
import dev.goroscope.sample.Unmoved;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What one sample costs sampled mode's correlator side (the part after the sampler's reads,
 * which {@code SamplerCpuHarness} measures): {@link Correlator#sampled} and the lifecycle calls
 * it makes, for a process of {@code goroutines} goroutines in a steady state — 1 % running,
 * the rest blocked (half on one of 100 channels, a quarter on one of 100 locks, a quarter
 * sleeping), every blocked one unmoved since the previous sample and handed over as the same
 * instance, as the periodic sampler does. One operation is one sample, one second of stream
 * time after the previous one, so waits grow, leak groups are kept and partial flushes fall
 * where they would. With {@code churnPercent} above 0, that share of the goroutines is replaced
 * by new ones (new goids, blocked on a channel) at every sample: they end and start, and the
 * table is scanned for the goroutines that vanished.
 *
 * <p>Each iteration also prints a {@code [cpu]} line: ms of this thread's CPU per sample (on a
 * shared machine the wall time includes time off the CPU).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SampledCorrelatorBenchmark {

  private static final int PID = 4242;
  private static final long S = 1_000_000_000L;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  @Param({"100000"})
  public int goroutines;

  @Param({"0", "1"})
  public int churnPercent;

  private List<GoroutineSample> all;
  private Unmoved unmoved;
  private Correlator correlator;
  private CountingSink sink;
  private SamplingContext context;
  private long nowNs;
  private long cpuNs;
  private long samples;
  private boolean[] flags;
  private StackFrame site;
  private List<ChannelState> channels;
  private long nextGoid;
  private int churnAt;

  /** Counts what the correlator hands on, so nothing is optimised away. */
  static final class CountingSink implements RecordSink {
    long records;
    long hash;

    @Override
    public void goroutineStarted(Goroutine g) {
      records++;
    }

    @Override
    public void goroutineEnded(Goroutine g) {
      records++;
    }

    @Override
    public void goroutineUpdated(Goroutine g) {
      records++;
      hash += g.goid() ^ g.events().size();
    }

    @Override
    public void goroutinesSampled(SampleRecord s) {
      records++;
      hash += s.goroutines() ^ s.leakGroups().size();
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    site = new StackFrame("main.serve", "/src/main.go", 20, 0x401000, 0x400f00, false,
        0);
    channels = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      channels.add(new ChannelState(0xc000010000L + 0x100L * i, "main.job", 8, 0, 0, false, 0,
          goroutines / 200, true));
    }
    all = new ArrayList<>(goroutines);
    flags = new boolean[goroutines];
    for (int i = 0; i < goroutines; i++) {
      long goid = i + 1;
      int kind = i % 100 == 0 ? 0 : i % 4; // 0 running, 1 and 2 channel, 3 lock or sleep
      if (kind == 0) {
        all.add(new GoroutineSample(goid, GoroutineStatus.RUNNING, false, 0, "", 0, 1,
            "main.busy", 0x500000, site, false, false, null, List.of(), 0));
        continue;
      }
      flags[i] = true;
      if (kind < 3) {
        all.add(new GoroutineSample(goid, GoroutineStatus.WAITING, false, 7, "chan receive", 0,
            1, "main.worker", 0x500000, site, false, false, stack("main.worker", 40 + i % 7),
            List.of(new ChannelWait(channels.get(i % 100), ChannelWait.Direction.RECEIVE)), 0));
      } else if (i % 8 == 3) {
        all.add(new GoroutineSample(goid, GoroutineStatus.WAITING, false, 18,
            "sync.Mutex.Lock", 0, 1, "main.locker", 0x500000, site, false, false,
            stack("main.locker", 60), List.of(), 0x5b1000L + 8L * (i % 100)));
      } else {
        all.add(new GoroutineSample(goid, GoroutineStatus.WAITING, false, 19, "sleep", 0, 1,
            "main.sleeper", 0x500000, site, false, false, stack("main.sleeper", 80), List.of(),
            0));
      }
    }
    nextGoid = goroutines + 1;
    unmoved = Unmoved.of(flags, goroutines);
    sink = new CountingSink();
    correlator = Correlator.builder(sink).build();
    correlator.processStarted(new ProcessInfo(PID, "/bin/prog", "go1.26.8", "example.com/p"),
        Symbolizer.NONE, 0, false);
    context = new SamplingContext(S, 30 * S, GoTraceback.forGoMinor(26));
    nowNs = S;
    sample(Unmoved.NONE); // the first sample starts every goroutine: not the steady state
  }

  private static GoroutineStack stack(String function, int line) {
    return new GoroutineStack(List.of(
        new StackFrame("runtime.gopark", "/go/src/runtime/proc.go", 435, 0x40a000, 0x409f00,
            false, 0),
        new StackFrame(function, "/src/main.go", line, 0x4a0000, 0x49ff00, false, 0),
        new StackFrame("runtime.goexit", "/go/src/runtime/asm_amd64.s", 1700, 0x460001,
            0x460000, false, 0)), true, false);
  }

  private void sample(Unmoved flags) {
    nowNs += S;
    correlator.sampled(new ProcessSample(PID, "go1.26.8", nowNs, 50_000_000L, all,
        new SampleStats(all.size(), all.size(), 0, 0, 0, 0, 0, 0, 27, 48_000_000L,
            "process_vm_readv"), List.of(), flags), context);
    correlator.advanceTo(nowNs + S / 2);
  }

  /** Replaces {@code churnPercent} of the goroutines by new ones, as between two samples. */
  private Unmoved churn() {
    int n = goroutines * churnPercent / 100;
    if (n == 0) {
      return unmoved;
    }
    boolean[] moved = flags.clone();
    for (int k = 0; k < n; k++) {
      int i = churnAt;
      churnAt = (churnAt + 7919) % goroutines; // spread over the list, like reused g structs
      long goid = nextGoid++;
      all.set(i, new GoroutineSample(goid, GoroutineStatus.WAITING, false, 7, "chan receive", 0,
          1, "main.worker", 0x500000, site, false, false, stack("main.worker", 40 + i % 7),
          List.of(new ChannelWait(channels.get(i % 100), ChannelWait.Direction.RECEIVE)), 0));
      moved[i] = false;
    }
    return Unmoved.of(moved, goroutines);
  }

  @Benchmark
  public long steadySample() {
    Unmoved flagsNow = churn(); // the sampler's work: not counted
    long start = THREADS.getCurrentThreadCpuTime();
    sample(flagsNow);
    cpuNs += THREADS.getCurrentThreadCpuTime() - start;
    samples++;
    return sink.hash;
  }

  @TearDown(Level.Iteration)
  public void report() {
    if (samples > 0) {
      System.out.printf("%n[cpu] %d goroutines, churn %d %%: %.1f ms of thread CPU per sample"
          + " (%d samples), live %d%n", goroutines, churnPercent, cpuNs / 1e6 / samples, samples,
          correlator.stats().liveGoroutines());
    }
    cpuNs = 0;
    samples = 0;
  }
}
