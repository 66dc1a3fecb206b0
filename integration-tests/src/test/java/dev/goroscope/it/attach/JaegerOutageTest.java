package dev.goroscope.it.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.it.go.ExampleProcess;
import dev.goroscope.it.go.Examples;
import dev.goroscope.it.jaeger.JaegerServer;
import dev.goroscope.it.jaeger.JaegerSpan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Jaeger goes away in the middle of a run and comes back (same ports, empty storage): goroscope
 * keeps watching with bounded memory, holds what fits in its export queue and delivers it after
 * the restart, counts and reports what did not fit, and the spans of goroutines that end after
 * the restart arrive. worker-pool runs flat out (thousands of goroutines a second) so that the
 * outage overflows the queue; each main.* goroutine is a trace of its own (--trace-root) so that
 * Jaeger searches stay small. Its own Jaeger, as it stops it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JaegerOutageTest {
  private static final String SERVICE = "it-jaeger-outage";
  private static final Pattern DROPPED = Pattern.compile("goroscope: OTLP export dropped (\\d+) spans?.*");

  @Test
  void goroscopeSurvivesJaegerRestartAndReportsDrops() {
    Path binary = Examples.binary(Examples.WORKER_POOL);
    try (JaegerServer jaeger = JaegerServer.start();
        ExampleProcess pool =
            ExampleProcess.start(binary, "-workers", "8", "-jobs", "16", "-job-time", "0",
                "-pause", "1ms", "-duration", "150s")) {
      pool.awaitReady(Duration.ofSeconds(30));
      try (AttachRun attach =
          AttachRun.start("attach", "--pid", Long.toString(pool.pid()), "--output", "otlp",
              "--otlp-endpoint", jaeger.otlpGrpcEndpoint().toString(), "--otlp-protocol", "grpc",
              "--service-name", SERVICE, "--trace-root", "main.*")) {
        ExampleProcess goroscope = attach.process();
        jaeger.query().awaitTraces(SERVICE, Map.of("goroutine.start_function", "main.worker"), 1,
            Duration.ofSeconds(30));

        jaeger.stop();
        Instant stopped = Instant.now();
        long rssBefore = rssKib(goroscope.pid());
        // Workers keep ending (~200 goroutines a second); their spans have nowhere to go.
        AttachRun.sleep(6_000);
        assertThat(goroscope.isAlive()).as(goroscope.transcript()).isTrue();
        long rssDuring = rssKib(goroscope.pid());

        jaeger.restart();
        Instant restarted = Instant.now();
        Map<String, String> workers = Map.of("goroutine.start_function", "main.worker");
        assertThat(awaitSpans(jaeger, workers, restarted, Instant.now().plusSeconds(120)))
            .as("workers started after the restart are in the new Jaeger").isNotEmpty();
        assertThat(awaitSpans(jaeger, workers, stopped, restarted))
            .as("workers that ran while Jaeger was down were held and delivered").isNotEmpty();

        AttachRun.Summary summary = attach.interrupt();
        assertThat(goroscope.stderr())
            .as("no stack trace")
            .noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Exception in thread"))
            .allMatch(l -> l.startsWith("goroscope: "));
        assertThat(summary.spans())
            .as("spans exported (the ones sent while Jaeger was down are not)")
            .isLessThan(summary.goroutines());
        List<String> dropLines = goroscope.stderr().stream().filter(l -> DROPPED.matcher(l).matches()).toList();
        assertThat(dropLines).as("a line reporting the drops\n%s", goroscope.transcript()).hasSize(1);
        Matcher m = DROPPED.matcher(dropLines.get(0));
        assertThat(m.matches()).isTrue();
        // Thousands of goroutines a second for 6 s overflow the export queue.
        assertThat(Long.parseLong(m.group(1))).isPositive();
        assertThat(summary.spans() + Long.parseLong(m.group(1)))
            .as("exported + dropped").isGreaterThanOrEqualTo(summary.goroutines() - 100);
        // Bounded: holding on to undeliverable spans must not grow the process without limit.
        assertThat(rssDuring - rssBefore).as("RSS growth during the outage, KiB").isLessThan(256 * 1024);
      }
    }
  }

  /** Polls (60 s) for spans of {@link #SERVICE} with {@code tags} that start in [from, to]. */
  private static List<JaegerSpan> awaitSpans(
      JaegerServer jaeger, Map<String, String> tags, Instant from, Instant to) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      List<JaegerSpan> found =
          Spans.flatten(jaeger.query().findTraces(SERVICE, tags, from, to, 100)).stream()
              .filter(s -> s.startTimeMicros() >= Spans.micros(from)
                  && s.startTimeMicros() <= Spans.micros(to))
              .toList();
      if (!found.isEmpty() || System.nanoTime() - deadline > 0) {
        return found;
      }
      AttachRun.sleep(250);
    }
  }

  private static long rssKib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("read /proc/" + pid + "/status: " + e, e);
    }
    throw new IllegalStateException("no VmRSS for pid " + pid);
  }
}
