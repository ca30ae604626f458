#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Injected allocation failures on every path of a livepatch's life:
#   load-alone     loading the livepatch (vmlinux relocations, enabling it)
#                  with its target module not loaded,
#   load-target    the same with the target loaded (its relocations too),
#   late           loading the target under the livepatch (late
#                  relocations, livepatch PLT slots),
#   disable        disabling the livepatch,
#   unload-target  unloading the target under the livepatch,
#   unload-patch   unloading the disabled livepatch.
# On each path, the Nth fault injection point (failslab and
# fail_page_alloc, through /proc/thread-self/fail-nth and prepared/failnth)
# fails, for N = 1, 2, ... until the path completes with nothing injected
# (make faults), or for every 20th N and the last one (make check).
# Each injected failure must give a clean error and leave the state as it
# was (modules, /sys/kernel/livepatch, ftrace, what the patched function
# returns), or be absorbed (the path still works), and a retry must
# succeed. kmemleak must find nothing after each path, and the harness
# fails the run on any splat other than the stack traces the kernel prints
# for the failed allocations themselves (harness/ktap.py).
. "$KLP_HARNESS_FUNCTIONS"

MOD=klp_mutant_mod
LP=klp_mutant_patch
SYS=/sys/kernel/livepatch/$LP
VALUE=/sys/module/$MOD/parameters/value
DBG=/sys/kernel/debug
FAILNTH=prepared/failnth
KO=prepared/faults

# The kernel command line may say which paths (klp_faults.paths=P,P...)
# and how many points (klp_faults.stride=S: every Sth one, and the last).
# make check tests every 20th, make faults every one.
PATHS=$(sed -n 's/.*klp_faults\.paths=\([a-z_,]*\).*/\1/p' /proc/cmdline)
PATHS=${PATHS:-load_alone,load_target,late,disable,unload_target,unload_patch}
STRIDE=$(sed -n 's/.*klp_faults\.stride=\([0-9]*\).*/\1/p' /proc/cmdline)
STRIDE=${STRIDE:-20}

if [ ! -f $LP.ko ]; then
	# The livepatch uses livepatch relocations (klp-convert): arm64 only.
	[ "$(uname -m)" != aarch64 ] || die "$LP.ko was not built"
	echo "SKIP: the fault injection livepatch is arm64 only"
	exit $ksft_skip
fi
if [ ! -e /proc/thread-self/fail-nth ]; then
	echo "SKIP: this kernel has no fault injection (CONFIG_FAULT_INJECTION)"
	exit $ksft_skip
fi
for f in $DBG/failslab $DBG/fail_page_alloc $DBG/kmemleak; do
	[ -e $f ] || die "no $f: the kernel needs FAILSLAB, FAIL_PAGE_ALLOC, FAULT_INJECTION_DEBUG_FS and DEBUG_KMEMLEAK"
done
[ -x $FAILNTH ] && [ -f $KO/$LP.ko ] || die "no $FAILNTH or $KO: host-prepare did not run"

# -- the injection set-up, restored at the end ------------------------------
saved=()
set_attr() {
	saved+=("$1=$(cat "$1")")
	echo "$2" >"$1" || die "cannot set $1"
}

restore() {
	local s
	for s in "${saved[@]}"; do
		echo "${s#*=}" >"${s%%=*}"
	done
	log "klp-harness-faults: end"
}

# -- the states ---------------------------------------------------------------
loaded() {
	[ -d /sys/module/$1/sections ]
}

# state: what an injected failure must leave as it was, in $STATE (no
# command runs: this is called three times for each injection point)
state() {
	local name size refs deps st rest p f=()
	STATE=
	while read -r name size refs deps st rest; do
		[[ $name != klp_mutant* ]] || STATE+="module $name $st;"
	done </proc/modules
	for p in /sys/kernel/livepatch/*; do
		[ -e "$p" ] && STATE+="livepatch ${p##*/};"
	done
	if [ -d $SYS ]; then
		read -r e <$SYS/enabled
		read -r t <$SYS/transition
		read -r o <$SYS/$MOD/patched
		STATE+="enabled $e transition $t patched $o;"
	fi
	mapfile -t f </sys/kernel/tracing/enabled_functions
	STATE+="ftrace ${#f[@]} functions;"
	if [ -e $VALUE ]; then
		read -r v <$VALUE
		STATE+="value $v;"
	fi
}

# value V: klp_mutant_get() returns V
value() {
	local v
	v=$(cat $VALUE)
	[ "$v" = "$1" ] || die "klp_mutant_get() returns $v, not $1"
}

load() {
	insmod "$KO/$1.ko" || die "cannot load $1"
	[ "$1" != $LP ] || lp_wait $LP
}

unload() {
	rmmod "$1" || die "cannot unload $1"
}

disable() {
	echo 0 >$SYS/enabled || die "cannot disable $LP"
	lp_wait $LP
	while [ -d $SYS ]; do sleep 0.01; done
}

# clean: nothing of this test loaded
clean() {
	if [ -d $SYS ]; then
		lp_wait $LP
		[ "$(cat $SYS/enabled)" = 0 ] || disable
		while [ -d $SYS ]; do sleep 0.01; done
	fi
	! loaded $LP || unload $LP
	! loaded $MOD || unload $MOD
}

trap 'clean; restore' EXIT

# -- each path: how to get to it, the call, the check, the way back ----------
# pre_P, op_P (failnth arguments), ok_P (after the call succeeded) and
# undo_P (from there back to pre_P's state)
pre_load_alone()  { :; }
op_load_alone()   { echo load $KO/$LP.ko; }
ok_load_alone()   { lp_wait $LP; [ "$(cat $SYS/enabled)" = 1 ] || die "$LP is not enabled"; }
undo_load_alone() { disable; unload $LP; }

