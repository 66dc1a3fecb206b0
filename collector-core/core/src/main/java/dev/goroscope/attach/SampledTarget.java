package dev.goroscope.attach;

import dev.goroscope.GoroscopeException;
import dev.goroscope.bpf.ringbuf.RecordHandler;
import dev.goroscope.correlate.SamplingContext;
import dev.goroscope.correlate.Symbolizer;
import dev.goroscope.gobinary.GoBinary;
import dev.goroscope.gobinary.waitreason.WaitReasons;
import dev.goroscope.process.ProcessCpu;
import dev.goroscope.process.TargetProcess;
import dev.goroscope.record.BurstStatus;
import dev.goroscope.record.ProcessInfo;
import dev.goroscope.sample.GoroutineSampler;
import dev.goroscope.sample.ProcessSample;
import dev.goroscope.sample.SamplerConfig;
import java.time.Duration;
import java.util.function.LongConsumer;

/**
 * One process watched in sampled mode: its goroutine sampler (memory reads only), when its
 * next sample is due, and — when precise bursts are configured — its probe plan, the probes
 * while a burst runs and the {@link BurstScheduler} that spaces bursts under the budget.
 */
final class SampledTarget implements AutoCloseable {

  private final TargetProcess target;
  private final GoroutineSampler sampler;
  private final ProcessInfo info;
  private final Symbolizer symbolizer;
  private final long intervalNs;
  private final long leakWindowNs;
  private ProcessPlan plan; // null: no bursts for this process
  private BurstScheduler scheduler;
  private final double trapNs;
  private final double budgetPercent;
  private final int ringBytes;
  private ProcessProbes probes;
  private long burstHits;
  private long lastBurstEndNs = Long.MIN_VALUE;
  private long lastMaxGoid;
  private long lastMaxGoidNs;
  private double creationRate = -1;
  long nextSampleNs;
  long samples;
  long samplesSkipped;
  int growingGroups;

  private SampledTarget(TargetProcess target, GoroutineSampler sampler, AttachConfig config,
      ProcessPlan plan, BurstScheduler scheduler, double trapNs, long nowNs) {
    this.target = target;
    this.sampler = sampler;
    GoBinary binary = sampler.binary();
    this.info = new ProcessInfo(target.pid(), target.executablePath(), binary.goVersionString(),
        binary.buildInfo().modulePath());
    this.symbolizer = new GoBinarySymbolizer(binary,
        WaitReasons.of(binary.elf(), binary.version()), sampler.loadBias());
    this.intervalNs = config.sampleInterval().toNanos();
    this.leakWindowNs = config.leakWindow().toNanos();
    this.plan = plan;
    this.scheduler = scheduler;
    this.trapNs = trapNs;
    this.budgetPercent = config.bursts() == null ? 0 : config.bursts().budgetPercent();
    this.ringBytes = config.ringBytes();
    this.nextSampleNs = nowNs;
  }

  /**
   * Opens the sampler of {@code target} (ptrace-read permission only) and, with bursts, plans
   * its probes; a process whose probes cannot be planned is sampled without bursts and {@code
   * problem} says why.
   *
   * @param trapNs the calibrated trap cost, when bursts are configured
   * @param checkNs how often the caller checks a running burst
   */
  static SampledTarget open(TargetProcess target, AttachConfig config, TargetPlanner planner,
      double trapNs, long checkNs, StringBuilder problem) {
    GoroutineSampler sampler = GoroutineSampler.open(target.pid(), SamplerConfig.defaults());
    try {
      ProcessPlan plan = null;
      BurstScheduler scheduler = null;
      if (config.bursts() != null) {
        try {
          plan = planner.plan(target, false);
          scheduler = new BurstScheduler(config.bursts(), trapNs, checkNs, System.nanoTime(),
              Math.max(0, ProcessCpu.cpuNs(target.pid())));
        } catch (GoroscopeException e) {
          problem.append("no precise bursts: ").append(e.getMessage());
        }
      }
      return new SampledTarget(target, sampler, config, plan, scheduler, trapNs,
          System.nanoTime());
    } catch (RuntimeException e) {
      sampler.close();
      throw e;
    }
  }

  TargetProcess target() {
    return target;
  }

  ProcessInfo info() {
    return info;
  }

  Symbolizer symbolizer() {
    return symbolizer;
  }

