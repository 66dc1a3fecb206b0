package dev.goroscope.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.testing.GoToolchains.Toolchain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The toolchains the tests use are the ones scripts/setup.sh installs, one per Go minor. */
class GoToolchainsTest {

  @Test
  void oneToolchainPerMinorAndSetupFetchesEveryOneItDoesNotInstallOtherwise() throws Exception {
    assertThat(Arrays.stream(Toolchain.values()).map(Toolchain::minorNumber))
        .containsExactly(19, 20, 21, 22, 23, 24, 25, 26, 27);
    Path setup = GoToolchains.repositoryRoot().resolve("scripts/setup.sh");
    Matcher m = Pattern.compile("(?m)^readonly FETCHED_TOOLCHAINS=\\(([^)]*)\\)")
        .matcher(Files.readString(setup));
    assertThat(m.find()).as("FETCHED_TOOLCHAINS in %s", setup).isTrue();
    List<String> fetched = Arrays.stream(Toolchain.values())
        .map(Toolchain::goToolchainEnv)
        .filter(v -> !v.equals("local"))
        .toList();
    assertThat(m.group(1).trim().split("\\s+")).containsExactlyElementsOf(fetched);
    for (Toolchain t : Toolchain.values()) {
      assertThat(GoToolchains.version(t)).startsWith(t.release() + ".");
      if (!t.goToolchainEnv().equals("local")) {
        assertThat(GoToolchains.version(t)).isEqualTo(t.goToolchainEnv());
      }
    }
  }
}
