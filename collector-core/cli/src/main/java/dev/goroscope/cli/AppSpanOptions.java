package dev.goroscope.cli;

import dev.goroscope.otel.sink.ExportPipeline;
import dev.goroscope.otel.span.SpanMappingConfig;
import picocli.CommandLine.Option;

/**
 * The application's own spans (OpenTelemetry Go SDK in the target): goroutines created under one
 * join its trace, and follow its sampling decision unless {@code --export-unsampled}.
 */
final class AppSpanOptions {

  @Option(names = "--export-unsampled",
      description = "Export the goroutines created under an application span that the"
          + " application's sampler dropped (default: they are not exported either).")
  boolean exportUnsampled;

  /** Applies the options to the span mapping of {@code pipeline}. */
  void apply(ExportPipeline.Builder pipeline) {
    pipeline.setSpanMapping(SpanMappingConfig.builder().setExportUnsampled(exportUnsampled));
  }
}
