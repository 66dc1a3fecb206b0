package dev.goroscope.snapshot;

import dev.goroscope.disasm.X86Disassembler;
import dev.goroscope.gobinary.GoBinary;
import dev.goroscope.gobinary.elf.ElfSymbol;
import java.util.OptionalLong;

/**
 * Finds the link-time address of {@code runtime.allgs} (the {@code []*g} slice header): from
 * the symbol table when there is one, else from the code of {@code runtime.forEachG}, which
 * loads the slice's pointer and length with two RIP-relative moves 8 bytes apart (Go 1.19
 * through 1.27). Stripped binaries keep that function in .gopclntab.
 */
public final class AllgsLocator {

  private AllgsLocator() {}

  /** The address, or empty when neither the symbol nor the code pattern is there. */
  public static OptionalLong locate(GoBinary binary, X86Disassembler disasm) {
    for (ElfSymbol s : binary.elf().symbols()) {
      if (s.name().equals("runtime.allgs")) {
        return OptionalLong.of(s.value());
      }
    }
    return fromCode(binary, disasm);
  }

  /** The address as {@code runtime.forEachG} loads it, ignoring the symbol table. */
  public static OptionalLong fromCode(GoBinary binary, X86Disassembler disasm) {
    return SliceHeaders.firstLoaded(binary, disasm, "runtime.forEachG");
  }
}
