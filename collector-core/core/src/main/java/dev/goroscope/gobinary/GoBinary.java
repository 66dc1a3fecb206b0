package dev.goroscope.gobinary;

import dev.goroscope.GoroscopeException;
import dev.goroscope.gobinary.buildinfo.BuildInfo;
import dev.goroscope.gobinary.elf.ElfFile;
import dev.goroscope.gobinary.elf.ElfSection;
import dev.goroscope.gobinary.elf.ElfSymbol;
import dev.goroscope.gobinary.pclntab.PcLnTable;
import dev.goroscope.probe.FunctionBounds;
import dev.goroscope.probe.FunctionLocator;
import dev.goroscope.record.CodeLocation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A Go executable as the probe planner needs it: build information, functions and their code
 * ranges, PC to source, and the start function of goroutines. Read without running it.
 *
 * <p>Only linux/amd64 ELF64 binaries are accepted; everything else fails in {@link #open} with a
 * {@link BinaryFormatException} whose message says why. Binaries of Go releases outside {@link
 * GoVersion#MIN_SUPPORTED}–{@link GoVersion#MAX_SUPPORTED} open (so {@code inspect} can show
 * them) but {@link #requireSupportedVersion()} refuses them, which attach calls.
 *
 * <p>Functions come from {@code .symtab} when present, else from {@code .gopclntab} (stripped
 * and PIE builds); source lines and wrapper unwrapping always from {@code .gopclntab}.
 */
public final class GoBinary {

  private final ElfFile elf;
  private final BuildInfo buildInfo;
  private final Optional<GoVersion> version;
  private final PcLnTable pclntab;
  private final boolean stripped;
  private final boolean hasDwarf;
  /** .symtab functions by name; empty when stripped. */
  private final Map<String, GoFunction> symtabByName;
  /** .symtab functions sorted by entry; empty when stripped. */
  private final List<GoFunction> symtabFunctions;

  private GoBinary(ElfFile elf) {
    this.elf = elf;
    checkArch(elf);
    this.buildInfo = BuildInfo.read(elf);
    this.version = GoVersion.parse(buildInfo.goVersion());
    this.stripped = elf.section(".symtab").isEmpty();
    this.hasDwarf = elf.sections().stream().map(ElfSection::name)
        .anyMatch(n -> n.equals(".debug_info") || n.equals(".zdebug_info"));
    List<ElfSymbol> symbols = elf.symbols();
    Map<String, Long> special = new HashMap<>();
    Map<String, GoFunction> byName = new HashMap<>();
    List<GoFunction> functions = new ArrayList<>();
    for (ElfSymbol s : symbols) {
      if (s.isFunction() && s.value() != 0) {
        GoFunction f = new GoFunction(s.name(), s.value(), s.value() + Math.max(s.size(), 0));
        if (byName.putIfAbsent(s.name(), f) == null) {
          functions.add(f);
        }
      }
      if (s.name().startsWith("runtime.") || s.name().startsWith("go")) {
        special.putIfAbsent(s.name(), s.value());
      }
    }
    functions.sort(Comparator.comparingLong(GoFunction::entry));
    this.symtabByName = Collections.unmodifiableMap(byName);
    this.symtabFunctions = Collections.unmodifiableList(functions);
    this.pclntab = PcLnTable.read(elf, name -> special.containsKey(name)
        ? OptionalLong.of(special.get(name)) : OptionalLong.empty());
  }

  /**
   * Opens and reads the Go executable at {@code path}.
   *
   * @throws BinaryFormatException when it is missing, unreadable, not ELF, not a 64-bit
   *     linux/amd64 binary, not built by Go (1.18 or later), truncated or corrupted
   */
  public static GoBinary open(Path path) {
    return of(ElfFile.open(path));
  }

  /** Reads an already opened ELF file. */
  public static GoBinary of(ElfFile elf) {
    return new GoBinary(elf);
  }

  private static void checkArch(ElfFile elf) {
    if (elf.machine() == ElfFile.EM_AARCH64) {
      throw new BinaryFormatException(elf.path()
          + " is a linux/arm64 binary; arm64 is not yet supported (goroscope reads linux/amd64)");
    }
    if (elf.machine() != ElfFile.EM_X86_64) {
      throw new BinaryFormatException(elf.path() + " is built for " + elf.goArch()
          + "; goroscope supports linux/amd64 binaries only");
    }
  }

  public Path path() {
    return elf.path();
  }

  public ElfFile elf() {
    return elf;
  }

  /** The architecture in Go's spelling; always {@code amd64} for an opened binary. */
  public String arch() {
    return elf.goArch();
  }

  public BuildInfo buildInfo() {
    return buildInfo;
  }

  /** The Go version string from the build information, e.g. {@code go1.26.8}. */
  public String goVersionString() {
    return buildInfo.goVersion();
  }

  /** The parsed Go version; empty when the build information holds something unparsable. */
  public Optional<GoVersion> goVersion() {
    return version;
  }

  /** The Go version, parsed once; {@link GoVersion#unknown} when unparsable. */
  public GoVersion version() {
    return version.orElseGet(() -> GoVersion.unknown(buildInfo.goVersion()));
  }

  /**
   * The Go version, refusing releases goroscope has no probe layout for; attach calls this.
   *
   * @throws GoroscopeException naming the version and the supported range
   */
  public GoVersion requireSupportedVersion() {
    GoVersion v = version.orElseThrow(() -> new GoroscopeException(path()
        + ": unrecognised Go version \"" + buildInfo.goVersion() + "\"; goroscope supports "
        + GoVersion.MIN_SUPPORTED.release() + " to " + GoVersion.MAX_SUPPORTED.release()));
    if (!v.isSupported()) {
      throw new GoroscopeException(path() + " was built by unsupported Go version " + v.raw()
          + "; goroscope supports " + GoVersion.MIN_SUPPORTED.release() + " to "
          + GoVersion.MAX_SUPPORTED.release() + " (rebuild with a supported toolchain)");
    }
    return v;
  }

  /** True when the binary has no {@code .symtab} (built with {@code -ldflags=-s}). */
  public boolean stripped() {
    return stripped;
  }

  /** True when DWARF debug information is present (absent with {@code -ldflags=-w}). */
  public boolean hasDwarf() {
    return hasDwarf;
  }

  /** True for position-independent executables (ELF type DYN). */
  public boolean pie() {
    return elf.type() == 3;
  }

  /** Where {@link #functions()} come from: {@code symtab} or {@code pclntab}. */
  public String functionSource() {
    return stripped || symtabFunctions.isEmpty() ? "pclntab" : "symtab";
  }

  public PcLnTable pcLnTable() {
    return pclntab;
  }

  /** All functions, sorted by entry address. */
  public List<GoFunction> functions() {
    return functionSource().equals("symtab") ? symtabFunctions : pclntab.functions();
  }

  /**
   * The function named {@code name} with its code range; empty when the binary has no such
   * symbol (not linked in, or inlined everywhere: inlined functions have no symbol).
   */
  public Optional<GoFunction> function(String name) {
    GoFunction f = symtabByName.get(name);
    return f != null ? Optional.of(f) : pclntab.function(name);
  }

  /** The function whose code holds {@code pc}, from .gopclntab. */
  public Optional<GoFunction> functionAt(long pc) {
    return pclntab.functionAt(pc);
  }

  /** Function, file and line of the instruction at {@code pc}; UNKNOWN when not Go code. */
  public CodeLocation resolve(long pc) {
    return pclntab.location(pc);
  }

  /**
   * Location of the call a return address belongs to, such as {@code g.gopc} (the {@code go}
   * statement that created a goroutine): looks up {@code pc − 1} as the runtime does.
   */
  public CodeLocation resolveReturnAddress(long pc) {
    return pclntab.callerLocation(pc);
  }

  /**
   * The function a goroutine with start PC {@code startPc} ({@code g.startpc}, the {@code fn}
   * of {@code newproc1}) really runs, with compiler wrappers unwrapped as the runtime's
   * execution tracer does ({@code main.main.gowrap1} → {@code main.worker}).
   */
  public Optional<GoFunction> startFunction(long startPc) {
    return pclntab.startFunction(startPc);
  }

  /**
   * {@link #function(String)} as a probe planner's {@link FunctionLocator}: bounds checked
   * here, so a corrupted symbol size is a {@link BinaryFormatException}.
   */
  public FunctionLocator functionLocator() {
    return name -> function(name).map(f -> {
      if (f.size() <= 0 || f.size() > FunctionBounds.MAX_SIZE) {
        throw elf.corrupt("function " + name + " has size " + f.size());
      }
      return new FunctionBounds(f.name(), f.entry(), f.size());
    });
  }

  /** File offset of a virtual address, what a uprobe attaches at. */
  public long fileOffset(long vaddr) {
    return elf.fileOffset(vaddr);
  }
}
