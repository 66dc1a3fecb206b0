package dev.goroscope.cli;

import dev.goroscope.GoroscopeException;
import dev.goroscope.attach.AttachConfig;
import dev.goroscope.attach.Attacher;
import dev.goroscope.attach.GoTargetPlanner;
import dev.goroscope.bpf.BpfFeatures;
import dev.goroscope.demo.DemoWorkload;
import dev.goroscope.record.ProcessInfo;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code goroscope demo}: builds the http-deadline example, runs it under load, attaches and
 * shows its goroutines, then stops by itself. The same path as {@code attach}, on a target we
 * start ourselves.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Build and run the http-deadline example under load, attach to it in deep mode, show its"
          + " goroutine spans (console by default; OTLP too when an endpoint is set) and write"
          + " an HTML report, then stop.",
      "Needs Go on the PATH and root (or CAP_BPF + CAP_PERFMON)."
    })
public final class DemoCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--requests", paramLabel = "N",
      description = "Requests the load generator sends (default: 60).")
  int requests = 60;

  @Option(names = "--examples", paramLabel = "DIR",
      description = "The examples module (default: GOROSCOPE_HOME/examples, else ./examples).")
  Path examples;

  @Option(names = "--report", paramLabel = "PATH",
      description = "Where the HTML report goes when --output is not given (default:"
          + " goroscope-demo.html in the temporary directory).")
  Path report;

  @Mixin OutputOptions output;

  @Override
  @SuppressWarnings("try") // the workload is closed early on Ctrl-C too (close is idempotent)
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    BpfFeatures.ensureAvailable(GoroscopeException::new);
    output.defaultHtmlReport = report != null ? report
        : Path.of(System.getProperty("java.io.tmpdir"), "goroscope-demo.html");
    try (DemoWorkload workload =
        DemoWorkload.start(examplesDir(), Duration.ofMinutes(5), err)) {
      // Deep mode: parks and wake-ups colour the report's timeline by state (a demo can afford it).
      AttachConfig config =
          AttachConfig.builder().setPid(workload.serverPid()).setDeep(true).build();
      Outputs outputs =
          output.create(new ProcessInfo(workload.serverPid(), "http-deadline", "", ""));
      Attacher attacher =
          new Attacher(config, new GoTargetPlanner(), outputs.sink(), outputs::exported,
              outputs::dropped, err, false);
      Thread driver = new Thread(() -> drive(attacher, workload, err), "goroscope-demo-load");
      driver.setDaemon(true);
      driver.start();
      // Ctrl-C: the server, the load generator and the build directory go before the JVM does,
      // and the report's line is printed (a signal ends the JVM once the summary is out).
      return AttachCommand.runUntilStopped(attacher, outputs, null, err, false, () -> {
        workload.close();
        Path html = output.htmlReport();
        if (html != null) {
          err.println("goroscope demo: open " + html.toAbsolutePath().toUri()
              + " in a browser: timeline, spawn tree, goroutine flame graph");
          err.flush();
        }
      });
    }
  }

  /** Once attached, sends the load, then stops the server: the attacher ends with it. */
  private void drive(Attacher attacher, DemoWorkload workload, PrintWriter err) {
    try {
      if (!attacher.awaitAttached(Duration.ofMinutes(1))) {
        workload.stopServer();
        return;
      }
      err.println("goroscope demo: sending " + requests + " requests (/ok, /slow, /leaky)");
      workload.startLoad(requests);
      workload.awaitLoad(Duration.ofMinutes(2));
      err.println("goroscope demo: load done; stopping http-deadline");
      workload.stopServer();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Path examplesDir() {
    if (examples != null) {
      return examples;
    }
    String home = System.getenv("GOROSCOPE_HOME");
    if (home != null && Files.isDirectory(Path.of(home, "examples"))) {
      return Path.of(home, "examples");
    }
    return Path.of("examples").toAbsolutePath();
  }
}
