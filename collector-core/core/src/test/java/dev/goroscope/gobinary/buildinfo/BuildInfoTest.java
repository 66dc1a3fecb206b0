package dev.goroscope.gobinary.buildinfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goroscope.gobinary.BinaryFormatException;
import dev.goroscope.gobinary.elf.ElfFile;
import dev.goroscope.gobinary.elf.ElfSection;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BuildInfoTest {

  /**
   * cmd/go frames the module text with two 16-byte sentinels; the reader strips them by length,
   * so their bytes do not matter here.
   */
  private static final String START = "<--16 bytes---->";
  private static final String END = "<--16 bytes---->";

  @Test
  void parsesModuleLinesAndUnquotesSettings() {
    String mod = "path\texample.com/cmd/app\n"
        + "mod\texample.com\tv1.2.3\th1:abc=\n"
        + "dep\tgolang.org/x/sys\tv0.1.0\th1:xyz=\n"
        + "build\t-ldflags=\"-s -w -X main.v=\\\"1\\\"\"\n"
        + "build\tCGO_ENABLED=0\n"
        + "build\tvcs.modified=true\n";
    BuildInfo info = BuildInfo.parseModInfo("go1.26.8", START + mod + END);
    assertThat(info.goVersion()).isEqualTo("go1.26.8");
    assertThat(info.path()).isEqualTo("example.com/cmd/app");
    assertThat(info.modulePath()).isEqualTo("example.com");
    assertThat(info.moduleVersion()).isEqualTo("v1.2.3");
    assertThat(info.setting("-ldflags")).contains("-s -w -X main.v=\"1\"");
    assertThat(info.setting("CGO_ENABLED")).contains("0");
    assertThat(info.settings()).containsOnlyKeys("-ldflags", "CGO_ENABLED", "vcs.modified");
  }

  @Test
  void dependenciesWithTheirReplacements() {
    String mod = "path\texample.com/cmd/app\n"
        + "mod\texample.com\t(devel)\t\n"
        + "dep\tgo.opentelemetry.io/otel\tv1.47.0\th1:a=\n"
        + "dep\tgo.opentelemetry.io/otel/sdk\tv1.46.0\n"
        + "=>\tgo.opentelemetry.io/otel/sdk\tv1.47.0\th1:b=\n"
        + "dep\tgo.opentelemetry.io/otel/trace\tv1.47.0\n"
        + "=>\t../trace\t\n";
    BuildInfo info = BuildInfo.parseModInfo("go1.26.8", START + mod + END);
    assertThat(info.dependencies()).extracting(BuildInfo.Module::path).containsExactly(
        "go.opentelemetry.io/otel", "go.opentelemetry.io/otel/sdk",
        "go.opentelemetry.io/otel/trace");
    assertThat(info.dependency("go.opentelemetry.io/otel").orElseThrow().effective().version())
        .isEqualTo("v1.47.0");
    BuildInfo.Module sdk = info.dependency("go.opentelemetry.io/otel/sdk").orElseThrow();
    assertThat(sdk.version()).isEqualTo("v1.46.0");
    assertThat(sdk.effective()).isEqualTo(
        new BuildInfo.Module("go.opentelemetry.io/otel/sdk", "v1.47.0", null));
    assertThat(info.dependency("go.opentelemetry.io/otel/trace").orElseThrow().effective())
        .isEqualTo(new BuildInfo.Module("../trace", "", null));
    assertThat(info.dependency("golang.org/x/sys")).isEmpty();
  }

  @Test
  void dependenciesAsGoVersionMPrintsThem() throws IOException {
    Path bin = GoToolchains.build(GoToolchains.program("appspans"), Toolchain.GO_1_26,
        Mode.STRIPPED);
    String printed = GoToolchains.go(Toolchain.GO_1_26, null, null, "version", "-m",
        bin.toString());
    java.util.List<String> deps = printed.lines().map(String::strip)
        .filter(l -> l.startsWith("dep\t")).map(l -> l.split("\t")[1] + " " + l.split("\t")[2])
        .toList();
    BuildInfo info = BuildInfo.read(ElfFile.open(bin));
    assertThat(info.dependencies()).extracting(m -> m.path() + " " + m.version())
        .containsExactlyElementsOf(deps)
        .contains("go.opentelemetry.io/otel/sdk v1.47.0");
  }

  @Test
  void withoutModuleInformation() {
    BuildInfo info = BuildInfo.parseModInfo("go1.19.8", "");
    assertThat(info.modulePath()).isEmpty();
    assertThat(info.path()).isEmpty();
    assertThat(info.settings()).isEmpty();
  }

  /**
   * Before Go 1.18 the header held pointers to Go string headers instead of inline strings.
   * No such toolchain is here, so that layout is written into a real binary's .go.buildinfo.
   */
  @Test
  void readsThePointerFormatOfGoBefore118() throws IOException {
    Path bin = GoToolchains.build(GoToolchains.probeProgram(), Toolchain.GO_1_26, Mode.STRIPPED);
    byte[] bytes = Files.readAllBytes(bin);
    ElfSection s = ElfFile.open(bin).section(".go.buildinfo").orElseThrow();
    byte[] version = "go1.16.15".getBytes(StandardCharsets.ISO_8859_1);
    byte[] mod = (START + "path\texample.com/old\nmod\texample.com/old\t(devel)\t\n" + END)
        .getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int o = (int) s.offset();
    long a = s.address();
    assertThat(s.size()).isGreaterThan(64 + version.length + mod.length);
    b.put(o + 14, (byte) 8); // ptrSize
    b.put(o + 15, (byte) 0); // flags: pointer format, little-endian
    b.putLong(o + 16, a + 32); // → string header of the version
    b.putLong(o + 24, a + 48); // → string header of the module text
    b.putLong(o + 32, a + 64).putLong(o + 40, version.length);
    b.putLong(o + 48, a + 64 + version.length).putLong(o + 56, mod.length);
    b.put(o + 64, version).put(o + 64 + version.length, mod);
    BuildInfo info = BuildInfo.read(ElfFile.parse(bin, ByteBuffer.wrap(bytes)));
    assertThat(info.goVersion()).isEqualTo("go1.16.15");
    assertThat(info.modulePath()).isEqualTo("example.com/old");

    b.putLong(o + 40, 1L << 40); // a string longer than anything real
    assertThatThrownBy(() -> BuildInfo.read(ElfFile.parse(bin, ByteBuffer.wrap(bytes))))
        .isInstanceOf(BinaryFormatException.class)
        .hasMessageContaining("is truncated or corrupted");
  }

  @Test
  void elfWithoutGoBuildInfoIsNotGo() {
    assertThatThrownBy(() -> BuildInfo.read(ElfFile.open(Path.of("/bin/ls"))))
        .isInstanceOf(BinaryFormatException.class)
        .hasMessage("/bin/ls is not a Go executable (no Go build information); goroscope needs"
            + " a binary built by the Go toolchain");
  }

  @Test
  void corruptedInlineLengthIsReported() throws IOException {
    Path bin = GoToolchains.build(GoToolchains.probeProgram(), Toolchain.GO_1_19, Mode.STRIPPED);
    byte[] bytes = Files.readAllBytes(bin);
    ElfSection s = ElfFile.open(bin).section(".go.buildinfo").orElseThrow();
    // The version's varint length: make it claim more than the section holds.
    int at = (int) s.offset() + BuildInfo.HEADER_SIZE;
    bytes[at] = (byte) 0xff;
    bytes[at + 1] = (byte) 0x7f;
    assertThatThrownBy(() -> BuildInfo.read(ElfFile.parse(bin, ByteBuffer.wrap(bytes))))
        .isInstanceOf(BinaryFormatException.class)
        .hasMessageContaining("Go build information string of");
  }
}
