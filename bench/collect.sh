#!/bin/sh
# ir-collect with the default catalogue on this host, in one walk of /,
# against tar -cf of the same file list (the peer's copy step: UAC and
# CatScale tar the files their find(1) runs select).  tar is given the
# list for free: no walk, no glob matching, no hashing, no records, so
# it is a lower bound on any peer.  Prints the time, the records and the
# bytes, and the ratio.  The output is under $BENCH_TMPDIR (default
# /var/tmp), which ir-collect leaves out of its own walk; removed at the
# end.  BENCH_RUNS (default 1: /tmp may hold gigabytes) runs each.
set -eu
. "$(dirname "$0")/lib.sh"
runs=${BENCH_RUNS:-1}
need bc
need jq
need tar
[ -x "$bin/ir-collect" ] || { echo "bench: build first (make)" >&2; exit 2; }
dir=$(mktemp -d "${BENCH_TMPDIR:-/var/tmp}/irkit-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM

# A fresh output every run: ir-collect never writes over a result.
collect() {
	rm -rf "$dir/out"
	mkdir "$dir/out"
	rc=0
	"$bin/ir-collect" -o "$dir/out" --no-nice "$@" 2>"$dir/stderr" || rc=$?
	# 3: some artifact failed or was truncated (a busy /tmp): still timed.
	[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ]
}

peer() {
	rm -f "$dir/out/peer.tar"
	# 1: a file changed as read; 2: one vanished (a busy /tmp).
	tar -C / -cf "$dir/out/peer.tar" --no-recursion --null -T "$dir/list" \
	    2>/dev/null || [ $? -le 2 ]
}

ratio() {
	printf '%.2f' "$(echo "$1 / $2" | bc -l)"
}

echo "host:        $(nproc) cores, default catalogue ($("$bin/ir-collect" --list | wc -l) artifacts), root /"
t=$(best_time collect)
recs=$(wc -l <"$dir/out/collect.jsonl")
files=$(jq -s '[.[] | select(.type == "outcome") | .files] | add' "$dir/out/collect.jsonl")
bytes=$(jq -s '[.[] | select(.type == "outcome") | .bytes] | add' "$dir/out/collect.jsonl")
status=$(jq -r 'select(.type == "outcome") | .status' "$dir/out/collect.jsonl" |
    sort | uniq -c | awk '{ printf "%s%s %s", s, $1, $2; s = ", " }')
echo "ir-collect:  ${t} s   ${recs} records, ${files} files, ${bytes} bytes (${status})"
# The same files, for tar: regular files and links that were copied.
jq -j 'select(.type == "file" and .output and .path_hex == null) |
    (.path | ltrimstr("/")) + "\u0000"' "$dir/out/collect.jsonl" >"$dir/list"
mv "$dir/out/collect.jsonl" "$dir/records.jsonl"
rm -rf "$dir/out/collect"
tp=$(best_time peer)
pbytes=$(stat -c %s "$dir/out/peer.tar")
echo "tar -cf:     ${tp} s   same $(tr -cd '\0' <"$dir/list" | wc -c) files, ${pbytes} bytes of tar (no walk, no hashes, no records)"
echo "ratio:       ir-collect takes $(ratio "$t" "$tp")x the time of tar -cf of its list"
