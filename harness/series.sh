#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The series in patches/ and the git trees made from it.
#
#   series.sh sync      bring $SERIES_SRC to exactly base + patches/ (for make check)
#   series.sh sync-base bring $BASE_SRC to exactly the base (for comparisons)
#   series.sh tree      make the developer's work tree (refuses to drop unexported work)
#   series.sh export    regenerate patches/ from the work tree
#   series.sh status    non-zero when the work tree holds work not in patches/
#   series.sh check     the series applies, and checkpatch is clean
#
# KLP_BASE_REPO, KLP_PATCHES, KLP_TREE and KLP_SERIES_SRC override the
# locations (the host tests use a small fake base).
. "$(dirname "$0")/lib.sh"

BASE_REPO=${KLP_BASE_REPO:-$(base_dir)}
EXCEPTIONS=$PATCHES/checkpatch-exceptions

series_list() {
	[ -f "$PATCHES/series" ] || return 0
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$PATCHES/series"
}

series_hash() {
	{
		git -C "$BASE_REPO" rev-parse base
		series_list | while read -r p; do
			printf '%s\n' "$p"
			cat "$PATCHES/$p"
		done
	} | sha256sum | cut -d' ' -f1
}

# clone_base DEST: DEST becomes a clone of the base, sharing its objects.
clone_base() {
	local dest=$1
	git -C "$BASE_REPO" rev-parse -q --verify base >/dev/null ||
		die "no base repository at $BASE_REPO (run: make base)"
	mkdir -p "$(dirname "$dest")"
	git clone -q --shared --no-checkout "$BASE_REPO" "$dest"
	git -C "$dest" checkout -q -B series base
}

# apply_series TREE: reset TREE to base and "git am" every patch in order.
# On failure, name the patch and what git said about the file and hunk.
apply_series() {
	local tree=$1 p out n=0
	git -C "$tree" am --abort >/dev/null 2>&1 || true
	git -C "$tree" checkout -q -f -B series base
	git -C "$tree" clean -q -fdx
	for p in $(series_list); do
		[ -f "$PATCHES/$p" ] || die "patches/series names $p, which does not exist"
		if ! out=$(git "${GIT_ID[@]}" -C "$tree" am -q --whitespace=nowarn \
				"$PATCHES/$p" 2>&1); then
			git -C "$tree" am --abort >/dev/null 2>&1 || true
			{
				echo "error: the series does not apply: patches/$p"
				printf '%s\n' "$out" | grep -E '^(error|warning|Patch failed|Applying)' |
					sed 's/^/       /'
				git -C "$tree" apply --check -v "$PATCHES/$p" 2>&1 |
					grep -E '^(Checking patch|error|Hunk)' | sed 's/^/       /'
			} >&2
			return 1
		fi
		n=$((n + 1))
	done
	echo "$n"
}

# sync-base: $BASE_SRC is the base without any patch.
cmd_sync_base() {
	[ -d "$BASE_SRC/.git" ] || clone_base "$BASE_SRC"
	if [ "$(git -C "$BASE_SRC" rev-parse HEAD)" != "$(git -C "$BASE_SRC" rev-parse base)" ] ||
	   [ -n "$(git -C "$BASE_SRC" status --porcelain)" ]; then
		git -C "$BASE_SRC" checkout -q -f -B series base
		git -C "$BASE_SRC" clean -q -fdx
	fi
}

cmd_sync() {
	local want have n
	want=$(series_hash)
	have=$(cat "$SERIES_SRC/.git/klp-series-hash" 2>/dev/null || true)
	if [ "$want" = "$have" ] && [ -z "$(git -C "$SERIES_SRC" status --porcelain 2>/dev/null)" ]; then
		return 0
	fi
	[ -d "$SERIES_SRC/.git" ] || clone_base "$SERIES_SRC"
	n=$(apply_series "$SERIES_SRC") || exit 1
	echo "$want" >"$SERIES_SRC/.git/klp-series-hash"
	info "series: $n patch(es) applied in $SERIES_SRC"
}

# export_to DIR: format-patch the work tree's commits since base into DIR.
# Output is stable: no commit hashes, no version signature, fixed
# abbreviation and diff algorithm, no [PATCH n/m] numbering.
export_to() {
	local dir=$1
	mkdir -p "$dir"
	git "${GIT_ID[@]}" -C "$TREE" format-patch -q --zero-commit --no-signature \
		-N --diff-algorithm=myers --no-renames -o "$dir" base..HEAD >/dev/null
	(cd "$dir" && ls -1 | grep -E '^[0-9]{4}-.*\.patch$' || true) >"$dir/series.tmp"
	mv "$dir/series.tmp" "$dir/series"
}

# The patches/ files export owns: the patches and series.  Anything else
# there (checkpatch-exceptions, README) is left alone.
owned_files() {
	(cd "$1" && ls -1 2>/dev/null | grep -E '^([0-9]{4}-.*\.patch|series)$' || true)
}

