/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The stress livepatches (klp_stress_p1.c, klp_stress_p2.c,
 * klp_stress_replace.c): each replaces klp_stress_target() of
 * klp_stress_mod with x + KLP_STRESS_ADD, klp_stress_hold() with an
 * equivalent, and cmdline_proc_show() of vmlinux with one that shows
 * "klp_stress KLP_STRESS_ADD". The replacements reach the target's static
 * state through livepatch relocations (KLP_SYMBOL()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/kthread.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/wait.h>

KLP_SYMBOL(klp_stress_mod, klp_stress_patched, 0);
extern atomic_long_t klp_stress_patched;
KLP_SYMBOL(klp_stress_mod, klp_stress_wq, 0);
extern wait_queue_head_t klp_stress_wq;
KLP_SYMBOL(klp_stress_mod, klp_stress_block, 0);
extern bool klp_stress_block;
KLP_SYMBOL(klp_stress_mod, klp_stress_held, 0);
extern atomic_t klp_stress_held;

static noinline int livepatch_target(int x)
{
	atomic_long_inc(&klp_stress_patched);
	return x + KLP_STRESS_ADD;
}

static noinline void livepatch_hold(void)
{
	atomic_inc(&klp_stress_held);
	wait_event_idle(klp_stress_wq, !READ_ONCE(klp_stress_block) ||
			kthread_should_stop());
	atomic_dec(&klp_stress_held);
}

static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "klp_stress %d\n", KLP_STRESS_ADD);
	return 0;
}

static struct klp_func vmlinux_funcs[] = {
	{
		.old_name = "cmdline_proc_show",
		.new_func = livepatch_cmdline_proc_show,
	}, {}
};

static struct klp_func mod_funcs[] = {
	{
		.old_name = "klp_stress_target",
		.new_func = livepatch_target,
	}, {
		.old_name = "klp_stress_hold",
		.new_func = livepatch_hold,
	}, {}
};

static struct klp_object objs[] = {
	{
		.funcs = vmlinux_funcs,
	}, {
		.name = "klp_stress_mod",
		.funcs = mod_funcs,
	}, {}
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = KLP_STRESS_REPLACE,
};

static int klp_stress_patch_init(void)
{
	return klp_enable_patch(&patch);
}

static void klp_stress_patch_exit(void)
{
}

module_init(klp_stress_patch_init);
module_exit(klp_stress_patch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("A livepatch for the livepatch stress test");
