/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The counters of the BPF programs of test-bpf.sh: one array map, pinned by
 * name (/sys/fs/bpf/klp_bpf_counts), which every object of the test loads
 * again and shares.  test-bpf.sh reads it with bpftool.
 */
enum klp_bpf_count {
	KLP_BPF_ENTRY,		/* fentry/cmdline_proc_show */
	KLP_BPF_EXIT,		/* fexit/cmdline_proc_show */
	KLP_BPF_EXIT_ERR,	/* ... that saw a return value other than 0 */
	KLP_BPF_REPL,		/* fentry/klp_bpf_p1_cmdline, the replacement */
	KLP_BPF_NR_COUNTS,
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KLP_BPF_NR_COUNTS);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} klp_bpf_counts SEC(".maps");

static __always_inline void count(__u32 which)
{
	__u64 *n = bpf_map_lookup_elem(&klp_bpf_counts, &which);

	if (n)
		__sync_fetch_and_add(n, 1);
}
