package dev.goroscope.disasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goroscope.GoroscopeException;
import java.util.List;
import org.junit.jupiter.api.Test;

class X86DisassemblerTest {

  @Test
  void structLayoutMatchesCapstone4() {
    assertThat(new CsInsn().size()).isEqualTo(CsInsn.SIZE);
    assertThat(new CsInsn().offsetOf("mnemonic")).isEqualTo(34);
    assertThat(new CsInsn().offsetOf("detail")).isEqualTo(232);
  }

  @Test
  void decodesAGoStackCheckPrologue() {
    byte[] code = {
        0x49, 0x3b, 0x66, 0x10, // cmp rsp, qword ptr [r14 + 0x10]
        0x76, 0x05, // jbe +5
        0x55, // push rbp
        0x48, (byte) 0x89, (byte) 0xe5, // mov rbp, rsp
        (byte) 0xc3, // ret
        (byte) 0xe8, 0, 0, 0, 0, // call
    };
    try (X86Disassembler d = X86Disassembler.open()) {
      List<Instruction> insns = d.disassemble(code, 0x401000);
      assertThat(insns).extracting(Instruction::mnemonic)
          .containsExactly("cmp", "jbe", "push", "mov", "ret", "call");
      assertThat(insns.get(0).operands()).isEqualTo("rsp, qword ptr [r14 + 0x10]");
      assertThat(insns.get(1).operands()).isEqualTo("0x40100b");
      assertThat(insns).extracting(Instruction::address)
          .containsExactly(0x401000L, 0x401004L, 0x401006L, 0x401007L, 0x40100aL, 0x40100bL);
      assertThat(insns.get(4).isReturn()).isTrue();
      assertThat(insns.get(5).end()).isEqualTo(0x401010L);
    }
  }

  @Test
  void stopsAtAnInvalidInstruction() {
    try (X86Disassembler d = X86Disassembler.open()) {
      // 0x06 (push es) does not exist in 64-bit mode.
      assertThat(d.disassemble(new byte[] {(byte) 0xc3, 0x06, (byte) 0xc3}, 0x1000)).hasSize(1);
      assertThat(d.disassemble(new byte[0], 0x1000)).isEmpty();
    }
  }

  @Test
  void closeIsIdempotentAndUseAfterCloseFails() {
    X86Disassembler d = X86Disassembler.open();
    d.close();
    d.close();
    assertThatThrownBy(() -> d.disassemble(new byte[] {(byte) 0xc3}, 0))
        .isInstanceOf(IllegalStateException.class);
    assertThat(X86Disassembler.isAvailable()).isTrue();
    assertThat(X86Disassembler.unavailabilityCause()).isNull();
  }

  @Test
  void missingLibraryMessageNamesTheAptPackage() {
    assertThatThrownBy(() -> X86Disassembler.load("libcapstone-not-here.so.4"))
        .isInstanceOf(GoroscopeException.class)
        .hasMessageStartingWith("disassembler library libcapstone.so.4 not found (")
        .hasMessageEndingWith("install the Debian package libcapstone4"
            + " (apt-get install libcapstone4)")
        .hasMessageNotContaining("\n");
    assertThat(X86Disassembler.load("libcapstone.so.4")).isNotNull();
  }
}
