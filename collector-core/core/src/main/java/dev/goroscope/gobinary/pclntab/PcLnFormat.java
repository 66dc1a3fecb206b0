package dev.goroscope.gobinary.pclntab;

import dev.goroscope.gobinary.BinaryFormatException;
import dev.goroscope.gobinary.elf.ElfFile;

/**
 * The {@code .gopclntab} layouts goroscope reads (internal/abi/symtab.go): the table header
 * and {@code moduledata} are the same in both; Go 1.20 added {@code _func.startLine} and the
 * coverage counters of {@code moduledata}.
 */
public enum PcLnFormat {
  /** Go 1.18 and 1.19. */
  GO118(0xfffffff0, 40, 38),
  /** Go 1.20 and later (Go 1.26 writes a zero textStart). */
  GO120(0xfffffff1, 44, 40);

  private final int magic;
  private final int funcHeaderSize;
  private final int moduleDataGoFuncWord;

  PcLnFormat(int magic, int funcHeaderSize, int moduleDataGoFuncWord) {
    this.magic = magic;
    this.funcHeaderSize = funcHeaderSize;
    this.moduleDataGoFuncWord = moduleDataGoFuncWord;
  }

  public int magic() {
    return magic;
  }

  /** Bytes of {@code runtime._func} before its pcdata and funcdata arrays. */
  int funcHeaderSize() {
    return funcHeaderSize;
  }

  /** Index of {@code moduledata.gofunc} counted in pointer-sized words. */
  int moduleDataGoFuncWord() {
    return moduleDataGoFuncWord;
  }

  /** True when {@code magic} is any .gopclntab magic, supported or not. */
  static boolean isAnyMagic(int magic) {
    return magic == 0xfffffff0 || magic == 0xfffffff1 || magic == 0xfffffffa
        || magic == 0xfffffffb;
  }

  /** The format for {@code magic}, or a clear error for older Go releases and garbage. */
  static PcLnFormat of(ElfFile elf, int magic) {
    for (PcLnFormat f : values()) {
      if (f.magic == magic) {
        return f;
      }
    }
    if (magic == 0xfffffffa) {
      throw new BinaryFormatException(elf.path()
          + " was built by Go 1.16 or 1.17 (.gopclntab magic 0xfffffffa); goroscope needs Go 1.19"
          + " or later");
    }
    if (magic == 0xfffffffb) {
      throw new BinaryFormatException(elf.path()
          + " was built by Go 1.15 or older (.gopclntab magic 0xfffffffb); goroscope needs Go 1.19"
          + " or later");
    }
    throw elf.corrupt(String.format(".gopclntab has unknown magic 0x%08x", magic));
  }
}
