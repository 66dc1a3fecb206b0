package dev.goroscope.gobinary.waitreason;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.gobinary.GoVersion;
import dev.goroscope.gobinary.elf.ElfFile;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Wait reasons of real binaries of every Go minor × normal, stripped and PIE: the built-in table
 * of each minor equals the {@code runtime.waitReasonStrings} of a binary built by that toolchain,
 * and every build decodes the same words.
 */
class WaitReasonsTest {

  /** The runtime's own strings, read from the unstripped build. */
  private static List<String> truth(Toolchain toolchain) {
    ElfFile normal = ElfFile.open(GoToolchains.build("offsetprobe", toolchain, Mode.NORMAL));
    return WaitReasons.fromBinary(normal).orElseThrow().all();
  }

  private static List<String> table(String goVersion) {
    return WaitReasons.WaitReasonTable.forVersion(GoVersion.parseOrUnknown(goVersion));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.goroscope.testing.GoMatrix#cells")
  void everyBuildDecodesTheRuntimesOwnWords(Toolchain toolchain, Mode mode) {
    ElfFile elf = ElfFile.open(GoToolchains.build("offsetprobe", toolchain, mode));
    String version = GoToolchains.version(toolchain);
    List<String> truth = truth(toolchain);
    assertThat(truth).as("waitReasonStrings of %s", version).hasSizeGreaterThan(20);
    assertThat(table(version))
        .as("built-in table for %s", version).containsExactlyElementsOf(truth);

    WaitReasons reasons = WaitReasons.of(elf, GoVersion.parseOrUnknown(version));
    // Stripped: no symbol, so the table; otherwise the binary's own array.
    assertThat(reasons.source())
        .isEqualTo(mode == Mode.STRIPPED ? WaitReasons.Source.TABLE : WaitReasons.Source.BINARY);
    assertThat(reasons.all()).containsExactlyElementsOf(truth);
    assertThat(reasons.describe(0)).isEmpty();
    assertThat(reasons.describe(truth.indexOf("chan receive"))).isEqualTo("chan receive");
    assertThat(reasons.describe(1000)).isEqualTo("wait reason 1000");
  }

  @Test
  void versionStringsPickTheirMinorsTable() {
    assertThat(table("devel go1.27-4b5d1a3 Tue Jan 6 2026"))
        .isSameAs(table("go1.27.3"))
        .contains("GOMAXPROCS updater (idle)");
    assertThat(table("go1.24rc1"))
        .isSameAs(table("go1.24.9"))
        .isNotSameAs(table("go1.23.12"));
    assertThat(table("go1.20.14").get(21))
        .isEqualTo("sync.Mutex.Lock");
    assertThat(table("go1.19.8").get(21))
        .isEqualTo("timer goroutine (idle)");
  }
}
