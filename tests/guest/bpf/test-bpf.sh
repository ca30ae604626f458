#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# BPF trampolines and livepatches on the same function.  BPF fentry and
# fexit programs on cmdline_proc_show() are ftrace direct calls to a BPF
# trampoline, which the module region's randomization places far from
# vmlinux; klp_bpf_p1, klp_bpf_p2 (stacked on it) and klp_bpf_replace (an
# atomic replace) replace that function.  In every order: the livepatch
# first, the BPF programs first, a program on the replacement itself, each
# detaching order, a stacked patch and an atomic replace in between.
#
# Every step reads /proc/cmdline $N times and checks each read: it shows
# the replacement it should, and each attached program counted exactly $N
# calls, each detached one none (the counters: a BPF array map, read with
# bpftool).  Where livepatch.jump is on, the call site of
# cmdline_proc_show() jumps to the replacement while the livepatch is its
# only ftrace user; a BPF program beside it sends the calls through
# ftrace_caller, and once the last one leaves, the call site jumps again
# (the site reader reads the instruction).
#
# The programs are built on the host against the kernel's BTF
# (host-prepare); Debian's bpftool loads them, klp-bpf-attach attaches them.
. "$KLP_HARNESS_FUNCTIONS"

HERE=$(cd "$(dirname "$0")" && pwd)
PREP=$HERE/prepared
MODS=$HERE
BPFFS=/sys/fs/bpf
PINS=$BPFFS/klp_bpf
COUNTS=$BPFFS/klp_bpf_counts
N=20
ORIG=$(cat /proc/cmdline)
# the counters of klp_bpf_counts.h
ENTRY=0 EXIT=1 EXIT_ERR=2 REPL=3
JUMP=/sys/module/livepatch/parameters/jump
READY=$(mktemp -d)
declare -A holder=()
JUMP_WAS=

cleanup() {
	local p m i

	for p in "${holder[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$PINS" "$READY"
	rm -f "$COUNTS"
	for m in klp_bpf_replace klp_bpf_p2 klp_bpf_p1; do
		lp_turn_off $m
	done
	# a livepatch module is let go by a work item after its patch is freed
	for m in klp_bpf_replace klp_bpf_p2 klp_bpf_p1 test_klp_jump_mod; do
		for ((i = 0; i < 1000; i++)); do
			[[ -d /sys/module/$m && $(cat /sys/module/$m/refcnt) != 0 ]] || break
			sleep 0.01
		done
		[ ! -d /sys/module/$m ] || rmmod $m
	done
	[ -z "$JUMP_WAS" ] || echo "$JUMP_WAS" >$JUMP
}
trap cleanup EXIT

[ -e /sys/kernel/btf/vmlinux ] ||
	die "the kernel has no BTF (CONFIG_DEBUG_INFO_BTF): no fentry or fexit programs"
[ -f "$PREP/cmdline.bpf.o" ] ||
	die "no BPF programs: host-prepare built none (no CONFIG_DEBUG_INFO_BTF in the build)"
command -v bpftool >/dev/null || die "no bpftool in the guest"
grep -q " $BPFFS bpf " /proc/mounts || mount -t bpf bpf $BPFFS ||
	die "cannot mount the BPF file system on $BPFFS"

# load OBJ: bpftool loads the programs of OBJ.bpf.o and pins them under
# $PINS/OBJ/; the counters map is pinned by name, the same for every object
load() {
	mkdir -p "$PINS"
	bpftool prog loadall "$PREP/$1.bpf.o" "$PINS/$1" ||
		die "bpftool cannot load $1.bpf.o"
}

# unload OBJ: unpin its programs (they go once nothing attaches them; a
# program on a module's code holds that module until then)
unload() {
	rm -rf "${PINS:?}/$1"
}

# attach OBJ PROG: attach program PROG of OBJ, and hold its link
attach() {
	local p

	rm -f "$READY/$2"
	"$PREP/klp-bpf-attach" "$PINS/$1/$2" "$READY/$2" &
	p=$!
	until [ -s "$READY/$2" ]; do
		if ! kill -0 $p 2>/dev/null; then
			wait $p
			die "cannot attach $2"
		fi
		sleep 0.01
	done
	holder[$2]=$p
}

# detach PROG: release its link; the trampoline is updated when wait returns
detach() {
	kill "${holder[$1]}"
	wait "${holder[$1]}" 2>/dev/null
	unset "holder[$1]"
}

