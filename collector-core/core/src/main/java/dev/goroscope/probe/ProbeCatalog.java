package dev.goroscope.probe;

import static dev.goroscope.bpf.GoroscopeBpf.*;
import static dev.goroscope.gobinary.offsets.OffsetKeys.*;

import dev.goroscope.disasm.X86Disassembler;
import dev.goroscope.gobinary.GoVersion;
import dev.goroscope.gobinary.elf.ElfFile;
import dev.goroscope.gobinary.otelsdk.SdkFields;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every probe goroscope can attach to a Go program of one minor version: per probe the
 * function(s), where (entry after the prologue, or every RET), the BPF program, the struct
 * offsets it reads with their BPF constants, the addresses it compares against, its group, and
 * notes for the version (register ABI, inlining, fields that appear). {@code goroscope inspect}
 * and {@code goroscope attach} both read it; nothing else decides what a probe needs. Immutable.
 * Facts from shared/reference/go-runtime.md, checked against real binaries in tests.
 *
 * <p>Cost drives it: a uprobe hit costs 7–13 µs here against ~0.5 µs for a goroutine's whole
 * creation, so each event is caught with one hit: creation at newproc1's RETs (the new g is
 * complete there), exit at goexit1's entry, one probe per deadline context and one level of the
 * cancel chain; scheduling and channel probes only with {@code --deep}.
 */
public final class ProbeCatalog {

  private final GoVersion version;
  private final List<ProbeSpec> specs;

  private ProbeCatalog(GoVersion version, List<ProbeSpec> specs) {
    this.version = version;
    this.specs = List.copyOf(specs);
  }

