package dev.goroscope.testgo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds the Go test programs under {@code src/test/go/<name>} once per JVM (per toolchain,
 * normal and stripped) into one temporary directory, so test classes share the binaries.
 */
public final class GoBinaries {

  private static final Map<String, Path> CACHE = new ConcurrentHashMap<>();
  private static Path root;

  private GoBinaries() {}

  /** The directory of a committed Go program, e.g. {@code offsetprobe}. */
  public static Path source(String program) {
    Path p = Paths.get("src", "test", "go", program).toAbsolutePath();
    if (!Files.isDirectory(p)) {
      p = Paths.get("collector-core", "src", "test", "go", program).toAbsolutePath();
    }
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException("Go test program not found: " + program);
    }
    return p;
  }

  /** The binary of {@code program} built by {@code toolchain}, built on first use. */
  public static Path binary(String program, GoToolchain toolchain, boolean stripped) {
    String key = program + "-" + toolchain.minor() + (stripped ? "-stripped" : "");
    return CACHE.computeIfAbsent(key, k -> {
      try {
        return toolchain.build(source(program), dir().resolve(k), stripped);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** A PIE build ({@code -buildmode=pie}), optionally stripped. */
  public static Path pie(String program, GoToolchain toolchain, boolean stripped) {
    String key = program + "-" + toolchain.minor() + "-pie" + (stripped ? "-stripped" : "");
    return CACHE.computeIfAbsent(key, k -> {
      try {
        return toolchain.build(source(program), dir().resolve(k), stripped
            ? List.of("-buildmode=pie", "-ldflags=-s -w") : List.of("-buildmode=pie"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** A linux/arm64 build (for "not yet supported" paths). */
  public static Path arm64(String program, GoToolchain toolchain) {
    String key = program + "-" + toolchain.minor() + "-arm64";
    return CACHE.computeIfAbsent(key, k -> {
      try {
        return toolchain.build(source(program), dir().resolve(k), List.of(),
            Map.of("GOARCH", "arm64"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  private static synchronized Path dir() throws IOException {
    if (root == null) {
      root = Files.createTempDirectory("goroscope-gobin-");
      root.toFile().deleteOnExit();
      Runtime.getRuntime().addShutdownHook(new Thread(GoBinaries::deleteAll));
    }
    return root;
  }

  private static void deleteAll() {
    try (var files = Files.walk(root)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort at JVM exit
    }
  }
}
