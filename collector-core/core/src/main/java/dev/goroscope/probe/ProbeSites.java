package dev.goroscope.probe;

import dev.goroscope.disasm.Instruction;
import dev.goroscope.disasm.X86Disassembler;
import dev.goroscope.gobinary.BinaryFormatException;
import dev.goroscope.gobinary.elf.ElfFile;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Computes {@link ProbeSite}s by disassembling whole functions with Capstone.
 *
 * <p>Go's amd64 stack-check prologue (cmd/internal/obj/x86 {@code stacksplit}) is one of
 * <pre>
 *   cmp rsp, [r14+0x10]; jbe MORESTACK                      (small frames)
 *   lea r12, [rsp-N]; cmp r12, [r14+0x10]; jbe MORESTACK    (frames above StackSmall)
 *   mov r12, rsp; sub r12, N; jb MORESTACK; cmp r12, [r14+0x10]; jbe MORESTACK  (huge frames)
 * </pre>
 * where R14 is the current g and 0x10 is {@code g.stackguard0}; the MORESTACK block calls
 * {@code runtime.morestack*} and jumps back to the function's first instruction. An entry probe
 * placed after the {@code jbe} therefore fires once per call even when the stack grows. The
 * shape is verified (jbe target inside the function, a call there, then a jmp to the entry)
 * rather than assumed; anything else is treated as "no prologue" and said so in the note.
 */
public final class ProbeSites {

  private static final String GUARD = "qword ptr [r14 + 0x10]";

  private ProbeSites() {}

  /** Disassembles {@code fn} in {@code elf} and returns its probe site. */
  public static ProbeSite locate(ElfFile elf, FunctionBounds fn, X86Disassembler disasm) {
    if (elf.machine() != ElfFile.EM_X86_64) {
      throw new BinaryFormatException(elf.path() + " is a linux/" + elf.goArch()
          + " binary: probe sites are not yet supported there (only amd64)");
    }
    long fileOffset = elf.fileOffset(fn.address());
    if (fn.size() > elf.size()) {
      throw elf.corrupt(fn.name() + " claims " + fn.size() + " bytes of code");
    }
    ByteBuffer code = elf.readAddress(fn.address(), fn.size());
    byte[] bytes = new byte[code.remaining()];
    code.get(bytes);
    List<Instruction> insns = disasm.disassemble(bytes, fn.address());
    long covered = insns.isEmpty() ? fn.address() : insns.get(insns.size() - 1).end();
    if (covered != fn.end()) {
      throw elf.corrupt(String.format(
          "%s: no valid instruction at 0x%x (function 0x%x-0x%x)",
          fn.name(), covered, fn.address(), fn.end()));
    }
    List<Long> rets = new ArrayList<>();
    int tailJumps = 0;
    for (Instruction i : insns) {
      if (i.isReturn()) {
        rets.add(i.address() - fn.address() + fileOffset);
      } else if (i.mnemonic().equals("jmp")) {
        long target = parseTarget(i.operands());
        if (target >= 0 && (target < fn.address() || target >= fn.end())) {
          tailJumps++;
        }
      }
    }
    int body = prologueLength(insns, fn);
    long entry;
    String note;
    if (body > 0) {
      Instruction first = insns.get(body);
      entry = first.address() - fn.address() + fileOffset;
      note = String.format(Locale.ROOT,
          "entry probe after the %d-instruction stack-check prologue (+0x%x), so morestack's"
              + " re-entry does not fire it twice", body, first.address() - fn.address());
    } else {
      entry = fileOffset;
      note = "no stack-check prologue (NOSPLIT or frameless): entry probe on the first"
          + " instruction, which morestack never re-runs";
    }
    if (tailJumps > 0) {
      note += "; " + tailJumps + " direct jump(s) leave the function (tail calls): RET probes"
          + " miss those exits";
    }
    return new ProbeSite(fn.name(), fn.address(), fileOffset, entry, rets, note);
  }

  /**
   * The number of prologue instructions (index of the first body instruction), or 0 when the
   * function does not start with a verified stack check.
   */
  static int prologueLength(List<Instruction> insns, FunctionBounds fn) {
    int i = 0;
    String reg = "rsp";
    if (matches(insns, 0, "lea", "r12, [rsp - ")) {
      i = 1;
      reg = "r12";
    } else if (matches(insns, 0, "mov", "r12, rsp") && matches(insns, 1, "sub", "r12, ")
        && matches(insns, 2, "jb", "")) {
      if (!jumpsToMorestack(insns, insns.get(2), fn)) {
        return 0;
      }
      i = 3;
      reg = "r12";
    }
    if (!matches(insns, i, "cmp", reg + ", " + GUARD) || !matches(insns, i + 1, "jbe", "")) {
      return 0;
    }
    if (!jumpsToMorestack(insns, insns.get(i + 1), fn) || i + 2 >= insns.size()) {
      return 0;
    }
    return i + 2;
  }

  /**
   * True when {@code branch} targets a block inside the function that calls something and then
   * jumps back to the function's first instruction — Go's morestack trampoline.
   */
  private static boolean jumpsToMorestack(List<Instruction> insns, Instruction branch,
      FunctionBounds fn) {
    long target = parseTarget(branch.operands());
    if (target < fn.address() || target >= fn.end()) {
      return false;
    }
    boolean called = false;
    for (Instruction in : insns) {
      if (in.address() < target) {
        continue;
      }
      if (in.mnemonic().equals("call")) {
        called = true;
      } else if (in.mnemonic().equals("jmp")) {
        return called && parseTarget(in.operands()) == fn.address();
      } else if (in.isReturn()) {
        return false;
      }
    }
    return false;
  }

  private static boolean matches(List<Instruction> insns, int index, String mnemonic,
      String operandPrefix) {
    return index < insns.size() && insns.get(index).mnemonic().equals(mnemonic)
        && insns.get(index).operands().startsWith(operandPrefix);
  }

  private static long parseTarget(String operand) {
    if (!operand.startsWith("0x")) {
      return -1;
    }
    try {
      return Long.parseUnsignedLong(operand.substring(2), 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
