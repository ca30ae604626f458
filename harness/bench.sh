#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench.sh: what livepatch costs on arm64, side by side with the base kernel.
#
# Builds the default kernel with the series and the base 6.12 kernel without
# it (same fragments, less configs/needs-series), and Debian's cloud kernel
# with the series (the debian-cloud profile), boots each under
# QEMU -icount shift=0 (with icount, guest time counts instructions) on the
# "max" CPU (PAC and BTI) and runs bench/test-bench.sh in full mode.
# Writes out/bench/{results.json,calls.csv,transitions.csv,table.txt,
# transition.png}.
#
# What makes two runs agree: one vCPU (SMP=1), nokaslr, QEMU's -seed
# (SEED=1), which makes what the guest draws from its random number sources
# the same from boot to boot, so that its address space layouts, hashes and
# so the interleaving of its tasks repeat too, and -icount sleep=off
# (ICOUNT=shift=0,sleep=off): when the guest is idle, its clock jumps to the
# next timer instead of following the host's, so an idle guest costs no
# host time and host load does not show in guest time. With a second
# vCPU, its idle task is running when the livepatch core first checks the
# tasks, so nearly every transition waits for the core's next try, about a
# second later; SMP=2 shows that. With KASLR, where modules land changes
# how the calls to the ftrace trampolines are made, and so the traced call
# cost, from boot to boot.
#
# "bench.sh scale" (make bench BENCH=scale) runs the scale boots alone,
# into out/bench-scale/.
. "$(dirname "$0")/lib.sh"

what=${1:-all}
case $what in
all|scale) ;;
*) die "usage: bench.sh [all|scale]" ;;
esac
cpu=${CPU:-max}
smp=${SMP:-1}
seed=${SEED:-1}
icount=${ICOUNT:-shift=0,sleep=off}
outdir=$OUT/bench
[ "$what" = all ] || outdir=$OUT/bench-$what
mkdir -p "$outdir"

"$TOP/harness/setup.sh"
"$TOP/harness/base.sh"

# bench_boot KERNEL NAME TAG SMP APPEND [PROFILE QEMU-PROFILE]: boot KERNEL's
# build of PROFILE (default: the default profile, on $cpu) with the
# benchmark (klp_harness.bench=..., in APPEND) and keep its console log as
# out/bench/console-NAME.log, for the report.
bench_boot() {
	local kernel=$1 name=$2 tag=$3 vcpus=$4 append=$5 profile=${6:-default} qemu=${7:-$cpu} run
	run=$OUT/runs/$(basename "$(SOURCE=$kernel build_dir "$profile")")-$qemu-$tag
	SOURCE=$kernel RUN_TAG=$tag COLLECTIONS=bench QEMU_EXTRA="-icount $icount -seed $seed" \
		QEMU_SMP=$vcpus KLP_APPEND="$append" GUEST_TIMEOUT=${GUEST_TIMEOUT:-1800} \
		"$TOP/harness/guest.sh" test "$profile" "$qemu" "$TOP/bench" ||
		die "the $name benchmark run failed (${run#"$TOP"/}/console.log)"
	cp "$run/console.log" "$outdir/console-$name.log"
	logs+=("$name=$outdir/console-$name.log")
}

# text_size NAME OBJECT FILE: the .text size of FILE, for the size table
text_size() {
	printf '%s %s %s\n' "$2" "$1" \
		"$(${CROSS_COMPILE}size -A "$3" | awk '$1 == ".text" {print $2}')" >>"$sizes"
}

sizes=$outdir/sizes.txt
: >"$sizes"
logs=()
if [ "$what" = all ]; then
for kernel in series base; do
	SOURCE=$kernel "$TOP/harness/build.sh" default
	b=$(SOURCE=$kernel build_dir default)
	bench_boot "$kernel" "$kernel" bench "$smp" "klp_harness.bench=full nokaslr"
	text_size "$kernel" vmlinux-.text "$b/vmlinux"
	text_size "$kernel" klp_bench.ko-.text "$OUT/guest-tests/$(basename "$b")/bench/klp_bench.ko"
done

# What the function PLTs cost in text: the series without them.
SOURCE=series "$TOP/harness/build.sh" default-nofuncplt
text_size series-nofuncplt vmlinux-.text "$(SOURCE=series build_dir default-nofuncplt)/vmlinux"

