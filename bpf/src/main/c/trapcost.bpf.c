// SPDX-License-Identifier: (BSD-2-Clause OR GPL-2.0)
/*
 * Trap-cost calibration. goroscope attaches this program, for its own process only, to a libc
 * function it then calls a known number of times; the extra CPU time per call is what one
 * uprobe hit costs on this host. The program does the work goroscope's own programs do per hit
 * (see goroscope.bpf.c: pid and time, four reads of user memory, a ring buffer record) — the
 * record is discarded, not submitted, so nothing has to read it — and counts its hits, which
 * proves every call trapped.
 */
#include <linux/bpf.h>
#include <asm/ptrace.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096 * 4);
} scratch SEC(".maps");

struct record {
	__u64 ts_ns;
	__u32 pid;
	__u32 tid;
	__u32 cpu;
	__u32 type;
	__u64 words[4];
};

SEC("uprobe")
int trapcost_hit(struct pt_regs *ctx)
{
	__u32 key = 0;
	__u64 *n = bpf_map_lookup_elem(&hits, &key);

	if (n)
		*n += 1;
	struct record *r = bpf_ringbuf_reserve(&scratch, sizeof(*r), 0);
	if (!r)
		return 0;
	__u64 id = bpf_get_current_pid_tgid();
	r->ts_ns = bpf_ktime_get_ns();
	r->pid = id >> 32;
	r->tid = (__u32)id;
	r->cpu = bpf_get_smp_processor_id();
	r->type = 1;
	for (int i = 0; i < 4; i++)
		bpf_probe_read_user(&r->words[i], sizeof(__u64), (const void *)(ctx->rsp + 8 * i));
	bpf_ringbuf_discard(r, BPF_RB_NO_WAKEUP);
	return 0;
}
