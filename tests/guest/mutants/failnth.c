// SPDX-License-Identifier: GPL-2.0
/*
 * failnth N OP ARG...: run one system call with its Nth fault injection
 * point made to fail, through /proc/thread-self/fail-nth (see
 * Documentation/fault-injection/fault-injection.rst), and say whether a
 * fault was injected and what the call returned.  N = 0 injects nothing.
 *
 *   failnth N load FILE [PARAMS]   finit_module(FILE, PARAMS)
 *   failnth N unload NAME          delete_module(NAME, O_NONBLOCK)
 *   failnth N write FILE STRING    write(STRING) to FILE, opened before
 *                                  the fault is armed
 *
 * It prints "injected=0|1 result=ok|<errno name>" and exits 0 when the
 * call succeeded, 1 when it failed, 2 when it could not run it.
 *
 * Nothing but the one call runs between arming and reading back: any
 * other system call could take the injected fault instead.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int nth_fd = -1;

static void nth_write(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	if (write(nth_fd, buf, len) != len) {
		perror("failnth: write /proc/thread-self/fail-nth");
		exit(2);
	}
}

/* what is left of N after the call: 0 if the fault was injected */
static unsigned int nth_read(void)
{
	char buf[16] = "";

	if (pread(nth_fd, buf, sizeof(buf) - 1, 0) <= 0) {
		perror("failnth: read /proc/thread-self/fail-nth");
		exit(2);
	}
	return strtoul(buf, NULL, 10);
}

static void usage(void)
{
	fprintf(stderr, "usage: failnth N load FILE [PARAMS]\n"
			"       failnth N unload NAME\n"
			"       failnth N write FILE STRING\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *params = "";
	unsigned int n, left;
	long ret;
	int fd, err;

	if (argc < 4)
		usage();
	n = strtoul(argv[1], NULL, 10);

	/* Everything the call needs is opened before the fault is armed. */
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (nth_fd < 0) {
		perror("failnth: /proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION?)");
		return 2;
	}
	if (!strcmp(argv[2], "load")) {
		if (argc > 5)
			usage();
		if (argc == 5)
			params = argv[4];
		fd = open(argv[3], O_RDONLY | O_CLOEXEC);
	} else if (!strcmp(argv[2], "unload")) {
		if (argc != 4)
			usage();
		fd = 0;
	} else if (!strcmp(argv[2], "write")) {
		if (argc != 5)
			usage();
		fd = open(argv[3], O_WRONLY | O_CLOEXEC);
	} else {
		usage();
	}
	if (fd < 0) {
		fprintf(stderr, "failnth: %s: %s\n", argv[3], strerror(errno));
		return 2;
	}

	if (n)
		nth_write(n);
	if (!strcmp(argv[2], "load"))
		ret = syscall(SYS_finit_module, fd, params, 0);
	else if (!strcmp(argv[2], "unload"))
		ret = syscall(SYS_delete_module, argv[3], O_NONBLOCK);
	else
		ret = write(fd, argv[4], strlen(argv[4])) ==
		      (ssize_t)strlen(argv[4]) ? 0 : -1;
	err = errno;
	left = n ? nth_read() : 1;
	/* Disarm before anything else runs, printf() included. */
	if (left)
		nth_write(0);

	printf("injected=%d result=%s\n", !left, ret ? strerrorname_np(err) : "ok");
	return ret ? 1 : 0;
}
