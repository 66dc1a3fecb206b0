// SPDX-License-Identifier: (BSD-2-Clause OR GPL-2.0)
/*
 * Trap-cost calibration: a uprobe program that only counts its hits. goroscope attaches it, for
 * its own process only, to a libc function it then calls a known number of times; the extra
 * CPU time per call is what one uprobe hit costs on this host (the trap, the kernel's uprobe
 * handling, a minimal BPF program), and the count proves every call trapped.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

SEC("uprobe")
int trapcost_hit(void *ctx)
{
	__u32 key = 0;
	__u64 *n = bpf_map_lookup_elem(&hits, &key);

	if (n)
		*n += 1;
	return 0;
}
