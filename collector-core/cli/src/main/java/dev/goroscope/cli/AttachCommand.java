package dev.goroscope.cli;

import dev.goroscope.GoroscopeException;
import dev.goroscope.attach.AttachConfig;
import dev.goroscope.attach.AttachMode;
import dev.goroscope.attach.AttachSession;
import dev.goroscope.attach.AttachSummary;
import dev.goroscope.attach.Attacher;
import dev.goroscope.attach.BurstConfig;
import dev.goroscope.attach.GoTargetPlanner;
import dev.goroscope.attach.SampledAttacher;
import dev.goroscope.bpf.BpfFeatures;
import dev.goroscope.correlate.CorrelatorConfig;
import dev.goroscope.gobinary.GoBinary;
import dev.goroscope.otel.enrich.GoroutineIdEnricher;
import dev.goroscope.otel.receiver.OtlpReceiver;
import dev.goroscope.probe.ProbeSelection;
import dev.goroscope.otel.receiver.ReceiverStats;
import dev.goroscope.otel.receiver.SpanEnricher;
import dev.goroscope.otel.time.ClockOffset;
import dev.goroscope.process.TargetProcess;
import dev.goroscope.record.ProcessInfo;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code goroscope attach}: watch a running Go process and export its goroutines. */
@Command(
    name = "attach",
    mixinStandardHelpOptions = true,
    description = {
      "Attach eBPF uprobes to a running Go program and export one span per goroutine.",
      "Stops on Ctrl-C/SIGTERM, after --duration, or when the --pid target exits; then it"
          + " detaches, flushes and prints a summary."
    },
    sortOptions = false)
public final class AttachCommand implements Callable<Integer> {

  /** What a stop may take beyond the outputs' shutdown time before the JVM ends anyway. */
  static final Duration STOP_MARGIN = Duration.ofSeconds(5);

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  static final class Target {
    @Option(names = "--pid", paramLabel = "PID", description = "The Go process to watch.")
    int pid;

    @Option(
        names = "--exe",
        paramLabel = "PATH",
        description = "Watch every process running this executable, and new ones as they start.")
    Path exe;
  }

  @Option(names = "--deep", description = "Also probe parks and wake-ups (gopark/ready) and"
      + " channel operations (chansend1/chanrecv1/chanrecv2): far more uprobe hits, so more"
      + " overhead; off by default.")
  boolean deep;

  @Option(names = "--probe", paramLabel = "NAME", split = ",",
      description = "Runtime events to probe as well: stw (stop-the-world pauses, on by"
          + " default), mutex (contended sync.Mutex/RWMutex), syscall (system calls, threads"
          + " blocked in them, LockOSThread), sched (runnable-to-running delay: every status"
          + " change traps, deep); no-NAME switches one off. Repeatable or comma-separated.")
  List<String> probes = new ArrayList<>();

  @Option(names = "--syscall-threshold", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "With --probe syscall: report system calls at least this long (default:"
          + " 1ms).")
  Duration syscallThreshold = ProbeSelection.DEFAULT_SYSCALL_THRESHOLD;
  @Option(names = "--mode", paramLabel = "MODE", description = "precise (default): uprobes at"
      + " goroutine creation, exit and contexts. sampled: no uprobe and no BPF, every goroutine"
      + " read from the process's memory every --sample-interval (needs only the permission"
      + " to read its memory); add --precise-every for short precise bursts.")
  String mode = "precise";

