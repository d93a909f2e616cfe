#!/bin/sh
# ir-scan vs yara: all of signature-base compiled, over a tree (default
# /usr/bin), warm cache, 2 threads, in one run.  The two run in turn
# (BENCH_RUNS pairs, default 3) and the median ratio of the pairs is
# printed: this machine's neighbours swing single runs by 20%.  ir-scan
# also hashes every file (sha256) and types it (libmagic); yara only scans.  Target: ir-scan
# at least as fast.  Prints files/s and MB/s of both, and whether they
# report the same (rule, file) pairs.  Every file is scanned whole by both
# (--max-size 1G: no file is left to hashing alone).
set -eu
. "$(dirname "$0")/lib.sh"
need yara
need yarac
need bc
dir=${1:-/usr/bin}
sigbase_setup

# yara follows symbolic links unless -N; ir-scan never does.
files=$(find "$dir" -xdev -type f | wc -l)
mb=$(du -sm --apparent-size "$dir" | cut -f1)
ours() {
	"$bin/ir-scan" -p 2 -c sha256 --max-size 1G -r "$w/sb.yarc" "$dir" >"$w/ours.jsonl" || [ $? -eq 1 ]
}
theirs() {
	yara -C -N -r -p 2 "$w/sb.yarc" "$dir" >"$w/theirs.txt" 2>/dev/null || true
}
ours >/dev/null 2>&1 || true
theirs
paired ours theirs
irkit=$best_ours
peer=$best_theirs
awk '{ print $1 "\t" $2 }' "$w/theirs.txt" | sort >"$w/t"
jq -r 'select(.type == "match" and .rule) | [.rule, .path] | @tsv' "$w/ours.jsonl" | sort >"$w/o"
if cmp -s "$w/t" "$w/o"; then
	same="identical ($(wc -l <"$w/o") rule matches)"
else
	same="DIFFERENT: yara $(wc -l <"$w/t"), ir-scan $(wc -l <"$w/o") matches"
fi
echo "tree:     $dir, $files files, $mb MB; $(grep -c . "$rules"/*.yar 2>/dev/null | wc -l) rule files ($(nproc) cores)"
echo "ir-scan:  ${irkit} s  $(echo "$files / $irkit" | bc) files/s  $(echo "$mb / $irkit" | bc) MB/s  (YARA + sha256 + libmagic type)"
echo "yara:     ${peer} s  $(echo "$files / $peer" | bc) files/s  $(echo "$mb / $peer" | bc) MB/s  (yara -C -N -r -p 2)"
echo "speed-up: ${ratio}x, the median of $runs runs of each in turn (target >= 1)"
echo "pairs:    $pairs"
echo "matches:  $same"
