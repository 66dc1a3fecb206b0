package dev.goroscope.cli;

import dev.goroscope.GoroscopeException;
import dev.goroscope.otel.report.HtmlReport;
import dev.goroscope.otel.report.ReportModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code goroscope report RUN.jsonl -o PATH.html}: the HTML report of a saved JSON-lines run
 * ({@code attach --output jsonl --jsonl-file RUN.jsonl}), so a run can be looked at later.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Write the HTML report (timeline, spawn tree, goroutine flame graph, summary) of a run"
          + " saved as JSON lines (attach --output jsonl --jsonl-file RUN.jsonl). One"
          + " self-contained file: open it in a browser, no network needed.",
      "Lines that are not goroscope JSON lines are skipped and counted."
    })
public final class ReportCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "RUN.jsonl", description = "The saved run; - reads standard input.")
  String input;

  @Option(names = {"-o", "--output"}, paramLabel = "PATH.html",
      description = "Where to write the report (default: RUN.html beside RUN.jsonl).")
  Path output;

  @Mixin TraceRootOptions traceRoots = new TraceRootOptions();

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    boolean stdin = input.equals("-");
    Path out = output != null ? output : defaultOutput(stdin);
    List<String> roots = traceRoots.functions();
    ReportModel model;
    try {
      model = ReportModel.builder().setRootFunctions(roots).build();
    } catch (IllegalArgumentException e) {
      throw new GoroscopeException("--trace-root: " + e.getMessage());
    }
    read(model, stdin);
    ReportModel.Stats stats = model.stats();
    String from = stdin ? "standard input" : input;
    if (stats.lines() == stats.malformed()) {
      throw new GoroscopeException(from + " holds no goroscope JSON lines"
          + (stats.malformed() > 0 ? " (" + stats.firstMalformed() + ")" : "")
          + ": write one with attach --output jsonl --jsonl-file RUN.jsonl");
    }
    Path dir = out.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new GoroscopeException("cannot write " + out + ": no such directory " + dir);
    }
    try {
      HtmlReport.writeFile(model, out);
    } catch (IOException e) {
      throw new GoroscopeException("cannot write " + out + ": " + e.getMessage());
    }
    if (stats.malformed() > 0) {
      err.println("goroscope: skipped " + stats.malformed() + " lines of " + from
          + " that are not goroscope JSON lines (" + stats.firstMalformed() + ")");
    }
    err.println("goroscope: report written to " + out + " (" + stats.goroutines() + " goroutines, "
        + stats.deadlineOverruns() + " deadline overruns, " + stats.leakCandidates()
        + " leak candidates)");
    return 0;
  }

  private void read(ReportModel model, boolean stdin) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        stdin ? System.in : Files.newInputStream(Path.of(input)),
        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE)), 1 << 16)) {
      model.read(in);
    } catch (NoSuchFileException e) {
      throw new GoroscopeException(input + ": no such file");
    } catch (IOException e) {
      throw new GoroscopeException("cannot read " + input + ": " + e.getMessage());
    }
  }

  private Path defaultOutput(boolean stdin) {
    if (stdin) {
      throw new GoroscopeException("reading standard input: say where the report goes with -o"
          + " PATH.html");
    }
    String name = Path.of(input).getFileName().toString();
    String base = name.endsWith(".jsonl") ? name.substring(0, name.length() - 6) : name;
    return Path.of(input).resolveSibling(base + ".html");
  }
}
