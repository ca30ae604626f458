# SPDX-License-Identifier: GPL-2.0
# Common settings and helpers for the harness scripts.  Sourced, not run.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KLP_CACHE=${KLP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/klp-arm64}
OUT=${OUT:-$TOP/out}
PATCHES=${KLP_PATCHES:-$TOP/patches}
# The developer's work tree (make tree / make export).
TREE=${KLP_TREE:-$TOP/work/linux}
# The tree make check builds: the base with exactly patches/ applied.
SERIES_SRC=${KLP_SERIES_SRC:-$OUT/src/linux}
# The base without the series, for comparisons (make bench).
BASE_SRC=${KLP_BASE_SRC:-$OUT/src/base}
# The series less the patches that KLP_WITHOUT names, for comparisons (make
# bench: what one patch changes).
WITHOUT_SRC=${KLP_WITHOUT_SRC:-$OUT/src/without}
LOGS=$OUT/logs
RESULTS=$OUT/results

# The arm64 cross toolchain (the default kernel profiles), and the one
# pinned version of Debian's LLVM for the profiles that say cc=clang.
CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}
KLP_LLVM_VERSION=19
export CCACHE_DIR=${CCACHE_DIR:-$KLP_CACHE/ccache}
# Let clones at other paths (a fresh CI checkout) share the cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$TOP}
export CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}

JOBS=${JOBS:-$(nproc)}
# The series' one author: make export writes it into every patch and the
# cover letter, whoever committed in the work tree, and make series-check
# fails on any other.  The person who sends the series adds their own
# Signed-off-by.
SERIES_AUTHOR=${KLP_SERIES_AUTHOR:-arm64 livepatch <klp-arm64@localhost>}
GIT_ID=(-c user.name=klp-harness -c user.email=klp-harness@localhost
	-c commit.gpgsign=false -c core.abbrev=12)

mkdir -p "$LOGS" "$RESULTS"

_t0=${KLP_T0:-$(date +%s)}
export KLP_T0=$_t0

elapsed() {
	local s=$(( $(date +%s) - _t0 ))
	printf '%2d:%02d' $((s / 60)) $((s % 60))
}

# stage NAME: announce a stage; the line carries the time since the run began.
stage() {
	printf '[%s] == %s\n' "$(elapsed)" "$*"
}

info() {
	printf '[%s]    %s\n' "$(elapsed)" "$*"
}

die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# run_logged LOG CMD...: run CMD with all output in LOG; on failure show its tail.
run_logged() {
	local log=$1; shift
	if ! "$@" >"$log" 2>&1; then
		printf 'error: command failed: %s\n' "$*" >&2
		if grep -qE '(error|Error [0-9]+|undefined reference|ERROR):' "$log"; then
			printf '       errors in %s:\n' "$log" >&2
			grep -E -A3 '(error|undefined reference|ERROR):' "$log" | head -n 40 |
				sed 's/^/       | /' >&2
		else
			printf '       last lines of %s:\n' "$log" >&2
			tail -n 30 "$log" | sed 's/^/       | /' >&2
		fi
		return 1
	fi
}

# The Debian package the base source comes from, and its kernel version.
base_pkg_version() {
	dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null
}

base_dir() {
	echo "$KLP_CACHE/base/linux-source-6.12_$(base_pkg_version)"
}

# debian_config_dir: Debian's arm64 kernel configurations (config.NAME,
# uncompressed) from linux-config-6.12 of the base's version; setup.sh
# fetches them.
debian_config_dir() {
	echo "$KLP_CACHE/linux-config/$(base_pkg_version)"
}

kernel_version_of() {
	local mk=$1/Makefile
	awk -F' = ' '/^VERSION =/{v=$2} /^PATCHLEVEL =/{p=$2}
		     /^SUBLEVEL =/{s=$2} END{printf "%s.%s.%s", v, p, s}' "$mk"
}

# wait_for_gc REPO: return once no "git gc" runs in REPO.  A detached gc
# (gc.autoDetach) leaves .git/gc.pid while it repacks; a --shared clone
# made or used meanwhile can miss the objects of a pack being replaced.
wait_for_gc() {
	local pidfile=$1/.git/gc.pid pid i
	for ((i = 0; i < 1800; i++)); do
		[ -f "$pidfile" ] || return 0
		pid=$(awk '{print $1; exit}' "$pidfile" 2>/dev/null || true)
		[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
		((i % 30)) || info "waiting for git gc (pid $pid) in $1"
		sleep 1
	done
	die "git gc in $1 still runs after 30 minutes"
}

# build_dir PROFILE [SOURCE]: the kernel build directory (KDIR for modules).
build_dir() {
	local profile=$1 source=${2:-${SOURCE:-series}}
	case $source in
	series) echo "$OUT/build/$profile" ;;
	tree)   echo "$OUT/build/tree-$profile" ;;
	base)   echo "$OUT/build/base-$profile" ;;
	without) echo "$OUT/build/without-$profile" ;;
	*)      die "SOURCE must be 'series', 'tree', 'base' or 'without', not '$source'" ;;
	esac
}

