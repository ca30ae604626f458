// SPDX-License-Identifier: GPL-2.0
/*
 * The target of the malformed livepatch and fault injection tests
 * (test-mutants.sh, test-faults.sh): klp_mutant_get() returns
 * klp_mutant_base + klp_mutant_one(), 41; klp_mutant_patch replaces it
 * with one that returns 42, reaching klp_mutant_base, klp_mutant_one() (and
 * pipe_max_size of vmlinux) through livepatch relocations. Reading "value"
 * returns what klp_mutant_get() returns.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>

int klp_mutant_base = 40;

/*
 * Static: the livepatch calls it through a livepatch relocation (CALL26).
 * It reads memory, so that no compiler folds it into its callers.
 */
static noinline int klp_mutant_one(void)
{
	return READ_ONCE(klp_mutant_base) / 40;
}

noinline int klp_mutant_get(void);
noinline int klp_mutant_get(void)
{
	return READ_ONCE(klp_mutant_base) + klp_mutant_one();
}

static int get_value(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", klp_mutant_get());
}

static const struct kernel_param_ops value_ops = {
	.get = get_value,
};
module_param_cb(value, &value_ops, NULL, 0444);
MODULE_PARM_DESC(value, "what klp_mutant_get() returns: 41, or 42 when patched");

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Target of the malformed livepatch test");
