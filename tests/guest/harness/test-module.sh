#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A module loads, its function runs, and it unloads; three times over.
. "$KLP_HARNESS_FUNCTIONS"

start_test "module load, call, unload"
for i in 1 2 3; do
	load_mod harness_smoke.ko
	[ -d /sys/module/harness_smoke ] || die "harness_smoke not in /sys/module"
	echo "$i" >/sys/module/harness_smoke/parameters/poke || die "poke failed"
	dmesg | grep -q "harness_smoke: poked $i\$" || die "no 'poked $i' in the kernel log"
	unload_mod harness_smoke
done
echo ok
