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
    return m;
  }

  @ParameterizedTest
  @EnumSource(Toolchain.class)
  void dwarfMatchesTheReferenceNotes(Toolchain t) throws IOException {
    ElfFile elf = ElfFile.open(GoToolchains.build("offsetprobe", t, Mode.NORMAL));
    StructOffsets offsets = OffsetResolver.resolve(elf, GoVersion.parseOrUnknown(GoToolchains.version(t)));
    assertThat(offsets.source()).isEqualTo(OffsetSource.DWARF);
    assertThat(offsets.goMinor()).isEqualTo(Integer.parseInt(t.minor().substring(2)));
    Map<String, Long> probeFields = new LinkedHashMap<>(offsets.asMap());
    probeFields.keySet().retainAll(documented(t).keySet());
    assertThat(probeFields).isEqualTo(documented(t));
    assertThat(offsets.missing()).isEmpty();
    assertThat(offsets.isPointer(OffsetKeys.M_CURG)).isTrue();
    assertThat(offsets.isPointer(OffsetKeys.TIMERCTX_CANCELCTX)).isFalse();
    if (t == Toolchain.GO_1_19) {
      assertThat(offsets.get(OffsetKeys.G_PARENT_GOID)).isEmpty();
    }
  }

  /**
   * The sampler's fields, nested members included, against the layouts in the runtime sources
   * (runtime2.go gobuf/g/sudog, chan.go hchan/waitq, sema.go semaRoot, type.go): what follows
   * from the declarations whatever the version, plus the Go 1.26 maybeTraceablePtr wrappers.
   */
  @ParameterizedTest
  @EnumSource(Toolchain.class)
  void samplerFieldsFollowTheRuntimeDeclarations(Toolchain t) throws IOException {
    ElfFile elf = ElfFile.open(GoToolchains.build("offsetprobe", t, Mode.NORMAL));
    StructOffsets o = OffsetResolver.resolve(elf, GoVersion.parseOrUnknown(GoToolchains.version(t)));
    int minor = o.goMinor();
    // stack{lo, hi} is g's first field; gobuf{sp, pc, g, ...} follows m.
    assertThat(o.require(OffsetKeys.G_STACK_LO)).isZero();
    assertThat(o.require(OffsetKeys.G_STACK_HI)).isEqualTo(8);
    assertThat(o.require(OffsetKeys.G_SCHED_SP)).isEqualTo(o.require(OffsetKeys.G_M) + 8);
    assertThat(o.require(OffsetKeys.G_SCHED_PC)).isEqualTo(o.require(OffsetKeys.G_SCHED_SP) + 8);
    assertThat(o.require(OffsetKeys.G_SYSCALLPC)).isEqualTo(o.require(OffsetKeys.G_SYSCALLSP) + 8);
    // gobuf ends with bp; syscallsp follows sched directly.
    assertThat(o.require(OffsetKeys.G_SYSCALLSP)).isEqualTo(o.require(OffsetKeys.G_SCHED_BP) + 8);
    // Go 1.23 added syscallbp between syscallpc and stktopsp.
    assertThat(o.require(OffsetKeys.G_STKTOPSP))
        .isEqualTo(o.require(OffsetKeys.G_SYSCALLPC) + (minor >= 23 ? 16 : 8));
    assertThat(o.require(OffsetKeys.G_WAITING)).isGreaterThan(o.require(OffsetKeys.G_STARTPC));
    assertThat(o.isPointer(OffsetKeys.G_WAITING)).isTrue();
    // sudog{g, next, prev, elem, ...}
    assertThat(o.require(OffsetKeys.SUDOG_G)).isZero();
    assertThat(o.require(OffsetKeys.SUDOG_NEXT)).isEqualTo(8);
    assertThat(o.require(OffsetKeys.SUDOG_PREV)).isEqualTo(16);
    assertThat(o.require(OffsetKeys.SUDOG_ELEM)).isEqualTo(24);
    assertThat(o.require(OffsetKeys.SUDOG_WAITTAIL))
        .isEqualTo(o.require(OffsetKeys.SUDOG_WAITLINK) + 8);
    assertThat(o.require(OffsetKeys.SUDOG_C)).isEqualTo(o.require(OffsetKeys.SUDOG_WAITTAIL) + 8);
    if (minor >= 26) {
      // maybeTraceablePtr{vp, vu}: vu, the address, is the second word.
      assertThat(o.require(OffsetKeys.SUDOG_ELEM_VU)).isEqualTo(32);
      assertThat(o.require(OffsetKeys.SUDOG_C_VU)).isEqualTo(o.require(OffsetKeys.SUDOG_C) + 8);
      assertThat(o.isPointer(OffsetKeys.SUDOG_C)).isFalse();
    } else {
      assertThat(o.has(OffsetKeys.SUDOG_ELEM_VU)).isFalse();
      assertThat(o.isPointer(OffsetKeys.SUDOG_C)).isTrue();
    }
    // hchan{qcount, dataqsiz, buf, elemsize uint16, closed uint32, [timer 1.23+], elemtype ...}
    assertThat(o.require(OffsetKeys.HCHAN_QCOUNT)).isZero();
    assertThat(o.require(OffsetKeys.HCHAN_DATAQSIZ)).isEqualTo(8);
    assertThat(o.require(OffsetKeys.HCHAN_ELEMSIZE)).isEqualTo(24);
    assertThat(o.require(OffsetKeys.HCHAN_CLOSED)).isEqualTo(28);
    assertThat(o.require(OffsetKeys.HCHAN_ELEMTYPE)).isEqualTo(minor >= 23 ? 40 : 32);
    assertThat(o.require(OffsetKeys.HCHAN_SENDQ)).isEqualTo(o.require(OffsetKeys.HCHAN_RECVQ) + 16);
    assertThat(o.require(OffsetKeys.WAITQ_FIRST)).isZero();
    assertThat(o.require(OffsetKeys.WAITQ_LAST)).isEqualTo(8);
    // _type{size, ptrdata, hash uint32, tflag uint8, align, fieldAlign, kind, equal, gcdata, str}
    String str = minor >= 21 ? OffsetKeys.ABI_TYPE_STR : OffsetKeys.TYPE_STR;
    String tflag = minor >= 21 ? OffsetKeys.ABI_TYPE_TFLAG : OffsetKeys.TYPE_TFLAG;
    assertThat(o.require(str)).isEqualTo(40);
    assertThat(o.require(tflag)).isEqualTo(20);
    assertThat(o.require(OffsetKeys.SEMAROOT_TREAP)).isEqualTo(8);
    assertThat(o.require(OffsetKeys.MODULEDATA_ETYPES))
        .isGreaterThan(o.require(OffsetKeys.MODULEDATA_TYPES));
    assertThat(o.missing()).isEmpty();
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
