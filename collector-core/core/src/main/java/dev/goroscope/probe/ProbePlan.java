package dev.goroscope.probe;

import static dev.goroscope.gobinary.offsets.OffsetKeys.CANCELCTX_CONTEXT;
import static dev.goroscope.gobinary.offsets.OffsetKeys.CANCELCTX_ERR;
import static dev.goroscope.gobinary.offsets.OffsetKeys.G_ATOMICSTATUS;
import static dev.goroscope.gobinary.offsets.OffsetKeys.G_GOID;
import static dev.goroscope.gobinary.offsets.OffsetKeys.G_GOPC;
import static dev.goroscope.gobinary.offsets.OffsetKeys.G_M;
import static dev.goroscope.gobinary.offsets.OffsetKeys.G_PARENT_GOID;
import static dev.goroscope.gobinary.offsets.OffsetKeys.G_STARTPC;
import static dev.goroscope.gobinary.offsets.OffsetKeys.G_WAITREASON;
import static dev.goroscope.gobinary.offsets.OffsetKeys.M_CURG;
import static dev.goroscope.gobinary.offsets.OffsetKeys.TIMERCTX_CANCELCTX;
import static dev.goroscope.gobinary.offsets.OffsetKeys.TIMERCTX_DEADLINE;
import static dev.goroscope.gobinary.offsets.OffsetKeys.TIME_EXT;
import static dev.goroscope.gobinary.offsets.OffsetKeys.TIME_LOC;
import static dev.goroscope.gobinary.offsets.OffsetKeys.TIME_WALL;

import dev.goroscope.disasm.X86Disassembler;
import dev.goroscope.gobinary.elf.ElfFile;
import dev.goroscope.gobinary.offsets.GoVersions;
import dev.goroscope.gobinary.offsets.StructOffsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The catalog of probes for one Go minor version: which runtime and context functions, where in
 * each (entry after the prologue, every RET, or just the address), which struct offsets the
 * BPF side reads there, and per-version notes (register ABI, inlining, fields that appear).
 * Immutable. Facts from shared/reference/go-runtime.md, checked against real binaries in tests.
 *
 * <p>Cost drives the plan: a uprobe hit costs 7–17 µs here against ~0.5 µs for a goroutine's
 * whole creation, so each event is caught with one hit: creation at newproc1's RETs (the new g
 * is complete there), exit at goexit1's entry, one probe per deadline context and one level of
 * the cancel chain.
 */
public final class ProbePlan {

  private final int goMinor;
  private final List<ProbeSpec> specs;

  private ProbePlan(int goMinor, List<ProbeSpec> specs) {
    this.goMinor = goMinor;
    this.specs = List.copyOf(specs);
  }

  /** The plan for a version string as in .go.buildinfo, e.g. {@code go1.26.8}. */
  public static ProbePlan forGoVersion(String goVersion) {
    return forGoMinor(GoVersions.minor(goVersion));
  }

