package dev.goroscope.gobinary.offsets;

import dev.goroscope.gobinary.GoVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The committed table is what the generator produces from this machine's toolchains. */
class OffsetTableTest {

  @Test
  void regeneratedRowsEqualTheCommittedTable() throws IOException {
    List<StructOffsets> rows = new ArrayList<>();
    for (Toolchain t : Toolchain.values()) {
      StructOffsets row = OffsetTableGenerator.regenerate(
          t, GoToolchains.build("offsetprobe", t, Mode.NORMAL));
      rows.add(row);
      assertThat(OffsetTable.builtIn().row(row.goMinor()))
          .as("committed row for go%s (rerun scripts/generate-offset-table.sh)", t.minor())
          .contains(row);
    }
    // The whole file, documented rows and header included, is exactly the generator's output.
    String committed = Files.readString(OffsetTableGenerator.TABLE_SOURCE, StandardCharsets.UTF_8);
    assertThat(committed)
        .as("committed %s (rerun scripts/generate-offset-table.sh)",
            OffsetTableGenerator.TABLE_SOURCE)
        .isEqualTo(OffsetTableGenerator.table(rows).format(OffsetTableGenerator.header()));
  }

  @Test
  void coversGo119To127AndMarksWhatWasNotRegeneratedHere() {
    OffsetTable table = OffsetTable.builtIn();
    assertThat(table.rows().keySet()).containsExactly(19, 20, 21, 22, 23, 24, 25, 26, 27);
    for (StructOffsets row : table.rows().values()) {
      boolean here = row.goMinor() == 19 || row.goMinor() >= 26;
      assertThat(row.regenerated()).as("go1.%d", row.goMinor()).isEqualTo(here);
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
