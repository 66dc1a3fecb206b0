// SPDX-License-Identifier: (BSD-2-Clause OR GPL-2.0)
/*
 * goroscope kernel side: uprobe programs on a Go (linux/amd64, register ABI) target.
 *
 * Every uprobe hit costs a trap, 7-13 us per hit on this class of machine in the recorded runs
 * (docs/benchmarks.md, "Kernel probes"), so each program does the least it can: a tgid
 * check, a handful of 8-byte user reads, one ring buffer reservation.
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
volatile const __u32 off_timerctx_cancelctx = 0; /* its cancelCtx (a pointer on Go 1.20) */
volatile const __u32 off_cancelctx_context = 0;  /* cancelCtx.Context: the parent interface */
volatile const __u32 off_cancelctx_err = 0;      /* 0 = do not skip repeated cancels */
volatile const __u32 off_time_wall = 0;
volatile const __u32 off_time_ext = 0;

/* runtime.hchan (deep: channel operations). */
volatile const __u32 off_hchan_qcount = 0;
volatile const __u32 off_hchan_dataqsiz = 0;

/*
 * A context is known by its cancelCtx: that is what (*cancelCtx).cancel receives. A timerCtx
 * embeds it at off_timerctx_cancelctx, except on Go 1.20, whose timerCtx holds a *cancelCtx
 * there: then timerctx_cancelctx_ptr is 1 and the pointer is followed.
 */
volatile const __u32 timerctx_cancelctx_ptr = 0;

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

/*
 * Runtime events. runtime.p layout and the address of runtime.allp (its slice header): with all
 * three set, a stop-the-world lists the goroutines running on the other Ps as it begins.
 */
volatile const __u32 off_p_status = 0;
volatile const __u32 off_p_m = 0;
volatile const __u64 allp_addr = 0;
/* 1: the stop's reason is its first argument (stwReason, Go 1.21+); 0: read m.preemptoff. */
volatile const __u32 stw_reason_arg = 0;
volatile const __u32 off_m_preemptoff = 0;
/* runtime.g.lockedm (0 = unknown: syscalls do not say whether the goroutine is locked). */
volatile const __u32 off_g_lockedm = 0;
/* sync.RWMutex semaphores: the lock is the semaphore's address minus its offset. */
volatile const __u32 off_rwmutex_readersem = 0;
volatile const __u32 off_rwmutex_writersem = 0;
/* System calls shorter than this are not reported (they still count while in flight). */
volatile const __u64 syscall_min_ns = 0;

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

/*
 * Records submitted on this CPU since it last looked at how much data waits (see submit()).
 * Per CPU: a counter shared by all CPUs would bounce its cache line on every record.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} since_wakeup_check SEC(".maps");

/* A stop-the-world in progress, per thread that stopped it (the record, header unused). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct goroscope_stw);
} stw_pending SEC(".maps");

/* Scratch space for building a stw_pending value (too big for the BPF stack). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct goroscope_stw);
} stw_scratch SEC(".maps");

/* A lock wait in progress, per goroutine: since when, which lock, what kind. */
struct lock_wait {
	__u64 start_ns;
	__u64 lock;
	__u64 kind;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct lock_wait);
} lock_waits SEC(".maps");

/* The last goroutine that released a contended lock, and when. */
struct lock_release {
	__u64 goid;
	__u64 ts_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct lock_release);
} lock_releases SEC(".maps");

/*
 * System calls in flight, per thread (an M stays with its goroutine through the call). User
 * space reads this map to count the threads blocked in system calls.
 */
struct syscall_in_flight {
	__u64 start_ns;
	__u64 goid;
	__u64 flags; /* bit 0: the goroutine is locked to its thread */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct syscall_in_flight);
} syscalls SEC(".maps");

/* When a g became runnable and its status before, per g (deep scheduling latency). */
struct runnable_since {
	__u64 ts_ns;
	__u64 from_status;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct runnable_since);
} runnable SEC(".maps");

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

