// SPDX-License-Identifier: GPL-2.0
/*
 * What livepatch costs: a benchmark target.
 *
 * Writing N to /sys/module/klp_bench/parameters/run calls klp_bench_target()
 * N times in a tight loop and logs the time it took:
 *	"klp_bench: calls=N ns=T"
 * With QEMU's -icount the time is proportional to the instructions run.
 *
 * Writing Y to .../parameters/traced attaches one ftrace_ops with an empty
 * callback to klp_bench_target(): the cost of one ftrace user, alone or next
 * to a livepatch.
 *
 * Writing anything to .../parameters/tick returns just after the next
 * scheduler tick: the transition benchmark starts each step there, so that
 * where the time slices of the busy tasks fall is the same every time.
 *
 * "sleepers" kthreads sleep in klp_bench_sleep() for the transition
 * benchmark; they are not in any patched function.
 *
 * Writing N to .../parameters/run_vmlinux calls jiffies_to_msecs(), a
 * function of vmlinux, N times, and logs the time the same way: with KASLR,
 * vmlinux is out of reach of a BL from this module. Writing Y to
 * .../parameters/direct (arm64) attaches an ftrace direct call to both
 * functions, to a trampoline of this module that does nothing: the cost of
 * reaching a direct call trampoline from a near and from a far function.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/ftrace.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/wait.h>

/* The function every call-cost figure is about. */
static noinline __noclone int klp_bench_target(int x)
{
	/* Not a pure function: the compiler must make every call. */
	asm volatile("" ::: "memory");
	return x + 1;
}

static int run_set(const char *val, const struct kernel_param *kp)
{
	unsigned int i, calls;
	u64 start, end;
	int ret, sum = 0;

	ret = kstrtouint(val, 0, &calls);
	if (ret)
		return ret;

	start = ktime_get_ns();
	for (i = 0; i < calls; i++)
		sum += klp_bench_target(i);
	end = ktime_get_ns();

	pr_info("calls=%u ns=%llu sum=%d\n", calls, end - start, sum);
	return 0;
}

static const struct kernel_param_ops run_ops = {
	.set = run_set,
};
module_param_cb(run, &run_ops, NULL, 0200);
MODULE_PARM_DESC(run, "call klp_bench_target() this many times and log the time");

static int run_vmlinux_set(const char *val, const struct kernel_param *kp)
{
	unsigned int i, calls;
	unsigned long sum = 0;
	u64 start, end;
	int ret;

	ret = kstrtouint(val, 0, &calls);
	if (ret)
		return ret;

	start = ktime_get_ns();
	for (i = 0; i < calls; i++)
		sum += jiffies_to_msecs(i);
	end = ktime_get_ns();

	pr_info("calls=%u ns=%llu sum=%lu\n", calls, end - start, sum);
	return 0;
}

static const struct kernel_param_ops run_vmlinux_ops = {
	.set = run_vmlinux_set,
};
module_param_cb(run_vmlinux, &run_vmlinux_ops, NULL, 0200);
MODULE_PARM_DESC(run_vmlinux, "call jiffies_to_msecs() this many times and log the time");

#if defined(CONFIG_ARM64) && defined(CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS)
/*
 * A direct call trampoline that returns at once: it is entered from the
 * call site with the function's return address in x9 and its own in x30,
 * and goes back to the function's body with the function's return address
 * in x30 again.
 */
void klp_bench_tramp(void);
asm(
"	.pushsection	.text, \"ax\", @progbits\n"
"	.type		klp_bench_tramp, @function\n"
"	.globl		klp_bench_tramp\n"
"klp_bench_tramp:\n"
"	hint	34\n"		/* BTI C */
"	mov	x10, x30\n"
"	mov	x30, x9\n"
"	ret	x10\n"
"	.size		klp_bench_tramp, .-klp_bench_tramp\n"
"	.popsection\n"
);

static struct ftrace_ops klp_bench_direct_ops;

static bool direct;

