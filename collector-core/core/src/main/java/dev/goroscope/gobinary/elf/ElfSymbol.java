package dev.goroscope.gobinary.elf;

/** One symbol from .symtab (Elf64_Sym). */
public record ElfSymbol(String name, long value, long size, int type, int sectionIndex) {

  public static final int STT_FUNC = 2;
  public static final int STT_OBJECT = 1;

  public boolean isFunction() {
    return type == STT_FUNC;
  }
}
