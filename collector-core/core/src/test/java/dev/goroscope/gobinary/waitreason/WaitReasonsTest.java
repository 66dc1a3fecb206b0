package dev.goroscope.gobinary.waitreason;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.gobinary.elf.ElfFile;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WaitReasonsTest {

  @TempDir static Path dir;

  @ParameterizedTest
  @EnumSource(Toolchain.class)
  void builtInTableMatchesTheBinarysOwnStrings(Toolchain toolchain) throws Exception {
    String version = toolchain.minor();
    Path src = dir.resolve("src-" + version);
    Files.createDirectories(src);
    Files.writeString(src.resolve("go.mod"), "module waitreasons\n\ngo 1.19\n");
    Files.writeString(src.resolve("main.go"), "package main\n\nfunc main() { select {} }\n");
    Path out = GoToolchains.build(src, toolchain, Mode.NORMAL);

    ElfFile elf = ElfFile.open(out);
    WaitReasons fromBinary = WaitReasons.fromBinary(elf).orElseThrow();
    assertThat(fromBinary.source()).isEqualTo(WaitReasons.Source.BINARY);
    assertThat(WaitReasons.WaitReasonTable.forVersion(
        dev.goroscope.gobinary.GoVersion.parseOrUnknown("go" + version + ".0")))
        .containsExactlyElementsOf(fromBinary.all());
    assertThat(fromBinary.describe(0)).isEmpty();
    assertThat(fromBinary.describe(1000)).isEqualTo("wait reason 1000");
  }
}
