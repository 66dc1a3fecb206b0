package dev.goroscope.gobinary.elf;

import dev.goroscope.gobinary.BinaryFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A read-only view of a 64-bit little-endian ELF file: sections (compressed ones inflated on
 * request), program headers and the static symbol table.
 *
 * <p>Every read is bounds-checked: a truncated or corrupted file fails with {@link
 * BinaryFormatException}, never with an index exception, and no size field from the file is
 * trusted for an allocation without a cap.
 */
public final class ElfFile {

  /** e_machine of x86-64. */
  public static final int EM_X86_64 = 62;
  /** e_machine of AArch64. */
  public static final int EM_AARCH64 = 183;

  /** Longest string read from a string table; symbol names and paths are far shorter. */
  public static final int MAX_STRING = 64 << 10;

  /** Cap on an inflated section, so a corrupted ch_size cannot exhaust the heap. */
  static final long MAX_INFLATED_SECTION = 512L << 20;

  private final Path path;
  private final ByteBuffer data;
  private final int machine;
  private final int type;
  private final List<ElfSection> sections;
  private final List<ElfSegment> segments;
  /** Parsed on first use: pclntab, the planner and the wait reasons all need them. */
  private volatile List<ElfSymbol> symbols;

  private ElfFile(Path path, ByteBuffer data) {
    this.path = path;
    this.data = data.order(ByteOrder.LITTLE_ENDIAN);
    if (data.capacity() < 64 || data.getInt(0) != 0x464c457f) {
      throw new BinaryFormatException(path + " is not an ELF file");
    }
    int elfClass = data.get(4);
    int encoding = data.get(5);
    this.machine = Short.toUnsignedInt(data.getShort(18));
    this.type = Short.toUnsignedInt(data.getShort(16));
    if (elfClass != 2) {
      throw new BinaryFormatException(
          path + " is a 32-bit ELF file; only 64-bit Go binaries (linux/amd64) are supported");
    }
    if (encoding != 1) {
      throw new BinaryFormatException(
          path + " is a big-endian ELF file; only linux/amd64 Go binaries are supported");
    }
    this.segments = Collections.unmodifiableList(readSegments());
    this.sections = Collections.unmodifiableList(readSections());
  }

  /** Opens and maps {@code path}; fails with a clear message if it is missing or unreadable. */
  public static ElfFile open(Path path) {
    return open(path, path);
  }