pre_load_target()  { load $MOD; value 41; }
op_load_target()   { echo load $KO/$LP.ko; }
ok_load_target()   { lp_wait $LP; value 42; }
undo_load_target() { disable; unload $LP; value 41; }

pre_late()  { load $LP; }
op_late()   { echo load $KO/$MOD.ko; }
ok_late()   { value 42; }
undo_late() { unload $MOD; }

pre_disable()  { load $MOD; load $LP; value 42; }
op_disable()   { echo write $SYS/enabled 0; }
ok_disable()   { lp_wait $LP; while [ -d $SYS ]; do sleep 0.01; done; value 41; }
undo_disable() { unload $LP; load $LP; value 42; }

pre_unload_target()  { load $LP; load $MOD; value 42; }
op_unload_target()   { echo unload $MOD; }
ok_unload_target()   { ! loaded $MOD || die "$MOD is still loaded"; }
undo_unload_target() { load $MOD; value 42; }

pre_unload_patch()  { load $MOD; load $LP; disable; value 41; }
op_unload_patch()   { echo unload $LP; }
ok_unload_patch()   { ! loaded $LP || die "$LP is still loaded"; }
undo_unload_patch() { load $LP; disable; }

kmemleak_check() {
	local leaks
	# kmemleak reports only objects older than five seconds
	sleep 6
	echo scan >$DBG/kmemleak
	leaks=$(cat $DBG/kmemleak)
	[ -z "$leaks" ] || die "kmemleak after the $1 path:
$(echo "$leaks" | head -n 40)"
}

# probe P N: one run of path P with its Nth injection point failing.
# Returns 0 if a fault was injected, 1 if the path ran past its last point.
probe() {
	local p=$1 n=$2 out rc=0 ret=0 before

	state
	before=$STATE
	out=$($FAILNTH $n $(op_$p)) || rc=$?
	[ $rc -le 1 ] || die "failnth $n $(op_$p): $out"
	if [ "${out%% *}" = injected=0 ]; then
		# every injection point is behind us: the path itself works
		[ $rc = 0 ] || die "$p: fails with nothing injected: $out"
		ok_$p
		undo_$p
		ret=1
	elif [ $rc = 0 ]; then
		# the failed allocation was absorbed: the path still works
		absorbed=$((absorbed + 1))
		ok_$p
		undo_$p
	else
		failed=$((failed + 1))
		errs+=" ${out##*result=}"
		state
		[ "$STATE" = "$before" ] ||
			die "$p: injection point $n ($out) left a changed state behind:
before: $before
after:  $STATE"
		# and a retry succeeds
		out=$($FAILNTH 0 $(op_$p)) || die "$p: the retry after point $n failed: $out"
		ok_$p
		undo_$p
	fi
	state
	[ "$STATE" = "$before" ] ||
		die "$p: not back where it started after point $n:
before: $before
after:  $STATE"
	return $ret
}

total_points=0 total_tested=0 total_failed=0 total_absorbed=0
run_path() {
	local p=$1 n=1 lo hi mid failed=0 absorbed=0 errs="" t0

	t0=$(us)
	clean
	pre_$p
	# Every STRIDEth point up to the first run with nothing injected, then
	# a bisection for the last point (with STRIDE=1, every point).
	while probe $p $n; do
		[ $(((n - 1) / STRIDE % 10)) != 9 ] || [ $(((n - 1) % STRIDE)) != 0 ] ||
			echo "$p: $n injection points so far"
		n=$((n + STRIDE))
	done
	lo=$((n - STRIDE)) hi=$n
	[ $lo -ge 0 ] || lo=0
	while [ $((hi - lo)) -gt 1 ]; do
		mid=$(((lo + hi) / 2))
		if probe $p $mid; then lo=$mid; else hi=$mid; fi
	done
	clean
	kmemleak_check $p
	echo "KLP_FAULTS path=$p points=$lo tested=$((failed + absorbed))" \
	     "failed_cleanly=$failed absorbed=$absorbed" \
	     "errors=$(for e in $errs; do echo $e; done | sort | uniq -c |
		awk '{ printf "%s%s:%s", (NR > 1 ? "," : ""), $2, $1 }')" \
	     "seconds=$(( ($(us) - t0) / 1000000 ))"
	total_points=$((total_points + lo))
	total_tested=$((total_tested + failed + absorbed))
	total_failed=$((total_failed + failed))
	total_absorbed=$((total_absorbed + absorbed))
}

start_test "injected allocation failures while a livepatch loads, works and goes"
for a in failslab fail_page_alloc; do
	[ "$(cat $DBG/$a/probability)" = 0 ] || die "$a: probability is not 0"
	# GFP_KERNEL allocations too, and every one announced in the log
	set_attr $DBG/$a/ignore-gfp-wait N
	set_attr $DBG/$a/verbose 1
	set_attr $DBG/$a/verbose_ratelimit_interval_ms 0
done
set_attr $DBG/fail_page_alloc/ignore-gfp-highmem N
set_attr $DBG/fail_page_alloc/min-order 0
# What earlier tests of the run left unreferenced is not this test's:
# find it (kmemleak reports objects older than five seconds), and forget it.
sleep 6
echo scan >$DBG/kmemleak
echo clear >$DBG/kmemleak
log "klp-harness-faults: begin"

for p in ${PATHS//,/ }; do
	run_path $p
done
echo "KLP_FAULTS paths=$(echo ${PATHS//,/ } | wc -w) stride=$STRIDE points=$total_points" \
     "tested=$total_tested failed_cleanly=$total_failed absorbed=$total_absorbed" \
     "survived=$((total_failed + total_absorbed))"
echo ok
