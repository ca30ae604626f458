#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Prepare the base source once per Debian package version: extract
# /usr/src/linux-source-6.12.tar.xz into the cache and make it a git
# repository with a single commit tagged "base".
#
# The only difference from the tarball: Debian appends a block to the
# top-level .gitignore that ignores every top-level path ("/*", for its
# packaging repository).  The base commit drops that block so that new
# files in the work tree show up in "git status"; everything else is the
# tarball byte for byte.
. "$(dirname "$0")/lib.sh"

ver=$(base_pkg_version)
[ -n "$ver" ] || die "linux-source-6.12 is not installed (run: make setup)"
dir=$(base_dir)

if ! git -C "$dir" rev-parse -q --verify base >/dev/null 2>&1; then
	stage "base: extracting linux-source-6.12 $ver"
	rm -rf "$dir" "$dir.tmp"
	mkdir -p "$dir.tmp"
	tar -C "$dir.tmp" -xf /usr/src/linux-source-6.12.tar.xz
	mv "$dir.tmp/linux-source-6.12" "$dir"
	rmdir "$dir.tmp"
	python3 - "$dir/.gitignore" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
marker = "#\n# Debian packaging: ignore everything at the top level"
i = text.find(marker)
if i >= 0:
    open(path, "w").write(text[:i].rstrip("\n") + "\n")
PY
	info "base: making the base commit (once)"
	git -C "$dir" init -q -b base-src
	git -C "$dir" add -f .
	# Pack in the foreground.  "git commit" would start "gc --auto" in
	# the background (gc.autoDetach), still repacking the 90,000 loose
	# objects while "series.sh sync" applies patches in a --shared clone
	# of this repository: "git am" there has failed with it.
	git "${GIT_ID[@]}" -c maintenance.auto=false -C "$dir" commit -q \
		-m "Linux $(kernel_version_of "$dir") from Debian linux-source-6.12 $ver"
	git -C "$dir" tag base
	git -C "$dir" -c gc.autoDetach=false gc -q --auto
fi
# A gc that an earlier run left detached must be over before anything
# clones or reads this repository.
wait_for_gc "$dir"

printf 'base: Debian linux-source-6.12 %s, Linux %s\n' "$ver" "$(kernel_version_of "$dir")"
