package dev.goroscope.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.it.go.ExampleProcess;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The packaged command line runs as users run it; attach and demo: dev.goroscope.it.attach. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class GoroscopeTest {

  @Test
  void packagedJarPrintsItsVersion() {
    try (ExampleProcess p = Goroscope.start("--version")) {
      assertThat(p.awaitExit(Duration.ofSeconds(60))).as(p.transcript()).isZero();
      assertThat(p.stdout()).singleElement().asString().matches("goroscope \\S+");
    }
  }

  @Test
  void unknownSubcommandExitsNonZeroWithHelpOnStderr() {
    try (ExampleProcess p = Goroscope.start("no-such-command")) {
      assertThat(p.awaitExit(Duration.ofSeconds(60))).as(p.transcript()).isEqualTo(2);
      // picocli prints the usage, or instead a suggestion when one is close enough.
      assertThat(String.join("\n", p.stderr()))
          .contains("Unmatched argument at index 0: 'no-such-command'")
          .containsAnyOf("Usage: goroscope", "Did you mean: goroscope")
          .doesNotContain("Exception");
    }
  }
}
