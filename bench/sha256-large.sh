#!/bin/sh
# SHA-256 of one large file: ir-walk vs openssl dgst, warm cache, one run.
# Target: ir-walk's throughput at least 85% of openssl's.
set -eu
. "$(dirname "$0")/lib.sh"
need openssl
need bc
size_mib=${BENCH_SIZE_MIB:-1024}
[ -x "$bin/ir-walk" ] || { echo "bench: build first (make)" >&2; exit 2; }
dir=$(mktemp -d "${BENCH_TMPDIR:-/var/tmp}/irkit-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
head -c "$((size_mib << 20))" /dev/urandom > "$dir/big"
# Warm the cache: each once, untimed.
"$bin/ir-walk" -c sha256 "$dir/big" >/dev/null
openssl dgst -sha256 "$dir/big" >/dev/null

irkit=$(best_time "$bin/ir-walk" -c sha256 "$dir/big")
peer=$(best_time openssl dgst -sha256 "$dir/big")
echo "file:      ${size_mib} MiB of random data"
echo "ir-walk:   ${irkit} s   ($(echo "scale=0; $size_mib / $irkit" | bc -l) MiB/s; ir-walk -c sha256 FILE)"
echo "openssl:   ${peer} s   ($(echo "scale=0; $size_mib / $peer" | bc -l) MiB/s; openssl dgst -sha256 FILE)"
echo "ir-walk at $(echo "scale=1; 100 * $peer / $irkit" | bc -l)% of openssl's throughput (target >= 85%)"