source_dir() {
	case ${SOURCE:-series} in
	series) echo "$SERIES_SRC" ;;
	tree)   echo "$TREE" ;;
	base)   echo "$BASE_SRC" ;;
	without) echo "$WITHOUT_SRC" ;;
	*)      die "SOURCE must be 'series', 'tree', 'base' or 'without', not '${SOURCE}'" ;;
	esac
}

# profile_get PROFILE KEY [DEFAULT]: a KEY=VALUE setting of a kernel profile
# (configs/profiles/PROFILE: one fragment name a line, or KEY=VALUE).
profile_get() {
	local f=$TOP/configs/profiles/$1 v
	[ -f "$f" ] || die "no kernel profile '$1' in configs/profiles/"
	v=$(sed -n "s/^[[:space:]]*$2=\([^[:space:]#]*\).*/\1/p" "$f" | tail -n 1)
	echo "${v:-${3:-}}"
}

# profile_fragments PROFILE: the Kconfig fragment names of a profile
profile_fragments() {
	sed -e 's/#.*//' -e '/=/d' -e '/^[[:space:]]*$/d' "$TOP/configs/profiles/$1"
}

# load_profile PROFILE: what building and booting its kernel takes.
#   KARCH        the kernel's ARCH (arm64, x86_64)
#   KSRCARCH     its directory under arch/
#   KIMAGE       the boot image, relative to the build directory
#   DEB_ARCH     the Debian architecture of the guest's user space
#   KCC          the compiler family (gcc, clang)
#   KBUILD_ARGS  make arguments for the kernel and external modules
#   KSELFTEST_ARGS  make arguments for the kselftests (their user programs
#                and, through KDIR, their modules)
#   KCROSS       its CROSS_COMPILE prefix (empty for the host's architecture)
load_profile() {
	local p=$1
	KARCH=$(profile_get "$p" arch arm64)
	KCC=$(profile_get "$p" cc gcc)
	case $KARCH in
	arm64)
		KSRCARCH=arm64 KIMAGE=arch/arm64/boot/Image DEB_ARCH=arm64
		KCROSS=$CROSS_COMPILE ;;
	x86_64)
		KSRCARCH=x86 KIMAGE=arch/x86/boot/bzImage DEB_ARCH=amd64
		KCROSS= ;;
	*)
		die "kernel profile '$p': unsupported arch=$KARCH" ;;
	esac
	case $KCC in
	gcc)
		KBUILD_ARGS=(ARCH="$KARCH" CROSS_COMPILE="$KCROSS"
			CC="ccache ${KCROSS}gcc" HOSTCC="ccache gcc")
		KSELFTEST_ARGS=("${KBUILD_ARGS[@]}") ;;
	clang)
		KBUILD_ARGS=(ARCH="$KARCH" LLVM=-"$KLP_LLVM_VERSION"
			CC="ccache clang-$KLP_LLVM_VERSION" HOSTCC="ccache gcc")
		# No CC=: the kselftests' lib.mk adds clang's --target to its own.
		KSELFTEST_ARGS=(ARCH="$KARCH" LLVM=-"$KLP_LLVM_VERSION" HOSTCC=gcc) ;;
	*)
		die "kernel profile '$p': unsupported cc=$KCC" ;;
	esac
	# compat=PREFIX (arm64): the 32-bit ARM compiler of the compat vDSO,
	# as a distribution builds it (CROSS_COMPILE_COMPAT).
	local compat
	compat=$(profile_get "$p" compat)
	if [ -n "$compat" ]; then
		KBUILD_ARGS+=(CROSS_COMPILE_COMPAT="$compat")
		KSELFTEST_ARGS+=(CROSS_COMPILE_COMPAT="$compat")
	fi
	KIMAGE_TARGET=${KIMAGE##*/}
}

# ktool NAME: the binutils tool NAME (size, readelf, ...) for the objects
# of the loaded profile
ktool() {
	if [ "$KCC" = clang ]; then
		echo "llvm-$1-$KLP_LLVM_VERSION"
	else
		echo "${KCROSS}$1"
	fi
}

# kmake SRC OBJ ARGS...: make in the kernel tree for the loaded profile
kmake() {
	local src=$1 obj=$2; shift 2
	make -C "$src" O="$obj" "${KBUILD_ARGS[@]}" LOCALVERSION= -j"$JOBS" "$@"
}
