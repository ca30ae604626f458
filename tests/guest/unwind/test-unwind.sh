#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The arm64 reliable unwinder against crafted frame records: a walk of a
# sleeping kthread is reliable with ordinary frame records only, and
# unreliable when it meets a metadata frame record of no known type (the
# stale word above an SDEI-like {0, 0} record, or 0), a final record that is
# not the task's own, or a pt_regs boundary (klp_unwind_test.c).
. "$KLP_HARNESS_FUNCTIONS"

MOD=klp_unwind_test

if [ ! -f $MOD.ko ]; then
	# A livepatch module with livepatch relocations (klp-convert): arm64 only.
	[ "$(uname -m)" != aarch64 ] || die "$MOD.ko was not built"
	echo "SKIP: the unwinder test is arm64 only"
	exit $ksft_skip
fi

cleanup() {
	lp_turn_off $MOD
	if [ -d /sys/module/$MOD ]; then rmmod $MOD; fi
}
trap cleanup EXIT

start_test "the reliable unwinder against crafted frame records"
orig=$(cat /proc/cmdline)
load_mod $MOD.ko
lp_wait $MOD
out=$(cat /sys/module/$MOD/parameters/results) || die "cannot read the results"
expect="control: reliable, 3 in this module
meta-none: unreliable (-22)
meta-final: unreliable (-22)
meta-pt-regs: unreliable (-22)
meta-sdei: unreliable (-22)"
got=$(printf '%s\n' "$out" | sed 's/^control: reliable, [0-9]* entries,/control: reliable,/')
[ "$got" = "$expect" ] || die "unexpected walks:
$out"
[ "$(cat /proc/cmdline)" = "$orig" ] || die "the replacement of cmdline_proc_show() shows another /proc/cmdline"
cleanup
trap - EXIT
echo ok
printf '%s\n' "$out"
