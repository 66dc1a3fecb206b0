package dev.goroscope.it.attach;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.goroscope.it.cli.Goroscope;
import dev.goroscope.it.go.ExampleProcess;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
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
 *
 * <p>The target only starts its goroutines once goroscope says it is attached (a line through a
 * FIFO), so every one of them must come from the probes, not from the read of its memory at
 * attach: each {@code main.worker} is created by a {@code main.round} that was itself created
 * while watched, which only the creation probe can tell ({@code parentTraced}).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PidNamespaceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void tracesATargetInASharedNonHostPidNamespace() throws IOException {
    Path gated = GoToolchains.build(Path.of("src/test/go/gated").toAbsolutePath(),
        Toolchain.GO_1_26, Mode.NORMAL);
    String goroscope = String.join(" ", Goroscope.command("attach", "--pid", "$t",
        "--output", "jsonl"));
    String script = String.join("\n",
        "d=$(mktemp -d)",
        "mkfifo \"$d/go\"",
        gated + " -rounds 3 -workers 4 < \"$d/go\" > \"$d/out\" 2>&1 &",
        "t=$!",
        "exec 3> \"$d/go\"", // the target's open returns; its read waits for the go-ahead
        goroscope + " 2> \"$d/err\" &",
        "g=$!",
        "i=0",
        "until grep -q 'attached to pid' \"$d/err\"; do",
        "  i=$((i+1)); [ $i -gt 1200 ] && break",
        "  kill -0 $g 2>/dev/null || break",
        "  sleep 0.1",
        "done",
        "echo go >&3",
        "exec 3>&-",
        "wait $g; status=$?",
        "cat \"$d/err\" \"$d/out\" >&2",
        "rm -rf \"$d\"",
        "exit $status");
    List<String> command = List.of("unshare", "--pid", "--fork", "--mount-proc", "sh", "-c",
        script);
    List<JsonNode> goroutines = new ArrayList<>();
    try (ExampleProcess pod =
        ExampleProcess.start("pod", command, Goroscope.jar().getParent(), Map.of())) {
      assertThat(pod.awaitExit(Duration.ofSeconds(150))).as(pod.transcript()).isZero();
      assertThat(pod.stderr()).as(pod.transcript())
          .anyMatch(l -> l.startsWith("goroscope: attached to pid "))
          .contains("done rounds=3 workers=12")
          .noneMatch(l -> l.contains("Exception"));
      for (String line : pod.stdout()) {
        JsonNode node = JSON.readTree(line);
        if (node.path("type").asText().equals("goroutine")) {
          goroutines.add(node);
        }
      }
      // Pids of the namespace (1 is the forked sh), not of the host.
      assertThat(goroutines).as(pod.transcript()).isNotEmpty()
          .allMatch(g -> g.path("pid").asLong() < 100);
      List<JsonNode> workers = goroutines.stream()
          .filter(g -> g.path("startFunction").asText().equals("main.worker")).toList();
      assertThat(workers).as(pod.transcript()).hasSize(12)
          .allMatch(g -> g.path("parentTraced").asBoolean(), "created by a traced main.round")
          .allMatch(g -> g.path("state").asText().equals("exited"), "seen to exit");
      assertThat(goroutines).filteredOn(g -> g.path("startFunction").asText()
          .equals("main.round")).hasSize(3);
    }
  }
}
