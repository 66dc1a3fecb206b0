package dev.goroscope.it.attach;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.goroscope.it.go.ExampleProcess;
import dev.goroscope.it.jaeger.JaegerExtension;
import dev.goroscope.it.jaeger.JaegerServer;
import dev.goroscope.it.prometheus.PrometheusExtension;
import dev.goroscope.it.prometheus.PrometheusQuery;
import dev.goroscope.it.prometheus.PrometheusQuery.Sample;
import dev.goroscope.it.prometheus.PrometheusServer;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * goroscope's metrics in a real OTLP metrics backend: Prometheus 3 with its OTLP/HTTP receiver
 * ({@link PrometheusServer}), fed the way a user would, {@code --output otlp} with
 * {@code OTEL_EXPORTER_OTLP_METRICS_ENDPOINT} pointing at Prometheus and the spans going to a
 * real Jaeger ({@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}). collector-core's {@code runtimeprog}
 * says what it did; the series Prometheus stores (translated names: dots to underscores, unit
 * and {@code _total} suffixes, histograms as {@code _bucket/_count/_sum}) must carry exactly
 * that: stop-the-world pauses per reason (default probes), lock waits per lock and call site and
 * the goroutines by start function ({@code --probe mutex}), blocked system calls and the thread
 * gauges ({@code --probe syscall}), and the resource.
 */
