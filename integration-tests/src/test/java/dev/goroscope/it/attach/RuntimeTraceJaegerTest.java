package dev.goroscope.it.attach;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.goroscope.it.go.ExampleProcess;
import dev.goroscope.it.jaeger.JaegerExtension;
import dev.goroscope.it.jaeger.JaegerServer;
import dev.goroscope.it.jaeger.JaegerSpan;
import dev.goroscope.it.jaeger.JaegerTrace;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Stop-the-world pauses (on by default) into a real Jaeger over OTLP gRPC: collector-core's
 * {@code runtimeprog} calls {@code runtime.GC} and {@code runtime.ReadMemStats} a known number of
 * times once goroscope is attached; its process gets one runtime trace, a {@code go runtime}
 * root with one {@code STW <reason>} child per pause, as many of each reason as the program
 * made.
 */
@ExtendWith(JaegerExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RuntimeTraceJaegerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REASON = "runtime.stw.reason";

  @Test
  void pausesAreChildSpansOfTheProcesssRuntimeTrace(JaegerServer jaeger) {
    Path binary = GoToolchains.build("runtimeprog", Toolchain.GO_1_26, Mode.NORMAL);
    String service = binary.getFileName().toString();
    JsonNode self;
    try (ExampleProcess target = ExampleProcess.start(binary, "stw");
        AttachRun attach = AttachRun.start("attach", "--pid", Long.toString(target.pid()),
            "--output", "otlp", "--otlp-endpoint", jaeger.otlpGrpcEndpoint().toString(),
            "--otlp-protocol", "grpc")) {
      target.writeLine("go");
      assertThat(target.awaitExit(Duration.ofSeconds(60))).as(target.transcript()).isZero();
      attach.awaitSummary();
      self = target.stdout().stream().filter(l -> l.startsWith("{"))
          .map(RuntimeTraceJaegerTest::json)
          .filter(n -> n.path("mode").asText().equals("stw")).findFirst().orElseThrow();
    }
    int gcCalls = self.get("gcCalls").asInt();
    int readMemStats = self.get("readMemStats").asInt();
    assertThat(gcCalls).isPositive();
    assertThat(readMemStats).isPositive();

    // Jaeger stores spans asynchronously: wait until every pause the program made is there.
    long deadline = System.nanoTime() + Spans.ARRIVAL_TIMEOUT.toNanos();
    List<JaegerTrace> traces;
    List<JaegerSpan> pauses;
    do {
      AttachRun.sleep(250);
      // The tag search also returns goroutine traces: their spans carry runtime.stw events.
      traces = jaeger.query().findTraces(service, Map.of(REASON, "GC sweep termination"))
          .stream().filter(t -> t.spans().stream().anyMatch(RuntimeTraceJaegerTest::isRoot))
          .toList();
      pauses = Spans.flatten(traces).stream().filter(s -> s.operationName().startsWith("STW "))
          .toList();
    } while ((count(pauses, "GC sweep termination") < gcCalls
        || count(pauses, "read mem stats") < readMemStats) && System.nanoTime() - deadline < 0);

    assertThat(traces).as("one runtime trace for the process").hasSize(1);
    JaegerTrace trace = traces.get(0);
    JaegerSpan root = trace.spans().stream().filter(RuntimeTraceJaegerTest::isRoot)
        .findFirst().orElseThrow(() -> new AssertionError("no root span in " + trace));
    List<JaegerSpan> children = trace.children(root);
    assertThat(children).as("pauses under the root").containsExactlyInAnyOrderElementsOf(pauses);
    assertThat(children).filteredOn(s -> s.operationName().equals("STW GC sweep termination"))
        .hasSize(gcCalls);
    assertThat(children).filteredOn(s -> s.operationName().equals("STW read mem stats"))
        .hasSize(readMemStats);
    assertThat(children).allSatisfy(s -> {
      assertThat(s.operationName()).isEqualTo("STW " + s.tag(REASON).orElseThrow());
      assertThat(s.durationMicros()).as("%s", s).isPositive();
      assertThat(s.startTimeMicros()).isGreaterThanOrEqualTo(root.startTimeMicros());
      assertThat(s.endTimeMicros()).isLessThanOrEqualTo(root.endTimeMicros());
    });
  }

  private static boolean isRoot(JaegerSpan s) {
    return s.operationName().equals("go runtime");
  }

  private static long count(List<JaegerSpan> pauses, String reason) {
    return pauses.stream().filter(s -> s.tag(REASON).filter(reason::equals).isPresent()).count();
  }

  private static JsonNode json(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException(line, e);
    }
  }
}
