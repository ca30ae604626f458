// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 reliable unwinder against crafted frame records.
 *
 * Reading the "results" parameter starts one kthread per case. Each calls
 * klp_unwind_call_under_record(), which pushes an ordinary frame record,
 * then, but for the control case, a metadata frame record (FP = LR = 0) of a
 * given type above it, points FP at it, and calls klp_unwind_sleep(): a walk
 * of the sleeping kthread meets that record right after the frame of
 * klp_unwind_sleep(). Once the kthread sleeps, stack_trace_save_tsk_reliable()
 * walks it, as the livepatch consistency model does (under task_call_func()),
 * and the result of each case is one line:
 *
 *   control:      no metadata record                   reliable
 *   meta-none:    type 0 (FRAME_META_TYPE_NONE)        unreliable
 *   meta-final:   a final record, not the task's own   unreliable
 *   meta-pt-regs: a pt_regs boundary with no pt_regs   unreliable
 *   meta-sdei:    the stale word that a {0, 0} record  unreliable
 *                 at the top of a stack, like the one
 *                 the SDEI handler used to build, has
 *                 above it
 *
 * Reading stack_trace_save_tsk_reliable() and task_call_func() needs
 * livepatch relocations, so this is a livepatch module: it replaces
 * cmdline_proc_show() with a copy of itself.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/init.h>
#include <linux/kthread.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/stacktrace.h>
#include <linux/wait.h>
#include <asm/stacktrace/frame.h>

KLP_SYMBOL(vmlinux, stack_trace_save_tsk_reliable, 0);
KLP_SYMBOL(vmlinux, task_call_func, 0);
KLP_SYMBOL(vmlinux, saved_command_line, 0);

#define KLP_UNWIND_NO_RECORD	(~0UL)

void klp_unwind_call_under_record(unsigned long type, void (*fn)(void *),
				  void *arg);

/* x0: the type, or ~0 for none; x1: the function to call; x2: its argument */
asm(
"	.pushsection .text, \"ax\", %progbits\n"
"	.p2align 2\n"
"	.type klp_unwind_call_under_record, %function\n"
"klp_unwind_call_under_record:\n"
"	hint	34\n"			/* bti c */
"	stp	x29, x30, [sp, #-48]!\n"
"	mov	x29, sp\n"
"	cmn	x0, #1\n"
"	b.eq	1f\n"
"	stp	xzr, xzr, [sp, #16]\n"	/* the metadata frame record */
"	str	x0, [sp, #32]\n"	/* and its type */
"	add	x29, sp, #16\n"
"1:	mov	x0, x2\n"
"	blr	x1\n"
"	ldp	x29, x30, [sp], #48\n"
"	ret\n"
"	.size klp_unwind_call_under_record, . - klp_unwind_call_under_record\n"
"	.popsection\n");

struct klp_unwind_case {
	const char *name;
	unsigned long type;
	struct task_struct *task;
	bool in_place;
};

static struct klp_unwind_case cases[] = {
	{ "control",		KLP_UNWIND_NO_RECORD },
	{ "meta-none",		FRAME_META_TYPE_NONE },
	{ "meta-final",		FRAME_META_TYPE_FINAL },
	{ "meta-pt-regs",	FRAME_META_TYPE_PT_REGS },
	{ "meta-sdei",		0x5d5d5d5d5d5d5d5dUL },
};

/*
 * Called under the crafted record: it takes no lock and allocates nothing
 * before it sleeps, since lockdep, kmemleak or KASAN would then walk this
 * task's own stack, meet the record, and warn, as they should for a corrupt
 * stack. So it tells klp_unwind_run() that it is in place with a flag, not
 * a completion.
 */
static noinline void klp_unwind_sleep(void *arg)
{
	struct klp_unwind_case *c = arg;

	WRITE_ONCE(c->in_place, true);
	for (;;) {
		set_current_state(TASK_IDLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
}

static int klp_unwind_thread(void *arg)
{
	struct klp_unwind_case *c = arg;

	klp_unwind_call_under_record(c->type, klp_unwind_sleep, c);
	return 0;
}

struct klp_unwind_walk {
	unsigned long entries[64];
	int ret;
};

/*
 * Called with the task's pi_lock (and its rq lock, if it is queued) held, so
 * that it cannot wake up. It must also be off its CPU: on_cpu goes to 0 once
 * it has switched away, and its stack no longer changes.
 */
static int klp_unwind_walk_task(struct task_struct *task, void *arg)
{
	struct klp_unwind_walk *w = arg;

	if (READ_ONCE(task->__state) != TASK_IDLE ||
	    smp_load_acquire(&task->on_cpu))
		return -EAGAIN;
	w->ret = stack_trace_save_tsk_reliable(task, w->entries,
					       ARRAY_SIZE(w->entries));
	return 0;
}

/* Walk a kthread sleeping under the record of @c: 0 once walked, or an error */
static int klp_unwind_run(struct klp_unwind_case *c, struct klp_unwind_walk *w)
{
	int tries, err = -EAGAIN;

	c->in_place = false;
	c->task = kthread_run(klp_unwind_thread, c, "klp_unwind/%s", c->name);
	if (IS_ERR(c->task))
		return PTR_ERR(c->task);
	for (tries = 0; tries < 2000; tries++) {
		if (READ_ONCE(c->in_place)) {
			err = task_call_func(c->task, klp_unwind_walk_task, w);
			if (err != -EAGAIN)
				break;
		}
		msleep(1);
	}
	kthread_stop(c->task);
	return err;
}

/* Reads are serialized by the module's kernel_param_lock(). */
static struct klp_unwind_walk walk;

static int results_get(char *buf, const struct kernel_param *kp)
{
	int len = 0, i, j, mine, err;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		err = klp_unwind_run(&cases[i], &walk);
		if (err) {
			len += scnprintf(buf + len, PAGE_SIZE - len, "%s: error %d\n",
					 cases[i].name, err);
		} else if (walk.ret < 0) {
			len += scnprintf(buf + len, PAGE_SIZE - len,
					 "%s: unreliable (%d)\n", cases[i].name,
					 walk.ret);
		} else {
			/*
			 * A complete walk has klp_unwind_sleep(), the record
			 * pusher and klp_unwind_thread() in it.
			 */
			for (j = 0, mine = 0; j < walk.ret; j++)
				mine += within_module(walk.entries[j], THIS_MODULE);
			len += scnprintf(buf + len, PAGE_SIZE - len,
					 "%s: reliable, %d entries, %d in this module\n",
					 cases[i].name, walk.ret, mine);
		}
	}
	return len;
}

static const struct kernel_param_ops results_ops = {
	.get = results_get,
};
module_param_cb(results, &results_ops, NULL, 0400);
MODULE_PARM_DESC(results, "walk a kthread under each crafted frame record");

static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, saved_command_line);
	seq_putc(m, '\n');
	return 0;
}

static struct klp_func funcs[] = {
	{
		.old_name = "cmdline_proc_show",
		.new_func = livepatch_cmdline_proc_show,
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

static int klp_unwind_test_init(void)
{
	return klp_enable_patch(&patch);
}

static void klp_unwind_test_exit(void)
{
}

module_init(klp_unwind_test_init);
module_exit(klp_unwind_test_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("The arm64 reliable unwinder against crafted frame records");
