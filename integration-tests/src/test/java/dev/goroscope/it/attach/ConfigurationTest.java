package dev.goroscope.it.attach;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.goroscope.it.go.ExampleProcess;
import dev.goroscope.it.go.Examples;
import dev.goroscope.it.jaeger.JaegerExtension;
import dev.goroscope.it.jaeger.JaegerServer;
import dev.goroscope.it.jaeger.JaegerSpan;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The ways users point goroscope at things: OTEL_* variables, and --exe for every process. */
@ExtendWith(JaegerExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ConfigurationTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void otelEnvironmentVariablesAloneSendSpansToJaeger(JaegerServer jaeger) {
    Path binary = Examples.binary(Examples.WORKER_POOL);
    Map<String, String> env =
        Map.of(
            "OTEL_EXPORTER_OTLP_ENDPOINT", jaeger.otlpHttpEndpoint().toString(),
            "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
            "OTEL_SERVICE_NAME", "it-from-env",
            "OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=it");
    AttachRun.Summary summary;
    try (ExampleProcess pool = ExampleProcess.start(binary, "-duration", "60s")) {
      pool.awaitReady(Duration.ofSeconds(30));
      // No --output: with an endpoint configured, spans go over OTLP.
      try (AttachRun attach =
          AttachRun.start(env, "attach", "--pid", Long.toString(pool.pid()), "--duration", "2s")) {
        summary = attach.awaitSummary();
      }
    }
    List<JaegerSpan> spans =
        Spans.flatten(Spans.awaitAll(jaeger.query(), "it-from-env", summary.spans()));
    assertThat(Spans.startedIn(spans, "main.worker")).isNotEmpty();
    assertThat(spans).allSatisfy(s -> assertThat(s.processTags())
        .containsEntry("deployment.environment.name", "it")
        .containsEntry("process.executable.name", binary.getFileName().toString()));
  }

  @Test
  void exeModeWatchesEveryProcessOfTheExecutableAsItStarts() throws IOException {
    Path binary = Examples.binary(Examples.WORKER_POOL);
    List<Long> pids = new ArrayList<>();
    List<String> lines;
    try (AttachRun attach = startExe(binary)) {
      // Two processes one after the other, both started after goroscope.
      for (int i = 0; i < 2; i++) {
        // The workers start after the delay: 5 s leaves time to attach on a slow host (at
        // 1.5 s, one CI run saw the process end while its probes were being attached).
        try (ExampleProcess pool = ExampleProcess.start(binary, "-start-delay", "5s", "-rounds", "3")) {
          pids.add(pool.pid());
          attach.awaitStderr(l -> l.startsWith("goroscope: attached to pid " + pool.pid()),
              Duration.ofSeconds(30));
          assertThat(pool.awaitExit(Duration.ofSeconds(30))).as(pool.transcript()).isZero();
          attach.awaitStderr(l -> l.equals("goroscope: pid " + pool.pid() + " exited"),
              Duration.ofSeconds(30));
        }
      }
      assertThat(attach.process().isAlive()).as("--exe waits for the next process").isTrue();
      AttachRun.Summary summary = attach.interrupt();
      assertThat(summary.processes()).isEqualTo(2);
      lines = attach.process().stdout();
    }
    Set<Long> processPids = new TreeSet<>();
    Set<Long> workerPids = new TreeSet<>();
    for (String line : lines) {
      JsonNode n = JSON.readTree(line);
      if (n.path("type").asText().equals("process")) {
        processPids.add(n.path("pid").asLong());
      } else if (n.path("startFunction").asText().equals("main.worker")) {
        workerPids.add(n.path("pid").asLong());
      }
    }
    assertThat(processPids).containsExactlyInAnyOrderElementsOf(pids);
    assertThat(workerPids).containsExactlyInAnyOrderElementsOf(pids);
  }

  private static AttachRun startExe(Path binary) {
    // No "attached" line until a process runs: wait for the "waiting" line instead.
    ExampleProcess goroscope =
        dev.goroscope.it.cli.Goroscope.start("attach", "--exe", binary.toString(), "--output", "jsonl");
    return AttachRun.wrap(goroscope,
        l -> l.equals("goroscope: waiting for processes of " + binary));
  }
}
