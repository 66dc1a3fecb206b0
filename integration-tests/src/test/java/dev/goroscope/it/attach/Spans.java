package dev.goroscope.it.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.it.jaeger.JaegerQuery;
import dev.goroscope.it.jaeger.JaegerSpan;
import dev.goroscope.it.jaeger.JaegerTrace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Assertions every goroscope run into Jaeger must pass, shared by the example tests. */
final class Spans {
  static final Duration ARRIVAL_TIMEOUT = Duration.ofSeconds(30);

  private Spans() {}

  /**
   * Every span Jaeger has for {@code service}, once it has at least {@code expected} of them
   * (goroscope's summary says how many it exported; Jaeger stores them asynchronously).
   */
  static List<JaegerTrace> awaitAll(JaegerQuery query, String service, long expected) {
    long deadline = System.nanoTime() + ARRIVAL_TIMEOUT.toNanos();
    while (true) {
      List<JaegerTrace> traces = query.findTraces(service, Map.of());
      long n = traces.stream().mapToLong(t -> t.spans().size()).sum();
      if (n >= expected || System.nanoTime() - deadline > 0) {
        assertThat(n)
            .as("spans of %s in Jaeger (goroscope exported %d)", service, expected)
            .isEqualTo(expected);
        return traces;
      }
      AttachRun.sleep(250);
    }
  }

  static List<JaegerSpan> flatten(List<JaegerTrace> traces) {
    List<JaegerSpan> all = new ArrayList<>();
    traces.forEach(t -> all.addAll(t.spans()));
    return all;
  }

  /** The spans carrying {@code key=value} found by a Jaeger tag search (whole traces come back). */
  static List<JaegerSpan> search(JaegerQuery query, String service, String key, String value) {
    List<JaegerSpan> found = new ArrayList<>();
    for (JaegerTrace t : query.findTraces(service, Map.of(key, value))) {
      found.addAll(t.spansWithTag(key, value));
    }
    return found;
  }

  static List<JaegerSpan> startedIn(List<JaegerSpan> spans, String startFunction) {
    return spans.stream()
        .filter(s -> s.tag("goroutine.start_function").filter(startFunction::equals).isPresent())
        .toList();
  }

  /**
   * The spawn tree: every CHILD_OF reference points at a span of the same trace that is the
   * span of the goroutine that created the child ({@code goroutine.parent.id}). Returns how many
   * child spans were checked.
   */
  static int assertSpawnTree(List<JaegerTrace> traces) {
    int children = 0;
    for (JaegerTrace trace : traces) {
      for (JaegerSpan span : trace.spans()) {
        if (span.parentSpanId().isEmpty()) {
          continue;
        }
        JaegerSpan parent =
            trace.span(span.parentSpanId().get())
                .orElseThrow(() -> new AssertionError("parent of " + span + " not in its trace"));
        assertThat(span.tag("goroutine.parent.id"))
            .as("goroutine.parent.id of %s under %s", span, parent)
            .isPresent()
            .isEqualTo(parent.tag("goroutine.id"));
        children++;
      }
    }
    return children;
  }

  /** No span ends before it starts; all lie within [before, after] of the test's wall clock. */
  static void assertTimesSane(List<JaegerSpan> spans, Instant before, Instant after) {
    assertThat(spans).isNotEmpty();
    for (JaegerSpan s : spans) {
      assertThat(s.durationMicros()).as("duration of %s", s).isNotNegative();
      assertThat(s.startTimeMicros()).as("start of %s", s).isBetween(micros(before), micros(after));
      assertThat(s.endTimeMicros()).as("end of %s", s).isBetween(s.startTimeMicros(), micros(after));
    }
  }

  /** The OpenTelemetry resource goroscope describes the watched process with. */
  static void assertResource(List<JaegerSpan> spans, String service, long pid, Path executable) {
    String host = hostName();
    for (JaegerSpan s : spans) {
      assertThat(s.serviceName()).as("service of %s", s).isEqualTo(service);
      assertThat(s.processTags())
          .as("resource of %s", s)
          .containsEntry("process.pid", Long.toString(pid))
          .containsEntry("process.executable.name", executable.getFileName().toString())
          .containsEntry("process.runtime.name", "go")
          .containsEntry("host.name", host);
    }
  }

  static String hostName() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("read hostname: " + e, e);
    }
  }

  static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }
}
