// SPDX-License-Identifier: GPL-2.0
/*
 * fentry and fexit programs on cmdline_proc_show(), the function the
 * livepatches of test-bpf.sh replace: each counts its calls.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "klp_bpf_counts.h"

char LICENSE[] SEC("license") = "GPL";

SEC("fentry/cmdline_proc_show")
int BPF_PROG(klp_bpf_entry, struct seq_file *m, void *v)
{
	count(KLP_BPF_ENTRY);
	return 0;
}

SEC("fexit/cmdline_proc_show")
int BPF_PROG(klp_bpf_exit, struct seq_file *m, void *v, int ret)
{
	count(KLP_BPF_EXIT);
	if (ret)
		count(KLP_BPF_EXIT_ERR);
	return 0;
}
