package dev.goroscope.snapshot;

import dev.goroscope.disasm.X86Disassembler;
import dev.goroscope.gobinary.GoBinary;
import dev.goroscope.gobinary.elf.ElfSymbol;
import java.util.OptionalLong;

/**
 * Finds the link-time address of {@code runtime.allp} (the {@code []*p} slice header, one P per
 * GOMAXPROCS): from the symbol table when there is one, else from the code of
 * {@code runtime.stopTheWorldWithSema}, whose first slice load is {@code for _, pp := range allp}
 * (Go 1.19 through 1.27). Stripped binaries keep that function in .gopclntab.
 */
public final class AllpLocator {

  /** The function whose code names allp in stripped binaries. */
  public static final String CODE_FUNCTION = "runtime.stopTheWorldWithSema";

  private AllpLocator() {}

  /** The address, or empty when neither the symbol nor the code pattern is there. */
  public static OptionalLong locate(GoBinary binary, X86Disassembler disasm) {
    for (ElfSymbol s : binary.elf().symbols()) {
      if (s.name().equals("runtime.allp")) {
        return OptionalLong.of(s.value());
      }
    }
    return fromCode(binary, disasm);
  }

  /** The address as {@code runtime.stopTheWorldWithSema} loads it, ignoring the symbol table. */
  public static OptionalLong fromCode(GoBinary binary, X86Disassembler disasm) {
    return SliceHeaders.firstLoaded(binary, disasm, CODE_FUNCTION);
  }
}
