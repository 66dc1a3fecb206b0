package dev.goroscope.it.bench;

import dev.goroscope.it.go.ExampleProcess;
import java.time.Duration;
import java.util.Optional;

/**
 * The HTTP measurement of one mode: a fresh {@code benchhttp} (running Go's tracer if the mode
 * says so), {@link BenchConfig#warmupRequests()} requests with nothing attached, then the mode
 * attached and {@code benchload} run for one block of {@link BenchConfig#requests()}; in
 * sidecar modes also {@link BenchConfig#steadyAfter()} more blocks and a steady-state block, with
 * the sidecar's CPU read around each measured block.
 */
final class HttpWorkload {
  /**
   * Wait after a block before reading the sidecar's CPU: the last events reach it within its
   * 50 ms poll timeout and leave its 50 ms reorder window, so their cost falls in the block.
   */
  static final Duration SETTLE = Duration.ofMillis(300);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(15);

  private final BenchConfig config;
  private final BenchPrograms programs;
  private final DefaultSites sites;
  private final Sidecars sidecars;

  HttpWorkload(BenchConfig config, BenchPrograms programs, DefaultSites sites, Sidecars sidecars) {
    this.config = config;
    this.programs = programs;
    this.sites = sites;
    this.sidecars = sidecars;
  }

  Samples.Http measure(Mode mode, int round) {
    try (ExampleProcess server = ExampleProcess.start(programs.http(), "-tracer", mode.goTracer(),
        "-work", Integer.toString(config.work()))) {
      server.awaitReady(READY_TIMEOUT);
      int pid = value(server, "pid");
      int port = value(server, "port");
      if (config.warmupRequests() > 0) {
        load(port, config.warmupRequests());
      }
      Samples.Block fresh;
      Samples.Block steady = null;
      long attached;
      Optional<Sidecar.Counts> counts;
      int uprobes;
      try (Attachment attachment = Attachment.attach(mode, pid, sites, sidecars)) {
        uprobes = attachment.uprobes();
        fresh = block(port, attachment);
        attached = fresh.requests();
        if (mode.hasSidecar() && config.steady()) {
          for (int i = 0; i < config.steadyAfter(); i++) {
            attached += load(port, config.requests()).requests();
          }
          steady = block(port, attachment);
          attached += steady.requests();
        }
        counts = attachment.detach();
      }
      int exit = server.stop(Duration.ofSeconds(30));
      if (exit != 0) {
        throw new IllegalStateException(
            "benchhttp exited with " + exit + "\n" + server.transcript());
      }
      return new Samples.Http(mode, round, fresh, steady, attached, counts.orElse(null), uprobes);
    }
  }

  /** One measured block: the load, and the sidecar's CPU around it. */
  private Samples.Block block(int port, Attachment attachment) {
    Optional<ProcessCpu> before = attachment.cpu();
    Optional<BpfProgramTime> bpfBefore =
        config.bpfStats() ? attachment.bpfTime() : Optional.empty();
    Samples.Block load = load(port, config.requests());
    // The programs run on the target's threads, within the requests: done when the load is.
    BpfProgramTime bpf =
        bpfBefore.map(b -> attachment.bpfTime().orElseThrow().since(b)).orElse(null);
    CpuUse used = null;
    if (before.isPresent()) {
      sleep(SETTLE);
      used = attachment.cpu().orElseThrow().since(before.get());
    }
    return new Samples.Block(load.requests(), load.rps(), load.p50Us(), load.p99Us(), used, bpf);
  }

  /** Runs benchload to its end. */
  private Samples.Block load(int port, int requests) {
    try (ExampleProcess load = ExampleProcess.start(programs.load(),
        "-port", Integer.toString(port), "-clients", Integer.toString(config.clients()),
        "-requests", Integer.toString(requests))) {
      int exit = load.awaitExit(LOAD_TIMEOUT);
      String line = load.stdout().stream().filter(l -> l.startsWith("requests="))
          .findFirst().orElse("");
      if (exit != 0 || line.isEmpty()) {
        throw new IllegalStateException("benchload exited with " + exit + "\n" + load.transcript());
      }
      KeyValues v = new KeyValues(line);
      return new Samples.Block((long) v.number("requests"), v.number("rps"), v.number("p50_us"),
          v.number("p99_us"), null, null);
    }
  }

  static int value(ExampleProcess process, String key) {
    String line = process.awaitLine(l -> l.startsWith(key + "="), READY_TIMEOUT);
    return Integer.parseInt(line.substring(key.length() + 1).trim());
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
