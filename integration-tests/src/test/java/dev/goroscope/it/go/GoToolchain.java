package dev.goroscope.it.go;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Go toolchains goroscope is tested with, located the way scripts/setup.sh installs them:
 * Go 1.19 from Debian's golang-1.19-go, Go 1.26 as {@code go} on PATH, and Go 1.27 as {@code go}
 * with {@code GOTOOLCHAIN=go1.27.3} (the module proxy download that setup.sh primes).
 *
 * <p>Builds use {@code CGO_ENABLED=0} and {@code GOFLAGS=-mod=mod}; the source's go.mod should say
 * {@code go 1.19} so that all three build it.
 */
public enum GoToolchain {
  GO_1_19("go1.19", "/usr/lib/go-1.19/bin/go", null),
  GO_1_26("go1.26", "go", "local"),
  GO_1_27("go1.27", "go", "go1.27.3");

  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);
  private static final Map<GoToolchain, String> VERSIONS = new ConcurrentHashMap<>();

  private final String release;
  private final String executable;
  private final String goToolchainEnv; // null: the toolchain predates GOTOOLCHAIN

  GoToolchain(String release, String executable, String goToolchainEnv) {
    this.release = release;
    this.executable = executable;
    this.goToolchainEnv = goToolchainEnv;
  }

  /** The release line, e.g. {@code go1.27}; {@link #version()} is the exact one. */
  public String release() {
    return release;
  }

  /**
   * The exact version ({@code go env GOVERSION}, e.g. {@code go1.27.3}); cached.
   *
   * @throws IllegalStateException when the toolchain is missing or is another release, with the
   *     command that installs it
   */
  public String version() {
    return VERSIONS.computeIfAbsent(this, GoToolchain::probeVersion);
  }

  /** Whether the toolchain runs and is the expected release (no exception, for assumptions). */
  public boolean isAvailable() {
    try {
      version();
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  /** The command line for {@code go args...} with this toolchain (see {@link #environment()}). */
  public List<String> command(String... args) {
    List<String> command = new ArrayList<>(args.length + 1);
    command.add(executable);
    command.addAll(List.of(args));
    return command;
  }

  /** The environment a command of this toolchain needs on top of the inherited one. */
  public Map<String, String> environment() {
    return goToolchainEnv == null
        ? Map.of("CGO_ENABLED", "0", "GOFLAGS", "-mod=mod")
        : Map.of("CGO_ENABLED", "0", "GOFLAGS", "-mod=mod", "GOTOOLCHAIN", goToolchainEnv);
  }

  /**
   * Builds one package into {@code outDir} and returns the executable, named
   * {@code <last element of pkg>-<release>[-stripped]}.
   *
   * @param moduleDir the directory holding go.mod
   * @param pkg the package, relative to moduleDir, e.g. {@code ./http-deadline/loadgen}
   * @param stripped true for {@code -ldflags='-s -w'} (no symbol table, no DWARF)
   */
  public Path build(Path moduleDir, String pkg, Path outDir, boolean stripped) {
    String base = Path.of(pkg).getFileName().toString();
    Path out = outDir.resolve(base + "-" + release + (stripped ? "-stripped" : ""));
    List<String> command =
        stripped
            ? command("build", "-ldflags=-s -w", "-o", out.toString(), pkg)
            : command("build", "-o", out.toString(), pkg);
    try {
      Files.createDirectories(outDir);
    } catch (IOException e) {
      throw new IllegalStateException("create " + outDir + ": " + e.getMessage(), e);
    }
    Commands.Result result = Commands.run(command, moduleDir, environment(), BUILD_TIMEOUT);
    if (result.exitCode() != 0 || !Files.isExecutable(out)) {
      throw new IllegalStateException(
          "go build " + pkg + " with " + release + " failed (exit " + result.exitCode() + "):\n"
              + result.output());
    }
    return out;
  }

  private String probeVersion() {
    Commands.Result result;
    try {
      result =
          Commands.run(command("env", "GOVERSION"), Path.of("."), environment(), BUILD_TIMEOUT);
    } catch (IllegalStateException e) {
      throw missing(e.getMessage());
    }
    String version = result.output().strip();
    if (result.exitCode() != 0 || !version.startsWith(release)) {
      throw missing("'" + String.join(" ", command("env", "GOVERSION")) + "' said: " + version);
    }
    return version;
  }

  private IllegalStateException missing(String detail) {
    return new IllegalStateException(
        release + " toolchain not usable (" + detail + "); install it with scripts/setup.sh");
  }
}
