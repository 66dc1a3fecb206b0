package dev.goroscope.it.go;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Go programs under {@code examples/} and their builds. Each (package, toolchain, stripped)
 * is built once per test JVM into one temporary directory, deleted when the JVM exits.
 */
public final class Examples {
  public static final String WORKER_POOL = "./worker-pool";
  public static final String HTTP_DEADLINE = "./http-deadline";
  public static final String LOADGEN = "./http-deadline/loadgen";
  public static final String LEAK = "./leak";

  /** Every main package of the examples module. */
  public static final List<String> ALL = List.of(WORKER_POOL, HTTP_DEADLINE, LOADGEN, LEAK);

  /** Set by the integration-tests pom; defaults to running from the module directory. */
  private static final String DIR_PROPERTY = "goroscope.examples.dir";

  private static final Map<String, Path> BUILDS = new ConcurrentHashMap<>();
  private static volatile Path outDir;

  private Examples() {}

  /** The examples module directory (holds go.mod). */
  public static Path moduleDir() {
    Path dir = Path.of(System.getProperty(DIR_PROPERTY, "../examples")).toAbsolutePath().normalize();
    if (!Files.isRegularFile(dir.resolve("go.mod"))) {
      throw new IllegalStateException(
          "no examples module at " + dir + "; set -D" + DIR_PROPERTY + "=<repo>/examples");
    }
    return dir;
  }

  /** The executable of {@code pkg} built with {@code toolchain}, building it on first use. */
  public static Path binary(String pkg, GoToolchain toolchain, boolean stripped) {
    String key = pkg + "|" + toolchain + "|" + stripped;
    return BUILDS.computeIfAbsent(
        key, k -> toolchain.build(moduleDir(), pkg, outDir(), stripped));
  }

  /** The executable of {@code pkg} built with the default toolchain (Go 1.26), not stripped. */
  public static Path binary(String pkg) {
    return binary(pkg, GoToolchain.GO_1_26, false);
  }

  private static Path outDir() {
    Path dir = outDir;
    if (dir == null) {
      synchronized (Examples.class) {
        dir = outDir;
        if (dir == null) {
          try {
            dir = Files.createTempDirectory("goroscope-examples-");
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          Path toDelete = dir;
          Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(toDelete)));
          outDir = dir;
        }
      }
    }
    return dir;
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort at JVM exit
    }
  }
}
