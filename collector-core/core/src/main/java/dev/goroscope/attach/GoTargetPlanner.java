package dev.goroscope.attach;

import dev.goroscope.GoroscopeException;
import dev.goroscope.bpf.BpfException;
import dev.goroscope.bpf.GoroscopeBpf;
import dev.goroscope.bpf.link.PinnedExecutable;
import dev.goroscope.disasm.X86Disassembler;
import dev.goroscope.gobinary.GoBinary;
import dev.goroscope.gobinary.GoFunction;
import dev.goroscope.gobinary.GoVersion;
import dev.goroscope.gobinary.LoadBias;
import dev.goroscope.gobinary.elf.ElfFile;
import dev.goroscope.gobinary.elf.ElfSymbol;
import dev.goroscope.gobinary.offsets.OffsetResolver;
import dev.goroscope.gobinary.offsets.StructOffsets;
import dev.goroscope.gobinary.otelsdk.OtelGoSdk;
import dev.goroscope.gobinary.otelsdk.SdkOffsetTable;
import dev.goroscope.gobinary.otelsdk.SdkOffsets;
import dev.goroscope.gobinary.waitreason.WaitReasons;
import dev.goroscope.probe.AddressUse;
import dev.goroscope.probe.ProbeCatalog;
import dev.goroscope.probe.ProbeGroup;
import dev.goroscope.probe.ProbePlan;
import dev.goroscope.probe.ProbeSelection;
import dev.goroscope.probe.ResolvedProbe;
import dev.goroscope.process.TargetProcess;
import dev.goroscope.record.ProcessInfo;
import dev.goroscope.snapshot.AllgsLocator;
import dev.goroscope.snapshot.AllpLocator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Plans the probes for a Go process from its executable: the Go version (parsed once), struct
 * offsets (DWARF or the built-in table), the {@link ProbeCatalog} located with Capstone and
 * decided by {@link ProbePlan}, the addresses the BPF side compares against (itabs, method PCs)
 * shifted by the load bias, and {@code runtime.allgs} for the attach-time snapshot.
 *
 * <p>The executable is opened once and held ({@link PinnedExecutable}): the plan is computed
 * from that file and its uprobes attach to that file, whatever the process does meanwhile (an
 * exec, a pid reused). What depends only on the file — everything but the load bias — is kept
 * for the last {@value #CACHED_BINARIES} executables, so the processes of one binary
 * ({@code --exe}) are planned once. Thread-safe.
 *
 * <p>Refuses, with the reason, rather than guess: a required probe group that cannot attach
 * stops the attach; an optional one is dropped with a note.
 */
public final class GoTargetPlanner implements TargetPlanner {

  /**
   * Wake the reader once this much data waits (at most a quarter of the ring: {@link
   * ProcessProbes#wakeupBytes}; each CPU looks every 64 of its records, so a little after);
   * the loop also drains every 50 ms, which bounds the delay.
   * Each wakeup costs the target an interrupt and the sidecar a pass of its loop (an epoll
   * wait, the timers): 64 KiB, over a thousand records of 40–64 bytes, makes that about a
   * hundred times a second at 100,000 events/s (16 KiB: a few hundred).
   */
  static final long WAKEUP_BYTES = 64 * 1024;
  static final int CACHED_BINARIES = 8;

  private final Map<String, Analysis> analyses =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Analysis> eldest) {
          return size() > CACHED_BINARIES;
        }
      };
  private long analysesDone;

  /** What one executable says, whatever process runs it (no load bias applied). */
  private record Analysis(GoBinary binary, GoVersion version, StructOffsets offsets,
      List<ResolvedProbe> probes, OptionalLong allgs, WaitReasons waitReasons,
      Map<String, Long> itabs, Map<String, Long> variables) {}

  @Override
  public ProcessPlan plan(TargetProcess target, ProbeSelection probes) {
    PinnedExecutable exe;
    try {
      exe = PinnedExecutable.open(target.exeLink());
    } catch (BpfException e) {
      throw new GoroscopeException("cannot open the executable of pid " + target.pid() + ": "
          + e.getMessage());
    }
    try {
      // Opened through /proc/PID/exe: still the process we were given (not a reused pid)?
      if (!target.isAlive()) {
        throw new GoroscopeException("pid " + target.pid() + " exited");
      }
      Analysis a = analysis(exe, Path.of(target.executablePath()));
      long bias = a.binary.pie() ? LoadBias.forProcess(target.pid(), a.binary.elf()) : 0;
      ProbePlan plan = ProbePlan.create(a.probes, a.offsets, addresses(a, bias), probes,
          unavailableGroups(a.binary));
      if (plan.refusal() != null) {
        throw new GoroscopeException(
            "cannot watch " + target.executablePath() + ": " + plan.refusal());
      }
      Map<String, Long> constants = new HashMap<>(plan.constants());
      constants.put(GoroscopeBpf.WAKEUP_BYTES, WAKEUP_BYTES);
      constants.put(GoroscopeBpf.SYSCALL_MIN_NS, probes.syscallThreshold().toNanos());
      List<String> notes = new ArrayList<>(plan.notes());
      if (plan.attached().contains(ProbeGroup.APP_SPANS)) {
        notes.add("application spans: OpenTelemetry Go SDK "
            + OtelGoSdk.find(a.binary.buildInfo()).map(OtelGoSdk::label).orElse("")
            + " (goroutines started under a span join its trace)");
      }
      if (a.allgs.isEmpty()) {
        notes.add("goroutines that existed before attach are not listed: runtime.allgs is"
            + " neither a symbol nor found in runtime.forEachG's code");
      }
      ProcessInfo info = new ProcessInfo(target.pid(), target.executablePath(),
          a.binary.goVersionString(), a.binary.buildInfo().modulePath());
      return new ProcessPlan(info, constants, plan.sites(),
          new GoBinarySymbolizer(a.binary, a.waitReasons, bias),
          a.allgs.isPresent() ? a.allgs.getAsLong() + bias : 0, a.offsets.asMap(), notes,
          plan.attached(), a.variables.containsKey(ALLP) ? a.variables.get(ALLP) + bias : 0, exe,
          bias);
    } catch (RuntimeException e) {
      exe.close();
      throw e;
    }
  }

  /** Also the load address, for PIE: an exec of the same file maps it elsewhere. */
  @Override
  public boolean stillMatches(TargetProcess target, ProcessPlan plan) {
    if (!TargetPlanner.super.stillMatches(target, plan)) {
      return false;
    }
    if (plan.loadBias() == 0) {
      return true;
    }
    try {
      ElfFile elf = ElfFile.open(plan.executable().path(), Path.of(target.executablePath()));
      return LoadBias.forProcess(target.pid(), elf) == plan.loadBias();
    } catch (GoroscopeException e) {
      return false;
    }
  }

  /** How many executables were analysed (not taken from the cache) so far. */
  public synchronized long analysesDone() {
    return analysesDone;
  }

  private synchronized Analysis analysis(PinnedExecutable exe, Path shownAs) {
    Analysis a = analyses.get(exe.contentKey());
    if (a == null) {
      a = analyse(exe.path(), shownAs);
      analyses.put(exe.contentKey(), a);
      analysesDone++;
    }
    return a;
  }

  private static Analysis analyse(Path source, Path shownAs) {
    GoBinary binary = GoBinary.of(ElfFile.open(source, shownAs));
    binary.requireSupportedVersion();
    GoVersion version = binary.version();
    StructOffsets offsets = offsets(binary);
    ProbeCatalog catalog = ProbeCatalog.forVersion(version);
    List<ResolvedProbe> probes;
    OptionalLong allgs;
    Map<String, Long> variables;
    try (X86Disassembler disasm = X86Disassembler.open()) {
      probes = catalog.resolve(binary.elf(), binary.functionLocator(), disasm);
      allgs = AllgsLocator.locate(binary, disasm);
      variables = variables(binary, disasm);
    }
    return new Analysis(binary, version, offsets, probes, allgs,
        WaitReasons.of(binary.elf(), version), itabs(binary), variables);
  }

  private static final String ALLP = "runtime.allp";

  /**
   * The package-level variables the catalog's probes may need, by name, link-time addresses:
   * symbol or, stripped, found in the runtime's code.
   */
  public static Map<String, Long> variables(GoBinary binary, X86Disassembler disasm) {
    Map<String, Long> out = new HashMap<>();
    AllpLocator.locate(binary, disasm).ifPresent(a -> out.put(ALLP, a));
    return Map.copyOf(out);
  }

  /**
   * The struct offsets the catalog's probes read: the Go runtime's ({@link OffsetResolver}) and,
   * when the binary links a supported OpenTelemetry Go SDK, the SDK's ({@link SdkOffsets}: its
   * DWARF, else the table of its version).
   */
  public static StructOffsets offsets(GoBinary binary) {
    StructOffsets runtime = OffsetResolver.resolve(binary.elf(), binary.version());
    Optional<OtelGoSdk> sdk = OtelGoSdk.find(binary.buildInfo());
    if (sdk.isEmpty() || sdk.get().unsupportedReason(SdkOffsetTable.builtIn()).isPresent()) {
      return runtime;
    }
    return runtime.withFields(
        SdkOffsets.resolve(binary.elf(), sdk.get(), binary.version().minor()));
  }

  /**
   * Probe groups whose library the binary links in a version goroscope does not support, with
   * the one-line reason ({@link ProbePlan#create(List, StructOffsets, java.util.function.Function,
   * ProbeSelection, Map)} drops them with it).
   */
  public static Map<ProbeGroup, String> unavailableGroups(GoBinary binary) {
    return OtelGoSdk.find(binary.buildInfo())
        .flatMap(sdk -> sdk.unsupportedReason(SdkOffsetTable.builtIn()))
        .map(reason -> Map.of(ProbeGroup.APP_SPANS, reason))
        .orElse(Map.of());
  }

  /**
   * Finds a catalog address in {@code binary}: an itab by its symbol ({@code go:itab.} from Go
   * 1.20, {@code go.itab.} before; stripped binaries and Go 1.27's have none), a function by
   * its entry (pclntab keeps it in stripped binaries), a variable from {@code variables} (see
   * {@link #variables}); shifted by the load bias.
   */
  public static java.util.function.Function<AddressUse, OptionalLong> addresses(
      GoBinary binary, long bias, Map<String, Long> variables) {
    return addresses(binary, itabs(binary), variables, bias);
  }

  /** {@link #addresses(GoBinary, long, Map)} without variables. */
  public static java.util.function.Function<AddressUse, OptionalLong> addresses(
      GoBinary binary, long bias) {
    return addresses(binary, itabs(binary), Map.of(), bias);
  }

  private static java.util.function.Function<AddressUse, OptionalLong> addresses(
      Analysis a, long bias) {
    return addresses(a.binary, a.itabs, a.variables, bias);
  }

  private static java.util.function.Function<AddressUse, OptionalLong> addresses(
      GoBinary binary, Map<String, Long> itabs, Map<String, Long> variables, long bias) {
    return use -> {
      for (String name : use.names()) {
        Long at = switch (use.kind()) {
          case ITAB -> itabs.get(name);
          case FUNCTION -> {
            Optional<GoFunction> f = binary.function(name);
            yield f.map(GoFunction::entry).orElse(null);
          }
          case VARIABLE -> variables.get(name);
        };
        if (at != null && at != 0) {
          return OptionalLong.of(at + bias);
        }
      }
      return OptionalLong.empty();
    };
  }

  private static Map<String, Long> itabs(GoBinary binary) {
    String itabPrefix = binary.version().atLeast(1, 20) || !binary.version().isKnown()
        ? "go:itab." : "go.itab.";
    Map<String, Long> itabs = new HashMap<>();
    for (ElfSymbol s : binary.elf().symbols()) {
      if (s.name().startsWith(itabPrefix) && s.value() != 0) {
        itabs.putIfAbsent(s.name().substring(itabPrefix.length()), s.value());
      }
    }
    return Map.copyOf(itabs);
  }
}
