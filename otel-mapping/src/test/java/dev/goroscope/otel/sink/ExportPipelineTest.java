package dev.goroscope.otel.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.goroscope.otel.export.OtlpSetup;
import dev.goroscope.otel.resource.ProcessResources;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.resources.Resource;
import dev.goroscope.otel.metrics.GoroutineMetricsSink;
import dev.goroscope.otel.testing.Feed;
import dev.goroscope.otel.testing.OtlpGrpcReceiver;
import dev.goroscope.otel.testing.Scenario;
import dev.goroscope.otel.testing.SequentialIds;
import dev.goroscope.otel.span.SpanMappingConfig;
import dev.goroscope.otel.time.ClockOffset;
import dev.goroscope.record.ContextRecord;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ExportPipelineTest {

  @Test
  void theBatchSpanProcessorVariablesSizeTheRequests() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      ExportPipeline p = ExportPipeline.builder()
          .setClock(ClockOffset.of(Scenario.OFFSET))
          .enableOtlp(OtlpSetup.builder().setEndpoint(receiver.endpoint()).setProtocol("grpc")
              // as OTEL_BSP_MAX_EXPORT_BATCH_SIZE=1 would
              .setProperty("otel.bsp.max.export.batch.size", "1"))
          .build();
      p.processStarted(Scenario.PROCESS);
      new Feed(p).run(Scenario.mainPartial(), Scenario.worker(), Scenario.helper(),
          Scenario.connServe());
      p.processEnded(Scenario.PID, 5_000_000_000L);
      p.close();
      long exported = p.summary().spansExported();
      assertThat(exported).isGreaterThanOrEqualTo(3); // by default all in one request
      assertThat(receiver.traceRequests()).hasSize((int) exported)
          .allSatisfy(r -> assertThat(OtlpGrpcReceiver.flatten(List.of(r))).hasSize(1));
    }
  }

  @Test
  void allOutputsAtOnceShareTraceIdsAndCountTheSummary() throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    ByteArrayOutputStream jsonl = new ByteArrayOutputStream();
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      ExportPipeline p = ExportPipeline.builder()
          .setEnvironmentResource(Resource.create(
              Attributes.of(ProcessResources.SERVICE_NAME, "demo")))
          .setClock(ClockOffset.of(Scenario.OFFSET))
          .setSpanMapping(SpanMappingConfig.builder().setIdGenerator(new SequentialIds()))
          .enableOtlp(OtlpSetup.builder().setEndpoint(receiver.endpoint())
              .setProtocol("grpc"))
          .enableMetrics()
          .enableConsole(new PrintStream(console, true, StandardCharsets.UTF_8))
          .enableJsonLines(jsonl, false)
          .build();
      p.processStarted(Scenario.PROCESS);
      Feed feed = new Feed(p);
      feed.run(Scenario.mainPartial(), Scenario.worker(), Scenario.helper(), Scenario.connServe());
      p.contextEnded(new ContextRecord(Scenario.PID, Scenario.CTX, 0, 20, 1,
          Scenario.DEADLINE_UNIX, 1_500_000_000L, 5, ContextRecord.EndReason.DEADLINE_EXCEEDED,
          List.of(21L)));
      p.eventsLost(Scenario.PID, 3);
      feed.stopWatching(5_000_000_000L); // main still runs when watching stops
      p.processEnded(Scenario.PID, 5_000_000_000L);
      p.close();

      ExportPipeline.Summary s = p.summary();
      assertThat(s.spans()).isEqualTo(4);
      assertThat(s.spansExported()).isEqualTo(4);
      assertThat(s.spansDropped()).isZero();
      assertThat(s.jsonLines()).isEqualTo(8);

      List<Span> spans = receiver.spans();
      assertThat(spans.stream().map(sp -> sp.getTraceId()).distinct().count()).isEqualTo(2);
      String text = console.toString(StandardCharsets.UTF_8);
      assertThat(text).contains("trace " + SequentialIds.traceId(2) + "  demo pid 4242");
      assertThat(text).contains("main.main  g1  4.900s  running  still running");
      assertThat(jsonl.toString(StandardCharsets.UTF_8).lines().collect(Collectors.toList()))
          .hasSize(8);
      await().atMost(Duration.ofSeconds(10)).until(() -> !receiver.metricRequests().isEmpty());
      assertThat(receiver.metricRequests().toString())
          .contains(GoroutineMetricsSink.CREATED).contains("demo");
    }
  }

  @Test
  void rejectsNoOutputAndMetricsWithoutOtlp() {
    assertThatThrownBy(() -> ExportPipeline.builder().build())
        .hasMessageContaining("no output enabled");
    assertThatThrownBy(() -> ExportPipeline.builder().enableJsonLines(System.out, false)
        .enableMetrics().build())
        .hasMessageContaining("metrics need the otlp output");
  }
}
