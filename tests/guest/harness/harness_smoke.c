// SPDX-License-Identifier: GPL-2.0
/*
 * A module function for the harness smoke tests to call and trace.
 *
 * Writing N to /sys/module/harness_smoke/parameters/poke calls
 * harness_smoke_target(N) once, which logs "harness_smoke: poked N".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/kernel.h>

static noinline int harness_smoke_target(unsigned long val)
{
	pr_info("poked %lu\n", val);
	return 0;
}

static int poke_set(const char *buf, const struct kernel_param *kp)
{
	unsigned long val;
	int ret;

	ret = kstrtoul(buf, 0, &val);
	if (ret)
		return ret;
	return harness_smoke_target(val);
}

static const struct kernel_param_ops poke_ops = {
	.set = poke_set,
};
module_param_cb(poke, &poke_ops, NULL, 0200);
MODULE_PARM_DESC(poke, "write a number to call harness_smoke_target() once");

static int __init harness_smoke_init(void)
{
	pr_info("loaded\n");
	return 0;
}
module_init(harness_smoke_init);

static void __exit harness_smoke_exit(void)
{
	pr_info("unloaded\n");
}
module_exit(harness_smoke_exit);

MODULE_DESCRIPTION("Harness smoke test module");
MODULE_LICENSE("GPL");
