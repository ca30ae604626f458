#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The livepatch stress test: livepatches of a module and of vmlinux are
# enabled, stacked, replaced, disabled, reversed and forced over and over,
# and the patched module is unloaded and loaded again under them, while
# - one kthread per CPU calls the patched module function and checks every
#   result against the patch state (klp_stress_mod.c);
# - one shell per CPU reads /proc/cmdline (cmdline_proc_show(), patched in
#   vmlinux) and checks it the same way;
# - kthreads and user tasks sleep elsewhere;
# - the function tracer is switched on and off;
# - the jumps of patched call sites to their replacement (livepatch.jump)
#   are torn down and set up again, JUMPS times.
# Not one wrong result is allowed, nor a transition that needs fake
# signals; the harness fails the run on any splat in the kernel log.
#
# klp_harness.stress=soak on the kernel command line (make stress) runs
# CYCLES=200 cycles with 1000 sleeping kthreads; otherwise (make check) a
# short form runs 5 cycles (each kind once) with 100.
. "$KLP_HARNESS_FUNCTIONS"

mode=$(sed -n 's/.*klp_harness\.stress=\([a-z]*\).*/\1/p' /proc/cmdline)
if [ "${mode:-short}" = soak ]; then
	CYCLES=${CYCLES:-200} SLEEPERS=1000 USERS=100 JUMPS=1000
else
	CYCLES=${CYCLES:-5} SLEEPERS=100 USERS=10 JUMPS=100
fi
JUMP=/sys/module/livepatch/parameters/jump
MOD=klp_stress_mod
P=/sys/module/$MOD/parameters
LP=/sys/kernel/livepatch
STATE=/tmp/klp-stress.state
STOP=/tmp/klp-stress.stop
ORIG=$(cat /proc/cmdline)
NCPU=$(nproc)

[ -d $LP ] || die "no $LP: this kernel has no livepatch"
if [ ! -f klp_stress_p1.ko ]; then
	# The livepatches use livepatch relocations (klp-convert): arm64 only.
	[ "$(uname -m)" != aarch64 ] || die "klp_stress_p1.ko was not built"
	echo "SKIP: the stress livepatches are arm64 only"
	exit $ksft_skip
fi


pids=()
cleanup() {
	touch $STOP
	[ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null
	wait 2>/dev/null
	echo N >$P/block 2>/dev/null
	for p in klp_stress_replace klp_stress_p2 klp_stress_p1; do
		[ -e $LP/$p/enabled ] && echo 0 >$LP/$p/enabled 2>/dev/null
	done
	for p in klp_stress_replace klp_stress_p2 klp_stress_p1; do
		while [ -d $LP/$p ]; do sleep 0.1; done
		rmmod $p 2>/dev/null
	done
	rmmod $MOD 2>/dev/null
	rmmod test_klp_jump_mod 2>/dev/null
	[ ! -e $JUMP ] || echo 1 >$JUMP
	reset_tracing
	rm -f $STOP $STATE $STATE.new
}
trap cleanup EXIT

# expect(n): what klp_stress_target(x) - x must be (0: any), for the
# kthreads, and what /proc/cmdline must show, for the readers. The state
# file has a generation number before the state: every other change is to
# 0, so a read that spans two changes or more may have happened in a
# state 0, which allows anything.
GEN=0
expect() {
	GEN=$((GEN + 1))
	# rename(), so that a reader never sees the file half written
	echo "$GEN $1" >$STATE.new
	mv $STATE.new $STATE
	echo "$1" >$P/expect
}

# allows(state, cmdline): what /proc/cmdline may show in that state
allows() {
	case $1 in
	0) [[ "$2" == "$ORIG" || "$2" == "klp_stress "[234] ]] ;;
	1) [[ "$2" == "$ORIG" ]] ;;
	*) [[ "$2" == "klp_stress $1" ]] ;;
	esac
}

# site: what the call site of cmdline_proc_show() holds, read from memory
# by the site reader (arm64)
site() {
	if [ -r $SITE/site ]; then
		echo "$(<$SITE/site), $(<$SITE/plt)"
	else
		echo "not read"
	fi
}

