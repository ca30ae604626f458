#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The livepatch benchmarks, run in the guest by "make bench" (full mode,
# klp_harness.bench=full on the kernel command line; transitions mode, the
# transition latencies of full mode alone, and loads mode, the load cost of
# livepatch relocations alone, for the runs with two vCPUs; direct mode,
# the direct call figures alone, for the run with KASLR; scale mode, the
# transitions with 10,000 and 30,000 sleeping kthreads, the livepatch
# core's tries at completing them counted and timed) and
# by "make check" (smoke mode: one small iteration, so that the benchmark
# does not rot).
#
# Each figure is printed as a line the host parses:
#   BENCH call <scenario> <calls> <ns>
#   BENCH transition <scenario> <tasks> <enable-us> <disable-us> <signals>
#         [<enable-tries> <enable-tries-us> <disable-tries> <disable-tries-us>]
#   BENCH load <scenario> <livepatch-relocations> <us>
. "$KLP_HARNESS_FUNCTIONS"

mode=$(sed -n 's/.*klp_harness\.bench=\([a-z]*\).*/\1/p' /proc/cmdline)
mode=${mode:-smoke}
# Transitions are repeated more: how a transition interleaves with the
# other tasks varies from one to the next, and so does its latency.
if [ "$mode" != smoke ]; then
	CALLS=1000000 REPEAT=5 TREPEAT=31 KTHREADS="0 100 1000" USERS=100
else
	CALLS=1000 REPEAT=1 TREPEAT=1 KTHREADS="0 10" USERS=5
fi
P=/sys/module/klp_bench/parameters
JUMP=/sys/module/livepatch/parameters/jump
have_lp=no
[ -d /sys/kernel/livepatch ] && [ -f klp_bench_patch.ko ] && have_lp=yes
# klp_bench_rela.ko: 2000 livepatch relocations for vmlinux, 2000 for klp_bench
RELAS=2000
samples=/lib/modules/$(uname -r)/kernel/samples/ftrace


