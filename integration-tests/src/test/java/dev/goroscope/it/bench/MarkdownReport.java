package dev.goroscope.it.bench;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The report of a run, in markdown for docs/benchmarks.md: medians over rounds, ratios to no
 * tracer and to the trap floor, the sidecar's CPU, and every round's raw numbers.
 */
final class MarkdownReport {
  private final Results r;
  private final StringBuilder out = new StringBuilder();

  private MarkdownReport(Results results) {
    this.r = results;
  }

  static String render(Results results) {
    return new MarkdownReport(results).render();
  }

  private String render() {
    BenchConfig c = r.config();
    Machine m = r.machine();
    line("### Overhead against Go's own tracers: %s", m.started());
    line("");
    line("- Machine: %d CPUs (%s), Linux %s; 1-minute load average %s at the start, %s at the end",
        m.cpus(), m.cpuModel(), m.kernel(), m.loadAtStart(), r.loadAtEnd());
    String javaOpts = System.getenv().getOrDefault("GOROSCOPE_JAVA_OPTS", "").trim();
    line("- %s (benchmark programs), Java %s, goroscope %s%s", r.goVersion(), m.java(),
        m.revision(), javaOpts.isEmpty() ? "" : ", `GOROSCOPE_JAVA_OPTS=" + javaOpts + "`");
    line("- Command: `%s`", c.command());
    if (c.baseline() != null) {
      line("- Baseline build (the base modes): %s, `%s`", c.baselineName(), c.baseline());
    }
    line("- %d round%s, modes interleaved (order rotated each round), medians of the rounds;"
        + " %d s without the build", c.rounds(), c.rounds() == 1 ? "" : "s", r.seconds());
    line("- HTTP: `benchhttp` (per request a `context.WithTimeout` and 2 goroutines doing %d"
        + " rounds of work, joined), %,d requests per block from %d keep-alive clients"
        + " (`benchload`), after %,d warm-up requests with nothing attached",
        c.work(), c.requests(), c.clients(), c.warmupRequests());
    if (r.spawnSites() != null) {
      line("- Spawn: `benchspawn`, %,d operations of each kind: %s", c.spawnOps(),
          c.spawnKinds().stream().map(k -> "`" + k + "` (" + kindText(k) + ")")
              .collect(Collectors.joining(", ")));
    }
    if (r.otlpRequests() >= 0) {
      line("- OTLP modes: spans and metrics over OTLP/HTTP (protobuf) to a receiver in the"
          + " harness that reads and discards them: %,d requests, %,d bytes in the run",
          r.otlpRequests(), r.otlpBytes());
    }
    line("- Floor: an empty BPF program at goroscope's default sites from `goroscope inspect"
        + " --json`: %s%s", sitesText(r.httpSites(), "benchhttp"),
        r.spawnSites() == null ? "" : "; " + r.spawnSites().sites().size() + " in benchspawn");
    line("");
    httpTable();
    if (r.spawnSites() != null) {
      for (String kind : c.spawnKinds()) {
        spawnTable(kind);
      }
    }
    sidecarTable();
    bpfTable();
    rawTable();
    if (r.http().stream().anyMatch(s -> s.counts() != null && s.counts().lost() > 0)
        || r.spawn().stream().anyMatch(s -> s.counts() != null && s.counts().lost() > 0)) {
      line("**Events were lost** in some goroscope runs: the kernel's ring buffer overflowed"
          + " because the sidecar fell behind. Lost events cost the sidecar nothing, so its CPU"
          + " per event there counts only the events it got.");
      line("");
    }
    line("Columns: × floor = (time per request − no tracer's) ÷ (floor's − no tracer's)."
        + " Sidecar CPU = the goroscope JVM's threads' time on a CPU over the block (each"
        + " thread's `/proc/PID/task/TID/schedstat`, in ns; threads that ended, from the"
        + " process's utime + stime in 10 ms ticks), until %d ms after the load ends. Events ="
        + " the correlator's `eventsIn` (`goroscope attach --debug`) over the whole attach,"
        + " spread evenly over the requests sent while attached.", HttpWorkload.SETTLE.toMillis());
    return out.toString();
  }

