package dev.goroscope.it.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The settings of one overhead benchmark run (see {@link OverheadBenchmark} for the options).
 *
 * @param rounds rounds; each runs every mode once, modes interleaved
 * @param requests HTTP requests of one measured block
 * @param clients concurrent keep-alive clients of the load generator
 * @param warmupRequests requests sent to a fresh server before the tracer is attached
 * @param work arithmetic rounds each of the two per-request goroutines does
 * @param spawnOps operations of one spawn-heavy measurement; 0 skips the spawn workload
 * @param spawnKinds what one spawn operation is, each measured in turn ({@code benchspawn
 *     -kind}): mixed, spawn, ctx, pingpong
 * @param steadyAfter blocks of {@code requests} run after the first (fresh-attach) block and
 *     before the steady-state block, in goroscope modes; negative: no steady-state block
 * @param modes the modes to run, in this order (rotated each round)
 * @param launcher the {@code goroscope} launcher script
 * @param baseline the launcher of another build (e.g. an older commit) that the {@code base}
 *     modes run, or null
 * @param baselineName what the report calls the baseline (its revision), or null
 * @param programs the Go module of the benchmark programs (benchhttp, benchload, benchspawn)
 * @param bpfStats turn on the kernel's BPF statistics for the run and measure the time inside
 *     the BPF programs per HTTP request ({@link BpfStats})
 * @param command the command line to print in the report
 */
record BenchConfig(
    int rounds,
    int requests,
    int clients,
    int warmupRequests,
    int work,
    int spawnOps,
    List<String> spawnKinds,
    int steadyAfter,
    List<Mode> modes,
    Path launcher,
    Path baseline,
    String baselineName,
    Path programs,
    boolean bpfStats,
    String command) {

  static final int DEFAULT_ROUNDS = 3;
  static final int DEFAULT_REQUESTS = 20_000;
  static final int DEFAULT_CLIENTS = 8;
  static final int DEFAULT_WARMUP_REQUESTS = 2_000;
  static final int DEFAULT_WORK = 200;
  static final int DEFAULT_SPAWN_OPS = 50_000;
  static final int DEFAULT_STEADY_AFTER = 1;
  static final List<String> SPAWN_KINDS = List.of("mixed", "spawn", "ctx", "pingpong");

  BenchConfig {
    Objects.requireNonNull(modes, "modes");
    Objects.requireNonNull(launcher, "launcher");
    Objects.requireNonNull(programs, "programs");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(spawnKinds, "spawnKinds");
    if (spawnKinds.isEmpty() || !SPAWN_KINDS.containsAll(spawnKinds)
        || spawnKinds.stream().distinct().count() != spawnKinds.size()) {
      throw new IllegalArgumentException("--spawn-kinds must name some of " + SPAWN_KINDS
          + " once each, got " + spawnKinds);
    }
    spawnKinds = List.copyOf(spawnKinds);
    positive("--rounds", rounds);
    positive("--requests", requests);
    positive("--clients", clients);
    notNegative("--warmup-requests", warmupRequests);
    notNegative("--work", work);
    notNegative("--spawn-ops", spawnOps);
    if (modes.isEmpty()) {
      throw new IllegalArgumentException("--modes must name at least one mode: " + Mode.ids());
    }
    if (modes.stream().distinct().count() != modes.size()) {
      throw new IllegalArgumentException("--modes names a mode twice: " + modes);
    }
    if (baseline == null && modes.stream().anyMatch(Mode::baseline)) {
      throw new IllegalArgumentException("the base modes need --baseline PATH (or"
          + " scripts/bench.sh overhead --against REV)");
    }
    modes = List.copyOf(modes);
  }

  boolean steady() {
    return steadyAfter >= 0;
  }

  private static void positive(String option, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(option + " must be positive, got " + value);
    }
  }

  private static void notNegative(String option, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(option + " must not be negative, got " + value);
    }
  }
}
