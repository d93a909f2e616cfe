# Shared by the bench scripts (POSIX sh, sourced): best-of-N wall times.
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${IRKIT_BIN:-$top/build/bin}
runs=${BENCH_RUNS:-3}

# best_time CMD...: the best wall-clock seconds of $runs runs (output discarded).
best_time() {
	best=
	i=0
	while [ "$i" -lt "$runs" ]; do
		t=$(once "$@")
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" -eq 1 ]; then
			best=$t
		fi
		i=$((i + 1))
	done
	printf '%.3f\n' "$best"
}

need() {
	command -v "$1" >/dev/null 2>&1 || { echo "bench: needs $1" >&2; exit 2; }
}

# ext4_image TREE IMG: an ext4 image holding TREE, with room for its data
# (4 KiB blocks), an inode for every name, and 25% slack.
ext4_image() {
	kib=$(du -sk "$1" 2>/dev/null | tail -1 | cut -f1)
	n=$(find "$1" -xdev 2>/dev/null | wc -l)
	mkfs.ext4 -q -F -b 4096 -N $((n + n / 4 + 1024)) -d "$1" "$2" \
	    "$((kib + kib / 4 + n * 4 + 65536))K" >/dev/null
}

# once CMD...: the wall-clock seconds of one run (output discarded).
once() {
	t0=$(date +%s.%N)
	"$@" >/dev/null 2>&1 || { echo "bench: '$*' failed" >&2; exit 1; }
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc -l
}

# paired OURS THEIRS: run the two commands (shell functions or programs
# without arguments) in turn, $runs times each, so that a noisy
# neighbour slows both alike.  Sets best_ours, best_theirs (best wall
# times) and ratio (the median over the pairs of theirs / ours: above 1,
# ours is faster).
paired() {
	best_ours=
	best_theirs=
	ratios=
	i=0
	while [ "$i" -lt "$runs" ]; do
		a=$(once "$1")
		b=$(once "$2")
		[ -n "$best_ours" ] && [ "$(echo "$a >= $best_ours" | bc -l)" -eq 1 ] ||
		    best_ours=$a
		[ -n "$best_theirs" ] && [ "$(echo "$b >= $best_theirs" | bc -l)" -eq 1 ] ||
		    best_theirs=$b
		ratios="$ratios $(echo "scale=4; $b / $a" | bc -l)"
		i=$((i + 1))
	done
	ratio=$(printf '%s\n' $ratios | sort -n |
	    awk '{ r[NR] = $1 } END { m = int((NR + 1) / 2);
	        printf "%.2f", NR % 2 ? r[m] : (r[m] + r[m + 1]) / 2 }')
	pairs=$(printf '%s\n' $ratios | awk '{ printf "%s%.2f", (NR > 1 ? " " : ""), $1 }')
	best_ours=$(printf '%.3f' "$best_ours")
	best_theirs=$(printf '%.3f' "$best_theirs")
}

# sigbase_setup: a work directory $w (removed on exit) holding all of
# signature-base compiled by ir-scan into $w/sb.yarc.
sigbase_setup() {
	rules=${SIGBASE:-$top/../shared/rules/signature-base/yara}
	[ -x "$bin/ir-scan" ] || { echo "bench: build first (make)" >&2; exit 2; }
	[ -d "$rules" ] || { echo "bench: no rules at $rules (set SIGBASE)" >&2; exit 2; }
	w=$(mktemp -d "${TMPDIR:-/tmp}/irkit-bench.XXXXXX")
	trap 'rm -rf "$w"' EXIT INT TERM
	"$bin/ir-scan" -r "$rules" --compile "$w/sb.yarc" 2>/dev/null
}
