package dev.goroscope.gobinary.waitreason;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.gobinary.elf.ElfFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WaitReasonsTest {

  @TempDir static Path dir;

  private static final Map<String, List<String>> TOOLCHAINS =
      Map.of(
          "1.19", List.of("/usr/lib/go-1.19/bin/go"),
          "1.26", List.of("go"),
          "1.27", List.of("go"));

  @ParameterizedTest
  @ValueSource(strings = {"1.19", "1.26", "1.27"})
  void builtInTableMatchesTheBinarysOwnStrings(String version) throws Exception {
    Path src = dir.resolve("src-" + version);
    Files.createDirectories(src);
    Files.writeString(src.resolve("go.mod"), "module waitreasons\n\ngo 1.19\n");
    Files.writeString(src.resolve("main.go"), "package main\n\nfunc main() { select {} }\n");
    Path out = dir.resolve("bin-" + version);
    ProcessBuilder pb =
        new ProcessBuilder(TOOLCHAINS.get(version).get(0), "build", "-o", out.toString(), ".")
            .directory(src.toFile())
            .redirectErrorStream(true);
    pb.environment().put("CGO_ENABLED", "0");
    if (version.equals("1.27")) {
      pb.environment().put("GOTOOLCHAIN", "go1.27.3");
    }
    Process build = pb.start();
    String log = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(build.waitFor()).as(log).isZero();

    ElfFile elf = ElfFile.open(out);
    WaitReasons fromBinary = WaitReasons.fromBinary(elf).orElseThrow();
    assertThat(fromBinary.source()).isEqualTo(WaitReasons.Source.BINARY);
    assertThat(WaitReasons.WaitReasonTable.forVersion("go" + version + ".0"))
        .containsExactlyElementsOf(fromBinary.all());
    assertThat(fromBinary.describe(0)).isEmpty();
    assertThat(fromBinary.describe(1000)).isEqualTo("wait reason 1000");
  }
}
