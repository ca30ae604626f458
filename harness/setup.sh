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
	# tests/guest/bpf: BPF programs built on the host against the guest
	# kernel's BTF (bpftool btf dump), with libbpf's headers
	bpftool libbpf-dev
	# the debian-cloud profile: the compat vDSO, as Debian builds it; and
	# the guest's external module build directory, whose sign-file
	# (MODULE_SIG) is built for arm64 against OpenSSL
	gcc-arm-linux-gnueabihf libssl-dev:arm64
)

missing=()
for p in "${HOST_PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
arm64=yes
dpkg --print-foreign-architectures | grep -qx arm64 || arm64=no

# fetch_debian_configs: Debian's own arm64 configurations, from the arm64
# linux-config-6.12 of the base's version (the debian-cloud profile starts
# from one).  The package is downloaded and unpacked, not installed: the
# host's architecture has its own.
fetch_debian_configs() {
	local dir ver tmp log=$LOGS/linux-config.log
	dir=$(debian_config_dir)
	[ ! -f "$dir/.complete" ] || return 0
	ver=$(base_pkg_version)
	[ -n "$ver" ] || die "setup: linux-source-6.12 is not installed"
	stage "setup: Debian's arm64 kernel configurations (linux-config-6.12 $ver)"
	tmp=$(mktemp -d)
	if ! (cd "$tmp" && apt-get download -q "linux-config-6.12:arm64=$ver") >"$log" 2>&1; then
		apt-get update -q >>"$log" 2>&1 || true
		(cd "$tmp" && run_logged "$log" apt-get download -q "linux-config-6.12:arm64=$ver") ||
			die "setup: could not download linux-config-6.12:arm64=$ver (see $log)"
	fi
	dpkg-deb -x "$tmp"/linux-config-6.12_*_arm64.deb "$tmp/root"
	rm -rf "$dir"
	mkdir -p "$dir"
	for f in "$tmp"/root/usr/src/linux-config-6.12/config.*.xz; do
		xz -dc "$f" >"$dir/$(basename "$f" .xz)"
	done
	rm -rf "$tmp"
	touch "$dir/.complete"
}

if [ ${#missing[@]} -eq 0 ] && [ $arm64 = yes ]; then
	fetch_debian_configs
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
fetch_debian_configs
info "setup done"
