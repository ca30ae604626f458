#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The ftrace-direct and ftrace-ops samples load and do their job.
. "$KLP_HARNESS_FUNCTIONS"

samples=/lib/modules/$(uname -r)/kernel/samples/ftrace

start_test "ftrace-direct: a direct trampoline on wake_up_process"
reset_tracing
echo 1 >"$TRACING/tracing_on"
load_mod "$samples/ftrace-direct.ko"
line=$(grep '^wake_up_process ' "$TRACING/enabled_functions") ||
	die "wake_up_process is not in enabled_functions"
# Flag D: a direct call.  Out of branch range of the module's trampoline
# (KASLR) the call site goes to ftrace_caller, which calls it.
# The flags are the one-letter words after the count: "(1) R   D   M" on
# x86_64 (R: it saves all registers), "(1)    D" on arm64.
flags=${line#*)}
flags=${flags%%$'\t'*}
[[ " $flags " =~ \ D\  ]] || die "wake_up_process has no direct call: $line"
# On arm64, read the call site itself, with the site reader of the
# livepatch selftests: within reach of a BL it calls the trampoline; out of
# reach (KASLR) it calls it through the function's own PLT, where the
# kernel gives functions one (CONFIG_ARM64_FTRACE_FUNC_PLT), and otherwise
# calls ftrace_caller, which calls it.
if [[ $(uname -m) == aarch64 ]]; then
	func=$(ksym_addr wake_up_process)
	tramp=$(ksym_addr my_tramp)
	[[ -n $func && -n $tramp ]] || die "no address for wake_up_process or my_tramp"
	site_reader wake_up_process
	case $(site_reach wake_up_process my_tramp) in
	near)
		want="wake_up_process: call"
		echo -n "(called directly) " ;;
	plt)
		want="wake_up_process: call my_tramp [ftrace_direct] through its plt"
		echo -n "(called through its PLT) " ;;
	*)
		want="wake_up_process: call"
		echo -n "(through ftrace_caller) " ;;
	esac
	got=$(cat "$SITE/site")
	unload_mod test_klp_jump_mod
	[[ $got == "$want" ]] ||
		die "my_tramp is $dist bytes away: expected '$want', read '$got'"
elif [[ $line == *direct--\>* ]]; then
	echo -n "(called directly) "
else
	echo -n "(through ftrace_caller) "
fi
sleep 0.2 &
wait
echo 0 >"$TRACING/tracing_on"
# (read while the module is loaded, so that my_direct_func is symbolised)
assert_trace_has 'my_direct_func: waking up' "ftrace-direct"
unload_mod ftrace_direct
reset_tracing
echo ok

start_test "ftrace-ops: every call reaches the ops"
dmesg -C
out=$(insmod "$samples/ftrace-ops.ko" nr_function_calls=10000 check_count=1 2>&1) &&
	die "ftrace-ops stayed loaded (it should finish its benchmark and refuse to stay)"
[[ $out == *"Invalid parameters"* ]] || die "unexpected insmod output: $out"
dmesg | grep -q 'Attempted 10000 calls to tracee_relevant' ||
	die "ftrace-ops did not run its benchmark: $(dmesg | tail -n 5)"
! dmesg | grep -q 'Counter called' ||
	die "ftrace-ops missed calls: $(dmesg | grep 'Counter called' | head -n 3)"
echo ok
