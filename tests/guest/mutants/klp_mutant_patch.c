// SPDX-License-Identifier: GPL-2.0
/*
 * The good livepatch the malformed ones are made from
 * (harness/klp_mutants.py), and the one the fault injection test loads:
 * klp_mutant_get() of klp_mutant_mod returns klp_mutant_base +
 * klp_mutant_one() + 1, 42, if the livepatch relocations against
 * klp_mutant_base, klp_mutant_one() and vmlinux's pipe_max_size were
 * applied right.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>

KLP_SYMBOL(klp_mutant_mod, klp_mutant_base, 0);
extern int klp_mutant_base;
KLP_SYMBOL(klp_mutant_mod, klp_mutant_one, 0);
extern int klp_mutant_one(void);
KLP_SYMBOL(vmlinux, pipe_max_size, 0);
extern unsigned int pipe_max_size;

static noinline int livepatch_get(void)
{
	/* pipe_max_size is never below a page */
	return READ_ONCE(klp_mutant_base) + klp_mutant_one() +
	       (READ_ONCE(pipe_max_size) >= 4096);
}

static struct klp_func funcs[] = {
	{
		.old_name = "klp_mutant_get",
		.new_func = livepatch_get,
	}, {}
};

static struct klp_object objs[] = {
	{
		.name = "klp_mutant_mod",
		.funcs = funcs,
	}, {}
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int klp_mutant_patch_init(void)
{
	return klp_enable_patch(&patch);
}

static void klp_mutant_patch_exit(void)
{
}

module_init(klp_mutant_patch_init);
module_exit(klp_mutant_patch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("The good livepatch of the malformed livepatch test");
