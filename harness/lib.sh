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
LOGS=$OUT/logs
RESULTS=$OUT/results

export ARCH=arm64
export CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}
export CCACHE_DIR=${CCACHE_DIR:-$KLP_CACHE/ccache}
# Let clones at other paths (a fresh CI checkout) share the cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$TOP}
export CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}

JOBS=${JOBS:-$(nproc)}
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

kernel_version_of() {
	local mk=$1/Makefile
	awk -F' = ' '/^VERSION =/{v=$2} /^PATCHLEVEL =/{p=$2}
		     /^SUBLEVEL =/{s=$2} END{printf "%s.%s.%s", v, p, s}' "$mk"
}

# build_dir PROFILE [SOURCE]: the kernel build directory (KDIR for modules).
build_dir() {
	local profile=$1 source=${2:-${SOURCE:-series}}
	case $source in
	series) echo "$OUT/build/$profile" ;;
	tree)   echo "$OUT/build/tree-$profile" ;;
	base)   echo "$OUT/build/base-$profile" ;;
	*)      die "SOURCE must be 'series', 'tree' or 'base', not '$source'" ;;
	esac
}

source_dir() {
	case ${SOURCE:-series} in
	series) echo "$SERIES_SRC" ;;
	tree)   echo "$TREE" ;;
	base)   echo "$BASE_SRC" ;;
	*)      die "SOURCE must be 'series', 'tree' or 'base', not '${SOURCE}'" ;;
	esac
}

kmake() {
	local src=$1 obj=$2; shift 2
	make -C "$src" O="$obj" ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE" \
		CC="ccache ${CROSS_COMPILE}gcc" HOSTCC="ccache gcc" LOCALVERSION= -j"$JOBS" "$@"
}
