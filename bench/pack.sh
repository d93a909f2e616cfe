#!/bin/sh
# ir-pack vs tar -czf: seal a copy of /usr/bin (regular files; its
# symlinks point out of the tree) as a case directory, warm cache, in one
# run.  Same gzip level (6, gzip's default) on both sides; pigz is shown
# for reference when installed.  Targets: ir-pack at least 1.8x faster
# than tar -czf, its package within 5% of tar's size.  Copies and
# packages are under $BENCH_TMPDIR (default /var/tmp), removed.
set -eu
. "$(dirname "$0")/lib.sh"
need bc
need gzip
src=${1:-/usr/bin}
[ -x "$bin/ir-pack" ] || { echo "bench: build first (make)" >&2; exit 2; }
dir=$(mktemp -d "${BENCH_TMPDIR:-/var/tmp}/irkit-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM

# The case: regular files of $src, and a case.json as the tools write it.
mkdir -p "$dir/case/files"
(cd "$src" && find . -type f -print0 | tar --null -T - -cf -) |
    tar -xf - -C "$dir/case/files" ||
    { echo "bench: cannot copy $src" >&2; exit 2; }
printf '{"case_id":"bench","examiner":"bench"}\n' >"$dir/case/case.json"
# Warm the cache.
tar -cf - -C "$dir" case >/dev/null

# A fresh output every run: never an earlier result.
irpack() {
	rm -f "$dir/p.tar.gz" "$dir/p.tar.gz.sha256"
	"$bin/ir-pack" "$dir/case" -o "$dir/p.tar.gz"
}
targz() {
	rm -f "$dir/t.tar.gz"
	tar -czf "$dir/t.tar.gz" -C "$dir" case
}
pigzpack() {
	rm -f "$dir/g.tar.gz"
	tar -cf - -C "$dir" case | pigz -6 >"$dir/g.tar.gz"
}

ours=$(best_time irpack)
peer=$(best_time targz)
osize=$(stat -c %s "$dir/p.tar.gz")
psize=$(stat -c %s "$dir/t.tar.gz")
echo "tree:      $src ($(du -sh "$dir/case" | cut -f1) of regular files, $(find "$dir/case" -type f | wc -l) files, $(nproc) cores, best of $runs)"
echo "ir-pack:   ${ours} s   $osize bytes (ir-pack case -o p.tar.gz)"
echo "tar -czf:  ${peer} s   $psize bytes (GNU tar + gzip -6)"
if command -v pigz >/dev/null 2>&1; then
	pg=$(best_time pigzpack)
	echo "pigz:      ${pg} s   $(stat -c %s "$dir/g.tar.gz") bytes (tar | pigz -6, reference)"
fi
echo "speed-up:  $(echo "scale=2; $peer / $ours" | bc -l)x (target >= 1.8)"
echo "size:      $(echo "scale=2; 100 * $osize / $psize" | bc -l)% of tar -czf (target <= 105)"
