package dev.goroscope.gobinary.pclntab;

import dev.goroscope.gobinary.BinaryFormatException;
import dev.goroscope.gobinary.GoFunction;
import dev.goroscope.gobinary.elf.ElfFile;
import dev.goroscope.gobinary.elf.ElfSection;
import dev.goroscope.gobinary.elf.ElfSegment;
import dev.goroscope.gobinary.elf.ElfSymbol;
import dev.goroscope.record.CodeLocation;
import java.nio.ByteBuffer;
import java.util.AbstractList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The Go runtime's symbol and line table ({@code .gopclntab}) of a Go 1.18+ binary: functions
 * with their code ranges, PC to file and line, and the start-function unwrapping of compiler
 * wrappers. It is kept by {@code -ldflags='-s -w'}, so stripped binaries have it too.
 *
 * <p>Layouts follow {@code runtime/symtab.go} ({@code pcHeader}, {@code _func}, {@code
 * pcvalue}) and {@code internal/abi/symtab.go}. Every read is bounds-checked: corrupted input
 * ends in {@link BinaryFormatException}, loops end with the table.
 */
public final class PcLnTable {

  /** Section names: plain, and the PIE spelling of older linkers and external linking. */
  static final List<String> SECTION_NAMES = List.of(".gopclntab", ".data.rel.ro.gopclntab");

  /** FUNCDATA_WrapInfo (internal/abi): the wrapped function's text offset, in go:func.*. */
  static final int FUNCDATA_WRAP_INFO = 7;

  private static final int HEADER_SIZE = 72;
  private static final long NO_FUNCDATA = 0xffffffffL;

  private final ElfFile elf;
  private final PcLnFormat format;
  private final long address;
  private final TableBytes table;
  private final TableBytes funcnametab;
  private final TableBytes cutab;
  private final TableBytes filetab;
  private final TableBytes pctab;
  private final TableBytes pcln;
  private final int minLc;
  private final int nfunc;
  private final long[] entryOffsets;
  private final long[] funcOffsets;
  private final long textStart;
  private final String textStartSource;
  private final long goFunc;
  private Map<String, Integer> byName;

  private PcLnTable(ElfFile elf, ByteBuffer data, long address, Function<String, OptionalLong> symbol) {
    this.elf = elf;
    this.address = address;
    this.table = new TableBytes(elf, data, ".gopclntab");
    if (data.capacity() < HEADER_SIZE) {
      throw elf.corrupt(".gopclntab is " + data.capacity() + " bytes, shorter than its header");
    }
    this.format = PcLnFormat.of(elf, (int) table.u32(0));
    int ptrSize = table.u8(7);
    this.minLc = table.u8(6);
    if (table.u8(4) != 0 || table.u8(5) != 0 || ptrSize != 8
        || (minLc != 1 && minLc != 2 && minLc != 4)) {
      throw elf.corrupt(".gopclntab header (pointer size " + ptrSize + ", pc quantum " + minLc
          + ")");
    }
    long nfuncRaw = table.u64(8);
    long funcnameOff = offsetField(32);
    long cuOff = offsetField(40);
    long filetabOff = offsetField(48);
    long pctabOff = offsetField(56);
    long pclnOff = offsetField(64);
    this.funcnametab = sub(data, funcnameOff, "funcnametab");
    this.cutab = sub(data, cuOff, "cutab");
    this.filetab = sub(data, filetabOff, "filetab");
    this.pctab = sub(data, pctabOff, "pctab");
    this.pcln = sub(data, pclnOff, "functab");
    if (nfuncRaw < 0 || nfuncRaw > (pcln.size() / 8) - 1) {
      throw elf.corrupt(".gopclntab claims " + Long.toUnsignedString(nfuncRaw)
          + " functions in a " + pcln.size() + "-byte function table");
    }
    this.nfunc = (int) nfuncRaw;
    this.entryOffsets = new long[nfunc + 1];
    this.funcOffsets = new long[nfunc];
    long prev = 0;
    for (int i = 0; i <= nfunc; i++) {
      long entry = pcln.u32(8L * i);
      if (entry < prev) {
        throw elf.corrupt(".gopclntab function table is not sorted at entry " + i);
      }
      entryOffsets[i] = entry;
      prev = entry;
      if (i < nfunc) {
        funcOffsets[i] = pcln.u32(8L * i + 4);
      }
    }

    ModuleData md = ModuleData.find(elf, address, address + funcnameOff, format,
        symbol.apply("runtime.firstmoduledata")).orElse(null);
    OptionalLong textSym = symbol.apply("runtime.text");
    long headerText = table.u64(24);
    Optional<ElfSection> textSection = elf.section(".text");
    if (textSym.isPresent()) {
      textStart = textSym.getAsLong();
      textStartSource = "symtab";
    } else if (md != null) {
      textStart = md.text();
      textStartSource = "moduledata";
    } else if (headerText != 0) {
      textStart = headerText;
      textStartSource = "pclntab";
    } else if (textSection.isPresent()) {
      textStart = textSection.get().address();
      textStartSource = "section";
    } else {
      throw elf.corrupt("cannot find the start of the text segment (no runtime.text, moduledata"
          + " or .text section)");
    }
    OptionalLong goFuncSym = symbol.apply("go:func.*");
    if (goFuncSym.isEmpty()) {
      goFuncSym = symbol.apply("go.func.*");
    }
    if (goFuncSym.isPresent()) {
      goFunc = goFuncSym.getAsLong();
    } else {
      goFunc = md != null ? md.goFunc() : 0;
    }
  }