# count I: counter I of klp_bpf_counts.h
count() {
	local out

	out=$(bpftool -j map lookup pinned $COUNTS key "$1" 0 0 0) ||
		die "bpftool cannot read counter $1"
	# {"key":[bytes],"value":[bytes],"formatted":{"key":1,"value":20}}:
	# the map has BTF
	if [[ $out =~ \"formatted\":\{[^}]*\"value\":([0-9]+) ]]; then
		echo "${BASH_REMATCH[1]}"
	else
		die "cannot read counter $1 from: $out"
	fi
}

# drop NAME: unload module NAME once nothing holds it: a livepatch module
# is let go by a work item after its patch is freed
drop() {
	local i=0

	while [[ $(cat "/sys/module/$1/refcnt") != 0 ]]; do
		i=$((i + 1))
		[ $i -lt 1000 ] || die "$1 is still in use after 10 seconds"
		sleep 0.01
	done
	unload_mod "$1"
}

# patch NAME: load livepatch NAME and wait for its transition
patch() {
	load_mod "$MODS/$1.ko"
	lp_wait "$1"
}

# unpatch NAME: disable livepatch NAME, wait, unload it
unpatch() {
	lp_turn_off "$1"
	drop "$1"
}

# reads WHAT SHOWN ENTRY EXIT REPL: read /proc/cmdline $N times; each read
# must show SHOWN, and the counters must move by $N where ENTRY, EXIT and
# REPL say 1 (the program is attached), by 0 where they say 0
reads() {
	local what=$1 shown=$2 i got c want
	local -a before=() step=("$3" "$4" 0 "$5")

	for c in $ENTRY $EXIT $EXIT_ERR $REPL; do
		before[c]=$(count $c) || exit 1
	done
	for ((i = 0; i < N; i++)); do
		got=$(cat /proc/cmdline)
		[[ $got == "$shown" ]] || die "$what: read $i shows '$got', not '$shown'"
	done
	for c in $ENTRY $EXIT $EXIT_ERR $REPL; do
		want=$((before[c] + step[c] * N))
		got=$(count $c) || exit 1
		[[ $got == "$want" ]] ||
			die "$what: counter $c is $got after $N reads, expected $want (was ${before[c]})"
	done
}

# site WHAT JUMPS [TARGET]: the call site of cmdline_proc_show() jumps to
# TARGET when JUMPS is "jump" (and livepatch.jump is on), else calls
SITE_CHECK=
site() {
	local got want

	[ -n "$SITE_CHECK" ] || return 0
	got=$(cat $SITE/site) || die "$1: the site reader cannot read the call site"
	if [[ $2 == jump ]]; then
		want=$(jump_site cmdline_proc_show "$3") || exit 1
	else
		# into ftrace_caller, which runs the livepatch's handler and
		# then the BPF trampoline
		want="cmdline_proc_show: call"
	fi
	[[ $got == "$want" ]] ||
		die "$1: the call site of cmdline_proc_show: expected '$want', read '$got'"
}
# On arm64 the jump is there to check (CONFIG_LIVEPATCH_JUMP); it is on
# for this test, whatever an earlier test left.
if [[ $(uname -m) == aarch64 ]]; then
	JUMP_WAS=$(cat $JUMP) || die "no livepatch.jump parameter (CONFIG_LIVEPATCH_JUMP)"
	echo 1 >$JUMP || die "cannot turn livepatch.jump on"
	site_reader cmdline_proc_show
	SITE_CHECK=1
fi

# The counters' map is pinned when the first object loads.
load cmdline

start_test "the livepatch first, then fentry and fexit on the patched function"
patch klp_bpf_p1
reads "livepatch alone" klp_bpf_p1 0 0 0
site "livepatch alone" jump "klp_bpf_p1_cmdline [klp_bpf_p1]"
attach cmdline klp_bpf_entry
reads "livepatch, fentry" klp_bpf_p1 1 0 0
site "livepatch, fentry" call
attach cmdline klp_bpf_exit
reads "livepatch, fentry, fexit" klp_bpf_p1 1 1 0
echo "ok"

start_test "fentry on the replacement, a stacked livepatch, detach fentry first"
load replacement
attach replacement klp_bpf_repl
reads "fentry on klp_bpf_p1_cmdline" klp_bpf_p1 1 1 1
patch klp_bpf_p2
reads "klp_bpf_p2 stacked" klp_bpf_p2 1 1 0
detach klp_bpf_entry
reads "fentry detached" klp_bpf_p2 0 1 0
echo "ok"

start_test "an atomic replace under fexit, then the last program leaves"
patch klp_bpf_replace
reads "klp_bpf_replace" klp_bpf_replace 0 1 0
# klp_bpf_p1 stays in use while a program attaches to its code
detach klp_bpf_repl
unload replacement
drop klp_bpf_p2
drop klp_bpf_p1
site "fexit beside the replace" call
detach klp_bpf_exit
reads "no program" klp_bpf_replace 0 0 0
site "no program left" jump "klp_bpf_replace_cmdline [klp_bpf_replace]"
unpatch klp_bpf_replace
reads "no livepatch" "$ORIG" 0 0 0
echo "ok"

start_test "fentry and fexit first, then the livepatch"
attach cmdline klp_bpf_entry
attach cmdline klp_bpf_exit
reads "fentry, fexit" "$ORIG" 1 1 0
patch klp_bpf_p1
reads "fentry, fexit, then klp_bpf_p1" klp_bpf_p1 1 1 0
site "programs, then the livepatch" call
load replacement
attach replacement klp_bpf_repl
reads "and fentry on klp_bpf_p1_cmdline" klp_bpf_p1 1 1 1
echo "ok"

start_test "the livepatch disabled and replaced under the programs, detach fexit first"
lp_turn_off klp_bpf_p1
reads "klp_bpf_p1 disabled" "$ORIG" 1 1 0
detach klp_bpf_repl
unload replacement
drop klp_bpf_p1
patch klp_bpf_p1
patch klp_bpf_replace
reads "klp_bpf_replace over klp_bpf_p1" klp_bpf_replace 1 1 0
drop klp_bpf_p1
detach klp_bpf_exit
reads "fexit detached" klp_bpf_replace 1 0 0
detach klp_bpf_entry
reads "no program" klp_bpf_replace 0 0 0
site "the last program left" jump "klp_bpf_replace_cmdline [klp_bpf_replace]"
unpatch klp_bpf_replace
unload cmdline
reads "nothing" "$ORIG" 0 0 0
[ "$(count $EXIT_ERR)" = 0 ] || die "fexit saw cmdline_proc_show() fail"
echo "ok"