# The direct calls again with KASLR: vmlinux is then out of reach of a BL
# from the module's trampoline ("far"), which the function's own PLT
# bridges.
bench_boot series series-kaslr bench-kaslr 1 "klp_harness.bench=direct"
# And without the function PLTs: a far call site then calls ftrace_caller,
# whose early exit jumps to a far livepatch replacement (the layout that
# kpatch-build and klp-build know, CALL_OPS' two NOPs before a function).
bench_boot series series-nofuncplt-kaslr bench-nofuncplt-kaslr 1 "klp_harness.bench=direct" default-nofuncplt

# Debian's own cloud kernel with the series (configs/profiles/debian-cloud),
# KASLR on as Debian has it: RANDOMIZE_MODULE_REGION_FULL puts every module
# and BPF trampoline far from vmlinux; PREEMPT_VOLUNTARY, NR_CPUS=512.  The
# calls, transitions and loads; the direct and livepatched vmlinux calls,
# far; the transitions with two vCPUs.
SOURCE=series "$TOP/harness/build.sh" debian-cloud
bench_boot series debian-cloud bench-debian 1 "klp_harness.bench=full" debian-cloud
bench_boot series debian-cloud-direct bench-debian-direct 1 "klp_harness.bench=direct" debian-cloud
bench_boot series debian-cloud-2cpu bench-debian-2cpu 2 "klp_harness.bench=transitions" debian-cloud

# The transitions again with two vCPUs: the idle task of the other CPU is
# running at the livepatch core's first try.
bench_boot series series-2cpu bench-2cpu 2 "klp_harness.bench=transitions nokaslr"

# The load cost of livepatch relocations again with two vCPUs: what the
# late relocations' cache maintenance costs when there is another CPU to
# synchronise.
bench_boot series series-2cpu-loads bench-2cpu-loads 2 "klp_harness.bench=loads nokaslr"
fi

# "livepatch: retry a transition soon while only running tasks hold it up"
# at scale: 10,000 and 30,000 sleeping kthreads, with one and two vCPUs,
# with the series and with the series without that patch; the livepatch
# core's tries at completing each transition (each a walk of every task)
# counted and timed.
retry=$(grep -l '^Subject: .*livepatch: retry a transition soon' "$PATCHES"/[0-9]*.patch | head -n 1)
[ -n "$retry" ] || die "no patch 'livepatch: retry a transition soon' in patches/"
export KLP_WITHOUT=${retry##*/}
SOURCE=without "$TOP/harness/build.sh" default
# SCALE_VCPUS: the numbers of vCPUs to boot with (1 2)
for v in ${SCALE_VCPUS:-1 2}; do
	for kernel in series without; do
		name=$kernel-scale-${v}cpu
		[ $kernel = series ] || name=noretry-scale-${v}cpu
		bench_boot "$kernel" "$name" "bench-scale-$v" "$v" "klp_harness.bench=scale nokaslr"
	done
done

if [ "$what" = all ]; then
# The same two-vCPU transitions on x86_64, from the same series: the retry
# that "livepatch: retry a transition soon while only running tasks hold it
# up" changes is generic.
SOURCE=series "$TOP/harness/build.sh" x86_64
bench_boot series series-x86_64-2cpu bench-2cpu 2 "klp_harness.bench=transitions nokaslr" \
	x86_64 x86_64
fi

stage "bench: report (raw data in out/bench/)"
# The previous run's figures, for the agreement line of the report.
prev=$outdir/results-prev.json
if [ -f "$outdir/results.json" ]; then
	mv "$outdir/results.json" "$prev"
fi
python3 "$TOP/harness/bench_report.py" "$outdir" "${logs[@]}" --sizes "$sizes" \
	--timings "$LOGS/check-timings.tsv" --compare "$prev" --plot \
	--setup "QEMU -cpu $cpu -smp $smp (series-2cpu, series-2cpu-loads, *-scale-2cpu and series-x86_64-2cpu: -smp 2; series-x86_64-2cpu: qemu-system-x86_64, the x86_64 profile) -icount $icount -seed $seed, kernel command line nokaslr (series-kaslr, series-nofuncplt-kaslr and debian-cloud*: KASLR on; series-nofuncplt-kaslr: the default-nofuncplt profile; debian-cloud*: the debian-cloud profile, debian-cloud-2cpu: -smp 2); noretry-*: the series without $KLP_WITHOUT"