static int direct_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int ret;

	ret = kstrtobool(val, &on);
	if (ret || on == direct)
		return ret;

	if (on) {
		ret = ftrace_set_filter_ip(&klp_bench_direct_ops,
					   (unsigned long)klp_bench_target, 0, 0);
		if (!ret)
			ret = ftrace_set_filter_ip(&klp_bench_direct_ops,
						   (unsigned long)jiffies_to_msecs, 0, 0);
		if (!ret)
			ret = register_ftrace_direct(&klp_bench_direct_ops,
						     (unsigned long)klp_bench_tramp);
	} else {
		ret = unregister_ftrace_direct(&klp_bench_direct_ops,
					       (unsigned long)klp_bench_tramp, false);
	}
	if (!ret)
		direct = on;
	return ret;
}

static const struct kernel_param_ops direct_ops = {
	.set = direct_set,
	.get = param_get_bool,
};
module_param_cb(direct, &direct_ops, &direct, 0644);
MODULE_PARM_DESC(direct, "a direct call to an empty trampoline on klp_bench_target() and jiffies_to_msecs()");

static void direct_exit(void)
{
	if (direct)
		unregister_ftrace_direct(&klp_bench_direct_ops,
					 (unsigned long)klp_bench_tramp, false);
	ftrace_free_filter(&klp_bench_direct_ops);
}
#else
static void direct_exit(void) { }
#endif

static void klp_bench_ops_func(unsigned long ip, unsigned long parent_ip,
			       struct ftrace_ops *op, struct ftrace_regs *fregs)
{
}

static struct ftrace_ops klp_bench_ops = {
	.func = klp_bench_ops_func,
};

static bool traced;

static int traced_set(const char *val, const struct kernel_param *kp)
{
	unsigned long ip = (unsigned long)klp_bench_target;
	bool on;
	int ret;

	ret = kstrtobool(val, &on);
	if (ret || on == traced)
		return ret;

	if (on) {
		ret = ftrace_set_filter_ip(&klp_bench_ops, ip, 0, 1);
		if (!ret)
			ret = register_ftrace_function(&klp_bench_ops);
	} else {
		ret = unregister_ftrace_function(&klp_bench_ops);
	}
	if (!ret)
		traced = on;
	return ret;
}

static const struct kernel_param_ops traced_ops = {
	.set = traced_set,
	.get = param_get_bool,
};
module_param_cb(traced, &traced_ops, &traced, 0644);
MODULE_PARM_DESC(traced, "an empty ftrace_ops on klp_bench_target()");

static int tick_set(const char *val, const struct kernel_param *kp)
{
	/* A timer wheel timer one jiffy ahead expires at the next tick. */
	schedule_timeout_uninterruptible(1);
	return 0;
}

static const struct kernel_param_ops tick_ops = {
	.set = tick_set,
};
module_param_cb(tick, &tick_ops, NULL, 0200);
MODULE_PARM_DESC(tick, "return just after the next scheduler tick");

static unsigned int sleepers;
module_param(sleepers, uint, 0444);
MODULE_PARM_DESC(sleepers, "kthreads that sleep outside any patched function");

static DECLARE_WAIT_QUEUE_HEAD(klp_bench_wq);

static noinline void klp_bench_sleep(void)
{
	wait_event_idle(klp_bench_wq, kthread_should_stop());
}

static int klp_bench_sleeper(void *data)
{
	klp_bench_sleep();
	return 0;
}

static struct task_struct **threads;
static unsigned int nr_threads;

static void stop_threads(void)
{
	while (nr_threads)
		kthread_stop(threads[--nr_threads]);
	kvfree(threads);
}

static int klp_bench_init(void)
{
	struct task_struct *t;

	threads = kvcalloc(sleepers, sizeof(*threads), GFP_KERNEL);
	if (sleepers && !threads)
		return -ENOMEM;

	while (nr_threads < sleepers) {
		t = kthread_run(klp_bench_sleeper, NULL, "klp_bench/%u", nr_threads);
		if (IS_ERR(t)) {
			stop_threads();
			return PTR_ERR(t);
		}
		threads[nr_threads++] = t;
	}
	return 0;
}

static void klp_bench_exit(void)
{
	if (traced)
		unregister_ftrace_function(&klp_bench_ops);
	/*
	 * The filter outlives the module otherwise (kmemleak finds it).
	 * Only here: 6.12's ftrace_free_filter() leaves the ops pointing to
	 * the freed hashes, so the ops must not be used again.
	 */
	ftrace_free_filter(&klp_bench_ops);
	direct_exit();
	stop_threads();
}

module_init(klp_bench_init);
module_exit(klp_bench_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Benchmark target for livepatch costs");
