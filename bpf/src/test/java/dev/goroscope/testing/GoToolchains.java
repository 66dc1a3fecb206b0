package dev.goroscope.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Go toolchains of this machine and a cache of Go programs built with them, for tests that
 * need real Go binaries. Each (source, toolchain, build mode) is built once and shared by every
 * test class and every test JVM: builds live in {@code target/go-builds} of the repository,
 * keyed by the source's content and the exact toolchain version and flags.
 *
 * <p>The toolchains are those the README's test command installs, one per supported Go minor:
 * Go 1.19 ({@code /usr/lib/go-1.19/bin/go}, Debian's golang-1.19-go), Go 1.26 ({@code go} on
 * the PATH), and Go 1.20–1.25 and 1.27 ({@code go} with {@code GOTOOLCHAIN=go1.20.14} etc.,
 * fetched once through the Go module proxy into the module cache by scripts/setup.sh). A
 * missing one fails the test with the fix in the message: these tests are the point of the
 * suite.
 *
 * <p>Every build runs with {@code CGO_ENABLED=0} (unless the mode says cgo),
 * {@code GOFLAGS=-mod=mod} and {@code -buildvcs=false}, from a copy of the source so that the
 * committed tree is never written to. This class lives in goroscope-bpf's test-jar so that every
 * module's tests share it.
 */
public final class GoToolchains {

  /**
   * A Go toolchain: how to run its {@code go} command. One per Go minor release that goroscope
   * supports; every test parameterised over this enum runs on all of them.
   */
  public enum Toolchain {
    GO_1_19("go1.19", "/usr/lib/go-1.19/bin/go", "local",
        "apt-get install golang-1.19-go"),
    GO_1_20("go1.20", "go", "go1.20.14", fetched("go1.20.14")),
    GO_1_21("go1.21", "go", "go1.21.13", fetched("go1.21.13")),
    GO_1_22("go1.22", "go", "go1.22.12", fetched("go1.22.12")),
    GO_1_23("go1.23", "go", "go1.23.12", fetched("go1.23.12")),
    GO_1_24("go1.24", "go", "go1.24.9", fetched("go1.24.9")),
    GO_1_25("go1.25", "go", "go1.25.4", fetched("go1.25.4")),
    GO_1_26("go1.26", "go", "local", "install Go 1.26 and put it on the PATH"),
    GO_1_27("go1.27", "go", "go1.27.3", fetched("go1.27.3"));

    private final String release;
    private final String goCommand;
    private final String goToolchainEnv;
    private final String installHint;

    Toolchain(String release, String goCommand, String goToolchainEnv, String installHint) {
      this.release = release;
      this.goCommand = goCommand;
      this.goToolchainEnv = goToolchainEnv;
      this.installHint = installHint;
    }

    private static String fetched(String version) {
      return "Go " + version.substring(2) + " is fetched into the Go module cache by"
          + " 'GOTOOLCHAIN=" + version + " go version' (scripts/setup.sh does it) through the Go"
          + " module proxy";
    }

    /** The release line, e.g. {@code go1.26}; {@code go version} prints it with a patch. */
    public String release() {
      return release;
    }

    /** The release without the {@code go} prefix, e.g. {@code 1.26}. */
    public String minor() {
      return release.substring(2);
    }

    /** The minor number, e.g. 26 for Go 1.26. */
    public int minorNumber() {
      return Integer.parseInt(release.substring("go1.".length()));
    }

    /** Whether this is Go 1.{@code minor} or later. */
    public boolean atLeast(int minor) {
      return minorNumber() >= minor;
    }

    /**
     * What {@code GOTOOLCHAIN} is set to: {@code local} for an installed toolchain, else the
     * exact version fetched through the module proxy (e.g. {@code go1.20.14}).
     */
    public String goToolchainEnv() {
      return goToolchainEnv;
    }
  }

