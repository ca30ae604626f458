#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# arm64: the module loader refuses a module whose ftrace call sites have
# another -fpatchable-function-entry layout than the kernel's, before ftrace
# writes to them; a module built as the kernel was loads, and ftrace traces
# it. The layout is in vermagic too, where it changes the module ABI
# (CONFIG_ARM64_FTRACE_FUNC_PLT).
. "$KLP_HARNESS_FUNCTIONS"

if [ ! -f harness_smoke_other.ko ]; then
	[ "$(uname -m)" != aarch64 ] || die "harness_smoke_other.ko was not built"
	echo "SKIP: the call site layout of modules is checked on arm64"
	exit $ksft_skip
fi

cleanup() {
	reset_tracing
	if [ -d /sys/module/harness_smoke ]; then rmmod harness_smoke; fi
	if [ -d /sys/module/harness_smoke_other ]; then rmmod harness_smoke_other; fi
}
trap cleanup EXIT

# since_test(): the kernel log since the last start_test
since_test() {
	dmesg | awk '/===== TEST: / { n = 0; delete l } { l[n++] = $0 } END { for (i = 0; i < n; i++) print l[i] }'
}

start_test "a module with another call site layout is refused"
if insmod harness_smoke_other.ko 2>/dev/null; then
	die "harness_smoke_other.ko, built with another call site layout, was loaded"
fi
[ ! -e /sys/module/harness_smoke_other ] || die "harness_smoke_other is in /sys/module"
msg=$(since_test | grep -E 'harness_smoke_other: ftrace call site [0-9]+ of [0-9]+ does not have')
[ -n "$msg" ] || die "no message for the refused module: $(since_test | tail -n 5)"
layout=$(sed -nE 's/.*layout \(-fpatchable-function-entry=([0-9,]+), BTI (allowed|refused)\): the module was built for another configuration$/\1/p' <<<"$msg")
case $layout in
8,6|4,2) ;;
*) die "the message does not name the kernel's layout: $msg" ;;
esac
if grep -q '\[harness_smoke_other\]' "$TRACING/available_filter_functions"; then
	die "ftrace has records of the refused module"
fi
log "refused: $msg"
echo ok

start_test "a module built as the kernel was loads, and is traced"
load_mod harness_smoke.ko
vermagic=$(modinfo -F vermagic harness_smoke.ko) || die "no vermagic in harness_smoke.ko"
case "$layout:$vermagic" in
"8,6:"*"ftrace-func-plt "*|"4,2:"*) ;;
*) die "vermagic '$vermagic' does not match the layout $layout" ;;
esac
[[ $layout == 8,6 || $vermagic != *ftrace-func-plt* ]] ||
	die "vermagic '$vermagic' names function PLTs the kernel does not have"
trace_function harness_smoke_target
echo 7 >/sys/module/harness_smoke/parameters/poke || die "poke failed"
echo 0 >"$TRACING/tracing_on"
assert_trace_has "harness_smoke_target <-" "harness_smoke_target() of harness_smoke"
since_test | grep -q "harness_smoke: poked 7\$" || die "no 'poked 7' in the kernel log"
reset_tracing
unload_mod harness_smoke
echo ok
