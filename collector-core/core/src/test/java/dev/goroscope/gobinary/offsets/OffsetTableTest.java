package dev.goroscope.gobinary.offsets;

import dev.goroscope.gobinary.GoVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The committed table is what the generator produces from the toolchain of every Go minor, and
 * Go's own DWARF reader agrees with it.
 */
class OffsetTableTest {

  /** Every row, rebuilt from a fresh build of offsetprobe with its minor's toolchain. */
  @Test
  void everyRowIsRegeneratedFromAFreshBuildOfItsToolchain() throws IOException {
    List<StructOffsets> rows = new ArrayList<>();
    for (Toolchain t : Toolchain.values()) {
      StructOffsets row = OffsetTableGenerator.regenerate(
          t, GoToolchains.build("offsetprobe", t, Mode.NORMAL));
      assertThat(row.goMinor()).isEqualTo(t.minorNumber());
      assertThat(row.origin()).isEqualTo(GoToolchains.version(t));
      rows.add(row);
      assertThat(OffsetTable.builtIn().row(row.goMinor()))
          .as("committed row for go%s (rerun scripts/generate-offset-table.sh)", t.minor())
          .contains(row);
    }
    // The whole file, header included, is exactly the generator's output: no row without a
    // toolchain behind it.
    String committed = Files.readString(OffsetTableGenerator.TABLE_SOURCE, StandardCharsets.UTF_8);
    assertThat(committed)
        .as("committed %s (rerun scripts/generate-offset-table.sh)",
            OffsetTableGenerator.TABLE_SOURCE)
        .isEqualTo(OffsetTableGenerator.table(rows).format(OffsetTableGenerator.header()));
  }

  /**
   * An independent reader agrees with every row: Go's own debug/dwarf (bpf's probeinfo program)
   * on the same build gives the same offset for every field, -1 exactly where the row has none,
   * and the same pointer marks.
   */
  @ParameterizedTest
  @EnumSource(Toolchain.class)
  void goDebugDwarfAgreesWithEveryRow(Toolchain t) {
    Path probe = GoToolchains.build("offsetprobe", t, Mode.NORMAL);
    Path probeinfo = GoToolchains.build("probeinfo", Toolchain.GO_1_26, Mode.NORMAL);
    List<String> cmd = new ArrayList<>(List.of(probeinfo.toString(), probe.toString()));
    for (String key : OffsetKeys.all()) {
      cmd.add("field");
      cmd.add(key);
    }
    StructOffsets row = OffsetTable.builtIn().row(t.minorNumber()).orElseThrow();
    Map<String, Long> expected = new TreeMap<>();
    for (String key : OffsetKeys.all()) {
      expected.put(key, row.get(key).orElse(-1));
    }
    Map<String, Long> answered = new TreeMap<>();
    Set<String> pointers = new TreeSet<>();
    for (String line : run(cmd).split("\n")) {
      String[] f = line.split(" ");
      answered.put(f[1], Long.parseLong(f[2]));
      if (f.length > 3 && f[3].equals("pointer")) {
        pointers.add(f[1]);
      }
    }
    assertThat(answered).as("debug/dwarf of %s", probe).isEqualTo(expected);
    assertThat(pointers).as("pointer fields").isEqualTo(new TreeSet<>(row.pointerFields()));
  }

  private static String run(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void coversGo119To127EveryRowRegenerated() {
    OffsetTable table = OffsetTable.builtIn();
    assertThat(table.rows().keySet()).containsExactly(19, 20, 21, 22, 23, 24, 25, 26, 27);
    for (StructOffsets row : table.rows().values()) {
      assertThat(row.regenerated()).as("go1.%d", row.goMinor()).isTrue();
      assertThat(row.origin()).as("go1.%d", row.goMinor())
          .startsWith("go1." + row.goMinor() + ".");
      assertThat(row.source()).isEqualTo(OffsetSource.TABLE);
      assertThat(row.missing()).as("fields of go1.%d", row.goMinor()).isEmpty();
      assertThat(row.has(OffsetKeys.G_PARENT_GOID)).isEqualTo(row.goMinor() >= 21);
      assertThat(row.isPointer(OffsetKeys.TIMERCTX_CANCELCTX)).isEqualTo(row.goMinor() == 20);
    }
    assertThat(table.row(GoVersion.parseOrUnknown("go1.23.4")).orElseThrow()
        .require(OffsetKeys.G_GOID)).isEqualTo(160);
    assertThat(table.row(GoVersion.parseOrUnknown("go1.18.10"))).isEmpty();
    assertThat(table.row(GoVersion.parseOrUnknown("go1.28"))).isEmpty();
    assertThat(table.row(GoVersion.parseOrUnknown("gccgo"))).isEmpty();
  }

  @Test
  void formatThenParseIsIdentity() {
    OffsetTable table = OffsetTable.builtIn();
    assertThat(OffsetTable.parse(table.format(List.of("x"))).rows()).isEqualTo(table.rows());
  }

  @Test
  void parseRejectsMalformedRows() {
    assertThatThrownBy(() -> OffsetTable.parse("runtime.g.goid=1\n"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OffsetTable.parse("[1.26] guessed x\n"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OffsetTable.parse("[1.26] documented x\nruntime.g.goid=abc\n"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OffsetTable.parse("[1.26] documented x\n[1.26] documented y\n"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void goVersionsParseOnce() {
    assertThat(GoVersion.parseOrUnknown("go1.26.8").minor()).isEqualTo(26);
    assertThat(GoVersion.parseOrUnknown("go1.21rc2").minor()).isEqualTo(21);
    assertThat(GoVersion.parseOrUnknown("devel go1.27-abcdef Tue").minor()).isEqualTo(27);
    assertThat(GoVersion.parseOrUnknown("go1.2").minor()).isEqualTo(2);
    assertThat(GoVersion.parseOrUnknown("gccgo").isKnown()).isFalse();
    assertThat(GoVersion.parseOrUnknown("gccgo").minor()).isEqualTo(-1);
  }
}
