#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Helpers for guest tests (make guest-test DIR=...), in the style of
# tools/testing/selftests/livepatch/functions.sh.  A test script sources
# this with:   . "$KLP_HARNESS_FUNCTIONS"
# then calls start_test, and exits 0 (pass), 1 (fail) or 4 (skip).

ksft_skip=4

# log(msg): write a marker into the kernel log
log() {
	echo "$1" >/dev/kmsg
}

die() {
	log "ERROR: ${1%%$'\n'*}"
	echo "ERROR: $1" >&2
	exit 1
}

# start_test(name): print the test's title and mark the kernel log
start_test() {
	echo -n "TEST: $1 ... "
	log "===== TEST: $1 ====="
}

# load_mod(path.ko, params...)
load_mod() {
	local ko=$1; shift
	insmod "$ko" "$@" || die "failed to load $ko"
}

# unload_mod(name)
unload_mod() {
	rmmod "$1" || die "failed to unload $1"
	[ ! -e "/sys/module/$1" ] || die "$1 still loaded after rmmod"
}

# tracing helpers: reset_tracing, then trace_function FUNC runs the function
# tracer on FUNC only.
TRACING=/sys/kernel/tracing
reset_tracing() {
	echo 0 >"$TRACING/tracing_on"
	echo nop >"$TRACING/current_tracer"
	: >"$TRACING/set_ftrace_filter"
	: >"$TRACING/trace"
}

trace_function() {
	reset_tracing
	echo "$1" >"$TRACING/set_ftrace_filter" || die "cannot trace $1"
	echo function >"$TRACING/current_tracer"
	echo 1 >"$TRACING/tracing_on"
}

# assert_trace_has(regex, what): the trace buffer has a line matching regex
assert_trace_has() {
	grep -qE "$1" "$TRACING/trace" ||
		die "$2: no line matching '$1' in the trace:
$(grep -v '^#' "$TRACING/trace" | head -n 20)"
}

# us: the time in microseconds (10#: the seconds may be 0 after boot)
us() {
	local t
	t=$(date +%s%N)
	echo $(( 10#$t / 1000 ))
}

# lp_wait(livepatch): wait until its transition is over, or it is gone
# (a minute at most). Only a 0 read from its transition file, or the file
# gone, ends the wait: a read that fails (a signal) is tried again.
lp_wait() {
	local f=/sys/kernel/livepatch/$1/transition t i=0
	while [ -e "$f" ]; do
		t=
		read -r t 2>/dev/null <"$f"
		[ "$t" != 0 ] || return 0
		i=$((i + 1))
		[ $i -lt 3000 ] || die "the transition of $1 did not end within a minute"
		sleep 0.02
	done
}

# lp_turn_off(livepatch): if it is enabled, disable it once its transition is
# over, and wait until the livepatch core has let go of it (its sysfs
# directory is gone; a minute at most). Its module stays loaded.
lp_turn_off() {
	local i=0
	[ -d "/sys/kernel/livepatch/$1" ] || return 0
	lp_wait "$1"
	echo 0 >"/sys/kernel/livepatch/$1/enabled" 2>/dev/null
	while [ -d "/sys/kernel/livepatch/$1" ]; do
		i=$((i + 1))
		[ $i -lt 6000 ] || die "$1 was not gone within a minute of its disable"
		sleep 0.01
	done
}

# ksym_addr(name): the address of a symbol, from /proc/kallsyms
ksym_addr() {
	awk -v s="$1" '$3 == s { print "0x" $1; exit }' /proc/kallsyms
}

# ksym_reach(from, to): "near" if symbol to is within reach of a B or BL at
# symbol from (+/-128 MiB), else "far"; dies if either has no address
ksym_reach() {
	local a b dist

	a=$(ksym_addr "$1")
	b=$(ksym_addr "$2")
	[ -n "$a" ] && [ -n "$b" ] || die "no address for $1 or $2"
	dist=$(( b - a ))
	(( dist < 0 )) && dist=$(( -dist ))
	if (( dist < 128 * 1024 * 1024 )); then
		echo near
	else
		echo far
	fi
}

# The site reader of the livepatch selftests (arm64): test_klp_jump_mod
# reports what the call site of a function holds in memory ("site") and
# whether the function has a PLT of its own ("plt").
SITE_KO=/kselftest/livepatch/test_modules/test_klp_jump_mod.ko
SITE=/sys/module/test_klp_jump_mod/parameters

# site_reach(func, target): how the ftrace call site of function func,
# which the site reader looks at, reaches target: "near" (within reach of a
# B or BL), "plt" (out of reach, through func's own PLT, where the kernel
# gives functions one) or "ftrace" (out of reach, through ftrace_caller)
site_reach() {
	local where

	where=$(ksym_reach "$1" "$2") || exit 1
	if [ "$where" = near ]; then
		echo near
	elif [[ $(cat $SITE/plt) == "$1: plt" ]]; then
		echo plt
	else
		echo ftrace
	fi
}

# jump_site(func, target): what the site reader shows for the call site of
# function func while it jumps to target (as %ps prints it, "name [module]"
# for a module's): a B within reach, else a B to func's own PLT where it
# has one, else the call into ftrace_caller, whose direct path jumps
jump_site() {
	case $(site_reach "$1" "${2%% *}") in
	near)	echo "$1: jump $2" ;;
	plt)	echo "$1: jump $2 through its plt" ;;
	*)	echo "$1: call" ;;
	esac
}

# site_reader(name): load the site reader and point it at function name
site_reader() {
	local addr

	[ -f $SITE_KO ] || die "no $SITE_KO"
	addr=$(ksym_addr "$1")
	[ -n "$addr" ] || die "no address for $1"
	load_mod $SITE_KO
	echo "$addr" >$SITE/func || die "the site reader cannot look at $1"
}
