package dev.goroscope.cli;

import dev.goroscope.otel.span.TraceRootPolicy;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --trace-root} and {@code --no-default-trace-roots}: attach's outputs and report. */
final class TraceRootOptions {

  @Option(names = "--trace-root", paramLabel = "FUNCTION",
      description = "Goroutines started by this function begin their own trace; repeatable."
          + " Added to the defaults (net/http.(*conn).serve and the HTTP/2 server loops).")
  List<String> traceRoots = new ArrayList<>();

  @Option(names = "--no-default-trace-roots",
      description = "Do not treat net/http's per-connection goroutines as trace roots.")
  boolean noDefaultTraceRoots;

  /** The functions given, then the defaults unless they were turned off. */
  List<String> functions() {
    List<String> roots = new ArrayList<>(traceRoots);
    if (!noDefaultTraceRoots) {
      roots.addAll(TraceRootPolicy.DEFAULT_ROOT_FUNCTIONS);
    }
    return roots;
  }
}