  /** The plan for Go 1.{@code minor}; an unknown version (-1) gets the newest plan. */
  public static ProbePlan forGoMinor(int minor) {
    int v = minor < 0 ? Integer.MAX_VALUE : minor;
    List<ProbeSpec> s = new ArrayList<>();

    List<String> create = new ArrayList<>(List.of(G_GOID, G_GOPC, G_STARTPC, G_M, M_CURG));
    String createNote = "runtime.newproc1 runs on the system stack (R14 = g0); at each RET, RAX"
        + " is the new g with goid, gopc and startpc set; the creator is g0.m.curg";
    if (v >= 21) {
      create.add(G_PARENT_GOID);
      createNote += " and also the new g's parentGoid (1.21+)";
    } else {
      createNote += " (no g.parentGoid before 1.21)";
    }
    if (v >= 23) {
      createNote += "; 1.23+ newproc1 takes (fn, callergp, callerpc, parked, waitreason)";
    }
    s.add(new ProbeSpec(ProbeRole.GOROUTINE_CREATE, ProbeSet.DEFAULT, AttachPoint.RETURNS,
        List.of("runtime.newproc1"), create, createNote + "; one hit per creation"));

    s.add(new ProbeSpec(ProbeRole.GOROUTINE_EXIT, ProbeSet.DEFAULT, AttachPoint.ENTRY,
        List.of("runtime.goexit1"), List.of(G_GOID),
        "runtime.goexit1 entry, R14 = the exiting g; one hit per exit"
            + (v >= 22 ? "; runtime.gdestroy (1.22+) is not probed as well (it would double"
                + " the cost)" : "")
            + "; goroutines alive at process exit never exit"));

    List<String> deadlineFns = v >= 21
        ? List.of("context.WithDeadlineCause", "context.WithDeadline")
        : List.of("context.WithDeadline");
    s.add(new ProbeSpec(ProbeRole.CONTEXT_DEADLINE_SET, ProbeSet.DEFAULT, AttachPoint.RETURNS,
        deadlineFns,
        List.of(G_GOID, TIMERCTX_DEADLINE, TIMERCTX_CANCELCTX, CANCELCTX_CONTEXT, TIME_WALL,
            TIME_EXT, TIME_LOC),
        (v >= 21
            ? "1.21+: WithDeadline calls WithDeadlineCause and is usually inlined, so the"
                + " callee is probed (only one of the two, never both)"
            : "WithTimeout calls WithDeadline")
            + "; at each RET, RAX:RBX = the Context (itab, data): data is a *timerCtx only"
            + " when the itab is timerCtx's (a parent with an earlier deadline yields a plain"
            + " *cancelCtx)"
            + (v == 20 ? "; 1.20's timerCtx holds a *cancelCtx pointer: dereference it" : "")));

    s.add(new ProbeSpec(ProbeRole.CONTEXT_CANCEL, ProbeSet.DEFAULT, AttachPoint.ENTRY,
        List.of("context.(*cancelCtx).cancel"), List.of(G_GOID, CANCELCTX_ERR),
        "entry: RAX = *cancelCtx, BL = removeFromParent, RCX:RDI = err (itab, data)"
            + (v >= 20 ? ", RSI:R8 = cause" : "")
            + "; timerCtx.cancel calls it, so only this level is probed; deadline vs cancel is"
            + " told by the err itab's fun[0] (itab+24) against DEADLINE_EXCEEDED_ERROR"));

    s.add(new ProbeSpec(ProbeRole.DEADLINE_EXCEEDED_ERROR, ProbeSet.DEFAULT,
        AttachPoint.ADDRESS,
        List.of("context.(*deadlineExceededError).Error", "context.deadlineExceededError.Error"),
        List.of(),
        "no probe: the entry address that context.DeadlineExceeded's itab holds in fun[0];"
            + " pclntab keeps it in stripped binaries"));

    s.add(new ProbeSpec(ProbeRole.GOROUTINE_PARK, ProbeSet.DEEP, AttachPoint.ENTRY,
        List.of("runtime.gopark"), List.of(G_GOID),
        "entry: R14 = the parking g, CL = waitReason (numbering changes per version)"));

    s.add(new ProbeSpec(ProbeRole.GOROUTINE_READY, ProbeSet.DEEP, AttachPoint.ENTRY,
        List.of("runtime.ready"), List.of(G_GOID, G_M, M_CURG),
        "entry (system stack): RAX = the woken g; waker = g0.m.curg (0 = timer, netpoller or"
            + " scheduler)" + (v >= 21 ? "; goready is inlined from 1.21, ready is not" : "")
            + "; netpoll/GC wakeups go through injectglist and skip ready"));

    s.add(new ProbeSpec(ProbeRole.GOROUTINE_STATUS, ProbeSet.OPTIONAL, AttachPoint.ENTRY,
        List.of("runtime.casgstatus"), List.of(G_GOID, G_ATOMICSTATUS, G_WAITREASON),
        "NOSPLIT (no prologue): RAX = g, EBX = old, ECX = new status; fires on every"
            + " transition (very hot)" + (v >= 26 ? "; 1.26 syscall paths bypass it" : "")));

    return new ProbePlan(minor, s);
  }

  /** The Go minor version this plan is for (-1: unknown, newest plan). */
  public int goMinor() {
    return goMinor;
  }

  public List<ProbeSpec> specs() {
    return specs;
  }

  public Optional<ProbeSpec> spec(ProbeRole role) {
    return specs.stream().filter(p -> p.role() == role).findFirst();
  }

  /** Every function name any probe of this plan may use, in plan order. */
  public List<String> functions() {
    Set<String> out = new LinkedHashSet<>();
    for (ProbeSpec p : specs) {
      out.addAll(p.candidates());
    }
    return List.copyOf(out);
  }

  /** The struct offsets the probes of {@code sets} read. */
  public List<String> offsetKeys(Set<ProbeSet> sets) {
    Set<String> out = new LinkedHashSet<>();
    for (ProbeSpec p : specs) {
      if (sets.contains(p.set())) {
        out.addAll(p.offsetKeys());
      }
    }
    return List.copyOf(out);
  }

  /**
   * The struct offsets that the located probes of {@code sets} read and {@code offsets} lacks:
   * attach must refuse (naming them) when this is not empty. Probes whose function is missing
   * need no offsets, so a program that never links {@code context} needs no context layouts.
   */
  public static List<String> missingOffsets(List<ResolvedProbe> resolved, StructOffsets offsets,
      Set<ProbeSet> sets) {
    Set<String> needed = new LinkedHashSet<>();
    for (ResolvedProbe r : resolved) {
      if (!r.isMissing() && sets.contains(r.spec().set())) {
        needed.addAll(r.spec().offsetKeys());
      }
    }
    return offsets.missing(needed);
  }

  /**
   * Locates every probe in {@code elf}: the first candidate with a symbol, disassembled. A
   * probe whose functions all lack a symbol is returned as missing, naming the Go version.
   */
  public List<ResolvedProbe> resolve(ElfFile elf, FunctionLocator functions,
      X86Disassembler disasm) {
    List<ResolvedProbe> out = new ArrayList<>();
    for (ProbeSpec p : specs) {
      ResolvedProbe r = null;
      for (String name : p.candidates()) {
        Optional<FunctionBounds> fn = functions.find(name);
        if (fn.isPresent()) {
          r = new ResolvedProbe(p, ProbeSites.locate(elf, fn.get(), disasm), null);
          break;
        }
      }
      if (r == null) {
        r = new ResolvedProbe(p, null, "no symbol for " + String.join(" or ", p.candidates())
            + " in this " + versionLabel() + " binary (inlined or not linked)");
      }
      out.add(r);
    }
    return out;
  }

  private String versionLabel() {
    return goMinor < 0 ? "unknown-version" : "go" + GoVersions.label(goMinor);
  }
}
