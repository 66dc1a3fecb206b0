package dev.goroscope.it.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Future;

/**
 * One benchmark run: builds the Go programs, finds goroscope's default sites, then runs
 * {@link BenchConfig#rounds()} rounds, each measuring every mode once on the HTTP service and
 * then once on the spawn-heavy program, in an order rotated by one each round so that no mode
 * always follows the same neighbour (e.g. a sidecar JVM that has just exited).
 */
final class OverheadRun {
  private final BenchConfig config;
  private final PrintStream progress;

  /** @param progress where progress lines go (stderr; stdout is the report) */
  OverheadRun(BenchConfig config, PrintStream progress) {
    this.config = config;
    this.progress = progress;
  }

  Results run() {
    Launcher goroscope = new Launcher(config.launcher());
    Machine machine = Machine.describe(goroscope.directory());
    log("building the Go programs in %s", config.programs());
    long t0 = System.nanoTime();
    BenchPrograms programs = BenchPrograms.build(config.programs());
    log("built with %s in %.1f s", programs.goVersion(), (System.nanoTime() - t0) / 1e9);
    long start = System.nanoTime();

    boolean noSampled;
    DefaultSites httpSites;
    DefaultSites spawnSites;
    try (Parallel parallel = new Parallel()) { // three goroscope JVMs at once
      Future<Boolean> modeOption = parallel.start(
          () -> config.modes().contains(Mode.GOROSCOPE_SAMPLED)
              && Sidecar.supportsModeOption(goroscope));
      Future<DefaultSites> httpInspected =
          parallel.start(() -> DefaultSites.inspect(goroscope, programs.http()));
      Future<DefaultSites> spawnInspected = parallel.start(() -> config.spawnOps() > 0
          ? DefaultSites.inspect(goroscope, programs.spawn()) : null);
      noSampled = config.modes().contains(Mode.GOROSCOPE_SAMPLED) && !Parallel.join(modeOption);
      httpSites = Parallel.join(httpInspected);
      spawnSites = Parallel.join(spawnInspected);
    }
    List<Mode> modes = new ArrayList<>(config.modes());
    List<Results.Unavailable> unavailable = new ArrayList<>();
    if (noSampled) {
      modes.remove(Mode.GOROSCOPE_SAMPLED);
      unavailable.add(new Results.Unavailable(Mode.GOROSCOPE_SAMPLED,
          "not available in this build (`goroscope attach --help` lists no `--mode`)"));
    }
    log("goroscope's default sites: %d in benchhttp%s (%.1f s)", httpSites.sites().size(),
        spawnSites == null ? "" : ", " + spawnSites.sites().size() + " in benchspawn",
        (System.nanoTime() - start) / 1e9);
    DiscardingOtlpReceiver otlp = modes.stream().anyMatch(m -> m.output() == Mode.Output.OTLP)
        ? DiscardingOtlpReceiver.start() : null;
    BpfStats stats = null;
    try {
      stats = config.bpfStats() ? BpfStats.enable() : null;
      Sidecars sidecars = new Sidecars(goroscope,
          config.baseline() == null ? null : new Launcher(config.baseline()), otlp);
      return measure(modes, unavailable, machine, programs, httpSites, spawnSites, sidecars,
          otlp, start);
    } finally {
      if (stats != null) {
        stats.close();
      }
      if (otlp != null) {
        otlp.close();
      }
    }
  }

  private Results measure(List<Mode> modes, List<Results.Unavailable> unavailable,
      Machine machine, BenchPrograms programs, DefaultSites httpSites, DefaultSites spawnSites,
      Sidecars sidecars, DiscardingOtlpReceiver otlp, long start) {
    HttpWorkload http = new HttpWorkload(config, programs, httpSites, sidecars);
    SpawnWorkload spawn =
        spawnSites == null ? null : new SpawnWorkload(config, programs, spawnSites, sidecars);

    List<Samples.Http> httpSamples = new ArrayList<>();
    List<Samples.Spawn> spawnSamples = new ArrayList<>();
    for (int round = 1; round <= config.rounds(); round++) {
      List<Mode> order = rotated(modes, round - 1);
      for (Mode mode : order) {
        long t = System.nanoTime();
        Samples.Http s = http.measure(mode, round);
        httpSamples.add(s);
        log("round %d/%d http  %-10s %,10.0f req/s%s  (%.1f s)", round, config.rounds(),
            mode.id(), s.fresh().rps(), s.counts() == null ? ""
                : String.format(Locale.ROOT, "  %.1f events/request", s.eventsPerRequest()),
            (System.nanoTime() - t) / 1e9);
      }
      if (spawn != null) {
        for (String kind : config.spawnKinds()) {
          for (Mode mode : order) {
            long t = System.nanoTime();
            Samples.Spawn s = spawn.measure(mode, kind, round);
            spawnSamples.add(s);
            log("round %d/%d spawn %-8s %-10s %,10.0f ops/s  (%.1f s)", round, config.rounds(),
                kind, mode.id(), s.opsPerSecond(), (System.nanoTime() - t) / 1e9);
          }
        }
      }
    }
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    return new Results(config, machine, programs.goVersion(), httpSites, spawnSites, httpSamples,
        spawnSamples, unavailable, otlp == null ? -1 : otlp.requests(),
        otlp == null ? -1 : otlp.bytes(), Machine.loadAverage(), seconds);
  }

  static <T> List<T> rotated(List<T> list, int by) {
    List<T> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      out.add(list.get((i + by) % list.size()));
    }
    return out;
  }

  private void log(String format, Object... args) {
    progress.println("bench: " + String.format(Locale.ROOT, format, args));
    progress.flush();
  }
}
