// SPDX-License-Identifier: (BSD-2-Clause OR GPL-2.0)
/*
 * goroscope kernel side: uprobe programs on a Go (linux/amd64, register ABI) target.
 *
 * Every uprobe hit costs 7-17 us of trap on this class of machine, so each program does the
 * least it can: a tgid check, a handful of 8-byte user reads, one ring buffer reservation.
 * No loops, no strings. All Go layout knowledge comes from the volatile const values below,
 * which user space patches into .rodata before load (from the binary's DWARF / the built-in
 * table). The programs are attached per target pid, so other processes running the same
 * executable never trap; the tgid check is a second line of defence.
 *
 * Entry probes (goexit1, cancel, gopark, ready) must be attached AFTER the stack-check
 * prologue: when a function has to grow its stack, morestack re-runs it from its first
 * instruction and an entry probe there would fire twice. Argument registers are still
 * intact right after the prologue's conditional jump.
 */
#include <linux/bpf.h>
#include <asm/ptrace.h>
#include <bpf/bpf_helpers.h>

#include "goroscope_events.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/*
 * ---- set by user space before load ----
 * Every constant defaults to 0 and the loader refuses an object whose constants were not all
 * set (BpfObject.load): no Go version's layout is assumed here. For an offset, 0 where a
 * program reads it optionally means "field not present in this Go version".
 */

/* Target process (tgid); events from any other process are dropped. */
volatile const __u32 target_tgid = 0;

/*
 * The pid namespace target_tgid is given in (st_dev and st_ino of /proc/self/ns/pid of the
 * loader). 0 = the host's: compare host tgids directly.
 */
volatile const __u64 pidns_dev = 0;
volatile const __u64 pidns_ino = 0;

/* runtime.g / runtime.m field offsets. */
volatile const __u32 off_g_m = 0;
volatile const __u32 off_g_goid = 0;
volatile const __u32 off_g_parent_goid = 0; /* 0 before Go 1.21: the creator is g0.m.curg */
volatile const __u32 off_g_gopc = 0;
volatile const __u32 off_g_startpc = 0;
volatile const __u32 off_m_curg = 0;

/* context layouts (offsets inside *timerCtx / *cancelCtx / time.Time). */
volatile const __u32 off_timerctx_deadline = 0;
volatile const __u32 off_timerctx_cancelctx = 0; /* the embedded cancelCtx */
volatile const __u32 off_cancelctx_context = 0;  /* cancelCtx.Context: the parent interface */
volatile const __u32 off_cancelctx_err = 0;      /* 0 = do not skip repeated cancels */
volatile const __u32 off_time_wall = 0;
volatile const __u32 off_time_ext = 0;

/* runtime.hchan (deep: channel operations). */
volatile const __u32 off_hchan_qcount = 0;
volatile const __u32 off_hchan_dataqsiz = 0;

/*
 * Recognising the result of WithDeadline: when the parent's deadline is earlier, WithDeadline
 * returns a plain *cancelCtx. If set, the result itab must equal timerctx_itab, or its fun[0]
 * ((*timerCtx).Deadline, itab+24) must equal timerctx_deadline_pc.
 */
volatile const __u64 timerctx_itab = 0;
volatile const __u64 timerctx_deadline_pc = 0;

/*
 * Recognising cancel reasons from the err itab: exact itab address (symbol builds) or
 * fun[0] = the Error method PC (stripped builds, pclntab keeps it). Absolute addresses.
 */
volatile const __u64 deadline_err_itab = 0;
volatile const __u64 deadline_err_pc = 0;
volatile const __u64 canceled_err_itab = 0;
volatile const __u64 canceled_err_pc = 0;

/* Wake the reader only once this many bytes are waiting (0 = wake on every record). */
volatile const __u64 wakeup_bytes = 0;

/* ---- maps ---- */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} events SEC(".maps");

/* Failed reservations (ring full), per CPU; user space sums and reports them. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

/* ---- helpers ---- */

#define ITAB_FUN0 24

