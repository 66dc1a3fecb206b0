package dev.goroscope.otel.export;

import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The OTLP side of one run, configured by the OpenTelemetry SDK's own autoconfigure: every
 * {@code OTEL_EXPORTER_OTLP_*} variable (endpoints, protocol, headers, timeout, compression, TLS
 * certificates, per signal), {@code OTEL_SERVICE_NAME}, {@code OTEL_RESOURCE_ATTRIBUTES} and
 * {@code OTEL_METRIC_EXPORT_INTERVAL} mean what the SDK says they mean; the command line's flags
 * are overrides on top ({@link Builder}).
 *
 * <p>What it hands out: the SDK's OTLP span exporter (its sender on an executor of ours, its own
 * retry off: {@link BatchingSpanExporter} retries with a bounded queue instead), and, when asked,
 * the SDK's meter provider pushing metrics over OTLP. The SDK's own span pipeline is not used
 * (goroscope's spans are reconstructed, not recorded): its batch processor is shut down at once.
 *
 * <p>The metrics exporter is watched ({@link CountingMetricExporter}): its first failure is
 * reported in one line, and {@link #metricExportStats()} counts what it lost. Neither exporter
 * records the SDK's self-telemetry ({@code otlp.exporter.seen}/{@code exported}): it describes
 * this sidecar, and would otherwise be pushed among the watched program's metrics, under its
 * resource.
 */
public final class OtlpSetup implements AutoCloseable {

  /** How often metrics are pushed unless OTEL_METRIC_EXPORT_INTERVAL says otherwise. */
  public static final Duration DEFAULT_METRIC_INTERVAL = Duration.ofSeconds(10);

  /** The longest {@link #close()} waits for the last metrics export: the spans' shutdown time. */
  public static final Duration SHUTDOWN_TIMEOUT = BatchConfig.DEFAULT_SHUTDOWN_TIMEOUT;

  /** Held so the level set by {@link #quietSdkLogging()} is not garbage collected. */
  private static final java.util.logging.Logger SDK_LOGGER =
      java.util.logging.Logger.getLogger("io.opentelemetry");

  private final AutoConfiguredOpenTelemetrySdk sdk;
  private final ConfigProperties config;
  private final SpanExporter spanExporter;
  private final boolean metrics;
  private final CountingMetricExporter metricExporter; // null without metrics
  private final BatchConfig batchConfig;

  private OtlpSetup(AutoConfiguredOpenTelemetrySdk sdk, ConfigProperties config,
      SpanExporter spanExporter, boolean metrics, CountingMetricExporter metricExporter,
      BatchConfig batchConfig) {
    this.sdk = sdk;
    this.config = config;
    this.spanExporter = spanExporter;
    this.metrics = metrics;
    this.metricExporter = metricExporter;
    this.batchConfig = batchConfig;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Silences the SDK's own java.util.logging warnings (one per failed export while a backend is
   * away); goroscope reports failures through {@link ExportStats} instead. For the CLI to call.
   */
  public static void quietSdkLogging() {
    SDK_LOGGER.setLevel(java.util.logging.Level.OFF);
  }

  /**
   * True when the user named an endpoint ({@code OTEL_EXPORTER_OTLP_ENDPOINT},
   * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}, their system-property forms, or a flag): without
   * one the CLI prints to the console instead of sending to a localhost that is probably empty.
   */
  public static boolean isEndpointConfigured(Map<String, String> env, String flagEndpoint) {
    if (flagEndpoint != null && !flagEndpoint.isBlank()) {
      return true;
    }
    for (String name : new String[] {"otel.exporter.otlp.endpoint",
        "otel.exporter.otlp.traces.endpoint"}) {
      String env1 = env.get(name.toUpperCase(java.util.Locale.ROOT).replace('.', '_'));
      String prop = System.getProperty(name);
      if ((env1 != null && !env1.isBlank()) || (prop != null && !prop.isBlank())) {
        return true;
      }
    }
    return false;
  }

  /** The SDK's OTLP span exporter; the caller owns it (shuts it down). */
  public SpanExporter spanExporter() {
    return spanExporter;
  }

  /**
   * How the spans are batched: {@link BatchConfig}'s defaults, with what the environment sets of
   * the specification's batch span processor variables: {@code OTEL_BSP_MAX_EXPORT_BATCH_SIZE},
   * {@code OTEL_BSP_MAX_QUEUE_SIZE}, {@code OTEL_BSP_SCHEDULE_DELAY} (the longest a span waits
   * for its batch, ms) and {@code OTEL_BSP_EXPORT_TIMEOUT} (ms).
   */
  public BatchConfig batchConfig() {
    return batchConfig;
  }

  /** The meter of goroscope's metrics, pushed over OTLP; null when metrics were not enabled. */
  public Meter meter() {
    return metrics ? sdk.getOpenTelemetrySdk().getMeterProvider().get("dev.goroscope") : null;
  }

  /** What the metrics exporter delivered and lost; {@link MetricExportStats#NONE} without one. */
  public MetricExportStats metricExportStats() {
    return metricExporter != null ? metricExporter.stats() : MetricExportStats.NONE;
  }

  /** The resolved settings (endpoints, protocol, headers…), e.g. for messages and forwarding. */
  public OtlpSettings settings() {
    return OtlpSettings.of(config);
  }

  /**
   * The resource the environment describes ({@code OTEL_RESOURCE_ATTRIBUTES} and
   * {@code OTEL_SERVICE_NAME}, as the SDK reads them), without the SDK's own attributes.
   */
  public Resource environmentResource() {
    return io.opentelemetry.sdk.autoconfigure.ResourceConfiguration
        .createEnvironmentResource(config);
  }

  /**
   * Pushes the metrics a last time and shuts the meter provider down, waiting at most {@link
   * #SHUTDOWN_TIMEOUT} whatever the backend does: the SDK's shutdown can itself block on an
   * export that is never answered, so it runs on a thread of its own that is left behind (a
   * daemon) when the time is up, and the exports it leaves unanswered are counted as dropped.
   * Idempotent.
   */
  @Override
  public void close() {
    SdkMeterProvider meters = sdk.getOpenTelemetrySdk().getSdkMeterProvider();
    Thread shutdown = new Thread(
        () -> meters.shutdown().join(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
        "goroscope-metrics-shutdown");
    shutdown.setDaemon(true);
    shutdown.start();
    try {
      shutdown.join(SHUTDOWN_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (metricExporter != null && shutdown.isAlive()) {
      metricExporter.abandonPending("no answer within the shutdown time ("
          + SHUTDOWN_TIMEOUT.toMillis() / 1000.0 + " s)");
    }
  }

  /**
   * Builder: {@code set*} are the command line's overrides; each applies to every signal and
   * wins over the environment. Checked when set ({@link IllegalArgumentException} naming the
   * setting) or at {@link #build()} (the SDK's own message).
   */
  public static final class Builder {
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String endpoint;
    private Function<Resource, Resource> metricsResource;
    private Consumer<String> metricsFailure = line -> { };

    private Builder() {}

    /** The base endpoint, like {@code OTEL_EXPORTER_OTLP_ENDPOINT} (an http or https URL). */
    public Builder setEndpoint(String endpoint) {
      Objects.requireNonNull(endpoint, "endpoint");
      if (!endpoint.matches("(?i)https?://[^\\s/]+.*")) {
        throw new IllegalArgumentException(
            "otlp endpoint must be an http:// or https:// URL, got \"" + endpoint + "\"");
      }
      this.endpoint = endpoint.trim();
      return this;
    }

    /** {@code grpc} or {@code http/protobuf}. */
    public Builder setProtocol(String protocol) {
      Objects.requireNonNull(protocol, "protocol");
      String p = protocol.trim();
      if (!p.equals("grpc") && !p.equals("http/protobuf")) {
        throw new IllegalArgumentException(
            "otlp protocol must be grpc or http/protobuf, got \"" + protocol + "\"");
      }
      overrides.put("otel.exporter.otlp.protocol", p);
      overrides.put("otel.exporter.otlp.traces.protocol", p);
      overrides.put("otel.exporter.otlp.metrics.protocol", p);
      return this;
    }

    /** Adds a header to those of the environment (the same name: this one wins). */
    public Builder addHeader(String name, String value) {
      Objects.requireNonNull(name, "header name");
      Objects.requireNonNull(value, "header value");
      if (name.isBlank()) {
        throw new IllegalArgumentException("otlp header name must not be empty");
      }
      headers.put(name.trim(), value);
      return this;
    }

    /** Any SDK property, e.g. {@code otel.exporter.otlp.certificate}; wins over everything. */
    public Builder setProperty(String name, String value) {
      overrides.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Also push metrics, describing the service with the resource {@code resource} makes of the
     * environment's ({@code OTEL_RESOURCE_ATTRIBUTES}, {@code OTEL_SERVICE_NAME}).
     */
    public Builder enableMetrics(Function<Resource, Resource> resource) {
      this.metricsResource = Objects.requireNonNull(resource, "resource");
      return this;
    }

    /**
     * Where the one line about the first failed metrics export goes (e.g. standard error); by
     * default nowhere (the failure is still counted in {@link #metricExportStats()}).
     */
    public Builder setMetricsFailureListener(Consumer<String> listener) {
      this.metricsFailure = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Runs the SDK's autoconfigure.
     *
     * @throws IllegalArgumentException with the SDK's message when the configuration is invalid
     *     (an unreadable certificate, a malformed endpoint or header list…)
     */
    public OtlpSetup build() {
      AtomicReference<SpanExporter> captured = new AtomicReference<>();
      AtomicReference<BatchConfig> batching = new AtomicReference<>();
      AtomicReference<ConfigProperties> config = new AtomicReference<>();
      AtomicReference<CountingMetricExporter> metricExporter = new AtomicReference<>();
      ExecutorService sender = senderExecutor();
      boolean metrics = metricsResource != null;
      try {
        AutoConfiguredOpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(() -> Map.of(
                // Defaults: the specification's protocol; the environment overrides them.
                "otel.exporter.otlp.protocol", "http/protobuf",
                "otel.metric.export.interval",
                String.valueOf(DEFAULT_METRIC_INTERVAL.toMillis()),
                // No exemplars: a sidecar's measurement never has a span of the watched program
                // in its context, and the SDK's default (trace_based) still looks one up on
                // every recording, on the thread that reads the kernel's events.
                "otel.metrics.exemplar.filter", "always_off"))
            .addPropertiesCustomizer(this::overrides)
            .addSpanExporterCustomizer((exporter, c) -> {
              config.set(c);
              captured.set(ownSender(exporter, sender));
              return NOT_OURS; // the SDK's own span pipeline gets nothing
            })
            .addMetricExporterCustomizer((exporter, c) -> {
              CountingMetricExporter counting = new CountingMetricExporter(
                  withoutSelfTelemetry(exporter), OtlpSettings.of(c).metricsEndpoint(),
                  metricsFailure);
              metricExporter.set(counting);
              return counting;
            })
            .addSpanProcessorCustomizer((processor, c) -> {
              processor.shutdown().join(1, TimeUnit.SECONDS);
              return SpanProcessor.composite();
            })
            .addResourceCustomizer((resource, c) -> {
              config.compareAndSet(null, c);
              // Here, before the SDK builds its own (unused) span processor from the same
              // variables and refuses a bad one as an "Unexpected configuration error".
              batching.set(batchConfig(c));
              // Not the SDK's default resource: telemetry.sdk.* would describe the sidecar.
              return metrics ? metricsResource.apply(
                  io.opentelemetry.sdk.autoconfigure.ResourceConfiguration
                      .createEnvironmentResource(c)) : Resource.empty();
            })
            .disableShutdownHook()
            .build();
        return new OtlpSetup(sdk, config.get(), captured.get(), metrics, metricExporter.get(),
            batching.get());
      } catch (ConfigurationException e) {
        sender.shutdownNow();
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }

    /**
     * The OTEL_BSP_* variables over BatchConfig's defaults; each must be positive
     * ({@link ConfigurationException} naming the variable otherwise).
     */
    private static BatchConfig batchConfig(ConfigProperties c) {
      BatchConfig.Builder b = BatchConfig.builder();
      Integer batch = positive(c.getInt("otel.bsp.max.export.batch.size"),
          "OTEL_BSP_MAX_EXPORT_BATCH_SIZE");
      if (batch != null) {
        b.setMaxBatchSize(batch);
      }
      Integer queue = positive(c.getInt("otel.bsp.max.queue.size"), "OTEL_BSP_MAX_QUEUE_SIZE");
      if (queue != null) {
        b.setMaxQueueSize(queue);
      }
      Duration delay = c.getDuration("otel.bsp.schedule.delay");
      if (delay != null) {
        b.setMaxAge(positive(delay, "OTEL_BSP_SCHEDULE_DELAY"));
      }
      Duration timeout = c.getDuration("otel.bsp.export.timeout");
      if (timeout != null) {
        b.setExportTimeout(positive(timeout, "OTEL_BSP_EXPORT_TIMEOUT"));
      }
      return b.build();
    }

    private static Integer positive(Integer n, String variable) {
      if (n != null && n <= 0) {
        throw new ConfigurationException(variable + " must be positive, got " + n);
      }
      return n;
    }

    private static Duration positive(Duration d, String variable) {
      if (d.isZero() || d.isNegative()) {
        throw new ConfigurationException(
            variable + " must be positive, got " + d.toMillis() + " ms");
      }
      return d;
    }

    /** Resolves the settings only (nothing is exported), e.g. for the OTLP receiver. */
    public OtlpSettings settings() {
      AtomicReference<ConfigProperties> config = new AtomicReference<>();
      try {
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(() -> Map.of("otel.exporter.otlp.protocol", "http/protobuf",
                "otel.traces.exporter", "none", "otel.metrics.exporter", "none",
                "otel.logs.exporter", "none"))
            .addPropertiesCustomizer(c -> {
              Map<String, String> o = new LinkedHashMap<>(overrides(c));
              o.put("otel.traces.exporter", "none");
              o.put("otel.metrics.exporter", "none");
              o.put("otel.logs.exporter", "none");
              return o;
            })
            .addResourceCustomizer((resource, c) -> {
              config.set(c);
              return Resource.empty();
            })
            .disableShutdownHook()
            .build()
            .getOpenTelemetrySdk()
            .shutdown();
        return OtlpSettings.of(config.get());
      } catch (ConfigurationException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }

    /** The overrides: flags, plus what goroscope always wants of the SDK. */
    private Map<String, String> overrides(ConfigProperties env) {
      Map<String, String> o = new LinkedHashMap<>();
      o.put("otel.traces.exporter", "otlp");
      // OTEL_METRICS_EXPORTER=none turns the metrics off (a Jaeger-only backend refuses them);
      // any other value means goroscope's own OTLP metrics.
      boolean metricsOff = "none".equals(env.getString("otel.metrics.exporter", ""));
      o.put("otel.metrics.exporter", metricsResource != null && !metricsOff ? "otlp" : "none");
      o.put("otel.logs.exporter", "none");
      o.put("otel.java.exporter.otlp.retry.disabled", "true"); // BatchingSpanExporter retries
      o.putAll(overrides);
      if (endpoint != null) {
        // The flag wins over the signal-specific variables too: set them as the spec derives
        // them from a base endpoint.
        String protocol = o.getOrDefault("otel.exporter.otlp.protocol",
            env.getString("otel.exporter.otlp.protocol", "http/protobuf"));
        boolean http = protocol.equals("http/protobuf");
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1)
            : endpoint;
        o.put("otel.exporter.otlp.endpoint", endpoint);
        o.put("otel.exporter.otlp.traces.endpoint", http ? base + "/v1/traces" : endpoint);
        o.put("otel.exporter.otlp.metrics.endpoint", http ? base + "/v1/metrics" : endpoint);
      }
      if (!headers.isEmpty()) {
        for (String key : new String[] {"otel.exporter.otlp.headers",
            "otel.exporter.otlp.traces.headers", "otel.exporter.otlp.metrics.headers"}) {
          Map<String, String> merged = OtlpSettings.decodedHeaders(
              overrides.getOrDefault(key, env.getString(key)));
          if (key.equals("otel.exporter.otlp.headers") || !merged.isEmpty()) {
            merged.putAll(headers);
            o.put(key, headerList(merged));
          }
        }
      }
      return o;
    }

    /** {@code k=v,…} with values percent-encoded, as OTEL_EXPORTER_OTLP_HEADERS is written. */
    private static String headerList(Map<String, String> headers) {
      StringBuilder sb = new StringBuilder();
      headers.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=')
          .append(URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20")));
      return sb.toString();
    }
  }

  /**
   * The SDK's exporter rebuilt on our executor and without its retry. Several batches are in
   * flight at once (BatchingSpanExporter): the sender's default pool would refuse them.
   */
  private static SpanExporter ownSender(SpanExporter exporter, ExecutorService sender) {
    SpanExporter rebuilt;
    if (exporter instanceof OtlpGrpcSpanExporter grpc) {
      rebuilt = grpc.toBuilder().setExecutorService(sender).setRetryPolicy(null)
          .setMeterProvider(MeterProvider::noop).build();
    } else if (exporter instanceof OtlpHttpSpanExporter http) {
      rebuilt = http.toBuilder().setExecutorService(sender).setRetryPolicy(null)
          .setMeterProvider(MeterProvider::noop).build();
    } else {
      sender.shutdown();
      return exporter;
    }
    exporter.shutdown();
    return new ExecutorClosingSpanExporter(rebuilt, sender);
  }

  /**
   * The SDK's OTLP metrics exporter rebuilt without its self-telemetry (autoconfigure points it at
   * the meter provider it feeds, which carries the watched program's resource) and without its
   * retry, which otel.java.exporter.otlp.retry.disabled does not reach here: a refused push
   * otherwise took 8 s of backoff to fail, beyond the 5 s shutdown. Metrics are cumulative, so
   * the next push carries what a failed one held.
   */
  private static MetricExporter withoutSelfTelemetry(MetricExporter exporter) {
    MetricExporter rebuilt;
    if (exporter instanceof OtlpGrpcMetricExporter grpc) {
      rebuilt = grpc.toBuilder().setMeterProvider(MeterProvider::noop).setRetryPolicy(null)
          .build();
    } else if (exporter instanceof OtlpHttpMetricExporter http) {
      rebuilt = http.toBuilder().setMeterProvider(MeterProvider::noop).setRetryPolicy(null)
          .build();
    } else {
      return exporter;
    }
    exporter.shutdown();
    return rebuilt;
  }

  private static ExecutorService senderExecutor() {
    return Executors.newFixedThreadPool(BatchConfig.DEFAULT_MAX_CONCURRENT_EXPORTS, r -> {
      Thread t = new Thread(r, "goroscope-otlp-sender");
      t.setDaemon(true);
      return t;
    });
  }

  /** What the SDK's own (unused) span pipeline exports to: nothing. */
  private static final SpanExporter NOT_OURS = new SpanExporter() {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  };
}
