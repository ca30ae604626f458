#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check.sh: everything make check does, in order; the last line printed is
# "N passed, N failed".  A failing stage does not stop the later ones: the
# report counts what failed.
. "$(dirname "$0")/lib.sh"

timings=$LOGS/check-timings.tsv
: >"$timings"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"

timed() {	# timed NAME CMD...: run CMD, record how long it took
	local name=$1 t=$(date +%s) rc=0
	shift
	"$@" || rc=$?
	printf '%s\t%d\n' "$name" $(( $(date +%s) - t )) >>"$timings"
	return $rc
}

fail_row() {	# fail_row FILE GROUP TEST DETAIL
	printf '%s\t%s\tfail\t0\t%s\n' "$2" "$3" "$4" >>"$RESULTS/$1"
}

timed setup "$TOP/harness/setup.sh"
timed base "$TOP/harness/base.sh"

# The host tests of the series' host tools use its source.
timed series-sync "$TOP/harness/series.sh" sync ||
	fail_row 00-sync.tsv series "series applies to the base" "see above"

stage "host tests (log: out/logs/host-tests.log)"
timed host-tests python3 "$TOP/tests/host/run.py" "$RESULTS/00-host.tsv" \
	>"$LOGS/host-tests.log" 2>&1 || info "host tests: failures (see out/logs/host-tests.log)"
[ -s "$RESULTS/00-host.tsv" ] || fail_row 00-host.tsv host "host test runner" "it recorded nothing"

stage "series: apply and checkpatch"
if ! timed series-check "$TOP/harness/series.sh" check >"$RESULTS/01-series.tsv.tmp"; then
	info "series: problems (above)"
fi
sed 's/^/series\t/' "$RESULTS/01-series.tsv.tmp" |
	awk -F'\t' -v OFS='\t' '{print $1, $2, $3, 0, $4}' >"$RESULTS/01-series.tsv"
rm -f "$RESULTS/01-series.tsv.tmp"

# Every guest test directory, and the benchmark in its smoke mode.
dirs=()
for d in "$TOP"/tests/guest/*/; do
	compgen -G "$d/test-*.sh" >/dev/null && dirs+=("${d%/}")
done
dirs+=("$TOP/bench")

n=10
built=" "
broken=" "
while read -r profile cpu opts; do
	case $profile in ''|'#'*) continue ;; esac
	tag= append= only=
	for o in $opts; do
		case $o in
		tag=*)    tag=${o#tag=} ;;
		append=*) append=${o#append=} ;;
		only=*)   only=${o#only=} ;;
		*)        die "configs/check-runs: unknown option '$o'" ;;
		esac
	done
	n=$((n + 1))
	if [[ $built != *" $profile "* && $broken != *" $profile "* ]]; then
		if timed "build-$profile" "$TOP/harness/build.sh" "$profile"; then
			built+="$profile "
		else
			broken+="$profile "
			fail_row "$n-build-$profile.tsv" "$profile" "kernel build" \
				"see out/logs/build-$profile.log"
		fi
	fi
	[[ $built == *" $profile "* ]] || continue
	run=$profile-$cpu${tag:+-$tag}
	RESULTS_OUT=$RESULTS/$n-$run.tsv RUN_TAG=$tag KLP_APPEND=${append//,/ } \
		COLLECTIONS=$only timed "guest-$run" \
		"$TOP/harness/guest.sh" test "$profile" "$cpu" "${dirs[@]}" || true
	[ -s "$RESULTS/$n-$run.tsv" ] ||
		fail_row "$n-$run.tsv" "$profile/$cpu${tag:+/$tag}" "guest run" "no results recorded"
done <"$TOP/configs/check-runs"

echo
echo "Time by stage (seconds):"
awk -F'\t' '{printf "  %-24s %5d\n", $1, $2; s += $2} END {printf "  %-24s %5d\n", "total", s}' "$timings"
echo
python3 "$TOP/harness/report.py" "$RESULTS"/*.tsv
