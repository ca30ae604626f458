#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stress.sh: the livepatch soak (tests/guest/stress/test-stress.sh with
# klp_harness.stress=soak): 200 cycles of enable, stack, replace, reload,
# reverse and one forced transition, with two vCPUs, on the kernel of
# PROFILE (default) and the QEMU profile CPU (max). make check runs the
# same test in its short form on every full guest run.
. "$(dirname "$0")/lib.sh"

profile=${PROFILE:-default}
cpu=${CPU:-max}
"$TOP/harness/setup.sh"
"$TOP/harness/base.sh"
"$TOP/harness/build.sh" "$profile"
out=$RESULTS/stress.tsv
rc=0
RUN_TAG=stress COLLECTIONS=stress QEMU_SMP=${SMP:-2} RESULTS_OUT=$out \
	KLP_APPEND="klp_harness.stress=soak ${KLP_APPEND:-}" \
	"$TOP/harness/guest.sh" test "$profile" "$cpu" "$TOP/tests/guest/stress" || rc=$?
log=$(build_dir "$profile")
log=$OUT/runs/$(basename "$log")-$cpu-stress/console.log
echo
grep -o 'KLP_STRESS .*' "$log" | tail -n 1 | tr ' ' '\n' | sed -n 's/^/  /; 2,$p' || true
echo
python3 "$TOP/harness/report.py" "$out" || rc=1
exit $rc
