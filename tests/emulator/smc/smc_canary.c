// SPDX-License-Identifier: GPL-2.0
/*
 * Does every CPU run the new code once text patching has returned?
 *
 * A kthread on CPU 1 calls canary_a() and canary_b() in a loop. Each has a
 * static branch of canary_key. CPU 0 flips the key, over and over: the
 * jump label code writes both branches, then interrupts every CPU
 * (arch_jump_label_transform_apply() does kick_all_cpus_sync()), and only
 * then does CPU 0 publish the value the functions must now return. A CPU
 * that has taken that interrupt must fetch the new instructions (Arm ARM,
 * "Concurrent modification and execution of instructions"), so a call
 * made after the value was published that still returns the old one ran
 * stale code. The livepatch jump and ftrace rely on the same guarantee.
 *
 * This checks the machine, not the kernel: it is how the harness shows
 * that an emulator (QEMU's multi-threaded TCG) breaks the guarantee.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/jump_label.h>
#include <linux/kthread.h>
#include <linux/module.h>

static unsigned int flips = 200000;
module_param(flips, uint, 0444);
MODULE_PARM_DESC(flips, "how many times the key is flipped");

static DEFINE_STATIC_KEY_FALSE(canary_key);

static noinline int canary_a(void)
{
	if (static_branch_unlikely(&canary_key))
		return 2;
	return 1;
}

static noinline int canary_b(void)
{
	if (static_branch_unlikely(&canary_key))
		return 2;
	return 1;
}

/* What canary_a() and canary_b() must return: 1 or 2, or 0 for either */
static int expected;
static unsigned int flip;
static atomic_long_t calls, stale;

static int canary_caller(void *unused)
{
	int e, a, b, e2;
	unsigned int f;

	while (!kthread_should_stop()) {
		/* Pairs with the stores in smc_canary_init() */
		e = smp_load_acquire(&expected);
		f = READ_ONCE(flip);
		a = canary_a();
		b = canary_b();
		/* After the calls: was the value the same all along? */
		e2 = smp_load_acquire(&expected);
		/* Only when the same value was published before and after */
		if (e && e == e2 && (a != e || b != e) &&
		    atomic_long_inc_return(&stale) <= 5)
			pr_info("stale code: flip %u, expected %d, canary_a %d, canary_b %d\n",
				f, e, a, b);
		if (!(atomic_long_inc_return(&calls) & 1023))
			cond_resched();
	}
	return 0;
}

static int __init smc_canary_init(void)
{
	struct task_struct *t;
	unsigned int i;

	if (num_online_cpus() < 2) {
		pr_err("needs two CPUs\n");
		return -ENODEV;
	}
	t = kthread_create_on_cpu(canary_caller, NULL, 1, "smc_canary/%u");
	if (IS_ERR(t))
		return PTR_ERR(t);
	wake_up_process(t);
	msleep(20);

	for (i = 0; i < flips; i++) {
		WRITE_ONCE(flip, i);
		/* Either value may be seen from now on... */
		smp_store_release(&expected, 0);
		if (i & 1)
			static_branch_disable(&canary_key);
		else
			static_branch_enable(&canary_key);
		/* ... and only the new one once every CPU was interrupted */
		smp_store_release(&expected, i & 1 ? 1 : 2);
		/* Vary the time until the next write */
		udelay(i % 8);
	}
	kthread_stop(t);

	pr_info("SMC_CANARY flips=%u calls=%ld stale=%ld\n", flips,
		atomic_long_read(&calls), atomic_long_read(&stale));
	return 0;
}

static void __exit smc_canary_exit(void)
{
}

module_init(smc_canary_init);
module_exit(smc_canary_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Does every CPU run cross-modified code once the kernel has synchronised it?");
