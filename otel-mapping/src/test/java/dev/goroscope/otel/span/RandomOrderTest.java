package dev.goroscope.otel.span;

import static dev.goroscope.otel.span.GoroutineAttributes.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.otel.resource.ProcessResources;
import dev.goroscope.otel.testing.Feed;
import dev.goroscope.otel.testing.Spans;
import dev.goroscope.otel.time.ClockOffset;
import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.record.GoroutineState;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Random spawn forests: goroutines start in creation order (as the correlator guarantees) and
 * end in random order, with updates sprinkled in: the spans must form exactly the forest,
 * whatever the order.
 */
class RandomOrderTest {

  @Test
  void anyEndOrderGivesTheSameForest() {
    for (long seed = 1; seed <= 200; seed++) {
      check(new Random(seed));
    }
  }

  private void check(Random rnd) {
    int n = 2 + rnd.nextInt(60);
    long[] parent = new long[n + 1];
    boolean[] rootFn = new boolean[n + 1];
    List<GoroutineRecord> records = new ArrayList<>();
    for (int g = 1; g <= n; g++) {
      parent[g] = g == 1 || rnd.nextInt(8) == 0 ? 0 : 1 + rnd.nextInt(g - 1);
      rootFn[g] = rnd.nextInt(6) == 0;
      GoroutineRecord.Builder b = GoroutineRecord.builder(1, g)
          .setParentGoid(parent[g])
          .setParentTraced(parent[g] != 0)
          .setStartFunction(rootFn[g] ? "net/http.(*conn).serve" : "main.f" + g)
          .setStartNs(g * 100L);
      if (rnd.nextInt(3) == 0) {
        records.add(b.setEndNs(-1).setState(GoroutineState.RUNNING).build());
      }
      if (rnd.nextInt(5) != 0) { // some goroutines never finish: flushed at close
        records.add(b.setEndNs(g * 100L + 50).setState(GoroutineState.EXITED).build());
      } else if (records.stream().noneMatch(r -> r.goid() == b.build().goid())) {
        records.add(b.setEndNs(-1).setState(GoroutineState.WAITING).build());
      }
    }
    // Shuffle but keep each goroutine's own records in order (partial before final).
    List<GoroutineRecord> shuffled = new ArrayList<>(records);
    Collections.shuffle(shuffled, rnd);
    Map<Long, List<GoroutineRecord>> perG = new HashMap<>();
    records.forEach(r -> perG.computeIfAbsent(r.goid(), k -> new ArrayList<>()).add(r));
    Map<Long, Integer> next = new HashMap<>();
    List<GoroutineRecord> order = new ArrayList<>();
    for (GoroutineRecord r : shuffled) {
      int i = next.merge(r.goid(), 1, Integer::sum) - 1;
      order.add(perG.get(r.goid()).get(i));
    }

    InMemorySpanExporter out = InMemorySpanExporter.create();
    try (SpanRecordSink s = new SpanRecordSink(
        SpanMappingConfig.builder().setClock(ClockOffset.of(0)).build(),
        ProcessResources.create("svc", io.opentelemetry.sdk.resources.Resource.empty(), "h"),
        List.of(Spans.keeping(out, new AtomicInteger())))) {
      Feed feed = new Feed(s);
      for (int g = 1; g <= n; g++) {
        feed.start(perG.get((long) g).get(0));
      }
      for (GoroutineRecord r : order) {
        if (r.isPartial()) {
          feed.update(r);
        } else {
          feed.end(r);
        }
      }
      feed.stopWatching(n * 100L + 1000);
    }

    assertThat(out.getFinishedSpanItems()).hasSize(n);
    Map<Long, SpanData> byG = new HashMap<>();
    for (SpanData sp : out.getFinishedSpanItems()) {
      assertThat(byG.put(sp.getAttributes().get(GOROUTINE_ID), sp)).isNull();
    }
    for (int g = 1; g <= n; g++) {
      SpanData sp = byG.get((long) g);
      boolean root = parent[g] == 0 || rootFn[g];
      if (root) {
        assertThat(sp.getParentSpanContext().isValid()).as("g%d is a root", g).isFalse();
      } else {
        SpanData p = byG.get(parent[g]);
        assertThat(sp.getParentSpanId()).as("parent of g%d", g).isEqualTo(p.getSpanId());
        assertThat(sp.getTraceId()).isEqualTo(p.getTraceId());
      }
      assertThat(sp.getEndEpochNanos()).isGreaterThanOrEqualTo(sp.getStartEpochNanos());
    }
  }
}
