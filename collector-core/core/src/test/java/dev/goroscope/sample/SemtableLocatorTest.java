package dev.goroscope.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.disasm.X86Disassembler;
import dev.goroscope.gobinary.GoBinary;
import dev.goroscope.gobinary.elf.ElfSymbol;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code runtime.semtable} found from the code of {@code runtime.semacquire1} is the symbol's
 * address, for every toolchain here, in normal and PIE builds; the table has the 251 roots of
 * 64 bytes the reader assumes. (Stripped builds are read through it in GoroutineSamplerTest.)
 */
class SemtableLocatorTest {

  @ParameterizedTest
  @EnumSource(Toolchain.class)
  void codeOfSemacquire1PointsAtTheSemtableSymbol(Toolchain toolchain) {
    for (Mode mode : List.of(Mode.NORMAL, Mode.PIE)) {
      GoBinary binary = GoBinary.open(GoToolchains.build("stateprog", toolchain, mode));
      ElfSymbol symbol = binary.elf().symbols().stream()
          .filter(s -> s.name().equals("runtime.semtable")).findFirst().orElseThrow();
      assertThat(symbol.size())
          .isEqualTo((long) SemaphoreReader.SEM_TABLE_SIZE * SemaphoreReader.ROOT_STRIDE);
      try (X86Disassembler disasm = X86Disassembler.open()) {
        assertThat(SemtableLocator.fromCode(binary, disasm)).as("%s %s", toolchain, mode)
            .hasValue(symbol.value());
        assertThat(SemtableLocator.locate(binary, disasm)).hasValue(symbol.value());
      }
    }
  }
}
