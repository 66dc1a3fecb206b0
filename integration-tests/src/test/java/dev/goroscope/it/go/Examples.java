package dev.goroscope.it.go;

import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Go programs under {@code examples/} and their builds (by the shared {@link GoToolchains}:
 * each package, toolchain and mode once per test JVM).
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

  /** The executable of {@code pkg} built with {@code toolchain}, once per test JVM. */
  public static Path binary(String pkg, Toolchain toolchain, boolean stripped) {
    return GoToolchains.build(moduleDir(), pkg, toolchain, stripped ? Mode.STRIPPED : Mode.NORMAL);
  }

  /** The executable of {@code pkg} built with the default toolchain (Go 1.26), not stripped. */
  public static Path binary(String pkg) {
    return binary(pkg, Toolchain.GO_1_26, false);
  }
}
