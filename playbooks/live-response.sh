#!/bin/sh
# live-response.sh [-r RULES] [-R AGE_RECIPIENT]... [-e EXAMINER] CASE_ID OUTDIR
#
# Live response of this host, most volatile first: its state (ir-live),
# the memory of its processes against the rules (ir-scan), the artifacts
# of the catalogue (ir-collect), the temporary and home directories
# against the rules, hashed records of the system directories (ir-walk);
# then the case is sealed into OUTDIR/CASE_ID.tar.gz and verified.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

usage() {
	echo "usage: $pb [-r rules] [-R age-recipient]... [-e examiner] case-id outdir" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage ;;
	-r | -R | -e) [ $# -ge 2 ] || usage; parse_common "$1" "$2"; shift 2 ;;
	--) shift; break ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || usage
start_case "$1" "$2"

# What is there, of the directories a playbook looks at: never a symlink
# (it could point the walk anywhere).
existing() {
	for d in "$@"; do
		[ -d "$d" ] && [ ! -L "$d" ] && printf '%s\n' "$d"
	done
	return 0
}

case_run ir-live
case_run ir-scan -r "$rules" --all-processes
case_run ir-collect
# shellcheck disable=SC2046
set -- $(existing /tmp /var/tmp /dev/shm /root /home /etc/cron.d \
    /var/spool/cron /etc/systemd/system /usr/local/bin /var/www /srv)
[ $# -eq 0 ] || case_run ir-scan -r "$rules" --one-file-system "$@"
# shellcheck disable=SC2046
set -- $(existing /bin /sbin /usr/bin /usr/sbin /usr/local /lib /usr/lib \
    /etc /boot /opt)
[ $# -eq 0 ] || case_run ir-walk --one-file-system --hash md5,sha256 --type "$@"
seal
