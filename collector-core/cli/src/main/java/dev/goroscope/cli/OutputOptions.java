package dev.goroscope.cli;

import dev.goroscope.GoroscopeException;
import dev.goroscope.otel.export.OtlpConfig;
import dev.goroscope.otel.export.OtlpProtocol;
import dev.goroscope.otel.sink.ExportPipeline;
import dev.goroscope.otel.span.TraceRootPolicy;
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
import picocli.CommandLine.Option;

/** Where the goroutine records go: shared by {@code attach} and {@code demo}. */
final class OutputOptions {

  @Option(names = "--output", split = ",", paramLabel = "KIND",
      description = "console, jsonl, otlp; several allowed (--output console,otlp). Default: otlp"
          + " when an OTLP endpoint is configured, else console.")
  List<String> outputs = new ArrayList<>();

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

  @Option(names = "--trace-root", paramLabel = "FUNCTION",
      description = "Goroutines started by this function begin their own trace; repeatable."
          + " Added to the defaults (net/http.(*conn).serve and the HTTP/2 server loops).")
  List<String> traceRoots = new ArrayList<>();

  @Option(names = "--no-default-trace-roots",
      description = "Do not treat net/http's per-connection goroutines as trace roots.")
  boolean noDefaultTraceRoots;

  /** Builds the exporters; OTLP settings are the OTEL_* environment overridden by flags. */
  Outputs create(ProcessInfo target) {
    return create(target, pipeline -> { });
  }

  /** As {@link #create(ProcessInfo)}, with further settings of the pipeline (extra sinks…). */
  Outputs create(ProcessInfo target, Consumer<ExportPipeline.Builder> more) {
    OtlpConfig otlp = otlpConfig();
    Set<Outputs.Kind> kinds = outputKinds(otlp);
    if (kinds.contains(Outputs.Kind.OTLP) && !otlp.isEndpointConfigured()) {
      throw new GoroscopeException("--output otlp needs an endpoint: set --otlp-endpoint or"
          + " OTEL_EXPORTER_OTLP_ENDPOINT");
    }
    return Outputs.create(kinds, otlp, serviceName, target.executablePath(), traceRoots(),
        jsonlFile, new FileOutputStream(FileDescriptor.out), System.err, more);
  }

  /** The OTEL_EXPORTER_OTLP_* environment overridden by the flags. */
  OtlpConfig otlpConfig() {
    OtlpConfig.Builder b = OtlpConfig.fromEnvironment(System.getenv());
    try {
      if (otlpEndpoint != null) {
        b.setEndpoint(otlpEndpoint);
      }
      if (otlpProtocol != null) {
        b.setProtocol(OtlpProtocol.parse(otlpProtocol));
      }
      otlpHeaders.forEach(b::addHeader);
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new GoroscopeException("OTLP settings: " + e.getMessage());
    }
  }

  private Set<Outputs.Kind> outputKinds(OtlpConfig otlp) {
    if (outputs.isEmpty()) {
      return otlp.isEndpointConfigured()
          ? EnumSet.of(Outputs.Kind.OTLP)
          : EnumSet.of(Outputs.Kind.CONSOLE);
    }
    Set<Outputs.Kind> kinds = EnumSet.noneOf(Outputs.Kind.class);
    for (String o : outputs) {
      try {
        kinds.add(Outputs.Kind.valueOf(o.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new GoroscopeException(
            "--output " + o + " is not an output: use console, jsonl or otlp");
      }
    }
    return kinds;
  }

  private List<String> traceRoots() {
    List<String> roots = new ArrayList<>(traceRoots);
    if (!noDefaultTraceRoots) {
      roots.addAll(TraceRootPolicy.DEFAULT_ROOT_FUNCTIONS);
    }
    return roots;
  }
}
