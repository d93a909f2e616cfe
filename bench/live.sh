#!/bin/sh
# ir-live on this host with 100 extra processes (each holding a socket and
# a deleted file open), against the host tools a responder would run for
# a similar picture: ps, ss -anp, lsmod and mount together.  Target: the
# whole ir-live run (pid probe up to pid_max, every executable hashed)
# under 2 s.  Prints seconds, records and bytes; the peers' time as a
# ratio, for reference only: they hash nothing, probe nothing, and trust
# the host.
set -eu
. "$(dirname "$0")/lib.sh"
need bc
need python3
nproc_extra=${BENCH_PROCS:-100}
[ -x "$bin/ir-live" ] || { echo "bench: build first (make)" >&2; exit 2; }
dir=$(mktemp -d "${BENCH_TMPDIR:-/var/tmp}/irkit-bench.XXXXXX")
pids=
cleanup() {
	# shellcheck disable=SC2086
	[ -z "$pids" ] || kill $pids 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# 100 processes: a listening socket and a deleted file each.
i=0
while [ "$i" -lt "$nproc_extra" ]; do
	python3 -c '
import os, socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
f = open(sys.argv[1], "w"); os.unlink(sys.argv[1])
open(sys.argv[1] + ".ready", "w").close()
time.sleep(3600)' "$dir/f$i" &
	pids="$pids $!"
	i=$((i + 1))
done
i=0
while [ "$i" -lt "$nproc_extra" ]; do
	while [ ! -e "$dir/f$i.ready" ]; do sleep 0.05; done
	i=$((i + 1))
done

# ir-live exits 1 (findings) or 3 (something unreadable) on most hosts.
live() {
	rm -f "$dir/live.jsonl"
	rc=0
	"$bin/ir-live" "$@" -o "$dir/live.jsonl" 2>/dev/null || rc=$?
	[ "$rc" -ne 2 ] && [ "$rc" -le 3 ]
}

peers() {
	ps -eo pid,ppid,user,lstart,args
	ss -anp
	lsmod 2>/dev/null || true
	mount
}

echo "host:        $(ls -d /proc/[0-9]* | wc -l) processes ($nproc_extra extra), pid_max $(cat /proc/sys/kernel/pid_max), $(nproc) cores"
t=$(best_time live)
records=$(wc -l <"$dir/live.jsonl")
bytes=$(wc -c <"$dir/live.jsonl")
echo "ir-live:     ${t} s, ${records} records, ${bytes} bytes (target < 2 s)"
tn=$(best_time live --no-probe)
echo "  --no-probe ${tn} s (listing only)"
if command -v ps >/dev/null && command -v ss >/dev/null; then
	tp=$(best_time peers)
	pbytes=$(peers 2>/dev/null | wc -c)
	echo "ps+ss+lsmod+mount: ${tp} s, ${pbytes} bytes of text (ir-live takes $(echo "scale=2; $t / $tp" | bc -l)x their time)"
fi
[ "$(echo "$t < 2" | bc -l)" -eq 1 ] || { echo "bench: ir-live over 2 s" >&2; exit 1; }
