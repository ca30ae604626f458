#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The series in patches/ and the git trees made from it.
#
#   series.sh sync      bring $SERIES_SRC to exactly base + patches/ (for make check)
#   series.sh sync-base bring $BASE_SRC to exactly the base (for comparisons)
#   series.sh sync-without  bring $WITHOUT_SRC to base + patches/ less the
#                       patches whose file names match the glob KLP_WITHOUT
#                       (for comparisons: what one patch changes)
#   series.sh tree      make the developer's work tree (refuses to drop unexported work)
#   series.sh export    regenerate patches/ and its cover letter from the work tree
#   series.sh status    non-zero when the work tree holds work not in patches/
#   series.sh check     the series applies, checkpatch is clean, the cover letter
#                       names every patch, every patch is from SERIES_AUTHOR
#   series.sh check-cover  only the cover letter check
#   series.sh bisect    build every prefix of the series (default, x86_64) and
#                       checkpatch each patch [BISECT_FROM=k BISECT_TO=k]
#
# KLP_BASE_REPO, KLP_PATCHES, KLP_TREE and KLP_SERIES_SRC override the
# locations (the host tests use a small fake base).
. "$(dirname "$0")/lib.sh"

BASE_REPO=${KLP_BASE_REPO:-$(base_dir)}
EXCEPTIONS=$PATCHES/checkpatch-exceptions
# The cover letter: made by export from cover-letter.txt, never applied
# (patches/series does not list it).
COVER=0000-cover-letter.patch
COVER_TXT=$PATCHES/cover-letter.txt

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
	wait_for_gc "$BASE_REPO"
	mkdir -p "$(dirname "$dest")"
	git clone -q --shared --no-checkout "$BASE_REPO" "$dest"
	git -C "$dest" checkout -q -B series base
}

# am_patch TREE PATCH: "git am" patches/PATCH on TREE's HEAD.  On failure,
# name the patch and what git said about the file and hunk.
am_patch() {
	local tree=$1 p=$2 out
	[ -f "$PATCHES/$p" ] || die "patches/series names $p, which does not exist"
	if ! out=$(git "${GIT_ID[@]}" -C "$tree" am -q --whitespace=nowarn \
			"$PATCHES/$p" 2>&1); then
		git -C "$tree" am --abort >/dev/null 2>&1 || true
		{
			echo "error: the series does not apply: patches/$p"
			# Every line git printed: a "fatal:" line names the cause
			# when it is not the patch (a locked or repacking repository).
			printf '%s\n' "$out" | sed 's/^/       /'
			git -C "$tree" apply --check -v "$PATCHES/$p" 2>&1 |
				grep -E '^(Checking patch|error|Hunk)' | sed 's/^/       /'
		} >&2
		return 1
	fi
}

# apply_series TREE [COUNT [SKIP]]: reset TREE to base and "git am" every
# patch (the first COUNT only, if COUNT is not -1) in order, but those whose
# file names match the glob SKIP; print how many.
apply_series() {
	local tree=$1 count=${2:--1} skip=${3:-} p n=0
	git -C "$tree" am --abort >/dev/null 2>&1 || true
	git -C "$tree" checkout -q -f -B series base
	git -C "$tree" clean -q -fdx
	for p in $(series_list | awk -v n="$count" 'n < 0 || NR <= n'); do
		# shellcheck disable=SC2254
		case $p in ${skip:-/}) continue ;; esac
		am_patch "$tree" "$p" || return 1
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

# sync_tree TREE WANT [SKIP]: unless TREE is clean and was made for WANT
# (a hash of what it should hold), make it base + patches/ less those that
# the glob SKIP matches; print how many were applied (nothing if TREE was
# up to date).
sync_tree() {
	local tree=$1 want=$2 skip=${3:-} have n
	have=$(cat "$tree/.git/klp-series-hash" 2>/dev/null || true)
	if [ "$want" = "$have" ] && [ -z "$(git -C "$tree" status --porcelain 2>/dev/null)" ]; then
		return 0
	fi
	[ -d "$tree/.git" ] || clone_base "$tree"
	n=$(apply_series "$tree" -1 "$skip") || return 1
	echo "$want" >"$tree/.git/klp-series-hash"
	echo "$n"
}