  /** The catalog for {@code version}; an unknown version gets the newest catalog. */
  public static ProbeCatalog forVersion(GoVersion version) {
    int v = version.isKnown() ? version.minor() : Integer.MAX_VALUE;
    List<ProbeSpec> s = new ArrayList<>();
    OffsetUse goid = OffsetUse.required(G_GOID, OFF_G_GOID);

    String createNote = "runtime.newproc1 runs on the system stack (R14 = g0); at each RET, RAX"
        + " is the new g with goid, gopc and startpc set; the creator is "
        + (v >= 21 ? "the new g's parentGoid (1.21+)" : "g0.m.curg (no g.parentGoid before 1.21)")
        + (v >= 23 ? "; 1.23+ newproc1 takes (fn, callergp, callerpc, parked, waitreason)" : "")
        + "; one hit per creation";
    s.add(new ProbeSpec(ProbeRole.GOROUTINE_CREATE, ProbeGroup.LIFECYCLE, AttachPoint.RETURNS,
        List.of("runtime.newproc1"), PROG_NEWPROC1_RET,
        List.of(goid, OffsetUse.required(G_GOPC, OFF_G_GOPC),
            OffsetUse.required(G_STARTPC, OFF_G_STARTPC), OffsetUse.required(G_M, OFF_G_M),
            OffsetUse.required(M_CURG, OFF_M_CURG),
            OffsetUse.optional(G_PARENT_GOID, OFF_G_PARENT_GOID)),
        List.of(), false, createNote));

    s.add(new ProbeSpec(ProbeRole.GOROUTINE_EXIT, ProbeGroup.LIFECYCLE, AttachPoint.ENTRY,
        List.of("runtime.goexit1"), PROG_GOEXIT1_ENTRY, List.of(goid), List.of(), false,
        "runtime.goexit1 entry, R14 = the exiting g; one hit per exit"
            + (v >= 22 ? "; runtime.gdestroy (1.22+) is not probed as well (it would double"
                + " the cost)" : "")
            + "; goroutines alive at process exit never exit"));

    List<String> deadlineFns = v >= 21
        ? List.of("context.WithDeadlineCause", "context.WithDeadline")
        : List.of("context.WithDeadline");
    s.add(new ProbeSpec(ProbeRole.CONTEXT_DEADLINE_SET, ProbeGroup.CONTEXTS, AttachPoint.RETURNS,
        deadlineFns, PROG_WITH_DEADLINE_RET,
        List.of(goid, OffsetUse.required(TIMERCTX_DEADLINE, OFF_TIMERCTX_DEADLINE),
            OffsetUse.embedded(TIMERCTX_CANCELCTX, OFF_TIMERCTX_CANCELCTX),
            OffsetUse.required(CANCELCTX_CONTEXT, OFF_CANCELCTX_CONTEXT),
            OffsetUse.required(TIME_WALL, OFF_TIME_WALL),
            OffsetUse.required(TIME_EXT, OFF_TIME_EXT)),
        List.of(AddressUse.itab(TIMERCTX_ITAB, "*context.timerCtx,context.Context",
                "the timerCtx type"),
            AddressUse.function(TIMERCTX_DEADLINE_PC, "the timerCtx type",
                "context.(*timerCtx).Deadline")),
        false,
        (v >= 21
            ? "1.21+: WithDeadline calls WithDeadlineCause and is usually inlined, so the"
                + " callee is probed (only one of the two, never both)"
            : "WithTimeout calls WithDeadline")
            + "; at each RET, RAX:RBX = the Context (itab, data): data is a *timerCtx only"
            + " when the itab is timerCtx's (a parent with an earlier deadline yields a plain"
            + " *cancelCtx)"
            + (v == 20 ? "; 1.20's timerCtx holds a *cancelCtx pointer" : "")));

    s.add(new ProbeSpec(ProbeRole.CONTEXT_CANCEL, ProbeGroup.CONTEXTS, AttachPoint.ENTRY,
        List.of("context.(*cancelCtx).cancel"), PROG_CANCEL_ENTRY,
        List.of(goid, OffsetUse.optional(CANCELCTX_ERR, OFF_CANCELCTX_ERR)),
        List.of(AddressUse.itab(DEADLINE_ERR_ITAB, "context.deadlineExceededError,error",
                "context.DeadlineExceeded"),
            AddressUse.function(DEADLINE_ERR_PC, "context.DeadlineExceeded",
                "context.(*deadlineExceededError).Error", "context.deadlineExceededError.Error"),
            AddressUse.itab(CANCELED_ERR_ITAB, "*errors.errorString,error", null),
            AddressUse.function(CANCELED_ERR_PC, null, "errors.(*errorString).Error")),
        false,
        "entry: RAX = *cancelCtx, BL = removeFromParent, RCX:RDI = err (itab, data)"
            + (v >= 20 ? ", RSI:R8 = cause" : "")
            + "; timerCtx.cancel calls it, so only this level is probed; deadline vs cancel is"
            + " told by the err itab, or its fun[0] (itab+24) against the Error method's PC"));

    s.add(new ProbeSpec(ProbeRole.GOROUTINE_PARK, ProbeGroup.SCHEDULING, AttachPoint.ENTRY,
        List.of("runtime.gopark"), PROG_GOPARK_ENTRY, List.of(goid), List.of(), false,
        "entry: R14 = the parking g, CL = waitReason (numbering changes per version)"));

    s.add(new ProbeSpec(ProbeRole.GOROUTINE_READY, ProbeGroup.SCHEDULING, AttachPoint.ENTRY,
        List.of("runtime.ready"), PROG_READY_ENTRY,
        List.of(goid, OffsetUse.required(G_M, OFF_G_M), OffsetUse.required(M_CURG, OFF_M_CURG)),
        List.of(), false,
        "entry (system stack): RAX = the woken g; waker = g0.m.curg (0 = timer, netpoller or"
            + " scheduler)" + (v >= 21 ? "; goready is inlined from 1.21, ready is not" : "")
            + "; netpoll/GC wakeups go through injectglist and skip ready"));

    List<OffsetUse> chan = List.of(goid, OffsetUse.required(HCHAN_QCOUNT, OFF_HCHAN_QCOUNT),
        OffsetUse.required(HCHAN_DATAQSIZ, OFF_HCHAN_DATAQSIZ));
    String chanNote = "entry: RAX = *hchan, R14 = the goroutine; reads qcount and dataqsiz as the"
        + " operation starts; select statements go through selectgo and are not seen";
    s.add(new ProbeSpec(ProbeRole.CHANNEL_SEND, ProbeGroup.CHANNELS, AttachPoint.ENTRY,
        List.of("runtime.chansend1"), PROG_CHANSEND_ENTRY, chan, List.of(), true, chanNote));
    s.add(new ProbeSpec(ProbeRole.CHANNEL_RECEIVE, ProbeGroup.CHANNELS, AttachPoint.ENTRY,
        List.of("runtime.chanrecv1"), PROG_CHANRECV_ENTRY, chan, List.of(), true, chanNote));
    s.add(new ProbeSpec(ProbeRole.CHANNEL_RECEIVE_OK, ProbeGroup.CHANNELS, AttachPoint.ENTRY,
        List.of("runtime.chanrecv2"), PROG_CHANRECV_ENTRY, chan, List.of(), true, chanNote));

    addAppSpanProbes(s, goid);

    return new ProbeCatalog(version, s);
  }

