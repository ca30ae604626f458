#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make fuzz: fuzz scripts/livepatch/klp-convert, the one host tool of the
# series that parses untrusted ELF, with Debian's afl++.
#
# The target is built with afl-clang-fast under ASan and UBSan, so that any
# memory error or undefined behaviour is a crash.  The seeds are real
# modules of the default kernel's build, the livepatch selftests' and the
# malformed-module test's, each both as the build converted it and as it
# was linked before conversion (with its KLP_SYMBOL() annotations), plus
# the corpus kept in the repository (tests/fuzz/klp-convert/).
#
#   FUZZ_TIME=S   seconds to fuzz (default 600)
#   FUZZ_SAVE=1   afl-cmin the queue into the repository's corpus (what
#                 make check replays, tests/host/test_klp_convert.py); the
#                 inputs that once crashed or hung it (crash-*, hang-*)
#                 stay
#
# It reports executions, paths and crashes, in out/fuzz/summary.txt too,
# and fails if afl found a crash or a hang.
. "$(dirname "$0")/lib.sh"

FUZZ_TIME=${FUZZ_TIME:-600}
FUZZ=$OUT/fuzz
CORPUS=$TOP/tests/fuzz/klp-convert

bash "$TOP/harness/setup.sh"
bash "$TOP/harness/base.sh"
bash "$TOP/harness/build.sh" default	# syncs out/src/linux with patches/ first
load_profile default
b=$(build_dir default)
src=$SERIES_SRC

stage "fuzz: klp-convert with afl++ for $FUZZ_TIME s (out/fuzz/)"
rm -rf "$FUZZ"
mkdir -p "$FUZZ/mods" "$FUZZ/seeds" "$FUZZ/tmp"

# The target: ASan and UBSan abort on the first error.
AFL_USE_ASAN=1 AFL_USE_UBSAN=1 AFL_QUIET=1 run_logged "$LOGS/fuzz-build.log" \
	afl-clang-fast -O1 -g -o "$FUZZ/klp-convert" \
	"$src/scripts/livepatch/klp-convert.c" -lelf

# The seeds: modules of the build, converted and unconverted, without
# their debug information (afl works best on small inputs).
for d in "$src/tools/testing/selftests/livepatch/test_modules" \
	 "$TOP/tests/guest/mutants"; do
	# The sources only: the source tree may hold another profile's objects.
	rsync -a --include '*.c' --include '*.h' --include '*.S' --include Makefile \
		--exclude '*' "$d/" "$FUZZ/mods/$(basename "$d")/"
done
for d in "$FUZZ"/mods/*; do
	run_logged "$LOGS/fuzz-modules.log" \
		make -C "$b" M="$d" "${KBUILD_ARGS[@]}" -j"$JOBS" modules
done
n=0
for ko in "$FUZZ"/mods/*/*.ko; do
	m=${ko%.ko}
	name=$(basename "$m")
	"$(ktool strip)" --strip-debug -o "$FUZZ/seeds/$name.ko" "$ko"
	n=$((n + 1))
	# The same module linked as Kbuild does, but not converted.
	if "$(ktool readelf)" -S "$ko" | grep -q '\.klp\.rela\.'; then
		"$(ktool ld)" -r -T "$b/scripts/module.lds" -o "$FUZZ/tmp/$name.ko" \
			"$m.o" "$m.mod.o" "$(dirname "$m")/.module-common.o"
		"$(ktool strip)" --strip-debug -o "$FUZZ/seeds/$name.annotated.ko" \
			"$FUZZ/tmp/$name.ko"
		n=$((n + 1))
	fi
done
kept=0
if [ -d "$CORPUS" ]; then
	for f in "$CORPUS"/*; do
		[ -f "$f" ] || continue
		cp "$f" "$FUZZ/seeds/kept-$(basename "$f")"
		kept=$((kept + 1))
	done
fi
info "fuzz: $n seed modules of the build, $kept kept inputs"

# -m none: ASan reserves terabytes of address space.  The tool writes its
# output next to OUT and renames it; a run that fails leaves nothing.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
export AFL_NO_AFFINITY=1 AFL_SKIP_BIN_CHECK=0
run_logged "$LOGS/fuzz.log" afl-fuzz -i "$FUZZ/seeds" -o "$FUZZ/afl" -m none \
	-t 2000 -V "$FUZZ_TIME" -- "$FUZZ/klp-convert" @@ "$FUZZ/tmp/out.ko" ||
	die "afl-fuzz failed (log: $LOGS/fuzz.log)"

stats=$FUZZ/afl/default/fuzzer_stats
[ -f "$stats" ] || die "afl-fuzz left no $stats"
afl_stat() { sed -n "s/^$1 *: *//p" "$stats"; }
{
	echo "klp-convert fuzzing (afl++ $(afl_stat afl_version), ASan+UBSan)"
	echo "run time:    $(afl_stat run_time) s"
	echo "executions:  $(afl_stat execs_done) ($(afl_stat execs_per_sec) per second)"
	echo "paths:       $(afl_stat corpus_count) (from $(afl_stat corpus_found) found, $((n + kept)) seeds)"
	echo "edges:       $(afl_stat edges_found) of $(afl_stat total_edges) ($(afl_stat bitmap_cvg))"
	echo "crashes:     $(afl_stat saved_crashes)"
	echo "hangs:       $(afl_stat saved_hangs)"
	echo "stability:   $(afl_stat stability)"
} | tee "$FUZZ/summary.txt" | sed 's/^/        /'

if [ "${FUZZ_SAVE:-0}" = 1 ]; then
	mkdir -p "$FUZZ/cmin-in"
	cp "$FUZZ"/afl/default/queue/id:* "$FUZZ/cmin-in/"
	run_logged "$LOGS/fuzz-cmin.log" afl-cmin -m none -t 2000 \
		-i "$FUZZ/cmin-in" -o "$FUZZ/cmin" -- "$FUZZ/klp-convert" @@ "$FUZZ/tmp/out.ko"
	# Inputs that once crashed or hung it (crash-*, hang-*) stay, under
	# their names.
	mkdir -p "$CORPUS"
	find "$CORPUS" -maxdepth 1 -type f ! -name 'crash-*' ! -name 'hang-*' -delete
	i=0
	for f in "$FUZZ"/cmin/*; do
		cp "$f" "$CORPUS/$(printf '%04d' $i)-$(sha1sum <"$f" | cut -c1-12)"
		i=$((i + 1))
	done
	info "fuzz: $i inputs kept in ${CORPUS#$TOP/}/ ($(du -sh "$CORPUS" | cut -f1))"
fi

[ "$(afl_stat saved_crashes)" = 0 ] && [ "$(afl_stat saved_hangs)" = 0 ] ||
	die "afl found crashes or hangs: $FUZZ/afl/default/{crashes,hangs}/"
info "fuzz: no crash, no hang"
