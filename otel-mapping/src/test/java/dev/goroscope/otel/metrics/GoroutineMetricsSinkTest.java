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

  @Test
  void recordsPausesWaitsByLockAndSiteSyscallsDelaysAndThreadsOnce() {
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
    GoroutineMetricsSink sink = new GoroutineMetricsSink(provider.get("test"), provider, 2);
    sink.stopTheWorld(new dev.goroscope.record.StwRecord(7, 0, 2_000_000, "GC sweep termination",
        true, 1, 2, 0, List.of()));
    sink.threadsSampled(new dev.goroscope.record.ThreadsRecord(7, 5, 9, 2, 3, 1, List.of(
        new dev.goroscope.record.ThreadsRecord.Blocked(4, 1, false))));
    java.util.function.BiFunction<Long, String, dev.goroscope.record.GoroutineEvent> wait =
        (ts, site) -> new dev.goroscope.record.GoroutineEvent(
            dev.goroscope.record.GoroutineEvents.MUTEX_WAIT, ts,
            dev.goroscope.record.Attrs.builder()
                .put(dev.goroscope.record.GoroutineEvents.MUTEX_ADDRESS, 0xc0001L)
                .put(dev.goroscope.record.GoroutineEvents.MUTEX_WAIT_NS, 3_000_000L)
                .put(dev.goroscope.record.GoroutineEvents.SITE_FUNCTION, site).build());
    dev.goroscope.record.GoroutineEvent call = new dev.goroscope.record.GoroutineEvent(
        dev.goroscope.record.GoroutineEvents.SYSCALL, 30, dev.goroscope.record.Attrs.builder()
            .put(dev.goroscope.record.GoroutineEvents.SYSCALL_DURATION_NS, 2_000_000_000L)
            .put(dev.goroscope.record.GoroutineEvents.SYSCALL_FUNCTION, "syscall.read").build());
    dev.goroscope.record.GoroutineEvent delay = new dev.goroscope.record.GoroutineEvent(
        dev.goroscope.record.GoroutineEvents.SCHED_DELAY, 40, dev.goroscope.record.Attrs.of(
            dev.goroscope.record.GoroutineEvents.SCHED_DELAY_NS, 5_000L));
    dev.goroscope.record.Attrs totals = dev.goroscope.record.Attrs.builder()
        .put(dev.goroscope.record.GoroutineEvents.MUTEX_WAIT_TOTAL_NS, 9_000_000L).build();
    Feed feed = new Feed(sink);
    feed.start(g(4, "main.w").setState(GoroutineState.RUNNING).build());
    // an update with the first wait, then the end with all of them: each is recorded once
    feed.update(g(4, "main.w").setState(GoroutineState.RUNNING)
        .setEvents(List.of(wait.apply(10L, "main.a"))).setAttributes(totals).build());
    feed.end(g(4, "main.w").setEndNs(100).setState(GoroutineState.EXITED)
        .setEvents(List.of(wait.apply(10L, "main.a"), wait.apply(20L, "main.b"), call, delay,
            wait.apply(50L, "main.c")))
        .setAttributes(totals).build());

    Collection<MetricData> all = reader.collectAllMetrics();
    HistogramPointData stw = metric(all, GoroutineMetricsSink.STW).getHistogramData()
        .getPoints().iterator().next();
    assertThat(stw.getCount()).isEqualTo(1);
    assertThat(stw.getSum()).isEqualTo(0.002);
    assertThat(stw.getAttributes().get(GoroutineMetricsSink.STW_REASON))
        .isEqualTo("GC sweep termination");
    assertThat(stw.getAttributes().get(GoroutineMetricsSink.STW_GC)).isTrue();
    // by lock and call site: two distinct keys kept (the cap is 2), the third is "other"
    Collection<HistogramPointData> waits = metric(all, GoroutineMetricsSink.MUTEX_WAIT)
        .getHistogramData().getPoints();
    assertThat(waits).extracting(p -> p.getAttributes().get(GoroutineMetricsSink.SITE_FUNCTION)
        + "@" + p.getAttributes().get(GoroutineMetricsSink.MUTEX_ADDRESS) + "x" + p.getCount())
        .containsExactlyInAnyOrder("main.a@0xc0001x1", "main.b@0xc0001x1", "other@otherx1");
    HistogramPointData sys = metric(all, GoroutineMetricsSink.SYSCALL).getHistogramData()
        .getPoints().iterator().next();
    assertThat(sys.getAttributes().get(GoroutineMetricsSink.SYSCALL_FUNCTION)).isEqualTo("other");
    assertThat(sys.getSum()).isEqualTo(2.0);
    assertThat(metric(all, GoroutineMetricsSink.SCHED_DELAY).getHistogramData().getPoints()
        .iterator().next().getSum()).isEqualTo(5e-6);
    assertThat(metric(all, GoroutineMetricsSink.THREADS_BLOCKED).getLongGaugeData().getPoints())
        .extracting(LongPointData::getValue).containsExactly(1L);
    assertThat(metric(all, GoroutineMetricsSink.THREADS).getLongGaugeData().getPoints())
        .extracting(LongPointData::getValue).containsExactly(9L);
    assertThat(metric(all, GoroutineMetricsSink.GOMAXPROCS).getLongGaugeData().getPoints())
        .extracting(LongPointData::getValue).containsExactly(2L);
    assertThat(metric(all, GoroutineMetricsSink.THREADS_IN_SYSCALL).getLongGaugeData()
        .getPoints()).extracting(LongPointData::getValue).containsExactly(3L);
    sink.processEnded(7, 200);
    assertThat(reader.collectAllMetrics()).filteredOn(m -> m.getName().startsWith(
        GoroutineMetricsSink.THREADS)).allMatch(m -> m.getLongGaugeData().getPoints().isEmpty());
    sink.close();
  }
}