  /**
   * Finds and parses the table of {@code elf}, using its {@code .symtab} when present.
   *
   * @throws BinaryFormatException when there is none (not a Go binary), it is of a Go release
   *     before 1.18, or it is corrupted
   */
  public static PcLnTable read(ElfFile elf) {
    Map<String, Long> wanted = new HashMap<>();
    for (ElfSymbol s : elf.symbols()) {
      switch (s.name()) {
        case "runtime.text", "runtime.firstmoduledata", "go:func.*", "go.func.*",
            "runtime.pclntab", "runtime.epclntab" -> wanted.putIfAbsent(s.name(), s.value());
        default -> { }
      }
    }
    return read(elf, name -> wanted.containsKey(name)
        ? OptionalLong.of(wanted.get(name)) : OptionalLong.empty());
  }

  /**
   * Finds and parses the table of {@code elf}; {@code symbol} answers .symtab look-ups
   * ({@code runtime.text}, {@code runtime.firstmoduledata}, {@code go:func.*}, {@code
   * runtime.pclntab}, {@code runtime.epclntab}) and is empty for stripped binaries.
   */
  public static PcLnTable read(ElfFile elf, Function<String, OptionalLong> symbol) {
    for (String name : SECTION_NAMES) {
      Optional<ElfSection> s = elf.section(name);
      if (s.isPresent()) {
        return new PcLnTable(elf, elf.sectionData(s.get()), s.get().address(), symbol);
      }
    }
    OptionalLong start = symbol.apply("runtime.pclntab");
    OptionalLong end = symbol.apply("runtime.epclntab");
    if (start.isPresent() && end.isPresent()
        && Long.compareUnsigned(end.getAsLong(), start.getAsLong()) > 0) {
      long len = end.getAsLong() - start.getAsLong();
      return new PcLnTable(elf, elf.readAddress(start.getAsLong(), len), start.getAsLong(),
          symbol);
    }
    return scan(elf, symbol);
  }

  /** No section entry and no symbol: look for the header in the read-only segments. */
  private static PcLnTable scan(ElfFile elf, Function<String, OptionalLong> symbol) {
    BinaryFormatException firstProblem = null;
    for (ElfSegment seg : elf.segments()) {
      if (!seg.isLoad() || seg.isExecutable() || seg.fileSize() <= HEADER_SIZE) {
        continue;
      }
      ByteBuffer bytes;
      try {
        bytes = elf.readAddress(seg.virtualAddress(), seg.fileSize());
      } catch (BinaryFormatException e) {
        continue;
      }
      for (int i = 0; i + HEADER_SIZE <= bytes.capacity(); i += 8) {
        if (PcLnFormat.isAnyMagic(bytes.getInt(i)) && bytes.get(i + 4) == 0
            && bytes.get(i + 5) == 0 && bytes.get(i + 7) == 8) {
          long addr = seg.virtualAddress() + i;
          try {
            PcLnTable t = new PcLnTable(elf, bytes.slice(i, bytes.capacity() - i), addr, symbol);
            if (ModuleData.find(elf, addr, addr + t.table.u64(32), t.format,
                OptionalLong.empty()).isPresent()) {
              return t;
            }
          } catch (BinaryFormatException e) {
            if (firstProblem == null) {
              firstProblem = e;
            }
          }
        }
      }
    }
    if (firstProblem != null) {
      throw firstProblem;
    }
    throw new BinaryFormatException(elf.path()
        + " is not a Go executable (no .gopclntab); goroscope needs a binary built by the Go"
        + " toolchain");
  }

