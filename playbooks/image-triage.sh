#!/bin/sh
# image-triage.sh [-r RULES] [-R AGE_RECIPIENT]... [-e EXAMINER]
#                 [--from WHEN] [--to WHEN] CASE_ID OUTDIR IMAGE
#
# Triage of a disk image or device (raw, split, E01, VMDK, VHD): records of
# every file, deleted ones too, hashed and typed (ir-walk); a timeline of
# the incident window (ir-timeline); the rules over every file, deleted
# ones too, and the unallocated space (ir-scan); every file the rules
# matched extracted (ir-cat); sealed into OUTDIR/CASE_ID.tar.gz.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

usage() {
	echo "usage: $pb [-r rules] [-R age-recipient]... [-e examiner] [--from when] [--to when] case-id outdir image" >&2
	exit 2
}
from=
to=
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage ;;
	-r | -R | -e) [ $# -ge 2 ] || usage; parse_common "$1" "$2"; shift 2 ;;
	--from) [ $# -ge 2 ] || usage; from=$2; shift 2 ;;
	--to) [ $# -ge 2 ] || usage; to=$2; shift 2 ;;
	--) shift; break ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -eq 3 ] || usage
image=$3
[ -e "$image" ] || die "no image '$image'"
start_case "$1" "$2"

case_run ir-walk --image --hash md5,sha256 --type "$image"
walk=$(newest ir-walk)
case_run ir-timeline ${from:+--from "$from"} ${to:+--to "$to"} "$case_dir/$walk"
case_run ir-scan -r "$rules" --image --unallocated "$image"
scan=$(newest ir-scan)
# Matches in files (not only in unallocated space): extract those files.
# In a record a quote inside a string is escaped: '"inode":' is a key.
if grep '^{"type":"match"' "$case_dir/$scan" | grep -q '"inode":'; then
	# In the case, ir-cat's directory is taken in it: case_dir/hits.
	case_run ir-cat "$image" --hits "$case_dir/$scan" hits
fi
seal