  private String sitesText(DefaultSites sites, String program) {
    Set<Integer> attached = r.http(Mode.GOROSCOPE).stream().map(Samples.Http::uprobes)
        .collect(Collectors.toSet());
    String check = attached.isEmpty() ? ""
        : attached.equals(Set.of(sites.sites().size()))
            ? " (goroscope attached the same number)"
            : " (**goroscope attached " + attached + ": the floor does not match**)";
    return String.join(", ", sites.functions()) + " = " + sites.sites().size() + " uprobes in "
        + program + check;
  }

  private void httpTable() {
    line("#### HTTP service");
    line("");
    line("| mode | req/s | × no tracer | × floor | latency p50 / p99 | sidecar CPU per request"
        + " (fresh attach) | per event | events per request | events lost |");
    line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    double none = medianRps(Mode.NONE);
    double floor = medianRps(Mode.FLOOR);
    for (Mode mode : r.config().modes()) {
      Optional<String> missing = unavailable(mode);
      if (missing.isPresent()) {
        line("| %s | %s | | | | | | | |", mode.label(), missing.get());
        continue;
      }
      List<Samples.Http> s = r.http(mode);
      double rps = median(s, x -> x.fresh().rps());
      String cpu = "—";
      String perEvent = "—";
      String events = "—";
      String lost = "—";
      if (mode.hasSidecar()) {
        cpu = us(median(s, x -> cpuPerRequest(x.fresh())));
        perEvent = us(median(s, x -> cpuPerRequest(x.fresh()) / x.eventsPerRequest()));
        events = fixed(median(s, Samples.Http::eventsPerRequest), 1);
        lost = String.format(Locale.ROOT, "%,d",
            s.stream().mapToLong(x -> x.counts().lost()).sum());
      }
      line("| %s | %,.0f | %s | %s | %s / %s µs | %s | %s | %s | %s |", mode.label(), rps,
          times(none / rps), floorRatio(rps, none, floor),
          fixed(median(s, x -> x.fresh().p50Us()), 0), fixed(median(s, x -> x.fresh().p99Us()), 0),
          cpu, perEvent, events, lost);
    }
    line("");
  }

  static String kindText(String kind) {
    return switch (kind) {
      case "mixed" -> "`WithTimeout` + a goroutine that checks it + `cancel`";
      case "spawn" -> "`go func(){ wg.Done() }()`";
      case "ctx" -> "`WithTimeout(bg, 1h)` + `cancel()`";
      case "pingpong" -> "a round trip over two unbuffered channels";
      default -> kind;
    };
  }

  private void spawnTable(String kind) {
    line("#### Spawn-heavy: `%s`, %s", kind, kindText(kind));
    line("");
    line("| mode | ops/s | × no tracer | × floor | sidecar CPU per op (fresh attach) | per event"
        + " | events per op | events lost |");
    line("|---|---:|---:|---:|---:|---:|---:|---:|");
    double none = medianOps(Mode.NONE, kind);
    double floor = medianOps(Mode.FLOOR, kind);
    for (Mode mode : r.config().modes()) {
      Optional<String> missing = unavailable(mode);
      if (missing.isPresent()) {
        line("| %s | %s | | | | | | |", mode.label(), missing.get());
        continue;
      }
      List<Samples.Spawn> s = r.spawn(mode, kind);
      double ops = median(s, Samples.Spawn::opsPerSecond);
      String cpu = "—";
      String perEvent = "—";
      String events = "—";
      String lost = "—";
      if (mode.hasSidecar()) {
        cpu = us(median(s, x -> (double) x.sidecarCpu().totalNs() / x.ops()));
        perEvent = us(median(s, x -> (double) x.sidecarCpu().totalNs() / x.counts().events()));
        events = fixed(median(s, Samples.Spawn::eventsPerOp), 2);
        lost = String.format(Locale.ROOT, "%,d",
            s.stream().mapToLong(x -> x.counts().lost()).sum());
      }
      line("| %s | %,.0f | %s | %s | %s | %s | %s | %s |", mode.label(), ops, times(none / ops),
          floorRatio(ops, none, floor), cpu, perEvent, events, lost);
    }
    line("");
  }