  GoroutineSampler sampler() {
    return sampler;
  }

  boolean hasBursts() {
    return scheduler != null;
  }

  /** Reads every goroutine now and schedules the next sample (skipping slots already past). */
  ProcessSample sample(long nowNs) {
    ProcessSample s = sampler.sample();
    samples++;
    watchCreations(s);
    nextSampleNs += intervalNs;
    long after = System.nanoTime();
    if (nextSampleNs <= after) {
      long behind = (after - nextSampleNs) / intervalNs + 1;
      samplesSkipped += behind;
      nextSampleNs += behind * intervalNs;
    }
    return s;
  }

  /**
   * How fast the target creates goroutines: goids are handed out in increasing order (in
   * batches per P, so this is close, not exact), so the highest goid's growth between samples.
   */
  private void watchCreations(ProcessSample s) {
    if (scheduler == null || s.goroutines().isEmpty()) {
      return;
    }
    long max = s.goroutines().get(s.goroutines().size() - 1).goid();
    if (lastMaxGoid > 0 && max >= lastMaxGoid && s.timestampNs() > lastMaxGoidNs) {
      double rate = (max - lastMaxGoid) * 1e9 / (s.timestampNs() - lastMaxGoidNs);
      creationRate = creationRate < 0 ? rate : 0.7 * creationRate + 0.3 * rate;
      scheduler.expectCreations(creationRate);
    }
    lastMaxGoid = max;
    lastMaxGoidNs = s.timestampNs();
  }

  /** How the samples are to be read, with the bursts as of now. */
  SamplingContext context() {
    BurstStatus bursts = scheduler == null ? null : new BurstStatus(scheduler.active(),
        scheduler.bursts(), scheduler.hits(), trapNs, budgetPercent,
        scheduler.estimatedOverheadPercent());
    return new SamplingContext(intervalNs, leakWindowNs, sampler.traceback(), bursts,
        lastBurstEndNs);
  }

  boolean bursting() {
    return probes != null;
  }

  /** Takes the target's CPU reading and decides whether a burst starts or stops now. */
  BurstAction decide(long nowNs, boolean anomaly) {
    if (scheduler == null) {
      return BurstAction.NONE;
    }
    long cpu = ProcessCpu.cpuNs(target.pid());
    if (cpu < 0) {
      return BurstAction.NONE;
    }
    scheduler.update(nowNs, cpu, burstHits);
    if (probes != null) {
      return scheduler.shouldStop(nowNs) ? BurstAction.STOP : BurstAction.NONE;
    }
    return scheduler.shouldStart(nowNs, anomaly) ? BurstAction.START : BurstAction.NONE;
  }

  /** What {@link #decide} asks for. */
  enum BurstAction {
    NONE,
    START,
    STOP
  }

  /** Attaches the default probes for this process only. */
  void startBurst(long nowNs) {
    probes = ProcessProbes.open(target, plan, ringBytes);
    burstHits = 0;
    scheduler.started(nowNs);
  }

  /** Hands the burst's records to {@code handler}, waiting up to {@code timeout}; counts hits. */
  void poll(RecordHandler handler, Duration timeout, LongConsumer lost) {
    if (probes == null) {
      return;
    }
    burstHits += probes.poll(handler, timeout);
    long l = probes.newLosses();
    if (l > 0) {
      burstHits += l;
      lost.accept(l);
    }
  }

  /**
   * Ends the burst: the records already written were polled by the caller; the probes are
   * handed back for detaching (slow: the caller does it off its thread).
   */
  ProcessProbes endBurst(long nowNs) {
    ProcessProbes p = probes;
    probes = null;
    scheduler.stopped(nowNs, burstHits);
    lastBurstEndNs = nowNs;
    burstHits = 0;
    return p;
  }

  /** No more bursts for this process (its probes could not be attached). */
  void disableBursts() {
    if (probes != null) {
      probes.close();
      probes = null;
    }
    scheduler = null;
    plan = null;
  }

  int linkCount() {
    return plan == null ? 0 : plan.sites().size();
  }

  /** Bursts so far, probe hits, trap cost, budget and estimate, or null without bursts. */
  BurstStatus burstStatus() {
    return context().bursts();
  }

  @Override
  public void close() {
    if (probes != null) {
      probes.close();
      probes = null;
    }
    sampler.close();
  }
}
