#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Cross-modified code: once the kernel has written an instruction and
# interrupted every CPU, no CPU may run the old one (smc_canary.c). Six
# rounds of 200000 rewrites of two static branches on two vCPUs. It fails
# on an emulator that runs stale code, which is what it is for: QEMU 7.2's
# multi-threaded TCG does, now and then.
. "$KLP_HARNESS_FUNCTIONS"

[ "$(nproc)" -ge 2 ] || die "needs two CPUs (QEMU_SMP=2)"
start_test "cross-modified code: no CPU runs the old instructions after the kick"
flips=0 stale=0
for round in 1 2 3 4 5 6; do
	load_mod smc_canary.ko flips=200000
	line=$(dmesg | grep -ao 'SMC_CANARY .*' | tail -n 1)
	[ -n "$line" ] || die "smc_canary left no SMC_CANARY line"
	unload_mod smc_canary
	echo "round $round: $line"
	[[ $line =~ flips=([0-9]+).*stale=([0-9]+) ]] || die "cannot read '$line'"
	flips=$((flips + BASH_REMATCH[1]))
	stale=$((stale + BASH_REMATCH[2]))
done
echo "SMC_CANARY_TOTAL flips=$flips stale=$stale"
[ "$stale" -eq 0 ] || die "$stale calls ran the old code after the kernel had synchronised every CPU"
echo ok
