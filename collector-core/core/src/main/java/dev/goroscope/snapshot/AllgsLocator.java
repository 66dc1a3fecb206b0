package dev.goroscope.snapshot;

import dev.goroscope.disasm.Instruction;
import dev.goroscope.disasm.X86Disassembler;
import dev.goroscope.gobinary.BinaryFormatException;
import dev.goroscope.gobinary.GoBinary;
import dev.goroscope.gobinary.GoFunction;
import dev.goroscope.gobinary.elf.ElfSymbol;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the link-time address of {@code runtime.allgs} (the {@code []*g} slice header): from
 * the symbol table when there is one, else from the code of {@code runtime.forEachG}, which
 * loads the slice's pointer and length with two RIP-relative moves 8 bytes apart (Go 1.19
 * through 1.27). Stripped binaries keep that function in .gopclntab.
 */
public final class AllgsLocator {

  private static final Pattern RIP_LOAD =
      Pattern.compile("^\\w+, qword ptr \\[rip ([+-]) 0x([0-9a-f]+)\\]$");

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
    Optional<GoFunction> forEachG = binary.function("runtime.forEachG");
    if (forEachG.isEmpty()) {
      return OptionalLong.empty();
    }
    GoFunction f = forEachG.get();
    List<Long> loads = new ArrayList<>();
    try {
      ByteBuffer code = binary.elf().readAddress(f.entry(), f.size());
      byte[] bytes = new byte[code.remaining()];
      code.get(bytes);
      for (Instruction i : disasm.disassemble(bytes, f.entry())) {
        Matcher m = RIP_LOAD.matcher(i.operands());
        if (i.mnemonic().equals("mov") && m.matches()) {
          long disp = Long.parseUnsignedLong(m.group(2), 16);
          loads.add(m.group(1).equals("+") ? i.end() + disp : i.end() - disp);
        }
      }
    } catch (BinaryFormatException e) {
      return OptionalLong.empty();
    }
    for (int i = 0; i + 1 < loads.size(); i++) {
      if (loads.get(i + 1) == loads.get(i) + 8) {
        return OptionalLong.of(loads.get(i)); // pointer, then length: the slice header
      }
    }
    return OptionalLong.empty();
  }
}
