package dev.goroscope.otel.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.goroscope.otel.console.ConsoleTreeExporter;
import dev.goroscope.otel.jsonl.JsonLinesSink;
import dev.goroscope.otel.metrics.GoroutineMetricsSink;
import dev.goroscope.otel.report.ReportModel;
import dev.goroscope.otel.resource.ProcessResources;
import dev.goroscope.otel.span.SpanMappingConfig;
import dev.goroscope.otel.span.SpanRecordSink;
import dev.goroscope.otel.testing.Scenario;
import dev.goroscope.otel.time.ClockOffset;
import dev.goroscope.record.Attrs;
import dev.goroscope.record.BurstStatus;
import dev.goroscope.record.ChannelInfo;
import dev.goroscope.record.CodeLocation;
import dev.goroscope.record.GoroutineEvent;
import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.record.GoroutineState;
import dev.goroscope.record.LeakGroupRecord;
import dev.goroscope.record.RecordSink;
import dev.goroscope.record.SampleRecord;
import dev.goroscope.record.SampledEvents;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What sampled mode hands the outputs — goroutines with sampled attributes, {@code
 * goroutine.wait} events and stacks, and one {@link SampleRecord} per sample — as each output
 * shows it: JSON lines (a {@code sample} line with every field, the goroutine's {@code stack}),
 * spans (the attributes, {@code code.stacktrace}, the wait as a span event), the console (a
 * {@code ~} on sampled durations, the leak group), metrics (goroutines by state, wait reason
 * and site, time blocked, leak groups, the overhead estimate), and the HTML report's reader
 * (the stack and the channel reach it; sample lines are not counted as unknown).
 */
class SampledOutputTest {

  private static final int PID = 4242;
  private static final CodeLocation SITE = new CodeLocation("main.leaker", "/src/main.go", 20);
  private static final LeakGroupRecord GROUP = new LeakGroupRecord("lg-0123abcd", PID, SITE,
      "main.blockedSend", "chan send", List.of(new CodeLocation("main.blockedSend",
          "/src/main.go", 12)), 40, 3, 35, 30_000_000_000L, true, 1_000_000_000L,
      new ChannelInfo(0xc000010000L, "int", 0, 0, false, 40, 0), 1, 0, 0, List.of(7L, 8L));
  private static final SampleRecord SAMPLE = new SampleRecord(PID, 2_000_000_000L,
      1_000_000_000L, 3_000_000L, 45, 1, Map.of("waiting", 44, "running", 1),
      Map.of("chan send", 40, "sleep", 4), List.of(new SampleRecord.SiteCount(SITE, 40)), 5,
      Map.of("chan send", 40_000_000_000L), List.of(GROUP),
      new BurstStatus(false, 3, 4512, 3300.0, 1.0, 0.42));

  private static GoroutineRecord member() {
    return GoroutineRecord.builder(PID, 7).setParentGoid(5).setParentTraced(false)
        .setStartFunction("main.blockedSend").setCreationSite(SITE).setStartNs(1_000_000_000L)
        .setEndNs(-1).setAsOfNs(2_000_000_000L).setState(GoroutineState.WAITING)
        .setWaitReason("chan send").setLeakCandidate(true)
        .setEvents(List.of(new GoroutineEvent(SampledEvents.WAIT, 1_000_000_000L, Attrs.builder()
            .put(SampledEvents.WAIT_REASON, "chan send")
            .put(SampledEvents.WAIT_DURATION_NS, 1_000_000_000L)
            .put(SampledEvents.WAIT_SAMPLES, 2L).put(SampledEvents.WAIT_OPEN, true)
            .put(SampledEvents.CHANNEL, 0xc000010000L).build())))
        .setAttributes(Attrs.builder().put(SampledEvents.SAMPLED, true)
            .put(SampledEvents.SAMPLE_INTERVAL_MS, 1000L).put(SampledEvents.SAMPLE_COUNT, 2L)
            .put(SampledEvents.STATUS, "waiting").put(SampledEvents.CHANNEL, 0xc000010000L)
            .put(SampledEvents.LEAK_GROUP, "lg-0123abcd")
            .put(SampledEvents.LEAK_REASON, "growing").build())
        .setStack(List.of(new CodeLocation("main.blockedSend", "/src/main.go", 12)))
        .build();
  }

  @Test
  void jsonLinesWriteTheSampleLineAndTheStack() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonLinesSink sink = new JsonLinesSink(bytes, ClockOffset.of(Scenario.OFFSET), true)) {
      sink.goroutinesSampled(SAMPLE);
      sink.goroutineUpdated(member());
    }
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    ObjectMapper json = new ObjectMapper();
    JsonNode s = json.readTree(lines[0]);
    assertThat(s.get("type").asText()).isEqualTo("sample");
    assertThat(s.get("pid").asInt()).isEqualTo(PID);
    assertThat(s.get("ns").asLong()).isEqualTo(2_000_000_000L);
    assertThat(s.get("unixNs").asLong()).isEqualTo(2_000_000_000L + Scenario.OFFSET);
    assertThat(s.get("intervalNs").asLong()).isEqualTo(1_000_000_000L);
    assertThat(s.get("readNs").asLong()).isEqualTo(3_000_000L);
    assertThat(s.get("goroutines").asInt()).isEqualTo(45);
    assertThat(s.get("leftOut").asInt()).isEqualTo(1);
    assertThat(s.get("byStatus").get("waiting").asInt()).isEqualTo(44);
    assertThat(s.get("byWaitReason").get("sleep").asInt()).isEqualTo(4);
    assertThat(s.get("byCreationSite").get(0).get("function").asText()).isEqualTo("main.leaker");
    assertThat(s.get("byCreationSite").get(0).get("count").asInt()).isEqualTo(40);
    assertThat(s.get("otherSites").asInt()).isEqualTo(5);
    assertThat(s.get("blockedNs").get("chan send").asLong()).isEqualTo(40_000_000_000L);
    JsonNode g = s.get("leakGroups").get(0);
    assertThat(g.get("id").asText()).isEqualTo("lg-0123abcd");
    assertThat(g.get("creationSite").get("line").asInt()).isEqualTo(20);
    assertThat(g.get("startFunction").asText()).isEqualTo("main.blockedSend");
    assertThat(g.get("waitReason").asText()).isEqualTo("chan send");
    assertThat(g.get("topFrames").get(0).get("function").asText()).isEqualTo("main.blockedSend");
    assertThat(g.get("count").asInt()).isEqualTo(40);
    assertThat(g.get("blocked").asInt()).isEqualTo(3);
    assertThat(g.get("growth").asInt()).isEqualTo(35);
    assertThat(g.get("windowNs").asLong()).isEqualTo(30_000_000_000L);
    assertThat(g.get("growing").asBoolean()).isTrue();
    assertThat(g.get("reason").asText()).isEqualTo("growing,blocked");
    assertThat(g.get("oldestBlockedSinceNs").asLong()).isEqualTo(1_000_000_000L);
    assertThat(g.get("channel").get("address").asText()).isEqualTo("0xc000010000");
    assertThat(g.get("channel").get("waitingSenders").asInt()).isEqualTo(40);
    assertThat(g.get("channels").asInt()).isEqualTo(1);
    assertThat(g.get("semaphore").isNull()).isTrue();
    assertThat(g.get("exampleGoids").get(1).asLong()).isEqualTo(8);
    JsonNode b = s.get("bursts");
    assertThat(b.get("bursts").asLong()).isEqualTo(3);
    assertThat(b.get("probeHits").asLong()).isEqualTo(4512);
    assertThat(b.get("trapCostNs").asDouble()).isEqualTo(3300.0);
    assertThat(b.get("budgetPercent").asDouble()).isEqualTo(1.0);
    assertThat(b.get("estimatedOverheadPercent").asDouble()).isEqualTo(0.42);

    JsonNode m = json.readTree(lines[1]);
    assertThat(m.get("stack").get(0).get("function").asText()).isEqualTo("main.blockedSend");
    assertThat(m.get("stack").get(0).get("line").asInt()).isEqualTo(12);
    assertThat(m.get("attributes").get("sampled").asBoolean()).isTrue();
    assertThat(m.get("attributes").get("channel").asText()).isEqualTo("0xc000010000");
    assertThat(m.get("attributes").get("leakGroup").asText()).isEqualTo("lg-0123abcd");
    JsonNode wait = m.get("events").get(0);
    assertThat(wait.get("event").asText()).isEqualTo("goroutine.wait");
    assertThat(wait.get("durationNs").asLong()).isEqualTo(1_000_000_000L);
    assertThat(wait.get("open").asBoolean()).isTrue();

    // the report reads the stack and the channel, and knows the sample lines
    ReportModel report = ReportModel.create();
    for (String l : lines) {
      report.accept(l);
    }
    assertThat(report.stats().unknownTypes()).isEmpty();
    assertThat(report.stats().leakCandidates()).isEqualTo(1);
  }

  @Test
  void spansAndTheConsoleShowTheSampledView() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    ConsoleTreeExporter tree = new ConsoleTreeExporter(
        new PrintStream(console, true, StandardCharsets.UTF_8), Duration.ofSeconds(2), 1000,
        System::nanoTime);
    SpanRecordSink spanSink = new SpanRecordSink(SpanMappingConfig.builder()
        .setClock(ClockOffset.of(Scenario.OFFSET)).build(),
        ProcessResources.create(null, Resource.empty(), "h"), List.of(spans, tree));
    ByteArrayOutputStream lines = new ByteArrayOutputStream();
    RecordSink all = CompositeRecordSink.of(spanSink,
        new JsonLinesSink(lines, ClockOffset.of(Scenario.OFFSET), true));
    all.processStarted(Scenario.PROCESS);
    all.goroutinesSampled(SAMPLE); // the composite passes it on
    GoroutineRecord m = member();
    all.goroutineStarted(m);
    all.goroutineEnded(m);
    all.flush();
    // read before close: the in-memory exporter forgets its spans on shutdown
    List<SpanData> finished = spans.getFinishedSpanItems();
    all.close();
    assertThat(lines.toString(StandardCharsets.UTF_8)).contains("{\"type\":\"sample\"");

    assertThat(finished).extracting(SpanData::getName).contains("main.blockedSend");
    SpanData span = finished.stream()
        .filter(s -> s.getName().equals("main.blockedSend")).findFirst().orElseThrow();
    assertThat(span.getAttributes().get(AttributeKey.booleanKey("goroutine.sampled"))).isTrue();
    assertThat(span.getAttributes().get(AttributeKey.longKey("goroutine.sample_interval_ms")))
        .isEqualTo(1000L);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("goroutine.leak.group")))
        .isEqualTo("lg-0123abcd");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("channel.address")))
        .isEqualTo("0xc000010000");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("code.stacktrace")))
        .isEqualTo("main.blockedSend(...)\n\t/src/main.go:12\n");
    assertThat(span.getEvents()).singleElement().satisfies(e -> {
      assertThat(e.getName()).isEqualTo("goroutine.wait");
      assertThat(e.getAttributes().get(AttributeKey.longKey("goroutine.wait.duration_ns")))
          .isEqualTo(1_000_000_000L);
    });
    assertThat(console.toString(StandardCharsets.UTF_8))
        .contains("main.blockedSend  g7  ~1.000s  waiting (chan send)")
        .contains("LEAK? lg-0123abcd (growing)");
  }

  @Test
  void metricsCountTheSample() {
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
    GoroutineMetricsSink sink = new GoroutineMetricsSink(provider.get("test"), provider);
    sink.goroutinesSampled(SAMPLE);
    sink.goroutinesSampled(SAMPLE); // blocked time adds up, gauges show the last

    Collection<MetricData> all = reader.collectAllMetrics();
    assertThat(gauge(all, "goroscope.goroutines.sampled", "goroutine.status", "waiting"))
        .isEqualTo(44);
    assertThat(gauge(all, "goroscope.goroutines.waiting", "goroutine.wait_reason", "chan send"))
        .isEqualTo(40);
    assertThat(gauge(all, "goroscope.goroutines.by_site", "code.function.name", "main.leaker"))
        .isEqualTo(40);
    assertThat(gauge(all, "goroscope.leak.group.size", "goroutine.leak.group", "lg-0123abcd"))
        .isEqualTo(40);
    MetricData blocked = all.stream()
        .filter(x -> x.getName().equals("goroscope.goroutines.blocked_time")).findFirst()
        .orElseThrow();
    assertThat(blocked.getUnit()).isEqualTo("s");
    assertThat(blocked.getDoubleSumData().getPoints()).singleElement()
        .satisfies(p -> assertThat(p.getValue()).isEqualTo(80.0));
    MetricData overhead = all.stream()
        .filter(x -> x.getName().equals("goroscope.overhead.estimated")).findFirst()
        .orElseThrow();
    assertThat(overhead.getDoubleGaugeData().getPoints()).singleElement()
        .satisfies(p -> assertThat(p.getValue()).isEqualTo(0.0042));

    sink.processEnded(PID, 3_000_000_000L);
    assertThat(reader.collectAllMetrics().stream()
        .filter(x -> x.getName().equals("goroscope.goroutines.sampled"))
        .flatMap(x -> x.getLongGaugeData().getPoints().stream())).isEmpty();
    sink.close();
  }

  private static long gauge(Collection<MetricData> all, String name, String key, String value) {
    return all.stream().filter(m -> m.getName().equals(name))
        .flatMap(m -> m.getLongGaugeData().getPoints().stream())
        .filter(p -> value.equals(p.getAttributes().get(AttributeKey.stringKey(key))))
        .mapToLong(p -> p.getValue()).sum();
  }
}
