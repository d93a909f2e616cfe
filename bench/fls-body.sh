#!/bin/sh
# ir-walk vs fls: a mactime bodyfile of every file of an ext4 image of a
# tree (default /usr/share, about 66,000 files), warm cache, in one run.
# Also says whether both list the same lines (sorted).  Target: ir-walk
# no slower than fls.  The image is made under $TMPDIR and removed.
set -eu
. "$(dirname "$0")/lib.sh"
need fls
need mkfs.ext4
need bc
dir=${1:-/usr/share}
[ -x "$bin/ir-walk" ] || { echo "bench: build first (make)" >&2; exit 2; }

w=$(mktemp -d "${TMPDIR:-/tmp}/irkit-bench.XXXXXX")
trap 'rm -rf "$w"' EXIT INT TERM
img=$w/tree.ext4
ext4_image "$dir" "$img"

# Warm the cache and keep each one's output: each once, untimed.
fls -r -m / "$img" > "$w/a" 2>/dev/null || true
"$bin/ir-walk" --format body "$img" > "$w/b" 2>/dev/null || true
irkit=$(best_time "$bin/ir-walk" --format body "$img")
peer=$(best_time fls -r -m / "$img")
LC_ALL=C sort "$w/a" > "$w/a.sorted"
LC_ALL=C sort "$w/b" > "$w/b.sorted"
if cmp -s "$w/a.sorted" "$w/b.sorted"; then
	same="identical ($(wc -l < "$w/a") lines)"
else
	same="DIFFERENT: fls $(wc -l < "$w/a") lines, ir-walk $(wc -l < "$w/b"),"
	same="$same $(LC_ALL=C comm -3 "$w/a.sorted" "$w/b.sorted" | wc -l) differ"
fi
echo "image:     $dir as ext4, $(du -sh "$img" | cut -f1) used, $n names ($(nproc) cores)"
echo "ir-walk:   ${irkit} s   (ir-walk --format body IMG)"
echo "fls:       ${peer} s   (fls -r -m / IMG)"
echo "speed-up:  $(echo "scale=2; $peer / $irkit" | bc -l)x (target >= 1)"
echo "sorted:    $same"
