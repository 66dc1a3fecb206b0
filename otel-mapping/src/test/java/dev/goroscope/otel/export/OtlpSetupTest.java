package dev.goroscope.otel.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goroscope.otel.testing.OtlpGrpcReceiver;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The SDK's autoconfigure reads the OTEL_* settings; these tests only check what goroscope adds:
 * the flags as overrides that win over the environment, and the settings it derives.
 */
class OtlpSetupTest {

  @Test
  void defaultsFollowTheSpecification() {
    OtlpSettings s = OtlpSetup.builder().settings();
    assertThat(s.protocol()).isEqualTo("http/protobuf");
    assertThat(s.endpoint()).isEqualTo("http://localhost:4318/v1/traces");
    assertThat(s.metricsEndpoint()).isEqualTo("http://localhost:4318/v1/metrics");
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.compression()).isEqualTo("none");
    assertThat(s.headers()).isEmpty();
  }

  @Test
  void flagsWinOverTheEnvironmentIncludingSignalSpecificSettings() {
    OtlpSettings s = OtlpSetup.builder()
        // as OTEL_EXPORTER_OTLP_TRACES_ENDPOINT / _HEADERS / _TIMEOUT would set them
        .setProperty("otel.exporter.otlp.traces.endpoint", "http://env:1/custom")
        .setProperty("otel.exporter.otlp.headers", "a=1,b=from%20env")
        .setProperty("otel.exporter.otlp.traces.timeout", "2500")
        .setEndpoint("http://flag:4318/")
        .addHeader("b", "from flag")
        .addHeader("c", "x,y=z")
        .settings();
    assertThat(s.endpoint()).isEqualTo("http://flag:4318/v1/traces");
    assertThat(s.metricsEndpoint()).isEqualTo("http://flag:4318/v1/metrics");
    assertThat(s.headers()).containsExactlyInAnyOrderEntriesOf(
        Map.of("a", "1", "b", "from flag", "c", "x,y=z"));
    assertThat(s.timeout()).isEqualTo(Duration.ofMillis(2500));

    OtlpSettings grpc = OtlpSetup.builder().setEndpoint("http://flag:4317")
        .setProtocol("grpc").settings();
    assertThat(grpc.isGrpc()).isTrue();
    assertThat(grpc.endpoint()).isEqualTo("http://flag:4317");
  }

  @Test
  void badSettingsAreOneLineErrors() {
    assertThatThrownBy(() -> OtlpSetup.builder().setProtocol("thrift"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("otlp protocol must be grpc or http/protobuf, got \"thrift\"");
    assertThatThrownBy(() -> OtlpSetup.builder().setEndpoint("localhost:4317"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be an http:// or https:// URL");
    assertThatThrownBy(() -> OtlpSetup.builder()
        .setProperty("otel.exporter.otlp.certificate", "/nonexistent/ca.pem").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/nonexistent/ca.pem");
  }

  @Test
  void spansAreBatchedAsTheBatchSpanProcessorVariablesSay() {
    BatchConfig defaults = batchConfigOf(b -> b);
    assertThat(defaults.maxBatchSize()).isEqualTo(BatchConfig.DEFAULT_MAX_BATCH_SIZE);
    assertThat(defaults.maxQueueSize()).isEqualTo(BatchConfig.DEFAULT_MAX_QUEUE_SIZE);
    assertThat(defaults.maxAge()).isEqualTo(BatchConfig.DEFAULT_MAX_AGE);
    assertThat(defaults.exportTimeout()).isEqualTo(BatchConfig.DEFAULT_EXPORT_TIMEOUT);

    // as OTEL_BSP_MAX_EXPORT_BATCH_SIZE, _MAX_QUEUE_SIZE, _SCHEDULE_DELAY, _EXPORT_TIMEOUT would
    BatchConfig set = batchConfigOf(b -> b
        .setProperty("otel.bsp.max.export.batch.size", "2048")
        .setProperty("otel.bsp.max.queue.size", "16384")
        .setProperty("otel.bsp.schedule.delay", "250")
        .setProperty("otel.bsp.export.timeout", "3000"));
    assertThat(set.maxBatchSize()).isEqualTo(2048);
    assertThat(set.maxQueueSize()).isEqualTo(16384);
    assertThat(set.maxAge()).isEqualTo(Duration.ofMillis(250));
    assertThat(set.exportTimeout()).isEqualTo(Duration.ofSeconds(3));

    assertThatThrownBy(() -> batchConfigOf(
        b -> b.setProperty("otel.bsp.max.export.batch.size", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("OTEL_BSP_MAX_EXPORT_BATCH_SIZE must be positive, got 0");
    assertThatThrownBy(() -> batchConfigOf(b -> b.setProperty("otel.bsp.schedule.delay", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("OTEL_BSP_SCHEDULE_DELAY must be positive, got 0 ms");
    assertThatThrownBy(() -> batchConfigOf(
        b -> b.setProperty("otel.bsp.max.queue.size", "many")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("otel.bsp.max.queue.size");
  }

  private static BatchConfig batchConfigOf(UnaryOperator<OtlpSetup.Builder> settings) {
    OtlpSetup setup = settings.apply(OtlpSetup.builder().setEndpoint("http://127.0.0.1:1"))
        .build();
    try {
      return setup.batchConfig();
    } finally {
      setup.close();
      setup.spanExporter().shutdown();
    }
  }

  @Test
  void anEndpointIsConfiguredByAFlagOrTheEnvironment() {
    assertThat(OtlpSetup.isEndpointConfigured(Map.of(), null)).isFalse();
    assertThat(OtlpSetup.isEndpointConfigured(Map.of(), "http://x:4317")).isTrue();
    assertThat(OtlpSetup.isEndpointConfigured(
        Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://x:4318"), null)).isTrue();
    assertThat(OtlpSetup.isEndpointConfigured(
        Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://x:4318/v1/traces"), null)).isTrue();
    assertThat(OtlpSetup.isEndpointConfigured(
        Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", " "), null)).isFalse();
  }

  @Test
  void metricsCarryNoExemplarsUnlessTheEnvironmentAsksForThem() throws Exception {
    // A recording inside a sampled span: the SDK's own default (trace_based) keeps an exemplar.
    assertThat(pointsRecordedInASampledSpan(b -> b)).allSatisfy(
        p -> assertThat(p.getExemplarsList()).isEmpty());
    assertThat(pointsRecordedInASampledSpan(
        b -> b.setProperty("otel.metrics.exemplar.filter", "trace_based"))).allSatisfy(
            p -> assertThat(p.getExemplarsList()).hasSize(1));
  }

  private static List<NumberDataPoint> pointsRecordedInASampledSpan(
      UnaryOperator<OtlpSetup.Builder> configure) throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      OtlpSetup otlp = configure.apply(OtlpSetup.builder().setEndpoint(receiver.endpoint())
          .setProtocol("grpc").enableMetrics(env -> Resource.empty())).build();
      SpanContext sampled = SpanContext.create("0af7651916cd43dd8448eb211c80319c",
          "b7ad6b7169203331", TraceFlags.getSampled(), TraceState.getDefault());
      Scope scope = Span.wrap(sampled).makeCurrent();
      try {
        otlp.meter().counterBuilder("test.count").build().add(1);
      } finally {
        scope.close();
      }
      otlp.close(); // the last push
      List<NumberDataPoint> points = receiver.metricRequests().stream()
          .flatMap(r -> r.getResourceMetricsList().stream())
          .flatMap(rm -> rm.getScopeMetricsList().stream())
          .flatMap(sm -> sm.getMetricsList().stream())
          .filter(m -> m.getName().equals("test.count"))
          .flatMap(m -> m.getSum().getDataPointsList().stream()).toList();
      assertThat(points).as("points of test.count").isNotEmpty();
      otlp.spanExporter().shutdown();
      return points;
    }
  }
}
