#!/bin/sh
# Install the Debian packages irkit needs to build, test and bench, when any
# is missing.  Called by the Makefile; safe to run again (does nothing then).
set -eu

PKGS="
build-essential pkg-config clang llvm libclang-rt-14-dev
libtsk-dev libvmdk-dev libvhdi-dev libsqlite3-dev liblzma-dev libbz2-dev libyara-dev libmagic-dev libmagic-mgc zlib1g-dev libssl-dev
libjansson-dev libewf-dev libarchive-dev libcmocka-dev libfuse3-dev fuse3
bats jq mandoc file bsdextrautils busybox-static procps age pigz shellcheck
hashdeep sleuthkit yara ewf-tools dc3dd dcfldd gddrescue
e2fsprogs dosfstools mtools ntfs-3g fdisk util-linux
xfsprogs btrfs-progs exfatprogs genisoimage qemu-utils
"

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
	    missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages:$missing (run as root to install)" >&2
	exit 2
fi
echo "deps.sh: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >&2
