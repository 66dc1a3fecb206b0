package dev.goroscope.it.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.it.go.ExampleProcess;
import dev.goroscope.it.go.Examples;
import dev.goroscope.it.jaeger.JaegerExtension;
import dev.goroscope.it.jaeger.JaegerQuery;
import dev.goroscope.it.jaeger.JaegerServer;
import dev.goroscope.it.jaeger.JaegerSpan;
import dev.goroscope.it.jaeger.JaegerTrace;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The README's scenario into a real Jaeger: http-deadline under load, goroscope attached once over
 * OTLP gRPC (default service name, stopped with SIGINT) and once over OTLP HTTP (--service-name,
 * ends when the server exits). Each run first sends only /ok requests (the clean phase), then a
 * mix with /leaky (deadline overruns) and /slow (deadline exceeded, no overrun).
 */
@ExtendWith(JaegerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class HttpDeadlineJaegerTest {
  static final String AUDIT = "main.(*server).audit";
  static final String LOOKUP = "main.lookup";
  static final String CONN_SERVE = "net/http.(*conn).serve";

  /** One attach run and what it left in Jaeger. */
  record Run(
      String protocol, String service, long pid, Path executable, Instant before,
      Instant cleanPhaseEnd, Instant after, HttpDeadline.Load clean, HttpDeadline.Load mixed,
      AttachRun.Summary summary, List<JaegerTrace> traces) {
    List<JaegerSpan> spans() {
      return Spans.flatten(traces);
    }

    @Override
    public String toString() {
      return protocol;
    }
  }

  private JaegerQuery query;
  private Run grpc;
  private Run http;

  @BeforeAll
  void attachTwice(JaegerServer jaeger) {
    query = jaeger.query();
    grpc = run(jaeger, "grpc", null);
    http = run(jaeger, "http/protobuf", "it-http-deadline-over-http");
  }

  private Run run(JaegerServer jaeger, String protocol, String serviceName) {
    Path binary = Examples.binary(Examples.HTTP_DEADLINE);
    String endpoint =
        (protocol.equals("grpc") ? jaeger.otlpGrpcEndpoint() : jaeger.otlpHttpEndpoint()).toString();
    List<String> args =
        new ArrayList<>(List.of("--output", "otlp", "--otlp-endpoint", endpoint,
            "--otlp-protocol", protocol));
    if (serviceName != null) {
      args.addAll(List.of("--service-name", serviceName));
    }
    String service = serviceName != null ? serviceName : binary.getFileName().toString();
    Instant before = Instant.now();
    try (ExampleProcess server = HttpDeadline.startServer()) {
      List<String> all = new ArrayList<>(List.of("attach", "--pid", Long.toString(server.pid())));
      all.addAll(args);
      try (AttachRun attach = AttachRun.start(all.toArray(String[]::new))) {
        HttpDeadline.Load clean = HttpDeadline.load(server, 24, 0, 0);
        Instant cleanEnd = Instant.now();
        HttpDeadline.Load mixed = HttpDeadline.load(server, 40, 5, 7);
        AttachRun.Summary summary;
        if (serviceName == null) {
          AttachRun.sleep(800); // the last audits end (300 ms) and their checks are due
          summary = attach.interrupt();
        } else {
          assertThat(server.stop(java.time.Duration.ofSeconds(30))).as(server.transcript()).isZero();
          summary = attach.awaitSummary();
          assertThat(attach.process().stderr())
              .as("goroscope says the target exited")
              .contains("goroscope: pid " + server.pid() + " exited");
        }
        Instant after = Instant.now();
        assertThat(summary.processes()).isEqualTo(1);
        assertThat(summary.lost()).as(attach.transcript()).isZero();
        List<JaegerTrace> traces = Spans.awaitAll(query, service, summary.spans());
        return new Run(protocol, service, server.pid(), binary, before, cleanEnd, after, clean,
            mixed, summary, traces);
      }
    }
  }

  Stream<Run> runs() {
    return Stream.of(grpc, http);
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("runs")
  void everyRequestGoroutineBecameASpan(Run run) {
    assertThat(run.mixed().leaky()).isPositive();
    int requests = run.clean().ok() + run.clean().failed() + run.mixed().ok() + run.mixed().leaky()
        + run.mixed().slow() + run.mixed().failed();
    assertThat(Spans.startedIn(run.spans(), LOOKUP)).as("one main.lookup per request").hasSize(requests);
    assertThat(Spans.startedIn(run.spans(), AUDIT))
        .as("one audit per /leaky request").hasSize(run.mixed().leaky());
    assertThat(run.summary().goroutines()).isGreaterThanOrEqualTo(requests);
    assertThat(run.summary().contexts()).as("a deadline per request").isGreaterThanOrEqualTo(requests);
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("runs")
  void deadlineOverrunsAreTheAuditGoroutinesWithErrorStatus(Run run) {
    List<JaegerSpan> overruns =
        Spans.search(query, run.service(), "goroutine.deadline_overrun", "true");
    assertThat(overruns)
        .as("a Jaeger search for goroutine.deadline_overrun=true")
        .hasSizeGreaterThanOrEqualTo((run.mixed().leaky() + 1) / 2)
        .hasSize((int) run.summary().overruns());
    for (JaegerSpan s : overruns) {
      assertThat(s.operationName()).isEqualTo(AUDIT);
      assertThat(s.tag("goroutine.start_function")).contains(AUDIT);
      assertThat(s.isError()).as("error status of %s", s).isTrue();
      // It ran on after its creator's request deadline fired: by ~200 ms (leak-time 300 ms,
      // timeout 100 ms), at least the 100 ms grace.
      assertThat(Long.parseLong(s.tag("goroutine.deadline_overrun.duration_ns").orElseThrow()))
          .as("overrun of %s", s).isGreaterThanOrEqualTo(100_000_000L);
      assertThat(s.tag("goroutine.deadline_overrun.context_creator_id"))
          .isEqualTo(s.tag("goroutine.parent.id"));
    }
    // Nothing else is flagged or in error: not the lookups (they honour the deadline), not /slow.
    assertThat(run.spans().stream().filter(JaegerSpan::isError).map(JaegerSpan::spanId))
        .as("error spans")
        .containsExactlyInAnyOrderElementsOf(overruns.stream().map(JaegerSpan::spanId).toList());
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("runs")
  void cleanRequestsAreNeitherOverrunsNorErrors(Run run) {
    long from = Spans.micros(run.before());
    long to = Spans.micros(run.cleanPhaseEnd());
    List<JaegerSpan> clean =
        run.spans().stream()
            .filter(s -> s.startTimeMicros() >= from && s.endTimeMicros() <= to)
            .toList();
    assertThat(Spans.startedIn(clean, LOOKUP))
        .as("lookups of the /ok-only phase").hasSize(run.clean().ok() + run.clean().failed());
    assertThat(Spans.startedIn(clean, CONN_SERVE)).as("its connections").isNotEmpty();
    for (JaegerSpan s : clean) {
      assertThat(s.isError()).as("error status of %s", s).isFalse();
      assertThat(s.tag("goroutine.deadline_overrun")).as("overrun flag of %s", s).isEmpty();
    }
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("runs")
  void requestGoroutinesAreChildrenOfTheirConnectionSpan(Run run) {
    int children = Spans.assertSpawnTree(run.traces());
    assertThat(children).isPositive();
    for (JaegerTrace trace : run.traces()) {
      for (JaegerSpan s : trace.spans()) {
        String fn = s.tag("goroutine.start_function").orElseThrow();
        if (fn.equals(LOOKUP) || fn.equals(AUDIT)) {
          JaegerSpan parent =
              trace.span(s.parentSpanId().orElseThrow(() -> new AssertionError("root: " + s)))
                  .orElseThrow();
          assertThat(parent.tag("goroutine.start_function")).as("creator of %s", s).contains(CONN_SERVE);
          assertThat(s.tag("code.function.name")).isPresent();
          assertThat(s.tag("code.file.path")).get().asString().endsWith("http-deadline/main.go");
        }
        if (fn.equals(CONN_SERVE)) {
          assertThat(s.parentSpanId()).as("a connection starts a trace: %s", s).isEmpty();
          assertThat(s.tag("goroutine.trace_root")).contains("root_function");
        }
      }
    }
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("runs")
  void aSearchByGoroutineIdFindsExactlyThatGoroutine(Run run) {
    List<JaegerSpan> audits = Spans.startedIn(run.spans(), AUDIT);
    List<JaegerSpan> lookups = Spans.startedIn(run.spans(), LOOKUP);
    for (JaegerSpan wanted : List.of(audits.get(0), lookups.get(0), lookups.get(lookups.size() - 1))) {
      String goid = wanted.tag("goroutine.id").orElseThrow();
      List<JaegerSpan> found = Spans.search(query, run.service(), "goroutine.id", goid);
      assertThat(found).as("search goroutine.id=%s", goid).singleElement()
          .extracting(JaegerSpan::spanId).isEqualTo(wanted.spanId());
    }
    assertThat(query.findTraces(run.service(), Map.of("goroutine.id", "999999999"))).isEmpty();
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("runs")
  void resourceDescribesTheWatchedProcess(Run run) {
    Spans.assertResource(run.spans(), run.service(), run.pid(), run.executable());
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("runs")
  void timestampsAreSane(Run run) {
    Spans.assertTimesSane(run.spans(), run.before(), run.after());
  }

  @Test
  void serviceNameIsTheExecutableNameUnlessOverridden() {
    assertThat(grpc.service()).isEqualTo(grpc.executable().getFileName().toString());
    assertThat(http.service()).isEqualTo("it-http-deadline-over-http");
    assertThat(query.services()).contains(grpc.service(), http.service());
  }
}
