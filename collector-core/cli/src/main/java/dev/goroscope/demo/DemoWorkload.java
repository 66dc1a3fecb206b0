package dev.goroscope.demo;

import dev.goroscope.GoroscopeException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo's target: the {@code http-deadline} example built from source with the Go on PATH,
 * started on a free loopback port, and its load generator. Owns both processes.
 */
public final class DemoWorkload implements AutoCloseable {

  private final Path workDir;
  private final Process server;
  private final String address;
  private final Path loadgen;
  private Process load;
  private boolean closed;
  private Thread exitHook;

  private DemoWorkload(Path workDir, Process server, String address, Path loadgen) {
    this.workDir = workDir;
    this.server = server;
    this.address = address;
    this.loadgen = loadgen;
  }

  /** Deletes the build directory if the JVM ends first. */
  private static Thread cleanupOnExit(Path workDir) {
    Thread hook = new Thread(() -> delete(workDir), "goroscope-demo-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    return hook;
  }

  /** Builds the example and starts the server; returns once it accepts connections. */
  public static DemoWorkload start(Path examplesDir, Duration serverLifetime, PrintWriter log) {
    if (!Files.isRegularFile(examplesDir.resolve("go.mod"))) {
      throw new GoroscopeException("examples not found at " + examplesDir
          + ": run the demo from a goroscope checkout (or set GOROSCOPE_HOME)");
    }
    Path work;
    try {
      work = Files.createTempDirectory("goroscope-demo");
    } catch (IOException e) {
      throw new GoroscopeException("cannot create a temporary directory: " + e.getMessage());
    }
    // Until the workload owns the directory, a signal (or a failed build) still deletes it.
    Thread buildCleanup = cleanupOnExit(work);
    DemoWorkload workload;
    try {
      log.println("goroscope demo: building examples/http-deadline with " + goVersion());
      Path serverBin = work.resolve("http-deadline");
      Path loadBin = work.resolve("loadgen");
      goBuild(examplesDir, "./http-deadline", serverBin);
      goBuild(examplesDir, "./http-deadline/loadgen", loadBin);
      Process server;
      try {
        server =
            new ProcessBuilder(
                    serverBin.toString(), "-port", "0",
                    "-duration", serverLifetime.toSeconds() + "s")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
      } catch (IOException e) {
        throw new GoroscopeException("cannot start " + serverBin + ": " + e.getMessage());
      }
      try {
        String address = awaitReady(server);
        log.println("goroscope demo: http-deadline pid " + server.pid() + " listening on "
            + address);
        workload = new DemoWorkload(work, server, address, loadBin);
      } catch (RuntimeException e) {
        server.destroyForcibly();
        throw e;
      }
    } catch (RuntimeException e) {
      delete(work);
      removeHook(buildCleanup);
      throw e;
    }
    // From here close() cleans up, on every path: Ctrl-C included (a hook of its own).
    workload.exitHook = new Thread(workload::close, "goroscope-demo-cleanup");
    Runtime.getRuntime().addShutdownHook(workload.exitHook);
    removeHook(buildCleanup);
    return workload;
  }

  public int serverPid() {
    return (int) server.pid();
  }

  public Process server() {
    return server;
  }

  /** Starts the load generator: a mix of /ok, /slow and /leaky requests. */
  public synchronized void startLoad(int requests) {
    if (closed) {
      return;
    }
    try {
      load =
          new ProcessBuilder(
                  loadgen.toString(), "-url", "http://" + address, "-requests",
                  Integer.toString(requests), "-concurrency", "4", "-leaky-every", "5",
                  "-slow-every", "7", "-pause", "20ms")
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      throw new GoroscopeException("cannot start the load generator: " + e.getMessage());
    }
  }

  /** Waits for the load generator to finish. */
  public void awaitLoad(Duration timeout) throws InterruptedException {
    if (load != null && !load.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      load.destroyForcibly();
    }
  }

  /** Asks the server to shut down (SIGTERM); it lets its in-flight work finish and exits. */
  public void stopServer() {
    // Through the handle: Process.destroy() would also close our end of its output.
    server.toHandle().destroy();
  }

  /** Stops both processes and deletes the build directory; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (load != null) {
      load.destroyForcibly();
    }
    server.destroyForcibly();
    try {
      server.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    delete(workDir);
    if (exitHook != null && Thread.currentThread() != exitHook) {
      removeHook(exitHook);
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // Already running, or about to: it finds the work done.
    }
  }

  private static void delete(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Gone already, or not ours to delete: nothing more to do.
    }
  }

  private static String awaitReady(Process server) {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    try {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith("ready addr=")) {
          Thread drain = new Thread(() -> drain(out), "demo-server-stdout");
          drain.setDaemon(true);
          drain.start();
          return line.substring("ready addr=".length()).trim();
        }
      }
    } catch (IOException e) {
      throw new GoroscopeException("reading the demo server's output: " + e.getMessage());
    }
    throw new GoroscopeException("the demo server exited before it was ready");
  }

  private static void drain(BufferedReader out) {
    try {
      while (out.readLine() != null) {
        // The server's own log lines are not part of the demo's output.
      }
    } catch (IOException e) {
      // The server is gone; nothing more to read.
    }
  }

  private static String goVersion() {
    return run(List.of("go", "env", "GOVERSION"), Path.of(".")).trim();
  }

  private static void goBuild(Path dir, String pkg, Path out) {
    run(List.of("go", "build", "-o", out.toString(), pkg), dir);
  }

  private static String run(List<String> command, Path dir) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
          .redirectErrorStream(true);
      pb.environment().putIfAbsent("CGO_ENABLED", "0");
      Process p = pb.start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new GoroscopeException(String.join(" ", command) + " failed: " + output.trim());
      }
      return output;
    } catch (IOException e) {
      throw new GoroscopeException(
          "cannot run '" + command.get(0) + "' (" + e.getMessage() + "): install Go (the demo"
              + " builds its example service from source)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GoroscopeException("interrupted while running " + command.get(0));
    }
  }
}