cmd_sync() {
	local n
	n=$(sync_tree "$SERIES_SRC" "$(series_hash)") || exit 1
	[ -z "$n" ] || info "series: $n patch(es) applied in $SERIES_SRC"
}

# sync-without: $WITHOUT_SRC is base + patches/ less the patches that the
# glob KLP_WITHOUT matches (at least one).
cmd_sync_without() {
	local skip=${KLP_WITHOUT:-} n p left=0
	[ -n "$skip" ] || die "sync-without: KLP_WITHOUT names no patch to leave out"
	for p in $(series_list); do
		# shellcheck disable=SC2254
		case $p in $skip) left=$((left + 1)) ;; esac
	done
	[ $left -gt 0 ] || die "sync-without: KLP_WITHOUT='$skip' matches no patch of patches/series"
	n=$(sync_tree "$WITHOUT_SRC" "$( (series_hash; echo "without $skip") | sha256sum |
		cut -d' ' -f1)" "$skip") || exit 1
	[ -z "$n" ] || info "without: $n patch(es) applied in $WITHOUT_SRC, $left left out ($skip)"
}

# series_tip: the work tree's base..HEAD with every commit by SERIES_AUTHOR:
# the same trees, messages and author dates, as new commit objects beside
# the work tree's history (which stays as it is).  Prints the new tip.
series_tip() {
	local c tip name email
	name=${SERIES_AUTHOR% <*}
	email=${SERIES_AUTHOR##*<}
	email=${email%>}
	tip=$(git -C "$TREE" rev-parse base)
	for c in $(git -C "$TREE" rev-list --reverse base..HEAD); do
		tip=$(git -C "$TREE" cat-file commit "$c" | sed '1,/^$/d' |
			GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email \
			GIT_AUTHOR_DATE=$(git -C "$TREE" log -1 --format=%ad --date=raw "$c") \
			GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email \
			GIT_COMMITTER_DATE=$(git -C "$TREE" log -1 --format=%ad --date=raw "$c") \
			git -C "$TREE" commit-tree "$c^{tree}" -p "$tip") ||
			die "export: could not restate commit $c as the series' author"
	done
	echo "$tip"
}

# export_to DIR [TIP]: format-patch the work tree's commits since base into DIR,
# as SERIES_AUTHOR (series_tip, or TIP).
# Output is stable: no commit hashes, no version signature, fixed
# abbreviation and diff algorithm, no [PATCH n/m] numbering.
export_to() {
	local dir=$1 tip=${2:-$(series_tip)}
	mkdir -p "$dir"
	git "${GIT_ID[@]}" -C "$TREE" format-patch -q --zero-commit --no-signature \
		-N --diff-algorithm=myers --no-renames -o "$dir" "base..$tip" >/dev/null
	owned_files "$dir" | grep -vxF series >"$dir/series.tmp" || true
	mv "$dir/series.tmp" "$dir/series"
}

# The patches/ files export owns and status compares: the patches and
# series.  Anything else there (checkpatch-exceptions, cover-letter.txt,
# README) is left alone; the cover letter export writes on its own.
owned_files() {
	local f
	for f in "$1"/[0-9][0-9][0-9][0-9]-*.patch "$1"/series; do
		[ -f "$f" ] || continue
		f=${f##*/}
		if [ "$f" != "$COVER" ]; then echo "$f"; fi
	done
}

# maintainers_of DIR ERRLOG: whom get_maintainer.pl, run in the work tree,
# names for the patches of DIR/series, each once, in its order.
maintainers_of() {
	local dir=$1 err=$2 p files=() out
	while read -r p; do files+=("$dir/$p"); done <"$dir/series"
	[ -f "$TREE/scripts/get_maintainer.pl" ] ||
		die "export: no scripts/get_maintainer.pl in $TREE, for the @MAINTAINERS@ of $COVER_TXT"
	if ! out=$(cd "$TREE" && perl scripts/get_maintainer.pl --no-rolestats --no-git \
			--no-git-fallback "${files[@]}" 2>"$err"); then
		sed 's/^/       | /' "$err" >&2
		die "export: scripts/get_maintainer.pl failed in $TREE (above);" \
			"the @MAINTAINERS@ line of $COVER_TXT needs it"
	fi
	out=$(printf '%s\n' "$out" | awk 'NF && !seen[$0]++')
	[ -n "$out" ] || die "export: scripts/get_maintainer.pl named no one for the series"
	printf '%s\n' "$out"
}

# make_cover_letter DIR: DIR/0000-cover-letter.patch for the patches export_to
# wrote in DIR: git's cover letter (From line, header, shortlog, diffstat)
# with the title and body of cover-letter.txt.  It is from the series'
# author and carries the last patch's date, so the same tree gives the
# same letter.  TIP is series_tip's.
make_cover_letter() {
	local dir=$1 tip=$2 scratch maint=- p patches=()
	[ -f "$COVER_TXT" ] ||
		die "export: no $COVER_TXT (first line: the cover letter's title; the rest: its body)"
	# (a dot directory: not one of the files export copies)
	scratch=$dir/.cover
	mkdir -p "$scratch"
	GIT_COMMITTER_NAME=$(git -C "$TREE" log -1 --format=%an "$tip") \
	GIT_COMMITTER_EMAIL=$(git -C "$TREE" log -1 --format=%ae "$tip") \
	GIT_COMMITTER_DATE=$(git -C "$TREE" log -1 --format=%ad --date=raw "$tip") \
		git "${GIT_ID[@]}" -C "$TREE" format-patch -q --cover-letter --zero-commit \
		--no-signature --diff-algorithm=myers --no-renames -o "$scratch" "base..$tip" >/dev/null
	if grep -qE '^[[:space:]]*@MAINTAINERS@[[:space:]]*$' "$COVER_TXT"; then
		maint=$scratch/maintainers
		maintainers_of "$dir" "$scratch/get_maintainer.err" >"$maint"
	fi
	while read -r p; do patches+=("$dir/$p"); done <"$dir/series"
	if ! python3 "$TOP/harness/cover_letter.py" fill "$scratch/$COVER" "$COVER_TXT" \
			"$maint" "${patches[@]}" >"$dir/$COVER"; then
		die "export: could not make the cover letter from $COVER_TXT"
	fi
	rm -rf "$scratch"
}

cmd_export() {
	[ -d "$TREE/.git" ] || die "no work tree at $TREE (run: make tree)"
	if [ -n "$(git -C "$TREE" status --porcelain)" ]; then
		git -C "$TREE" status --short | head -n 20 >&2
		die "the work tree has uncommitted changes; commit them first"
	fi
	local tmp tip
	tmp=$(mktemp -d)
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" EXIT
	tip=$(series_tip)
	export_to "$tmp" "$tip"
	# Everything is made before patches/ changes: a failure leaves it as it was.
	if [ -s "$tmp/series" ]; then
		make_cover_letter "$tmp" "$tip"
	fi
	owned_files "$PATCHES" | while read -r f; do rm -f "$PATCHES/$f"; done
	rm -f "$PATCHES/$COVER"
	mkdir -p "$PATCHES"
	owned_files "$tmp" | while read -r f; do cp "$tmp/$f" "$PATCHES/$f"; done
	[ ! -f "$tmp/$COVER" ] || cp "$tmp/$COVER" "$PATCHES/$COVER"
	if [ -f "$PATCHES/$COVER" ]; then
		echo "export: $(series_list | wc -l) patch(es) and $COVER in $PATCHES"
	else
		echo "export: $(series_list | wc -l) patch(es) in $PATCHES"
	fi
}

# Compare the work tree with patches/; print what differs.  The cover
# letter is not compared: it is made from cover-letter.txt, not from a commit.
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

# checkpatch_patch TREE PATCH IGNORED: checkpatch.pl of TREE on patches/PATCH,
# less the message types IGNORED (ignored_types); prints what it said,
# non-zero when that is a problem.
checkpatch_patch() {
	local tree=$1 p=$2 ign=$3 out rc=0
	# Debian's python3 (python3-ply, python3-git) for scripts/spdxcheck.py
	out=$(cd "$tree" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --no-summary --show-types \
		${ign:+--ignore "${ign%,}"} "$PATCHES/$p" 2>&1) || rc=$?
	printf '%s\n' "$out"
	# (a here-string, not a pipe: with pipefail, grep -q leaving early
	# would fail the printf of a long output, and hide the match)
	[ $rc -eq 0 ] && ! grep -qE '^(ERROR|WARNING|CHECK):|^Traceback' <<<"$out"
}

# check_cover_letter: patches/0000-cover-letter.patch exists, is for as many
# patches as patches/series lists, and names each of them by its subject.
# Prints what is missing; non-zero then.  Needs no kernel tree.
check_cover_letter() {
	python3 "$TOP/harness/cover_letter.py" check "$PATCHES"
}

# check_authors: every patch and the cover letter are from SERIES_AUTHOR.
check_authors() {
	python3 "$TOP/harness/cover_letter.py" authors "$PATCHES" "$SERIES_AUTHOR"
}

# check: writes one result line per patch to stdout (TSV: name, result, detail)
cmd_check() {
	local tree=${1:-$SERIES_SRC} p ign out rc failed=0
	cmd_sync >&2 || { printf 'series applies\tfail\tsee above\n'; return 1; }
	printf 'series applies (%s patches)\tpass\t\n' "$(series_list | wc -l)"
	if out=$(check_cover_letter 2>&1); then
		printf 'cover letter names every patch\tpass\t\n'
	else
		printf '%s\n' "$out" | sed 's/^/  cover letter: /' >&2
		printf 'cover letter names every patch\tfail\t%s\n' "$(printf '%s\n' "$out" | head -n 1)"
		failed=1
	fi
	if out=$(check_authors 2>&1); then
		printf 'one author (%s)\tpass\t\n' "$SERIES_AUTHOR"
	else
		printf '%s\n' "$out" | sed 's/^/  authors: /' >&2
		printf 'one author (%s)\tfail\t%s\n' "$SERIES_AUTHOR" "$(printf '%s\n' "$out" | head -n 1)"
		failed=1
	fi
	for p in $(series_list); do
		ign=$(ignored_types "$p")
		rc=0
		out=$(checkpatch_patch "$tree" "$p" "$ign") || rc=$?
		if [ $rc -ne 0 ]; then
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

cmd_check_cover() {
	local out
	if out=$(check_cover_letter); then
		echo "cover letter: names all $(series_list | wc -l) patches of patches/series"
	else
		printf 'error: %s\n' "$out" >&2
		return 1
	fi
}

# -- bisect ---------------------------------------------------------------
# Every prefix of the series must build, on arm64 and on x86_64, and each
# patch must be checkpatch-clean on its own.  Its own source tree and build
# directories, under $OUT/bisect/; each prefix is one "git am" more than the
# last, so each build is incremental.
BISECT_PROFILES=(default x86_64)

# bisect_build PROFILE SRC LOG [VERIFY]: configure (when a Kconfig file or
# the fragments changed) and build PROFILE's kernel and modules from SRC in
# $OUT/bisect/PROFILE.  The fragments are those of build.sh; they are only
# verified (VERIFY=1: the whole series) when every symbol they set exists.
bisect_build() {
	local profile=$1 src=$2 log=$3 verify=${4:-0} b=$OUT/bisect/$1 f frags=() stamp
	load_profile "$profile"
	for f in $(profile_fragments "$profile"); do
		frags+=("$TOP/configs/$f.config")
	done
	mkdir -p "$b"
	stamp=$( (cat "${frags[@]}"; echo "$src ${KBUILD_ARGS[*]}"
		git -C "$src" ls-files -s -- '*Kconfig*') | sha256sum | cut -d' ' -f1)
	{
		if [ "$(cat "$b/.klp-config-stamp" 2>/dev/null)" != "$stamp" ] || [ ! -f "$b/.config" ]; then
			rm -f "$b/.klp-config-stamp"
			kmake "$src" "$b" tinyconfig &&
			env -C "$b" "$src/scripts/kconfig/merge_config.sh" -m -O "$b" "$b/.config" \
				"${frags[@]}" &&
			kmake "$src" "$b" olddefconfig &&
			echo "$stamp" >"$b/.klp-config-stamp" || return 1
		fi
		if [ "$verify" = 1 ]; then
			python3 "$TOP/harness/verify_config.py" "$b/.config" "${frags[@]}" || return 1
		fi
		kmake "$src" "$b" "$KIMAGE_TARGET" modules
	} >"$log" 2>&1
}

cmd_bisect() {
	local src=$OUT/bisect/src/linux list n from to k w p name line log rc=0 \
		built=0 clean=0 ok profile ign verify bad f
	mapfile -t list < <(series_list)
	n=${#list[@]}
	[ "$n" -gt 0 ] || die "series-bisect: patches/series lists no patch"
	from=${BISECT_FROM:-1} to=${BISECT_TO:-$n}
	if ! [[ $from =~ ^[0-9]+$ && $to =~ ^[0-9]+$ ]] || [ "$from" -lt 1 ] ||
	   [ "$from" -gt "$to" ] || [ "$to" -gt "$n" ]; then
		die "series-bisect: need 1 <= BISECT_FROM ($from) <= BISECT_TO ($to) <= $n"
	fi
	from=$((10#$from)) to=$((10#$to))
	w=${#n}
	for p in "${list[@]}"; do
		[ -f "$PATCHES/$p" ] || die "patches/series names $p, which does not exist"
	done
	rm -f "$LOGS"/bisect-*.log
	[ -d "$src/.git" ] || clone_base "$src"
	stage "series-bisect: patches $from..$to of $n in $src," \
		"builds in $OUT/bisect/ (${BISECT_PROFILES[*]})"
	apply_series "$src" $((from - 1)) >/dev/null 2>"$LOGS/bisect-base.log" ||
		die "series-bisect: patches 1..$((from - 1)) do not apply (log: $LOGS/bisect-base.log)"
	for ((k = from; k <= to; k++)); do
		p=${list[k - 1]}
		name=${p#[0-9][0-9][0-9][0-9]-}; name=${name%.patch}
		log=$LOGS/bisect-$(printf '%0*d' "$w" "$k")
		line=$(printf 'bisect: %0*d/%d %s' "$w" "$k" "$n" "$name")
		ok=1 bad=()
		if ! am_patch "$src" "$p" 2>"$log-apply.log"; then
			# The next patches go on top of the one before; they may not apply either.
			line+=" apply FAIL"
			bad+=("$log-apply.log")
			for profile in "${BISECT_PROFILES[@]}"; do line+=" $profile skip"; done
			ok=0
		else
			# With the whole series, every symbol of the fragments must take.
			verify=0
			if [ "$k" -eq "$n" ]; then verify=1; fi
			for profile in "${BISECT_PROFILES[@]}"; do
				if bisect_build "$profile" "$src" "$log-$profile.log" $verify; then
					line+=" $profile ok"
				else
					line+=" $profile FAIL"
					bad+=("$log-$profile.log")
					ok=0
				fi
			done
		fi
		if [ $ok -eq 1 ]; then built=$((built + 1)); fi
		ign=$(ignored_types "$p")
		if checkpatch_patch "$src" "$p" "$ign" >"$log-checkpatch.log"; then
			line+=" checkpatch ok"
			clean=$((clean + 1))
		else
			line+=" checkpatch FAIL"
			bad+=("$log-checkpatch.log")
			ok=0
		fi
		echo "$line"
		if [ $ok -eq 0 ]; then
			rc=1
			for f in "${bad[@]}"; do
				echo "        log: $f"
				grep -m 3 -E '(error|Error [0-9]+|undefined reference|ERROR):' "$f" |
					sed 's/^/        | /' || true
			done
		fi
	done
	echo "series-bisect: $((to - from + 1)) patches," \
		"$built built on ${BISECT_PROFILES[0]} and ${BISECT_PROFILES[1]}," \
		"$clean checkpatch-clean"
	return $rc
}

case ${1:-} in
sync)   cmd_sync ;;
sync-base) cmd_sync_base ;;
sync-without) cmd_sync_without ;;
tree)   cmd_tree ;;
export) cmd_export ;;
status) cmd_status ;;
check)  shift; cmd_check "$@" ;;
check-cover) cmd_check_cover ;;
bisect) cmd_bisect ;;
hash)   series_hash ;;
*)      die "usage: series.sh sync|sync-base|sync-without|tree|export|status|check|check-cover|bisect|hash" ;;
esac