static __always_inline __u32 read_u32(__u64 addr)
{
	__u32 v = 0;
	bpf_probe_read_user(&v, sizeof(v), (const void *)addr);
	return v;
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

/* Whether this CPU looks at the waiting data at this record: every wakeup_bytes / 1 KiB. */
static __always_inline int wakeup_look_due(void)
{
	__u32 every = wakeup_bytes >= (64 << 10) ? 64 : (__u32)(wakeup_bytes >> 10);
	__u32 zero = 0;
	__u32 *n;

	if (every <= 1)
		return 1;
	n = bpf_map_lookup_elem(&since_wakeup_check, &zero);
	if (!n || ++*n < every)
		return 0;
	*n = 0;
	return 1;
}

/*
 * Submit without a wakeup unless enough data waits: wakeups cost more than the records.
 *
 * Each CPU looks at the waiting data only every wakeup_bytes / 1 KiB of its records (at most
 * 64, at least 1): looking on every record took ~270 of a ~600 ns program on the HTTP
 * benchmark (bpf_stats), the consumer position's cache line coming from the reader's CPU and,
 * while the reader lagged, every record raising a wakeup of its own. A wakeup now comes within
 * about 1/16 of the threshold per CPU after it is crossed (most records take 32-64 bytes), at
 * most one per look; the reader's poll timeout bounds the delay when little is written.
 */
static __always_inline void submit(void *e)
{
	__u64 flags = BPF_RB_NO_WAKEUP;
	if (wakeup_bytes == 0 ||
	    (wakeup_look_due() && bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes))
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

/* Whether an itab is (*timerCtx, Context)'s: by address, or by fun[0] = (*timerCtx).Deadline. */
static __always_inline int is_timerctx_itab(__u64 itab)
{
	if (timerctx_itab && itab == timerctx_itab)
		return 1;
	return timerctx_deadline_pc && read_u64(itab + ITAB_FUN0) == timerctx_deadline_pc;
}

/* The identity (cancelCtx address) of the *timerCtx tctx. */
static __always_inline __u64 timerctx_identity(__u64 tctx)
{
	__u64 c = tctx + off_timerctx_cancelctx;
	return timerctx_cancelctx_ptr ? read_u64(c) : c;
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
 * The event names the context by its identity (its cancelCtx) and its parent likewise.
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
	if ((timerctx_itab || timerctx_deadline_pc) && !is_timerctx_itab(itab))
		return 0; /* a plain cancelCtx: the parent's earlier deadline applies */
	__u64 wall = read_u64(tctx + off_timerctx_deadline + off_time_wall);
	__s64 ext = (__s64)read_u64(tctx + off_timerctx_deadline + off_time_ext);
	__u64 cctx = timerctx_identity(tctx);
	if (!cctx)
		return 0;
	/* The parent: the data word of cancelCtx.Context (itab, then data), or, for a timerCtx
	 * parent on Go 1.20, its cancelCtx (its identity), one more read away. */
	__u64 parent = read_u64(cctx + off_cancelctx_context + 8);
	if (timerctx_cancelctx_ptr && parent &&
	    is_timerctx_itab(read_u64(cctx + off_cancelctx_context)))
		parent = timerctx_identity(parent);
	struct goroscope_ctx_deadline_set *e = reserve(sizeof(*e));
	if (!e)
		return 0;
	fill_header(&e->hdr, GOROSCOPE_EV_CTX_DEADLINE_SET);
	e->ctx = cctx;
	e->parent_ctx = parent;
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
 * The innermost return addresses of the current goroutine, from a point where RSP holds the
 * return address into the caller and RBP the caller's frame pointer (right after a call, before
 * the callee's prologue pushes RBP; or at a RET, after the epilogue popped it). Go on amd64
 * keeps frame pointers, so [fp] is the next frame pointer and [fp+8] that frame's return
 * address. Returns how many were written.
 */
static __always_inline __u32 walk_stack(struct pt_regs *ctx, __u64 *pcs)
{
	__u64 fp = ctx->rbp;
	pcs[0] = read_u64(ctx->rsp);
	if (!pcs[0])
		return 0;
	__u32 n = 1;
	for (int i = 1; i < GOROSCOPE_MARK_STACK_DEPTH; i++) {
		if (!fp)
			break;
		__u64 ret = read_u64(fp + 8);
		if (!ret)
			break;
		pcs[i] = ret;
		n = i + 1;
		fp = read_u64(fp);
	}
	return n;
}

/* Ps looked at, at most (GOMAXPROCS beyond this: the goroutines on the others are not listed). */
#define GOROSCOPE_MAX_PROCS 1024

/* State of a walk over runtime.allp (bpf_loop verifies the step once, not per P). */
struct allp_walk {
	__u64 allp;
	__u64 n;
	__u64 curg;
	struct goroscope_stw *s;
	__u32 running;
};

/* One P: if it runs a goroutine other than the stopper's, list it. 1 stops the loop. */
static long allp_step(__u64 i, struct allp_walk *w)
{
	if (i >= w->n)
		return 1;
	__u64 p = read_u64(w->allp + i * 8);
	if (!p || read_u32(p + off_p_status) != 1) /* _Prunning */
		return 0;
	__u64 pm = read_u64(p + off_p_m);
	__u64 g = pm ? read_u64(pm + off_m_curg) : 0;
	if (!g || g == w->curg)
		return 0;
	__u64 goid = read_u64(g + off_g_goid);
	if (!goid)
		return 0;
	__u32 idx = w->running;
	if (idx < GOROSCOPE_STW_MAX_RUNNING)
		w->s->running_goids[idx] = goid;
	w->running = idx + 1;
	return 0;
}

/*
 * ---- stop-the-world (default) ----
 * runtime.stopTheWorldWithSema entry (system stack: R14 = g0; the stopper is g0.m.curg). The
 * reason is the first argument from Go 1.21 (AL), before that the string m.preemptoff. With
 * allp known, the goroutines running on the other Ps are listed: they are the ones the pause
 * stops. Nothing is written yet: startTheWorldWithSema's RET completes the record.
 */
SEC("uprobe")
int stw_stop_entry(struct pt_regs *ctx)
{
	if (!is_target())
		return 0;
	__u32 zero = 0;
	struct goroscope_stw *s = bpf_map_lookup_elem(&stw_scratch, &zero);
	if (!s)
		return 0;
	__builtin_memset(s, 0, sizeof(*s));
	s->start_ns = bpf_ktime_get_ns();
	__u64 m = read_u64(ctx->r14 + off_g_m);
	__u64 curg = m ? read_u64(m + off_m_curg) : 0;
	s->goid = curg ? read_u64(curg + off_g_goid) : 0;
	if (stw_reason_arg) {
		s->reason = ctx->rax & 0xff;
	} else {
		s->reason = GOROSCOPE_STW_REASON_TEXT;
		if (m && off_m_preemptoff) {
			__u64 str = read_u64(m + off_m_preemptoff);
			s->reason_len = (__u32)read_u64(m + off_m_preemptoff + 8);
			if (str)
				bpf_probe_read_user(s->reason_text, sizeof(s->reason_text),
						    (const void *)str);
		}
	}
	if (allp_addr && off_p_m) {
		struct allp_walk w = {.allp = read_u64(allp_addr), .n = read_u64(allp_addr + 8),
				      .curg = curg, .s = s};
		s->gomaxprocs = (__u32)w.n;
		if (w.allp)
			bpf_loop(GOROSCOPE_MAX_PROCS, allp_step, &w, 0);
		s->running = w.running;
	}
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	bpf_map_update_elem(&stw_pending, &tid, s, BPF_ANY);
	return 0;
}

/* At each RET of runtime.startTheWorldWithSema: RAX = the runtime's restart time. */
SEC("uprobe")
int stw_start_ret(struct pt_regs *ctx)
{
	if (!is_target())
		return 0;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct goroscope_stw *s = bpf_map_lookup_elem(&stw_pending, &tid);
	if (!s)
		return 0;
	struct goroscope_stw *e = reserve(sizeof(*e));
	if (e) {
		__builtin_memcpy(e, s, sizeof(*e));
		fill_header(&e->hdr, GOROSCOPE_EV_STW);
		e->end_ns = ctx->rax;
		submit(e);
	}
	bpf_map_delete_elem(&stw_pending, &tid);
	return 0;
}

/*
 * ---- lock contention (--probe mutex) ----
 * A wait starts at the entry of a slow path (R14 = the goroutine) and ends at its RETs.
 */
static __always_inline int lock_wait_start(struct pt_regs *ctx, __u64 lock, __u64 kind)
{
	if (!is_target())
		return 0;
	__u64 goid = read_u64(ctx->r14 + off_g_goid);
	struct lock_wait w = {.start_ns = bpf_ktime_get_ns(), .lock = lock, .kind = kind};
	bpf_map_update_elem(&lock_waits, &goid, &w, BPF_ANY);
	return 0;
}

/* sync.(*Mutex).lockSlow (internal/sync from Go 1.24) entry: RAX = the *Mutex. */
SEC("uprobe")
int mutex_lock_entry(struct pt_regs *ctx)
{
	return lock_wait_start(ctx, ctx->rax, GOROSCOPE_LOCK_MUTEX);
}

/* sync.runtime_SemacquireRWMutexR entry: RAX = &rw.readerSem. */
SEC("uprobe")
int rwmutex_rlock_entry(struct pt_regs *ctx)
{
	return lock_wait_start(ctx, ctx->rax - off_rwmutex_readersem, GOROSCOPE_LOCK_RWMUTEX_READ);
}

/* sync.runtime_SemacquireRWMutex entry: RAX = &rw.writerSem. */
SEC("uprobe")
int rwmutex_lock_entry(struct pt_regs *ctx)
{
	return lock_wait_start(ctx, ctx->rax - off_rwmutex_writersem, GOROSCOPE_LOCK_RWMUTEX_WRITE);
}

/* At each RET of those: the wait is over; one record with the caller's stack. */
SEC("uprobe")
int lock_wait_ret(struct pt_regs *ctx)
{
	if (!is_target())
		return 0;
	__u64 goid = read_u64(ctx->r14 + off_g_goid);
	struct lock_wait *w = bpf_map_lookup_elem(&lock_waits, &goid);
	if (!w)
		return 0;
	__u64 now = bpf_ktime_get_ns();
	struct goroscope_goroutine_mark_stack *e = reserve(sizeof(*e));
	if (e) {
		fill_header(&e->hdr, GOROSCOPE_EV_MUTEX_WAIT);
		e->goid = goid;
		e->a = w->lock;
		e->b = now - w->start_ns;
		e->c = 0;
		e->d = w->kind;
		struct lock_release *r = bpf_map_lookup_elem(&lock_releases, &w->lock);
		if (r && r->ts_ns >= w->start_ns && r->goid != goid)
			e->c = r->goid;
		__builtin_memset(e->pcs, 0, sizeof(e->pcs));
		e->depth = walk_stack(ctx, e->pcs);
		e->_pad = 0;
		submit(e);
	}
	bpf_map_delete_elem(&lock_waits, &goid);
	return 0;
}

/*
 * Mutex.unlockSlow, RWMutex.rUnlockSlow and RWMutex.Unlock entries: RAX = the lock. The last
 * releaser of a lock a goroutine waits on is the one that let it go.
 */
SEC("uprobe")
int lock_release_entry(struct pt_regs *ctx)
{
	if (!is_target())
		return 0;
	__u64 lock = ctx->rax;
	struct lock_release r = {.goid = read_u64(ctx->r14 + off_g_goid),
				 .ts_ns = bpf_ktime_get_ns()};
	bpf_map_update_elem(&lock_releases, &lock, &r, BPF_ANY);
	return 0;
}

/*
 * ---- system calls (--probe syscall) ----
 * runtime.reentersyscall / entersyscallblock entry (R14 = the goroutine) and exitsyscall entry
 * (on the same thread: the M stays with its goroutine through the call).
 */
SEC("uprobe")
int syscall_enter_entry(struct pt_regs *ctx)
{
	if (!is_target())
		return 0;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 g = ctx->r14;
	struct syscall_in_flight f = {.start_ns = bpf_ktime_get_ns(),
				      .goid = read_u64(g + off_g_goid)};
	if (off_g_lockedm && read_u64(g + off_g_lockedm))
		f.flags = 1;
	bpf_map_update_elem(&syscalls, &tid, &f, BPF_ANY);
	return 0;
}

SEC("uprobe")
int syscall_exit_entry(struct pt_regs *ctx)
{
	if (!is_target())
		return 0;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct syscall_in_flight *f = bpf_map_lookup_elem(&syscalls, &tid);
	if (!f)
		return 0;
	__u64 took = bpf_ktime_get_ns() - f->start_ns;
	if (took >= syscall_min_ns) {
		struct goroscope_goroutine_mark_stack *e = reserve(sizeof(*e));
		if (e) {
			fill_header(&e->hdr, GOROSCOPE_EV_SYSCALL);
			e->goid = f->goid;
			e->a = took;
			e->b = f->flags;
			e->c = 0;
			e->d = 0;
			__builtin_memset(e->pcs, 0, sizeof(e->pcs));
			e->depth = walk_stack(ctx, e->pcs);
			e->_pad = 0;
			submit(e);
		}
	}
	bpf_map_delete_elem(&syscalls, &tid);
	return 0;
}

/* runtime.LockOSThread entry (--probe syscall): [RSP] = where it was called from. */
SEC("uprobe")
int lock_os_thread_entry(struct pt_regs *ctx)
{
	if (!is_target())
		return 0;
	struct goroscope_goroutine_mark *e = reserve(sizeof(*e));
	if (!e)
		return 0;
	fill_header(&e->hdr, GOROSCOPE_EV_LOCK_OS_THREAD);
	e->goid = read_u64(ctx->r14 + off_g_goid);
	e->a = read_u64(ctx->rsp);
	e->b = 0;
	submit(e);
	return 0;
}

/*
 * ---- scheduling latency (--probe sched, deep) ----
 * runtime.casgstatus(gp, oldval, newval) entry: RAX = gp, EBX = old, ECX = new. Every
 * transition to runnable (1) is remembered per g; runnable to running (2) writes the delay.
 * Keyed by the g, not the goid: before Go 1.24 a new g gets its goid after it became runnable.
 */
SEC("uprobe")
int casgstatus_entry(struct pt_regs *ctx)
{
	if (!is_target())
		return 0;
	__u64 gp = ctx->rax;
	__u32 oldval = (__u32)ctx->rbx;
	__u32 newval = (__u32)ctx->rcx;
	if (newval == 1) {
		struct runnable_since r = {.ts_ns = bpf_ktime_get_ns(), .from_status = oldval};
		bpf_map_update_elem(&runnable, &gp, &r, BPF_ANY);
		return 0;
	}
	if (oldval != 1 || newval != 2)
		return 0;
	struct runnable_since *r = bpf_map_lookup_elem(&runnable, &gp);
	if (!r)
		return 0;
	__u64 delay = bpf_ktime_get_ns() - r->ts_ns;
	__u64 from = r->from_status;
	bpf_map_delete_elem(&runnable, &gp);
	struct goroscope_goroutine_mark *e = reserve(sizeof(*e));
	if (!e)
		return 0;
	fill_header(&e->hdr, GOROSCOPE_EV_SCHED_DELAY);
	e->goid = read_u64(gp + off_g_goid);
	e->a = delay;
	e->b = from;
	submit(e);
	return 0;
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