  @Option(names = "--sample-interval", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Sampled mode: how often every goroutine is read (default: 1s; at least"
          + " 10ms).")
  Duration sampleInterval;

  @Option(names = "--leak-window", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Sampled mode: a group of blocked goroutines whose count keeps growing over"
          + " this window is a leak candidate (default: 30s).")
  Duration leakWindow;

  @Option(names = "--precise-every", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Sampled mode: attach the default probes for a short burst about this often"
          + " (default with --precise-for or --overhead-budget: 60s); bursts are spaced further"
          + " apart when the overhead budget needs it, and a leak group that starts growing"
          + " triggers one early.")
  Duration preciseEvery;

  @Option(names = "--precise-for", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Sampled mode: how long a precise burst lasts at most (default: 1s).")
  Duration preciseFor;

  @Option(names = "--overhead-budget", paramLabel = "PERCENT",
      converter = PercentConverter.class,
      description = "Sampled mode: the target's estimated overhead from precise bursts (trap"
          + " time over its own CPU time, with the trap cost measured at start) stays under this"
          + " (default: 1, i.e. 1 %%).")
  Double overheadBudget;

  @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Stop after this long, e.g. 30s, 5m (default: until Ctrl-C or the target"
          + " exits).")
  Duration duration;

  @Mixin OutputOptions output;

  @Mixin ReceiverOptions receiver;

  @Mixin AppSpanOptions appSpans;

  @Option(names = "--overrun-grace", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "How long after a context's deadline a goroutine in its scope may still run"
          + " before it is a deadline overrun (default: 100ms).")
  Duration overrunGrace = CorrelatorConfig.DEFAULT_DEADLINE_GRACE;

  @Option(names = "--leak-threshold", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Age after which a live goroutine is a leak candidate (default: 60s).")
  Duration leakThreshold = CorrelatorConfig.DEFAULT_LEAK_THRESHOLD;

  @Option(names = "--partial-interval", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How often long-lived goroutines are exported as partial records (default:"
          + " 10s; sampled mode skips those the samples found where they were).")
  Duration partialInterval = CorrelatorConfig.DEFAULT_PARTIAL_FLUSH_INTERVAL;

  @Option(names = "--max-goroutines", paramLabel = "N",
      description = "Cap on goroutines tracked at once; the oldest are evicted and counted"
          + " (default: 1000000).")
  int maxGoroutines = CorrelatorConfig.DEFAULT_MAX_GOROUTINES;

  @Option(names = "--ring-buffer-size", paramLabel = "BYTES",
      description = "Kernel ring buffer per process, a power of two from 4096 to 536870912"
          + " (default: 4194304).")
  int ringBytes = AttachConfig.DEFAULT_RING_BYTES;

  @Option(names = "--debug",
      description = "Print stack traces of internal errors and the correlator's counters.")
  boolean debug;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    AttachConfig config = attachConfig();
    if (config.mode() == AttachMode.PRECISE || config.bursts() != null) {
      // sampled mode without bursts reads memory only
      BpfFeatures.ensureAvailable(GoroscopeException::new);
    }
    // One clock offset for goroutine spans and the enricher, which compares with span times.
    ClockOffset clock = ClockOffset.measure();
    GoroutineIdEnricher enricher = receiver.enabled() ? GoroutineIdEnricher.create(clock) : null;
    OtlpReceiver otlpReceiver = receiver.start(output, err,
        enricher != null ? enricher : SpanEnricher.NONE);
    if (enricher != null && otlpReceiver != null) {
      enricher.setListener(otlpReceiver::enricherUpdated);
    }
    try {
      Outputs outputs = output.create(describeTarget(config), clock, pipeline -> {
        appSpans.apply(pipeline);
        if (enricher != null) {
          pipeline.addSink(enricher);
        }
      });
      AttachSession attacher = config.mode() == AttachMode.SAMPLED
          ? new SampledAttacher(config, new GoTargetPlanner(), outputs.sink(), outputs::exported,
              outputs::dropped, err, Attacher.stderrIsTerminal())
          : new Attacher(config, new GoTargetPlanner(), outputs.sink(), outputs::exported,
              outputs::dropped, err, Attacher.stderrIsTerminal());
      return runUntilStopped(attacher, outputs, otlpReceiver, err, debug, () -> {});
    } finally {
      if (otlpReceiver != null) {
        otlpReceiver.shutdown();
      }
    }
  }

  /**
   * Runs the attacher; SIGINT/SIGTERM stop it and wait for its flush. Prints the summary.
   *
   * <p>A signal makes the JVM exit with 128+signal as soon as the shutdown hooks return, while
   * the main thread's own exit blocks: so the hook waits until the summary is printed and then
   * ends the JVM with 0 itself. If the run failed, the hook lets the JVM end as it would. The
   * wait is bounded: the outputs close within {@link Outputs#shutdownTimeout()} whatever the
   * backend does (what they could not deliver is counted and printed), the probes are detached
   * meanwhile, and {@link #STOP_MARGIN} covers the rest (last drain, detaching, summary).
   */
  static int runUntilStopped(
      AttachSession attacher, Outputs outputs, PrintWriter err, boolean debug) {
    return runUntilStopped(attacher, outputs, null, err, debug, () -> {});
  }

  /**
   * As above, with an OTLP receiver (or null) that is shut down, and reported, once the attacher
   * has stopped, and {@code cleanup} (what the command started: the demo's processes) run
   * before a signal may end the JVM.
   */
  static int runUntilStopped(AttachSession attacher, Outputs outputs, OtlpReceiver otlpReceiver,
      PrintWriter err, boolean debug, Runnable cleanup) {
    CompletableFuture<Boolean> reported = new CompletableFuture<>();
    Duration wait = Outputs.shutdownTimeout().plus(STOP_MARGIN)
        .plus(otlpReceiver != null ? ReceiverOptions.shutdownBound() : Duration.ZERO);
    Thread hook = new Thread(() -> {
      attacher.requestStop();
      try {
        if (reported.get(wait.toMillis(), TimeUnit.MILLISECONDS)) {
          Runtime.getRuntime().halt(0);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        // no summary to wait for: end as the JVM would
      }
    }, "goroscope-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    AttachSummary summary;
    try {
      summary = attacher.run();
    } catch (RuntimeException | Error e) {
      try {
        cleanup.run();
      } finally {
        reported.complete(false);
      }
      throw e;
    }
    err.print(summary.leakLines(10));
    if (debug) {
      err.println("goroscope: " + attacher.correlatorStats());
    }
    err.println(summary.line(outputs.exportedLabel()));
    if (!summary.malformedLine().isEmpty()) {
      err.println(summary.malformedLine());
    }
    String app = outputs.appSpanLine(attacher.correlatorStats().appSpansStarted(),
        attacher.correlatorStats().appSpansEnded());
    if (!app.isEmpty()) {
      err.println("goroscope: " + app);
    }
    String problems = outputs.problems();
    if (!problems.isEmpty()) {
      err.println("goroscope: " + problems);
    }
    if (otlpReceiver != null) {
      otlpReceiver.shutdown();
      ReceiverStats received = otlpReceiver.stats();
      err.println("goroscope: " + received.summaryLine());
      if (!received.problems().isEmpty()) {
        err.println("goroscope: " + received.problems());
      }
    }
    String report = outputs.htmlReportLine();
    if (!report.isEmpty()) {
      err.println("goroscope: " + report);
    }
    err.flush();
    System.out.flush();
    try {
      cleanup.run();
    } finally {
      reported.complete(true);
    }
    return 0;
  }

  AttachConfig attachConfig() {
    AttachConfig.Builder b = AttachConfig.builder().setDeep(deep).setMode(mode());
    try {
      b.setProbes(probeSelection(probes, syscallThreshold));
      sampledOptions(b);
      // The builders check every value; their messages name it.
      b.setCorrelator(
              CorrelatorConfig.builder()
                  .setDeadlineGrace(overrunGrace)
                  .setLeakThreshold(leakThreshold)
                  .setPartialFlushInterval(partialInterval)
                  .setMaxGoroutines(maxGoroutines)
                  .build())
          .setRingBytes(ringBytes)
          .setDuration(duration);
    } catch (IllegalArgumentException e) {
      throw new GoroscopeException(e.getMessage());
    }
    if (target.exe != null) {
      if (!Files.isRegularFile(target.exe)) {
        throw new GoroscopeException(target.exe + ": no such file");
      }
      // Now rather than at the first process: not Go, or a Go release goroscope cannot read.
      GoBinary.open(target.exe).requireSupportedVersion();
      b.setExecutable(target.exe.toAbsolutePath());
    } else {
      TargetProcess.of(target.pid); // a clear error now for a missing pid
      b.setPid(target.pid);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new GoroscopeException(e.getMessage());
    }
  }

  private AttachMode mode() {
    return switch (mode.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "precise" -> AttachMode.PRECISE;
      case "sampled" -> AttachMode.SAMPLED;
      default -> throw new GoroscopeException(
          "--mode " + mode + " is not a mode: use precise or sampled");
    };
  }

  /** The sampled-mode options; each is refused, with its name, in precise mode. */
  private void sampledOptions(AttachConfig.Builder b) {
    boolean sampled = mode() == AttachMode.SAMPLED;
    String given = sampleInterval != null ? "--sample-interval" : leakWindow != null
        ? "--leak-window" : preciseEvery != null ? "--precise-every" : preciseFor != null
        ? "--precise-for" : overheadBudget != null ? "--overhead-budget" : null;
    if (!sampled) {
      if (given != null) {
        throw new GoroscopeException(given + " needs --mode sampled");
      }
      return;
    }
    if (deep) {
      throw new GoroscopeException("--deep needs probes: it cannot be combined with --mode"
          + " sampled (use --precise-every for precise bursts)");
    }
    if (sampleInterval != null) {
      b.setSampleInterval(sampleInterval);
    }
    if (leakWindow != null) {
      b.setLeakWindow(leakWindow);
    }
    if (preciseEvery != null || preciseFor != null || overheadBudget != null) {
      b.setBursts(BurstConfig.of(
          preciseEvery != null ? preciseEvery : BurstConfig.DEFAULT_EVERY,
          preciseFor != null ? preciseFor : BurstConfig.DEFAULT_LENGTH,
          overheadBudget != null ? overheadBudget : BurstConfig.DEFAULT_BUDGET_PERCENT));
    }
  }

  /** The {@code --probe} values applied to the defaults, in order (later ones win). */
  static ProbeSelection probeSelection(List<String> values, Duration syscallThreshold) {
    ProbeSelection s = ProbeSelection.defaults();
    for (String v : values) {
      if (!v.isBlank()) {
        s = s.with(v);
      }
    }
    return s.withSyscallThreshold(syscallThreshold);
  }

  private static ProcessInfo describeTarget(AttachConfig config) {
    String path = config.executable() != null ? config.executable().toString()
        : TargetProcess.of(config.pid()).executablePath();
    return new ProcessInfo(config.pid(), path, "", "");
  }
}
