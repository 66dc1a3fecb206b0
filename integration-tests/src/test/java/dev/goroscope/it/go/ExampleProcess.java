package dev.goroscope.it.go;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A running example program: started with {@link #start}, its stdout and stderr captured line by
 * line, waited on for the {@code ready} line the examples print, and stopped (SIGTERM, then
 * SIGKILL) by {@link #close()}.
 */
public final class ExampleProcess implements AutoCloseable {
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final String name;
  private final Process process;
  private final List<String> stdout = new ArrayList<>(); // guarded by itself
  private final List<String> stderr = new ArrayList<>(); // guarded by itself
  private final Thread stdoutReader;
  private final Thread stderrReader;

  private ExampleProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    this.stdoutReader = reader(process.getInputStream(), stdout, name + "-stdout");
    this.stderrReader = reader(process.getErrorStream(), stderr, name + "-stderr");
  }

  /** Starts {@code binary args...} in the binary's directory. */
  public static ExampleProcess start(Path binary, String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(List.of(args));
    return start(binary.getFileName().toString(), command, binary.getParent(), Map.of());
  }

  /**
   * Starts any command the same way (output captured, {@link #close()} stops it), e.g. goroscope
   * itself; {@code env} is added to the inherited environment.
   */
  public static ExampleProcess start(
      String name, List<String> command, Path dir, Map<String, String> env) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().putAll(env);
    try {
      return new ExampleProcess(name, builder.start());
    } catch (IOException e) {
      throw new IllegalStateException("start " + command.get(0) + ": " + e.getMessage(), e);
    }
  }

  /** The process id (what {@code goroscope attach --pid} takes). */
  public long pid() {
    return process.pid();
  }

  /**
   * Waits for the {@code ready} line ({@code "ready"} or {@code "ready key=value..."}) and
   * returns it.
   *
   * @throws IllegalStateException when the process exits first or {@code timeout} passes, with
   *     everything it printed
   */
  public String awaitReady(Duration timeout) {
    return awaitLine(l -> l.equals("ready") || l.startsWith("ready "), timeout);
  }

  /**
   * The value of {@code key=value} on the ready line, e.g. {@code readyValue("addr")} is
   * {@code 127.0.0.1:PORT} for http-deadline; waits for the ready line for up to 30 s.
   */
  public String readyValue(String key) {
    String line = awaitReady(Duration.ofSeconds(30));
    for (String field : line.split(" ")) {
      if (field.startsWith(key + "=")) {
        return field.substring(key.length() + 1);
      }
    }
    throw new IllegalStateException(name + ": no " + key + "= on ready line: " + line);
  }

  /** Waits for a stdout line matching {@code condition} (including lines already printed). */
  public String awaitLine(Predicate<String> condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = 0;
    while (true) {
      synchronized (stdout) {
        boolean ended = !stdoutReader.isAlive(); // before the scan: then every line is in
        for (; seen < stdout.size(); seen++) {
          if (condition.test(stdout.get(seen))) {
            return stdout.get(seen);
          }
        }
        if (ended || System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              name + (ended ? " ended" : " still running after " + timeout)
                  + " without the expected line\n" + transcript());
        }
        try {
          stdout.wait(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted waiting for " + name, e);
        }
      }
    }
  }

  /**
   * Waits for the process to exit by itself and returns its exit code, after its output has been
   * read to the end.
   *
   * @throws IllegalStateException when it is still running after {@code timeout} (it is killed)
   */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(name + " did not exit within " + timeout + "\n" + transcript());
      }
      stdoutReader.join(5000);
      stderrReader.join(5000);
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + name, e);
    }
  }

  /** Sends SIGTERM (the examples stop cleanly on it) and returns the exit code. */
  public int stop(Duration timeout) {
    terminate();
    return awaitExit(timeout);
  }

  /** Sends SIGINT (what Ctrl-C sends) and returns the exit code. */
  public int interrupt(Duration timeout) {
    Commands.Result kill =
        Commands.run(List.of("kill", "-INT", Long.toString(pid())), Path.of("/"), Map.of(), timeout);
    if (kill.exitCode() != 0 && process.isAlive()) {
      throw new IllegalStateException("kill -INT " + pid() + ": " + kill.output());
    }
    return awaitExit(timeout);
  }

  /**
   * SIGTERM through the process handle: {@link Process#destroy()} would also close our end of its
   * stdout and lose what it prints while stopping.
   */
  private void terminate() {
    process.toHandle().destroy();
  }

  /** Writes one line to the process's standard input (e.g. "go" to a program waiting for it). */
  public void writeLine(String line) {
    try {
      process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().flush();
    } catch (IOException e) {
      throw new IllegalStateException(name + ": cannot write to its stdin: " + e.getMessage(), e);
    }
  }

  /** Whether the process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** The exit code, if it has exited. */
  public Optional<Integer> exitCode() {
    return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
  }

  /** The stdout lines so far. */
  public List<String> stdout() {
    synchronized (stdout) {
      return List.copyOf(stdout);
    }
  }

  /** The stderr lines so far. */
  public List<String> stderr() {
    synchronized (stderr) {
      return List.copyOf(stderr);
    }
  }

  /** Everything printed so far, for failure messages. */
  public String transcript() {
    return "--- " + name + " stdout:\n" + String.join("\n", stdout())
        + "\n--- " + name + " stderr:\n" + String.join("\n", stderr());
  }

  /** Stops the process if it still runs: SIGTERM, then SIGKILL after a grace period. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    terminate();
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return name + "[pid " + process.pid() + "]";
  }

  private static Thread reader(InputStream in, List<String> lines, String threadName) {
    Thread thread =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                  }
                }
              } catch (IOException e) {
                // the process went away; what was read stays
              } finally {
                synchronized (lines) {
                  lines.notifyAll();
                }
              }
            },
            threadName);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
