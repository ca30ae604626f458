#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# rootfs.sh [DEB_ARCH]: the guest's base root filesystem, made once from
# the Debian packages in guest/packages for DEB_ARCH (arm64 unless given;
# amd64 for the x86_64 profile), with apt-get download + dpkg-deb -x (no
# maintainer scripts run), and kept in the cache as a cpio archive.
# Prints the path of the archive.
. "$(dirname "$0")/lib.sh"

darch=${1:-arm64}
case $darch in
arm64) triplet=aarch64-linux-gnu ;;
amd64) triplet=x86_64-linux-gnu ;;
*)     die "rootfs: unsupported Debian architecture '$darch'" ;;
esac
list=$TOP/guest/packages
pkgs=$(sed -e 's/#.*//' "$list" | xargs)
key=$darch-$( (echo "$pkgs"; cat "$0") | sha256sum | cut -c1-16)
dir=$KLP_CACHE/rootfs/$key
cpio_out=$dir.cpio
if [ -f "$cpio_out" ]; then
	echo "$cpio_out"
	exit 0
fi
# One at a time: another guest may be making the same one.
mkdir -p "$KLP_CACHE/rootfs"
exec 9>"$KLP_CACHE/rootfs/.lock"
flock 9
if [ -f "$cpio_out" ]; then
	echo "$cpio_out"
	exit 0
fi

stage "rootfs: Debian $darch packages ($(echo "$pkgs" | wc -w))" >&2
debs=$KLP_CACHE/debs
mkdir -p "$debs"
arch_pkgs=()
for p in $pkgs; do arch_pkgs+=("$p:$darch"); done
dlog=$LOGS/rootfs-download-$darch.log
if ! (cd "$debs" && apt-get download -q "${arch_pkgs[@]}" >"$dlog" 2>&1); then
	# Stale package lists are the usual cause: refresh once and retry.
	apt-get update -q >>"$dlog" 2>&1 || true
	(cd "$debs" && run_logged "$dlog" apt-get download -q "${arch_pkgs[@]}") ||
		die "could not download the guest packages (see $dlog)"
fi

rm -rf "$dir.tmp" "$dir"
root=$dir.tmp
mkdir -p "$root"
for p in $pkgs; do
	# The newest downloaded .deb of the package.
	deb=$(find "$debs" -maxdepth 1 \( -name "${p}_*_$darch.deb" -o -name "${p}_*_all.deb" \) \
		-printf '%T@ %p\n' | sort -rn | head -n 1 | cut -d' ' -f2-)
	[ -n "$deb" ] || die "rootfs: no .deb for $p in $debs"
	dpkg-deb -x "$deb" "$root"
done

# merged /usr, as the maintainer scripts (usrmerge) would have made it
for d in bin sbin lib lib64; do
	[ "$d" != lib64 ] || [ -e "$root/lib64" ] || continue
	if [ -d "$root/$d" ] && [ ! -L "$root/$d" ]; then
		mkdir -p "$root/usr/$d"
		cp -a "$root/$d/." "$root/usr/$d/"
		rm -rf "${root:?}/$d"
	fi
	ln -sfn "usr/$d" "$root/$d"
done
# What the guest never uses: documentation, locales, charset converters,
# and the PAM programs (no PAM in the guest).
rm -rf "$root/usr/share/"{doc,man,info,locale,lintian,bug} \
	"$root/usr/lib/$triplet/gconv" "$root/usr/bin/su" "$root/usr/sbin/runuser"
ln -sfn mawk "$root/usr/bin/awk"
ln -sfn bash "$root/usr/bin/sh"
for a in mount umount poweroff setsid cttyhack hostname; do
	[ -e "$root/usr/bin/$a" ] || [ -e "$root/usr/sbin/$a" ] || ln -s busybox "$root/usr/bin/$a"
done
mkdir -p "$root"/{proc,sys,dev,tmp,run,root,etc,var/tmp,mnt}
echo "root:x:0:0:root:/root:/bin/bash" >"$root/etc/passwd"
echo "root:x:0:" >"$root/etc/group"
echo klp-guest >"$root/etc/hostname"

# Every shared library an executable needs must be there.
missing=$(
	find "$root/usr/bin" "$root/usr/sbin" "$root/usr/lib" -type f \( -perm -u+x -o -name '*.so*' \) |
	while read -r f; do
		readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
		while read -r lib; do
			[ -e "$root/usr/lib/$triplet/$lib" ] || [ -e "$root/usr/lib/$lib" ] ||
				echo "$lib (needed by ${f#"$root"})"
		done
	done | sort -u)
[ -z "$missing" ] || die "rootfs: add the packages that provide these to guest/packages:
$missing"

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$cpio_out.tmp"
mv "$root" "$dir"
mv "$cpio_out.tmp" "$cpio_out"
info "rootfs: $(( $(stat -c %s "$cpio_out") / 1048576 )) MiB" >&2
echo "$cpio_out"
