package dev.goroscope.otel.sink;

import dev.goroscope.otel.console.ConsoleTreeExporter;
import dev.goroscope.otel.export.BatchConfig;
import dev.goroscope.otel.export.BatchingSpanExporter;
import dev.goroscope.otel.export.ExportStats;
import dev.goroscope.otel.export.MetricExportStats;
import dev.goroscope.otel.export.OtlpSettings;
import dev.goroscope.otel.export.OtlpSetup;
import dev.goroscope.otel.jsonl.JsonLinesSink;
import dev.goroscope.otel.metrics.GoroutineMetricsSink;
import dev.goroscope.otel.resource.ProcessResources;
import dev.goroscope.otel.span.SpanMappingConfig;
import dev.goroscope.otel.span.SpanRecordSink;
import dev.goroscope.otel.span.TraceRootPolicy;
import dev.goroscope.otel.time.ClockOffset;
import dev.goroscope.record.ContextRecord;
import dev.goroscope.record.Goroutine;
import dev.goroscope.record.GoroutineEvent;
import dev.goroscope.record.ProcessInfo;
import dev.goroscope.record.RecordSink;
import dev.goroscope.record.StwRecord;
import dev.goroscope.record.ThreadsRecord;
import dev.goroscope.record.SampleRecord;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Everything the command line needs behind one {@link RecordSink}: any mix of console tree,
 * JSON lines and OTLP (spans, optionally metrics), sharing one clock offset and one span
 * mapping so console and OTLP show the same trace ids, plus the outputs' own counters (what was
 * exported, dropped, written) for the summary; what was seen is counted by the correlator.
 *
 * <pre>{@code
 * ExportPipeline out = ExportPipeline.builder()
 *     .setServiceName(cliServiceName)              // null: OTEL_SERVICE_NAME, else exe name
 *     .setRootFunctions(cliRoots)                  // null: TraceRootPolicy defaults
 *     .enableOtlp(OtlpSetup.builder().setEndpoint(flag)) // OTEL_EXPORTER_OTLP_* + flags
 *     .enableConsole(System.err)
 *     .build();
 * }</pre>
 */
public final class ExportPipeline implements RecordSink {

  private final RecordSink delegate;
  private final BatchingSpanExporter otlp;
  private final OtlpSetup setup; // null without the OTLP output
  private final OtlpSettings otlpSettings;
  private final SpanRecordSink spans;
  private final JsonLinesSink jsonl;

  private ExportPipeline(RecordSink delegate, BatchingSpanExporter otlp, OtlpSetup setup,
      SpanRecordSink spans, JsonLinesSink jsonl) {
    this.delegate = delegate;
    this.otlp = otlp;
    this.setup = setup;
    this.otlpSettings = setup != null ? setup.settings() : null;
    this.spans = spans;
    this.jsonl = jsonl;
  }

