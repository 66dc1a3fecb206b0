package dev.goroscope.otel.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.otel.resource.ProcessResources;
import dev.goroscope.otel.span.SpanMappingConfig;
import dev.goroscope.otel.span.SpanRecordSink;
import dev.goroscope.otel.testing.Feed;
import dev.goroscope.otel.testing.Scenario;
import dev.goroscope.otel.testing.SequentialIds;
import dev.goroscope.otel.time.ClockOffset;
import dev.goroscope.record.GoroutineRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConsoleTreeExporterTest {

  final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  final AtomicLong now = new AtomicLong();

  SpanRecordSink sink(ConsoleTreeExporter console) {
    return new SpanRecordSink(
        SpanMappingConfig.builder().setIdGenerator(new SequentialIds())
            .setClock(ClockOffset.of(Scenario.OFFSET)).build(),
        ProcessResources.create(null, io.opentelemetry.sdk.resources.Resource.empty(), "h"), List.of(console));
  }

  String text() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void printsOneTreePerTraceWhenQuietAndTheRestAtClose() {
    ConsoleTreeExporter console = new ConsoleTreeExporter(out, Duration.ofSeconds(2), 1000, now::get);
    SpanRecordSink s = sink(console);
    Feed feed = new Feed(s);
    s.processStarted(Scenario.PROCESS);
    feed.run(Scenario.mainPartial(), Scenario.worker(), Scenario.helper(), Scenario.connServe());
    assertThat(text()).isEmpty(); // the request trace is not quiet yet
    now.set(Duration.ofSeconds(3).toNanos());
    s.flush();
    assertThat(text()).isEqualTo(String.join("\n",
        "trace " + SequentialIds.traceId(2) + "  http-deadline pid 4242  3 goroutines",
        "└─ net/http.(*conn).serve  g20  400.00ms  exited  [from g1, root_function]"
            + "  ← net/http.(*Server).Serve server.go:3454",
        "   └─ main.handler.func1  g21  2.000s  exited (chan receive)  DEADLINE OVERRUN +1.500s"
            + "  ← main.handler main.go:42",
        "      └─ main.worker  g22  600.0µs  exited  ← main.handler.func1 main.go:50",
        ""));
    bytes.reset();
    feed.stopWatching(4_000_000_000L);
    s.close(); // main is still running: printed as a partial span at close
    assertThat(text()).startsWith("trace " + SequentialIds.traceId(1) + "  http-deadline pid 4242"
        + "  1 goroutine\n└─ main.main  g1  ");
    assertThat(text()).contains("running  still running").contains("← runtime.main proc.go:283");
    assertThat(console.tracesPrinted()).isEqualTo(2);
  }

  @Test
  void lateSpansOfAPrintedTracePrintAsAContinuationAndBufferIsBounded() {
    ConsoleTreeExporter console = new ConsoleTreeExporter(out, Duration.ofSeconds(1), 5, now::get);
    SpanRecordSink s = sink(console);
    Feed feed = new Feed(s);
    feed.start(GoroutineRecord.builder(1, 1).setStartFunction("main.main").setEndNs(-1).build());
    for (long g = 2; g <= 4; g++) {
      feed.run(GoroutineRecord.builder(1, g).setParentGoid(1).setParentTraced(true)
          .setStartFunction("main.w").setStartNs(g).setEndNs(g + 10).build());
    }
    now.set(Duration.ofSeconds(2).toNanos());
    s.flush();
    assertThat(text()).contains("3 goroutines").contains("[parent g1 printed earlier]");
    bytes.reset();
    for (long g = 10; g < 20; g++) { // more than the buffer: printed early
      feed.run(GoroutineRecord.builder(1, g).setStartFunction("main.r").setEndNs(20).build());
    }
    assertThat(text()).contains("main.r  g10");
    feed.stopWatching(30);
    s.close();
    assertThat(text()).contains("(continued)").contains("main.main  g1");
  }

  /**
   * One trace per connection for a long time: the ids remembered to mark continuations stay
   * within their bound, and a recently printed trace is still marked when more of it comes.
   */
  @Test
  void printedTraceIdsAreRememberedWithinABound() {
    ConsoleTreeExporter console = new ConsoleTreeExporter(
        new PrintStream(java.io.OutputStream.nullOutputStream()), Duration.ZERO, 1000, now::get);
    int traces = ConsoleTreeExporter.MAX_REMEMBERED_TRACES * 3;
    for (int t = 1; t <= traces; t++) {
      console.export(List.of(span(t)));
    }
    assertThat(console.tracesPrinted()).isEqualTo(traces);
    assertThat(console.rememberedTraces()).isEqualTo(ConsoleTreeExporter.MAX_REMEMBERED_TRACES);

    ConsoleTreeExporter marked = new ConsoleTreeExporter(out, Duration.ZERO, 1000, now::get);
    marked.export(List.of(span(7)));
    for (int t = 100; t < 100 + ConsoleTreeExporter.MAX_REMEMBERED_TRACES - 1; t++) {
      marked.export(List.of(span(t)));
    }
    bytes.reset();
    marked.export(List.of(span(7)));
    assertThat(text()).startsWith("trace " + String.format("%032x", 7) + " (continued)");
  }

  private static io.opentelemetry.sdk.trace.data.SpanData span(long trace) {
    return io.opentelemetry.sdk.testing.trace.TestSpanData.builder()
        .setName("main.handler")
        .setKind(io.opentelemetry.api.trace.SpanKind.INTERNAL)
        .setSpanContext(io.opentelemetry.api.trace.SpanContext.create(
            String.format("%032x", trace), String.format("%016x", trace),
            io.opentelemetry.api.trace.TraceFlags.getSampled(),
            io.opentelemetry.api.trace.TraceState.getDefault()))
        .setStartEpochNanos(1_000)
        .setEndEpochNanos(2_000)
        .setHasEnded(true)
        .setStatus(io.opentelemetry.sdk.trace.data.StatusData.unset())
        .build();
  }
}
