package dev.goroscope.otel.enrich;

import dev.goroscope.otel.receiver.SpanEnricher;
import dev.goroscope.otel.time.ClockOffset;
import dev.goroscope.otel.receiver.SpanEnrichment;
import dev.goroscope.record.AppSpanEvents;
import dev.goroscope.record.Goroutine;
import dev.goroscope.record.GoroutineEvent;
import dev.goroscope.record.ProcessInfo;
import dev.goroscope.record.RecordSink;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Gives each application span that passes through the OTLP receiver the {@code goroutine.id} of
 * the goroutine that started it. It is two things at once: a {@link RecordSink} that learns, from
 * the correlator's {@code app_span.start} events as they happen ({@link
 * RecordSink#goroutineEvent}), which goroutine started which span (trace id + span id); and the
 * receiver's {@link SpanEnricher}, which looks each received span up.
 *
 * <p>A span not known yet is answered {@link SpanEnrichment#pending()} — the receiver holds its
 * request briefly (its enrichment wait) and asks again when {@link #setListener listened-for}
 * news arrive — only when its probe event may still come: the correlator has not yet handed
 * over events as late as the span's start (plus {@link #SLACK}; every sink call says how far it
 * got), and its resource does not name a {@code process.pid} goroscope is not watching.
 * Anything else unknown (another service's spans, spans started before goroscope attached) is
 * forwarded at once, unchanged, and counted unmatched by the receiver.
 *
 * <p>Memory: the last {@link #DEFAULT_MAX_SPANS} span starts (about 100 bytes each). Thread-safe:
 * the correlator's thread writes, the receiver's enrichment thread reads.
 */
public final class GoroutineIdEnricher implements SpanEnricher, RecordSink {

  /** The attribute added to matched spans (the same key as on goroutine spans). */
  public static final String GOROUTINE_ID = "goroutine.id";
  /** Span starts remembered by default. */
  public static final int DEFAULT_MAX_SPANS = 65_536;
  /**
   * How far past an unknown span's start the correlator must have got before the span is given
   * up: the probe fires when Start returns (after the span's start time was taken and its span
   * processors ran), and the two clocks are converted with one offset.
   */
  public static final Duration SLACK = Duration.ofSeconds(1);

  private record Key(long traceHigh, long traceLow, long spanId) {}

  private final int maxSpans;
  private final ClockOffset clock;
  /** The latest moment (monotonic ns) the correlator's calls describe: it got that far. */
  private final AtomicLong seenUpTo = new AtomicLong(Long.MIN_VALUE);
  private final Map<Key, Long> starts; // guarded by itself
  private final Set<Long> watchedPids = ConcurrentHashMap.newKeySet();
  private final AtomicReference<Runnable> listener = new AtomicReference<>(() -> { });
  private final AtomicLong learned = new AtomicLong();

  private GoroutineIdEnricher(int maxSpans, ClockOffset clock) {
    if (maxSpans <= 0) {
      throw new IllegalArgumentException("max spans must be positive, got " + maxSpans);
    }
    this.maxSpans = maxSpans;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.starts = new LinkedHashMap<>(1024, 0.75f, false) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, Long> eldest) {
        return size() > GoroutineIdEnricher.this.maxSpans;
      }
    };
  }

  /**
   * @param clock the run's monotonic → epoch conversion (the one spans use)
   */
  public static GoroutineIdEnricher create(ClockOffset clock) {
    return create(DEFAULT_MAX_SPANS, clock);
  }

  /**
   * @param maxSpans span starts remembered (the oldest are forgotten)
   * @param clock the run's monotonic → epoch conversion
   */
  public static GoroutineIdEnricher create(int maxSpans, ClockOffset clock) {
    return new GoroutineIdEnricher(maxSpans, clock);
  }

  /** Called after each span start learned, e.g. {@code receiver::enricherUpdated}. */
  public void setListener(Runnable onLearned) {
    listener.set(Objects.requireNonNull(onLearned, "onLearned"));
  }

  /** Span starts learned so far. */
  public long learned() {
    return learned.get();
  }

  // ---- RecordSink: what the probes saw ----

  @Override
  public void processStarted(ProcessInfo process) {
    watchedPids.add((long) process.pid());
  }

  @Override
  public void goroutineStarted(Goroutine g) {
    progress(g.asOfNs());
  }

  @Override
  public void goroutineUpdated(Goroutine g) {
    progress(g.asOfNs());
  }

  @Override
  public void goroutineEnded(Goroutine g) {
    progress(g.asOfNs());
  }

  @Override
  public void goroutineEvent(Goroutine g, GoroutineEvent event) {
    progress(event.timestampNs());
    if (!event.name().equals(AppSpanEvents.START)) {
      return;
    }
    Key key = key(event.attributes().get(AppSpanEvents.TRACE_ID),
        event.attributes().get(AppSpanEvents.SPAN_ID));
    if (key == null) {
      return;
    }
    synchronized (starts) {
      starts.put(key, g.goid());
    }
    watchedPids.add((long) g.pid());
    learned.incrementAndGet();
    listener.get().run();
  }

  private void progress(long monotonicNs) {
    seenUpTo.accumulateAndGet(monotonicNs, Math::max);
  }

  // ---- SpanEnricher: the application's spans ----

  @Override
  public SpanEnrichment enrich(Resource resource, InstrumentationScope scope, Span span) {
    Key key = key(span.getTraceId().toByteArray(), span.getSpanId().toByteArray());
    if (key == null) {
      return SpanEnrichment.none();
    }
    Long goid;
    synchronized (starts) {
      goid = starts.get(key);
    }
    if (goid != null) {
      return SpanEnrichment.add(KeyValue.newBuilder().setKey(GOROUTINE_ID)
          .setValue(AnyValue.newBuilder().setIntValue(goid)).build());
    }
    return mayStillCome(resource, span) ? SpanEnrichment.pending() : SpanEnrichment.none();
  }

  /** Whether the probe event of an unknown span may still arrive. */
  private boolean mayStillCome(Resource resource, Span span) {
    for (KeyValue kv : resource.getAttributesList()) {
      if (kv.getKey().equals("process.pid") && kv.getValue().hasIntValue()
          && !watchedPids.contains(kv.getValue().getIntValue())) {
        return false;
      }
    }
    long seen = seenUpTo.get();
    return seen == Long.MIN_VALUE
        || clock.toEpochNanos(seen) < span.getStartTimeUnixNano() + SLACK.toNanos();
  }

  private static Key key(String traceIdHex, String spanIdHex) {
    if (traceIdHex == null || spanIdHex == null || traceIdHex.length() != 32
        || spanIdHex.length() != 16) {
      return null;
    }
    try {
      return key(HexFormat.of().parseHex(traceIdHex), HexFormat.of().parseHex(spanIdHex));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Key key(byte[] traceId, byte[] spanId) {
    if (traceId.length != 16 || spanId.length != 8) {
      return null;
    }
    ByteBuffer t = ByteBuffer.wrap(traceId);
    return new Key(t.getLong(0), t.getLong(8), ByteBuffer.wrap(spanId).getLong(0));
  }
}
