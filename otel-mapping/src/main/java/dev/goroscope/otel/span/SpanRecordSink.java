package dev.goroscope.otel.span;

import dev.goroscope.otel.resource.ProcessResources;
import dev.goroscope.record.AppSpanEvents;
import dev.goroscope.record.AttachmentKey;
import dev.goroscope.record.Attrs;
import dev.goroscope.record.Goroutine;
import dev.goroscope.record.ProcessInfo;
import dev.goroscope.record.RecordSink;
import dev.goroscope.record.StwRecord;
import io.opentelemetry.api.internal.ImmutableSpanContext;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns goroutines into spans, one span per goroutine, for one or more {@link SpanExporter}s
 * (the OTLP batcher, the console tree), which then all see the same trace and span ids.
 *
 * <p>A goroutine's place in a trace ({@link Lineage}) is decided when it starts — its creator,
 * when traced, started before it — and kept on the goroutine as an attachment: a child span
 * joins its creator's trace; a goroutine starts a trace of its own when its creator is not
 * traced (created before goroscope attached, or by the runtime), when its start function is a
 * {@link TraceRootPolicy} root, or when its traced creator's lineage is gone
 * ({@code parent_unseen}). The span is exported once, when the goroutine ends; one still alive
 * when watching stops is exported then, marked {@code goroutine.partial}.
 *
 * <p>Never throws from the record methods: a failing exporter is isolated and counted.
 */
public final class SpanRecordSink implements RecordSink {

  /** The goroutine's span lineage, attached at start. */
  static final AttachmentKey<Lineage> LINEAGE = AttachmentKey.create("span lineage");

  private final SpanMappingConfig config;
  private final ProcessResources processResources;
  private final List<SpanExporter> exporters;
  private final GoroutineSpanMapper mapper;
  private final IdGenerator ids;
  private final boolean idsNeedNoCheck;
  private final Map<Integer, Resource> resources = new HashMap<>();
  /** The runtime trace of each process with stop-the-world pauses. */
  private final Map<Integer, RuntimeSpans> runtimeTraces = new HashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private long spans;
  private long partialSpans;
  private long unsampled;
  private long underAppSpans;
  private long exporterErrors;
  private long mappingErrors;

  public SpanRecordSink(
      SpanMappingConfig config, ProcessResources processResources, List<SpanExporter> exporters) {
    this.config = Objects.requireNonNull(config, "config");
    this.processResources = Objects.requireNonNull(processResources, "processResources");
    this.exporters = List.copyOf(exporters);
    this.mapper = new GoroutineSpanMapper(config);
    this.ids = config.idGenerator();
    this.idsNeedNoCheck = ids == IdGenerator.random();
  }

  @Override
  public synchronized void processStarted(ProcessInfo process) {
    try {
      resources.put(process.pid(), processResources.forProcess(process));
    } catch (RuntimeException e) {
      mappingErrors++;
    }
  }

  @Override
  public synchronized void goroutineStarted(Goroutine g) {
    if (!closed.get()) {
      g.setAttachment(LINEAGE, decide(g));
    }
  }

  @Override
  public synchronized void goroutineEnded(Goroutine g) {
    if (closed.get()) {
      return;
    }
    SpanData span;
    try {
      Lineage lineage = g.attachment(LINEAGE);
      if (lineage == null) {
        lineage = decide(g); // started before this sink saw it
      }
      if (!lineage.exported()) {
        unsampled++; // the application's sampler dropped the span it was created under
        return;
      }
      span = mapper.map(g, lineage, resource(g.pid()), goid -> {
        Lineage w = g.attachmentOf(goid, LINEAGE);
        return w == null ? null : w.self();
      });
    } catch (RuntimeException e) {
      mappingErrors++;
      return;
    }
    spans++;
    if (g.isPartial()) {
      partialSpans++;
    }
    List<SpanData> batch = List.of(span);
    for (SpanExporter exporter : exporters) {
      try {
        exporter.export(batch);
      } catch (RuntimeException e) {
        exporterErrors++;
      }
    }
  }

  /** One span per pause, in the process's runtime trace (its root is exported at the end). */
  @Override
  public synchronized void stopTheWorld(StwRecord pause) {
    if (closed.get()) {
      return;
    }
    SpanData span;
    try {
      RuntimeSpans trace = runtimeTraces.computeIfAbsent(pause.pid(),
          p -> new RuntimeSpans(config.clock(), ids));
      span = trace.pause(pause, ids, resource(pause.pid()));
    } catch (RuntimeException e) {
      mappingErrors++;
      return;
    }
    spans++;
    export(List.of(span));
  }

  @Override
  public synchronized void processEnded(int pid, long timestampNs) {
    endRuntimeTrace(pid, false);
    resources.remove(pid);
  }

  private void endRuntimeTrace(int pid, boolean partial) {
    RuntimeSpans trace = runtimeTraces.remove(pid);
    if (trace == null || !trace.hasPauses()) {
      return;
    }
    try {
      SpanData root = trace.root(resource(pid), partial);
      spans++;
      if (partial) {
        partialSpans++;
      }
      export(List.of(root));
    } catch (RuntimeException e) {
      mappingErrors++;
    }
  }