# The readers of /proc/cmdline: like the kthreads, one reads the state
# before and after each read, and either must allow what it read. A read
# that spans two changes of the state or more (a reader that the scheduler
# kept off its CPU that long) is counted apart: a state 0 lay between.
reader() {
	local n=0 bad=0 spans=0 gb b c ga a s
	while [ ! -e $STOP ]; do
		read -r gb b <$STATE
		c=$(</proc/cmdline)
		read -r ga a <$STATE
		n=$((n + 1))
		if [ $((ga - gb)) -ge 2 ]; then
			spans=$((spans + 1))
			continue
		fi
		allows "$b" "$c" || allows "$a" "$c" && continue
		bad=$((bad + 1))
		[ $bad -gt 3 ] && continue
		# In the kernel log too, where the transitions are: first what
		# the call site holds in memory now (if that is right for the
		# state, the CPU ran code that was no longer there), then what
		# the next reads show and what ftrace has at the call site.
		s=$(site)
		echo "reader $1: /proc/cmdline is '$c' in state $b..$a" >&2
		log "klp_stress: reader $1: '$c' in state $b..$a; site: $s; then '$(</proc/cmdline)', '$(</proc/cmdline)' in state $(<$STATE); transitions: $(grep -H . $LP/*/transition 2>/dev/null | tr '\n' ' '); $(grep cmdline_proc_show $TRACING/enabled_functions)"
	done
	echo "$n $bad $spans" >/tmp/klp-stress.reader.$1
}

# The function tracer on the patched functions, on and off. A write may
# fail while the module is away: the next one tries again.
tracer() {
	while [ ! -e $STOP ]; do
		echo 'klp_stress_* cmdline_proc_show' >$TRACING/set_ftrace_filter 2>/dev/null
		echo function >$TRACING/current_tracer 2>/dev/null
		sleep 0.3
		echo nop >$TRACING/current_tracer
		sleep 0.3
	done
}

# gone(patch...): wait until the livepatch core has freed them
gone() {
	local p
	for p in "$@"; do
		while [ -d $LP/$p ]; do sleep 0.01; done
	done
}

times=()
# wait_done(patch): wait for its transition to end, record how long it took
# since T0
wait_done() {
	lp_wait $1
	times+=($(( $(us) - T0 )))
}

enable() {	# enable(patch, n): load it, wait, then expect n
	expect 0
	T0=$(us)
	insmod $1.ko || die "cannot load $1"
	wait_done $1
	expect $2
}

disable() {	# disable(patch, n): disable it, wait until it is gone, expect n
	expect 0
	T0=$(us)
	echo 0 >$LP/$1/enabled || die "cannot disable $1"
	wait_done $1
	gone $1
	rmmod $1 || die "cannot unload $1"
	expect $2
}

start_test "livepatch stress: $CYCLES cycles, $NCPU CPUs, $SLEEPERS sleeping kthreads"
rm -f $STOP /tmp/klp-stress.reader.*
log "klp_stress: start"
echo "$GEN 1" >$STATE
load_mod $MOD.ko sleepers=$SLEEPERS
if [ -f $SITE_KO ]; then
	site_reader cmdline_proc_show
fi
for i in $(seq $USERS); do
	sleep 10000 &
	pids+=($!)
done
for i in $(seq $NCPU); do
	reader $i &
	pids+=($!)
