#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the harness needs.  Quiet when they are there.
. "$(dirname "$0")/lib.sh"

# Every package the harness uses, named: it installs them with
# --no-install-recommends, so nothing may come in as a Recommends only.
HOST_PKGS=(
	gcc libc6-dev binutils make bc bison flex cpio kmod rsync ccache
	xz-utils file libssl-dev libelf-dev dwarves python3 python3-ply
	python3-git perl git ca-certificates
	gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross
	libelf-dev:arm64 linux-source-6.12 valgrind gnuplot-nox
	qemu-system-arm qemu-system-x86
	"clang-$KLP_LLVM_VERSION" "lld-$KLP_LLVM_VERSION" "llvm-$KLP_LLVM_VERSION"
	"libclang-rt-$KLP_LLVM_VERSION-dev"
	# make fuzz: bookworm's afl++ compiles with clang-14, whose ASan and
	# UBSan runtimes are in a package of their own
	afl++ libclang-rt-14-dev
)

missing=()
for p in "${HOST_PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
arm64=yes
dpkg --print-foreign-architectures | grep -qx arm64 || arm64=no

if [ ${#missing[@]} -eq 0 ] && [ $arm64 = yes ]; then
	exit 0
fi

[ "$(id -u)" -eq 0 ] || die "need root to install: ${missing[*]}"
stage "setup: installing ${missing[*]:-(arm64 architecture)}"
export DEBIAN_FRONTEND=noninteractive
[ $arm64 = yes ] || dpkg --add-architecture arm64
run_logged "$LOGS/apt.log" apt-get update -q
if [ ${#missing[@]} -gt 0 ]; then
	run_logged "$LOGS/apt.log" apt-get install -y -q --no-install-recommends \
		"${missing[@]}"
fi
info "setup done"
