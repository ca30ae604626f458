#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Malformed livepatch modules: every copy of klp_mutant_patch.ko that
# harness/klp_mutants.py made on the host (prepared/mutants/manifest says what each
# one changes) is loaded before its target module and after it. Each one is
# either refused with a kernel message, or loads and works: the patched
# function returns 42. Nothing else is allowed, and the harness fails the
# run on any splat. The good livepatch must still load and work after every
# ten mutants, and at the end.
. "$KLP_HARNESS_FUNCTIONS"

MOD=klp_mutant_mod
LP=/sys/kernel/livepatch
VALUE=/sys/module/$MOD/parameters/value

if [ ! -f klp_mutant_patch.ko ]; then
	# The livepatch uses livepatch relocations (klp-convert): arm64 only.
	[ "$(uname -m)" != aarch64 ] || die "klp_mutant_patch.ko was not built"
	echo "SKIP: the malformed livepatches are arm64 only"
	exit $ksft_skip
fi
[ -s prepared/mutants/manifest ] || die "no prepared/mutants/manifest: host-prepare did not run"


# unpatch(): disable and unload whatever livepatch of $MOD is loaded, and
# $MOD
unpatch() {
	local p
	for p in $(ls $LP 2>/dev/null); do
		lp_turn_off "$p"
	done
	for p in $(lsmod | awk '$1 ~ /^klp_mutant_patch/ { print $1 }'); do
		rmmod "$p" || die "cannot unload $p"
	done
	if [ -d /sys/module/$MOD ]; then
		rmmod $MOD || die "cannot unload $MOD"
	fi
}
trap unpatch EXIT

# try(ko, first): load ko, and the target module before it (first=target)
# or after it (first=patch); print "refused", "refused-target" or "works"
try() {
	local ko=$1 first=$2 mark=$RANDOM$RANDOM out

	log "klp_mutants: mark $mark"
	if [ "$first" = target ]; then
		insmod $MOD.ko || die "cannot load $MOD"
	fi
	if ! out=$(insmod "$ko" 2>&1); then
		dmesg | sed -n "/klp_mutants: mark $mark/,\$p" | grep -vq "klp_mutants: mark" ||
			die "$ko was refused ($out) without a kernel message"
		unpatch
		echo refused
		return
	fi
	lp_wait klp_mutant_patch
	if [ "$first" = patch ] && ! out=$(insmod $MOD.ko 2>&1); then
		dmesg | sed -n "/klp_mutants: mark $mark/,\$p" | grep -vq "klp_mutants: mark" ||
			die "$MOD was refused under $ko ($out) without a kernel message"
		unpatch
		echo refused-target
		return
	fi
	[ "$(cat $VALUE)" = 42 ] ||
		die "$ko ($first first) loaded, but klp_mutant_get() returns $(cat $VALUE), not 42"
	unpatch
	echo works
}

good() {
	local r
	for first in patch target; do
		r=$(try klp_mutant_patch.ko $first)
		[ "$r" = works ] || die "the good livepatch ($first first): $r"
	done
}

start_test "malformed livepatch modules, before and after their target"
good
n=0 refused=0 refused_target=0 works=0
while IFS=$'\t' read -r ko what; do
	for first in patch target; do
		r=$(try "prepared/mutants/$ko" $first) || exit 1
		echo "$ko ($first first): $r: $what"
		case $r in
		refused)        refused=$((refused + 1)) ;;
		refused-target) refused_target=$((refused_target + 1)) ;;
		works)          works=$((works + 1)) ;;
		esac
	done
	n=$((n + 1))
	[ $((n % 10)) != 0 ] || good
done <prepared/mutants/manifest
good
echo "KLP_MUTANTS mutants=$n loads=$((2 * n)) refused=$refused" \
	"refused_at_target_load=$refused_target loaded_and_worked=$works"
echo ok
