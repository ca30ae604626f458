#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# fresh-check.sh: the README's two commands on a machine that has nothing.
#
# Makes a clean Debian bookworm root with debootstrap (minbase, plus git and
# make: what a newcomer needs to clone the repository and type "make"),
# with the apt sources of this machine's Debian mirror (the suite, its
# updates and its security suite, which serves linux-source-6.12), clones
# the committed HEAD of this repository into it, and runs "make check",
# "make demo" and a one-minute "make fuzz" (afl++ is installed by setup
# for it alone) there in a chroot with proc, sys and dev mounted.  Nothing of
# this machine's caches goes in: every package, the base source, every
# kernel build and the guest root filesystem are made anew.
#
# FRESH_ROOT=DIR puts the root elsewhere (default out/fresh-root; about
# 20 GiB once everything is built).  KEEP=1 keeps it afterwards.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || die "fresh-check needs root (debootstrap, chroot, mount)"
root=${FRESH_ROOT:-$OUT/fresh-root}
log=$LOGS/fresh-check.log
suite=bookworm

# This machine's Debian mirrors: the URI that serves $suite, and the one
# that serves $suite-security (deb822 .sources files or sources.list).
mirror_for() {	# mirror_for SUITE: the first URI that serves SUITE
	local f
	{
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -f "$f" ] || continue
			awk -v want="$1" '
				function flush() { if (ok && uri) print uri; ok = 0; uri = "" }
				/^[[:space:]]*$/ { flush() }
				/^URIs:/ { uri = $2 }
				/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == want) ok = 1 }
				END { flush() }' "$f"
		done
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
			[ -f "$f" ] || continue
			awk -v want="$1" '$1 == "deb" && $3 == want { print $2 }' "$f"
		done
	} | sed -n 1p
}
main_uri=$(mirror_for "$suite")
sec_uri=$(mirror_for "$suite-security")
[ -n "$main_uri" ] || die "no apt source for '$suite' on this machine"
[ -n "$sec_uri" ] || die "no apt source for '$suite-security' on this machine"

if ! command -v debootstrap >/dev/null; then
	stage "fresh-check: installing debootstrap on this machine"
	run_logged "$LOGS/apt.log" apt-get install -y -q --no-install-recommends debootstrap
fi

mounts=()
cleanup() {
	local i
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount -l "${mounts[$i]}" 2>/dev/null || true
	done
	if [ -z "${KEEP:-}" ]; then
		rm -rf "$root"
	fi
}
trap cleanup EXIT

mount_in() {	# mount_in ARGS... TARGET
	mount "$@"
	mounts+=("${!#}")
}

stage "fresh-check: a clean $suite root in ${root#"$TOP"/} (log: ${log#"$TOP"/})"
: >"$log"
rm -rf "$root"
t0=$(date +%s)
run_logged "$log.debootstrap" debootstrap --variant=minbase --include=git,make \
	"$suite" "$root" "$main_uri"
cat >"$root/etc/apt/sources.list" <<EOF
deb $main_uri $suite main
deb $main_uri $suite-updates main
deb $sec_uri $suite-security main
EOF
cp /etc/resolv.conf "$root/etc/resolv.conf"
info "fresh-check: root made in $(( $(date +%s) - t0 )) s"

mkdir -p "$root/work"
git clone -q "$TOP" "$root/work/klp-arm64"
info "fresh-check: cloned $(git -C "$TOP" rev-parse --short HEAD) ($(git -C "$TOP" log -1 --format=%s | cut -c1-60))"

mount_in -t proc proc "$root/proc"
mount_in -t sysfs sysfs "$root/sys"
mount_in --bind /dev "$root/dev"
mount_in -t devpts devpts "$root/dev/pts"
mount_in -t tmpfs tmpfs "$root/dev/shm"
mount_in -t tmpfs tmpfs "$root/tmp"

stage "fresh-check: make check, make demo and make fuzz, in the clean root"
rc=0
chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	bash -c 'cd /work/klp-arm64 && make check; c=$?; make demo; d=$?;
		FUZZ_TIME=60 make fuzz; f=$?
		echo "fresh-check: make check exit $c, make demo exit $d, make fuzz exit $f"
		[ $c -eq 0 ] && [ $d -eq 0 ] && [ $f -eq 0 ]' 2>&1 | tee -a "$log" || rc=$?
wall=$(( $(date +%s) - t0 ))
printf 'fresh-check: wall time %d min %d s\n' $((wall / 60)) $((wall % 60)) | tee -a "$log"
exit $rc
