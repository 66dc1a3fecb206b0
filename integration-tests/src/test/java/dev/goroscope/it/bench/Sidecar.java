package dev.goroscope.it.bench;

import dev.goroscope.it.go.ExampleProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code goroscope attach --pid P --debug …} run (JSON lines to /dev/null, or OTLP to the
 * harness's receiver: {@link Sidecars}) through the launcher: started, waited on until its probes are live, sampled for CPU, stopped
 * with SIGTERM (as Ctrl-C would), and its event count read from the {@code --debug} counters.
 */
final class Sidecar implements AutoCloseable {
  static final Duration ATTACH_TIMEOUT = Duration.ofSeconds(120);
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern ATTACHED =
      Pattern.compile("goroscope: attached to pid (\\d+) .*: (\\d+) uprobes.*");
  /** The correlator's input counter, printed by --debug when goroscope ends. */
  private static final Pattern EVENTS_IN = Pattern.compile("\\beventsIn=(\\d+)");
  /** The summary line's kernel-side losses. */
  private static final Pattern EVENTS_LOST = Pattern.compile("\\b(\\d+) events lost\\b");

  /**
   * What the run counted.
   *
   * @param events events the correlator took in ({@code eventsIn}): one per ring buffer record
   *     (kernel event), plus the goroutines found alive at attach (tens) and lost-event markers
   * @param lost events the kernel dropped because the ring was full
   */
  record Counts(long events, long lost) {}

  private final ExampleProcess process;
  private final int uprobes;

  private Sidecar(ExampleProcess process, int uprobes) {
    this.process = process;
    this.uprobes = uprobes;
  }

  /** Whether this build's {@code goroscope attach} has the {@code --mode} option. */
  static boolean supportsModeOption(Launcher goroscope) {
    return goroscope.run("attach", "--help").contains("--mode");
  }

  /** Starts {@code goroscope attach --pid P --debug} with {@code args} (outputs, mode options). */
  static Sidecar attach(Launcher goroscope, int pid, List<String> args) {
    List<String> all = new ArrayList<>(List.of("attach", "--pid", Integer.toString(pid),
        "--debug"));
    all.addAll(args);
    ExampleProcess process = ExampleProcess.start(
        "goroscope", goroscope.command(all.toArray(String[]::new)), goroscope.directory(),
        Map.of());
    try {
      Matcher attached = ATTACHED.matcher(awaitStderr(process, ATTACHED, ATTACH_TIMEOUT));
      if (!attached.matches() || Integer.parseInt(attached.group(1)) != pid) {
        throw new IllegalStateException("goroscope attached to another pid\n"
            + process.transcript());
      }
      return new Sidecar(process, Integer.parseInt(attached.group(2)));
    } catch (RuntimeException e) {
      process.close();
      throw e;
    }
  }

  /** The uprobes goroscope said it attached. */
  int uprobes() {
    return uprobes;
  }

  /** The sidecar JVM's pid (the launcher execs java: the same process). */
  long pid() {
    return process.pid();
  }

  /** The sidecar JVM's CPU counters now (the launcher execs java: same pid). */
  ProcessCpu cpu() {
    return ProcessCpu.read(process.pid());
  }

  /** SIGTERM, wait for the flush and summary, and read the counters. */
  Counts stop() {
    int code = process.stop(STOP_TIMEOUT);
    if (code != 0) {
      throw new IllegalStateException(
          "goroscope exited with " + code + "\n" + process.transcript());
    }
    return new Counts(number(EVENTS_IN), number(EVENTS_LOST));
  }

  private long number(Pattern pattern) {
    for (String line : process.stderr()) {
      Matcher m = pattern.matcher(line);
      if (m.find()) {
        return Long.parseLong(m.group(1));
      }
    }
    throw new IllegalStateException("goroscope printed no " + pattern.pattern()
        + " (the --debug counters and the summary line)\n" + process.transcript());
  }

  private static String awaitStderr(ExampleProcess process, Pattern pattern, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean ended = !process.isAlive();
      Optional<String> line =
          process.stderr().stream().filter(l -> pattern.matcher(l).matches()).findFirst();
      if (line.isPresent()) {
        return line.get();
      }
      if (ended || System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("goroscope " + (ended ? "ended" : "still running after "
            + timeout) + " without attaching\n" + process.transcript());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for goroscope", e);
      }
    }
  }

  @Override
  public void close() {
    process.close();
  }
}
