#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build.sh PROFILE: configure and build the kernel of a profile, its
# modules, the kselftests listed in configs/kselftests, and the external
# module build directory that goes into the guest.
#
# SOURCE=series (default) builds base + patches/; SOURCE=tree builds the
# work tree (make tree) as it is, for quick iteration on the series;
# SOURCE=base builds the base without the series, from the same fragments
# less the symbols listed in configs/needs-series, and no kselftests;
# SOURCE=without builds the series less the patches that the glob
# KLP_WITHOUT matches, and no kselftests (make bench: what a patch changes).
. "$(dirname "$0")/lib.sh"

profile=${1:?usage: build.sh PROFILE}
load_profile "$profile"

src=$(source_dir)
b=$(build_dir "$profile")
name=$(basename "$b")
mkdir -p "$b"

case ${SOURCE:-series} in
series) "$TOP/harness/series.sh" sync ;;
base)   "$TOP/harness/series.sh" sync-base ;;
without) "$TOP/harness/series.sh" sync-without ;;
tree)   [ -d "$TREE/.git" ] || die "SOURCE=tree but there is no work tree (run: make tree)" ;;
esac

frags=()
for f in $(profile_fragments "$profile"); do
	frags+=("$TOP/configs/$f.config")
done
for f in ${KLP_EXTRA_CONFIG:-}; do
	frags+=("$f")
