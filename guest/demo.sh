#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What "make demo" shows inside the guest.
T=/sys/kernel/tracing
step() { printf '\n### %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; eval "$@" 2>&1 | sed 's/^/  /'; }

step "The kernel: Linux 6.12 with the arm64 livepatch series, under QEMU"
show uname -a
show "grep -m1 -o 'Features.*' /proc/cpuinfo"
step "The series applied to this kernel (patches/series)"
if [ -s /usr/lib/klp-harness/series ]; then
	sed 's/^/  /' /usr/lib/klp-harness/series
else
	echo "  (no patches yet: this is the base 6.12 kernel)"
fi

step "ftrace: tracing a function of a freshly loaded module"
show insmod /kselftest/harness/harness_smoke.ko
echo harness_smoke_target >$T/set_ftrace_filter
echo function >$T/current_tracer
show "echo 42 > /sys/module/harness_smoke/parameters/poke"
echo 0 >$T/tracing_on
show "grep -v '^#' $T/trace"
echo nop >$T/current_tracer
echo 1 >$T/tracing_on
show "dmesg | grep harness_smoke:"
show rmmod harness_smoke
: >$T/set_ftrace_filter

lp=/lib/modules/$(uname -r)/kernel/samples/livepatch/livepatch-sample.ko
step "livepatch: patching /proc/cmdline while the kernel runs"
if [ ! -f "$lp" ]; then
	echo "  (not yet: this kernel has no CONFIG_LIVEPATCH on arm64)"
	exit 0
fi
ms() { echo $(( $(date +%s%N) / 1000000 )); }
ntasks=$(ls -d /proc/[0-9]*/task/[0-9]* | wc -l)
show cat /proc/cmdline
t0=$(ms)
show insmod "$lp"
while [ "$(cat /sys/kernel/livepatch/livepatch_sample/transition)" != 0 ]; do
	sleep 0.01
done
t1=$(ms)
show cat /sys/kernel/livepatch/livepatch_sample/enabled
show cat /proc/cmdline
echo "  (patching transition: $((t1 - t0)) ms for $ntasks tasks, kthreads included)"
t0=$(ms)
show "echo 0 > /sys/kernel/livepatch/livepatch_sample/enabled"
while [ -d /sys/kernel/livepatch/livepatch_sample ]; do
	sleep 0.01
done
t1=$(ms)
echo "  (unpatching transition: $((t1 - t0)) ms)"
show cat /proc/cmdline
show rmmod livepatch_sample
show "lsmod | grep livepatch_sample || echo '(livepatch_sample unloaded)'"
