package dev.goroscope.it.backend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A backend binary the tests run (Jaeger, Prometheus): started with its output appended to a
 * log file, waited for until an HTTP probe says it is ready, stopped with SIGTERM and then
 * SIGKILL. Failures carry the backend's log, so a test that cannot start one says why.
 */
public final class BackendProcess {

  public static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  private final String name;
  private final Path log;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private Process process; // guarded by this

  /** A backend called {@code name} in messages, logging to {@code log}. */
  public BackendProcess(String name, Path log) {
    this.name = name;
    this.log = log;
  }

  /**
   * Where scripts/setup.sh caches a backend binary: {@code ${XDG_CACHE_HOME:-$HOME/.cache}/
   * goroscope/FILE}, unless the system property {@code property} or the environment variable
   * {@code env} name another.
   */
  public static Path cachedBinary(String file, String property, String env) {
    String override = System.getProperty(property, System.getenv(env));
    if (override != null && !override.isBlank()) {
      return Path.of(override);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path cache = xdg != null && !xdg.isBlank()
        ? Path.of(xdg)
        : Path.of(System.getProperty("user.home"), ".cache");
    return cache.resolve("goroscope").resolve(file);
  }

  /** Fails with the command that builds it when {@code binary} is missing. */
  public static void requireExecutable(Path binary, String name, String property, String env) {
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "no " + name + " binary at " + binary + ": build it once with scripts/setup.sh"
              + " (or point -D" + property + " / " + env + " at one)");
    }
  }

  /** Starts a backend in a directory of its own. */
  public interface Starter<T> {
    T start(Path dir) throws IOException;
  }

  /**
   * Makes a temporary directory ({@code goroscope-NAME-…}) and starts {@code name}'s backend in
   * it with {@code starter}; the directory is deleted again when that fails.
   */
  public static <T> T startInTempDir(String name, Starter<T> starter) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("goroscope-" + name.toLowerCase(Locale.ROOT) + "-");
      return starter.start(dir);
    } catch (IOException e) {
      deleteTree(dir);
      throw new UncheckedIOException("start " + name + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      deleteTree(dir);
      throw e;
    }
  }

  /**
   * Starts {@code builder}'s command (output to the log) and waits until a GET of {@code probe}
   * gives a response {@code ready} accepts.
   *
   * @throws IllegalStateException when it exits or is not ready within {@link #START_TIMEOUT}
   */
  public synchronized void start(ProcessBuilder builder, URI probe,
      Predicate<HttpResponse<String>> ready) throws IOException {
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    process = builder.start();
    HttpRequest request = HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(1)).GET()
        .build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      if (!process.isAlive()) {
        int exit = process.exitValue();
        process = null;
        throw new IllegalStateException(
            name + " exited with " + exit + " while starting; log:\n" + log());
      }
      try {
        if (ready.test(http.send(request, HttpResponse.BodyHandlers.ofString()))) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        interrupted();
      }
      if (System.nanoTime() - deadline > 0) {
        stop();
        throw new IllegalStateException(
            name + " not ready at " + probe + " after " + START_TIMEOUT + "; log:\n" + log());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        interrupted();
      }
    }
  }

  private void interrupted() {
    Thread.currentThread().interrupt();
    stop();
    throw new IllegalStateException("interrupted while " + name + " was starting");
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Stops it (SIGTERM, then SIGKILL after 10 s). Idempotent. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** Its log so far (stdout and stderr). */
  public String log() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  /** Deletes {@code dir} and what is in it, best effort (null: nothing). */
  public static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp dir left behind is harmless
    }
  }
}
