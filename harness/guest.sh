#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# guest.sh: put a built kernel, its modules and tests into an initramfs and
# boot it under QEMU.
#
#   guest.sh test  PROFILE CPU DIR...  run the kselftests of the profile's
#                                     kernel plus every test-*.sh in each DIR
#   guest.sh demo  PROFILE CPU         the demo (guest/demo.sh)
#   guest.sh shell PROFILE CPU         an interactive shell
#
# A DIR is a guest test directory: test-*.sh scripts, an optional Kbuild
# Makefile for modules (built against the profile's kernel), an optional
# kselftest "settings" file.  It runs as the kselftest collection named
# after the directory.
#
# QEMU_EXTRA adds QEMU arguments, QEMU_SMP overrides the profile's vCPUs,
# KLP_APPEND adds kernel command line arguments.
. "$(dirname "$0")/lib.sh"

mode=${1:?usage: guest.sh test|demo|shell PROFILE CPU [DIR...]}
profile=${2:?missing kernel profile}
cpu=${3:?missing QEMU profile}
shift 3
conf=$TOP/qemu/$cpu.conf
[ -f "$conf" ] || die "no QEMU profile '$cpu' (qemu/*.conf: $(cd "$TOP/qemu" && ls -1 | sed 's/\.conf$//' | xargs))"
load_profile "$profile"
# qemu_conf KEY DEFAULT: a setting of the QEMU profile
qemu_conf() {
	local v
	v=$(sed -n "s/^[[:space:]]*$1=\([^[:space:]#]*\).*/\1/p" "$conf" | tail -n 1)
	echo "${v:-$2}"
}
qarch=$(qemu_conf arch aarch64)
case $KARCH:$qarch in
arm64:aarch64|x86_64:x86_64) ;;
*) die "kernel profile '$profile' is $KARCH, QEMU profile '$cpu' is $qarch" ;;
esac
b=$(build_dir "$profile")
stg=$b/staging
[ -f "$stg/kernel.release" ] || die "the $profile kernel is not built (run: make build PROFILE=$profile)"
krel=$(cat "$stg/kernel.release")
run_dir=$OUT/runs/$(basename "$b")-$cpu${RUN_TAG:+-$RUN_TAG}
mkdir -p "$run_dir"

pack() {	# pack DIR > cpio
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet)
}

# The kernel's part of the initramfs: modules, headers (the build
# directory of /lib/modules/$krel/build), kselftests, /init and helpers.
kernel_cpio() {
	local out=$stg/kernel.cpio r
	if [ -f "$out" ] && [ -z "$(find "$stg/kernel.release" "$TOP/guest" "$TOP/patches/series" "$0" \
			-newer "$out" 2>/dev/null | head -n 1)" ]; then
		echo "$out"; return
	fi
	r=$stg/kroot
	rm -rf "$r"
	# Only below usr/: the initramfs unpacker replaces a symlink of the
	# base archive (lib -> usr/lib) by a directory of a later archive.
	mkdir -p "$r/usr/lib/klp-harness" "$r/usr/src" "$r/usr/lib/modules"
	cp -a "$stg/modroot/lib/modules/$krel" "$r/usr/lib/modules/"
	cp -a "$stg/extmod" "$r/usr/src/linux-headers-$krel"
	ln -sfn "/usr/src/linux-headers-$krel" "$r/usr/lib/modules/$krel/build"
	cp -a "$stg/kselftest" "$r/kselftest"
	install -m 755 "$TOP/guest/init" "$r/init"
	install -m 644 "$TOP/guest/functions.sh" "$r/usr/lib/klp-harness/"
	install -m 755 "$TOP/guest/demo.sh" "$r/usr/lib/klp-harness/"
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/patches/series" >"$r/usr/lib/klp-harness/series"
	pack "$r" >"$out.tmp"
	mv "$out.tmp" "$out"
	rm -rf "$r"
	echo "$out"
}

