package dev.goroscope.it.attach;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.goroscope.it.go.ExampleProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code goroscope attach --output jsonl} writes one JSON object per line to standard output and
 * nothing else there (so {@code | jq} works), with the fields the README documents.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class JsonLinesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> STATES = Set.of("running", "waiting", "exited", "process_exited");

  @Test
  void everyLineIsAJsonObjectWithTheDocumentedFields() throws IOException {
    AttachRun.Summary summary;
    List<String> lines;
    long pid;
    try (ExampleProcess server = HttpDeadline.startServer();
        AttachRun attach =
            AttachRun.start("attach", "--pid", Long.toString(server.pid()), "--output", "jsonl")) {
      pid = server.pid();
      HttpDeadline.load(server, 30, 5, 7);
      assertThat(server.stop(Duration.ofSeconds(30))).isZero();
      summary = attach.awaitSummary();
      lines = attach.process().stdout();
      assertThat(attach.process().stderr()).as("stderr: messages only")
          .allMatch(l -> l.startsWith("goroscope: "));
      assertThat(attach.process().stderr()).as("no span exporter: the summary counts records")
          .anyMatch(l -> l.matches("goroscope: 1 process, \\d+ goroutines seen, "
              + lines.size() + " records written, .*"))
          .noneMatch(l -> l.contains("spans exported"));
    }

    Map<String, List<JsonNode>> byType = new HashMap<>();
    for (String line : lines) {
      JsonNode node = JSON.readTree(line);
      assertThat(node.isObject()).as(line).isTrue();
      assertThat(node.path("type").isTextual()).as("type of %s", line).isTrue();
      byType.computeIfAbsent(node.get("type").asText(), k -> new ArrayList<>()).add(node);
    }
    assertThat(byType).containsKeys("goroutine", "context");
    List<JsonNode> goroutines = byType.get("goroutine");
    List<JsonNode> contexts = byType.get("context");
    assertThat(goroutines).hasSizeGreaterThanOrEqualTo(30 * 2);

    Map<Long, JsonNode> contextsByGoid = new HashMap<>();
    Map<String, JsonNode> contextsByAddress = new HashMap<>();
    for (JsonNode c : contexts) {
      assertThat(c.path("ctx").asText()).as("%s", c).matches("0x[0-9a-f]+");
      assertThat(c.path("goid").isIntegralNumber()).as("%s", c).isTrue();
      assertThat(c.path("cancelledBy").isIntegralNumber() || c.path("cancelledBy").isNull()).as("%s", c).isTrue();
      assertThat(c.path("deadlineUnixNs").isIntegralNumber()).as("%s", c).isTrue();
      assertThat(c.has("endedNs")).as("%s", c).isTrue();
      JsonNode reason = c.path("reason");
      assertThat(reason.isNull() || Set.of("deadline_exceeded", "canceled").contains(reason.asText()))
          .as("%s", c).isTrue();
      contextsByAddress.put(c.get("ctx").asText(), c);
      contextsByGoid.put(c.get("goid").asLong(), c);
    }
    assertThat(contexts).anyMatch(c -> c.path("reason").asText().equals("deadline_exceeded"));
    assertThat(contexts).anyMatch(c -> c.path("reason").asText().equals("canceled"));

    int overruns = 0;
    for (JsonNode g : goroutines) {
      assertThat(g.path("pid").asLong()).as("%s", g).isEqualTo(pid);
      assertThat(g.path("goid").isIntegralNumber()).as("%s", g).isTrue();
      assertThat(g.path("parentGoid").isIntegralNumber()).as("%s", g).isTrue();
      assertThat(g.path("startFunction").isTextual()).as("%s", g).isTrue();
      JsonNode createdAt = g.path("createdAt");
      assertThat(createdAt.path("function").isTextual()).as("%s", g).isTrue();
      assertThat(createdAt.path("file").isTextual()).as("%s", g).isTrue();
      assertThat(createdAt.path("line").isIntegralNumber()).as("%s", g).isTrue();
      assertThat(g.path("startNs").isIntegralNumber()).as("%s", g).isTrue();
      JsonNode endNs = g.path("endNs");
      assertThat(endNs.isNull() || endNs.isIntegralNumber()).as("%s", g).isTrue();
      if (endNs.isIntegralNumber()) {
        assertThat(endNs.asLong()).as("%s", g).isGreaterThanOrEqualTo(g.get("startNs").asLong());
      }
      assertThat(STATES).as("%s", g).contains(g.path("state").asText());
      assertThat(g.path("deadlineOverrun").isBoolean()).as("%s", g).isTrue();
      if (g.get("startFunction").asText().equals("main.lookup")) {
        assertThat(createdAt.path("function").asText()).isEqualTo("main.(*server).fetch");
        assertThat(createdAt.path("file").asText()).endsWith("http-deadline/main.go");
        assertThat(createdAt.path("line").asInt()).isPositive();
      }
      if (g.get("deadlineOverrun").asBoolean()) {
        overruns++;
        assertThat(g.get("startFunction").asText()).isEqualTo("main.(*server).audit");
        // The overrun names the context whose deadline fired while it ran; that context lists it.
        JsonNode c = contextsByAddress.get(g.path("overrun").path("ctx").asText());
        assertThat(c).as("context of the overrun %s", g).isNotNull();
        assertThat(c.path("reason").asText()).isEqualTo("deadline_exceeded");
        assertThat(c.path("goid").asLong()).isEqualTo(g.get("parentGoid").asLong());
        List<Long> overrunGoids = new ArrayList<>();
        c.path("overrunGoids").forEach(n -> overrunGoids.add(n.asLong()));
        assertThat(overrunGoids).contains(g.get("goid").asLong());
      }
    }
    assertThat(overruns).isPositive().isEqualTo(summary.overruns());
  }
}
