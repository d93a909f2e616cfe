#!/bin/sh
# ir-timeline vs mactime: the CSV timeline of a large bodyfile, fls -r -m
# of an ext4 image of a tree (default /usr/share, about 66,000 files),
# copied under eight prefixes to some 530,000 lines, warm cache, in one
# run.  Also says whether both wrote the same rows.  Target: ir-timeline
# at least 5x faster than mactime -b.  Files go under $TMPDIR, removed.
set -eu
. "$(dirname "$0")/lib.sh"
need fls
need mactime
need mkfs.ext4
need bc
dir=${1:-/usr/share}
copies=${BENCH_COPIES:-8}
[ -x "$bin/ir-timeline" ] || { echo "bench: build first (make)" >&2; exit 2; }

w=$(mktemp -d "${TMPDIR:-/tmp}/irkit-bench.XXXXXX")
trap 'rm -rf "$w"' EXIT INT TERM
ext4_image "$dir" "$w/tree.ext4"
fls -r -m / "$w/tree.ext4" > "$w/one.body" 2>/dev/null
rm -f "$w/tree.ext4"
i=1
while [ "$i" -le "$copies" ]; do
	sed "s#|/#|/copy$i/#" "$w/one.body"
	i=$((i + 1))
done > "$w/body"

# Keep each one's output, untimed (this also warms the cache).
mactime -b "$w/body" -d -y -z UTC > "$w/a" 2>/dev/null
"$bin/ir-timeline" "$w/body" > "$w/b"
irkit=$(best_time "$bin/ir-timeline" "$w/body")
peer=$(best_time mactime -b "$w/body" -d -y -z UTC)
if cmp -s "$w/a" "$w/b"; then
	same="identical ($(($(wc -l < "$w/a") - 1)) rows)"
else
	same="DIFFERENT: mactime $(wc -l < "$w/a") lines, ir-timeline"
	same="$same $(wc -l < "$w/b"), $(diff "$w/a" "$w/b" | grep -c '^[<>]') differ"
fi
echo "bodyfile:    $dir as ext4 via fls -r -m, x$copies: $(wc -l < "$w/body") lines, $(du -h "$w/body" | cut -f1)"
echo "ir-timeline: ${irkit} s   (ir-timeline BODY)"
echo "mactime:     ${peer} s   (mactime -b BODY -d -y -z UTC)"
echo "speed-up:    $(echo "scale=2; $peer / $irkit" | bc -l)x (target >= 5)"
echo "output:      $same"