  private long offsetField(int at) {
    long off = table.u64(at);
    if (off < HEADER_SIZE || off > table.size()) {
      throw elf.corrupt(".gopclntab header offset at " + at + " is " + Long.toUnsignedString(off));
    }
    return off;
  }

  private TableBytes sub(ByteBuffer data, long off, String name) {
    return new TableBytes(elf, data.slice((int) off, data.capacity() - (int) off), name);
  }

  public PcLnFormat format() {
    return format;
  }

  /** Virtual address of the table header. */
  public long address() {
    return address;
  }

  /** The PC quantum (1 on amd64). */
  public int pcQuantum() {
    return minLc;
  }

  /** The base of every function's entry offset ({@code runtime.text}). */
  public long textStart() {
    return textStart;
  }

  /**
   * Where {@link #textStart()} came from: {@code symtab} ({@code runtime.text}), {@code
   * moduledata}, {@code pclntab} (the header field, written up to Go 1.25) or {@code section}.
   */
  public String textStartSource() {
    return textStartSource;
  }

  /** Virtual address of {@code go:func.*}, or 0 when unknown (wrappers cannot be unwrapped). */
  public long goFunc() {
    return goFunc;
  }

  public int functionCount() {
    return nfunc;
  }

  /** Function {@code index} (0 ≤ index < {@link #functionCount()}) in address order. */
  public GoFunction function(int index) {
    if (index < 0 || index >= nfunc) {
      throw new IndexOutOfBoundsException(index);
    }
    return new GoFunction(name(index), textStart + entryOffsets[index],
        textStart + entryOffsets[index + 1]);
  }

  /** All functions in address order; names are decoded as the list is read. */
  public List<GoFunction> functions() {
    return new AbstractList<>() {
      @Override
      public GoFunction get(int index) {
        return function(index);
      }

      @Override
      public int size() {
        return nfunc;
      }
    };
  }

  /** The function whose code contains {@code pc}. */
  public Optional<GoFunction> functionAt(long pc) {
    int i = indexOf(pc);
    return i < 0 ? Optional.empty() : Optional.of(function(i));
  }

  /** The function named {@code name} (first one if the table repeats a name). */
  public Optional<GoFunction> function(String name) {
    Integer i = names().get(name);
    return i == null ? Optional.empty() : Optional.of(function(i));
  }

  /**
   * Function, file and line of {@code pc}, as {@code go tool addr2line} prints them: the
   * function is the one whose code holds the PC, file and line are those of the innermost
   * inlined call. {@link CodeLocation#UNKNOWN} when no function holds the PC.
   */
  public CodeLocation location(long pc) {
    int i = indexOf(pc);
    if (i < 0) {
      return CodeLocation.UNKNOWN;
    }
    long f = funcOffsets[i];
    long entry = textStart + entryOffsets[i];
    long pcfile = pcln.u32(f + 20);
    long pclnOff = pcln.u32(f + 24);
    long cuOffset = pcln.u32(f + 32);
    int fileno = pcValue(pcfile, entry, pc);
    int line = pcValue(pclnOff, entry, pc);
    String file = "";
    if (fileno >= 0) {
      long fileOff = cutab.u32(4L * (cuOffset + fileno));
      if (fileOff != NO_FUNCDATA) {
        file = filetab.cString(fileOff);
      }
    }
    return new CodeLocation(name(i), file, Math.max(line, 0));
  }

  /**
   * Location of the call that a return address points after (e.g. {@code g.gopc}): the runtime
   * looks up {@code pc − 1}, so that a call at the end of a function or line is attributed to
   * it rather than to what follows.
   */
  public CodeLocation callerLocation(long returnPc) {
    return location(returnPc - 1);
  }

