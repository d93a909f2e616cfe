#!/bin/sh
# walk-system.sh [CASEDIR]: record, hash (md5, sha256) and type every file
# in this host's system and temporary directories into a case directory.
# Until the packaging tools exist this is the kit's default live job.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

bin=${IRKIT_BIN:-$here/../build/bin}
[ -x "$bin/ir-walk" ] || die "no ir-walk in $bin (run make first)"
host=$(cat /proc/sys/kernel/hostname 2>/dev/null || echo host)
case_dir=${1:-cases/$host-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$(dirname "$case_dir")"

dirs=
for d in /bin /sbin /usr/bin /usr/sbin /usr/local /lib /usr/lib /etc /boot \
    /root /home /tmp /var/tmp /dev/shm /opt /srv /var/spool/cron /var/www; do
	[ -e "$d" ] && [ ! -L "$d" ] && dirs="$dirs $d"
done

# One file system per directory: no wandering into network mounts.
# shellcheck disable=SC2086
run "$bin/ir-walk" --one-file-system --hash md5,sha256 --type \
    --case "$case_dir" $dirs
echo "${0##*/}: records, custody log and case.json in $case_dir"
