#!/bin/sh
# live-response.sh [-r RULES] [-R AGE_RECIPIENT]... [-e EXAMINER]
#                  [-C CATALOG] [-d SCAN_DIR]... [-w WALK_DIR]... CASE_ID OUTDIR
#
# Live response of this host, most volatile first: its state (ir-live),
# the memory of its processes against the rules (ir-scan), the artifacts
# of the catalogue (ir-collect), the temporary and home directories
# against the rules (or the -d directories), hashed records of the system
# directories (or the -w ones) with ir-walk; then the case is sealed into
# OUTDIR/CASE_ID.tar.gz and verified.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

usage() {
	echo "usage: $pb [-r rules] [-R age-recipient]... [-e examiner] [-C catalog] [-d scan-dir]... [-w walk-dir]... case-id outdir" >&2
	exit 2
}
nl='
'
catalog=
scan_dirs=
walk_dirs=
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage ;;
	-r | -R | -e) [ $# -ge 2 ] || usage; parse_common "$1" "$2"; shift 2 ;;
	-C) [ $# -ge 2 ] || usage; catalog=$2; shift 2 ;;
	-d) [ $# -ge 2 ] || usage; scan_dirs="$scan_dirs$2$nl"; shift 2 ;;
	-w) [ $# -ge 2 ] || usage; walk_dirs="$walk_dirs$2$nl"; shift 2 ;;
	--) shift; break ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || usage
start_case "$1" "$2"

# The directories of a list (one a line; IFS is a newline) that are there:
# never a symlink (it could point the walk anywhere).
existing() {
	for d in $1; do
		[ -d "$d" ] && [ ! -L "$d" ] && printf '%s\n' "$d"
	done
	return 0
}
# The defaults: where intruders stage and persist; the system's programs.
[ -n "$scan_dirs" ] || scan_dirs=$(printf '%s\n' /tmp /var/tmp /dev/shm \
    /root /home /etc/cron.d /var/spool/cron /etc/systemd/system \
    /usr/local/bin /var/www /srv)
[ -n "$walk_dirs" ] || walk_dirs=$(printf '%s\n' /bin /sbin /usr/bin \
    /usr/sbin /usr/local /lib /usr/lib /etc /boot /opt)

case_run ir-live
case_run ir-scan -r "$rules" --all-processes
case_run ir-collect ${catalog:+--catalog "$catalog"}
# Names of directories may hold spaces: split the lists on newlines only.
IFS=$nl
# shellcheck disable=SC2046
set -- $(existing "$scan_dirs")
[ $# -eq 0 ] || case_run ir-scan -r "$rules" --one-file-system "$@"
# shellcheck disable=SC2046
set -- $(existing "$walk_dirs")
IFS=" 	$nl"
[ $# -eq 0 ] || case_run ir-walk --one-file-system --hash md5,sha256 --type "$@"
seal
