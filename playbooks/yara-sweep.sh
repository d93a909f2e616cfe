#!/bin/sh
# yara-sweep.sh [-r RULES] [-R AGE_RECIPIENT]... [-e EXAMINER] [--processes]
#               CASE_ID OUTDIR PATH...
#
# The rules over files and trees, images and devices (deleted files too),
# and with --processes the memory of every process; sealed into
# OUTDIR/CASE_ID.tar.gz.  Exit 1 when anything matched.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

usage() {
	echo "usage: $pb [-r rules] [-R age-recipient]... [-e examiner] [--processes] case-id outdir path..." >&2
	exit 2
}
procs=
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage ;;
	-r | -R | -e) [ $# -ge 2 ] || usage; parse_common "$1" "$2"; shift 2 ;;
	--processes) procs=1; shift ;;
	--) shift; break ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -ge 3 ] || usage
start_case "$1" "$2"
shift 2

[ -z "$procs" ] || case_run ir-scan -r "$rules" --all-processes
case_run ir-scan -r "$rules" "$@"
seal
