package dev.goroscope.it.bench;

import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.nio.file.Path;
import java.util.concurrent.Future;

/**
 * The benchmark's Go programs, built from the committed module
 * {@code integration-tests/src/test/go/overhead} by the shared {@link GoToolchains} (Go 1.26,
 * normal build: symbols and DWARF, as a service is usually shipped).
 *
 * @param http the service ({@code benchhttp})
 * @param load the load generator ({@code benchload})
 * @param spawn the spawn-heavy program ({@code benchspawn})
 * @param goVersion the toolchain's version, e.g. {@code go1.26.8}
 */
record BenchPrograms(Path http, Path load, Path spawn, String goVersion) {
  static final Toolchain GO = Toolchain.GO_1_26;

  static BenchPrograms build(Path module) {
    String version = GoToolchains.version(GO);
    try (Parallel parallel = new Parallel()) {
      Future<Path> http = parallel.start(() -> build(module, "./benchhttp"));
      Future<Path> load = parallel.start(() -> build(module, "./benchload"));
      Future<Path> spawn = parallel.start(() -> build(module, "./benchspawn"));
      return new BenchPrograms(Parallel.join(http), Parallel.join(load), Parallel.join(spawn),
          version);
    }
  }

  private static Path build(Path module, String pkg) {
    return GoToolchains.build(module, pkg, GO, GoToolchains.Mode.NORMAL);
  }
}
