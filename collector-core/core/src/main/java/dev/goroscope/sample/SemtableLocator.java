package dev.goroscope.sample;

import dev.goroscope.disasm.Instruction;
import dev.goroscope.disasm.X86Disassembler;
import dev.goroscope.gobinary.BinaryFormatException;
import dev.goroscope.gobinary.GoBinary;
import dev.goroscope.gobinary.GoFunction;
import dev.goroscope.gobinary.elf.ElfSymbol;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the link-time address of {@code runtime.semtable} (the 251 {@code semaRoot}s that hold
 * goroutines blocked in {@code semacquire}): from the symbol table when there is one, else from
 * the code of {@code runtime.semacquire1}, where the inlined {@code semTable.rootFor} computes
 * {@code (addr >> 3) % 251} (an {@code imul …, 0xfb}) and scales it by 64 before adding the
 * table's address with a RIP-relative {@code lea} (Go 1.19 through 1.27). Stripped binaries
 * keep that function in .gopclntab.
 */
public final class SemtableLocator {

  private static final Pattern RIP_LEA = Pattern.compile("^\\w+, \\[rip ([+-]) 0x([0-9a-f]+)\\]$");

  private SemtableLocator() {}

  /** The address, or empty when neither the symbol nor the code pattern is there. */
  public static OptionalLong locate(GoBinary binary, X86Disassembler disasm) {
    for (ElfSymbol s : binary.elf().symbols()) {
      if (s.name().equals("runtime.semtable")) {
        return OptionalLong.of(s.value());
      }
    }
    return fromCode(binary, disasm);
  }

  /** The address as {@code runtime.semacquire1} computes it, ignoring the symbol table. */
  public static OptionalLong fromCode(GoBinary binary, X86Disassembler disasm) {
    Optional<GoFunction> f = binary.function("runtime.semacquire1");
    if (f.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      ByteBuffer code = binary.elf().readAddress(f.get().entry(), f.get().size());
      byte[] bytes = new byte[code.remaining()];
      code.get(bytes);
      boolean modulo = false;
      for (Instruction i : disasm.disassemble(bytes, f.get().entry())) {
        if (i.mnemonic().equals("imul") && i.operands().endsWith(", 0xfb")) {
          modulo = true;
          continue;
        }
        Matcher m = RIP_LEA.matcher(i.operands());
        if (modulo && i.mnemonic().equals("lea") && m.matches()) {
          long disp = Long.parseUnsignedLong(m.group(2), 16);
          return OptionalLong.of(m.group(1).equals("+") ? i.end() + disp : i.end() - disp);
        }
      }
    } catch (BinaryFormatException e) {
      return OptionalLong.empty();
    }
    return OptionalLong.empty();
  }
}
