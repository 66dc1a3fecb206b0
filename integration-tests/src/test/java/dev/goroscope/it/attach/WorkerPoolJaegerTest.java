package dev.goroscope.it.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.it.go.ExampleProcess;
import dev.goroscope.it.go.Examples;
import dev.goroscope.it.jaeger.JaegerExtension;
import dev.goroscope.it.jaeger.JaegerQuery;
import dev.goroscope.it.jaeger.JaegerServer;
import dev.goroscope.it.jaeger.JaegerSpan;
import dev.goroscope.it.jaeger.JaegerTrace;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * worker-pool into a real Jaeger, built by each supported Go (1.19, 1.26, 1.27) and stripped:
 * every round's producer, workers and collector are child spans of main's goroutine, with their
 * creation site, over both OTLP protocols.
 */
@ExtendWith(JaegerExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WorkerPoolJaegerTest {
  private static final int WORKERS = 4;

  @ParameterizedTest(name = "{0} stripped={1} over {2}")
  @CsvSource({
    "GO_1_26, false, http/protobuf, ",
    "GO_1_19, false, grpc, it-worker-pool-go1.19",
    "GO_1_27, false, grpc, it-worker-pool-go1.27",
    "GO_1_26, true, http/protobuf, it-worker-pool-stripped",
  })
  void spawnTreeOfEveryRound(
      Toolchain toolchain, boolean stripped, String protocol, String serviceName,
      JaegerServer jaeger) {
    Path binary = Examples.binary(Examples.WORKER_POOL, toolchain, stripped);
    String service = serviceName != null ? serviceName : binary.getFileName().toString();
    String endpoint =
        (protocol.equals("grpc") ? jaeger.otlpGrpcEndpoint() : jaeger.otlpHttpEndpoint()).toString();
    Instant before = Instant.now();
    AttachRun.Summary summary;
    long pid;
    int roundsBefore;
    int roundsAfter;
    try (ExampleProcess pool =
        ExampleProcess.start(binary, "-workers", Integer.toString(WORKERS), "-jobs", "16",
            "-duration", "120s")) {
      pool.awaitReady(Duration.ofSeconds(30));
      pid = pool.pid();
      List<String> args = new ArrayList<>(List.of("attach", "--pid", Long.toString(pid),
          "--duration", "3s", "--output", "otlp", "--otlp-endpoint", endpoint,
          "--otlp-protocol", protocol));
      if (serviceName != null) {
        args.addAll(List.of("--service-name", serviceName));
      }
      try (AttachRun attach = AttachRun.start(args.toArray(String[]::new))) {
        roundsBefore = rounds(pool);
        summary = attach.awaitSummary();
        roundsAfter = rounds(pool);
        assertThat(summary.lost()).as(attach.transcript()).isZero();
        // Stripped too: runtime.allgs is found through runtime.forEachG's code, so the
        // goroutines alive at attach (main's) are listed.
        assertThat(attach.process().stderr())
            .noneMatch(l -> l.contains("goroutines that existed before attach are not listed"));
      }
    }
    Instant after = Instant.now();

    JaegerQuery query = jaeger.query();
    List<JaegerTrace> traces = Spans.awaitAll(query, service, summary.spans());
    List<JaegerSpan> spans = Spans.flatten(traces);
    Spans.assertResource(spans, service, pid, binary);
    Spans.assertTimesSane(spans, before, after);
    assertThat(spans.get(0).processTags())
        .containsEntry("process.runtime.version", GoToolchains.version(toolchain));
    Spans.assertSpawnTree(traces);

    List<JaegerSpan> producers = Spans.startedIn(spans, "main.produce");
    List<JaegerSpan> workers = Spans.startedIn(spans, "main.worker");
    List<JaegerSpan> collectors = Spans.startedIn(spans, "main.collect");
    // ~3 s of rounds (a few ms of work, 100 ms pause); the pool printed more rounds by the time
    // goroscope had detached and flushed. A round may straddle each end of the watch.
    assertThat(producers).hasSizeBetween(10, roundsAfter - roundsBefore + 2);
    assertThat(workers).hasSizeGreaterThanOrEqualTo(WORKERS * (producers.size() - 2));
    assertThat(collectors).hasSizeGreaterThanOrEqualTo(producers.size() - 2);
    List<JaegerSpan> roundSpans = new ArrayList<>(producers);
    roundSpans.addAll(workers);
    roundSpans.addAll(collectors);
    List<JaegerSpan> mains = Spans.startedIn(spans, "runtime.main");
    assertThat(mains).as("main's goroutine (alive at attach)").singleElement();
    JaegerSpan main = mains.get(0);
    assertThat(main.tag("goroutine.id")).contains("1");
    // A round in flight at attach: its goroutines are read from memory, and before Go 1.21 a g
    // does not record its creator, so they start traces of their own (parent unknown).
    List<JaegerSpan> creatorUnknown =
        roundSpans.stream().filter(s -> s.tag("goroutine.parent.id").isEmpty()).toList();
    if (!toolchain.atLeast(21)) {
      assertThat(creatorUnknown).hasSizeLessThanOrEqualTo(WORKERS + 2)
          .allSatisfy(s -> assertThat(s.tag("goroutine.trace_root")).contains("parent_untraced"));
      roundSpans.removeAll(creatorUnknown);
    } else {
      assertThat(creatorUnknown).as("g.parentGoid names every creator from Go 1.21").isEmpty();
    }
    for (JaegerSpan s : roundSpans) {
      assertThat(s.tag("goroutine.parent.id")).contains("1");
      assertThat(s.traceId()).isEqualTo(main.traceId());
      assertThat(s.parentSpanId()).as("parent of %s", s).contains(main.spanId());
      assertThat(s.tag("code.function.name")).as("creation site of %s", s).contains("main.runRound");
      assertThat(s.tag("code.file.path")).get().asString().endsWith("worker-pool/main.go");
      assertThat(s.tag("code.line.number")).get().asString().matches("[1-9][0-9]*");
      assertThat(s.tag("goroutine.state")).as("state of %s", s).isPresent();
      assertThat(s.isError()).isFalse();
    }
    // Each worker of the same round was created at the same line, distinct from produce's.
    assertThat(workers.stream().map(s -> s.tag("code.line.number").orElseThrow()).distinct())
        .singleElement()
        .isNotEqualTo(producers.get(0).tag("code.line.number").orElseThrow());

    JaegerSpan worker = workers.get(workers.size() / 2);
    String goid = worker.tag("goroutine.id").orElseThrow();
    assertThat(Spans.search(query, service, "goroutine.id", goid))
        .singleElement().extracting(JaegerSpan::spanId).isEqualTo(worker.spanId());
  }

  private static int rounds(ExampleProcess pool) {
    return (int) pool.stdout().stream().filter(l -> l.startsWith("round ")).count();
  }
}
