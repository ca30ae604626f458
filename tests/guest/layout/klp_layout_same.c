// SPDX-License-Identifier: GPL-2.0
/*
 * A module function to call and trace. Writing N to
 * /sys/module/<module>/parameters/poke calls klp_layout_target(N) once,
 * which logs "<module>: poked N".
 *
 * klp_layout_other.c is this file built with another
 * -fpatchable-function-entry layout than the kernel's (see the Makefile).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/kernel.h>

static noinline int klp_layout_target(unsigned long val)
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
	return klp_layout_target(val);
}

static const struct kernel_param_ops poke_ops = {
	.set = poke_set,
};
module_param_cb(poke, &poke_ops, NULL, 0200);
MODULE_PARM_DESC(poke, "write a number to call klp_layout_target() once");

MODULE_DESCRIPTION("A module function for the call site layout test");
MODULE_LICENSE("GPL");
