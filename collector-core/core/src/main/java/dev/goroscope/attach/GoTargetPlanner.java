package dev.goroscope.attach;

import dev.goroscope.GoroscopeException;
import dev.goroscope.bpf.GoroscopeBpf;
import dev.goroscope.disasm.X86Disassembler;
import dev.goroscope.gobinary.GoBinary;
import dev.goroscope.gobinary.GoFunction;
import dev.goroscope.gobinary.LoadBias;
import dev.goroscope.gobinary.elf.ElfSymbol;
import dev.goroscope.gobinary.offsets.OffsetKeys;
import dev.goroscope.gobinary.offsets.OffsetResolver;
import dev.goroscope.gobinary.offsets.StructOffsets;
import dev.goroscope.gobinary.waitreason.WaitReasons;
import dev.goroscope.probe.ProbePlan;
import dev.goroscope.probe.ProbeRole;
import dev.goroscope.probe.ProbeSet;
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
import java.util.Set;

/**
 * Plans the probes for a Go process from its executable: Go version, struct offsets (DWARF or
 * the built-in table), the probe catalog for that version located with Capstone, and the
 * addresses the BPF side compares against (itabs, method PCs), shifted by the load bias.
 *
 * <p>Refuses, with the reason, rather than guess: a missing creation or exit probe or a missing
 * offset that a chosen probe reads stops the attach. A binary without context deadlines simply
 * gets no context probes.
 */
public final class GoTargetPlanner implements TargetPlanner {

  /** Wake the reader once this much data waits; the loop also drains every 50 ms. */
  static final long WAKEUP_BYTES = 16 * 1024;

  private static final Map<ProbeRole, String> PROGRAMS =
      Map.of(
          ProbeRole.GOROUTINE_CREATE, GoroscopeBpf.PROG_NEWPROC1_RET,
          ProbeRole.GOROUTINE_EXIT, GoroscopeBpf.PROG_GOEXIT1_ENTRY,
          ProbeRole.CONTEXT_DEADLINE_SET, GoroscopeBpf.PROG_WITH_DEADLINE_RET,
          ProbeRole.CONTEXT_CANCEL, GoroscopeBpf.PROG_CANCEL_ENTRY,
          ProbeRole.GOROUTINE_PARK, GoroscopeBpf.PROG_GOPARK_ENTRY,
          ProbeRole.GOROUTINE_READY, GoroscopeBpf.PROG_READY_ENTRY);

