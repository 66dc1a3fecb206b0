package dev.goroscope.bpf;

/**
 * Names in goroscope's own BPF object ({@code src/main/c/goroscope.bpf.c}): the programs, maps
 * and {@code volatile const} settings a probe plan fills in. The record layouts are in
 * {@code goroscope_events.h} and decoded by {@code dev.goroscope.event.EventDecoder}.
 *
 * <p>Wiring, in order: {@link BpfObject#openResource(String) open} {@link #RESOURCE}; set every
 * constant below (the loader refuses an object with one left unset; the probe catalog of
 * collector-core says which offset and address goes where) and the target pid; optionally
 * resize {@link #MAP_EVENTS}; load; attach each program at its sites with
 * {@code UprobeLink.attach(program, pid, binary, fileOffset)} (RET programs at every
 * RET instruction, entry programs at the first instruction after the stack-check prologue,
 * so that a morestack re-run does not fire them twice); open a {@code RingBufferReader} on
 * {@link #MAP_EVENTS} and a {@code LossCounter} on {@link #MAP_LOST}. Addresses (itabs, PCs)
 * are runtime addresses: add the load bias for PIE targets.
 *
 * <p>Which context function: probe {@code context.WithDeadlineCause} when the binary has it
 * (1.21+; {@code WithDeadline} then only calls it and is usually inlined), else
 * {@code context.WithDeadline}, never both (one context would be reported twice). Go 1.20's
 * timerCtx holds a pointer to its cancelCtx, which these programs do not follow.
 */
public final class GoroscopeBpf {
  /** Classpath resource of the compiled object. */
  public static final String RESOURCE = "dev/goroscope/bpf/goroscope.bpf.o";

  // programs: all plain uprobes (never uretprobes: Go moves stacks)
  /** At each RET of runtime.newproc1. */
  public static final String PROG_NEWPROC1_RET = "newproc1_ret";
  /** runtime.goexit1 entry, after the stack-check prologue. */
  public static final String PROG_GOEXIT1_ENTRY = "goexit1_entry";
  /** At each RET of context.WithDeadline / WithDeadlineCause. */
  public static final String PROG_WITH_DEADLINE_RET = "with_deadline_ret";
  /** (*context.cancelCtx).cancel entry, after the prologue. */
  public static final String PROG_CANCEL_ENTRY = "cancel_entry";
  /** deep: runtime.gopark entry, after the prologue. */
  public static final String PROG_GOPARK_ENTRY = "gopark_entry";
  /** deep: runtime.ready entry, after the prologue. */
  public static final String PROG_READY_ENTRY = "ready_entry";
  /** deep: runtime.chansend1 entry, after the prologue. */
  public static final String PROG_CHANSEND_ENTRY = "chansend_entry";
  /** deep: runtime.chanrecv1 and chanrecv2 entries, after the prologue. */
  public static final String PROG_CHANRECV_ENTRY = "chanrecv_entry";

  // maps
  /** BPF_MAP_TYPE_RINGBUF of event records; default 4 MiB. */
  public static final String MAP_EVENTS = "events";
  /** BPF_MAP_TYPE_PERCPU_ARRAY[1] of u64: failed ring buffer reservations. */
  public static final String MAP_LOST = "lost";

