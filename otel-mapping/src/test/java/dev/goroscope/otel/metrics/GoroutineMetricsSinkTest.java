package dev.goroscope.otel.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.goroscope.otel.export.OtlpSetup;
import dev.goroscope.otel.testing.Feed;
import dev.goroscope.otel.testing.OtlpGrpcReceiver;
import dev.goroscope.otel.testing.Scenario;
import dev.goroscope.record.ContextRecord;
import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.record.GoroutineState;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GoroutineMetricsSinkTest {

  static GoroutineRecord.Builder g(long goid, String fn) {
    return GoroutineRecord.builder(7, goid).setStartFunction(fn).setStartNs(0);
  }

  static MetricData metric(Collection<MetricData> all, String name) {
    return all.stream().filter(m -> m.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name));
  }

  static long sum(MetricData m, String fn) {
    return m.getLongSumData().getPoints().stream()
        .filter(p -> fn.equals(p.getAttributes().get(GoroutineMetricsSink.START_FUNCTION)))
        .mapToLong(LongPointData::getValue).sum();
  }

  @Test
  void recordsCountsLiveStatesLifetimesAndLosses() {
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
    GoroutineMetricsSink sink = new GoroutineMetricsSink(provider.get("test"), provider, 2);
    Feed feed = new Feed(sink);
    feed.start(g(1, "main.main").setState(GoroutineState.RUNNING).build());
    feed.start(g(2, "main.w").setState(GoroutineState.WAITING).build());
    feed.start(g(3, "main.w").setState(GoroutineState.WAITING).build());
    feed.update(g(2, "main.w").setState(GoroutineState.RUNNING).build()); // state change
    feed.end(g(3, "main.w").setEndNs(2_000_000_000L).setState(GoroutineState.EXITED)
        .build()); // end after start: not created twice
    feed.run(g(4, "main.x").setEndNs(1_000_000L).setState(GoroutineState.EXITED).build());
    feed.run(g(5, "main.third").setEndNs(10).setState(GoroutineState.EXITED).build());
    feed.run(Scenario.helper().toBuilder().build()); // an overrun, pid 4242
    sink.contextEnded(new ContextRecord(7, 1, 0, 1, 0, 5, 10, 1,
        ContextRecord.EndReason.DEADLINE_EXCEEDED, List.of()));
    sink.contextEnded(new ContextRecord(7, 2, 0, 1, 0, 5, 10, 1,
        ContextRecord.EndReason.CANCELED, List.of()));
    sink.eventsLost(7, 42);

    Collection<MetricData> all = reader.collectAllMetrics();
    MetricData created = metric(all, GoroutineMetricsSink.CREATED);
    assertThat(sum(created, "main.main")).isEqualTo(1);
    assertThat(sum(created, "main.w")).isEqualTo(2);
    assertThat(sum(created, "other")).isEqualTo(3); // cardinality cap of 2
    MetricData exited = metric(all, GoroutineMetricsSink.EXITED);
    assertThat(sum(exited, "main.w")).isEqualTo(1);

    MetricData live = metric(all, GoroutineMetricsSink.LIVE);
    Set<String> states = new HashSet<>();
    live.getLongGaugeData().getPoints().forEach(p -> {
      states.add(p.getAttributes().get(GoroutineMetricsSink.STATE) + "=" + p.getValue());
    });
    assertThat(states).containsExactlyInAnyOrder("running=2");

    MetricData lifetime = metric(all, GoroutineMetricsSink.LIFETIME);
    HistogramPointData w = lifetime.getHistogramData().getPoints().stream()
        .filter(p -> "main.w".equals(p.getAttributes().get(GoroutineMetricsSink.START_FUNCTION)))
        .findFirst().orElseThrow();
    assertThat(w.getCount()).isEqualTo(1);
    assertThat(w.getSum()).isEqualTo(2.0);
    assertThat(lifetime.getUnit()).isEqualTo("s");

    assertThat(metric(all, GoroutineMetricsSink.DEADLINE_EXCEEDED).getLongSumData().getPoints())
        .singleElement().satisfies(p -> assertThat(p.getValue()).isEqualTo(1));
    assertThat(metric(all, GoroutineMetricsSink.OVERRUNS).getLongSumData().getPoints())
        .singleElement().satisfies(p -> assertThat(p.getValue()).isEqualTo(1));
    assertThat(metric(all, GoroutineMetricsSink.EVENTS_LOST).getLongSumData().getPoints())
        .singleElement().satisfies(p -> {
          assertThat(p.getValue()).isEqualTo(42);
          assertThat(p.getAttributes()).isEqualTo(
              Attributes.of(GoroutineMetricsSink.PID, 7L));
        });

    sink.processEnded(7, 100);
    assertThat(metric(reader.collectAllMetrics(), GoroutineMetricsSink.CREATED)).isNotNull();
    assertThat(reader.collectAllMetrics().stream()
        .filter(m -> m.getName().equals(GoroutineMetricsSink.LIVE))
        .flatMap(m -> m.getLongGaugeData().getPoints().stream())).isEmpty();
    sink.close();
    sink.close();
  }

  @Test
  void metricsArriveOverOtlpGrpc() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      OtlpSetup otlp = OtlpSetup.builder().setEndpoint(receiver.endpoint())
          .setProtocol("grpc")
          .enableMetrics(env -> Resource.create(Attributes.of(
              io.opentelemetry.api.common.AttributeKey.stringKey("service.name"), "svc")))
          .build();
      GoroutineMetricsSink sink = new GoroutineMetricsSink(otlp.meter(), otlp);
      new Feed(sink).run(g(1, "main.w").setEndNs(5).setState(GoroutineState.EXITED).build());
      sink.close(); // shuts the meter provider down: a final export
      await().atMost(Duration.ofSeconds(10)).until(() -> !receiver.metricRequests().isEmpty());
      Set<String> names = new HashSet<>();
      for (var req : receiver.metricRequests()) {
        for (ResourceMetrics rm : req.getResourceMetricsList()) {
          assertThat(rm.getResource().getAttributes(0).getValue().getStringValue())
              .isEqualTo("svc");
          for (ScopeMetrics sm : rm.getScopeMetricsList()) {
            for (Metric m : sm.getMetricsList()) {
              names.add(m.getName());
            }
          }
        }
      }
      assertThat(names).contains(GoroutineMetricsSink.CREATED, GoroutineMetricsSink.EXITED,
          GoroutineMetricsSink.LIFETIME);
    }
  }
}
