package dev.goroscope.it.attach;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.goroscope.it.cli.Goroscope;
import dev.goroscope.it.go.ExampleProcess;
import dev.goroscope.it.go.Examples;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * goroscope as a pod sidecar sees it: goroscope and the Go service share a pid namespace that is
 * not the host's (Kubernetes' shareProcessNamespace), so the target's pid in goroscope's eyes is
 * not its host pid. The kernel filter must compare pids in goroscope's namespace.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PidNamespaceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void tracesATargetInASharedNonHostPidNamespace() throws IOException {
    Path workerPool = Examples.binary(Examples.WORKER_POOL);
    String script = workerPool + " -start-delay 3s -rounds 3 >/dev/null 2>&1 &\n"
        + "exec " + String.join(" ", Goroscope.command("attach", "--pid", "$!",
            "--output", "jsonl"));
    List<String> command = List.of("unshare", "--pid", "--fork", "--mount-proc", "sh", "-c",
        script);
    List<JsonNode> goroutines = new ArrayList<>();
    try (ExampleProcess pod =
        ExampleProcess.start("pod", command, Goroscope.jar().getParent(), Map.of())) {
      assertThat(pod.awaitExit(Duration.ofSeconds(90))).as(pod.transcript()).isZero();
      assertThat(pod.stderr()).as(pod.transcript())
          .anyMatch(l -> l.startsWith("goroscope: attached to pid "))
          .noneMatch(l -> l.contains("Exception"));
      for (String line : pod.stdout()) {
        JsonNode node = JSON.readTree(line);
        if (node.path("type").asText().equals("goroutine")) {
          goroutines.add(node);
        }
      }
      // The worker-pool is the namespace's second process (pid 1 is the forked sh/goroscope).
      assertThat(goroutines).as(pod.transcript()).isNotEmpty()
          .allMatch(g -> g.path("pid").asLong() < 100);
      assertThat(goroutines).extracting(g -> g.path("startFunction").asText())
          .contains("main.worker", "main.produce");
    }
  }
}
