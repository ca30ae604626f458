// SPDX-License-Identifier: GPL-2.0
/*
 * The target of the livepatch stress test (test-stress.sh).
 *
 * klp_stress_target(x) returns x + 1; the stress livepatches replace it with
 * x + 2, x + 3 (stacked) and x + 4 (atomic replace). One "caller" kthread per
 * online CPU calls it without end and checks every result against what the
 * test script declares in "expect": 0 while a transition may be under way
 * (any of 1..4 is right), else the only right one. The caller reads
 * "expect" before and after each call, and a result is right if either read
 * allows it: the script changes "expect" only before a transition starts
 * and after it has completed.
 *
 * "sleepers" kthreads sleep in a function no livepatch touches. While
 * "block" is Y, the "blocker" kthread sleeps in klp_stress_hold(), which the
 * livepatches replace too, so that it holds a transition up until "block"
 * goes back to N.
 *
 * The livepatches count their calls in klp_stress_patched, which they
 * reach through a livepatch relocation (KLP_SYMBOL()): every load of this
 * module under a livepatch applies it anew.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/wait.h>

static int sleepers;
module_param(sleepers, int, 0444);
MODULE_PARM_DESC(sleepers, "kthreads that sleep elsewhere (default 0)");

/*
 * Every write of "expect" counts in expect_gen. Every other write is a 0,
 * so a call that spans two writes or more may have run in a state 0, which
 * allows anything: it is counted apart, in "spanning".
 */
static int expect = 1;
static unsigned long expect_gen;

static int expect_set(const char *val, const struct kernel_param *kp)
{
	int ret = param_set_int(val, kp);

	smp_wmb();	/* the value before its generation */
	WRITE_ONCE(expect_gen, expect_gen + 1);
	return ret;
}

static const struct kernel_param_ops expect_ops = {
	.set = expect_set,
	.get = param_get_int,
};
module_param_cb(expect, &expect_ops, &expect, 0644);
MODULE_PARM_DESC(expect, "what klp_stress_target(x) - x must be; 0: any of 1..4");

/* Reached by the livepatches through livepatch relocations. */
atomic_long_t klp_stress_patched = ATOMIC_LONG_INIT(0);
DECLARE_WAIT_QUEUE_HEAD(klp_stress_wq);
bool klp_stress_block;
atomic_t klp_stress_held = ATOMIC_INIT(0);

static atomic64_t calls = ATOMIC64_INIT(0);
static atomic64_t wrong = ATOMIC64_INIT(0);
static atomic64_t spanning = ATOMIC64_INIT(0);

static int get_atomic64(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%lld\n", atomic64_read(kp->arg));
}

static const struct kernel_param_ops atomic64_ops = {
	.get = get_atomic64,
};
module_param_cb(calls, &atomic64_ops, &calls, 0444);
MODULE_PARM_DESC(calls, "calls checked");
module_param_cb(wrong, &atomic64_ops, &wrong, 0444);
MODULE_PARM_DESC(wrong, "calls whose result the patch state did not allow");
module_param_cb(spanning, &atomic64_ops, &spanning, 0444);
MODULE_PARM_DESC(spanning, "calls that spanned two writes of expect or more");

static int get_patched(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(&klp_stress_patched));
}

static const struct kernel_param_ops patched_ops = {
	.get = get_patched,
};
module_param_cb(patched_calls, &patched_ops, NULL, 0444);
MODULE_PARM_DESC(patched_calls, "calls of the livepatches' replacements");

static int get_held(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&klp_stress_held));
}

static const struct kernel_param_ops held_ops = {
	.get = get_held,
};
module_param_cb(held, &held_ops, NULL, 0444);
MODULE_PARM_DESC(held, "1 while the blocker sleeps in klp_stress_hold()");

static int set_block(const char *val, const struct kernel_param *kp)
{
	int ret = param_set_bool(val, kp);

	wake_up_all(&klp_stress_wq);
	return ret;
}

static const struct kernel_param_ops block_ops = {
	.set = set_block,
	.get = param_get_bool,
};
module_param_cb(block, &block_ops, &klp_stress_block, 0644);
MODULE_PARM_DESC(block, "the blocker sleeps in klp_stress_hold() (default N)");

