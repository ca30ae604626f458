# SPDX-License-Identifier: GPL-2.0
# The arm64 livepatch series for Linux 6.12 and the harness that proves it.
# See README.md.  Every target installs what it needs first.

PROFILE ?= default
CPU     ?= max
H       := harness

.PHONY: help demo check distro-check fresh-check setup base tree export series-status series-check \
	series-bisect build rootfs guest-test shell host-test bench stress faults fuzz clean distclean

help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)

## demo            build the default kernel and show livepatch/ftrace at work in QEMU
demo:
	@bash $(H)/demo.sh

## check           build everything and run every test; last line "N passed, N failed"
check:
	@bash $(H)/check.sh

## distro-check    Debian's own cloud-arm64 kernel with the series: build it, boot it on max and a57, run the tests (configs/distro-runs)
distro-check:
	@bash $(H)/check.sh distro

## fresh-check     make check and make demo in a clean Debian root (debootstrap), from a clone of HEAD
fresh-check:
	@bash $(H)/fresh-check.sh

## stress          the livepatch soak: 200 cycles on 2 vCPUs, every result checked [PROFILE= CPU=]
stress:
	@bash $(H)/stress.sh soak

## faults          every allocation of every livepatch path failed in turn (debug kernel) [CPU=]
faults:
	@bash $(H)/stress.sh faults

## fuzz            fuzz klp-convert with afl++ [FUZZ_TIME=seconds, FUZZ_SAVE=1 keeps the corpus]
fuzz:
	@bash $(H)/fuzz.sh

## bench           what livepatch costs: call cost, transition latency, text size (out/bench/) [BENCH=scale: the 10k/30k-kthread transitions alone]
bench:
	@bash $(H)/bench.sh $(BENCH)

## setup           install the Debian packages the harness needs (as root)
setup:
	@bash $(H)/setup.sh

## base            extract Debian's linux-source-6.12 into the cache, as a git repo
base: setup
	@bash $(H)/base.sh

## tree            a git work tree of base + patches/ at work/linux (FORCE=1 drops unexported work)
tree: base
	@bash $(H)/series.sh tree

## export          write the work tree's commits (base..HEAD) into patches/, and the cover letter
export:
	@bash $(H)/series.sh export

## series-status   fail when work/linux holds work that is not in patches/
series-status:
	@bash $(H)/series.sh status

## series-check    the series applies in order, checkpatch is clean, the cover letter names each patch
series-check: base
	@bash $(H)/series.sh check

## series-bisect   for each k: patches 1..k build (default, x86_64), patch k checkpatch-clean; hours [BISECT_FROM= BISECT_TO=]
series-bisect: base
	@bash $(H)/series.sh bisect

## build           build kernel PROFILE (default|debug) [SOURCE=tree builds work/linux]
build: base
	@bash $(H)/build.sh $(PROFILE)

## rootfs          the guest root filesystem from Debian arm64 packages
rootfs: setup
	@bash $(H)/rootfs.sh >/dev/null

## guest-test      DIR=<dir>: build DIR's modules, run its test-*.sh in the guest [PROFILE= CPU=]
guest-test: base
	@test -n "$(DIR)" || { echo "usage: make guest-test DIR=<dir> [PROFILE=default] [CPU=max]"; exit 2; }
	@bash $(H)/build.sh $(PROFILE)
	@RESULTS_OUT=$(CURDIR)/out/results/guest-test.tsv bash $(H)/guest.sh test $(PROFILE) $(CPU) $(DIR); \
		rc=$$?; python3 $(H)/report.py out/results/guest-test.tsv; exit $$rc

## shell           an interactive shell in the guest [PROFILE= CPU=]
shell: base
	@bash $(H)/build.sh $(PROFILE)
	@bash $(H)/guest.sh shell $(PROFILE) $(CPU)

## host-test       only the harness's host tests
host-test:
	@bash $(H)/setup.sh && bash $(H)/base.sh && bash $(H)/series.sh sync
	@python3 tests/host/run.py

## clean           remove out/ (builds, logs, runs); keeps the cache and work/
clean:
	rm -rf out

## distclean       also remove work/ (refuses if it holds unexported work)
distclean: series-status clean
	rm -rf work
