#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stress.sh soak|faults: the long forms of two tests that make check runs
# short.
#   soak    make stress: the livepatch soak (tests/guest/stress/test-stress.sh
#           with klp_harness.stress=soak), 200 cycles of enable, stack,
#           replace, reload, reverse and one forced transition, on two
#           vCPUs; kernel PROFILE (default), QEMU profile CPU (max).
#   faults  make faults: the fault injection test
#           (tests/guest/mutants/test-faults.sh with klp_faults.stride=1)
#           failing every injection point of every path in turn; kernel
#           PROFILE (debug: the one with fault injection and kmemleak).
# make check runs the soak's short form and the fault injection test at
# every 20th point, on the debug kernel.
. "$(dirname "$0")/lib.sh"

what=${1:?usage: stress.sh soak|faults}
cpu=${CPU:-max}
case $what in
soak)
	profile=${PROFILE:-default} dir=$TOP/tests/guest/stress coll=stress
	export QEMU_SMP=${SMP:-2}
	append="klp_harness.stress=soak" mark=KLP_STRESS ;;
faults)
	profile=${PROFILE:-debug} dir=$TOP/tests/guest/mutants
	coll=mutants:test-faults.sh
	# hours, not the collection's hour
	export GUEST_TIMEOUT=${GUEST_TIMEOUT:-14400}
	append="klp_faults.stride=1 klp_harness.timeout=$GUEST_TIMEOUT"
	mark=KLP_FAULTS ;;
*)
	die "usage: stress.sh soak|faults" ;;
esac
"$TOP/harness/setup.sh"
"$TOP/harness/base.sh"
"$TOP/harness/build.sh" "$profile"
out=$RESULTS/$what.tsv
rc=0
RUN_TAG=$what COLLECTIONS=$coll RESULTS_OUT=$out \
	KLP_APPEND="$append ${KLP_APPEND:-}" \
	"$TOP/harness/guest.sh" test "$profile" "$cpu" "$dir" || rc=$?
log=$(build_dir "$profile")
log=$OUT/runs/$(basename "$log")-$cpu-$what/console.log
echo
grep -ao "$mark .*" "$log" | sed 's/^/  /' || true
echo
python3 "$TOP/harness/report.py" "$out" || rc=1
exit $rc
