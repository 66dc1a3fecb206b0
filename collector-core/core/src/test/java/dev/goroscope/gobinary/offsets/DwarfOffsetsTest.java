package dev.goroscope.gobinary.offsets;

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
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Offsets from the DWARF of real binaries of every Go minor, checked against the values in
 * shared/reference/go-runtime.md, and what every build of the matrix (normal, stripped, PIE)
 * resolves to: its minor's built-in table row.
 */
class DwarfOffsetsTest {

  /** go-runtime.md's numbers for Go 1.{@code minor}; DWARF must agree. */
  static Map<String, Long> documented(int minor) {
    // runtime.g: atomicstatus (goid, waitsince, waitreason follow it) moved in 1.23 and back in
    // 1.25; parentGoid arrived in 1.21 and shifted gopc/startpc/labels; m.curg moved in 1.25.
    long status = minor == 23 || minor == 24 ? 152 : 144;
    long parent = switch (minor) {
      case 21, 22, 25 -> 272;
      case 23, 24, 26, 27 -> 280;
      default -> -1;
    };
    Map<String, Long> m = new LinkedHashMap<>();
    m.put(OffsetKeys.G_M, 48L);
    m.put(OffsetKeys.G_ATOMICSTATUS, status);
    m.put(OffsetKeys.G_GOID, status + 8);
    m.put(OffsetKeys.G_WAITSINCE, status + 24);
    m.put(OffsetKeys.G_WAITREASON, status + 32);
    if (parent > 0) {
      m.put(OffsetKeys.G_PARENT_GOID, parent);
    }
    m.put(OffsetKeys.G_GOPC, parent > 0 ? parent + 8 : 296L);
    m.put(OffsetKeys.G_STARTPC, parent > 0 ? parent + 24 : 312L);
    m.put(OffsetKeys.G_LABELS, parent > 0 ? parent + 72 : 360L);
    m.put(OffsetKeys.M_CURG, minor >= 25 ? 184L : 192L);
    m.put(OffsetKeys.CANCELCTX_CONTEXT, 0L);
    m.put(OffsetKeys.CANCELCTX_DONE, 24L);
    m.put(OffsetKeys.CANCELCTX_ERR, 48L);
    if (minor >= 20) {
      m.put(OffsetKeys.CANCELCTX_CAUSE, 64L);
    }
    m.put(OffsetKeys.TIMERCTX_CANCELCTX, 0L);
    m.put(OffsetKeys.TIMERCTX_DEADLINE, minor == 19 ? 72L : minor == 20 ? 16L : 88L);
    m.put(OffsetKeys.TIME_WALL, 0L);
    m.put(OffsetKeys.TIME_EXT, 8L);
    m.put(OffsetKeys.TIME_LOC, 16L);
    return m;
  }

  @ParameterizedTest
  @EnumSource(Toolchain.class)
  void dwarfMatchesTheReferenceNotes(Toolchain t) throws IOException {
    ElfFile elf = ElfFile.open(GoToolchains.build("offsetprobe", t, Mode.NORMAL));
    StructOffsets offsets = OffsetResolver.resolve(elf, GoToolchains.version(t));
    assertThat(offsets.source()).isEqualTo(OffsetSource.DWARF);
    assertThat(offsets.goMinor()).isEqualTo(t.minorNumber());
    assertThat(offsets.asMap()).isEqualTo(documented(t.minorNumber()));
    assertThat(offsets.missing()).isEmpty();
    assertThat(offsets.isPointer(OffsetKeys.M_CURG)).isTrue();
    // Go 1.20's timerCtx holds a *cancelCtx; every other version embeds it.
    assertThat(offsets.isPointer(OffsetKeys.TIMERCTX_CANCELCTX)).isEqualTo(t == Toolchain.GO_1_20);
    assertThat(offsets.get(OffsetKeys.G_PARENT_GOID).isPresent()).isEqualTo(t.atLeast(21));
  }

  /**
   * What {@code inspect} and attach use for every build of the matrix: the binary's DWARF
   * (normal, PIE) or, without DWARF (stripped), the built-in row; either way exactly the
   * committed table row of its minor, pointer marks included.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.goroscope.testing.GoMatrix#cells")
  void everyBuildResolvesToItsMinorsTableRow(Toolchain t, Mode mode) throws IOException {
    ElfFile elf = ElfFile.open(GoToolchains.build("offsetprobe", t, mode));
    StructOffsets resolved = OffsetResolver.resolve(elf, GoToolchains.version(t));
    StructOffsets row = OffsetTable.builtIn().row(t.minorNumber()).orElseThrow();
    assertThat(resolved.source())
        .isEqualTo(mode == Mode.STRIPPED ? OffsetSource.TABLE : OffsetSource.DWARF);
    assertThat(elf.section(".debug_info").isPresent()).isEqualTo(mode != Mode.STRIPPED);
    assertThat(resolved.asMap()).isEqualTo(row.asMap());
    assertThat(resolved.pointerFields()).isEqualTo(row.pointerFields());
    assertThat(resolved.missing()).isEmpty();
    if (mode == Mode.STRIPPED) {
      assertThat(resolved.origin()).isEqualTo(GoToolchains.version(t));
      assertThat(resolved.regenerated()).isTrue();
    }
  }

  @Test
  void unknownVersionWithoutDwarfListsEveryRequiredFieldAsMissing() {
    ElfFile stripped =
        ElfFile.open(GoToolchains.build("offsetprobe", Toolchain.GO_1_26, Mode.STRIPPED));
    StructOffsets none = OffsetResolver.resolve(stripped, "go1.99.1");
    assertThat(none.source()).isEqualTo(OffsetSource.NONE);
    assertThat(none.asMap()).isEmpty();
    assertThat(none.missing()).containsExactlyElementsOf(OffsetKeys.required(99));
    assertThat(none.missing()).contains(OffsetKeys.G_GOID, OffsetKeys.G_PARENT_GOID);
    assertThatThrownBy(() -> none.require(OffsetKeys.G_GOID))
        .isInstanceOf(GoroscopeException.class)
        .hasMessageContaining("runtime.g.goid")
        .hasMessageContaining("go1.99");
    assertThat(OffsetResolver.resolve(stripped, "not a version").missing())
        .containsExactlyElementsOf(OffsetKeys.required(-1));
  }

  @Test
  void requiredFieldsFollowTheVersion() {
    assertThat(OffsetKeys.required(19)).doesNotContain(OffsetKeys.G_PARENT_GOID)
        .contains(OffsetKeys.G_GOID, OffsetKeys.M_CURG, OffsetKeys.TIMERCTX_DEADLINE);
    assertThat(OffsetKeys.required(21)).contains(OffsetKeys.G_PARENT_GOID);
    assertThat(OffsetKeys.required(26)).doesNotContain(OffsetKeys.G_LABELS);
  }
}
