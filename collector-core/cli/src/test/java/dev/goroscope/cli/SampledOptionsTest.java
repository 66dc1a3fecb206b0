package dev.goroscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.attach.AttachConfig;
import dev.goroscope.attach.AttachMode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * The sampled-mode flags of {@code attach}: each bad combination or value is one line and exit
 * 2 before anything is attached; good values reach the attach configuration unchanged, and the
 * defaults are the documented ones.
 */
class SampledOptionsTest {

  private static final String SELF = Long.toString(ProcessHandle.current().pid());

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      --mode fast | --mode fast is not a mode: use precise or sampled
      --sample-interval 1s | --sample-interval needs --mode sampled
      --mode precise --precise-every 1m | --precise-every needs --mode sampled
      --overhead-budget 1 | --overhead-budget needs --mode sampled
      --mode sampled --deep | --deep needs probes: it cannot be combined with --mode sampled \
      (use --precise-every for precise bursts)
      --mode sampled --sample-interval 5ms | --sample-interval must be at least 10ms, got 5ms
      --mode sampled --leak-window 0s | --leak-window must be positive, got 0ms
      --mode sampled --overhead-budget 0 | --overhead-budget must be a percentage in (0, 100], \
      got 0.0
      --mode sampled --overhead-budget 150% | --overhead-budget must be a percentage in \
      (0, 100], got 150.0
      --mode sampled --precise-every 1s --precise-for 2s | --precise-every (1000ms) must be \
      longer than --precise-for (2000ms)
      """)
  void badFlagsAreOneLineAndExitTwo(String flags, String message) {
    String[] extra = flags.split(" ");
    String[] args = new String[extra.length + 3];
    args[0] = "attach";
    args[1] = "--pid";
    args[2] = SELF;
    System.arraycopy(extra, 0, args, 3, extra.length);
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(new StringWriter()), new PrintWriter(err));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo("goroscope: " + message);
  }

  @Test
  void aPercentageThatIsNotANumberIsOneLine() {
    StringWriter err = new StringWriter();
    int code = Main.run(new String[] {"attach", "--pid", SELF, "--mode", "sampled",
        "--overhead-budget", "lots"}, new PrintWriter(new StringWriter()), new PrintWriter(err));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("'lots' is not a percentage: write a number, e.g. 1 or 0.5")
        .doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void valuesReachTheConfiguration() {
    AttachConfig c = config("--mode", "sampled", "--sample-interval", "100ms",
        "--leak-window", "10s", "--precise-every", "30s", "--precise-for", "500ms",
        "--overhead-budget", "0.5%");
    assertThat(c.mode()).isEqualTo(AttachMode.SAMPLED);
    assertThat(c.sampleInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(c.leakWindow()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.bursts().every()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.bursts().length()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.bursts().budgetPercent()).isEqualTo(0.5);
  }

  @Test
  void defaults() {
    AttachConfig precise = config();
    assertThat(precise.mode()).isEqualTo(AttachMode.PRECISE);
    assertThat(precise.bursts()).isNull();

    AttachConfig sampled = config("--mode", "SAMPLED");
    assertThat(sampled.mode()).isEqualTo(AttachMode.SAMPLED);
    assertThat(sampled.sampleInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(sampled.leakWindow()).isEqualTo(Duration.ofSeconds(30));
    assertThat(sampled.bursts()).as("no bursts unless asked for").isNull();

    AttachConfig budget = config("--mode", "sampled", "--overhead-budget", "2");
    assertThat(budget.bursts().every()).isEqualTo(Duration.ofSeconds(60));
    assertThat(budget.bursts().length()).isEqualTo(Duration.ofSeconds(1));
    assertThat(budget.bursts().budgetPercent()).isEqualTo(2.0);
  }

  private static AttachConfig config(String... flags) {
    AttachCommand cmd = new AttachCommand();
    String[] args = new String[flags.length + 2];
    args[0] = "--pid";
    args[1] = SELF;
    System.arraycopy(flags, 0, args, 2, flags.length);
    new CommandLine(cmd).parseArgs(args);
    return cmd.attachConfig();
  }
}
