package dev.goroscope.cli;

import dev.goroscope.GoroscopeException;
import dev.goroscope.otel.export.OtlpSettings;
import dev.goroscope.otel.export.OtlpSetup;
import dev.goroscope.otel.sink.ExportPipeline;
import dev.goroscope.otel.time.ClockOffset;
import dev.goroscope.record.ProcessInfo;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where the goroutine records go: shared by {@code attach} and {@code demo}. */
final class OutputOptions {

  @Option(names = "--output", split = ",", paramLabel = "KIND",
      description = "console, jsonl, otlp, html=PATH; several allowed (--output console,otlp)."
          + " html=PATH writes an HTML report there (rewritten every few seconds, final at"
          + " stop). Default: otlp when an OTLP endpoint is configured, else console.")
  List<String> outputs = new ArrayList<>();

  /** The HTML report written when --output names no output at all (the demo sets one). */
  Path defaultHtmlReport;

  @Option(names = "--jsonl-file", paramLabel = "PATH",
      description = "Write JSON lines to this file instead of standard output.")
  Path jsonlFile;

  @Option(names = "--otlp-endpoint", paramLabel = "URL",
      description = "OTLP endpoint (default: OTEL_EXPORTER_OTLP_ENDPOINT), e.g."
          + " http://localhost:4317 for gRPC, http://localhost:4318 for HTTP.")
  String otlpEndpoint;

  @Option(names = "--otlp-protocol", paramLabel = "PROTOCOL",
      description = "grpc or http/protobuf (default: OTEL_EXPORTER_OTLP_PROTOCOL, else http/protobuf).")
  String otlpProtocol;

  @Option(names = "--otlp-header", paramLabel = "KEY=VALUE",
      description = "Extra OTLP request header; repeatable (adds to OTEL_EXPORTER_OTLP_HEADERS).")
  Map<String, String> otlpHeaders = new LinkedHashMap<>();

  @Option(names = "--service-name", paramLabel = "NAME",
      description = "service.name of the spans (default: OTEL_SERVICE_NAME, else the"
          + " executable's name).")
  String serviceName;

  @Mixin TraceRootOptions traceRoots = new TraceRootOptions();

  /** Builds the exporters; OTLP settings are the OTEL_* environment overridden by flags. */
  Outputs create(ProcessInfo target) {
    return create(target, ClockOffset.measure(), pipeline -> { });
  }

  /**
   * As {@link #create(ProcessInfo)}, on the given clock offset, with further settings of the
   * pipeline (extra sinks…).
   */
  Outputs create(ProcessInfo target, ClockOffset clock, Consumer<ExportPipeline.Builder> more) {
    Set<Outputs.Kind> kinds = outputKinds();
    if (kinds.contains(Outputs.Kind.OTLP) && !isEndpointConfigured()) {
      throw new GoroscopeException("--output otlp needs an endpoint: set --otlp-endpoint or"
          + " OTEL_EXPORTER_OTLP_ENDPOINT");
    }
    return Outputs.create(kinds, otlpSetup(), serviceName, target.executablePath(),
        traceRoots.functions(), jsonlFile, htmlReport(), new FileOutputStream(FileDescriptor.out),
        System.err, clock, more);
  }

  /** The path of --output html=PATH (the last one given), else the default, else null. */
  Path htmlReport() {
    if (outputs.isEmpty()) {
      return defaultHtmlReport;
    }
    Path html = null;
    for (String o : outputs) {
      String t = o.trim();
      if (t.toLowerCase(Locale.ROOT).startsWith("html")) {
        if (!t.toLowerCase(Locale.ROOT).startsWith("html=") || t.length() == 5) {
          throw new GoroscopeException("--output html needs a file: --output html=PATH");
        }
        html = Path.of(t.substring(5));
      }
    }
    return html;
  }

  /** Whether an OTLP endpoint was named, by a flag or the environment. */
  boolean isEndpointConfigured() {
    return OtlpSetup.isEndpointConfigured(System.getenv(), otlpEndpoint);
  }

  /** The SDK's configuration of OTLP (OTEL_* variables), the flags as overrides. */
  OtlpSetup.Builder otlpSetup() {
    OtlpSetup.Builder b = OtlpSetup.builder();
    try {
      if (otlpEndpoint != null) {
        b.setEndpoint(otlpEndpoint);
      }
      if (otlpProtocol != null) {
        b.setProtocol(otlpProtocol);
      }
      otlpHeaders.forEach(b::addHeader);
      return b;
    } catch (IllegalArgumentException e) {
      throw new GoroscopeException("OTLP settings: " + e.getMessage());
    }
  }

  /** The resolved OTLP settings (for the receiver's forwarding). */
  OtlpSettings otlpSettings() {
    try {
      return otlpSetup().settings();
    } catch (IllegalArgumentException e) {
      throw new GoroscopeException("OTLP settings: " + e.getMessage());
    }
  }

  private Set<Outputs.Kind> outputKinds() {
    if (outputs.isEmpty()) {
      return isEndpointConfigured()
          ? EnumSet.of(Outputs.Kind.OTLP)
          : EnumSet.of(Outputs.Kind.CONSOLE);
    }
    Set<Outputs.Kind> kinds = EnumSet.noneOf(Outputs.Kind.class);
    for (String o : outputs) {
      if (o.trim().toLowerCase(Locale.ROOT).startsWith("html")) {
        continue; // htmlReport()
      }
      try {
        kinds.add(Outputs.Kind.valueOf(o.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new GoroscopeException(
            "--output " + o + " is not an output: use console, jsonl, otlp or html=PATH");
      }
    }
    return kinds;
  }
}