cmd_export() {
	[ -d "$TREE/.git" ] || die "no work tree at $TREE (run: make tree)"
	if [ -n "$(git -C "$TREE" status --porcelain)" ]; then
		git -C "$TREE" status --short | head -n 20 >&2
		die "the work tree has uncommitted changes; commit them first"
	fi
	local tmp
	tmp=$(mktemp -d)
	export_to "$tmp"
	owned_files "$PATCHES" | while read -r f; do rm -f "$PATCHES/$f"; done
	mkdir -p "$PATCHES"
	owned_files "$tmp" | while read -r f; do cp "$tmp/$f" "$PATCHES/$f"; done
	rm -rf "$tmp"
	echo "export: $(series_list | wc -l) patch(es) in $PATCHES"
}

# Compare the work tree with patches/; print what differs.
tree_vs_patches() {
	local tmp rc=0 f
	tmp=$(mktemp -d)
	export_to "$tmp"
	for f in $( (owned_files "$tmp"; owned_files "$PATCHES") | sort -u); do
		if ! cmp -s "$tmp/$f" "$PATCHES/$f"; then
			if [ ! -e "$PATCHES/$f" ]; then
				echo "  only in the work tree: $f"
			elif [ ! -e "$tmp/$f" ]; then
				echo "  only in patches/: $f"
			else
				echo "  differs: $f"
			fi
			rc=1
		fi
	done
	rm -rf "$tmp"
	return $rc
}

cmd_status() {
	if [ ! -d "$TREE/.git" ]; then
		echo "series-status: no work tree at $TREE; patches/ is all there is"
		return 0
	fi
	local bad=0 dirty diff
	dirty=$(git -C "$TREE" status --porcelain)
	if [ -n "$dirty" ]; then
		echo "series-status: uncommitted changes in $TREE:"
		printf '%s\n' "$dirty" | head -n 20 | sed 's/^/  /'
		bad=1
	fi
	if ! diff=$(tree_vs_patches); then
		echo "series-status: the commits in $TREE (base..HEAD) differ from patches/:"
		printf '%s\n' "$diff"
		echo "  'make export' writes the work tree into patches/;"
		echo "  'make tree FORCE=1' remakes the work tree from patches/."
		bad=1
	fi
	[ $bad -eq 0 ] && echo "series-status: the work tree and patches/ agree ($(series_list | wc -l) patches)"
	return $bad
}

cmd_tree() {
	if [ -d "$TREE/.git" ] && [ -z "${FORCE:-}" ]; then
		if ! cmd_status >/dev/null; then
			cmd_status || true
			die "the work tree holds work that is not in patches/; export it, or FORCE=1 to drop it"
		fi
		rm -rf "$TREE"
	elif [ -d "$TREE" ]; then
		rm -rf "$TREE"
	fi
	clone_base "$TREE"
	local n
	n=$(apply_series "$TREE") || exit 1
	echo "tree: $TREE = base + $n patch(es); commit there, then 'make export'"
}

# ignored_types PATCH: checkpatch message types excepted for PATCH.
# Each line of the exceptions file: GLOB TYPE REASON...
ignored_types() {
	local patch=$1 glob type reason
	[ -f "$EXCEPTIONS" ] || return 0
	while read -r glob type reason; do
		case $glob in ''|'#'*) continue ;; esac
		[ -n "$reason" ] || die "$EXCEPTIONS: '$glob $type' gives no reason"
		# shellcheck disable=SC2254
		case $patch in $glob) printf '%s,' "$type" ;; esac
	done <"$EXCEPTIONS"
}

# check: writes one result line per patch to stdout (TSV: name, result, detail)
cmd_check() {
	local tree=${1:-$SERIES_SRC} p ign out rc failed=0
	cmd_sync >&2 || { printf 'series applies\tfail\tsee above\n'; return 1; }
	printf 'series applies (%s patches)\tpass\t\n' "$(series_list | wc -l)"
	for p in $(series_list); do
		ign=$(ignored_types "$p")
		rc=0
		# Debian's python3 (python3-ply, python3-git) for scripts/spdxcheck.py
		out=$(cd "$tree" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --no-summary --show-types \
			${ign:+--ignore "${ign%,}"} "$PATCHES/$p" 2>&1) || rc=$?
		if [ $rc -ne 0 ] || printf '%s' "$out" | grep -qE '^(ERROR|WARNING|CHECK):|^Traceback'; then
			printf '%s\n' "$out" | sed "s|^|  $p: |" >&2
			printf 'checkpatch %s\tfail\t%s\n' "$p" \
				"$(printf '%s' "$out" | grep -cE '^(ERROR|WARNING|CHECK):') problem(s)"
			failed=1
		else
			printf 'checkpatch %s\tpass\t\n' "$p"
		fi
	done
	return $failed
}

case ${1:-} in
sync)   cmd_sync ;;
sync-base) cmd_sync_base ;;
tree)   cmd_tree ;;
export) cmd_export ;;
status) cmd_status ;;
check)  shift; cmd_check "$@" ;;
hash)   series_hash ;;
*)      die "usage: series.sh sync|tree|export|status|check" ;;
esac