  /** Fresh attach (JIT included) against steady state, per kind of sidecar thread. */
  private void sidecarTable() {
    List<Mode> sidecars = r.config().modes().stream()
        .filter(m -> m.hasSidecar() && unavailable(m).isEmpty()).toList();
    if (sidecars.isEmpty()) {
      return;
    }
    BenchConfig c = r.config();
    line("#### goroscope's own CPU: fresh attach against steady state (HTTP)");
    line("");
    line("| mode | block | req/s | × floor | sidecar CPU per request | per event | main thread"
        + " | JIT compilers | GC | other |");
    line("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    double none = medianRps(Mode.NONE);
    double floor = medianRps(Mode.FLOOR);
    for (Mode mode : sidecars) {
      List<Samples.Http> s = r.http(mode);
      blockRow(mode, String.format(Locale.ROOT, "first %,d requests after attach", c.requests()),
          s, Samples.Http::fresh, none, floor);
      if (c.steady()) {
        blockRow(mode, String.format(Locale.ROOT, "steady: %,d requests after %,d more",
            c.requests(), (long) c.steadyAfter() * c.requests()), s, Samples.Http::steady, none,
            floor);
      }
    }
    line("");
    line("Per request, in µs of CPU; main thread = ring buffer drain, decoding, correlator and"
        + " JSON lines; GC includes the VM Thread; other includes threads that ended (from 10 ms"
        + " ticks: a tick or two either way).");
    line("");
  }

  /** With {@code --bpf-stats}: the kernel's time inside the floor's and goroscope's programs. */
  private void bpfTable() {
    List<Mode> modes = r.config().modes().stream()
        .filter(m -> r.http(m).stream().anyMatch(s -> s.fresh().bpf() != null)).toList();
    if (modes.isEmpty()) {
      return;
    }
    line("#### Time inside the BPF programs (HTTP, `--bpf-stats`)");
    line("");
    line("| mode | block | program runs per request | ns per run | BPF CPU per request |");
    line("|---|---|---:|---:|---:|");
    for (Mode mode : modes) {
      List<Samples.Http> s = r.http(mode);
      bpfRow(mode, "first block after attach", s, Samples.Http::fresh);
      if (s.stream().allMatch(x -> x.steady() != null && x.steady().bpf() != null)) {
        bpfRow(mode, "steady block", s, Samples.Http::steady);
      }
    }
    line("");
    line("From each program's `run_time_ns` and `run_cnt` (`/proc/PID/fdinfo`, counted while"
        + " the harness holds the kernel's statistics on, `BPF_ENABLE_STATS`): time spent on the"
        + " target's threads inside the programs, apart from the trap that enters them. The"
        + " kernel's timing adds two clock reads to every run, in every mode alike.");
    line("");
  }

  private void bpfRow(Mode mode, String name, List<Samples.Http> s,
      java.util.function.Function<Samples.Http, Samples.Block> block) {
    line("| %s | %s | %s | %s | %s |", mode.label(), name,
        fixed(median(s, x -> (double) block.apply(x).bpf().runs() / block.apply(x).requests()),
            2),
        fixed(median(s, x -> (double) block.apply(x).bpf().runTimeNs()
            / Math.max(1, block.apply(x).bpf().runs())), 0),
        us(median(s, x -> (double) block.apply(x).bpf().runTimeNs()
            / block.apply(x).requests())));
  }

  private void blockRow(Mode mode, String name, List<Samples.Http> s,
      java.util.function.Function<Samples.Http, Samples.Block> block, double none, double floor) {
    double rps = median(s, x -> block.apply(x).rps());
    line("| %s | %s | %,.0f | %s | %s | %s | %s | %s | %s | %s |", mode.label(), name, rps,
        floorRatio(rps, none, floor),
        us(median(s, x -> cpuPerRequest(block.apply(x)))),
        us(median(s, x -> cpuPerRequest(block.apply(x)) / x.eventsPerRequest())),
        us(median(s, x -> perRequest(block.apply(x), CpuUse::mainNs))),
        us(median(s, x -> perRequest(block.apply(x), CpuUse::jitNs))),
        us(median(s, x -> perRequest(block.apply(x), CpuUse::gcNs))),
        us(median(s, x -> perRequest(block.apply(x), CpuUse::otherNs))));
  }

  private void rawTable() {
    line("#### Every round");
    line("");
    line("| mode | HTTP req/s | spawn ops/s |");
    line("|---|---|---|");
    for (Mode mode : r.config().modes()) {
      if (unavailable(mode).isPresent()) {
        continue;
      }
      line("| %s | %s | %s |", mode.id(),
          r.http(mode).stream().map(x -> String.format(Locale.ROOT, "%,.0f", x.fresh().rps()))
              .collect(Collectors.joining(", ")),
          r.spawn(mode).stream().map(x -> (r.config().spawnKinds().size() > 1
                  ? x.kind() + " " : "") + String.format(Locale.ROOT, "%,.0f", x.opsPerSecond()))
              .collect(Collectors.joining(", ")));
    }
    line("");
  }

  private Optional<String> unavailable(Mode mode) {
    return r.unavailable().stream().filter(u -> u.mode() == mode)
        .map(Results.Unavailable::reason).findFirst();
  }

  private double medianRps(Mode mode) {
    return r.config().modes().contains(mode)
        ? median(r.http(mode), x -> x.fresh().rps()) : Double.NaN;
  }

  private double medianOps(Mode mode, String kind) {
    return r.config().modes().contains(mode) && r.spawnSites() != null
        ? median(r.spawn(mode, kind), Samples.Spawn::opsPerSecond) : Double.NaN;
  }

  /** (t_mode − t_none) ÷ (t_floor − t_none) on time per request (1 / rate). */
  static String floorRatio(double rate, double noneRate, double floorRate) {
    double t = 1 / rate;
    double tNone = 1 / noneRate;
    double tFloor = 1 / floorRate;
    if (Double.isNaN(tNone) || Double.isNaN(tFloor)) {
      return "—";
    }
    if (tFloor <= tNone) {
      return "n/a (floor not slower than no tracer)";
    }
    return fixed((t - tNone) / (tFloor - tNone), 2);
  }

  private static double cpuPerRequest(Samples.Block b) {
    return (double) b.sidecarCpu().totalNs() / b.requests();
  }

  private static double perRequest(Samples.Block b, ToDoubleFunction<CpuUse> part) {
    return part.applyAsDouble(b.sidecarCpu()) / b.requests();
  }

  static <T> double median(List<T> samples, ToDoubleFunction<T> value) {
    double[] v = samples.stream().mapToDouble(value).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** Ns as µs; "—" when there is nothing to show (per event of a mode without events: ∞). */
  static String us(double ns) {
    return !Double.isFinite(ns) ? "—" : fixed(ns / 1000, ns < 10_000 ? 2 : 1) + " µs";
  }

  private static String times(double ratio) {
    return Double.isNaN(ratio) ? "—" : fixed(ratio, 2) + "×";
  }

  private static String fixed(double v, int decimals) {
    return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%,." + decimals + "f", v);
  }

  private void line(String format, Object... args) {
    out.append(args.length == 0 ? format : String.format(Locale.ROOT, format, args)).append('\n');
  }
}
