#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench.sh: what livepatch costs on arm64, side by side with the base kernel.
#
# Builds the default kernel with the series and the base 6.12 kernel without
# it (same fragments, less configs/needs-series), boots each under
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
. "$(dirname "$0")/lib.sh"

cpu=${CPU:-max}
smp=${SMP:-1}
seed=${SEED:-1}
icount=${ICOUNT:-shift=0,sleep=off}
outdir=$OUT/bench
mkdir -p "$outdir"

"$TOP/harness/setup.sh"
"$TOP/harness/base.sh"

sizes=$outdir/sizes.txt
: >"$sizes"
logs=()
for kernel in series base; do
	SOURCE=$kernel "$TOP/harness/build.sh" default
	b=$(SOURCE=$kernel build_dir default)
	SOURCE=$kernel RUN_TAG=bench COLLECTIONS=bench QEMU_EXTRA="-icount $icount -seed $seed" \
		QEMU_SMP=$smp KLP_APPEND="klp_harness.bench=full nokaslr" \
		GUEST_TIMEOUT=${GUEST_TIMEOUT:-1800} \
		"$TOP/harness/guest.sh" test default "$cpu" "$TOP/bench" ||
		die "the $kernel benchmark run failed (out/runs/$(basename "$b")-$cpu-bench/console.log)"
	cp "$OUT/runs/$(basename "$b")-$cpu-bench/console.log" "$outdir/console-$kernel.log"
	logs+=("$kernel=$outdir/console-$kernel.log")
	printf 'vmlinux-.text %s %s\n' "$kernel" \
		"$(${CROSS_COMPILE}size -A "$b/vmlinux" | awk '$1 == ".text" {print $2}')" >>"$sizes"
	printf 'klp_bench.ko-.text %s %s\n' "$kernel" \
		"$(${CROSS_COMPILE}size -A "$OUT/guest-tests/$(basename "$b")/bench/klp_bench.ko" |
		   awk '$1 == ".text" {print $2}')" >>"$sizes"
done

# What the function PLTs cost in text: the series without them.
SOURCE=series "$TOP/harness/build.sh" default-nofuncplt
b=$(SOURCE=series build_dir default-nofuncplt)
printf 'vmlinux-.text series-nofuncplt %s\n' \
	"$(${CROSS_COMPILE}size -A "$b/vmlinux" | awk '$1 == ".text" {print $2}')" >>"$sizes"

# The direct calls again with KASLR: vmlinux is then out of reach of a BL
# from the module's trampoline ("far"), which the function's own PLT
# bridges.
b=$(SOURCE=series build_dir default)
SOURCE=series RUN_TAG=bench-kaslr COLLECTIONS=bench QEMU_EXTRA="-icount $icount -seed $seed" \
	QEMU_SMP=1 KLP_APPEND="klp_harness.bench=direct" \
	GUEST_TIMEOUT=${GUEST_TIMEOUT:-1800} \
	"$TOP/harness/guest.sh" test default "$cpu" "$TOP/bench" ||
	die "the KASLR benchmark run failed (out/runs/$(basename "$b")-$cpu-bench-kaslr/console.log)"
cp "$OUT/runs/$(basename "$b")-$cpu-bench-kaslr/console.log" "$outdir/console-series-kaslr.log"
logs+=("series-kaslr=$outdir/console-series-kaslr.log")

# The transitions again with two vCPUs: the idle task of the other CPU is
# running at the livepatch core's first try.
SOURCE=series RUN_TAG=bench-2cpu COLLECTIONS=bench QEMU_EXTRA="-icount $icount -seed $seed" \
	QEMU_SMP=2 KLP_APPEND="klp_harness.bench=transitions nokaslr" \
	GUEST_TIMEOUT=${GUEST_TIMEOUT:-1800} \
	"$TOP/harness/guest.sh" test default "$cpu" "$TOP/bench" ||
	die "the two-vCPU benchmark run failed (out/runs/$(basename "$b")-$cpu-bench-2cpu/console.log)"
cp "$OUT/runs/$(basename "$b")-$cpu-bench-2cpu/console.log" "$outdir/console-series-2cpu.log"
logs+=("series-2cpu=$outdir/console-series-2cpu.log")

stage "bench: report (raw data in out/bench/)"
# The previous run's figures, for the agreement line of the report.
prev=$outdir/results-prev.json
if [ -f "$outdir/results.json" ]; then
	mv "$outdir/results.json" "$prev"
fi
python3 "$TOP/harness/bench_report.py" "$outdir" "${logs[@]}" --sizes "$sizes" \
	--timings "$LOGS/check-timings.tsv" --compare "$prev" --plot \
	--setup "QEMU -cpu $cpu -smp $smp (series-2cpu: -smp 2) -icount $icount -seed $seed, kernel command line nokaslr (series-kaslr: KASLR on)"
