package dev.goroscope.correlate;

import static dev.goroscope.correlate.Events.ns;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.event.AppSpan;
import dev.goroscope.event.Event;
import dev.goroscope.record.AppSpanEvents;
import dev.goroscope.record.GoroutineEvent;
import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.testing.RecordingSink;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which application span a goroutine is created under ({@link AppSpans}), from synthetic probe
 * events: nested spans, spans ended on another goroutine or after their goroutine, unsampled
 * spans, descendants, bounds, and the start events announced to the sink as they happen.
 */
class AppSpansTest {

  static final int PID = 4343;
  static final long TRACE_HI = 0x0af7651916cd43ddL;
  static final long TRACE_LO = 0x8448eb211c80319cL;

  RecordingSink sink;
  Events ev;
  Correlator correlator;

  @BeforeEach
  void setUp() {
    sink = new RecordingSink();
    ev = new Events(PID);
    correlator = Correlator.builder(sink)
        .setConfig(CorrelatorConfig.builder().setReorderWindow(Duration.ofMillis(5)).build())
        .setDefaultSymbolizer(new FakeSymbolizer())
        .setClock(() -> 0)
        .build();
  }

  static AppSpan start(double ms, long goid, long spanId, long parentSpanId, boolean sampled) {
    return new AppSpan(ns(ms), PID, 1, 0, goid, AppSpan.Phase.START, TRACE_HI, TRACE_LO, spanId,
        parentSpanId, sampled, sampled);
  }

  static AppSpan end(double ms, long goid, long spanId) {
    return new AppSpan(ns(ms), PID, 1, 0, goid, AppSpan.Phase.END, TRACE_HI, TRACE_LO, spanId, 0,
        true, true);
  }

  void feed(Event... events) {
    for (Event e : events) {
      correlator.accept(e);
    }
  }

  /** The last record of {@code goid} (those still alive end as partial at close). */
  GoroutineRecord record(long goid) {
    GoroutineRecord last = null;
    for (GoroutineRecord r : sink.goroutines) {
      if (r.goid() == goid) {
        last = r;
      }
    }
    assertThat(last).as("a record of goroutine %d", goid).isNotNull();
    return last;
  }

  static String hex(long id) {
    return AppSpan.hex16(id);
  }

  @Test
  void nestedSpansCoverTheirChildrenInnermostFirst() {
    feed(ev.created(1000, 10, 1),
        start(1001, 10, 0xa, 0, true),
        start(1002, 10, 0xb, 0xa, true),
        ev.created(1003, 11, 10), // under b
        ev.created(1004, 12, 11), // created by 11, which has no span: follows 11
        end(1005, 10, 0xb),
        ev.created(1006, 13, 10), // under a
        end(1007, 10, 0xa),
        ev.created(1008, 14, 10)); // under none
    correlator.close();

    assertThat(under(11)).isEqualTo(hex(0xb));
    // Known when the sink first hears of it (a span sink decides the parent then).
    assertThat(sink.startedGoroutines.stream().filter(r -> r.goid() == 11).findFirst()
        .orElseThrow().attributes().get(AppSpanEvents.UNDER_SPAN_ID)).isEqualTo(hex(0xb));
    assertThat(record(11).attributes().get(AppSpanEvents.UNDER_TRACE_ID))
        .isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(record(11).attributes().get(AppSpanEvents.UNDER_SAMPLED)).isTrue();
    assertThat(under(12)).as("a descendant follows its creator, not the span").isNull();
    assertThat(under(13)).isEqualTo(hex(0xa));
    assertThat(under(14)).isNull();
    List<GoroutineEvent> events = record(10).events();
    assertThat(events).extracting(GoroutineEvent::name).containsExactly(AppSpanEvents.START,
        AppSpanEvents.START, AppSpanEvents.END, AppSpanEvents.END);
    assertThat(events.get(1).attributes().get(AppSpanEvents.PARENT_SPAN_ID)).isEqualTo(hex(0xa));
    assertThat(events.get(0).attributes().get(AppSpanEvents.PARENT_SPAN_ID)).isNull();
    assertThat(correlator.stats().appSpansStarted()).isEqualTo(2);
    assertThat(correlator.stats().appSpansEnded()).isEqualTo(2);
    assertThat(correlator.stats().goroutinesUnderAppSpans()).isEqualTo(2);
  }

