package dev.goroscope.it.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.it.go.ExampleProcess;
import dev.goroscope.it.go.Examples;
import dev.goroscope.it.jaeger.JaegerExtension;
import dev.goroscope.it.jaeger.JaegerServer;
import dev.goroscope.it.jaeger.JaegerSpan;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The leak example into a real Jaeger over OTLP gRPC, in deep mode (parks seen) with a 1 s leak
 * threshold: the goroutines blocked on a channel nobody writes are leak candidates, the ones that
 * got their reply are not, and neither is {@code main.heartbeat}, alive all along but woken every
 * 200 ms — only the park rule keeps it out (it is neither goroutine 1 nor the runtime's). Exactly
 * the goroutines parked longer than the threshold are flagged, nothing else.
 */
@ExtendWith(JaegerExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LeakJaegerTest {
  private static final long THRESHOLD_MICROS = 1_000_000;

  @Test
  void blockedGoroutinesAreLeakCandidates(JaegerServer jaeger) {
    Path binary = Examples.binary(Examples.LEAK);
    String service = binary.getFileName().toString();
    Instant before = Instant.now();
    AttachRun.Summary summary;
    long pid;
    try (ExampleProcess leak = ExampleProcess.start(binary, "-every", "200ms", "-duration", "120s")) {
      leak.awaitReady(Duration.ofSeconds(30));
      pid = leak.pid();
      try (AttachRun attach =
          AttachRun.start("attach", "--pid", Long.toString(pid), "--deep", "--leak-threshold", "1s",
              "--duration", "4s", "--output", "otlp", "--otlp-endpoint",
              jaeger.otlpGrpcEndpoint().toString(), "--otlp-protocol", "grpc")) {
        assertThat(attach.process().stderr()).anyMatch(l -> l.contains(", deep mode"));
        summary = attach.awaitSummary();
        assertThat(summary.lost()).as(attach.transcript()).isZero();
      }
      assertThat(leak.isAlive()).as("goroscope leaves its target running").isTrue();
    }
    Instant after = Instant.now();
    List<JaegerSpan> spans = Spans.flatten(Spans.awaitAll(jaeger.query(), service, summary.spans()));
    Spans.assertResource(spans, service, pid, binary);
    Spans.assertTimesSane(spans, before, after);
    Spans.assertSpawnTree(Spans.awaitAll(jaeger.query(), service, summary.spans()));

    List<JaegerSpan> flagged =
        Spans.search(jaeger.query(), service, "goroutine.leak_candidate", "true");
    List<JaegerSpan> blocked = Spans.startedIn(spans, "main.waitForReply");
    List<JaegerSpan> answered = Spans.startedIn(spans, "main.handleReply");
    // One of each every 200 ms for 4 s; the ones older than the threshold are candidates.
    assertThat(blocked).hasSizeGreaterThanOrEqualTo(15);
    assertThat(answered).hasSizeGreaterThanOrEqualTo(15);
    assertThat(Spans.startedIn(flagged, "main.waitForReply")).hasSizeGreaterThanOrEqualTo(10);

    // The leak decision is made when goroscope stops watching, within 200 ms after the last
    // goroutine was created (one every 200 ms): blocked goroutines created 1.3 s or more before
    // the last are older than the threshold then, the ones created within 0.5 s are not.
    long last = blocked.stream().mapToLong(JaegerSpan::startTimeMicros).max().orElseThrow();
    for (JaegerSpan s : blocked) {
      // Still blocked when goroscope stopped: a partial span up to then, parked on the channel.
      assertThat(s.tag("goroutine.partial")).as("%s", s).contains("true");
      assertThat(s.tag("goroutine.state")).as("%s", s).contains("waiting");
      assertThat(s.tag("goroutine.wait_reason")).as("%s", s).contains("chan receive");
      assertThat(s.tag("code.function.name")).contains("main.request");
      long beforeLast = last - s.startTimeMicros();
      if (beforeLast >= THRESHOLD_MICROS + 300_000) {
        assertThat(s.tag("goroutine.leak_candidate"))
            .as("created %d µs before the last: %s", beforeLast, s).contains("true");
      } else if (beforeLast <= THRESHOLD_MICROS - 500_000) {
        assertThat(s.tag("goroutine.leak_candidate"))
            .as("created %d µs before the last: %s", beforeLast, s).isEmpty();
      }
    }
    for (JaegerSpan s : answered) {
      assertThat(s.tag("goroutine.state")).as("%s", s).contains("exited");
      assertThat(s.tag("goroutine.leak_candidate")).as("%s", s).isEmpty();
    }
    // Alive the whole run (4 s, more than the threshold), parked at most 200 ms at a time.
    List<JaegerSpan> heartbeat = Spans.startedIn(spans, "main.heartbeat");
    assertThat(heartbeat).singleElement()
        .satisfies(h -> assertThat(h.tag("goroutine.partial")).contains("true"))
        .satisfies(h -> assertThat(Long.parseLong(h.tag("goroutine.park.count").orElse("0")))
            .as("parked anew every 200 ms: %s", h).isGreaterThanOrEqualTo(10))
        .satisfies(h -> assertThat(h.tag("goroutine.leak_candidate")).as("%s", h).isEmpty());
    // Only what was parked past the threshold is flagged: the blocked requests, and the
    // goroutine os/signal.NotifyContext keeps waiting for Ctrl-C all the program long.
    assertThat(flagged).as("every leak candidate")
        .allSatisfy(s -> assertThat(s.tag("goroutine.start_function").orElse(""))
            .isIn("main.waitForReply", "os/signal.NotifyContext.func1"))
        .allSatisfy(s -> assertThat(s.tag("goroutine.state")).contains("waiting"));
    assertThat(Spans.startedIn(flagged, "os/signal.NotifyContext.func1")).hasSize(1);
  }
}
