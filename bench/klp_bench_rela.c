// SPDX-License-Identifier: GPL-2.0
/*
 * A livepatch of klp_bench_target() with many livepatch relocations, for the
 * load-cost benchmark: 1000 ADRP/ADD pairs (2000 relocations) against a
 * static function of vmlinux, applied while this module loads, and as many
 * against klp_bench_target() of klp_bench, applied each time klp_bench loads,
 * through the text patching code.
 */

/* The same livepatch of klp_bench_target() as klp_bench_patch.ko. */
#include "klp_bench_patch.c"

#include <linux/seq_file.h>

KLP_SYMBOL(vmlinux, version_proc_show, 0);
extern int version_proc_show(struct seq_file *m, void *v);
KLP_SYMBOL(klp_bench, klp_bench_target, 0);
extern int klp_bench_target(int x);

/* Never called: only its relocations matter. */
asm(
"	.pushsection .text, \"ax\", %progbits\n"
"	.p2align 2\n"
"	.type klp_bench_relocs, %function\n"
"klp_bench_relocs:\n"
"	hint 34\n"			/* BTI C */
"	.rept 1000\n"
"	adrp x0, version_proc_show\n"
"	add x0, x0, :lo12:version_proc_show\n"
"	.endr\n"
"	.rept 1000\n"
"	adrp x0, klp_bench_target\n"
"	add x0, x0, :lo12:klp_bench_target\n"
"	.endr\n"
"	ret\n"
"	.size klp_bench_relocs, . - klp_bench_relocs\n"
"	.popsection\n");

