package dev.goroscope.attach;

import dev.goroscope.GoroscopeException;
import dev.goroscope.bpf.GoroscopeBpf;
import dev.goroscope.disasm.X86Disassembler;
import dev.goroscope.gobinary.GoBinary;
import dev.goroscope.gobinary.GoFunction;
import dev.goroscope.gobinary.GoVersion;
import dev.goroscope.gobinary.LoadBias;
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
import dev.goroscope.probe.ResolvedProbe;
import dev.goroscope.process.TargetProcess;
import dev.goroscope.record.ProcessInfo;
import dev.goroscope.snapshot.AllgsLocator;
import java.util.ArrayList;
import java.util.HashMap;
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
 * <p>Refuses, with the reason, rather than guess: a required probe group that cannot attach
 * stops the attach; an optional one is dropped with a note.
 */
public final class GoTargetPlanner implements TargetPlanner {

  /** Wake the reader once this much data waits; the loop also drains every 50 ms. */
  static final long WAKEUP_BYTES = 16 * 1024;

  @Override
  public ProcessPlan plan(TargetProcess target, boolean deep) {
    GoBinary binary = GoBinary.open(target.exeLink());
    binary.requireSupportedVersion();
    GoVersion version = binary.version();
    StructOffsets offsets = offsets(binary);
    ProbeCatalog catalog = ProbeCatalog.forVersion(version);
    List<ResolvedProbe> probes;
    OptionalLong allgs;
    try (X86Disassembler disasm = X86Disassembler.open()) {
      probes = catalog.resolve(binary.elf(), binary.functionLocator(), disasm);
      allgs = AllgsLocator.locate(binary, disasm);
    }
    long bias = binary.pie() ? LoadBias.forProcess(target.pid(), binary.elf()) : 0;
    ProbePlan plan = ProbePlan.create(probes, offsets, addresses(binary, bias), deep,
        unavailableGroups(binary));
    if (plan.refusal() != null) {
      throw new GoroscopeException(
          "cannot watch " + target.executablePath() + ": " + plan.refusal());
    }
    Map<String, Long> constants = new HashMap<>(plan.constants());
    constants.put(GoroscopeBpf.WAKEUP_BYTES, WAKEUP_BYTES);
    List<String> notes = new ArrayList<>(plan.notes());
    if (plan.attached().contains(ProbeGroup.APP_SPANS)) {
      notes.add("application spans: OpenTelemetry Go SDK "
          + OtelGoSdk.find(binary.buildInfo()).map(OtelGoSdk::label).orElse("")
          + " (goroutines started under a span join its trace)");
    }
    if (allgs.isEmpty()) {
      notes.add("goroutines that existed before attach are not listed: runtime.allgs is neither"
          + " a symbol nor found in runtime.forEachG's code");
    }
    ProcessInfo info = new ProcessInfo(target.pid(), target.executablePath(),
        binary.goVersionString(), binary.buildInfo().modulePath());
    return new ProcessPlan(info, constants, plan.sites(),
        new GoBinarySymbolizer(binary, WaitReasons.of(binary.elf(), version), bias),
        allgs.isPresent() ? allgs.getAsLong() + bias : 0, offsets.asMap(), notes);
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
   * boolean, Map)} drops them with it).
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
   * its entry (pclntab keeps it in stripped binaries); shifted by the load bias.
   */
  public static java.util.function.Function<AddressUse, OptionalLong> addresses(
      GoBinary binary, long bias) {
    String itabPrefix = binary.version().atLeast(1, 20) || !binary.version().isKnown()
        ? "go:itab." : "go.itab.";
    Map<String, Long> itabs = new HashMap<>();
    for (ElfSymbol s : binary.elf().symbols()) {
      if (s.name().startsWith(itabPrefix) && s.value() != 0) {
        itabs.putIfAbsent(s.name().substring(itabPrefix.length()), s.value());
      }
    }
    return use -> {
      for (String name : use.names()) {
        Long at = switch (use.kind()) {
          case ITAB -> itabs.get(name);
          case FUNCTION -> {
            Optional<GoFunction> f = binary.function(name);
            yield f.map(GoFunction::entry).orElse(null);
          }
        };
        if (at != null && at != 0) {
          return OptionalLong.of(at + bias);
        }
      }
      return OptionalLong.empty();
    };
  }
}