# tests_cpio DIR...: build each test directory and add it as a collection.
tests_cpio() {
	local r=$run_dir/troot d name copy t
	rm -rf "$r"
	mkdir -p "$r/kselftest"
	cp "$stg/kselftest/kselftest-list.txt" "$r/kselftest/"
	for d in "$@"; do
		d=$(cd "$d" && pwd) || die "no such test directory: $d"
		name=$(basename "$d")
		# COLLECTIONS= narrows the run: build and pack only what it runs.
		if [ -n "${COLLECTIONS:-}" ] &&
		   [[ ",$COLLECTIONS," != *",$name,"* && ",$COLLECTIONS," != *",$name:"* ]]; then
			continue
		fi
		compgen -G "$d/test-*.sh" >/dev/null || die "$d has no test-*.sh"
		copy=$OUT/guest-tests/$(basename "$b")/$name
		mkdir -p "$copy"
		rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
			--exclude '/prepared/' "$d/" "$copy/"
		if [ -f "$copy/Makefile" ] || [ -f "$copy/Kbuild" ]; then
			info "guest-test: building modules of $name against $b" >&2
			run_logged "$LOGS/guest-test-$profile-$name.log" \
				make -C "$b" M="$copy" "${KBUILD_ARGS[@]}" -j"$JOBS" modules ||
				die "could not build the modules in $d (log: $LOGS/guest-test-$profile-$name.log)"
		fi
		# host-prepare: what the directory makes on the host once its
		# modules are built (sourced in the copy, with TOP set), under
		# prepared/.
		if [ -f "$copy/host-prepare" ]; then
			(cd "$copy" && TOP=$TOP . ./host-prepare) >&2 ||
				die "host-prepare of $d failed"
		fi
		mkdir -p "$r/kselftest/$name"
		# prepared/ goes whole (BPF objects are *.o too).
		rsync -a --include '/prepared/***' \
			--exclude '*.o' --exclude '.*.cmd' --exclude '*.mod*' \
			--exclude 'modules.order' --exclude 'Module.symvers' "$copy/" "$r/kselftest/$name/"
		for t in "$copy"/test-*.sh; do
			chmod +x "$r/kselftest/$name/$(basename "$t")"
			echo "$name:$(basename "$t")" >>"$r/kselftest/kselftest-list.txt"
		done
	done
	pack "$r" >"$run_dir/tests.cpio"
	rm -rf "$r"
}

collections() {
	local c
	# kselftest targets of the kernel, then the test directories
	sed -e 's/#.*//' "$TOP/configs/kselftests" | xargs -r -n1
	for c in "$@"; do basename "$c"; done
}

# Runs of one kernel may start at once (make check): one at a time makes
# the initramfs parts they share and builds the test modules.
exec 9>"$b/.guest-prepare.lock"
flock 9
rootfs=$("$TOP/harness/rootfs.sh" "$DEB_ARCH")
kcpio=$(kernel_cpio)
tests_cpio "$@"
cat "$rootfs" "$kcpio" "$run_dir/tests.cpio" >"$run_dir/initrd.cpio"
exec 9>&-

# COLLECTIONS= overrides what runs: collections, or collection:test entries.
run=${COLLECTIONS:-$(collections "$@" | paste -sd, -)}
append="console=$(qemu_conf console ttyAMA0) loglevel=5 panic=-1 klp_harness.mode=$mode klp_harness.cpu=$cpu klp_harness.arch=$qarch"
[ -z "$run" ] || append+=" klp_harness.run=$run"
append+=" ${KLP_APPEND:-}"

args=(--profile-conf "$conf" --kernel "$b/$KIMAGE"
	--initrd "$run_dir/initrd.cpio" --append "$append" --group "$profile/$cpu${RUN_TAG:+/$RUN_TAG}"
	--extra "${QEMU_EXTRA:-}" --smp "${QEMU_SMP:-}")
case $mode in
test)
	stage "guest: $profile kernel on $cpu: ${run:-nothing} (console: ${run_dir#"$TOP"/}/console.log)"
	rm -f "$run_dir/results.tsv"
	rc=0
	# A hang is caught by this outer timeout. The debug kernel's full run
	# takes 17 minutes on an unloaded machine, and twice that when the
	# machine's vCPUs lose half their time to steal.
	python3 "$TOP/harness/qemu_run.py" "${args[@]}" --log "$run_dir/console.log" \
		--results "$run_dir/results.tsv" --timeout "${GUEST_TIMEOUT:-3600}" \
		--show "${SHOW:-none}" || rc=$?
	# With kernel BTI, every function of the kernel and of the modules this
	# run loaded must begin with a landing pad (harness/bti_audit.py).
	if grep -q '^CONFIG_ARM64_BTI_KERNEL=y' "$b/.config"; then
		python3 "$TOP/harness/bti_audit.py" --results "$run_dir/results.tsv" \
			--group "$profile/$cpu${RUN_TAG:+/$RUN_TAG}" "$b/vmlinux" \
			$(find "$stg/modroot" "$stg/kselftest" "$OUT/guest-tests/$(basename "$b")" \
				-name '*.ko') >"$run_dir/bti-audit.txt" || rc=1
		info "guest: $(tail -n 1 "$run_dir/bti-audit.txt") (BTI audit)"
	fi
	if [ -n "${RESULTS_OUT:-}" ]; then
		cp "$run_dir/results.tsv" "$RESULTS_OUT"
	fi
	n_pass=$(grep -c $'\tpass\t' "$run_dir/results.tsv" || true)
	n_fail=$(grep -c $'\tfail\t' "$run_dir/results.tsv" || true)
	info "guest: $profile/$cpu: $n_pass passed, $n_fail failed"
	exit $rc
	;;
demo)
	python3 "$TOP/harness/qemu_run.py" "${args[@]}" --log "$run_dir/console.log" \
		--timeout "${GUEST_TIMEOUT:-300}" --show user
	;;
shell)
	exec python3 "$TOP/harness/qemu_run.py" "${args[@]}" --interactive
	;;
*)
	die "unknown mode '$mode'"
	;;
esac
