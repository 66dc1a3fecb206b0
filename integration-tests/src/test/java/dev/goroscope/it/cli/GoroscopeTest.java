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

  /** The version Maven built (the pom's), not a placeholder such as "unknown". */
  @Test
  void packagedJarPrintsItsVersion() {
    String version = System.getProperty("goroscope.version");
    assertThat(version).as("-Dgoroscope.version (set by the pom)").isNotBlank();
    try (ExampleProcess p = Goroscope.start("--version")) {
      assertThat(p.awaitExit(Duration.ofSeconds(60))).as(p.transcript()).isZero();
      assertThat(p.stdout()).containsExactly("goroscope " + version);
    }
  }

  @Test
  void unknownSubcommandExitsTwoWithOneLineThatPointsToTheHelp() {
    try (ExampleProcess p = Goroscope.start("no-such-command")) {
      assertThat(p.awaitExit(Duration.ofSeconds(60))).as(p.transcript()).isEqualTo(2);
      // picocli may add its nearest subcommand as a suggestion.
      assertThat(p.stderr()).singleElement().asString().matches("goroscope: unmatched argument"
          + " at index 0: 'no-such-command'( \\(did you mean \\w+\\?\\))?; see 'goroscope --help'");
      assertThat(p.stdout()).isEmpty();
    }
  }
}
