#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check.sh [distro]: everything make check does, in order; the last line
# printed is "N passed, N failed".  A failing stage does not stop the later
# ones: the report counts what failed.
# check.sh distro (make distro-check): only the runs of configs/distro-runs,
# a distribution's own kernel with the series; no host tests, no series
# checks (make check has them).
. "$(dirname "$0")/lib.sh"

mode=${1:-check}
case $mode in
check)
	runs_file=$TOP/configs/check-runs ;;
distro)
	# Results and timings of their own: make check's stay as they are.
	runs_file=$TOP/configs/distro-runs RESULTS=$OUT/results-distro ;;
*)
	die "usage: check.sh [distro]" ;;
esac

timings=$LOGS/$mode-timings.tsv
[ ! -s "$timings" ] || cp "$timings" "$LOGS/$mode-timings.prev.tsv"
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

if [ "$mode" = check ]; then
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
fi

# Every guest test directory, and the benchmark in its smoke mode.
dirs=()
for d in "$TOP"/tests/guest/*/; do
	compgen -G "$d/test-*.sh" >/dev/null && dirs+=("${d%/}")
done
dirs+=("$TOP/bench")

# The runs of configs/check-runs (or distro-runs).  Kernels are built one at a time (each
# build uses every CPU); guest runs start as soon as their kernel is built,
# up to GUEST_JOBS at once, and overlap the later builds: the guests mostly
# sleep, waiting on the livepatch core's retries.  The longest runs (by the
# previous make check's timings) start first.  Each job's output is kept and
# printed whole when it ends; the report is in configs/check-runs order.
guest_jobs=${GUEST_JOBS:-$(nproc)}
prev=$LOGS/$mode-timings.prev.tsv
jobs_dir=$LOGS/$mode-jobs
rm -rf "$jobs_dir"
mkdir -p "$jobs_dir"

run_n=() run_profile=() run_cpu=() run_tag=() run_append=() run_only=()
n=10
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
	run_n+=("$n") run_profile+=("$profile") run_cpu+=("$cpu")
	run_tag+=("$tag") run_append+=("$append") run_only+=("${only:-}")
done <"$runs_file"

run_name() {	# run_name I: profile-cpu[-tag]
	echo "${run_profile[$1]}-${run_cpu[$1]}${run_tag[$1]:+-${run_tag[$1]}}"
}

# Longest first: the previous timings, else the order of check-runs.
order=$(for i in "${!run_n[@]}"; do
		t=$(awk -F'\t' -v k="guest-$(run_name "$i")" '$1 == k {print $2}' "$prev" 2>/dev/null | tail -n 1)
		printf '%s\t%s\n' "${t:-0}" "$i"
	done | sort -t$'\t' -k1,1nr -k2,2n -s | cut -f2)
queue=($order)
builds=()
for i in "${queue[@]}"; do
	[[ " ${builds[*]} " == *" ${run_profile[$i]} "* ]] || builds+=("${run_profile[$i]}")
done

declare -A pstate=() job_kind=() job_what=()
build_pid=
nguests=0

start_guest() {	# start_guest I
	local i=$1 run
	run=$(run_name "$i")
	RESULTS_OUT=$RESULTS/${run_n[$i]}-$run.tsv RUN_TAG=${run_tag[$i]} \
		KLP_APPEND=${run_append[$i]//,/ } COLLECTIONS=${run_only[$i]} \
		timed "guest-$run" "$TOP/harness/guest.sh" test "${run_profile[$i]}" \
		"${run_cpu[$i]}" "${dirs[@]}" >"$jobs_dir/guest-$run.out" 2>&1 &
	job_kind[$!]=guest job_what[$!]=$i
	nguests=$((nguests + 1))
	info "guest: $run started ($nguests running)"
}

while [ ${#queue[@]} -gt 0 ] || [ -n "$build_pid" ] || [ $nguests -gt 0 ]; do
	if [ -z "$build_pid" ] && [ ${#builds[@]} -gt 0 ]; then
		p=${builds[0]}
		builds=("${builds[@]:1}")
		timed "build-$p" "$TOP/harness/build.sh" "$p" >"$jobs_dir/build-$p.out" 2>&1 &
		build_pid=$!
		job_kind[$!]=build job_what[$!]=$p
	fi
	rest=()
	for i in "${queue[@]}"; do
		p=${run_profile[$i]}
		case ${pstate[$p]:-} in
		built)
			if [ "$nguests" -lt "$guest_jobs" ]; then
				start_guest "$i"
				continue
			fi ;;
		broken)
			continue ;;
		esac
		rest+=("$i")
	done
	queue=("${rest[@]}")
	[ -n "$build_pid" ] || [ $nguests -gt 0 ] || break
	rc=0
	wait -n -p pid || rc=$?
	[ -n "${pid:-}" ] || continue
	case ${job_kind[$pid]} in
	build)
		p=${job_what[$pid]}
		cat "$jobs_dir/build-$p.out"
		if [ $rc -eq 0 ]; then
			pstate[$p]=built
		else
			pstate[$p]=broken
			for i in "${!run_n[@]}"; do
				[ "${run_profile[$i]}" = "$p" ] || continue
				fail_row "${run_n[$i]}-build-$p.tsv" "$p" "kernel build" \
					"see out/logs/build-$p.log"
				break
			done
		fi
		build_pid= ;;
	guest)
		i=${job_what[$pid]}
		run=$(run_name "$i")
		cat "$jobs_dir/guest-$run.out"
		[ -s "$RESULTS/${run_n[$i]}-$run.tsv" ] ||
			fail_row "${run_n[$i]}-$run.tsv" \
				"${run_profile[$i]}/${run_cpu[$i]}${run_tag[$i]:+/${run_tag[$i]}}" \
				"guest run" "no results recorded"
		nguests=$((nguests - 1)) ;;
	esac
	unset "job_kind[$pid]" "job_what[$pid]"
	pid=
done

echo
echo "Time by stage (seconds):"
awk -F'\t' '{printf "  %-28s %5d\n", $1, $2; s += $2} END {printf "  %-28s %5d\n", "sum", s}' "$timings"
printf '  %-28s %5d\n' "wall clock" $(( $(date +%s) - _t0 ))
echo
python3 "$TOP/harness/report.py" "$RESULTS"/*.tsv
