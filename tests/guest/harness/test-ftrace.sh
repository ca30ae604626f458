#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The function tracer sees a module function and a vmlinux function.
. "$KLP_HARNESS_FUNCTIONS"

start_test "function tracing of a module function"
load_mod harness_smoke.ko
grep -q '^harness_smoke_target \[harness_smoke\]$' "$TRACING/available_filter_functions" ||
	die "harness_smoke_target is not traceable"
trace_function harness_smoke_target
echo 7 >/sys/module/harness_smoke/parameters/poke
echo 0 >"$TRACING/tracing_on"
assert_trace_has 'harness_smoke_target <-' "module function"
n=$(grep -c 'harness_smoke_target <-' "$TRACING/trace")
[ "$n" -eq 1 ] || die "expected 1 call of harness_smoke_target in the trace, found $n"
reset_tracing
unload_mod harness_smoke
echo ok

start_test "function tracing of a vmlinux function"
# The syscall wrapper's name has the architecture's prefix.
case $(uname -m) in
aarch64) sys=__arm64_sys_newuname ;;
x86_64)  sys=__x64_sys_newuname ;;
*)       die "no syscall prefix known for $(uname -m)" ;;
esac
trace_function $sys
uname -a >/dev/null
echo 0 >"$TRACING/tracing_on"
assert_trace_has "uname-[0-9]+ .*$sys <-" "vmlinux function"
reset_tracing
echo ok
