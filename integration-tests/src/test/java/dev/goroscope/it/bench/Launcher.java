package dev.goroscope.it.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code goroscope} launcher script of the repository, run as a user runs it (so the JVM
 * options it sets, and {@code GOROSCOPE_JAVA_OPTS}, apply to what is measured).
 */
final class Launcher {
  private final Path script;

  Launcher(Path script) {
    if (!Files.isExecutable(script)) {
      throw new IllegalArgumentException("no goroscope launcher at " + script);
    }
    this.script = script.toAbsolutePath().normalize();
  }

  /** {@code goroscope args...} as a command line. */
  List<String> command(String... args) {
    List<String> command = new ArrayList<>();
    command.add(script.toString());
    command.addAll(List.of(args));
    return command;
  }

  /** Runs {@code goroscope args...} to its end and returns stdout; fails on a non-zero exit. */
  String run(String... args) {
    ProcessBuilder builder =
        new ProcessBuilder(command(args)).directory(script.getParent().toFile());
    try {
      Path err = Files.createTempFile("goroscope-stderr", ".txt");
      try {
        Process p = builder.redirectError(err.toFile()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
          p.destroyForcibly();
          throw new IllegalStateException(
              String.join(" ", command(args)) + ": no exit after 2 min");
        }
        if (p.exitValue() != 0) {
          throw new IllegalStateException(String.join(" ", command(args)) + " failed with exit "
              + p.exitValue() + ": " + Files.readString(err).strip());
        }
        return out;
      } finally {
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new IllegalStateException("run " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + script, e);
    }
  }

  Path directory() {
    return script.getParent();
  }
}
