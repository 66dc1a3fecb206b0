package dev.goroscope.otel.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.goroscope.otel.testing.Feed;
import dev.goroscope.otel.testing.OtlpGrpcReceiver;
import dev.goroscope.otel.testing.OtlpHttpReceiver;
import dev.goroscope.otel.metrics.GoroutineMetricsSink;
import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.record.GoroutineState;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A metrics backend that is down, refuses, or never answers is counted and reported in one line,
 * like a spans backend; the SDK's self-telemetry is not mixed into the pushed metrics.
 */
class MetricExportFailureTest {

  /** Answers each export with the next prepared result (success when none is left). */
  private static final class ScriptedExporter implements MetricExporter {
    final Queue<CompletableResultCode> results = new ArrayDeque<>();
    /** Data points of each export, in order. */
    final List<Long> handed = new CopyOnWriteArrayList<>();

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      handed.add(CountingMetricExporter.points(metrics));
      CompletableResultCode r = results.poll();
      return r != null ? r : CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType type) {
      return AggregationTemporality.CUMULATIVE;
    }
  }

  @Test
  void failedExportsAreCountedWithTheirPointsAndReportedInOneLineOnce() {
    ScriptedExporter backend = new ScriptedExporter();
    backend.results.add(CompletableResultCode.ofExceptionalFailure(
        new java.net.ConnectException("Failed to connect to /127.0.0.1:1")));
    backend.results.add(CompletableResultCode.ofFailure());
    List<String> lines = new CopyOnWriteArrayList<>();
    CountingMetricExporter counting =
        new CountingMetricExporter(backend, "http://127.0.0.1:1/v1/metrics", lines::add);
    SdkMeterProvider provider = SdkMeterProvider.builder()
        .registerMetricReader(PeriodicMetricReader.builder(counting)
            .setInterval(Duration.ofHours(1)).build())
        .build();
    LongCounter counter = provider.get("test").counterBuilder("c").build();
    counter.add(1, Attributes.of(AttributeKey.stringKey("k"), "a"));
    counter.add(1, Attributes.of(AttributeKey.stringKey("k"), "b"));
    counter.add(1, Attributes.of(AttributeKey.stringKey("k"), "c"));

    provider.forceFlush().join(5, TimeUnit.SECONDS); // fails: refused
    assertThat(lines).containsExactly("OTLP metrics export failed"
        + " (http://127.0.0.1:1/v1/metrics): 3 data points dropped so far"
        + " (last error: Failed to connect to /127.0.0.1:1)");
    provider.forceFlush().join(5, TimeUnit.SECONDS); // fails without a cause
    provider.forceFlush().join(5, TimeUnit.SECONDS); // delivered
    MetricExportStats s = counting.stats();
    assertThat(s.exports()).isEqualTo(3);
    assertThat(s.failedExports()).isEqualTo(2);
    // From the second push on the SDK adds its reader's own collection-duration histogram.
    assertThat(backend.handed).hasSize(3).element(0).isEqualTo(3L);
    assertThat(s.pointsDropped()).isEqualTo(backend.handed.get(0) + backend.handed.get(1));
    assertThat(s.pointsExported()).isEqualTo(backend.handed.get(2));
    assertThat(s.pointsPending()).isZero();
    assertThat(s.lastError()).isEqualTo("export failed");
    assertThat(lines).as("one line, not one per failure").hasSize(1);
    assertThat(counting.failureLine()).isEqualTo("OTLP metrics export failed"
        + " (http://127.0.0.1:1/v1/metrics): " + s.pointsDropped() + " data points dropped so far"
        + " (last error: export failed)");
    provider.shutdown().join(5, TimeUnit.SECONDS);
  }

  @Test
  void anExportNeverAnsweredIsCountedWhenAbandonedAndItsLateAnswerIgnored() {
    ScriptedExporter backend = new ScriptedExporter();
    CompletableResultCode never = new CompletableResultCode();
    backend.results.add(never);
    List<String> lines = new CopyOnWriteArrayList<>();
    CountingMetricExporter counting = new CountingMetricExporter(backend, "", lines::add);
    SdkMeterProvider provider = SdkMeterProvider.builder()
        .registerMetricReader(PeriodicMetricReader.builder(counting)
            .setInterval(Duration.ofHours(1)).build())
        .build();
    provider.get("test").counterBuilder("c").build().add(5);
    provider.forceFlush(); // does not complete
    await().atMost(Duration.ofSeconds(10)).until(() -> counting.stats().pointsPending() == 1);
    assertThat(lines).isEmpty();

    counting.abandonPending("no answer within the shutdown time (5.0 s)");
    never.succeed(); // too late: already counted as dropped
    MetricExportStats s = counting.stats();
    assertThat(s.pointsDropped()).isEqualTo(1);
    assertThat(s.pointsExported()).isZero();
    assertThat(s.pointsPending()).isZero();
    assertThat(lines).containsExactly("OTLP metrics export failed: 1 data point dropped so far"
        + " (last error: no answer within the shutdown time (5.0 s))");
  }

  @Test
  void aWrongPathIsReportedWithTheHttpStatusWhileSpansStillGoThrough() throws Exception {
    // The JDK server of OtlpHttpReceiver serves /v1/traces only: /v1/metrics is a real 404.
    try (OtlpHttpReceiver receiver = new OtlpHttpReceiver()) {
      List<String> lines = new CopyOnWriteArrayList<>();
      OtlpSetup otlp = OtlpSetup.builder().setEndpoint(receiver.endpoint())
          .setProtocol("http/protobuf")
          .enableMetrics(env -> Resource.empty())
          .setMetricsFailureListener(lines::add)
          .build();
      GoroutineMetricsSink sink = new GoroutineMetricsSink(otlp.meter(), otlp);
      new Feed(sink).run(goroutine());
      assertThat(otlp.spanExporter().export(List.of(span())).join(10, TimeUnit.SECONDS)
          .isSuccess()).as("spans still go through").isTrue();
      sink.close(); // the last push, refused
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0)).matches("OTLP metrics export failed \\(" + receiver.endpoint()
          + "/v1/metrics\\): [1-9]\\d* data points dropped so far \\(last error: HTTP 404"
          + ".*\\)");
      MetricExportStats s = otlp.metricExportStats();
      assertThat(s.failedExports()).isEqualTo(1);
      assertThat(s.pointsDropped()).isPositive();
      assertThat(s.pointsExported()).isZero();
      assertThat(receiver.spans()).hasSize(1);
      otlp.spanExporter().shutdown();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"http/protobuf", "grpc"})
  void aDeadPortIsReportedWithTheEndpoint(String protocol) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    String endpoint = "http://127.0.0.1:" + port + (protocol.equals("grpc") ? "" : "/v1/metrics");
    List<String> lines = new CopyOnWriteArrayList<>();
    OtlpSetup otlp = OtlpSetup.builder()
        .setProperty("otel.exporter.otlp.protocol", protocol)
        .setProperty("otel.exporter.otlp.metrics.endpoint", endpoint)
        .setProperty("otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:" + port)
        .enableMetrics(env -> Resource.empty())
        .setMetricsFailureListener(lines::add)
        .build();
    GoroutineMetricsSink sink = new GoroutineMetricsSink(otlp.meter(), otlp);
    new Feed(sink).run(goroutine());
    long start = System.nanoTime();
    sink.close();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).startsWith("OTLP metrics export failed (" + endpoint + "): ")
        .contains("data points dropped so far (last error: ")
        .doesNotContain("Exception");
    assertThat(lines.get(0)).as("the connection's own words").contains("Failed to connect");
    assertThat(took).as("refused at once: no retry, no wait for the shutdown time")
        .isLessThan(OtlpSetup.SHUTDOWN_TIMEOUT);
    assertThat(otlp.metricExportStats().pointsDropped()).isPositive();
    otlp.spanExporter().shutdown();
  }

  @Test
  void otelMetricsExporterNoneTurnsTheMetricsOffAndNothingFails() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // nothing listens there
    }
    List<String> lines = new CopyOnWriteArrayList<>();
    System.setProperty("otel.metrics.exporter", "none"); // as OTEL_METRICS_EXPORTER=none
    try {
      OtlpSetup otlp = OtlpSetup.builder()
          .setProperty("otel.exporter.otlp.metrics.endpoint",
              "http://127.0.0.1:" + port + "/v1/metrics")
          .setProperty("otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:" + port)
          .setProperty("otel.metric.export.interval", "100")
          .enableMetrics(env -> Resource.empty())
          .setMetricsFailureListener(lines::add)
          .build();
      GoroutineMetricsSink sink = new GoroutineMetricsSink(otlp.meter(), otlp);
      new Feed(sink).run(goroutine());
      Thread.sleep(300); // three export intervals: a push would have failed by now
      sink.close();
      assertThat(lines).isEmpty();
      assertThat(otlp.metricExportStats()).isEqualTo(MetricExportStats.NONE);
      otlp.spanExporter().shutdown();
    } finally {
      System.clearProperty("otel.metrics.exporter");
    }
  }

  @Test
  void theExportersSelfTelemetryIsNotPushedWithTheProgramsMetrics() throws IOException {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      OtlpSetup otlp = OtlpSetup.builder().setEndpoint(receiver.endpoint())
          .setProtocol("grpc")
          .setProperty("otel.metric.export.interval", "200")
          .enableMetrics(env -> Resource.empty())
          .build();
      GoroutineMetricsSink sink = new GoroutineMetricsSink(otlp.meter(), otlp);
      new Feed(sink).run(goroutine());
      assertThat(otlp.spanExporter().export(List.of(span())).join(10, TimeUnit.SECONDS)
          .isSuccess()).isTrue();
      // Several pushes: the SDK would count the spans and the earlier pushes by now.
      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.metricRequests().size() >= 3);
      sink.close();
      Set<String> names = new HashSet<>();
      for (var req : receiver.metricRequests()) {
        for (ResourceMetrics rm : req.getResourceMetricsList()) {
          for (ScopeMetrics sm : rm.getScopeMetricsList()) {
            for (Metric m : sm.getMetricsList()) {
              names.add(m.getName());
            }
          }
        }
      }
      assertThat(names).contains(GoroutineMetricsSink.CREATED)
          .allMatch(n -> n.startsWith("goroscope."));
      assertThat(otlp.metricExportStats().failedExports()).isZero();
      assertThat(otlp.metricExportStats().pointsExported()).isPositive();
      otlp.spanExporter().shutdown();
    }
  }

  private static GoroutineRecord goroutine() {
    return GoroutineRecord.builder(7, 1).setStartFunction("main.w").setStartNs(0).setEndNs(5)
        .setState(GoroutineState.EXITED).build();
  }

  private static SpanData span() {
    return TestSpanData.builder().setName("s").setKind(SpanKind.INTERNAL)
        .setStartEpochNanos(1).setEndEpochNanos(2).setHasEnded(true)
        .setStatus(StatusData.unset()).build();
  }
}
