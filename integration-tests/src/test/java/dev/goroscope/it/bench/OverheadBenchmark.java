package dev.goroscope.it.bench;

import dev.goroscope.bpf.BpfFeatures;
import dev.goroscope.testing.GoToolchains;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * goroscope's overhead against Go's own tracers, in one command ({@code scripts/bench.sh
 * overhead}, which builds what this needs and runs this class from the integration-tests test
 * classpath). Prints progress on stderr and the markdown report on stdout. See
 * docs/benchmarks.md, "Overhead against Go's own tracers".
 *
 * <p>A Java harness rather than a shell script: the floor attaches an empty BPF program with
 * goroscope's own libbpf binding, the Go programs are built by the tests' {@link GoToolchains},
 * and the same code runs as a fast test ({@code OverheadBenchmarkTest}).
 */
@Command(
    name = "scripts/bench.sh overhead",
    sortOptions = false,
    description = {
      "Measures what goroscope costs a Go service against no tracer, Go's runtime/trace, Go's"
          + " flight recorder and empty uprobes at goroscope's own sites (the trap floor); all"
          + " modes interleaved in one run. Needs root (BPF). Prints a markdown table."
    })
public final class OverheadBenchmark implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--rounds", paramLabel = "N", description = "Rounds; each runs every mode"
      + " once (default: ${DEFAULT-VALUE}).")
  int rounds = BenchConfig.DEFAULT_ROUNDS;

  @Option(names = "--requests", paramLabel = "M", description = "HTTP requests per measured"
      + " block (default: ${DEFAULT-VALUE}).")
  int requests = BenchConfig.DEFAULT_REQUESTS;

  @Option(names = "--clients", paramLabel = "N", description = "Concurrent keep-alive clients"
      + " (default: ${DEFAULT-VALUE}).")
  int clients = BenchConfig.DEFAULT_CLIENTS;

  @Option(names = "--warmup-requests", paramLabel = "N", description = "Requests to each fresh"
      + " server before the mode is attached (default: ${DEFAULT-VALUE}).")
  int warmupRequests = BenchConfig.DEFAULT_WARMUP_REQUESTS;

  @Option(names = "--work", paramLabel = "N", description = "Rounds of arithmetic each of the"
      + " two per-request goroutines does (default: ${DEFAULT-VALUE}).")
  int work = BenchConfig.DEFAULT_WORK;

  @Option(names = "--spawn-ops", paramLabel = "N", description = "Operations of the"
      + " spawn-heavy program; 0 skips it (default: ${DEFAULT-VALUE}).")
  int spawnOps = BenchConfig.DEFAULT_SPAWN_OPS;

  @Option(names = "--spawn-kinds", split = ",", paramLabel = "KIND", description = "What one"
      + " operation of the spawn-heavy program is, each measured in turn: mixed (WithTimeout, a"
      + " goroutine, cancel), spawn, ctx, pingpong (default: mixed).")
  List<String> spawnKinds = new ArrayList<>(List.of("mixed"));

  @Option(names = "--steady-after", paramLabel = "B", description = "In goroscope modes, blocks"
      + " of --requests between the first block and the steady-state block (default:"
      + " ${DEFAULT-VALUE}).")
  int steadyAfter = BenchConfig.DEFAULT_STEADY_AFTER;

  @Option(names = "--no-steady", description = "No steady-state block.")
  boolean noSteady;

  @Option(names = "--modes", split = ",", paramLabel = "MODE", description = "Modes to run"
      + " (default: all; base modes only with --baseline): none, trace, flight, floor,"
      + " goroscope, deep, no-stw, mutex, syscall, sched, otlp, sampled, base, base-otlp.")
  List<String> modes = new ArrayList<>();

  @Option(names = "--goroscope", paramLabel = "PATH", description = "The goroscope launcher"
      + " (default: the repository's ./goroscope).")
  Path launcher;

  @Option(names = "--baseline", paramLabel = "PATH", description = "The goroscope launcher of"
      + " another build (scripts/bench.sh overhead --against REV builds one): adds the base"
      + " modes, the same measurements with that build, to the run.")
  Path baseline;

  @Option(names = "--baseline-name", paramLabel = "NAME", description = "What the report calls"
      + " the baseline build, e.g. its revision (default: its path).")
  String baselineName;

  @Option(names = "--programs", paramLabel = "DIR", description = "The Go module of the"
      + " benchmark programs (default: integration-tests/src/test/go/overhead).")
  Path programs;

  @Option(names = "--bpf-stats", description = "Turn on the kernel's BPF statistics"
      + " (BPF_ENABLE_STATS: on while the harness runs, off when it ends or is killed) and"
      + " report the time inside the BPF programs per HTTP request, the floor's and goroscope's."
      + " Every program run then costs two clock reads more, in every mode alike.")
  boolean bpfStats;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  static int execute(String... args) {
    CommandLine cl = new CommandLine(new OverheadBenchmark());
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      line.getErr().println("bench: " + e.getMessage());
      return 1;
    });
    return cl.execute(args);
  }

  @Override
  public Integer call() {
    BenchConfig config;
    try {
      config = config();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    if (!BpfFeatures.isAvailable()) {
      spec.commandLine().getErr().println("bench: BPF is not usable here (run as root): "
          + BpfFeatures.unavailabilityCause().orElse(""));
      return 2;
    }
    Results results = new OverheadRun(config, System.err).run();
    System.out.print(MarkdownReport.render(results));
    System.out.flush();
    return 0;
  }

  BenchConfig config() {
    List<Mode> chosen = new ArrayList<>();
    if (modes.isEmpty()) {
      chosen.addAll(Mode.defaults(baseline != null));
    } else {
      for (String m : modes) {
        chosen.add(Mode.ofId(m));
      }
    }
    Path root = repositoryRoot();
    Path goroscope = launcher != null ? launcher : Path.of(System.getProperty(
        "goroscope.launcher", root.resolve("goroscope").toString()));
    Path module = programs != null ? programs : Path.of(System.getProperty(
        "goroscope.bench.programs", root.resolve("integration-tests/src/test/go/overhead")
            .toString()));
    return new BenchConfig(rounds, requests, clients, warmupRequests, work, spawnOps,
        spawnKinds, noSteady ? -1 : steadyAfter, chosen, goroscope, baseline,
        baselineName != null ? baselineName : baseline != null ? baseline.toString() : null,
        module, bpfStats,
        "scripts/bench.sh overhead" + (spec.commandLine().getParseResult().originalArgs().isEmpty()
            ? "" : " " + String.join(" ", spec.commandLine().getParseResult().originalArgs())));
  }

  /** The directory holding the goroscope launcher, found upwards from the working directory. */
  private static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("goroscope")) && Files.isDirectory(p.resolve("bpf"))) {
        return p;
      }
    }
    return Path.of("").toAbsolutePath();
  }
}
