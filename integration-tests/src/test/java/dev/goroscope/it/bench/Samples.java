package dev.goroscope.it.bench;

/** What one measurement of one mode produced. */
final class Samples {
  private Samples() {}

  /**
   * One block of HTTP requests.
   *
   * @param requests requests in the block
   * @param rps requests per second the load generator saw
   * @param p50Us median latency, µs
   * @param p99Us 99th percentile latency, µs
   * @param sidecarCpu the sidecar's CPU over the block (and the ≤ {@link
   *     HttpWorkload#SETTLE} after it while it drains); null without a sidecar
   * @param bpf the time inside the attached BPF programs over the block (the floor's or
   *     goroscope's); null unless {@link BenchConfig#bpfStats()} and something is attached
   */
  record Block(long requests, double rps, double p50Us, double p99Us, CpuUse sidecarCpu,
      BpfProgramTime bpf) {}

  /**
   * One HTTP measurement: a fresh server, warm-up requests, the mode attached, then the
   * measured blocks.
   *
   * @param fresh the first block after attaching: the number compared across modes
   * @param steady in goroscope modes, the block after {@link BenchConfig#steadyAfter()} more
   *     blocks; null otherwise
   * @param attachedRequests every request sent while attached (fresh + in between + steady)
   * @param counts the sidecar's event counts over the whole attach; null without a sidecar
   * @param uprobes uprobes attached (0 for modes without)
   */
  record Http(Mode mode, int round, Block fresh, Block steady, long attachedRequests,
      Sidecar.Counts counts, int uprobes) {

    /**
     * Kernel events per request: the attach's whole event count over every request sent while
     * attached. Each request traps the same edges, so this also splits the count between blocks.
     */
    double eventsPerRequest() {
      return counts == null ? Double.NaN : (double) counts.events() / attachedRequests;
    }
  }

  /**
   * One spawn-heavy measurement.
   *
   * @param kind what one operation is ({@link BenchConfig#spawnKinds()})
   * @param ops operations measured
   * @param opsPerSecond operations per second
   * @param sidecarCpu the sidecar's CPU over the run; null without a sidecar
   * @param counts the sidecar's event counts; null without a sidecar
   * @param uprobes uprobes attached
   */
  record Spawn(Mode mode, String kind, int round, long ops, double opsPerSecond, CpuUse sidecarCpu,
      Sidecar.Counts counts, int uprobes) {

    double eventsPerOp() {
      return counts == null ? Double.NaN : (double) counts.events() / ops;
    }
  }
}
