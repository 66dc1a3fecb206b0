// SPDX-License-Identifier: (BSD-2-Clause OR GPL-2.0)
/*
 * The trap floor of the overhead benchmark (scripts/bench.sh overhead): a uprobe program that
 * does nothing. Attached at exactly the sites goroscope attaches by default, what the target
 * then loses is the cost of the uprobe traps alone, with no BPF work and no sidecar.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("uprobe")
int empty(void *ctx)
{
	return 0;
}
