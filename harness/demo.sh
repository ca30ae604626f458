#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# demo.sh: build the default kernel and show the port at work in QEMU.
. "$(dirname "$0")/lib.sh"
cpu=${CPU:-max}
"$TOP/harness/setup.sh"
"$TOP/harness/base.sh"
"$TOP/harness/build.sh" default
stage "demo: booting the default kernel on QEMU '$cpu' (console log: out/runs/default-$cpu-demo/console.log)"
RUN_TAG=demo exec "$TOP/harness/guest.sh" demo default "$cpu" "$TOP/tests/guest/harness"
