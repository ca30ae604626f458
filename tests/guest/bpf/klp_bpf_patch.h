/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The livepatches of test-bpf.sh (klp_bpf_p1.c, klp_bpf_p2.c,
 * klp_bpf_replace.c): each replaces cmdline_proc_show() with
 * KLP_BPF_REPLACEMENT(), which shows the module's name.  Each replacement
 * has a name of its own, so that a BPF program can attach to it.
 */
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

/* Not static: BTF describes it, and fentry/KLP_BPF_REPLACEMENT finds it. */
int KLP_BPF_REPLACEMENT(struct seq_file *m, void *v);
noinline int KLP_BPF_REPLACEMENT(struct seq_file *m, void *v)
{
	seq_printf(m, "%s\n", THIS_MODULE->name);
	return 0;
}

static struct klp_func funcs[] = {
	{
		.old_name = "cmdline_proc_show",
		.new_func = KLP_BPF_REPLACEMENT,
	}, {}
};

static struct klp_object objs[] = {
	{
		/* vmlinux */
		.funcs = funcs,
	}, {}
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = KLP_BPF_REPLACE,
};

static int klp_bpf_init(void)
{
	return klp_enable_patch(&patch);
}

static void klp_bpf_exit(void)
{
}

module_init(klp_bpf_init);
module_exit(klp_bpf_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Livepatch of cmdline_proc_show() for the BPF trampoline test");
MODULE_INFO(livepatch, "Y");
