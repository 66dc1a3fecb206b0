package dev.goroscope.it.bench;

import java.util.List;

/**
 * Everything one run measured.
 *
 * @param unavailable modes asked for that this build cannot run, with the reason
 * @param spawnSites the floor's sites in {@code benchspawn}; null when the spawn workload is off
 * @param otlpRequests OTLP requests the harness's receiver answered (otlp modes), or -1
 * @param otlpBytes their body bytes, or -1
 * @param loadAtEnd the 1-minute load average when the run ended
 * @param seconds how long the run took, building excluded
 */
record Results(BenchConfig config, Machine machine, String goVersion, DefaultSites httpSites,
    DefaultSites spawnSites, List<Samples.Http> http, List<Samples.Spawn> spawn,
    List<Unavailable> unavailable, long otlpRequests, long otlpBytes, String loadAtEnd,
    long seconds) {

  /** A mode that was not run, and why. */
  record Unavailable(Mode mode, String reason) {}

  Results {
    http = List.copyOf(http);
    spawn = List.copyOf(spawn);
    unavailable = List.copyOf(unavailable);
  }

  List<Samples.Http> http(Mode mode) {
    return http.stream().filter(s -> s.mode() == mode).toList();
  }

  List<Samples.Spawn> spawn(Mode mode) {
    return spawn.stream().filter(s -> s.mode() == mode).toList();
  }

  List<Samples.Spawn> spawn(Mode mode, String kind) {
    return spawn.stream().filter(s -> s.mode() == mode && s.kind().equals(kind)).toList();
  }
}
