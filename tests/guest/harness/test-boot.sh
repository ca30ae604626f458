#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The guest runs the kernel that was built, on the CPU the profile asked for.
. "$KLP_HARNESS_FUNCTIONS"

start_test "booted kernel and CPU profile"
arch=$(sed -n 's/.*klp_harness\.arch=\([^ ]*\).*/\1/p' /proc/cmdline)
[ "$(uname -m)" = "${arch:-aarch64}" ] || die "uname -m is $(uname -m), not ${arch:-aarch64}"
[ -d "/lib/modules/$(uname -r)/kernel" ] || die "no modules for $(uname -r)"
[ -d "/lib/modules/$(uname -r)/build" ] || die "no build directory for $(uname -r)"

cpu=$(sed -n 's/.*klp_harness\.cpu=\([^ ]*\).*/\1/p' /proc/cmdline)
features=$(grep -m1 '^Features' /proc/cpuinfo)
case $cpu in
max)
	for f in paca pacg bti; do
		[[ " $features " == *" $f "* ]] || die "CPU profile max lacks '$f': $features"
	done ;;
a57)
	for f in paca pacg bti; do
		[[ " $features " != *" $f "* ]] || die "cortex-a57 claims '$f': $features"
	done ;;
x86_64)
	grep -qw lm /proc/cpuinfo || die "the x86_64 CPU has no long mode" ;;
*)
	echo "(CPU profile '$cpu' has no feature expectations)" ;;
esac
echo ok