  /** How to build. */
  public enum Mode {
    /** Default {@code go build}: .symtab and DWARF. */
    NORMAL(List.of(), "amd64", false),
    /** {@code -ldflags='-s -w'}: no .symtab, no DWARF. */
    STRIPPED(List.of("-ldflags=-s -w"), "amd64", false),
    /** {@code -buildmode=pie}. */
    PIE(List.of("-buildmode=pie"), "amd64", false),
    /** {@code -ldflags=-compressdwarf=false}: plain DWARF sections, e.g. to corrupt them. */
    UNCOMPRESSED_DWARF(List.of("-ldflags=-compressdwarf=false"), "amd64", false),
    /** Cross-compiled for linux/arm64 (for tests of what is not supported). */
    ARM64(List.of(), "arm64", false),
    /** Cross-compiled for linux/386, a 32-bit ELF. */
    I386(List.of(), "386", false),
    /** {@code CGO_ENABLED=1} (needs a C compiler): C code linked in by the external linker. */
    CGO(List.of(), "amd64", true),
    /** {@code CGO_ENABLED=1} and {@code -ldflags='-s -w'}. */
    CGO_STRIPPED(List.of("-ldflags=-s -w"), "amd64", true);

    private final List<String> flags;
    private final String goarch;
    private final boolean cgo;

    Mode(List<String> flags, String goarch, boolean cgo) {
      this.flags = flags;
      this.goarch = goarch;
      this.cgo = cgo;
    }
  }

  private static final Map<String, Path> BUILT = new ConcurrentHashMap<>();
  private static final Map<Path, Path> SOURCES = new ConcurrentHashMap<>();
  private static final Map<Toolchain, String> VERSIONS = new ConcurrentHashMap<>();

  private GoToolchains() {}

  /**
   * The committed Go program {@code src/test/go/<name>} of this module or of any module that
   * keeps Go test programs, found from the working directory of any module or of the
   * repository root.
   */
  public static Path program(String name) {
    Path root = repositoryRoot();
    List<Path> bases = new ArrayList<>(List.of(Path.of("")));
    for (String module : PROGRAM_MODULES) {
      bases.add(root.resolve(module));
    }
    for (Path base : bases) {
      Path p = base.resolve("src/test/go").resolve(name);
      if (Files.isRegularFile(p.resolve("go.mod"))) {
        return p.toAbsolutePath().normalize();
      }
    }
    throw new IllegalStateException("cannot find the Go test program " + name
        + " under src/test/go of " + PROGRAM_MODULES + " from " + Path.of("").toAbsolutePath());
  }

  /** The modules (relative to the repository root) whose src/test/go holds Go test programs. */
  private static final List<String> PROGRAM_MODULES =
      List.of("bpf", "collector-core/core", "collector-core/cli", "otel-mapping");

