package dev.goroscope.disasm;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import java.nio.charset.StandardCharsets;

/**
 * {@code cs_insn} of Capstone 4.0.2: id u32, (pad), address u64, size u16, bytes[16],
 * mnemonic[32], op_str[160], (pad), detail pointer — 240 bytes on x86-64. Capstone 5 grew
 * {@code bytes} to 24, which is why {@link X86Disassembler} insists on major version 4.
 */
@Structure.FieldOrder({"id", "address", "size", "bytes", "mnemonic", "op_str", "detail"})
public final class CsInsn extends Structure {
  /** sizeof(cs_insn) in Capstone 4 on x86-64. */
  static final int SIZE = 240;

  public int id;
  public long address;
  public short size;
  public byte[] bytes = new byte[16];
  public byte[] mnemonic = new byte[32];
  public byte[] op_str = new byte[160];
  public Pointer detail;

  public CsInsn() {
    super();
  }

  CsInsn(Pointer p) {
    super(p);
    read();
  }

  int offsetOf(String field) {
    return fieldOffset(field);
  }

  String mnemonicText() {
    return cString(mnemonic);
  }

  String operandText() {
    return cString(op_str);
  }

  private static String cString(byte[] b) {
    int n = 0;
    while (n < b.length && b[n] != 0) {
      n++;
    }
    return new String(b, 0, n, StandardCharsets.US_ASCII);
  }
}