  /** Where spans go over OTLP, as configured; null without the OTLP output. */
  public OtlpSettings otlpSettings() {
    return otlpSettings;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void processStarted(ProcessInfo process) {
    delegate.processStarted(process);
  }

  @Override
  public void goroutineStarted(Goroutine g) {
    delegate.goroutineStarted(g);
  }

  @Override
  public void goroutineUpdated(Goroutine g) {
    delegate.goroutineUpdated(g);
  }

  @Override
  public void goroutineEnded(Goroutine g) {
    delegate.goroutineEnded(g);
  }

  @Override
  public void goroutineEvent(Goroutine g, GoroutineEvent event) {
    delegate.goroutineEvent(g, event);
  }

  @Override
  public void contextCreated(ContextRecord c) {
    delegate.contextCreated(c);
  }

  @Override
  public void contextUpdated(ContextRecord c) {
    delegate.contextUpdated(c);
  }

  @Override
  public void contextEnded(ContextRecord c) {
    delegate.contextEnded(c);
  }

  @Override
  public void stopTheWorld(StwRecord pause) {
    delegate.stopTheWorld(pause);
  }

  @Override
  public void threadsSampled(ThreadsRecord threads) {
    delegate.threadsSampled(threads);
  }

  @Override
  public void goroutinesSampled(SampleRecord sample) {
    delegate.goroutinesSampled(sample);
  }

  @Override
  public void eventsLost(int pid, long count) {
    delegate.eventsLost(pid, count);
  }

  @Override
  public void processEnded(int pid, long timestampNs) {
    delegate.processEnded(pid, timestampNs);
  }

  @Override
  public void flush() {
    delegate.flush();
  }

  /** Flushes everything and closes, bounded in time. */
  @Override
  public void close() {
    delegate.close();
  }

  /** Whether spans go to a span exporter (OTLP or the console tree), not only records. */
  public boolean hasSpanExporter() {
    return spans != null;
  }

  /** The numbers for the status line and the final summary. */
  public Summary summary() {
    ExportStats s = otlp != null ? otlp.stats() : null;
    SpanRecordSink.Stats m = spans != null ? spans.stats() : null;
    return new Summary(
        m == null ? 0 : m.spans(),
        s == null ? 0 : s.exported(),
        s == null ? 0 : s.dropped(),
        s == null ? 0 : s.queued(),
        s == null ? "" : s.lastError(),
        jsonl == null ? 0 : jsonl.linesWritten(),
        m == null ? 0 : m.underAppSpans(),
        m == null ? 0 : m.unsampled(),
        setup == null ? MetricExportStats.NONE : setup.metricExportStats());
  }

  /**
   * @param spans spans built (console and OTLP share them)
   * @param spansExported spans the OTLP backend acknowledged
   * @param spansDropped spans lost on the way to OTLP (queue full, retries exhausted, shutdown)
   * @param spansQueued spans waiting for OTLP now
   * @param lastExportError the last OTLP failure, or empty
   * @param jsonLines lines written by the JSON-lines output
   * @param underAppSpans goroutine spans placed under an application span, in its trace
   * @param unsampled goroutines not exported: created under an application span its sampler
   *     dropped (or by such a goroutine)
   * @param metrics what the OTLP metrics exporter delivered and lost
   */
  public record Summary(
      long spans,
      long spansExported,
      long spansDropped,
      long spansQueued,
      String lastExportError,
      long jsonLines,
      long underAppSpans,
      long unsampled,
      MetricExportStats metrics) {

    public Summary(long spans, long spansExported, long spansDropped, long spansQueued,
        String lastExportError, long jsonLines) {
      this(spans, spansExported, spansDropped, spansQueued, lastExportError, jsonLines, 0, 0,
          MetricExportStats.NONE);
    }
  }

  /** Builder; at least one output must be enabled. */
  public static final class Builder {
    private String serviceName;
    private Collection<String> rootFunctions;
    private ClockOffset clock;
    private Resource environment;
    private PrintStream console;
    private Duration consoleQuietPeriod = ConsoleTreeExporter.DEFAULT_QUIET_PERIOD;
    private OutputStream jsonlOut;
    private boolean jsonlClose;
    private OtlpSetup.Builder otlp;
    private BatchConfig batchConfig; // null: OtlpSetup's (OTEL_BSP_* over the defaults)
    private boolean metrics;
    private Consumer<String> metricsFailure;
    private String targetExecutable = "";
    private SpanMappingConfig.Builder mapping = SpanMappingConfig.builder();
    private final List<RecordSink> extraSinks = new ArrayList<>();

    private Builder() {}

    /**
     * A further sink that gets every call too (e.g. the OTLP receiver's
     * {@code GoroutineIdEnricher}); closed with the pipeline.
     */
    public Builder addSink(RecordSink sink) {
      extraSinks.add(Objects.requireNonNull(sink, "sink"));
      return this;
    }

    /** The service name flag; null or blank to use OTEL_SERVICE_NAME, else the exe name. */
    public Builder setServiceName(String serviceName) {
      this.serviceName = serviceName;
      return this;
    }

    /** Trace-root start functions; null keeps {@link TraceRootPolicy#DEFAULT_ROOT_FUNCTIONS}. */
    public Builder setRootFunctions(Collection<String> rootFunctions) {
      this.rootFunctions = rootFunctions;
      return this;
    }

    public Builder setClock(ClockOffset clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The resource OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES describe (tests); by default
     * the SDK reads them from this JVM's environment.
     */
    public Builder setEnvironmentResource(Resource environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /** Further span-mapping limits (events per span, memory bounds, id generator). */
    public Builder setSpanMapping(SpanMappingConfig.Builder mapping) {
      this.mapping = Objects.requireNonNull(mapping, "mapping");
      return this;
    }

    public Builder enableConsole(PrintStream out) {
      this.console = Objects.requireNonNull(out, "out");
      return this;
    }

    public Builder setConsoleQuietPeriod(Duration d) {
      this.consoleQuietPeriod = Objects.requireNonNull(d, "quietPeriod");
      return this;
    }

    /** JSON lines to {@code out}; {@code closeStream} false for standard output. */
    public Builder enableJsonLines(OutputStream out, boolean closeStream) {
      this.jsonlOut = Objects.requireNonNull(out, "out");
      this.jsonlClose = closeStream;
      return this;
    }

    /** Spans over OTLP, configured by the SDK from OTEL_* with {@code otlp}'s overrides. */
    public Builder enableOtlp(OtlpSetup.Builder otlp) {
      this.otlp = Objects.requireNonNull(otlp, "otlp");
      return this;
    }

    /** The spans' batching; without it, {@link OtlpSetup#batchConfig()} (OTEL_BSP_*). */
    public Builder setBatchConfig(BatchConfig config) {
      this.batchConfig = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Also push metrics over OTLP (needs {@link #enableOtlp}), every OTEL_METRIC_EXPORT_INTERVAL
     * (default {@link OtlpSetup#DEFAULT_METRIC_INTERVAL}).
     */
    public Builder enableMetrics() {
      this.metrics = true;
      return this;
    }

    /**
     * Where the one line about the first failed metrics export goes (the CLI: standard error);
     * failures are counted in {@link Summary#metrics()} either way.
     */
    public Builder setMetricsFailureListener(Consumer<String> listener) {
      this.metricsFailure = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The target executable, when known up front: names the metrics' service. */
    public Builder setTargetExecutable(String path) {
      this.targetExecutable = Objects.requireNonNull(path, "path");
      return this;
    }

    /**
     * @throws IllegalArgumentException when no output is enabled, or metrics without OTLP, or
     *     the OTLP configuration is invalid (the SDK's message)
     */
    public ExportPipeline build() {
      if (console == null && jsonlOut == null && otlp == null) {
        throw new IllegalArgumentException("no output enabled: choose console, jsonl or otlp");
      }
      if (metrics && otlp == null) {
        throw new IllegalArgumentException("metrics need the otlp output");
      }
      ClockOffset c = clock != null ? clock : ClockOffset.measure();
      if (rootFunctions != null) {
        mapping.setRootPolicy(TraceRootPolicy.of(rootFunctions));
      }
      SpanMappingConfig mappingConfig = mapping.setClock(c).build();
      List<RecordSink> sinks = new ArrayList<>();
      List<SpanExporter> spanExporters = new ArrayList<>();
      BatchingSpanExporter batcher = null;
      GoroutineMetricsSink metricsSink = null;
      OtlpSetup setup = null;
      Resource env = environment;
      if (otlp != null) {
        OtlpSetup.quietSdkLogging();
        if (metrics) {
          otlp.enableMetrics(e -> ProcessResources.create(serviceName,
              environment != null ? environment : e, null).forService(targetExecutable));
          if (metricsFailure != null) {
            otlp.setMetricsFailureListener(metricsFailure);
          }
        }
        // Configured first: it throws on bad configuration, before threads start.
        setup = otlp.build();
        env = env != null ? env : setup.environmentResource();
        if (metrics) {
          metricsSink = new GoroutineMetricsSink(setup.meter(), setup);
        }
        batcher = new BatchingSpanExporter(setup.spanExporter(),
            batchConfig != null ? batchConfig : setup.batchConfig());
        spanExporters.add(batcher);
      }
      ProcessResources resources = ProcessResources.create(serviceName,
          env != null ? env : ProcessResources.environmentResource(), null);
      if (console != null) {
        spanExporters.add(new ConsoleTreeExporter(console, consoleQuietPeriod,
            ConsoleTreeExporter.DEFAULT_MAX_BUFFERED_SPANS, System::nanoTime));
      }
      SpanRecordSink spanSink = null;
      if (!spanExporters.isEmpty()) {
        spanSink = new SpanRecordSink(mappingConfig, resources, spanExporters);
        sinks.add(spanSink);
      }
      JsonLinesSink jsonl = null;
      if (jsonlOut != null) {
        jsonl = new JsonLinesSink(jsonlOut, c, jsonlClose);
        sinks.add(jsonl);
      }
      if (metricsSink != null) {
        sinks.add(metricsSink);
      }
      sinks.addAll(extraSinks);
      return new ExportPipeline(new CompositeRecordSink(sinks), batcher, setup, spanSink, jsonl);
    }
  }
}
