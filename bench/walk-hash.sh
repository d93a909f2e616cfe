#!/bin/sh
# ir-walk vs hashdeep: md5+sha256 of every file under a tree (default /usr),
# warm cache, in one run.  Target: ir-walk at least 3x faster.
set -eu
. "$(dirname "$0")/lib.sh"
need hashdeep
need bc
dir=${1:-/usr}
[ -x "$bin/ir-walk" ] || { echo "bench: build first (make)" >&2; exit 2; }

# Warm the cache: each once, untimed.
"$bin/ir-walk" -c md5,sha256 "$dir" >/dev/null 2>&1 || true
hashdeep -c md5,sha256 -r "$dir" >/dev/null 2>&1 || true
irkit=$(best_time "$bin/ir-walk" -c md5,sha256 "$dir")
peer=$(best_time hashdeep -c md5,sha256 -r "$dir")
echo "tree:      $dir ($(du -sh "$dir" 2>/dev/null | cut -f1), $(nproc) cores)"
echo "ir-walk:   ${irkit} s   (ir-walk -c md5,sha256 $dir)"
echo "hashdeep:  ${peer} s   (hashdeep -c md5,sha256 -r $dir)"
echo "speed-up:  $(echo "scale=2; $peer / $irkit" | bc -l)x (target >= 3)"
