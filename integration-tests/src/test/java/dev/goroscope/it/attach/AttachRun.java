package dev.goroscope.it.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.it.cli.Goroscope;
import dev.goroscope.it.go.ExampleProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code goroscope attach ...} run of the packaged command line: started, waited on until
 * its probes are live (the {@code attached to pid} line on stderr), then ended and its summary
 * line parsed.
 */
final class AttachRun implements AutoCloseable {
  static final Duration ATTACH_TIMEOUT = Duration.ofSeconds(90);
  static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern SUMMARY =
      Pattern.compile(
          "goroscope: (\\d+) process(?:es)?, (\\d+) goroutines seen,"
              + " (\\d+) (?:spans exported|records written),"
              + " (\\d+) contexts with a deadline, (\\d+) deadline overruns, (\\d+) events lost");

  /** The numbers of the summary line goroscope prints when it ends. */
  record Summary(
      long processes, long goroutines, long spans, long contexts, long overruns, long lost) {}

  private final ExampleProcess process;

  private AttachRun(ExampleProcess process) {
    this.process = process;
  }

  /** Starts {@code goroscope args...} and waits until it says its probes are attached. */
  static AttachRun start(Map<String, String> env, String... args) {
    return wrap(Goroscope.start(env, args), l -> l.startsWith("goroscope: attached to pid "));
  }

  /** Wraps a started goroscope and waits for the stderr line that says it is ready. */
  static AttachRun wrap(ExampleProcess goroscope, Predicate<String> ready) {
    AttachRun run = new AttachRun(goroscope);
    try {
      run.awaitStderr(ready, ATTACH_TIMEOUT);
    } catch (RuntimeException | Error e) {
      run.close();
      throw e;
    }
    return run;
  }

  static AttachRun start(String... args) {
    return start(Map.of(), args);
  }

  ExampleProcess process() {
    return process;
  }

  /** Waits for a stderr line matching {@code condition} (including lines already printed). */
  String awaitStderr(Predicate<String> condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean ended = !process.isAlive();
      Optional<String> line = process.stderr().stream().filter(condition).findFirst();
      if (line.isPresent()) {
        return line.get();
      }
      if (ended || System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "goroscope " + (ended ? "ended" : "still running after " + timeout)
                + " without the expected stderr line\n" + process.transcript());
      }
      sleep(50);
    }
  }

  /** Waits for goroscope to end by itself (--duration, target gone); asserts exit 0. */
  Summary awaitSummary() {
    int code = process.awaitExit(EXIT_TIMEOUT);
    assertThat(code).as("goroscope exit code\n%s", process.transcript()).isZero();
    return summary();
  }

  /** Ctrl-C: SIGINT, then the exit code must be 0 and the summary printed. */
  Summary interrupt() {
    int code = process.interrupt(EXIT_TIMEOUT);
    assertThat(code).as("goroscope exit code after SIGINT\n%s", process.transcript()).isZero();
    return summary();
  }

  /** The parsed summary line; fails when there is none or more than one. */
  Summary summary() {
    List<String> lines = process.stderr().stream().filter(l -> SUMMARY.matcher(l).matches()).toList();
    assertThat(lines).as("summary line on stderr\n%s", process.transcript()).hasSize(1);
    Matcher m = SUMMARY.matcher(lines.get(0));
    assertThat(m.matches()).isTrue();
    return new Summary(
        Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
        Long.parseLong(m.group(4)), Long.parseLong(m.group(5)), Long.parseLong(m.group(6)));
  }

  String transcript() {
    return process.transcript();
  }

  @Override
  public void close() {
    process.close();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
