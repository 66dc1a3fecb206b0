package dev.goroscope.gobinary.elf;

/**
 * One ELF section header (Elf64_Shdr).
 *
 * @param index the section's index in the section header table
 * @param name the section name from .shstrtab
 */
public record ElfSection(
    int index,
    String name,
    int type,
    long flags,
    long address,
    long offset,
    long size,
    int link,
    int info,
    long entrySize) {

  public static final int SHT_NOBITS = 8;
  public static final int SHT_SYMTAB = 2;
  public static final long SHF_COMPRESSED = 0x800;
  public static final long SHF_EXECINSTR = 0x4;

  public boolean isCompressed() {
    return (flags & SHF_COMPRESSED) != 0;
  }

  /** True when {@code vaddr} lies inside this section's address range. */
  public boolean containsAddress(long vaddr) {
    return address != 0 && Long.compareUnsigned(vaddr, address) >= 0
        && Long.compareUnsigned(vaddr - address, size) < 0;
  }
}
