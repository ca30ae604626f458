// SPDX-License-Identifier: GPL-2.0
/* A livepatch of klp_bench_target(), for the call-cost benchmark. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>

static noinline int livepatch_klp_bench_target(int x)
{
	asm volatile("" ::: "memory");
	return x + 1;
}

static struct klp_func funcs[] = {
	{
		.old_name = "klp_bench_target",
		.new_func = livepatch_klp_bench_target,
	}, {}
};

static struct klp_object objs[] = {
	{
		.name = "klp_bench",
		.funcs = funcs,
	}, {}
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int klp_bench_patch_init(void)
{
	return klp_enable_patch(&patch);
}

static void klp_bench_patch_exit(void)
{
}

module_init(klp_bench_patch_init);
module_exit(klp_bench_patch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("Livepatch of the benchmark target, for " KBUILD_MODNAME);
