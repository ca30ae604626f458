// SPDX-License-Identifier: GPL-2.0
/*
 * A livepatch of jiffies_to_msecs(), a function of vmlinux, for the
 * call-cost benchmark: with KASLR the replacement, in this module, is out of
 * reach of a B from the function's call site. The replacement computes what
 * the original does.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/livepatch.h>
#include <linux/math.h>
#include <linux/module.h>
#include <linux/time64.h>

static noinline unsigned int livepatch_jiffies_to_msecs(const unsigned long j)
{
#if HZ <= MSEC_PER_SEC && !(MSEC_PER_SEC % HZ)
	return (MSEC_PER_SEC / HZ) * j;
#elif HZ > MSEC_PER_SEC && !(HZ % MSEC_PER_SEC)
	return (j + (HZ / MSEC_PER_SEC) - 1) / (HZ / MSEC_PER_SEC);
#else
	return DIV_ROUND_UP_ULL((u64)j * MSEC_PER_SEC, HZ);
#endif
}

static struct klp_func funcs[] = {
	{
		.old_name = "jiffies_to_msecs",
		.new_func = livepatch_jiffies_to_msecs,
	}, {}
};

static struct klp_object objs[] = {
	{
		/* name being NULL means vmlinux */
		.funcs = funcs,
	}, {}
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int klp_bench_vmlinux_patch_init(void)
{
	return klp_enable_patch(&patch);
}

static void klp_bench_vmlinux_patch_exit(void)
{
}

module_init(klp_bench_vmlinux_patch_init);
module_exit(klp_bench_vmlinux_patch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("Livepatch of jiffies_to_msecs(), for the call-cost benchmark");