  // constants (volatile const), set before load
  /** u32 tgid of the target; events of every other process are dropped. */
  public static final String TARGET_TGID = "target_tgid";
  /** u64 st_dev of the pid namespace TARGET_TGID is in; 0 with PIDNS_INO 0 = the host's. */
  public static final String PIDNS_DEV = "pidns_dev";
  /** u64 inode of that pid namespace ({@link PidNamespace}); 0 = the host's. */
  public static final String PIDNS_INO = "pidns_ino";
  /** u32 offset of runtime.g.m. */
  public static final String OFF_G_M = "off_g_m";
  /** u32 offset of runtime.g.goid. */
  public static final String OFF_G_GOID = "off_g_goid";
  /** u32 offset of runtime.g.parentGoid; 0 before Go 1.21 (then g0.m.curg is used). */
  public static final String OFF_G_PARENT_GOID = "off_g_parent_goid";
  /** u32 offset of runtime.g.gopc. */
  public static final String OFF_G_GOPC = "off_g_gopc";
  /** u32 offset of runtime.g.startpc. */
  public static final String OFF_G_STARTPC = "off_g_startpc";
  /** u32 offset of runtime.m.curg. */
  public static final String OFF_M_CURG = "off_m_curg";
  /** u32 offset of context.timerCtx.deadline. */
  public static final String OFF_TIMERCTX_DEADLINE = "off_timerctx_deadline";
  /** u32 offset of the embedded cancelCtx in a timerCtx. */
  public static final String OFF_TIMERCTX_CANCELCTX = "off_timerctx_cancelctx";
  /** u32 offset of cancelCtx.Context (the parent interface). */
  public static final String OFF_CANCELCTX_CONTEXT = "off_cancelctx_context";
  /** u32 offset of time.Time.wall. */
  public static final String OFF_TIME_WALL = "off_time_wall";
  /** u32 offset of time.Time.ext. */
  public static final String OFF_TIME_EXT = "off_time_ext";
  /** u32 offset of runtime.hchan.qcount. */
  public static final String OFF_HCHAN_QCOUNT = "off_hchan_qcount";
  /** u32 offset of runtime.hchan.dataqsiz. */
  public static final String OFF_HCHAN_DATAQSIZ = "off_hchan_dataqsiz";
  /** u32 offset of cancelCtx.err (first word); 0 = report repeated cancels too. */
  public static final String OFF_CANCELCTX_ERR = "off_cancelctx_err";
  /**
   * u64 runtime address of the *timerCtx,Context itab (0 = unknown). Set this or
   * {@link #TIMERCTX_DEADLINE_PC}: with neither, a plain cancelCtx returned by WithDeadline
   * (parent's deadline earlier) would be misread as a timerCtx. Go 1.27 binaries have no itab
   * symbols at all, so the PC form is the one that always works.
   */
  public static final String TIMERCTX_ITAB = "timerctx_itab";
  /** u64 runtime PC of (*timerCtx).Deadline, for stripped binaries (0 = unknown). */
  public static final String TIMERCTX_DEADLINE_PC = "timerctx_deadline_pc";
  /** u64 runtime address of the deadlineExceededError,error itab (0 = unknown). */
  public static final String DEADLINE_ERR_ITAB = "deadline_err_itab";
  /** u64 runtime PC of context.deadlineExceededError.Error (itab fun[0]). */
  public static final String DEADLINE_ERR_PC = "deadline_err_pc";
  /** u64 runtime address of the *errors.errorString,error itab (0 = unknown). */
  public static final String CANCELED_ERR_ITAB = "canceled_err_itab";
  /** u64 runtime PC of (*errors.errorString).Error (itab fun[0]). */
  public static final String CANCELED_ERR_PC = "canceled_err_pc";
  /**
   * u64: submit with BPF_RB_NO_WAKEUP until this many bytes wait in the ring, then force a
   * wakeup (0 = wake on every record). Wakeups cost more than records, so use e.g. 64 KiB (or
   * an eighth of the ring) and poll the reader with a timeout (≤ 100 ms) that bounds latency
   * for a trickle of events.
   */
  public static final String WAKEUP_BYTES = "wakeup_bytes";

  // application spans: the OpenTelemetry Go SDK in the target (sdk/trace)
  /** At each RET of sdk/trace.(*tracer).Start: the span it returns (recording or not). */
  public static final String PROG_OTEL_SPAN_START_RET = "otel_span_start_ret";
  /** sdk/trace.(*recordingSpan).End entry, after the prologue. */
  public static final String PROG_OTEL_SPAN_END_ENTRY = "otel_span_end_entry";
  /** sdk/trace.(*nonRecordingSpan).End entry (a wrapper without prologue). */
  public static final String PROG_OTEL_NONRECORDING_SPAN_END_ENTRY =
      "otel_nonrecording_span_end_entry";
  /** u32 offset of sdk/trace.recordingSpan.spanContext. */
  public static final String OFF_RECORDING_SPAN_CONTEXT = "off_recording_span_context";
  /** u32 offset of sdk/trace.recordingSpan.parent. */
  public static final String OFF_RECORDING_SPAN_PARENT = "off_recording_span_parent";
  /** u32 offset of sdk/trace.nonRecordingSpan.sc. */
  public static final String OFF_NONRECORDING_SPAN_CONTEXT = "off_nonrecording_span_context";
  /** u32 offset of trace.SpanContext.traceID. */
  public static final String OFF_SPAN_CONTEXT_TRACE_ID = "off_span_context_trace_id";
  /** u32 offset of trace.SpanContext.spanID. */
  public static final String OFF_SPAN_CONTEXT_SPAN_ID = "off_span_context_span_id";
  /** u32 offset of trace.SpanContext.traceFlags. */
  public static final String OFF_SPAN_CONTEXT_TRACE_FLAGS = "off_span_context_trace_flags";
  /** u64 runtime PC of (*recordingSpan).IsRecording: recognises a recording span's itab. */
  public static final String RECORDING_SPAN_IS_RECORDING_PC = "recording_span_is_recording_pc";
  /** u64 runtime PC of the (*nonRecordingSpan).IsRecording wrapper. */
  public static final String NONRECORDING_SPAN_IS_RECORDING_PC =
      "nonrecording_span_is_recording_pc";

  private GoroscopeBpf() {}
}