  /**
   * The OpenTelemetry Go SDK's span start and end (group {@link ProbeGroup#APP_SPANS}): one hit
   * per span start and one per end. Offsets from the binary's DWARF or the SDK table (per SDK
   * version, {@code SdkOffsetTable}); the SDK version gate is the planner's (GoTargetPlanner).
   */
  private static void addAppSpanProbes(List<ProbeSpec> s, OffsetUse goid) {
    String sdk = SdkFields.SDK_TRACE + ".";
    OffsetUse traceId = OffsetUse.required(SdkFields.SPAN_CONTEXT_TRACE_ID,
        OFF_SPAN_CONTEXT_TRACE_ID);
    OffsetUse spanId = OffsetUse.required(SdkFields.SPAN_CONTEXT_SPAN_ID,
        OFF_SPAN_CONTEXT_SPAN_ID);
    OffsetUse flags = OffsetUse.required(SdkFields.SPAN_CONTEXT_TRACE_FLAGS,
        OFF_SPAN_CONTEXT_TRACE_FLAGS);
    OffsetUse recording = OffsetUse.required(SdkFields.RECORDING_SPAN_CONTEXT,
        OFF_RECORDING_SPAN_CONTEXT);
    OffsetUse nonRecording = OffsetUse.required(SdkFields.NONRECORDING_SPAN_CONTEXT,
        OFF_NONRECORDING_SPAN_CONTEXT);
    s.add(new ProbeSpec(ProbeRole.APP_SPAN_START, ProbeGroup.APP_SPANS, AttachPoint.RETURNS,
        List.of(sdk + "(*tracer).Start"), PROG_OTEL_SPAN_START_RET,
        List.of(goid, traceId, spanId, flags, recording, nonRecording,
            OffsetUse.required(SdkFields.RECORDING_SPAN_PARENT, OFF_RECORDING_SPAN_PARENT)),
        List.of(AddressUse.function(RECORDING_SPAN_IS_RECORDING_PC, "a recording span's itab",
                sdk + "(*recordingSpan).IsRecording"),
            AddressUse.function(NONRECORDING_SPAN_IS_RECORDING_PC, "an unsampled span's itab",
                sdk + "(*nonRecordingSpan).IsRecording")),
        false,
        "at each RET, RCX:RDI = the trace.Span result (itab, data), R14 = the goroutine that"
            + " started it; a *recordingSpan or (dropped by the sampler) a *nonRecordingSpan,"
            + " told apart by the itab's IsRecording method; reads trace id, span id, sampled"
            + " flag and, of a recording span, the parent's span id"));
    s.add(new ProbeSpec(ProbeRole.APP_SPAN_END, ProbeGroup.APP_SPANS, AttachPoint.ENTRY,
        List.of(sdk + "(*recordingSpan).End"), PROG_OTEL_SPAN_END_ENTRY,
        List.of(goid, traceId, spanId, flags, recording), List.of(), false,
        "entry: RAX = the *recordingSpan, R14 = the goroutine that ends it (not always the one"
            + " that started it)"));
    s.add(new ProbeSpec(ProbeRole.APP_SPAN_END_UNSAMPLED, ProbeGroup.APP_SPANS,
        AttachPoint.ENTRY, List.of(sdk + "(*nonRecordingSpan).End"),
        PROG_OTEL_NONRECORDING_SPAN_END_ENTRY,
        List.of(goid, traceId, spanId, flags, nonRecording), List.of(), true,
        "entry of the pointer wrapper the itab calls (a leaf without prologue): RAX = the"
            + " *nonRecordingSpan; ends what an unsampled span covers"));
  }

  /** The Go version this catalog is for. */
  public GoVersion version() {
    return version;
  }

  public List<ProbeSpec> specs() {
    return specs;
  }

  public Optional<ProbeSpec> spec(ProbeRole role) {
    return specs.stream().filter(p -> p.role() == role).findFirst();
  }

  /** Every function name any probe may use, in catalog order. */
  public List<String> functions() {
    Set<String> out = new LinkedHashSet<>();
    for (ProbeSpec p : specs) {
      out.addAll(p.candidates());
    }
    return List.copyOf(out);
  }

  /**
   * Locates every probe in {@code elf}: the first candidate with a symbol, disassembled. A
   * probe whose functions all lack a symbol is returned as missing, naming the Go version.
   */
  public List<ResolvedProbe> resolve(ElfFile elf, FunctionLocator functions,
      X86Disassembler disasm) {
    List<ResolvedProbe> out = new ArrayList<>();
    for (ProbeSpec p : specs) {
      FunctionBounds chosen = null;
      List<String> absent = new ArrayList<>();
      for (String name : p.candidates()) {
        Optional<FunctionBounds> fn = functions.find(name);
        if (fn.isEmpty()) {
          absent.add(name);
        } else if (chosen == null) {
          chosen = fn.get();
        }
      }
      out.add(chosen != null
          ? new ResolvedProbe(p, ProbeSites.locate(elf, chosen, disasm), null, absent)
          : new ResolvedProbe(p, null, "no symbol for " + String.join(" or ", p.candidates())
              + " in this " + versionLabel() + " binary (inlined or not linked)", absent));
    }
    return out;
  }

  private String versionLabel() {
    return version.isKnown() ? version.release() : "unknown-version";
  }
}
