/* SPDX-License-Identifier: (BSD-2-Clause OR GPL-2.0) */
/*
 * Every record goroscope.bpf.c writes into the "events" ring buffer.
 *
 * This header is the contract with the Java decoder (dev.goroscope.event.EventDecoder);
 * EventLayoutTest compiles it with the host gcc and checks every offsetof/sizeof against the
 * decoder's constants. All fields are little-endian, naturally aligned, no implicit padding.
 * Change a layout only together with the decoder.
 */
#ifndef GOROSCOPE_EVENTS_H
#define GOROSCOPE_EVENTS_H

#include <linux/types.h>

enum goroscope_event_type {
	GOROSCOPE_EV_GOROUTINE_CREATED = 1,
	GOROSCOPE_EV_GOROUTINE_EXITED = 2,
	GOROSCOPE_EV_CTX_DEADLINE_SET = 3,
	GOROSCOPE_EV_CTX_CANCELLED = 4,
	GOROSCOPE_EV_GOROUTINE_PARKED = 5,
	GOROSCOPE_EV_GOROUTINE_READIED = 6,
	/* struct goroscope_goroutine_mark kinds (Java: dev.goroscope.event.MarkKind) */
	GOROSCOPE_EV_CHAN_SEND = 7,
	GOROSCOPE_EV_CHAN_RECEIVE = 8,
	/*
	 * struct goroscope_app_span: the application's own OpenTelemetry spans (Go SDK), numbered
	 * apart from the runtime's kinds.
	 */
	GOROSCOPE_EV_APP_SPAN_START = 40,
	GOROSCOPE_EV_APP_SPAN_END = 41,
};

/* Bits of goroscope_app_span.flags. */
enum goroscope_app_span_flag {
	GOROSCOPE_APP_SPAN_SAMPLED = 1,   /* the span context's sampled trace flag */
	GOROSCOPE_APP_SPAN_RECORDING = 2, /* an SDK recordingSpan (else a nonRecordingSpan) */
};

/* Why a context was cancelled, from the err argument of (*cancelCtx).cancel. */
enum goroscope_cancel_reason {
	GOROSCOPE_CANCEL_UNKNOWN = 0,
	GOROSCOPE_CANCEL_DEADLINE_EXCEEDED = 1,
	GOROSCOPE_CANCEL_CANCELED = 2,
};

/* Common header of every record (24 bytes). */
struct goroscope_event_header {
	__u64 ts_ns; /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u32 pid;   /* the target tgid as user space knows it (its pid namespace) */
	__u32 tid;
	__u32 cpu;
	__u32 type;  /* enum goroscope_event_type */
};

/* runtime.newproc1 returned a new g (read at its RET instructions). */
struct goroscope_goroutine_created {
	struct goroscope_event_header hdr;
	__u64 goid;
	__u64 parent_goid; /* 0 when created on g0 by the runtime */
	__u64 gopc;        /* return address of the go statement */
	__u64 startpc;     /* entry PC of the goroutine's function (often a wrapper) */
};

/* runtime.goexit1 entry. */
struct goroscope_goroutine_exited {
	struct goroscope_event_header hdr;
	__u64 goid;
};

/* context.WithDeadline(Cause) returned a *timerCtx. */
struct goroscope_ctx_deadline_set {
	struct goroscope_event_header hdr;
	__u64 ctx;              /* the *timerCtx (interface data word of the result) */
	__u64 parent_ctx;       /* parent Context's data word */
	__s64 deadline_unix_ns; /* timerCtx.deadline converted to Unix ns */
	__u64 goid;             /* creating goroutine */
};

/* (*cancelCtx).cancel entry, first cancel of this ctx only (err was still nil). */
struct goroscope_ctx_cancelled {
	struct goroscope_event_header hdr;
	__u64 ctx;
	__u64 goid;   /* cancelling goroutine */
	__u32 reason; /* enum goroscope_cancel_reason */
	__u32 _pad;
};

/* deep: runtime.gopark entry. */
struct goroscope_goroutine_parked {
	struct goroscope_event_header hdr;
	__u64 goid;
	__u32 wait_reason; /* raw runtime.waitReason byte, numbering per Go version */
	__u32 _pad;
};

/* deep: runtime.ready entry. */
struct goroscope_goroutine_readied {
	struct goroscope_event_header hdr;
	__u64 goid;       /* woken goroutine */
	__u64 waker_goid; /* 0 = scheduler, timer or netpoller (no user goroutine on the M) */
};

/*
 * Something a goroutine did at one moment; hdr.type says what (a GOROSCOPE_EV_* mark kind) and
 * what a and b mean. One layout for every kind, so a new kind needs no new decoder.
 * Channel operations: a = the *hchan, b = dataqsiz << 32 | qcount as the operation starts.
 */
struct goroscope_goroutine_mark {
	struct goroscope_event_header hdr;
	__u64 goid;
	__u64 a;
	__u64 b;
};

/*
 * An application span (OpenTelemetry Go SDK) started (hdr.type APP_SPAN_START: at the RETs of
 * sdk/trace.(*tracer).Start) or ended (APP_SPAN_END: entry of (*recordingSpan).End or
 * (*nonRecordingSpan).End). The ids are the bytes of trace.TraceID / SpanID as in memory: the
 * first byte of the id is the lowest byte of the word.
 */
struct goroscope_app_span {
	struct goroscope_event_header hdr;
	__u64 goid;           /* the goroutine that started / ended it */
	__u64 trace_id_high;  /* TraceID bytes 0-7 */
	__u64 trace_id_low;   /* TraceID bytes 8-15 */
	__u64 span_id;        /* SpanID bytes 0-7 */
	__u64 parent_span_id; /* start of a recording span: its parent's SpanID; else 0 */
	__u32 flags;          /* enum goroscope_app_span_flag */
	__u32 _pad;
};

#endif /* GOROSCOPE_EVENTS_H */
