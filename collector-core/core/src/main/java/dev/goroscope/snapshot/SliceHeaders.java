package dev.goroscope.snapshot;

import dev.goroscope.disasm.Instruction;
import dev.goroscope.disasm.X86Disassembler;
import dev.goroscope.gobinary.BinaryFormatException;
import dev.goroscope.gobinary.GoBinary;
import dev.goroscope.gobinary.GoFunction;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a package-level slice in a stripped binary through the code that ranges over it: Go
 * loads a global slice's pointer and length with two RIP-relative {@code mov}s 8 bytes apart
 * ({@code for _, x := range s}), and {@code .gopclntab} keeps the function's bounds.
 */
final class SliceHeaders {

  private static final Pattern RIP_LOAD =
      Pattern.compile("^\\w+, qword ptr \\[rip ([+-]) 0x([0-9a-f]+)\\]$");

  private SliceHeaders() {}

  /**
   * The link-time address of the first slice header {@code function} loads (pointer, then
   * length), or empty when the function or the pattern is not there.
   */
  static OptionalLong firstLoaded(GoBinary binary, X86Disassembler disasm, String function) {
    Optional<GoFunction> fn = binary.function(function);
    if (fn.isEmpty()) {
      return OptionalLong.empty();
    }
    GoFunction f = fn.get();
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