  /**
   * Maps the file at {@code source} (e.g. {@code /proc/self/fd/N} of a held executable) and
   * names it {@code path} in messages and {@link #path()}.
   */
  public static ElfFile open(Path source, Path path) {
    try (FileChannel channel = FileChannel.open(source, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > Integer.MAX_VALUE) {
        throw new BinaryFormatException(path + " is larger than 2 GiB; not supported");
      }
      return new ElfFile(path, channel.map(FileChannel.MapMode.READ_ONLY, 0, size));
    } catch (NoSuchFileException e) {
      throw new BinaryFormatException(path + ": no such file");
    } catch (AccessDeniedException e) {
      throw new BinaryFormatException(path + ": permission denied");
    } catch (IOException e) {
      throw new BinaryFormatException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses an in-memory image (for tests and for files already read): the bytes from the
   * buffer's position to its limit, so a buffer limited to a prefix is a truncated file.
   */
  public static ElfFile parse(Path nameForMessages, ByteBuffer image) {
    return new ElfFile(nameForMessages, image.slice());
  }

  public Path path() {
    return path;
  }

  /** e_machine, e.g. {@link #EM_X86_64}. */
  public int machine() {
    return machine;
  }

  /** e_type: 2 = EXEC, 3 = DYN (PIE). */
  public int type() {
    return type;
  }

  /** The architecture in Go's spelling (amd64, arm64) or {@code machine-N}. */
  public String goArch() {
    return switch (machine) {
      case EM_X86_64 -> "amd64";
      case EM_AARCH64 -> "arm64";
      case 3 -> "386";
      case 40 -> "arm";
      default -> "machine-" + machine;
    };
  }

  public long size() {
    return data.capacity();
  }

  public List<ElfSection> sections() {
    return sections;
  }

  public List<ElfSegment> segments() {
    return segments;
  }

  public Optional<ElfSection> section(String name) {
    for (ElfSection s : sections) {
      if (s.name().equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /**
   * The section's contents as a little-endian buffer positioned at 0; SHF_COMPRESSED sections
   * (zlib, Elf64_Chdr) are inflated.
   */
  public ByteBuffer sectionData(ElfSection section) {
    if (section.type() == ElfSection.SHT_NOBITS) {
      return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
    }
    ByteBuffer raw = slice(section.offset(), section.size(), "section " + section.name());
    if (!section.isCompressed()) {
      return raw;
    }
    return inflate(section.name(), raw);
  }

  /** Reads {@code length} bytes at virtual address {@code vaddr} from the file image. */
  public ByteBuffer readAddress(long vaddr, long length) {
    return slice(fileOffset(vaddr), length, String.format("address 0x%x", vaddr));
  }

  /**
   * Maps a virtual address to its file offset through the PT_LOAD segments; this is what a
   * uprobe attaches at.
   */
  public long fileOffset(long vaddr) {
    for (ElfSegment seg : segments) {
      if (seg.isLoad() && seg.containsFileBacked(vaddr)) {
        return vaddr - seg.virtualAddress() + seg.offset();
      }
    }
    throw new BinaryFormatException(
        String.format("%s: address 0x%x is not in any loaded segment", path, vaddr));
  }

  /** Symbols of .symtab; empty for stripped binaries. Read once, then shared. */
  public List<ElfSymbol> symbols() {
    List<ElfSymbol> read = symbols;
    if (read == null) {
      read = Collections.unmodifiableList(readSymbols());
      symbols = read;
    }
    return read;
  }

  private List<ElfSymbol> readSymbols() {
    Optional<ElfSection> symtab = section(".symtab");
    if (symtab.isEmpty()) {
      return List.of();
    }
    ElfSection sym = symtab.get();
    if (sym.link() <= 0 || sym.link() >= sections.size()) {
      throw corrupt(".symtab has no string table");
    }
    ByteBuffer strtab = sectionData(sections.get(sym.link()));
    ByteBuffer table = sectionData(sym);
    int count = table.capacity() / 24;
    List<ElfSymbol> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int base = i * 24;
      int nameOff = table.getInt(base);
      int info = table.get(base + 4) & 0xff;
      int shndx = Short.toUnsignedInt(table.getShort(base + 6));
      long value = table.getLong(base + 8);
      long size = table.getLong(base + 16);
      out.add(new ElfSymbol(cString(strtab, nameOff), value, size, info & 0xf, shndx));
    }
    return out;
  }

  /**
   * A NUL-terminated string at {@code offset} in {@code buf}; bounds-checked, and at most {@link
   * #MAX_STRING} bytes long, so corrupted offsets cannot make every look-up scan a whole section.
   */
  public String cString(ByteBuffer buf, int offset) {
    if (offset < 0 || offset >= buf.capacity()) {
      throw corrupt("string offset " + offset + " out of range");
    }
    int limit = (int) Math.min(buf.capacity(), (long) offset + MAX_STRING);
    int end = offset;
    while (end < limit && buf.get(end) != 0) {
      end++;
    }
    if (end == limit && limit < buf.capacity()) {
      throw corrupt("string at offset " + offset + " is longer than " + MAX_STRING + " bytes");
    }
    byte[] bytes = new byte[end - offset];
    buf.get(offset, bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** A corrupted-file error naming this file. */
  public BinaryFormatException corrupt(String what) {
    return new BinaryFormatException(path + " is truncated or corrupted: " + what);
  }

  private ByteBuffer slice(long offset, long length, String what) {
    if (offset < 0 || length < 0 || offset > data.capacity() || length > data.capacity() - offset) {
      throw corrupt(what + " lies outside the file");
    }
    return data.slice((int) offset, (int) length).order(ByteOrder.LITTLE_ENDIAN);
  }

  private List<ElfSegment> readSegments() {
    long phoff = data.getLong(32);
    int phentsize = Short.toUnsignedInt(data.getShort(54));
    int phnum = Short.toUnsignedInt(data.getShort(56));
    if (phnum == 0) {
      return List.of();
    }
    if (phentsize < 56) {
      throw corrupt("program header entry size " + phentsize);
    }
    ByteBuffer table = slice(phoff, (long) phentsize * phnum, "program header table");
    List<ElfSegment> out = new ArrayList<>(phnum);
    for (int i = 0; i < phnum; i++) {
      int b = i * phentsize;
      out.add(
          new ElfSegment(
              table.getInt(b),
              table.getInt(b + 4),
              table.getLong(b + 8),
              table.getLong(b + 16),
              table.getLong(b + 32),
              table.getLong(b + 40)));
    }
    return out;
  }

  private List<ElfSection> readSections() {
    long shoff = data.getLong(40);
    int shentsize = Short.toUnsignedInt(data.getShort(58));
    int shnum = Short.toUnsignedInt(data.getShort(60));
    int shstrndx = Short.toUnsignedInt(data.getShort(62));
    if (shnum == 0) {
      return List.of();
    }
    if (shentsize < 64) {
      throw corrupt("section header entry size " + shentsize);
    }
    ByteBuffer table = slice(shoff, (long) shentsize * shnum, "section header table");
    if (shstrndx >= shnum) {
      throw corrupt("section name table index " + shstrndx);
    }
    int sb = shstrndx * shentsize;
    ByteBuffer names =
        slice(table.getLong(sb + 24), table.getLong(sb + 32), "section name table");
    List<ElfSection> out = new ArrayList<>(shnum);
    for (int i = 0; i < shnum; i++) {
      int b = i * shentsize;
      int nameOff = table.getInt(b);
      String name = i == 0 && nameOff == 0 ? "" : cString(names, nameOff);
      out.add(
          new ElfSection(
              i,
              name,
              table.getInt(b + 4),
              table.getLong(b + 8),
              table.getLong(b + 16),
              table.getLong(b + 24),
              table.getLong(b + 32),
              table.getInt(b + 40),
              table.getInt(b + 44),
              table.getLong(b + 56)));
    }
    return out;
  }

  private ByteBuffer inflate(String name, ByteBuffer raw) {
    if (raw.capacity() < 24) {
      throw corrupt("compressed section " + name + " has no header");
    }
    int chType = raw.getInt(0);
    long chSize = raw.getLong(8);
    if (chType != 1) {
      throw new BinaryFormatException(
          path + ": section " + name + " uses compression type " + chType + " (only zlib)");
    }
    if (chSize < 0 || chSize > MAX_INFLATED_SECTION || chSize > 1100L * raw.capacity() + 4096) {
      throw corrupt("compressed section " + name + " claims " + chSize + " bytes");
    }
    byte[] in = new byte[raw.capacity() - 24];
    raw.get(24, in);
    // Grow the output as data really inflates instead of trusting ch_size for the allocation:
    // a corrupted size then costs no more memory than the stream truly holds.
    byte[] out = new byte[(int) Math.min(chSize, Math.max(4096, 4L * in.length))];
    Inflater inflater = new Inflater();
    int n = 0;
    try {
      inflater.setInput(in);
      while (n < chSize) {
        if (n == out.length) {
          out = Arrays.copyOf(out, (int) Math.min(chSize, 2L * out.length));
        }
        int got = inflater.inflate(out, n, out.length - n);
        if (got == 0 && (inflater.finished() || inflater.needsInput()
            || inflater.needsDictionary())) {
          break;
        }
        n += got;
      }
      if (n != chSize) {
        throw corrupt("compressed section " + name + " inflates to " + n + " of " + chSize
            + " bytes");
      }
    } catch (DataFormatException e) {
      throw corrupt("compressed section " + name + ": " + e.getMessage());
    } finally {
      inflater.end();
    }
    return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
  }
}