/*
 * Not static, so that the compiler keeps its calling convention: the
 * livepatches replace it with functions of the same prototype.
 */
noinline int klp_stress_target(int x);
noinline int klp_stress_target(int x)
{
	return x + 1;
}

noinline void klp_stress_hold(void);
noinline void klp_stress_hold(void)
{
	atomic_inc(&klp_stress_held);
	wait_event_idle(klp_stress_wq, !READ_ONCE(klp_stress_block) ||
			kthread_should_stop());
	atomic_dec(&klp_stress_held);
}

static void check_one(int x)
{
	unsigned long g1, g2;
	int e1, e2, r;

	g1 = READ_ONCE(expect_gen);
	smp_rmb();
	e1 = READ_ONCE(expect);
	smp_rmb();
	r = klp_stress_target(x) - x;
	smp_rmb();
	e2 = READ_ONCE(expect);
	smp_rmb();
	g2 = READ_ONCE(expect_gen);
	atomic64_inc(&calls);
	if (g2 - g1 >= 2) {
		atomic64_inc(&spanning);
		return;
	}
	if (!e1 || !e2 ? r >= 1 && r <= 4 : r == e1 || r == e2)
		return;
	if (atomic64_inc_return(&wrong) <= 10)
		pr_err("%s: klp_stress_target(%d) - %d = %d, expected %d then %d\n",
		       current->comm, x, x, r, e1, e2);
}

static int klp_stress_caller(void *data)
{
	unsigned int n;

	for (n = 0; !kthread_should_stop(); n++) {
		check_one(n & 0xffff);
		/* Sleep outside the patched function now and then, to switch. */
		if (!(n % 64))
			usleep_range(100, 200);
	}
	return 0;
}

static int klp_stress_blocker(void *data)
{
	while (!kthread_should_stop()) {
		if (READ_ONCE(klp_stress_block))
			klp_stress_hold();
		else
			wait_event_idle(klp_stress_wq, READ_ONCE(klp_stress_block) ||
					kthread_should_stop());
	}
	return 0;
}

static DECLARE_WAIT_QUEUE_HEAD(sleepers_wq);

static int klp_stress_sleeper(void *data)
{
	wait_event_idle(sleepers_wq, kthread_should_stop());
	return 0;
}

static struct task_struct **tasks;
static int nr_tasks;

static int start(int (*fn)(void *), int cpu, const char *name, int i)
{
	struct task_struct *t;

	if (cpu >= 0)
		t = kthread_run_on_cpu(fn, NULL, cpu, name);
	else
		t = kthread_run(fn, NULL, name, i);
	if (IS_ERR(t))
		return PTR_ERR(t);
	tasks[nr_tasks++] = t;
	return 0;
}

static void stop_all(void)
{
	while (nr_tasks)
		kthread_stop(tasks[--nr_tasks]);
	kfree(tasks);
}

static int __init klp_stress_mod_init(void)
{
	int cpu, i, ret = 0;

	if (sleepers < 0 || sleepers > 10000)
		return -EINVAL;
	tasks = kcalloc(num_online_cpus() + 1 + sleepers, sizeof(*tasks),
			GFP_KERNEL);
	if (!tasks)
		return -ENOMEM;
	for_each_online_cpu(cpu) {
		ret = start(klp_stress_caller, cpu, "klp_stress_call/%u", 0);
		if (ret)
			goto err;
	}
	ret = start(klp_stress_blocker, -1, "klp_stress_block", 0);
	for (i = 0; !ret && i < sleepers; i++)
		ret = start(klp_stress_sleeper, -1, "klp_stress_sleep/%d", i);
	if (!ret)
		return 0;
err:
	stop_all();
	return ret;
}

static void __exit klp_stress_mod_exit(void)
{
	WRITE_ONCE(klp_stress_block, false);
	wake_up_all(&klp_stress_wq);
	stop_all();
}

module_init(klp_stress_mod_init);
module_exit(klp_stress_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Target of the livepatch stress test");