  @Test
  void aSpanEndedOnAnotherGoroutineNoLongerCoversItsStarter() {
    feed(ev.created(1000, 10, 1), ev.created(1000.5, 20, 1),
        start(1001, 10, 0xa, 0, true),
        start(1002, 10, 0xb, 0xa, true),
        end(1003, 20, 0xa), // the outer one, out of order and elsewhere
        ev.created(1004, 11, 10), // still under b
        end(1005, 10, 0xb),
        ev.created(1006, 12, 10)); // a is gone too
    correlator.close();

    assertThat(under(11)).isEqualTo(hex(0xb));
    assertThat(under(12)).isNull();
    assertThat(record(20).events()).extracting(GoroutineEvent::name)
        .containsExactly(AppSpanEvents.END);
    assertThat(record(10).events()).extracting(GoroutineEvent::name)
        .containsExactly(AppSpanEvents.START, AppSpanEvents.START, AppSpanEvents.END);
    assertThat(correlator.stats().appSpanEndsUnknown()).isZero();
  }

  @Test
  void aSpanThatOutlivesItsGoroutineIsStillRecognisedAtItsEnd() {
    feed(ev.created(1000, 10, 1),
        start(1001, 10, 0xa, 0, true),
        ev.created(1002, 11, 10),
        ev.exited(1003, 10),
        end(1010, 11, 0xa),
        end(1011, 11, 0xdead)); // never started while watched
    correlator.close();

    assertThat(under(11)).isEqualTo(hex(0xa));
    assertThat(correlator.stats().appSpansEnded()).isEqualTo(1);
    assertThat(correlator.stats().appSpanEndsUnknown()).isEqualTo(1);
    assertThat(record(11).events()).extracting(e -> e.attributes()
        .get(AppSpanEvents.SPAN_ID)).containsExactly(hex(0xa), hex(0xdead));
  }

  @Test
  void unsampledSpansCoverTheirChildrenTooAndSaySo() {
    feed(ev.created(1000, 10, 1),
        start(1001, 10, 0xa, 0, false),
        ev.created(1002, 11, 10),
        end(1003, 10, 0xa));
    correlator.close();

    assertThat(under(11)).isEqualTo(hex(0xa));
    assertThat(record(11).attributes().get(AppSpanEvents.UNDER_SAMPLED)).isFalse();
  }

  @Test
  void startsAreAnnouncedAsTheyHappenWithTheirGoroutine() {
    feed(ev.created(1000, 10, 1), start(1001, 10, 0xa, 0, true), end(1002, 10, 0xa));
    correlator.advanceTo(ns(1100)); // past the reorder window, long before 10 ends

    assertThat(sink.announced).hasSize(1);
    RecordingSink.Announced a = sink.announced.get(0);
    assertThat(a.goroutine().goid()).isEqualTo(10);
    assertThat(a.goroutine().isPartial()).isTrue();
    assertThat(a.event().name()).isEqualTo(AppSpanEvents.START);
    assertThat(a.event().timestampNs()).isEqualTo(ns(1001));
    assertThat(a.event().attributes().get(AppSpanEvents.SPAN_ID)).isEqualTo(hex(0xa));
    assertThat(a.event().attributes().get(AppSpanEvents.TRACE_ID))
        .isEqualTo("0af7651916cd43dd8448eb211c80319c");
  }

  @Test
  void aGoroutineStackHoldsTheInnermostSpansOnly() {
    feed(ev.created(1000, 10, 1));
    int n = AppSpans.MAX_STACK + 8;
    for (int i = 1; i <= n; i++) {
      feed(start(1000 + i * 0.01, 10, i, i - 1, true));
    }
    // End the innermost MAX_STACK: the older 8 were forgotten by the goroutine.
    for (int i = n; i > 8; i--) {
      feed(end(1001 + (n - i) * 0.01, 10, i));
    }
    feed(ev.created(1002, 11, 10));
    correlator.close();

    assertThat(under(11)).isNull();
    assertThat(record(10).events()).hasSize(AppSpans.MAX_EVENTS_PER_GOROUTINE);
    assertThat(correlator.stats().appSpanEventsTruncated())
        .isEqualTo(n + (n - 8) - AppSpans.MAX_EVENTS_PER_GOROUTINE);
  }

  @Test
  void aDuplicateStartIsDroppedAndTheProcessEndForgetsItsSpans() {
    feed(ev.created(1000, 10, 1), start(1001, 10, 0xa, 0, true), start(1001.5, 10, 0xa, 0, true));
    correlator.processEnded(PID, ns(1002));
    feed(ev.created(1003, 10, 1)); // a new process, same pid: no span of the old one is open
    feed(ev.created(1004, 11, 10));
    correlator.close();

    assertThat(correlator.stats().duplicatesDropped()).isEqualTo(1);
    assertThat(correlator.stats().appSpansStarted()).isEqualTo(1);
    assertThat(under(11)).isNull();
  }

  private String under(long goid) {
    return record(goid).attributes().get(AppSpanEvents.UNDER_SPAN_ID);
  }
}
