package dev.goroscope.bpf.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** The Go toolchains the tests build with: 1.26 = go on PATH, 1.19 (Debian), 1.27 (GOTOOLCHAIN). */
public enum GoToolchain {
  GO_1_19("/usr/lib/go-1.19/bin/go", null),
  GO_1_26("go", null),
  GO_1_27("go", "go1.27.3");

  private final String go;
  private final String toolchain;
  private static final Map<String, Path> BUILT = new ConcurrentHashMap<>();

  GoToolchain(String go, String toolchain) {
    this.go = go;
    this.toolchain = toolchain;
  }

  /** Null when usable, else why not (for a loud assumption message). */
  public String unavailability() {
    try {
      String v = run(null, List.of("version"));
      return v.contains("go version") ? null : "unexpected `go version` output: " + v;
    } catch (IOException | RuntimeException e) {
      return this + " not usable: " + e.getMessage();
    }
  }

  /** Builds (once per JVM) the Go program under {@code src/test/go/<name>}. */
  public Path build(String name, boolean stripped) throws IOException {
    String key = this + "/" + name + "/" + stripped;
    Path cached = BUILT.get(key);
    if (cached != null) {
      return cached;
    }
    Path src = Path.of("src/test/go", name).toAbsolutePath();
    Path dir = Files.createTempDirectory("goroscope-" + name());
    dir.toFile().deleteOnExit();
    Path out = dir.resolve(name + (stripped ? "-stripped" : ""));
    List<String> args = new ArrayList<>(List.of("build", "-o", out.toString()));
    if (stripped) {
      args.add("-ldflags=-s -w");
    }
    args.add(".");
    run(src, args);
    out.toFile().deleteOnExit();
    BUILT.put(key, out);
    return out;
  }

  /** Runs {@code go <args>} and returns stdout; throws with stderr on failure. */
  public String run(Path dir, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(go);
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    pb.environment().put("CGO_ENABLED", "0");
    pb.environment().put("GOFLAGS", "-mod=mod");
    if (toolchain != null) {
      pb.environment().put("GOTOOLCHAIN", toolchain);
    } else {
      pb.environment().put("GOTOOLCHAIN", "local");
    }
    Path err = Files.createTempFile("go", ".err");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed: " + Files.readString(err));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } finally {
      Files.deleteIfExists(err);
    }
    return out;
  }
}