# Whatever happens, leave no patch, module or helper process behind for the
# tests that run after this one.
pids=()
cleanup() {
	[ ${#pids[@]} -eq 0 ] || kill -CONT "${pids[@]}" 2>/dev/null
	[ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null
	for lp in klp_bench_patch klp_bench_rela klp_bench_vmlinux_patch; do
		lp_turn_off $lp
		rmmod $lp 2>/dev/null
	done
	echo N >"$P/traced" 2>/dev/null
	echo N >"$P/direct" 2>/dev/null
	[ ! -e "$JUMP" ] || echo Y >"$JUMP"
	rmmod klp_bench 2>/dev/null
	reset_tracing
}
trap cleanup EXIT

# call_cost(scenario, [param]): time CALLS calls, REPEAT times, through a
# parameter of klp_bench: "run" (klp_bench_target(), the default) or
# "run_vmlinux" (jiffies_to_msecs(), of vmlinux)
call_cost() {
	local r line param=${2:-run}
	for r in $(seq "$REPEAT"); do
		dmesg -C
		echo "$CALLS" >"$P/$param" || die "$param failed ($1)"
		line=$(dmesg | grep -o 'klp_bench: calls=[0-9]* ns=[0-9]*') ||
			die "no result for $1"
		line=${line#klp_bench: calls=}
		echo "BENCH call $1 ${line%% ns=*} ${line##*ns=}"
	done
}

# direct_cost: a direct call to an empty trampoline of klp_bench, from
# klp_bench_target() (always near) and from jiffies_to_msecs() of vmlinux
# (out of reach of a BL with KASLR: "far"), each next to its plain call.
direct_cost() {
	local where
	[ -e "$P/direct" ] || return 0
	where=$(ksym_reach jiffies_to_msecs klp_bench_tramp) || exit 1
	call_cost plain-vmlinux run_vmlinux
	echo Y >"$P/direct" || die "cannot attach the direct call"
	call_cost direct-near
	call_cost direct-vmlinux-$where run_vmlinux
	echo N >"$P/direct" || die "cannot detach the direct call"
}

# lp_vmlinux_cost: jiffies_to_msecs() of vmlinux livepatched, its
# replacement in a module (out of reach of a B with KASLR: "far"), once the
# transition is over, and through the ftrace handler (livepatch.jump off)
lp_vmlinux_cost() {
	local where
	[ $have_lp = yes ] && [ -f klp_bench_vmlinux_patch.ko ] || return 0
	lp_enable klp_bench_vmlinux_patch
	where=$(ksym_reach jiffies_to_msecs livepatch_jiffies_to_msecs) || exit 1
	call_cost livepatched-vmlinux-$where run_vmlinux
	if [ -e "$JUMP" ]; then
		echo N >"$JUMP" || die "cannot turn livepatch.jump off"
		call_cost livepatched-vmlinux-ftrace-path run_vmlinux
		echo Y >"$JUMP"
	fi
	lp_disable klp_bench_vmlinux_patch
}

# lp_enable([livepatch]): load a livepatch and wait for its transition
lp_enable() {
	local lp=${1:-klp_bench_patch}
	insmod $lp.ko || die "cannot load $lp"
	lp_wait $lp
}

# lp_disable_start([livepatch]): disable it and wait for its transition;
# lp_unload([livepatch]): wait until it is gone, unload it
lp_disable_start() {
	local lp=${1:-klp_bench_patch}
	echo 0 >/sys/kernel/livepatch/$lp/enabled || die "cannot disable $lp"
	lp_wait $lp
}

lp_unload() {
	local lp=${1:-klp_bench_patch}
	while [ -d /sys/kernel/livepatch/$lp ]; do sleep 0.05; done
	rmmod $lp || die "cannot unload $lp"
}

lp_disable() {
	lp_disable_start "$@"
	lp_unload "$@"
}

# section(name): whether this mode runs section "name" (calls, transitions
# or loads): full and smoke mode run them all, transitions and loads mode
# only their own.
section() {
	case $mode in
	transitions|loads) [ "$1" = "$mode" ] ;;
	scale) false ;;
	*) true ;;
	esac
}

# Direct mode (klp_harness.bench=direct): the direct call figures alone, for
# the run with KASLR, where vmlinux is out of reach of the module.
if [ "$mode" = direct ]; then
	start_test "direct call cost ($mode)"
	echo
	load_mod klp_bench.ko
	call_cost plain
	direct_cost
	lp_vmlinux_cost
	unload_mod klp_bench
	echo ok
	exit 0
fi

if section calls; then
start_test "call cost of klp_bench_target() ($mode)"
echo
load_mod klp_bench.ko
call_cost plain
echo Y >"$P/traced" || die "cannot attach the ftrace_ops"
call_cost ftrace-ops
echo N >"$P/traced"
reset_tracing
echo klp_bench_target >"$TRACING/set_ftrace_filter"
echo function_graph >"$TRACING/current_tracer"
echo 1 >"$TRACING/tracing_on"
call_cost fgraph
reset_tracing
if [ $have_lp = yes ]; then
	lp_enable
	# Once the transition is over, the call site jumps to the replacement
	# where the kernel can (livepatch.jump); the ftrace path is what a
	# livepatched call costs during a transition, or where it cannot.
	call_cost livepatched
	if [ -e "$JUMP" ]; then
		echo N >"$JUMP" || die "cannot turn livepatch.jump off"
		call_cost livepatched-ftrace-path
		echo Y >"$JUMP"
	fi
	echo Y >"$P/traced"
	call_cost livepatched+ftrace-ops
	echo N >"$P/traced"
	lp_disable
fi
direct_cost
lp_vmlinux_cost
unload_mod klp_bench
# The ftrace-ops sample's own figures: no ops, and one ops, on its tracee.
for n in 0 1; do
	dmesg -C
	insmod "$samples/ftrace-ops.ko" nr_function_calls="$CALLS" nr_ops_relevant=$n 2>/dev/null
	line=$(dmesg | grep -o 'Attempted [0-9]* calls to tracee_relevant [^ ]* in [0-9]*ns') ||
		die "the ftrace-ops sample printed no result"
	set -- $line
	echo "BENCH call ftrace-ops-sample-$n-ops $2 ${8%ns}"
done
echo ok
fi

[ $have_lp = yes ] || exit 0

# transition_times: from the kernel messages of one enable and disable,
# print "<enable-us> <disable-us> <fake signals>"
transition_times() {
	dmesg | awk -v e0="klp_bench: mark enable" \
		-v e1="'klp_bench_patch': patching complete" \
		-v d0="klp_bench: mark disable" \
		-v d1="'klp_bench_patch': unpatching complete" '
		function us(line, t, s) {
			t = line; sub(/^\[ */, "", t); sub(/\].*/, "", t)
			split(t, s, "."); return s[1] * 1000000 + s[2]
		}
		!te0 && index($0, e0) { te0 = us($0) }
		!te1 && index($0, e1) { te1 = us($0) }
		!td0 && index($0, d0) { td0 = us($0) }
		!td1 && index($0, d1) { td1 = us($0) }
		/signaling remaining tasks/ { signals++ }
		END {
			if (!te0 || !te1 || !td0 || !td1)
				exit 1
			print te1 - te0, td1 - td0, signals + 0
		}'
}

# The busy processes (hogs) run from the start of each enable or disable
# to the end of its transition. settle: sleep half a second with them
# stopped, then return just after a scheduler tick.
hogs=()
hogs_stop() {
	[ ${#hogs[@]} -eq 0 ] || kill -STOP "${hogs[@]}"
}

settle() {
	hogs_stop
	sleep 0.5
	[ ${#hogs[@]} -eq 0 ] || kill -CONT "${hogs[@]}"
	echo 1 >"$P/tick"
}

# tries_start: count and time the livepatch core's tries at completing a
# transition, each a walk of every task (klp_try_complete_transition()),
# with the function graph tracer; tries_read prints "<tries> <us>".
tries_start() {
	reset_tracing
	echo klp_try_complete_transition >"$TRACING/set_ftrace_filter" ||
		die "cannot trace klp_try_complete_transition()"
	echo 1 >"$TRACING/max_graph_depth"
	echo function_graph >"$TRACING/current_tracer"
	echo 1 >"$TRACING/tracing_on"
}

tries_read() {
	echo 0 >"$TRACING/tracing_on"
	# " 1) ! 1234.567 us |  klp_try_complete_transition();"
	awk '/klp_try_complete_transition/ {
		for (i = 2; i <= NF; i++)
			if ($i == "us") { n++; s += $(i - 1); break }
	} END { printf "%d %d\n", n, s }' "$TRACING/trace"
	reset_tracing
	echo 0 >"$TRACING/max_graph_depth"
}

# transition(scenario): enable and disable the patch, TREPEAT times, timing
# each until its transition is done; count the fake signals the livepatch
# core needed. The times are those of kernel messages: a mark written to
# /dev/kmsg just before insmod (or before "echo 0 > enabled"), and the
# livepatch core's "patching complete" (or "unpatching complete"), which
# it prints as the transition ends. So they do not depend on how soon the
# polling loop of lp_wait gets the CPU back. Each enable and each disable
# starts after half a second of sleep, when the deferred work of the step
# before it (RCU callbacks, module unload) is over, and just after a
# scheduler tick (klp_bench's "tick"), so that each starts from the same
# state, and the time slices of busy tasks fall the same way. The busy
# tasks are stopped between the steps: with -icount sleep=off, as
# "make bench" runs QEMU, the guest's idle time then costs no host time.
#
# With TRIES=yes, the livepatch core's tries at completing each transition
# are counted and timed too (tries_start), and added to the line.
transition() {
	local tasks times enable disable signals r etries= dtries=
	for r in $(seq "$TREPEAT"); do
		tasks=$(ls -d /proc/[0-9]*/task/[0-9]* | wc -l)
		settle
		dmesg -C
		[ "${TRIES:-}" != yes ] || tries_start
		echo "klp_bench: mark enable" >/dev/kmsg
		lp_enable
		[ "${TRIES:-}" != yes ] || etries=" $(tries_read)"
		settle
		[ "${TRIES:-}" != yes ] || tries_start
		echo "klp_bench: mark disable" >/dev/kmsg
		lp_disable_start
		[ "${TRIES:-}" != yes ] || dtries=" $(tries_read)"
		hogs_stop
		lp_unload
		times=$(transition_times) ||
			die "$1: a kernel message of the transition is missing"
		read -r enable disable signals <<<"$times"
		echo "BENCH transition $1 $tasks $enable $disable $signals$etries$dtries"
		[ "$signals" = 0 ] || die "$1: the transition needed fake signals"
	done
}

# Scale mode (klp_harness.bench=scale): the transitions with many sleeping
# kthreads, for "livepatch: retry a transition soon while only running
# tasks hold it up", which walks every task more often in a transition's
# first second. make bench runs it with and without that patch.
if [ "$mode" = scale ]; then
	[ $have_lp = yes ] || die "scale mode needs livepatch"
	start_test "transition latency with many kthreads ($mode)"
	echo
	# Room for 30,000 more tasks than a 2 GiB guest gets by default.
	echo 100000 >/proc/sys/kernel/threads-max || die "cannot raise threads-max"
	echo 100000 >/proc/sys/kernel/pid_max || die "cannot raise pid_max"
	# klp_harness.scale=N,N...: other numbers of kthreads
	counts=$(sed -n 's/.*klp_harness\.scale=\([0-9,]*\).*/\1/p' /proc/cmdline)
	counts=${counts:-10000,30000}
	for n in ${counts//,/ }; do
		load_mod klp_bench.ko sleepers="$n"
		TRIES=yes TREPEAT=5 transition "kthreads-$n"
		# Two busy user tasks as well: the kthreads they preempt are
		# behind an exception boundary, so the transition is held up
		# and the core keeps walking every task.
		for i in 1 2; do
			bash -c 'while :; do :; done' &
			pids+=($!)
		done
		hogs=("${pids[@]}")
		TRIES=yes TREPEAT=5 transition "kthreads-$n+busy-2"
		kill -CONT "${hogs[@]}"
		kill "${pids[@]}"
		wait 2>/dev/null
		pids=() hogs=()
		unload_mod klp_bench
	done
	echo ok
	exit 0
fi

if section transitions; then
start_test "transition latency ($mode)"
echo
for n in $KTHREADS; do
	load_mod klp_bench.ko sleepers="$n"
	transition "kthreads-$n"
	unload_mod klp_bench
done

load_mod klp_bench.ko
for i in 1 2; do
	bash -c 'while :; do :; done' &
	pids+=($!)
done
hogs=("${pids[@]}")
transition busy-user-2
kill -CONT "${hogs[@]}"
kill "${pids[@]}"
pids=() hogs=()
for i in $(seq "$USERS"); do
	sleep 1000 &
	pids+=($!)
done
transition "sleeping-user-$USERS"
kill "${pids[@]}"
wait 2>/dev/null
unload_mod klp_bench
echo ok
fi

# load_us(module): load a module, print how long insmod took
load_us() {
	local t0
	t0=$(us)
	insmod "$1.ko" || die "cannot load $1"
	echo $(( $(us) - t0 ))
}

# The cost of livepatch relocations: loading a livepatch without them and
# one with RELAS for vmlinux (applied as it loads), then loading the module
# they patch while each is there (klp_bench_rela has RELAS for it, applied
# through the text patching code).
section loads || exit 0
if [ ! -f klp_bench_rela.ko ]; then
	# Livepatch relocations (klp-convert) are arm64 only.
	[ "$(uname -m)" != aarch64 ] || die "klp_bench_rela.ko was not built"
	exit 0
fi
start_test "load cost of livepatch relocations ($mode)"
echo
for r in $(seq "$REPEAT"); do
	for lp in klp_bench_patch klp_bench_rela; do
		n=0
		[ $lp = klp_bench_rela ] && n=$RELAS
		echo "BENCH load livepatch-$n-vmlinux-relocs $n $(load_us $lp)"
		lp_wait $lp
		echo "BENCH load target-with-$n-late-relocs $n $(load_us klp_bench)"
		rmmod klp_bench || die "cannot unload klp_bench"
		lp_disable $lp
	done
done
echo ok
