#!/bin/sh
# ir-acquire vs dc3dd, dcfldd and openssl: image a 1 GiB file (warm cache)
# to /dev/null and to a file, hashing it, in one run.  Targets:
#   --hash sha256:      at least 4x dc3dd's throughput, within 85% of
#                       openssl dgst -sha256 (which hashes only);
#   --hash sha256,md5:  within 90% of openssl dgst -md5 alone (MD5 cannot
#                       be split across cores: it is the bound).
# The data and images are under $BENCH_TMPDIR (default /var/tmp), removed.
set -eu
. "$(dirname "$0")/lib.sh"
need openssl
need bc
size_mib=${BENCH_SIZE_MIB:-1024}
[ -x "$bin/ir-acquire" ] || { echo "bench: build first (make)" >&2; exit 2; }
dir=$(mktemp -d "${BENCH_TMPDIR:-/var/tmp}/irkit-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
head -c "$((size_mib << 20))" /dev/urandom >"$dir/src"

# A fresh output file every run: never an earlier result.
to_file() {
	rm -f "$dir/img" "$dir/img.log" "$dir/img.map" "$dir/peer.img"
	"$@"
}

ratio() {
	echo "scale=2; $1 / $2" | bc -l
}

pct() {
	echo "scale=1; 100 * $1 / $2" | bc -l
}

have() {
	command -v "$1" >/dev/null 2>&1
}

# Warm the cache.
cat "$dir/src" >/dev/null

echo "source:      ${size_mib} MiB of random data, warm cache ($(nproc) cores)"
ossl256=$(best_time openssl dgst -sha256 "$dir/src")
osslmd5=$(best_time openssl dgst -md5 "$dir/src")
echo "openssl:     sha256 ${ossl256} s, md5 ${osslmd5} s (hashing only)"

for out in null file; do
	if [ "$out" = null ]; then
		dst=/dev/null
		run() { "$@"; }
	else
		dst=$dir/img
		run() { to_file "$@"; }
	fi
	echo "--- to $out"
	t256=$(best_time run "$bin/ir-acquire" -c sha256 "$dir/src" -o "$dst" --log /dev/null)
	echo "ir-acquire:  ${t256} s   -c sha256 ($(pct "$ossl256" "$t256")% of openssl sha256; target >= 85)"
	tboth=$(best_time run "$bin/ir-acquire" -c sha256,md5 "$dir/src" -o "$dst" --log /dev/null)
	echo "ir-acquire:  ${tboth} s   -c sha256,md5 ($(pct "$osslmd5" "$tboth")% of openssl md5; target >= 90)"
	pdst=/dev/null
	[ "$out" = file ] && pdst=$dir/peer.img
	if have dc3dd; then
		d256=$(best_time run dc3dd if="$dir/src" of="$pdst" hash=sha256 nwspc=on)
		dboth=$(best_time run dc3dd if="$dir/src" of="$pdst" hash=sha256 hash=md5 nwspc=on)
		echo "dc3dd:       ${d256} s sha256 ($(ratio "$d256" "$t256")x; target >= 4), ${dboth} s sha256+md5 ($(ratio "$dboth" "$tboth")x)"
	fi
	if have dcfldd; then
		fboth=$(best_time run dcfldd if="$dir/src" of="$pdst" hash=sha256,md5 bs=1M)
		echo "dcfldd:      ${fboth} s sha256+md5 ($(ratio "$fboth" "$tboth")x)"
	fi
done