  private void export(List<SpanData> batch) {
    for (SpanExporter exporter : exporters) {
      try {
        exporter.export(batch);
      } catch (RuntimeException e) {
        exporterErrors++;
      }
    }
  }

  @Override
  public synchronized void flush() {
    for (SpanExporter exporter : exporters) {
      try {
        exporter.flush();
      } catch (RuntimeException e) {
        exporterErrors++;
      }
    }
  }

  /** Shuts the exporters down, each within its own bounded time. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed.get()) {
        return;
      }
      // Processes still running: their runtime trace's root, as partial.
      for (Integer pid : List.copyOf(runtimeTraces.keySet())) {
        endRuntimeTrace(pid, true);
      }
    }
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (SpanExporter exporter : exporters) {
      try {
        exporter.shutdown().join(30, TimeUnit.SECONDS);
      } catch (RuntimeException e) {
        synchronized (this) {
          exporterErrors++;
        }
      }
    }
  }

  /** Counters for the summary line. */
  public synchronized Stats stats() {
    return new Stats(spans, partialSpans, mappingErrors, exporterErrors, underAppSpans,
        unsampled);
  }

  /**
   * @param spans spans handed to the exporters
   * @param partialSpans of those, of goroutines still alive when watching stopped
   * @param mappingErrors goroutines that could not be mapped
   * @param exporterErrors exceptions thrown by exporters
   * @param underAppSpans goroutines placed under an application span, in its trace
   * @param unsampled goroutines not exported because the application span they were created
   *     under (or their creator's) was not sampled
   */
  public record Stats(long spans, long partialSpans, long mappingErrors, long exporterErrors,
      long underAppSpans, long unsampled) {

    public Stats(long spans, long partialSpans, long mappingErrors, long exporterErrors) {
      this(spans, partialSpans, mappingErrors, exporterErrors, 0, 0);
    }
  }

  /**
   * The lineage of a goroutine starting now. A goroutine created under an application span
   * (the record's {@code goroutine.app_span.*} attributes) is a child of that span, in its trace
   * — unless its start function is a trace root, which keeps its own trace — and is exported
   * only if the span was sampled (or {@link SpanMappingConfig#exportUnsampled()}). Any other
   * goroutine follows its creator: same trace, same export decision.
   */
  private Lineage decide(Goroutine g) {
    long parentGoid = g.parentGoid();
    Lineage parent = parentGoid > 0 ? g.attachmentOf(parentGoid, LINEAGE) : null;
    boolean rootFunction = config.rootPolicy().isRootFunction(g.startFunction());
    SpanContext app = rootFunction ? null : appSpan(g);
    if (app != null) {
      underAppSpans++;
      SpanContext self = generated(app.getTraceId(), ids.generateSpanId());
      SpanContext creator = parent != null && parent.exported()
          && !parent.self().getTraceId().equals(app.getTraceId())
          ? parent.self() : SpanContext.getInvalid();
      return new Lineage(self, app, null, creator,
          app.isSampled() || config.exportUnsampled());
    }
    if (!g.parentTraced() || parentGoid <= 0) {
      return root(GoroutineAttributes.ROOT_PARENT_UNTRACED, parent);
    }
    if (rootFunction) {
      return root(GoroutineAttributes.ROOT_FUNCTION, parent);
    }
    if (parent == null) {
      return root(GoroutineAttributes.ROOT_PARENT_UNSEEN, null);
    }
    SpanContext self = generated(parent.self().getTraceId(), ids.generateSpanId());
    return new Lineage(self, parent.self(), null, SpanContext.getInvalid(), parent.exported());
  }

  /** The application span {@code g} was created under, or null. */
  private static SpanContext appSpan(Goroutine g) {
    Attrs a = g.attributes();
    String traceId = a.get(AppSpanEvents.UNDER_TRACE_ID);
    String spanId = a.get(AppSpanEvents.UNDER_SPAN_ID);
    if (traceId == null || spanId == null) {
      return null;
    }
    SpanContext app = SpanContext.create(traceId, spanId,
        Boolean.TRUE.equals(a.get(AppSpanEvents.UNDER_SAMPLED))
            ? TraceFlags.getSampled() : TraceFlags.getDefault(),
        TraceState.getDefault());
    return app.isValid() ? app : null;
  }

  private Lineage root(String reason, Lineage creator) {
    SpanContext self = generated(ids.generateTraceId(), ids.generateSpanId());
    return new Lineage(self, SpanContext.getInvalid(), reason,
        creator != null && creator.exported() ? creator.self() : SpanContext.getInvalid());
  }

  /**
   * A sampled context of a new span id under {@code traceId}, which is a valid one (generated, or
   * a checked context's). The ids of the SDK's random generator need no hex check: the SDK's own
   * span builder skips it for that generator too, through the same factory. The check was ~6 % of
   * the thread that reads the kernel's events with OTLP output (JFR, 2026-12-02); any other
   * generator's ids are still checked.
   */
  private SpanContext generated(String traceId, String spanId) {
    return ImmutableSpanContext.create(traceId, spanId, TraceFlags.getSampled(),
        TraceState.getDefault(), false, idsNeedNoCheck);
  }

  private Resource resource(int pid) {
    return resources.computeIfAbsent(
        pid, p -> processResources.forProcess(new ProcessInfo(p, "", "", "")));
  }
}