  @Override
  public ProcessPlan plan(TargetProcess target, boolean deep) {
    GoBinary binary = GoBinary.open(target.exeLink());
    String version = binary.goVersionString();
    binary.requireSupportedVersion();
    StructOffsets offsets = OffsetResolver.resolve(binary.elf(), version);
    ProbePlan catalog = ProbePlan.forGoVersion(version);
    List<ResolvedProbe> probes;
    OptionalLong allgs;
    try (X86Disassembler disasm = X86Disassembler.open()) {
      probes = catalog.resolve(binary.elf(), binary.functionLocator(), disasm);
      allgs = AllgsLocator.locate(binary, disasm);
    }
    Set<ProbeSet> sets = deep ? Set.of(ProbeSet.DEFAULT, ProbeSet.DEEP) : Set.of(ProbeSet.DEFAULT);
    List<String> notes = new ArrayList<>();
    List<BpfPlan.Site> sites = new ArrayList<>();
    boolean contexts = true;
    for (ResolvedProbe p : probes) {
      ProbeRole role = p.spec().role();
      if (!sets.contains(p.spec().set()) || !PROGRAMS.containsKey(role)) {
        continue;
      }
      boolean contextProbe =
          role == ProbeRole.CONTEXT_DEADLINE_SET || role == ProbeRole.CONTEXT_CANCEL;
      if (contextProbe && !contexts) {
        continue;
      }
      if (p.isMissing()) {
        if (contextProbe) {
          contexts = false;
          notes.add("no context probes: " + p.missingReason());
          continue;
        }
        throw new GoroscopeException(
            "cannot watch " + target.executablePath() + ": " + p.missingReason());
      }
      for (String key : p.spec().offsetKeys()) {
        if (key.equals(OffsetKeys.G_PARENT_GOID) || offsets.has(key)) {
          continue;
        }
        if (contextProbe) {
          contexts = false;
          notes.add("no context probes: offset " + key + " is in neither the binary's DWARF nor"
              + " the built-in table for " + version);
          break;
        }
        throw new GoroscopeException(
            "cannot watch " + target.executablePath() + ": offset " + key + " needed by the "
                + role.name().toLowerCase(java.util.Locale.ROOT) + " probe is in neither the"
                + " binary's DWARF nor the built-in table for " + version);
      }
      if (contextProbe && !contexts) {
        continue;
      }
      String program = PROGRAMS.get(role);
      switch (p.spec().point()) {
        case ENTRY -> sites.add(new BpfPlan.Site(program, p.site().function(),
            p.site().entryOffset()));
        case RETURNS -> {
          for (long ret : p.site().returnOffsets()) {
            sites.add(new BpfPlan.Site(program, p.site().function(), ret));
          }
        }
        case ADDRESS -> { }
      }
    }
    if (!contexts) {
      sites.removeIf(s -> s.program().equals(GoroscopeBpf.PROG_WITH_DEADLINE_RET)
          || s.program().equals(GoroscopeBpf.PROG_CANCEL_ENTRY));
    }

    long bias = binary.pie() ? LoadBias.forProcess(target.pid(), binary.elf()) : 0;
    Map<String, Long> symbols = symbolAddresses(binary);
    Map<String, Long> constants = new HashMap<>();
    putOffset(constants, GoroscopeBpf.OFF_G_M, offsets, OffsetKeys.G_M);
    putOffset(constants, GoroscopeBpf.OFF_G_GOID, offsets, OffsetKeys.G_GOID);
    putOffset(constants, GoroscopeBpf.OFF_G_PARENT_GOID, offsets, OffsetKeys.G_PARENT_GOID);
    putOffset(constants, GoroscopeBpf.OFF_G_GOPC, offsets, OffsetKeys.G_GOPC);
    putOffset(constants, GoroscopeBpf.OFF_G_STARTPC, offsets, OffsetKeys.G_STARTPC);
    putOffset(constants, GoroscopeBpf.OFF_M_CURG, offsets, OffsetKeys.M_CURG);
    constants.put(GoroscopeBpf.WAKEUP_BYTES, WAKEUP_BYTES);
    if (contexts) {
      putOffset(constants, GoroscopeBpf.OFF_TIMERCTX_DEADLINE, offsets,
          OffsetKeys.TIMERCTX_DEADLINE);
      // A context is named by its cancelCtx; Go 1.20's timerCtx holds it by pointer.
      putOffset(constants, GoroscopeBpf.OFF_TIMERCTX_CANCELCTX, offsets,
          OffsetKeys.TIMERCTX_CANCELCTX);
      constants.put(GoroscopeBpf.TIMERCTX_CANCELCTX_PTR,
          offsets.isPointer(OffsetKeys.TIMERCTX_CANCELCTX) ? 1L : 0L);
      constants.put(GoroscopeBpf.OFF_CANCELCTX_PARENT_DATA,
          offsets.get(OffsetKeys.CANCELCTX_CONTEXT).orElse(0) + 8);
      putOffset(constants, GoroscopeBpf.OFF_CANCELCTX_ERR, offsets, OffsetKeys.CANCELCTX_ERR);
      String itab = binary.goVersion().map(v -> v.atLeast(1, 20)).orElse(true)
          ? "go:itab." : "go.itab.";
      putAddress(constants, GoroscopeBpf.TIMERCTX_ITAB,
          symbols.get(itab + "*context.timerCtx,context.Context"), bias);
      putAddress(constants, GoroscopeBpf.DEADLINE_ERR_ITAB,
          symbols.get(itab + "context.deadlineExceededError,error"), bias);
      putAddress(constants, GoroscopeBpf.CANCELED_ERR_ITAB,
          symbols.get(itab + "*errors.errorString,error"), bias);
      putAddress(constants, GoroscopeBpf.TIMERCTX_DEADLINE_PC,
          entry(binary, "context.(*timerCtx).Deadline"), bias);
      putAddress(constants, GoroscopeBpf.DEADLINE_ERR_PC,
          entry(binary, "context.(*deadlineExceededError).Error"), bias);
      putAddress(constants, GoroscopeBpf.CANCELED_ERR_PC,
          entry(binary, "errors.(*errorString).Error"), bias);
      if (!constants.containsKey(GoroscopeBpf.TIMERCTX_ITAB)
          && !constants.containsKey(GoroscopeBpf.TIMERCTX_DEADLINE_PC)) {
        sites.removeIf(s -> s.program().equals(GoroscopeBpf.PROG_WITH_DEADLINE_RET));
        notes.add("no deadline probes: neither the timerCtx itab nor (*timerCtx).Deadline is in"
            + " the binary");
      }
    }
    if (offsets.source() != dev.goroscope.gobinary.offsets.OffsetSource.DWARF) {
      notes.add("struct offsets from the built-in table (" + offsets.origin() + "): the binary"
          + " has no DWARF");
    }
    if (allgs.isEmpty()) {
      notes.add("goroutines that existed before attach are not listed: runtime.allgs is neither"
          + " a symbol nor found in runtime.forEachG's code");
    }

    WaitReasons waitReasons = WaitReasons.of(binary.elf(), version);
    ProcessInfo info =
        new ProcessInfo(target.pid(), target.executablePath(), version,
            binary.buildInfo().modulePath());
    return new ProcessPlan(
        info,
        new BpfPlan(constants, sites),
        new GoBinarySymbolizer(binary, waitReasons, bias),
        allgs.isPresent() ? allgs.getAsLong() + bias : 0,
        offsets.asMap(),
        notes);
  }

  private static void putOffset(
      Map<String, Long> constants, String constant, StructOffsets offsets, String key) {
    offsets.get(key).ifPresent(v -> constants.put(constant, v));
  }

  private static void putAddress(Map<String, Long> constants, String constant, Long vaddr,
      long bias) {
    if (vaddr != null && vaddr != 0) {
      constants.put(constant, vaddr + bias);
    }
  }

  private static Long entry(GoBinary binary, String function) {
    Optional<GoFunction> f = binary.function(function);
    return f.map(GoFunction::entry).orElse(null);
  }

  private static Map<String, Long> symbolAddresses(GoBinary binary) {
    Map<String, Long> out = new HashMap<>();
    for (ElfSymbol s : binary.elf().symbols()) {
      if (s.name().startsWith("go:itab.") || s.name().startsWith("go.itab.")) {
        out.putIfAbsent(s.name(), s.value());
      }
    }
    return out;
  }
}