done
if [ "${SOURCE:-series}" = base ]; then
	# The same fragments without what only exists with the series.
	drop=$(sed -e 's/#.*//' "$TOP/configs/needs-series" | xargs | tr ' ' '|')
	mkdir -p "$b/fragments"
	for i in "${!frags[@]}"; do
		grep -vE "^(# )?($drop)[= ]" "${frags[$i]}" >"$b/fragments/${frags[$i]##*/}" || true
		frags[$i]=$b/fragments/${frags[$i]##*/}
	done
fi

# -- configuration ------------------------------------------------------
# The starting point: tinyconfig, or a Debian configuration (debian_config=).
dconf=$(profile_get "$profile" debian_config)
start=
if [ -n "$dconf" ]; then
	start=$(debian_config_dir)/config.$dconf
	[ -f "$start" ] || die "kernel profile '$profile': no Debian configuration $start (run: make setup)"
fi
stamp=$( (cat "${frags[@]}" ${start:+"$start"}; echo "$src ${KBUILD_ARGS[*]}"
	git -C "$src" rev-parse HEAD) | sha256sum | cut -d' ' -f1)
if [ "$(cat "$b/.klp-config-stamp" 2>/dev/null)" != "$stamp" ] || [ ! -f "$b/.config" ]; then
	stage "config: $profile (${dconf:+Debian config.$dconf + }${frags[*]##*/})"
	log=$LOGS/config-$name.log
	if [ -n "$start" ]; then
		cp "$start" "$b/.config"
		: >"$log"
	else
		run_logged "$log" kmake "$src" "$b" tinyconfig
	fi
	run_logged "$log.merge" env -C "$b" "$src/scripts/kconfig/merge_config.sh" \
		-m -O "$b" "$b/.config" "${frags[@]}"
	run_logged "$log.olddef" kmake "$src" "$b" olddefconfig
	against=()
	[ -z "$start" ] || against=(--base "$start" --changes "$b/config-changes.txt")
	python3 "$TOP/harness/verify_config.py" "${against[@]}" "$b/.config" "${frags[@]}" ||
		die "kernel profile '$profile': fix configs/ (full log: $log.merge)"
	echo "$stamp" >"$b/.klp-config-stamp"
fi

# -- kernel and modules ---------------------------------------------------
# modules=DIR[,DIR...]: only the modules of these directories, not every
# module the configuration has (a distribution's has a thousand).
moddirs=$(profile_get "$profile" modules | tr ',' ' ')
if [ -z "$moddirs" ]; then
	stage "build: $name kernel and modules (log: out/logs/build-$name.log)"
	run_logged "$LOGS/build-$name.log" kmake "$src" "$b" "$KIMAGE_TARGET" modules
else
	stage "build: $name kernel and the modules of $moddirs (log: out/logs/build-$name.log)"
	run_logged "$LOGS/build-$name.log" kmake "$src" "$b" "$KIMAGE_TARGET"
	# "make DIR/" compiles DIR and lists its modules in DIR/modules.order;
	# "make X.ko..." links those and runs modpost on them (Module.symvers:
	# vmlinux's symbols and theirs), and removes the top modules.order it
	# wrote for that.  modules_install installs what the top modules.order
	# lists: those of DIR/modules.order.
	kos=()
	for d in $moddirs; do
		run_logged "$LOGS/build-$name.modules-${d//\//_}.log" kmake "$src" "$b" "${d%/}/"
		while read -r o; do
			kos+=("${o%.o}.ko")
		done <"$b/${d%/}/modules.order"
	done
	[ ${#kos[@]} -gt 0 ] || die "kernel profile '$profile': no module in $moddirs"
	run_logged "$LOGS/build-$name.modules.log" kmake "$src" "$b" "${kos[@]}"
	for d in $moddirs; do
		cat "$b/${d%/}/modules.order"
	done >"$b/modules.order"
fi
krel=$(cat "$b/include/config/kernel.release")
info "build: $krel ($KARCH, $KCC), $KIMAGE_TARGET $(( $(stat -c %s "$b/$KIMAGE") / 1024 )) KiB"

stg=$b/staging
rm -rf "$stg/modroot"
mkdir -p "$stg/modroot"
run_logged "$LOGS/modules_install-$name.log" kmake "$src" "$b" \
	INSTALL_MOD_PATH="$stg/modroot" INSTALL_MOD_STRIP=1 DEPMOD=/sbin/depmod modules_install
rm -f "$stg/modroot/lib/modules/$krel/build"

# The external module build directory, as a linux-headers package has it:
# the guest's /lib/modules/$(uname -r)/build.  Remade when the kernel is.
if [ ! -f "$stg/extmod.stamp" ] || [ "$b/vmlinux" -nt "$stg/extmod.stamp" ]; then
	stage "build: $profile external module build directory"
	rm -rf "$stg/extmod"
	# Its host programs (modpost, fixdep, klp-convert) are rebuilt for
	# the guest with the C compiler of the guest's architecture.
	run_logged "$LOGS/extmod-$name.log" env -C "$b" srctree="$src" SRCARCH="$KSRCARCH" \
		CC="${KCROSS}gcc" HOSTCC=gcc \
		MAKE=make MAKEFLAGS="-j$JOBS" \
		sh "$src/scripts/package/install-extmod-build" "$stg/extmod"
	touch "$stg/extmod.stamp"
fi

# -- kselftests -----------------------------------------------------------
targets=$(sed -e 's/#.*//' "$TOP/configs/kselftests" | xargs)
case ${SOURCE:-series} in base|without) targets= ;; esac
rm -rf "$stg/kselftest"
if [ -n "$targets" ]; then
	stage "build: kselftests ($targets) against $b"
	# No O= here: it breaks the test_modules sub-make.  KDIR points at the build.
	# So the kselftests build in the source tree, which every profile
	# shares: remove what an earlier build left there first (the files git
	# ignores), or the programs and modules of another architecture or
	# compiler would be taken as up to date, or installed as they are.
	for t in $targets; do
		git -C "$src" clean -fdXq -- "tools/testing/selftests/$t"
	done
	run_logged "$LOGS/kselftest-$name.log" make -C "$src/tools/testing/selftests" \
		"${KSELFTEST_ARGS[@]}" TARGETS="$targets" KDIR="$b" \
		INSTALL_PATH="$stg/kselftest" -j"$JOBS" install
else
	# The kselftest runner itself, with an empty list.
	mkdir -p "$stg/kselftest/kselftest"
	cp "$src/tools/testing/selftests/run_kselftest.sh" "$stg/kselftest/"
	cp "$src/tools/testing/selftests/kselftest/"{runner.sh,prefix.pl,ktap_helpers.sh} \
		"$stg/kselftest/kselftest/" 2>/dev/null || true
	: >"$stg/kselftest/kselftest-list.txt"
fi
echo "$krel" >"$stg/kernel.release"
info "build: $name done; KDIR=$b"
