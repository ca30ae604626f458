#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Jump-mode direct calls (the series: ftrace_jmp_set(), and arm64's
# HAVE_DYNAMIC_FTRACE_WITH_JMP), with samples/ftrace/ftrace-direct-jmp.ko:
# my_near_func() jumps to my_near_target() in the module, my_far_func() to
# int_sqrt() in vmlinux. Checked for each: the result, what ftrace core
# shows (enabled_functions) and what the call site holds (the site reader);
# a tracer on the function sends its calls through ftrace_caller, which
# still jumps; when the tracer leaves, the call site jumps again by itself.
. "$KLP_HARNESS_FUNCTIONS"

if [ "$(uname -m)" != aarch64 ]; then
	echo "SKIP: jump-mode direct calls are implemented on arm64 only"
	exit $ksft_skip
fi

SAMPLE=/lib/modules/$(uname -r)/kernel/samples/ftrace/ftrace-direct-jmp.ko
PARAMS=/sys/module/ftrace_direct_jmp/parameters

cleanup() {
	reset_tracing
	[ ! -d $SITE ] || rmmod test_klp_jump_mod
	[ ! -d $PARAMS ] || rmmod ftrace_direct_jmp
}
trap cleanup EXIT

# site FUNC: what the call site of FUNC holds, from the site reader
site() {
	echo "$(ksym_addr "$1")" >$SITE/func || die "the site reader cannot look at $1"
	cat $SITE/site
}

# check FUNC PARAM RESULT TARGET WHAT: ftrace core shows that FUNC jumps to
# TARGET, its call site holds the jump (or, where $TRACED, a tracer traces
# FUNC, the call into ftrace_caller), and PARAM's call returns RESULT
TRACED=
check() {
	local got want line

	line=$(grep -A3 "^$1 " "$TRACING/enabled_functions") ||
		die "$5: $1 is not in enabled_functions"
	[[ $line == *"direct-->${4%% *}+0x0/"*" (jmp)"* ]] ||
		die "$5: enabled_functions does not show the jump of $1 to $4: $line"
	got=$(site "$1")
	if [[ $1 == "$TRACED" ]]; then
		want="$1: call"
	else
		want=$(jump_site "$1" "$4")
	fi
	[[ $got == "$want" ]] || die "$5: the call site of $1: expected '$want', read '$got'"
	got=$(cat $PARAMS/$2)
	[[ $got == "$3" ]] || die "$5: expected '$3', got '$got'"
}

start_test "a call site jumps to its target, within reach and out of it"
reset_tracing
load_mod "$SAMPLE" arg=49
site_reader my_near_func
check my_near_func near "my_near_func(49) = 149" \
	"my_near_target [ftrace_direct_jmp]" "alone"
check my_far_func far "my_far_func(49) = 7" int_sqrt "alone"
echo "($(site my_far_func | sed 's/^my_far_func: //')) ok"

start_test "a tracer gets the call, ftrace_caller still jumps"
for tracer in function function_graph; do
	for f in my_near_func my_far_func; do
		reset_tracing
		echo $f >"$TRACING/set_ftrace_filter" || die "cannot trace $f"
		TRACED=$f
		echo $tracer >"$TRACING/current_tracer" || die "no $tracer tracer"
		echo 1 >"$TRACING/tracing_on"
		echo 16 >$PARAMS/arg
		check my_near_func near "my_near_func(16) = 116" \
			"my_near_target [ftrace_direct_jmp]" "$tracer on $f"
		check my_far_func far "my_far_func(16) = 4" int_sqrt "$tracer on $f"
		echo 0 >"$TRACING/tracing_on"
		case $tracer in
		function) assert_trace_has " $f <-" "$tracer on $f" ;;
		*)        assert_trace_has " $f( \[ftrace_direct_jmp\])?\(\);" \
					   "$tracer on $f" ;;
		esac
	done
done
echo ok

start_test "the call site jumps again once the tracer has left"
reset_tracing
TRACED=
echo 81 >$PARAMS/arg
check my_near_func near "my_near_func(81) = 181" \
	"my_near_target [ftrace_direct_jmp]" "after the tracers"
check my_far_func far "my_far_func(81) = 9" int_sqrt "after the tracers"
echo ok

start_test "unregistering takes the jumps away"
unload_mod test_klp_jump_mod
unload_mod ftrace_direct_jmp
! grep -q "^my_\(near\|far\)_func " "$TRACING/enabled_functions" ||
	die "enabled_functions still has the sample's functions"
echo ok
