#!/bin/sh
# ir-walk vs tsk_recover + sha256sum: the SHA-256 of every file, deleted
# ones too, of an ext4 image of a tree (default /usr/share), warm cache,
# in one run.  The peer extracts every file (tsk_recover -e) and hashes
# the copies; ir-walk reads them in place.  Target: ir-walk at least 2x
# faster.  The image and the extracted copies are under $TMPDIR, removed.
set -eu
. "$(dirname "$0")/lib.sh"
need tsk_recover
need sha256sum
need mkfs.ext4
need bc
dir=${1:-/usr/share}
[ -x "$bin/ir-walk" ] || { echo "bench: build first (make)" >&2; exit 2; }

w=$(mktemp -d "${TMPDIR:-/tmp}/irkit-bench.XXXXXX")
trap 'rm -rf "$w"' EXIT INT TERM
img=$w/tree.ext4
ext4_image "$dir" "$img"

# The peer as one command: a fresh output directory each run.
peer_run() {
	rm -rf "$w/out"
	tsk_recover -e "$img" "$w/out" &&
	    find "$w/out" -type f -exec sha256sum {} + >/dev/null
}

# Warm the cache: each once, untimed.
"$bin/ir-walk" -c sha256 "$img" >/dev/null 2>&1 || true
peer_run >/dev/null 2>&1 || true
irkit=$(best_time "$bin/ir-walk" -c sha256 "$img")
peer=$(best_time peer_run)
rm -rf "$w/out"
echo "image:     $dir as ext4, $(du -sh "$img" | cut -f1) used, $n names ($(nproc) cores)"
echo "ir-walk:   ${irkit} s   (ir-walk -c sha256 IMG)"
echo "peer:      ${peer} s   (tsk_recover -e IMG out && find out -type f -exec sha256sum {} +)"
echo "speed-up:  $(echo "scale=2; $peer / $irkit" | bc -l)x (target >= 2)"
