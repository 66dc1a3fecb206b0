package dev.goroscope.disasm;

/**
 * One decoded machine instruction.
 *
 * @param address virtual address
 * @param size length in bytes
 * @param mnemonic e.g. {@code ret}, {@code cmp}
 * @param operands Intel syntax, e.g. {@code rsp, qword ptr [r14 + 0x10]}
 */
public record Instruction(long address, int size, String mnemonic, String operands) {

  /** The address just past this instruction. */
  public long end() {
    return address + size;
  }

  public boolean isReturn() {
    return mnemonic.equals("ret") || mnemonic.equals("retq");
  }

  @Override
  public String toString() {
    return String.format("0x%x: %s %s", address, mnemonic, operands);
  }
}
