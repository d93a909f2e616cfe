#!/bin/sh
# ir-cat --all-deleted vs tsk_recover: recover every deleted file of an
# ext4 image of a tree (default /usr/share/doc, about 5,000 files, all of
# them deleted with debugfs), warm cache, in one run.  ir-cat hashes each
# file (SHA-256) and writes an index as it goes; the peer doing the same
# work is tsk_recover then sha256sum of what it wrote (tsk_recover alone
# is shown too).  Also says whether both recovered the same bytes.
# Target: ir-cat faster than the peer.  The image is under $TMPDIR, the
# recovered files under /dev/shm when there is one: thousands of files
# made and removed again and again make a disk file system's inode
# allocator the thing measured.  Everything is removed.
set -eu
. "$(dirname "$0")/lib.sh"
need tsk_recover
need debugfs
need mkfs.ext4
need bc
dir=${1:-/usr/share/doc}
[ -x "$bin/ir-cat" ] || { echo "bench: build first (make)" >&2; exit 2; }

w=$(mktemp -d "${TMPDIR:-/tmp}/irkit-bench.XXXXXX")
o=$w
[ -d /dev/shm ] && [ -w /dev/shm ] && o=$(mktemp -d /dev/shm/irkit-bench.XXXXXX)
trap 'rm -rf "$w" "$o"' EXIT INT TERM
img=$w/tree.ext4
ext4_image "$dir" "$img"
# Delete every regular file (names and inodes freed, blocks kept).
(cd "$dir" && find . -type f | sed 's|^\.||; s|^|rm "|; s|$|"|') >"$w/rm.cmd"
debugfs -w -f "$w/rm.cmd" "$img" >/dev/null 2>&1
nfiles=$(wc -l <"$w/rm.cmd")

ours() {
	rm -rf "$o/ours"
	"$bin/ir-cat" "$img" --all-deleted "$o/ours"
}
theirs() {
	rm -rf "$o/theirs"
	tsk_recover "$img" "$o/theirs"
}
theirs_hashed() {
	theirs && find "$o/theirs" -type f -exec sha256sum {} + >/dev/null
}

ours >/dev/null 2>&1 || true
theirs >/dev/null 2>&1 || true
irkit=$(best_time ours)
peer=$(best_time theirs_hashed)
bare=$(best_time theirs)
ours >/dev/null 2>&1 || true
theirs >/dev/null 2>&1 || true
rm -f "$o/ours/index.jsonl"
if diff -r "$o/theirs" "$o/ours" >/dev/null 2>&1; then
	same="identical ($(find "$o/ours" -type f | wc -l) files)"
else
	same="DIFFERENT: tsk_recover $(find "$o/theirs" -type f | wc -l) files, ir-cat $(find "$o/ours" -type f | wc -l)"
fi
echo "image:       $dir as ext4, $nfiles files deleted ($(nproc) cores)"
echo "ir-cat:      ${irkit} s   (ir-cat IMG --all-deleted DIR, with SHA-256 and index)"
echo "peer:        ${peer} s   (tsk_recover IMG DIR + sha256sum of its files)"
echo "             ${bare} s   (tsk_recover IMG DIR alone, no digests)"
echo "speed-up:    $(echo "scale=2; $peer / $irkit" | bc -l)x (target > 1)"
echo "recovered:   $same"
