package dev.goroscope.disasm;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The few Capstone 4 calls goroscope uses ({@code capstone.h} of 4.0.2). {@code csh} and
 * {@code size_t} are 64-bit on the LP64 targets goroscope runs on.
 */
interface CapstoneLibrary extends Library {
  int CS_ARCH_X86 = 3;
  int CS_MODE_64 = 1 << 3;
  int CS_ERR_OK = 0;

  int cs_version(IntByReference major, IntByReference minor);

  int cs_open(int arch, int mode, LongByReference handle);

  long cs_disasm(long handle, byte[] code, long codeSize, long address, long count,
      PointerByReference insn);

  void cs_free(Pointer insn, long count);

  int cs_close(LongByReference handle);

  int cs_errno(long handle);

  String cs_strerror(int code);
}
