package dev.goroscope.gobinary.elf;

/** One ELF program header (Elf64_Phdr). */
public record ElfSegment(
    int type, int flags, long offset, long virtualAddress, long fileSize, long memorySize) {

  public static final int PT_LOAD = 1;
  public static final int PF_X = 1;

  public boolean isLoad() {
    return type == PT_LOAD;
  }

  public boolean isExecutable() {
    return (flags & PF_X) != 0;
  }

  /** True when {@code vaddr} is backed by file bytes of this segment. */
  public boolean containsFileBacked(long vaddr) {
    return Long.compareUnsigned(vaddr, virtualAddress) >= 0
        && Long.compareUnsigned(vaddr - virtualAddress, fileSize) < 0;
  }
}
