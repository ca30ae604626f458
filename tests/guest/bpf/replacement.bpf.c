// SPDX-License-Identifier: GPL-2.0
/*
 * An fentry program on klp_bpf_p1_cmdline(), the replacement function in
 * the livepatch klp_bpf_p1: a BPF trampoline on a livepatch module's code.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "klp_bpf_counts.h"

char LICENSE[] SEC("license") = "GPL";

SEC("fentry/klp_bpf_p1_cmdline")
int BPF_PROG(klp_bpf_repl, struct seq_file *m, void *v)
{
	count(KLP_BPF_REPL);
	return 0;
}