static __always_inline int is_target(void)
{
	if (pidns_ino) {
		/* The sidecar's pid namespace (a pod's, with shareProcessNamespace): compare the
		 * target's pid as the sidecar sees it, not the host's. */
		struct bpf_pidns_info ns = {};
		if (bpf_get_ns_current_pid_tgid(pidns_dev, pidns_ino, &ns, sizeof(ns)))
			return 0;
		return ns.tgid == target_tgid;
	}
	return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

static __always_inline __u64 read_u64(__u64 addr)
{
	__u64 v = 0;
	bpf_probe_read_user(&v, sizeof(v), (const void *)addr);
	return v;
}

/* goid of g; if g is a g0 (goid 0), the goid of the user goroutine on its M (g.m.curg). */
static __always_inline __u64 user_goid(__u64 g)
{
	__u64 goid = read_u64(g + off_g_goid);
	if (goid != 0)
		return goid;
	__u64 m = read_u64(g + off_g_m);
	if (!m)
		return 0;
	__u64 curg = read_u64(m + off_m_curg);
	if (!curg)
		return 0;
	return read_u64(curg + off_g_goid);
}

static __always_inline void *reserve(__u64 size)
{
	void *e = bpf_ringbuf_reserve(&events, size, 0);
	if (!e) {
		__u32 zero = 0;
		__u64 *n = bpf_map_lookup_elem(&lost, &zero);
		if (n)
			*n += 1; /* per-CPU slot: no atomics needed */
	}
	return e;
}

static __always_inline void fill_header(struct goroscope_event_header *h, __u32 type)
{
	__u64 id = bpf_get_current_pid_tgid();
	h->ts_ns = bpf_ktime_get_ns();
	h->pid = target_tgid; /* only the target gets here: its pid as user space knows it */
	h->tid = (__u32)id;
	h->cpu = bpf_get_smp_processor_id();
	h->type = type;
}

/* Submit without a wakeup unless enough data waits: wakeups cost more than the records. */
static __always_inline void submit(void *e)
{
	__u64 flags = BPF_RB_NO_WAKEUP;
	if (wakeup_bytes == 0 || bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	bpf_ringbuf_submit(e, flags);
}

/* ---- programs ---- */

/* At each RET of runtime.newproc1: RAX = the new g, R14 = g0 (system stack). */
SEC("uprobe")
int newproc1_ret(struct pt_regs *ctx)
{
	if (!is_target())
		return 0;
	__u64 newg = ctx->rax;
	struct goroscope_goroutine_created *e = reserve(sizeof(*e));
	if (!e)
		return 0;
	fill_header(&e->hdr, GOROSCOPE_EV_GOROUTINE_CREATED);
	e->goid = read_u64(newg + off_g_goid);
	e->gopc = read_u64(newg + off_g_gopc);
	e->startpc = read_u64(newg + off_g_startpc);
	if (off_g_parent_goid)
		e->parent_goid = read_u64(newg + off_g_parent_goid);
	else
		e->parent_goid = user_goid(ctx->r14);
	submit(e);
	return 0;
}

/* runtime.goexit1 entry (after prologue): R14 = the exiting g. */
SEC("uprobe")
int goexit1_entry(struct pt_regs *ctx)
{
	if (!is_target())
		return 0;
	struct goroscope_goroutine_exited *e = reserve(sizeof(*e));
	if (!e)
		return 0;
	fill_header(&e->hdr, GOROSCOPE_EV_GOROUTINE_EXITED);
	e->goid = read_u64(ctx->r14 + off_g_goid);
	submit(e);
	return 0;
}

static __always_inline __s64 time_to_unix_ns(__u64 wall, __s64 ext)
{
	__s64 sec;
	if (wall >> 63)
		sec = (__s64)((wall << 1) >> 31) - 2682288000LL; /* 1885 epoch -> Unix */
	else
		sec = ext - 62135596800LL; /* year 1 -> Unix */
	return sec * 1000000000LL + (__s64)(wall & 0x3FFFFFFF);
}

/*
 * At each RET of context.WithDeadline / WithDeadlineCause:
 * results (ctx Context, cancel CancelFunc) = RAX:RBX (itab, data), RCX (closure).
 */
SEC("uprobe")
int with_deadline_ret(struct pt_regs *ctx)
{
	if (!is_target())
		return 0;
	__u64 itab = ctx->rax;
	__u64 tctx = ctx->rbx;
	if (!tctx)
		return 0;
	if (timerctx_itab || timerctx_deadline_pc) {
		if (itab != timerctx_itab &&
		    (!timerctx_deadline_pc || read_u64(itab + ITAB_FUN0) != timerctx_deadline_pc))
			return 0; /* a plain cancelCtx: the parent's earlier deadline applies */
	}
	__u64 wall = read_u64(tctx + off_timerctx_deadline + off_time_wall);
	__s64 ext = (__s64)read_u64(tctx + off_timerctx_deadline + off_time_ext);
	struct goroscope_ctx_deadline_set *e = reserve(sizeof(*e));
	if (!e)
		return 0;
	fill_header(&e->hdr, GOROSCOPE_EV_CTX_DEADLINE_SET);
	e->ctx = tctx;
	/* The parent Context interface's data word (itab, then data). */
	e->parent_ctx = read_u64(tctx + off_timerctx_cancelctx + off_cancelctx_context + 8);
	e->deadline_unix_ns = time_to_unix_ns(wall, ext);
	e->goid = read_u64(ctx->r14 + off_g_goid);
	submit(e);
	return 0;
}

/*
 * (*cancelCtx).cancel entry (after prologue): RAX = ctx, BL = removeFromParent,
 * RCX:RDI = err (itab, data). A ctx whose err is already set was cancelled before: skip.
 */
SEC("uprobe")
int cancel_entry(struct pt_regs *ctx)
{
	if (!is_target())
		return 0;
	__u64 cctx = ctx->rax;
	if (off_cancelctx_err && read_u64(cctx + off_cancelctx_err))
		return 0;
	__u64 itab = ctx->rcx;
	__u32 reason = GOROSCOPE_CANCEL_UNKNOWN;
	if (itab && deadline_err_itab && itab == deadline_err_itab) {
		reason = GOROSCOPE_CANCEL_DEADLINE_EXCEEDED;
	} else if (itab && canceled_err_itab && itab == canceled_err_itab) {
		reason = GOROSCOPE_CANCEL_CANCELED;
	} else if (itab && (deadline_err_pc || canceled_err_pc)) {
		__u64 fun0 = read_u64(itab + ITAB_FUN0);
		if (deadline_err_pc && fun0 == deadline_err_pc)
			reason = GOROSCOPE_CANCEL_DEADLINE_EXCEEDED;
		else if (canceled_err_pc && fun0 == canceled_err_pc)
			reason = GOROSCOPE_CANCEL_CANCELED;
	}
	struct goroscope_ctx_cancelled *e = reserve(sizeof(*e));
	if (!e)
		return 0;
	fill_header(&e->hdr, GOROSCOPE_EV_CTX_CANCELLED);
	e->ctx = cctx;
	e->goid = read_u64(ctx->r14 + off_g_goid);
	e->reason = reason;
	e->_pad = 0;
	submit(e);
	return 0;
}

/* deep: runtime.gopark entry (after prologue): R14 = parking g, CL = wait reason. */
SEC("uprobe")
int gopark_entry(struct pt_regs *ctx)
{
	if (!is_target())
		return 0;
	struct goroscope_goroutine_parked *e = reserve(sizeof(*e));
	if (!e)
		return 0;
	fill_header(&e->hdr, GOROSCOPE_EV_GOROUTINE_PARKED);
	e->goid = read_u64(ctx->r14 + off_g_goid);
	e->wait_reason = ctx->rcx & 0xff;
	e->_pad = 0;
	submit(e);
	return 0;
}

/* deep: runtime.ready entry (after prologue): RAX = woken g, R14 = g0, waker = g0.m.curg. */
SEC("uprobe")
int ready_entry(struct pt_regs *ctx)
{
	if (!is_target())
		return 0;
	struct goroscope_goroutine_readied *e = reserve(sizeof(*e));
	if (!e)
		return 0;
	fill_header(&e->hdr, GOROSCOPE_EV_GOROUTINE_READIED);
	e->goid = read_u64(ctx->rax + off_g_goid);
	e->waker_goid = user_goid(ctx->r14);
	submit(e);
	return 0;
}

/*
 * deep: runtime.chansend1 / chanrecv1 / chanrecv2 entry (after prologue): RAX = *hchan,
 * R14 = the goroutine. One mark per operation, with the buffer's fill as it starts.
 */
static __always_inline int channel_mark(struct pt_regs *ctx, __u32 type)
{
	if (!is_target())
		return 0;
	__u64 c = ctx->rax;
	struct goroscope_goroutine_mark *e = reserve(sizeof(*e));
	if (!e)
		return 0;
	fill_header(&e->hdr, type);
	e->goid = read_u64(ctx->r14 + off_g_goid);
	e->a = c;
	e->b = 0;
	if (c) {
		__u64 qcount = read_u64(c + off_hchan_qcount) & 0xffffffff;
		__u64 dataqsiz = read_u64(c + off_hchan_dataqsiz) & 0xffffffff;
		e->b = dataqsiz << 32 | qcount;
	}
	submit(e);
	return 0;
}

SEC("uprobe")
int chansend_entry(struct pt_regs *ctx)
{
	return channel_mark(ctx, GOROSCOPE_EV_CHAN_SEND);
}

SEC("uprobe")
int chanrecv_entry(struct pt_regs *ctx)
{
	return channel_mark(ctx, GOROSCOPE_EV_CHAN_RECEIVE);
}

/*
 * ---- application spans: the OpenTelemetry Go SDK (go.opentelemetry.io/otel/sdk/trace) ----
 * Attached only when the target links the SDK. Offsets come from the binary's DWARF or the
 * table generated per SDK version range; the IsRecording PCs from .gopclntab.
 */

/* recordingSpan.spanContext / recordingSpan.parent / nonRecordingSpan.sc (trace.SpanContext). */
volatile const __u32 off_recording_span_context = 0;
volatile const __u32 off_recording_span_parent = 0;
volatile const __u32 off_nonrecording_span_context = 0;
/* trace.SpanContext.traceID ([16]byte), .spanID ([8]byte), .traceFlags (byte). */
volatile const __u32 off_span_context_trace_id = 0;
volatile const __u32 off_span_context_span_id = 0;
volatile const __u32 off_span_context_trace_flags = 0;
/*
 * Entry PCs of (*recordingSpan).IsRecording and of the (*nonRecordingSpan).IsRecording wrapper:
 * (*tracer).Start returns its span as a trace.Span interface, and the itab's method table holds
 * one of the two (Start itself calls IsRecording through the interface, so the linker always
 * keeps that slot). Found in stripped binaries too, unlike itab symbols.
 */
volatile const __u64 recording_span_is_recording_pc = 0;
volatile const __u64 nonrecording_span_is_recording_pc = 0;

/* trace.Span has ~11 methods; IsRecording sorts 3rd or 4th. The table is scanned in order, so a
 * neighbouring itab's slots are never reached before the span's own IsRecording. */
#define APP_SPAN_ITAB_SLOTS 8

static __always_inline void read_span_context(struct goroscope_app_span *e, __u64 sc)
{
	e->trace_id_high = read_u64(sc + off_span_context_trace_id);
	e->trace_id_low = read_u64(sc + off_span_context_trace_id + 8);
	e->span_id = read_u64(sc + off_span_context_span_id);
	__u8 flags = 0;
	bpf_probe_read_user(&flags, sizeof(flags), (const void *)(sc + off_span_context_trace_flags));
	e->flags = flags & GOROSCOPE_APP_SPAN_SAMPLED;
}

/*
 * At each RET of sdk/trace.(*tracer).Start: results (context.Context, trace.Span) = RAX:RBX,
 * RCX:RDI (itab, data); R14 = the calling goroutine. The span is a *recordingSpan or a
 * *nonRecordingSpan (unsampled, dropped by the sampler): told apart by the itab's IsRecording.
 */
SEC("uprobe")
int otel_span_start_ret(struct pt_regs *ctx)
{
	if (!is_target())
		return 0;
	__u64 itab = ctx->rcx;
	__u64 span = ctx->rdi;
	if (!itab || !span)
		return 0;
	__u64 fun[APP_SPAN_ITAB_SLOTS] = {};
	bpf_probe_read_user(fun, sizeof(fun), (const void *)(itab + ITAB_FUN0));
	int recording = -1;
#pragma unroll
	for (int i = 0; i < APP_SPAN_ITAB_SLOTS; i++) {
		if (recording < 0 && recording_span_is_recording_pc &&
		    fun[i] == recording_span_is_recording_pc)
			recording = 1;
		else if (recording < 0 && nonrecording_span_is_recording_pc &&
			 fun[i] == nonrecording_span_is_recording_pc)
			recording = 0;
	}
	if (recording < 0)
		return 0; /* not an SDK span: nothing the probe can read safely */
	struct goroscope_app_span *e = reserve(sizeof(*e));
	if (!e)
		return 0;
	fill_header(&e->hdr, GOROSCOPE_EV_APP_SPAN_START);
	e->goid = read_u64(ctx->r14 + off_g_goid);
	e->parent_span_id = 0;
	e->_pad = 0;
	if (recording) {
		read_span_context(e, span + off_recording_span_context);
		e->flags |= GOROSCOPE_APP_SPAN_RECORDING;
		e->parent_span_id = read_u64(span + off_recording_span_parent + off_span_context_span_id);
	} else {
		read_span_context(e, span + off_nonrecording_span_context);
	}
	submit(e);
	return 0;
}

static __always_inline int app_span_end(struct pt_regs *ctx, __u32 context_offset, __u32 recording)
{
	if (!is_target())
		return 0;
	__u64 span = ctx->rax;
	if (!span)
		return 0;
	struct goroscope_app_span *e = reserve(sizeof(*e));
	if (!e)
		return 0;
	fill_header(&e->hdr, GOROSCOPE_EV_APP_SPAN_END);
	e->goid = read_u64(ctx->r14 + off_g_goid);
	e->parent_span_id = 0;
	e->_pad = 0;
	read_span_context(e, span + context_offset);
	e->flags |= recording;
	submit(e);
	return 0;
}

/* (*recordingSpan).End entry (after the prologue): RAX = the span, R14 = the ending goroutine. */
SEC("uprobe")
int otel_span_end_entry(struct pt_regs *ctx)
{
	return app_span_end(ctx, off_recording_span_context, GOROSCOPE_APP_SPAN_RECORDING);
}

/* The (*nonRecordingSpan).End wrapper's entry (no prologue): RAX = the span. */
SEC("uprobe")
int otel_nonrecording_span_end_entry(struct pt_regs *ctx)
{
	return app_span_end(ctx, off_nonrecording_span_context, 0);
}
