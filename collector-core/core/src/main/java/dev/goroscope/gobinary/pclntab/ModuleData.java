package dev.goroscope.gobinary.pclntab;

import dev.goroscope.gobinary.BinaryFormatException;
import dev.goroscope.gobinary.elf.ElfFile;
import dev.goroscope.gobinary.elf.ElfSection;
import dev.goroscope.gobinary.elf.ElfSegment;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The fields of the runtime's {@code firstmoduledata} that the inspector needs. The linker
 * writes them into the data segment with their final values (also in PIE builds, which the Go
 * linker emits with the default base), so they are readable from the file.
 *
 * <p>In a stripped binary there is no {@code runtime.firstmoduledata} symbol; the structure is
 * found by its first two words, which point at the pclntab header and its function name table.
 *
 * @param address virtual address of the structure
 * @param text {@code moduledata.text}: the base all pclntab entry offsets are relative to
 * @param etext {@code moduledata.etext}
 * @param goFunc {@code moduledata.gofunc} (symbol {@code go:func.*}), the base of funcdata
 *     offsets, or 0 when it does not point into the file
 */
record ModuleData(long address, long text, long etext, long goFunc) {

  private static final int TEXT_WORD = 22;
  private static final int ETEXT_WORD = 23;
  /** Words of moduledata searched for {@code rodata, gofunc}: past every known layout's. */
  private static final int GOFUNC_SEARCH_START = 32;
  private static final int GOFUNC_SEARCH_END = 64;
  /** Writable segments of real Go binaries are a few MiB; do not scan more than this. */
  private static final long MAX_SCAN = 256L << 20;

  /**
   * Finds moduledata through {@code symbolAddress} when known, else by scanning the writable
   * segments. Empty when nothing consistent is found.
   */
  static Optional<ModuleData> find(
      ElfFile elf, long pclntabAddr, long funcnameAddr, PcLnFormat format,
      OptionalLong symbolAddress) {
    if (symbolAddress.isPresent()) {
      Optional<ModuleData> md = at(elf, symbolAddress.getAsLong(), pclntabAddr, funcnameAddr,
          format);
      if (md.isPresent()) {
        return md;
      }
    }
    long scanned = 0;
    for (ElfSegment seg : elf.segments()) {
      if (!seg.isLoad() || (seg.flags() & 0x2) == 0 || seg.fileSize() <= 0) {
        continue;
      }
      long len = Math.min(seg.fileSize(), MAX_SCAN - scanned);
      if (len <= 0) {
        break;
      }
      scanned += len;
      ByteBuffer bytes;
      try {
        bytes = elf.readAddress(seg.virtualAddress(), len);
      } catch (BinaryFormatException e) {
        continue; // a segment cut by truncation: look in the others
      }
      int first = (int) ((8 - (seg.virtualAddress() & 7)) & 7);
      for (int i = first; i + 16 <= bytes.capacity(); i += 8) {
        if (bytes.getLong(i) == pclntabAddr && bytes.getLong(i + 8) == funcnameAddr) {
          Optional<ModuleData> md =
              at(elf, seg.virtualAddress() + i, pclntabAddr, funcnameAddr, format);
          if (md.isPresent()) {
            return md;
          }
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<ModuleData> at(
      ElfFile elf, long address, long pclntabAddr, long funcnameAddr, PcLnFormat format) {
    ByteBuffer b;
    try {
      b = elf.readAddress(address, (TEXT_WORD + 2) * 8L);
    } catch (BinaryFormatException e) {
      return Optional.empty();
    }
    if (b.getLong(0) != pclntabAddr || b.getLong(8) != funcnameAddr) {
      return Optional.empty();
    }
    long text = b.getLong(TEXT_WORD * 8);
    long etext = b.getLong(ETEXT_WORD * 8);
    if (!inExecutableSegment(elf, text) || Long.compareUnsigned(etext, text) < 0) {
      return Optional.empty();
    }
    return Optional.of(new ModuleData(address, text, etext, goFunc(elf, address, format)));
  }

  /**
   * {@code moduledata.gofunc}. Its index moved as fields were added before it (coverage
   * counters in 1.20, type and itab bounds in 1.27), but it always directly follows {@code
   * rodata}, the start of the read-only data; so take the word after the last word equal to
   * that address, and the format's known index when the read-only data cannot be located.
   */
  private static long goFunc(ElfFile elf, long address, PcLnFormat format) {
    ByteBuffer b;
    try {
      b = elf.readAddress(address, GOFUNC_SEARCH_END * 8L);
    } catch (BinaryFormatException e) {
      return 0;
    }
    OptionalLong rodata = rodataStart(elf);
    if (rodata.isPresent()) {
      for (int w = GOFUNC_SEARCH_END - 2; w >= GOFUNC_SEARCH_START; w--) {
        long candidate = b.getLong((w + 1) * 8);
        if (b.getLong(w * 8) == rodata.getAsLong() && inFile(elf, candidate)
            && Long.compareUnsigned(candidate, rodata.getAsLong()) >= 0) {
          return candidate;
        }
      }
    }
    long known = b.getLong(format.moduleDataGoFuncWord() * 8);
    return inFile(elf, known) ? known : 0;
  }

  /** Start of the read-only data: .rodata, else the first read-only loaded segment. */
  static OptionalLong rodataStart(ElfFile elf) {
    Optional<ElfSection> rodata = elf.section(".rodata");
    if (rodata.isPresent() && rodata.get().address() != 0) {
      return OptionalLong.of(rodata.get().address());
    }
    for (ElfSegment seg : elf.segments()) {
      if (seg.isLoad() && (seg.flags() & 0x7) == 0x4 && seg.fileSize() > 0) {
        return OptionalLong.of(seg.virtualAddress());
      }
    }
    return OptionalLong.empty();
  }

  static boolean inExecutableSegment(ElfFile elf, long vaddr) {
    for (ElfSegment seg : elf.segments()) {
      if (seg.isLoad() && seg.isExecutable() && seg.containsFileBacked(vaddr)) {
        return true;
      }
    }
    return false;
  }

  static boolean inFile(ElfFile elf, long vaddr) {
    for (ElfSegment seg : elf.segments()) {
      if (seg.isLoad() && seg.containsFileBacked(vaddr)) {
        return true;
      }
    }
    return false;
  }
}