  /** The directory of the parent pom, found by walking up from the working directory. */
  static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("bpf")) && Files.isDirectory(p.resolve("collector-core"))
          && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    return Path.of("").toAbsolutePath();
  }

  /** A small program that links C code ({@code collector-core/core/src/test/go/cgoprog}). */
  public static Path cgoProgram() {
    return program("cgoprog");
  }

  /** The program every inspector test builds ({@code collector-core/core/src/test/go/probeprog}). */
  public static Path probeProgram() {
    return program("probeprog");
  }

  /**
   * The full version {@code toolchain} reports, e.g. {@code go1.26.8}; fails with an install
   * hint when the toolchain is missing.
   */
  public static String version(Toolchain toolchain) {
    return VERSIONS.computeIfAbsent(toolchain, tc -> {
      String out = go(tc, null, null, "env", "GOVERSION").strip();
      if (!out.startsWith(tc.release)) {
        throw new IllegalStateException(tc + ": 'go env GOVERSION' printed '" + out
            + "', expected " + tc.release + ".x (" + tc.installHint + ")");
      }
      return out;
    });
  }

  /** Builds the committed Go program {@code name} (see {@link #program(String)}). */
  public static Path build(String program, Toolchain toolchain, Mode mode) {
    return build(program(program), toolchain, mode);
  }

  /**
   * Builds the Go main package in {@code sourceDir} with {@code toolchain} in {@code mode} (see
   * {@link #build(Path, String, Toolchain, Mode)}) and returns the binary.
   */
  public static Path build(Path sourceDir, Toolchain toolchain, Mode mode) {
    return build(sourceDir, ".", toolchain, mode);
  }

  /**
   * Builds the main package {@code pkg} (e.g. {@code ./leak}) of the Go module in
   * {@code moduleDir} with {@code toolchain} in {@code mode} and returns the binary, named
   * {@code <last element of pkg>-<release>-<mode>}.
   *
   * <p>Built once, then shared by every test JVM (each module's, and child JVMs such as a
   * killed sidecar's, which must probe the very file the target runs): builds live in the
   * build cache ({@link #buildCache()}) under a key of the source files' contents, so a changed
   * source is rebuilt, and of the full toolchain version, package, flags and environment. The
   * module is copied there first (the committed tree is never written to), once per content, so
   * a program's normal and stripped builds record the same file paths.
   */
  public static Path build(Path moduleDir, String pkg, Toolchain toolchain, Mode mode) {
    return build(moduleDir, pkg, toolchain, mode, List.of());
  }

  /**
   * {@link #build(Path, String, Toolchain, Mode)} with extra {@code go build} flags, e.g.
   * {@code -modfile=go.v1.38.mod} to build the same source against other module versions.
   */
  public static Path build(Path moduleDir, String pkg, Toolchain toolchain, Mode mode,
      List<String> extraFlags) {
    return build(moduleDir, pkg, toolchain.release, version(toolchain), mode, extraFlags,
        (dir, env, args) -> go(toolchain, dir, null, env, args));
  }

  /**
   * Builds with a Go release that is not one of the {@link Toolchain}s (which every
   * toolchain-wide test iterates): {@code go} with {@code GOTOOLCHAIN=goToolchain}, e.g.
   * {@code go1.23.12} (fetched once through the Go module proxy), for a library whose oldest
   * supported Go it is.
   */
  public static Path build(Path moduleDir, String pkg, String goToolchain, Mode mode,
      List<String> extraFlags) {
    return build(moduleDir, pkg, goToolchain, goToolchain, mode, extraFlags,
        (dir, env, args) -> run("go", goToolchain, "GOTOOLCHAIN=" + goToolchain
            + " go (fetched through the Go module proxy)", dir, null, env, args));
  }

  /** Runs one go command for a build. */
  private interface GoRunner {
    String run(Path dir, Map<String, String> env, String... args);
  }

  private static Path build(Path moduleDir, String pkg, String release, String version,
      Mode mode, List<String> extraFlags, GoRunner go) {
    Path module = moduleDir.toAbsolutePath().normalize();
    String key = module + "|" + pkg + "|" + release + "|" + mode + "|" + extraFlags;
    return BUILT.computeIfAbsent(key, k -> {
      Path src = source(module);
      String base = pkg.equals(".") ? module.getFileName().toString()
          : Path.of(pkg).getFileName().toString();
      List<String> flags = new ArrayList<>(mode.flags);
      flags.addAll(extraFlags);
      flags.add(pkg);
      Map<String, String> env =
          Map.of("GOARCH", mode.goarch, "CGO_ENABLED", mode.cgo ? "1" : "0");
      String recipe = String.join("\n", version, String.join(" ", flags), env.get("GOARCH"),
          env.get("CGO_ENABLED"), String.valueOf(System.getenv("GOAMD64")),
          String.valueOf(System.getenv("GOEXPERIMENT")));
      // next to this source's copy: two sources of the same name never share a binary
      Path out = src.getParent().resolve("bin-" + sha256(recipe).substring(0, 12))
          .resolve(base + "-" + release + "-" + mode.name().toLowerCase(Locale.ROOT));
      return underLock(out, () -> {
        if (Files.isRegularFile(out)) {
          return out;
        }
        Files.createDirectories(out.getParent());
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        List<String> args =
            new ArrayList<>(List.of("build", "-buildvcs=false", "-o", tmp.toString()));
        args.addAll(flags);
        go.run(src, env, args.toArray(String[]::new));
        if (!Files.isRegularFile(tmp)) {
          throw new IllegalStateException("go build " + pkg + " in " + module + " with "
              + release + " produced no binary");
        }
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
        return out;
      });
    });
  }

  /**
   * Where builds are kept: {@code -Dgoroscope.go.builds=DIR}, else {@code target/go-builds} of
   * the repository root ({@code mvn clean} there drops it).
   */
  public static Path buildCache() {
    String dir = System.getProperty("goroscope.go.builds");
    return dir != null ? Path.of(dir).toAbsolutePath()
        : repositoryRoot().resolve("target").resolve("go-builds");
  }

  /**
   * Runs {@code go args...} of {@code toolchain} in {@code dir} (e.g. {@code tool addr2line},
   * {@code version -m}; null: the temporary directory) with {@code stdin} fed in (may be null),
   * and returns stdout; fails on a non-zero exit with stderr in the message.
   */
  public static String go(Toolchain toolchain, Path dir, String stdin, String... args) {
    return go(toolchain, dir, stdin, Map.of(), args);
  }

  /** {@link #go(Toolchain, Path, String, String...)} with extra environment variables. */
  public static String go(Toolchain toolchain, Path dir, String stdin,
      Map<String, String> extraEnv, String... args) {
    return run(toolchain.goCommand, toolchain.goToolchainEnv,
        toolchain.release + " (" + toolchain.installHint + ")", dir, stdin, extraEnv, args);
  }

  private static String run(String goCommand, String goToolchainEnv, String what, Path dir,
      String stdin, Map<String, String> extraEnv, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(goCommand);
    cmd.addAll(List.of(args));
    Path workingDir = dir != null ? dir : Path.of(System.getProperty("java.io.tmpdir"));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workingDir.toFile());
    Map<String, String> env = pb.environment();
    env.put("GOTOOLCHAIN", goToolchainEnv);
    env.put("CGO_ENABLED", "0");
    env.put("GOFLAGS", "-mod=mod");
    env.remove("GOROOT");
    // go needs a GOPATH (module cache) and derives it from HOME, which CI may leave unset
    env.putIfAbsent("GOPATH", System.getProperty("user.home") + "/go");
    env.putAll(extraEnv);
    try {
      Path err = Files.createTempFile("go-stderr", ".txt");
      try {
        pb.redirectError(err.toFile());
        Process p;
        try {
          p = pb.start();
        } catch (IOException e) {
          throw new IllegalStateException("cannot run " + goCommand + " for " + what + ": "
              + e.getMessage(), e);
        }
        if (stdin != null) {
          p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
          p.destroyForcibly();
          throw new IllegalStateException(cmd + " timed out");
        }
        if (p.exitValue() != 0) {
          throw new IllegalStateException(cmd + " in " + workingDir + " failed with exit "
              + p.exitValue() + " (" + what + "):\n" + Files.readString(err));
        }
        return out;
      } finally {
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The copy of {@code sourceDir} in the build cache, one per content, shared by all builds of
   * it (so they record the same file paths).
   */
  private static Path source(Path sourceDir) {
    Path abs = sourceDir.toAbsolutePath().normalize();
    return SOURCES.computeIfAbsent(abs, k -> {
      List<Path> files = sourceFiles(abs);
      StringBuilder content = new StringBuilder();
      try {
        for (Path f : files) {
          content.append(abs.relativize(f)).append('\0')
              .append(sha256(Files.readAllBytes(f))).append('\n');
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Path dir = buildCache().resolve(abs.getFileName() + "-"
          + sha256(content.toString()).substring(0, 12));
      Path copy = dir.resolve(abs.getFileName());
      Path done = dir.resolve("copied");
      return underLock(dir, () -> {
        if (!Files.exists(done)) {
          deleteTree(copy);
          for (Path f : files) {
            Path target = copy.resolve(abs.relativize(f).toString());
            Files.createDirectories(target.getParent());
            Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
          }
          Files.writeString(done, abs.toString());
        }
        return copy;
      });
    });
  }

  /** The files of a Go source tree, sorted; Maven's target/ and hidden entries left out. */
  private static List<Path> sourceFiles(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile)
          .filter(f -> {
            for (Path part : root.relativize(f)) {
              String n = part.toString();
              if (n.equals("target") || n.startsWith(".")) {
                return false;
              }
            }
            return true;
          })
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private interface IoSupplier<T> {
    T get() throws IOException;
  }

  /** Runs {@code action} holding an exclusive file lock on {@code path.lock} (across JVMs). */
  private static <T> T underLock(Path path, IoSupplier<T> action) {
    try {
      Files.createDirectories(path.getParent());
      Path lock = path.resolveSibling(path.getFileName() + ".lock");
      try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE)) {
        FileLock held = ch.lock(); // released when the channel closes
        try {
          return action.get();
        } finally {
          held.release();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
