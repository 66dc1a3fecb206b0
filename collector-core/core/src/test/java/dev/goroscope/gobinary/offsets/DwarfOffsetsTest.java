package dev.goroscope.gobinary.offsets;

import dev.goroscope.gobinary.GoVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goroscope.GoroscopeException;
import dev.goroscope.gobinary.elf.ElfFile;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Offsets from the DWARF of real binaries of every toolchain here, checked against the values
 * in shared/reference/go-runtime.md, and the table fallback for their stripped twins.
 */
class DwarfOffsetsTest {

  /** go-runtime.md's numbers for the versions built here; DWARF must agree. */
  static Map<String, Long> documented(Toolchain t) {
    Map<String, Long> m = new LinkedHashMap<>();
    boolean old = t == Toolchain.GO_1_19;
    m.put(OffsetKeys.G_M, 48L);
    m.put(OffsetKeys.G_ATOMICSTATUS, 144L);
    m.put(OffsetKeys.G_GOID, 152L);
    m.put(OffsetKeys.G_WAITREASON, 176L);
    if (!old) {
      m.put(OffsetKeys.G_PARENT_GOID, 280L);
    }
    m.put(OffsetKeys.G_GOPC, old ? 296L : 288L);
    m.put(OffsetKeys.G_STARTPC, old ? 312L : 304L);
    m.put(OffsetKeys.M_CURG, old ? 192L : 184L);
    m.put(OffsetKeys.HCHAN_QCOUNT, 0L);
    m.put(OffsetKeys.HCHAN_DATAQSIZ, 8L);
    m.put(OffsetKeys.CANCELCTX_CONTEXT, 0L);
    m.put(OffsetKeys.CANCELCTX_ERR, 48L);
    m.put(OffsetKeys.TIMERCTX_CANCELCTX, 0L);
    m.put(OffsetKeys.TIMERCTX_DEADLINE, old ? 72L : 88L);
    m.put(OffsetKeys.TIME_WALL, 0L);
    m.put(OffsetKeys.TIME_EXT, 8L);
    m.put(OffsetKeys.P_STATUS, 4L);
    m.put(OffsetKeys.P_M, old ? 56L : 48L);
    m.put(OffsetKeys.M_PREEMPTOFF, 248L);
    m.put(OffsetKeys.G_LOCKEDM, old ? 232L : 208L);
    m.put(OffsetKeys.RWMUTEX_WRITER_SEM, 8L);
    m.put(OffsetKeys.RWMUTEX_READER_SEM, 12L);
    return m;
  }

  @ParameterizedTest
  @EnumSource(Toolchain.class)
  void dwarfMatchesTheReferenceNotes(Toolchain t) throws IOException {
    ElfFile elf = ElfFile.open(GoToolchains.build("offsetprobe", t, Mode.NORMAL));
    StructOffsets offsets = OffsetResolver.resolve(elf, GoVersion.parseOrUnknown(GoToolchains.version(t)));
    assertThat(offsets.source()).isEqualTo(OffsetSource.DWARF);
    assertThat(offsets.goMinor()).isEqualTo(Integer.parseInt(t.minor().substring(2)));
    assertThat(offsets.asMap()).isEqualTo(documented(t));
    assertThat(offsets.missing()).isEmpty();
    assertThat(offsets.isPointer(OffsetKeys.M_CURG)).isTrue();
    assertThat(offsets.isPointer(OffsetKeys.TIMERCTX_CANCELCTX)).isFalse();
    if (t == Toolchain.GO_1_19) {
      assertThat(offsets.get(OffsetKeys.G_PARENT_GOID)).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Toolchain.class)
  void strippedTwinGetsTheSameOffsetsFromTheTable(Toolchain t) throws IOException {
    ElfFile normal = ElfFile.open(GoToolchains.build("offsetprobe", t, Mode.NORMAL));
    ElfFile stripped = ElfFile.open(GoToolchains.build("offsetprobe", t, Mode.STRIPPED));
    assertThat(stripped.section(".debug_info")).isEmpty();
    StructOffsets fromDwarf = OffsetResolver.resolve(normal, GoVersion.parseOrUnknown(GoToolchains.version(t)));
    StructOffsets fromTable = OffsetResolver.resolve(stripped, GoVersion.parseOrUnknown(GoToolchains.version(t)));
    assertThat(fromTable.source()).isEqualTo(OffsetSource.TABLE);
    assertThat(fromTable.regenerated()).isTrue();
    assertThat(fromTable.origin()).isEqualTo(GoToolchains.version(t));
    assertThat(fromTable.asMap()).isEqualTo(fromDwarf.asMap());
    assertThat(fromTable.pointerFields()).isEqualTo(fromDwarf.pointerFields());
    assertThat(fromTable.missing()).isEmpty();
  }

  @Test
  void unknownVersionWithoutDwarfListsEveryFieldAsMissing() {
    ElfFile stripped =
        ElfFile.open(GoToolchains.build("offsetprobe", Toolchain.GO_1_26, Mode.STRIPPED));
    StructOffsets none = OffsetResolver.resolve(stripped, GoVersion.parseOrUnknown("go1.99.1"));
    assertThat(none.source()).isEqualTo(OffsetSource.NONE);
    assertThat(none.asMap()).isEmpty();
    assertThat(none.missing()).containsExactlyElementsOf(OffsetKeys.expected(99));
    assertThat(none.missing()).contains(OffsetKeys.G_GOID, OffsetKeys.G_PARENT_GOID);
    assertThatThrownBy(() -> none.require(OffsetKeys.G_GOID))
        .isInstanceOf(GoroscopeException.class)
        .hasMessageContaining("runtime.g.goid")
        .hasMessageContaining("go1.99");
    assertThat(OffsetResolver.resolve(stripped, GoVersion.parseOrUnknown("not a version"))
        .missing()).containsExactlyElementsOf(OffsetKeys.expected(-1));
  }

  @Test
  void expectedFieldsFollowTheVersion() {
    assertThat(OffsetKeys.expected(19)).doesNotContain(OffsetKeys.G_PARENT_GOID)
        .contains(OffsetKeys.G_GOID, OffsetKeys.M_CURG, OffsetKeys.TIMERCTX_DEADLINE);
    assertThat(OffsetKeys.expected(21)).contains(OffsetKeys.G_PARENT_GOID);
  }
}
