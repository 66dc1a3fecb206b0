package dev.goroscope.testgo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Go toolchains of this machine: 1.19 from Debian's golang-1.19-go, 1.26 = {@code go} on
 * PATH, 1.27 = {@code go} with {@code GOTOOLCHAIN=go1.27.3} (fetched through the module proxy).
 */
public enum GoToolchain {
  GO_1_19("1.19", "/usr/lib/go-1.19/bin/go", null),
  GO_1_26("1.26", "go", "local"),
  GO_1_27("1.27", "go", "go1.27.3");

  private final String minor;
  private final String command;
  private final String gotoolchain;

  GoToolchain(String minor, String command, String gotoolchain) {
    this.minor = minor;
    this.command = command;
    this.gotoolchain = gotoolchain;
  }

  /** "1.19", "1.26", "1.27". */
  public String minor() {
    return minor;
  }

  /** The full version this toolchain reports, e.g. {@code go1.26.8}. */
  public String version() throws IOException {
    String out = run(List.of(command, "env", "GOVERSION"), null, Map.of()).strip();
    if (!out.startsWith("go" + minor)) {
      throw new IOException(this + " reports " + out + ", expected go" + minor + ".x");
    }
    return out;
  }

  /**
   * Builds the main package in {@code sourceDir} (a go.mod with a {@code go 1.19} directive)
   * into {@code output}; {@code stripped} links with {@code -s -w} (no .symtab, no DWARF).
   */
  public Path build(Path sourceDir, Path output, boolean stripped) throws IOException {
    return build(sourceDir, output, stripped ? List.of("-ldflags=-s -w") : List.of());
  }

  /** Builds with extra {@code go build} flags, e.g. {@code -buildmode=pie}. */
  public Path build(Path sourceDir, Path output, List<String> flags) throws IOException {
    return build(sourceDir, output, flags, Map.of());
  }

  /** Builds with extra flags and environment, e.g. {@code GOARCH=arm64}. */
  public Path build(Path sourceDir, Path output, List<String> flags, Map<String, String> env)
      throws IOException {
    List<String> cmd = new ArrayList<>(List.of(command, "build", "-o", output.toString()));
    cmd.addAll(flags);
    cmd.add(".");
    run(cmd, sourceDir, env);
    if (!Files.isRegularFile(output)) {
      throw new IOException(String.join(" ", cmd) + " produced no binary");
    }
    return output;
  }

  private String run(List<String> cmd, Path dir, Map<String, String> extraEnv)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    Map<String, String> env = pb.environment();
    env.put("CGO_ENABLED", "0");
    env.put("GOFLAGS", "-mod=mod");
    env.putIfAbsent("GOPATH", System.getProperty("user.home") + "/go");
    if (gotoolchain != null) {
      env.put("GOTOOLCHAIN", gotoolchain);
    } else {
      env.remove("GOTOOLCHAIN");
    }
    env.putAll(extraEnv);
    Process p = pb.start();
    byte[] out;
    try {
      out = p.getInputStream().readAllBytes();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + " timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted: " + String.join(" ", cmd), e);
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException(this + ": " + String.join(" ", cmd) + " failed:\n" + text);
    }
    return text;
  }
}