@ExtendWith({PrometheusExtension.class, JaegerExtension.class})
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PrometheusMetricsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STW = "goroscope_runtime_stw_duration_seconds";
  private static final String MUTEX = "goroscope_mutex_wait_duration_seconds";
  private static final String CREATED = "goroscope_goroutines_created_total";
  private static final String EXITED = "goroscope_goroutines_exited_total";
  private static final String LIFETIME = "goroscope_goroutine_lifetime_seconds";
  private static final String SYSCALL = "goroscope_syscall_duration_seconds";
  private static final String SWEEP = "GC sweep termination";
  private static final String MARK = "GC mark termination";
  private static final String MEMSTATS = "read mem stats";
  private static final Duration ARRIVAL_TIMEOUT = Duration.ofSeconds(30);

  /** What one run of runtimeprog under goroscope left: the program's lines, its pid. */
  private record Run(String service, long pid, List<JsonNode> lines) {
    String selector() {
      return "{job=\"" + service + "\",process_pid=\"" + pid + "\"}";
    }

    List<JsonNode> lines(String mode) {
      return lines.stream().filter(n -> n.path("mode").asText().equals(mode)).toList();
    }
  }

  @Test
  void stopTheWorldPausesArriveAsAHistogramPerReason(PrometheusServer prometheus,
      JaegerServer jaeger) throws IOException {
    Run run = run(prometheus, jaeger, "stw");
    JsonNode self = run.lines("stw").get(0);
    int gcCalls = self.get("gcCalls").asInt();
    int readMemStats = self.get("readMemStats").asInt();
    JsonNode deltas = self.get("metricDeltas");
    int gcPauses = deltas.get("/gc/pauses:seconds").asInt(); // the runtime's own count
    assertThat(deltas.get("/gc/cycles/total:gc-cycles").asInt()).isEqualTo(gcCalls);
    assertThat(gcPauses).isGreaterThanOrEqualTo(gcCalls);
    PrometheusQuery query = prometheus.query();

    List<Sample> counts = await(query, STW + "_count" + run.selector(),
        s -> total(s) >= gcPauses + readMemStats);
    // As many pauses of each reason as the program made, nothing else (it stops the world only
    // through runtime.GC and runtime.ReadMemStats once goroscope is attached; StwPauseTest).
    assertThat(byLabel(counts, "runtime_stw_reason")).as("pauses by reason in Prometheus")
        .isEqualTo(Map.of(SWEEP, (double) gcCalls, MARK, (double) (gcPauses - gcCalls),
            MEMSTATS, (double) readMemStats));
    assertThat(counts).allSatisfy(s -> assertThat(s.label("runtime_stw_gc"))
        .isEqualTo(s.label("runtime_stw_reason").equals(MEMSTATS) ? "false" : "true"));
    if (deltas.get("/sched/pauses/total/other:seconds").asInt() >= 0) { // Go 1.22+
      assertThat(total(counts)).isEqualTo(deltas.get("/sched/pauses/total/gc:seconds").asInt()
          + deltas.get("/sched/pauses/total/other:seconds").asInt());
    }
    // The histogram arrived whole: its +Inf bucket holds every pause of its series.
    assertThat(byLabel(query.query(STW + "_bucket{le=\"+Inf\",job=\"" + run.service()
        + "\",process_pid=\"" + run.pid() + "\"}"), "runtime_stw_reason"))
        .isEqualTo(byLabel(counts, "runtime_stw_reason"));

    Map<String, Double> sums = byLabel(query.query(STW + "_sum" + run.selector()),
        "runtime_stw_reason");
    assertThat(sums.keySet()).containsExactlyInAnyOrder(SWEEP, MARK, MEMSTATS);
    assertThat(sums.values()).allSatisfy(v -> assertThat(v).isPositive());
    // The GC pauses add up to the runtime's own per-cycle totals (debug.ReadGCStats). From Go
    // 1.22 the runtime's pause ends at the very restart time goroscope reads and begins just
    // after goroscope's probe, so goroscope's total is never smaller; StwPauseTest bounds the
    // excess by 5 ms per cycle (a thread descheduled between the probe and the runtime's clock
    // reading on a loaded machine; measured 10-32 µs). Each pause is recorded as ns / 1e9 and
    // summed in float64 by the SDK: rounding stays far below the 1 ns allowed below zero.
    double runtimeGc = 0;
    for (JsonNode ns : self.get("cyclePauseNs")) {
      runtimeGc += ns.asLong() / 1e9;
    }
    double ourGc = sums.get(SWEEP) + sums.get(MARK);
    assertThat(ourGc - runtimeGc)
        .as("GC pause total: goroscope %.9f s in Prometheus, runtime %.9f s", ourGc, runtimeGc)
        .isBetween(-1e-9, gcCalls * 5e-3);
    // Each ReadMemStats pause lies inside the program's clock readings around that call.
    double windows = 0;
    for (JsonNode w : self.get("readMemStatsWindows")) {
      windows += (w.get(1).asLong() - w.get(0).asLong()) / 1e9;
    }
    assertThat(sums.get(MEMSTATS)).as("ReadMemStats pauses within the calls' windows")
        .isLessThanOrEqualTo(windows + 1e-9);

    // Goroutine metrics: the program started one spinner; runtime.main is the main goroutine.
    Map<String, Double> created =
        byLabel(query.query(CREATED + run.selector()), "goroutine_start_function");
    assertThat(created).containsEntry("main.spin", 1.0).containsEntry("runtime.main", 1.0);
    assertResource(query, run);
  }

  @Test
  void lockWaitsAndTheGoroutinesOfTheProgramArrive(PrometheusServer prometheus,
      JaegerServer jaeger) throws IOException {
    Run run = run(prometheus, jaeger, "mutex", "--probe", "mutex");
    List<JsonNode> waits = run.lines("mutex");
    assertThat(waits).hasSize(9 + 3);
    PrometheusQuery query = prometheus.query();

    // Per lock the program contended: one wait per Lock call it reports, at its call site, and
    // the total within the calls' windows (MutexContentionTest: each wait lies in its Lock
    // call; it began before the holder released the lock and ended once the lock was free).
    Map<String, List<JsonNode>> byLock = new TreeMap<>();
    waits.forEach(w -> byLock.computeIfAbsent(w.get("lock").asText(), k -> new ArrayList<>())
        .add(w));
    List<Sample> counts = await(query, MUTEX + "_count" + run.selector(),
        s -> byLock.entrySet().stream().allMatch(e -> total(s.stream()
            .filter(x -> x.label("mutex_address").equals(e.getKey())).toList())
            >= e.getValue().size()));
    for (Map.Entry<String, List<JsonNode>> lock : byLock.entrySet()) {
      String address = lock.getKey();
      List<JsonNode> reported = lock.getValue();
      Map<String, Double> bySite = byLabel(counts.stream()
          .filter(s -> s.label("mutex_address").equals(address)).toList(), "code_function_name");
      Map<String, Double> expected = new TreeMap<>();
      reported.forEach(w -> expected.merge(site(w), 1.0, Double::sum));
      assertThat(bySite).as("waits on %s by call site", address).isEqualTo(expected);

      double sum = query.query(MUTEX + "_sum{job=\"" + run.service() + "\",process_pid=\""
          + run.pid() + "\",mutex_address=\"" + address + "\"}").stream()
          .mapToDouble(Sample::value).sum();
      double windows = 0;
      double atLeast = 0;
      for (JsonNode w : reported) {
        windows += (w.get("endNs").asLong() - w.get("startNs").asLong()) / 1e9;
        atLeast += Math.max(0, w.get("freedNotBeforeNs").asLong()
            - w.get("holderReleasedNs").asLong()) / 1e9;
      }
      assertThat(sum).as("wait total on %s", address).isPositive()
          .isGreaterThanOrEqualTo(atLeast).isLessThanOrEqualTo(windows + 1e-9);
    }

    // The goroutines the program started, by start function: the three holders and nine
    // waiters of the mutex rounds, the RWMutex round's writer, two readers, reader, writer.
    Map<String, Double> created =
        byLabel(query.query(CREATED + run.selector()), "goroutine_start_function");
    Map<String, Double> ours = new TreeMap<>(created);
    ours.keySet().removeIf(f -> !f.startsWith("main.")); // the main goroutine: runtime.main
    assertThat(ours).isEqualTo(Map.of("main.mutexRound.func1", 3.0,
        "main.mutexRound.func2", 9.0, "main.rwRound.func1", 1.0, "main.rwRound.func2", 2.0,
        "main.rwRound.func3", 1.0, "main.rwRound.func4", 1.0));
    assertThat(ours.values().stream().mapToDouble(Double::doubleValue).sum())
        .as("distinct goroutines in the program's lines")
        .isEqualTo(programGoroutines(run).size());
    // Exited: the program waits for its waiters, not for every holder to return, so at most
    // what was created; the lifetime histogram counts exactly the exits.
    Map<String, Double> exited =
        byLabel(query.query(EXITED + run.selector()), "goroutine_start_function");
    assertThat(exited.get("main.mutexRound.func2")).as("waiters exited").isPositive();
    exited.forEach((fn, n) -> assertThat(n).as("%s exited", fn)
        .isLessThanOrEqualTo(created.getOrDefault(fn, 0.0)));
    assertThat(byLabel(query.query(LIFETIME + "_count" + run.selector()),
        "goroutine_start_function")).isEqualTo(exited);
    assertResource(query, run);
  }

  @Test
  void blockedSystemCallsAndTheThreadsTheyHoldArrive(PrometheusServer prometheus,
      JaegerServer jaeger) throws IOException {
    Run run = run(prometheus, jaeger, "syscall", "--probe", "syscall");
    List<JsonNode> reads = run.lines("syscall");
    assertThat(reads).hasSize(2);
    JsonNode blocked = run.lines("blocked").get(0);
    PrometheusQuery query = prometheus.query();

    // The two reads the program blocked for 2.5 s, each one call of syscall.read of at least
    // the threshold (nothing else it does takes that long), within the windows it measured
    // around them (SyscallProbeTest: each call lies in its window).
    List<Sample> counts = await(query, SYSCALL + "_count" + run.selector(),
        s -> total(s) >= reads.size());
    assertThat(byLabel(counts, "syscall_function")).isEqualTo(Map.of("syscall.read", 2.0));
    double windows = 0;
    for (JsonNode r : reads) {
      windows += (r.get("endNs").asLong() - r.get("startNs").asLong()) / 1e9;
    }
    double sum = total(query.query(SYSCALL + "_sum" + run.selector()));
    assertThat(sum).as("read(2) total, windows %.9f s", windows).isPositive()
        .isLessThanOrEqualTo(windows + 1e-9);

    // The thread gauges (sampled every second, pushed every 500 ms): while both reads block,
    // two threads are held in read(2) for longer than the threshold, at the program's
    // GOMAXPROCS. Each gauge's largest value over the run is what those samples show.
    String over = run.selector() + "[5m])";
    assertThat(total(query.query("max_over_time(goroscope_runtime_threads_blocked" + over)))
        .isEqualTo(blocked.get("goids").size());
    assertThat(total(query.query("max_over_time(goroscope_runtime_threads_in_syscall" + over)))
        .isGreaterThanOrEqualTo(blocked.get("goids").size());
    assertThat(total(query.query("max_over_time(goroscope_runtime_gomaxprocs" + over)))
        .isEqualTo(blocked.get("gomaxprocs").asInt());
    assertThat(total(query.query("max_over_time(goroscope_runtime_threads" + over)))
        .as("each blocked read holds a thread, and Ps need others")
        .isGreaterThan(blocked.get("goids").size());
    assertResource(query, run);
  }

  /**
   * The service (the executable's name) is every series' job; target_info has the rest. Each
   * sidecar run is an instance of its own ({@code service.instance.id}, Prometheus's instance
   * label): the tests of this class push the same service to one Prometheus, and each run's
   * series stay apart from the others'.
   */
  private static void assertResource(PrometheusQuery query, Run run) throws IOException {
    // process.pid is a point attribute (the metrics resource describes the service, one for
    // all watched processes): on every goroscope series.
    List<Sample> all = query.query("{__name__=~\"goroscope_.+\",job=\"" + run.service() + "\"}");
    assertThat(all).isNotEmpty().allSatisfy(s -> assertThat(s.label("process_pid"))
        .as("%s", s).isNotEmpty());
    String pid = Long.toString(run.pid());
    List<Sample> ours = all.stream().filter(s -> s.label("process_pid").equals(pid)).toList();
    assertThat(ours).isNotEmpty();
    String instance = ours.get(0).label("instance");
    assertThat(UUID.fromString(instance).version()).as("instance %s", instance).isEqualTo(4);
    assertThat(ours).allSatisfy(s -> assertThat(s.label("instance")).isEqualTo(instance));
    assertThat(all).filteredOn(s -> !s.label("process_pid").equals(pid))
        .as("the other runs' series").allSatisfy(s ->
            assertThat(s.label("instance")).isNotEqualTo(instance));

    List<Sample> info = query.query(
        "target_info{job=\"" + run.service() + "\",instance=\"" + instance + "\"}");
    assertThat(info).as("target_info of %s", run.service()).hasSize(1);
    Sample resource = info.get(0);
    assertThat(resource.label("process_executable_name")).isEqualTo(run.service());
    assertThat(resource.label("process_runtime_name")).isEqualTo("go");
    assertThat(resource.label("host_name"))
        .isEqualTo(Files.readString(Path.of("/proc/sys/kernel/hostname")).trim());
  }

  /**
   * runtimeprog {@code mode} under {@code goroscope attach --output otlp}, metrics to
   * Prometheus over OTLP/HTTP, spans to Jaeger; returns once both have ended.
   */
  private static Run run(PrometheusServer prometheus, JaegerServer jaeger, String mode,
      String... probes) {
    Path binary = GoToolchains.build("runtimeprog", Toolchain.GO_1_26, Mode.NORMAL);
    Map<String, String> env = Map.of(
        "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", jaeger.otlpHttpTracesEndpoint().toString(),
        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", prometheus.otlpMetricsEndpoint().toString(),
        // Pushes while the program runs (the thread gauges are only seen then), not only the
        // last one when goroscope stops.
        "OTEL_METRIC_EXPORT_INTERVAL", "500");
    try (ExampleProcess target = ExampleProcess.start(binary, mode)) {
      List<String> args = new ArrayList<>(
          List.of("attach", "--pid", Long.toString(target.pid()), "--output", "otlp"));
      args.addAll(List.of(probes));
      AttachRun.Summary summary;
      try (AttachRun attach = AttachRun.start(env, args.toArray(String[]::new))) {
        target.writeLine("go");
        assertThat(target.awaitExit(Duration.ofSeconds(60))).as(target.transcript()).isZero();
        summary = attach.awaitSummary();
        assertThat(attach.transcript()).as("no export errors").doesNotContain("OTLP export");
      }
      assertThat(summary.spans()).as("spans exported to Jaeger").isPositive();
      List<JsonNode> lines = target.stdout().stream().filter(l -> l.startsWith("{"))
          .map(PrometheusMetricsTest::json).toList();
      return new Run(binary.getFileName().toString(), target.pid(), lines);
    }
  }

  /**
   * Queries until {@code done} holds (the last push is stored before goroscope exits, so this
   * normally returns at once), or {@link #ARRIVAL_TIMEOUT}; returns the last answer.
   */
  private static List<Sample> await(PrometheusQuery query, String promql,
      Predicate<List<Sample>> done) {
    long deadline = System.nanoTime() + ARRIVAL_TIMEOUT.toNanos();
    List<Sample> samples = query.query(promql);
    while (!done.test(samples) && System.nanoTime() - deadline < 0) {
      AttachRun.sleep(250);
      samples = query.query(promql);
    }
    return samples;
  }

  private static double total(List<Sample> samples) {
    return samples.stream().mapToDouble(Sample::value).sum();
  }

  /** Values summed by one label's value. */
  private static Map<String, Double> byLabel(List<Sample> samples, String label) {
    Map<String, Double> out = new TreeMap<>();
    samples.forEach(s -> out.merge(s.label(label), s.value(), Double::sum));
    return out;
  }

  /** The function that calls Lock for each kind of wait: runtimeprog's closures, in order. */
  private static String site(JsonNode wait) {
    return switch (wait.get("kind").asText()) {
      case "mutex" -> "main.mutexRound.func2";
      case "rwmutex.read" -> "main.rwRound.func2";
      default -> "main.rwRound.func4";
    };
  }

  /** Every goroutine the mutex lines name: waiters and holders. */
  private static Set<Long> programGoroutines(Run run) {
    Set<Long> goids = new HashSet<>();
    for (JsonNode w : run.lines("mutex")) {
      goids.add(w.get("goid").asLong());
      goids.add(w.get("holder").asLong());
    }
    return goids;
  }

  private static JsonNode json(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException(line, e);
    }
  }
}