done
tracer &
pids+=($!)
reloads=0 reversed=0
for c in $(seq $CYCLES); do
	case $((c % 5)) in
	1)	# enable and disable
		enable klp_stress_p1 2
		disable klp_stress_p1 1 ;;
	2)	# stacked
		enable klp_stress_p1 2
		enable klp_stress_p2 3
		disable klp_stress_p2 2
		disable klp_stress_p1 1 ;;
	3)	# atomic replace of a stack
		enable klp_stress_p1 2
		enable klp_stress_p2 3
		enable klp_stress_replace 4
		gone klp_stress_p2 klp_stress_p1
		rmmod klp_stress_p2 klp_stress_p1 || die "cannot unload the replaced patches"
		disable klp_stress_replace 1 ;;
	4)	# the patched module unloaded and loaded again under the patch
		enable klp_stress_p1 2
		before=$(cat $P/patched_calls)
		[ "$before" -gt 0 ] || die "no call reached the replacement"
		rmmod $MOD || die "cannot unload $MOD under the patch"
		insmod $MOD.ko sleepers=$SLEEPERS expect=2 || die "cannot load $MOD under the patch"
		sleep 0.1
		[ "$(cat $P/patched_calls)" -gt 0 ] ||
			die "no call reached the replacement after $MOD was loaded again"
		reloads=$((reloads + 1))
		disable klp_stress_p1 1 ;;
	0)	# a transition reversed half way: the blocker holds it up
		echo Y >$P/block
		while [ "$(cat $P/held)" != 1 ]; do sleep 0.01; done
		expect 0
		insmod klp_stress_p1.ko || die "cannot load klp_stress_p1"
		sleep 0.1
		[ "$(cat $LP/klp_stress_p1/transition)" = 1 ] ||
			die "the transition did not wait for the blocker"
		echo 0 >$LP/klp_stress_p1/enabled || die "cannot reverse the transition"
		echo N >$P/block
		T0=$(us)
		wait_done klp_stress_p1
		gone klp_stress_p1
		rmmod klp_stress_p1 || die "cannot unload klp_stress_p1"
		expect 1
		reversed=$((reversed + 1)) ;;
	esac
done

# Where the kernel makes the call sites of patched functions jump to their
# replacement once a transition is over (livepatch.jump), every cycle above
# tears the jumps down as a transition starts and sets them up as it ends.
# Here they are torn down and set up JUMPS more times, with no transition,
# while the callers check every result and the tracer comes and goes.
jumps=0
if [ -e $JUMP ]; then
	enable klp_stress_p1 2
	for i in $(seq $JUMPS); do
		echo 0 >$JUMP || die "cannot turn livepatch.jump off"
		echo 1 >$JUMP || die "cannot turn livepatch.jump on"
	done
	jumps=$JUMPS
	disable klp_stress_p1 1
fi

# A forced transition, once: a forced patch module can never be unloaded.
echo Y >$P/block
while [ "$(cat $P/held)" != 1 ]; do sleep 0.01; done
expect 0
insmod klp_stress_p2.ko || die "cannot load klp_stress_p2"
sleep 0.1
[ "$(cat $LP/klp_stress_p2/transition)" = 1 ] ||
	die "the transition did not wait for the blocker"
echo 1 >$LP/klp_stress_p2/force || die "cannot force the transition"
T0=$(us)
wait_done klp_stress_p2
expect 3
echo N >$P/block
sleep 0.2
expect 0
echo 0 >$LP/klp_stress_p2/enabled
wait_done klp_stress_p2
expect 1
sleep 0.2

touch $STOP
wait "${pids[@]:$USERS}" 2>/dev/null
calls=$(cat $P/calls) wrong=$(cat $P/wrong) spanning=$(cat $P/spanning)
rcalls=0 rwrong=0 rspans=0
for i in $(seq $NCPU); do
	read -r n b s </tmp/klp-stress.reader.$i || die "reader $i left no count"
	rcalls=$((rcalls + n)) rwrong=$((rwrong + b)) rspans=$((rspans + s))
done
signals=$(dmesg | sed -n '/klp_stress: start/,$p' | grep -c 'signaling remaining tasks' || true)
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
pct() { echo "${sorted[$(( (${#sorted[@]} - 1) * $1 / 100 ))]}"; }
echo
echo "KLP_STRESS cycles=$CYCLES transitions=${#times[@]} reloads=$reloads reversed=$reversed forced=1 jumps=$jumps" \
	"kthread_calls=$calls kthread_wrong=$wrong kthread_spanning=$spanning reader_calls=$rcalls reader_wrong=$rwrong reader_spanning=$rspans" \
	"fake_signals=$signals transition_us_p50=$(pct 50) p90=$(pct 90) p99=$(pct 99) max=${sorted[-1]}"
[ "$calls" -gt 0 ] && [ "$rcalls" -gt 0 ] || die "the callers made no calls"
[ "$wrong" = 0 ] || die "$wrong wrong results of klp_stress_target()"
[ "$rwrong" = 0 ] || die "$rwrong wrong reads of /proc/cmdline"
[ "$signals" = 0 ] || die "$signals transitions needed fake signals"
echo ok
