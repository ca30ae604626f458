#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the harness needs.  Quiet when they are there.
. "$(dirname "$0")/lib.sh"

HOST_PKGS=(
	gcc make bc bison flex cpio kmod rsync ccache xz-utils file
	libssl-dev libelf-dev dwarves python3 python3-ply python3-git perl git
	gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross
	libelf-dev:arm64 qemu-system-arm linux-source-6.12 valgrind gnuplot-nox
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
