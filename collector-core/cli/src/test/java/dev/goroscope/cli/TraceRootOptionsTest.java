package dev.goroscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.otel.span.TraceRootPolicy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** attach, demo and report parse the trace-root flags the same way (one mixin). */
class TraceRootOptionsTest {

  @ParameterizedTest
  @ValueSource(strings = {"attach", "demo", "report"})
  void givenRootsComeFirstThenTheDefaults(String command) {
    TraceRootOptions o = options(command, "--trace-root", "main.worker", "--trace-root", "main.b");
    List<String> expected = new ArrayList<>(List.of("main.worker", "main.b"));
    expected.addAll(TraceRootPolicy.DEFAULT_ROOT_FUNCTIONS);
    assertThat(o.functions()).containsExactlyElementsOf(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"attach", "demo", "report"})
  void theDefaultsCanBeTurnedOff(String command) {
    TraceRootOptions o = options(command, "--trace-root", "main.worker",
        "--no-default-trace-roots");
    assertThat(o.functions()).containsExactly("main.worker");
    assertThat(options(command).functions())
        .containsExactlyElementsOf(TraceRootPolicy.DEFAULT_ROOT_FUNCTIONS);
  }

  private static TraceRootOptions options(String command, String... flags) {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(List.of(flags));
    if (command.equals("report")) {
      args.add("run.jsonl");
    } else if (command.equals("attach")) {
      args.addAll(List.of("--pid", "1"));
    }
    CommandLine.ParseResult parsed =
        Main.commandLine().parseArgs(args.toArray(String[]::new)).subcommand();
    Object user = parsed.commandSpec().userObject();
    return switch (command) {
      case "attach" -> ((AttachCommand) user).output.traceRoots;
      case "demo" -> ((DemoCommand) user).output.traceRoots;
      default -> ((ReportCommand) user).traceRoots;
    };
  }
}
