package dev.goroscope.gobinary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goroscope.GoroscopeException;
import dev.goroscope.gobinary.elf.ElfFile;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadBiasTest {

  private final ElfFile pie = ElfFile.open(
      GoToolchains.build(GoToolchains.probeProgram(), Toolchain.GO_1_26, Mode.PIE));

  @Test
  void biasIsTheMappingOfFileOffsetZeroMinusItsAddress() {
    // As the kernel maps a Go PIE (first PT_LOAD at vaddr 0x400000, file offset 0).
    List<String> maps = List.of(
        "55891f262000-55891f317000 r-xp 00000000 fe:00 9978383   /srv/app",
        "55891f317000-55891f409000 r--p 000b5000 fe:00 9978383   /srv/app",
        "7ffd1c000000-7ffd1c021000 rw-p 00000000 00:00 0         [stack]");
    assertThat(LoadBias.fromMaps(maps, "/srv/app", pie)).isEqualTo(0x55891f262000L - 0x400000L);
    List<String> deleted = List.of(
        "55891f262000-55891f317000 r-xp 00000000 fe:00 9978383   /srv/app (deleted)");
    assertThat(LoadBias.fromMaps(deleted, "/srv/app", pie))
        .isEqualTo(0x55891f262000L - 0x400000L);
  }

  @Test
  void executableNotMapped() {
    assertThatThrownBy(() -> LoadBias.fromMaps(List.of(), "/srv/app", pie))
        .isInstanceOf(GoroscopeException.class).hasMessageContaining("/srv/app is not mapped");
  }

  @Test
  void processGone() {
    assertThatThrownBy(() -> LoadBias.forProcess(999_999_999, pie))
        .isInstanceOf(GoroscopeException.class)
        .hasMessageContaining("cannot read the memory map of process 999999999");
  }
}