  /**
   * The function a goroutine really starts in, given its start PC ({@code g.startpc}): when the
   * function there is a compiler wrapper ({@code main.main.gowrap1}, the closures Go ≤ 1.21
   * generates for {@code go f(x)}), its FUNCDATA_WrapInfo names the wrapped function, as the
   * runtime's {@code startPCForTrace} reads it. Otherwise the function at {@code pc} itself.
   */
  public Optional<GoFunction> startFunction(long pc) {
    int i = indexOf(pc);
    if (i < 0) {
      return Optional.empty();
    }
    OptionalLong wrapped = wrappedEntry(i);
    if (wrapped.isPresent()) {
      Optional<GoFunction> target = functionAt(wrapped.getAsLong());
      if (target.isPresent()) {
        return target;
      }
    }
    return Optional.of(function(i));
  }

  /** True when the function at {@code pc} is a wrapper carrying FUNCDATA_WrapInfo. */
  public boolean isWrapper(long pc) {
    int i = indexOf(pc);
    return i >= 0 && hasFuncData(i, FUNCDATA_WRAP_INFO);
  }

  private OptionalLong wrappedEntry(int i) {
    if (goFunc == 0 || !hasFuncData(i, FUNCDATA_WRAP_INFO)) {
      return OptionalLong.empty();
    }
    long off = funcDataOffset(i, FUNCDATA_WRAP_INFO);
    ByteBuffer w = elf.readAddress(goFunc + off, 4);
    return OptionalLong.of(textStart + Integer.toUnsignedLong(w.getInt(0)));
  }

  private boolean hasFuncData(int i, int index) {
    long f = funcOffsets[i];
    int nfuncdata = pcln.u8(f + format.funcHeaderSize() - 1);
    return index < nfuncdata && funcDataOffset(i, index) != NO_FUNCDATA;
  }

  private long funcDataOffset(int i, int index) {
    long f = funcOffsets[i];
    long npcdata = pcln.u32(f + 28);
    return pcln.u32(f + format.funcHeaderSize() + 4 * npcdata + 4L * index);
  }

  private String name(int i) {
    long f = funcOffsets[i];
    long nameOff = pcln.u32(f + 4);
    return funcnametab.cString(nameOff);
  }

  private Map<String, Integer> names() {
    if (byName == null) {
      Map<String, Integer> m = new HashMap<>(nfunc * 2);
      for (int i = 0; i < nfunc; i++) {
        m.putIfAbsent(name(i), i);
      }
      byName = m;
    }
    return byName;
  }

  /** Index of the function containing {@code pc}, or −1. */
  private int indexOf(long pc) {
    long off = pc - textStart;
    if (nfunc == 0 || Long.compareUnsigned(pc, textStart) < 0 || off >= entryOffsets[nfunc]
        || off < entryOffsets[0]) {
      return -1;
    }
    int lo = 0;
    int hi = nfunc - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (entryOffsets[mid] <= off) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /**
   * The value a pcvalue table gives {@code target} (runtime.pcvalue): pairs of a zig-zag value
   * delta and a PC delta (× quantum), starting from −1 at the entry. −1 when there is no table
   * or it does not cover {@code target}.
   */
  private int pcValue(long off, long entry, long target) {
    if (off == 0) {
      return -1;
    }
    long p = off;
    int val = -1;
    long pc = entry;
    // Each step consumes at least two bytes, so the table's end bounds the loop.
    while (true) {
      long uvdelta = 0;
      int shift = 0;
      int b;
      do {
        b = pctab.u8(p++);
        uvdelta |= (long) (b & 0x7f) << shift;
        shift += 7;
      } while ((b & 0x80) != 0 && shift < 35);
      if (uvdelta == 0 && pc != entry) {
        return -1;
      }
      int u = (int) uvdelta;
      val += -(u & 1) ^ (u >>> 1);
      long pcdelta = 0;
      shift = 0;
      do {
        b = pctab.u8(p++);
        pcdelta |= (long) (b & 0x7f) << shift;
        shift += 7;
      } while ((b & 0x80) != 0 && shift < 35);
      pc += (pcdelta & 0xffffffffL) * minLc;
      if (Long.compareUnsigned(target, pc) < 0) {
        return val;
      }
    }
  }
}
