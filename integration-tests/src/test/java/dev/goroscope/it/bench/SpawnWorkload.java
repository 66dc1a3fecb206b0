package dev.goroscope.it.bench;

import dev.goroscope.it.go.ExampleProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * The spawn-heavy measurement of one mode: {@code benchspawn} warms up and waits, the mode is
 * attached, SIGUSR1 starts the measured {@link BenchConfig#spawnOps()} operations, and the
 * sidecar's CPU is read around them (the program waits for SIGTERM before it exits, so the
 * sidecar is still there to be read).
 */
final class SpawnWorkload {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(15);

  private final BenchConfig config;
  private final BenchPrograms programs;
  private final DefaultSites sites;
  private final Sidecars sidecars;

  SpawnWorkload(
      BenchConfig config, BenchPrograms programs, DefaultSites sites, Sidecars sidecars) {
    this.config = config;
    this.programs = programs;
    this.sites = sites;
    this.sidecars = sidecars;
  }

  Samples.Spawn measure(Mode mode, String kind, int round) {
    try (ExampleProcess spawn = ExampleProcess.start(programs.spawn(), "-tracer", mode.goTracer(),
        "-ops", Integer.toString(config.spawnOps()), "-kind", kind)) {
      spawn.awaitReady(READY_TIMEOUT);
      int pid = HttpWorkload.value(spawn, "pid");
      double opsPerSecond;
      CpuUse cpu = null;
      Optional<Sidecar.Counts> counts;
      int uprobes;
      try (Attachment attachment = Attachment.attach(mode, pid, sites, sidecars)) {
        uprobes = attachment.uprobes();
        Optional<ProcessCpu> before = attachment.cpu();
        signal("USR1", pid);
        String line = spawn.awaitLine(l -> l.startsWith("ops="), RUN_TIMEOUT);
        opsPerSecond = new KeyValues(line).number("ops_per_s");
        if (before.isPresent()) {
          HttpWorkload.sleep(HttpWorkload.SETTLE);
          cpu = attachment.cpu().orElseThrow().since(before.get());
        }
        counts = attachment.detach();
      }
      int exit = spawn.stop(Duration.ofSeconds(30));
      if (exit != 0) {
        throw new IllegalStateException(
            "benchspawn exited with " + exit + "\n" + spawn.transcript());
      }
      return new Samples.Spawn(mode, kind, round, config.spawnOps(), opsPerSecond, cpu,
          counts.orElse(null), uprobes);
    }
  }

  private static void signal(String signal, int pid) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Integer.toString(pid))
          .redirectErrorStream(true).start();
      String out = new String(kill.getInputStream().readAllBytes(),
          java.nio.charset.StandardCharsets.UTF_8);
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid + ": " + out.strip());
      }
    } catch (IOException e) {
      throw new IllegalStateException("kill -" + signal + " " + pid + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
