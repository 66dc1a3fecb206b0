package dev.goroscope.otel.metrics;

import dev.goroscope.record.BurstStatus;
import dev.goroscope.record.LeakGroupRecord;
import dev.goroscope.record.SampleRecord;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleGauge;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import io.opentelemetry.semconv.CodeAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sampled mode's metrics, from each process's latest {@link SampleRecord}: goroutines by the
 * runtime's state, by wait reason and by creation site (gauges), the time goroutines spent
 * blocked (a counter, by wait reason), the leak groups (a gauge per group) and, with precise
 * bursts, the estimated target overhead. Gauges report the last sample of each process still
 * watched; sites beyond the record's 50 largest are not reported.
 *
 * <table>
 *   <caption>instruments</caption>
 *   <tr><td>{@value #BY_STATUS}</td><td>gauge</td><td>{@code goroutine.status}</td></tr>
 *   <tr><td>{@value #BY_WAIT_REASON}</td><td>gauge</td><td>{@code goroutine.wait_reason}</td></tr>
 *   <tr><td>{@value #BY_SITE}</td><td>gauge</td><td>{@code code.function.name},
 *   {@code code.file.path}, {@code code.line.number}</td></tr>
 *   <tr><td>{@value #BLOCKED_TIME}</td><td>counter (s)</td><td>{@code goroutine.wait_reason}</td></tr>
 *   <tr><td>{@value #LEAK_GROUP}</td><td>gauge</td><td>{@code goroutine.leak.group}, {@code
 *   goroutine.leak.reason}, {@code goroutine.wait_reason}, {@code code.function.name}…</td></tr>
 *   <tr><td>{@value #OVERHEAD}</td><td>gauge (1)</td><td>estimated target overhead of precise
 *   bursts, a ratio (0.004 = 0.4 %)</td></tr>
 * </table>
 * Every point also has {@code process.pid}.
 */
final class SampledMetrics implements AutoCloseable {

  static final String BY_STATUS = "goroscope.goroutines.sampled";
  static final String BY_WAIT_REASON = "goroscope.goroutines.waiting";
  static final String BY_SITE = "goroscope.goroutines.by_site";
  static final String BLOCKED_TIME = "goroscope.goroutines.blocked_time";
  static final String LEAK_GROUP = "goroscope.leak.group.size";
  static final String OVERHEAD = "goroscope.overhead.estimated";

  static final AttributeKey<Long> PID = AttributeKey.longKey("process.pid");
  static final AttributeKey<String> STATUS = AttributeKey.stringKey("goroutine.status");
  static final AttributeKey<String> WAIT_REASON = AttributeKey.stringKey("goroutine.wait_reason");
  static final AttributeKey<String> GROUP = AttributeKey.stringKey("goroutine.leak.group");
  static final AttributeKey<String> REASON = AttributeKey.stringKey("goroutine.leak.reason");

  private final Map<Integer, SampleRecord> latest = new HashMap<>();
  private final DoubleCounter blocked;
  private final List<AutoCloseable> gauges = new ArrayList<>();

  SampledMetrics(Meter meter) {
    blocked = meter.counterBuilder(BLOCKED_TIME).ofDoubles().setUnit("s")
        .setDescription("Time goroutines were seen blocked (sampled mode), by wait reason")
        .build();
    ObservableLongGauge byStatus = meter.gaugeBuilder(BY_STATUS).ofLongs()
        .setUnit("{goroutine}").setDescription("Goroutines at the last sample, by state")
        .buildWithCallback(m -> each(r -> r.byStatus().forEach((k, n) ->
            m.record(n, Attributes.of(PID, (long) r.pid(), STATUS, k)))));
    ObservableLongGauge byReason = meter.gaugeBuilder(BY_WAIT_REASON).ofLongs()
        .setUnit("{goroutine}").setDescription("Waiting goroutines at the last sample, by wait"
            + " reason")
        .buildWithCallback(m -> each(r -> r.byWaitReason().forEach((k, n) ->
            m.record(n, Attributes.of(PID, (long) r.pid(), WAIT_REASON, k)))));
    ObservableLongGauge bySite = meter.gaugeBuilder(BY_SITE).ofLongs()
        .setUnit("{goroutine}").setDescription("Goroutines at the last sample, by creation site")
        .buildWithCallback(m -> each(r -> r.bySite().forEach(c -> m.record(c.count(),
            Attributes.of(PID, (long) r.pid(), CodeAttributes.CODE_FUNCTION_NAME,
                c.site().function(), CodeAttributes.CODE_FILE_PATH, c.site().file(),
                CodeAttributes.CODE_LINE_NUMBER, (long) c.site().line())))));
    ObservableLongGauge leaks = meter.gaugeBuilder(LEAK_GROUP).ofLongs()
        .setUnit("{goroutine}").setDescription("Members of each leak group at the last sample")
        .buildWithCallback(m -> each(r -> {
          for (LeakGroupRecord g : r.leakGroups()) {
            m.record(g.count(), Attributes.builder().put(PID, (long) r.pid())
                .put(GROUP, g.id()).put(REASON, g.reason()).put(WAIT_REASON, g.waitReason())
                .put(CodeAttributes.CODE_FUNCTION_NAME, g.creationSite().function())
                .put(CodeAttributes.CODE_FILE_PATH, g.creationSite().file())
                .put(CodeAttributes.CODE_LINE_NUMBER, (long) g.creationSite().line()).build());
          }
        }));
    ObservableDoubleGauge overhead = meter.gaugeBuilder(OVERHEAD).setUnit("1")
        .setDescription("Estimated overhead of precise bursts on the target: trap time over its"
            + " own CPU time")
        .buildWithCallback(m -> each(r -> {
          BurstStatus b = r.bursts();
          if (b != null) {
            m.record(b.estimatedOverheadPercent() / 100.0, Attributes.of(PID, (long) r.pid()));
          }
        }));
    gauges.addAll(List.of(byStatus, byReason, bySite, leaks, overhead));
  }

  synchronized void sampled(SampleRecord r) {
    latest.put(r.pid(), r);
    r.blockedNs().forEach((reason, ns) -> blocked.add(ns / 1e9,
        Attributes.of(PID, (long) r.pid(), WAIT_REASON, reason)));
  }

  synchronized void processEnded(int pid) {
    latest.remove(pid);
  }

  private synchronized void each(java.util.function.Consumer<SampleRecord> action) {
    latest.values().forEach(action);
  }

  @Override
  public void close() {
    for (AutoCloseable g : gauges) {
      try {
        g.close();
      } catch (Exception e) {
        // closing an instrument callback does not fail in a way the caller could act on
      }
    }
  }
}
