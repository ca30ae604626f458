// SPDX-License-Identifier: GPL-2.0
/*
 * klp-bpf-attach PROG READY: attach the pinned fentry or fexit program PROG
 * (bpftool prog loadall pins it) to the function it was loaded for, write
 * "attached" to the file READY, and hold the link until killed.  The link
 * is released when the process exits, before its parent's wait() returns:
 * "kill $pid; wait $pid" detaches the program synchronously, where
 * removing a pinned link would leave the detach to a work item later.
 *
 * bookworm's bpftool (7.1) loads and pins such programs but cannot attach
 * them ("autoattach" is newer): this is the one system call it lacks,
 * BPF_RAW_TRACEPOINT_OPEN without a tracepoint name, which makes a link of
 * a tracing program.  Built static for the guest, with the C library's
 * <linux/bpf.h> and no libbpf.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

int main(int argc, char **argv)
{
	union bpf_attr attr;
	int prog, link;
	FILE *ready;

	if (argc != 3) {
		fprintf(stderr, "usage: %s PROG READY\n", argv[0]);
		return 2;
	}

	memset(&attr, 0, sizeof(attr));
	attr.pathname = (uintptr_t)argv[1];
	prog = sys_bpf(BPF_OBJ_GET, &attr);
	if (prog < 0) {
		fprintf(stderr, "%s: no pinned program: %s\n", argv[1], strerror(errno));
		return 1;
	}

	memset(&attr, 0, sizeof(attr));
	attr.raw_tracepoint.prog_fd = prog;
	link = sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &attr);
	if (link < 0) {
		fprintf(stderr, "%s: cannot attach: %s\n", argv[1], strerror(errno));
		return 1;
	}

	ready = fopen(argv[2], "w");
	if (!ready || fputs("attached\n", ready) < 0 || fclose(ready)) {
		fprintf(stderr, "%s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	for (;;)
		pause();
}
