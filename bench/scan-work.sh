#!/bin/sh
# Where the time of bench/scan.sh goes, in instructions rather than
# seconds (this machine's neighbours swing wall times by 20%; instruction
# counts do not move): ir-scan and yara, one thread each, all of
# signature-base compiled, over a fixed sample of a tree (default every
# 8th file of /usr/bin by size, about 30 MB), under callgrind.  Prints the
# instructions each spends in libyara, in the hashing (libcrypto), the
# typing (libmagic), libc and the rest.  libyara's share is the same work
# in both: what ir-scan adds is its hashing and typing.  Note: valgrind
# hides the CPU's SHA extensions, so the libcrypto figure is the portable
# SHA-256 code, several times what it costs natively.
set -eu
. "$(dirname "$0")/lib.sh"
need valgrind
need callgrind_annotate
need yara
dir=${1:-/usr/bin}
sigbase_setup
mkdir "$w/sample"
# Every 8th regular file by size, past the 4 largest: a spread of sizes.
find "$dir" -maxdepth 1 -type f -printf '%s %p\n' | sort -rn |
    awk 'NR > 4 && NR % 8 == 0 { sub(/^[0-9]+ /, ""); print }' | head -100 |
    while IFS= read -r f; do cp -p "$f" "$w/sample/"; done
files=$(find "$w/sample" -type f | wc -l)
mb=$(du -sm --apparent-size "$w/sample" | cut -f1)

valgrind --tool=callgrind --callgrind-out-file="$w/ours.cg" \
    "$bin/ir-scan" -p 1 -c sha256 --max-size 1G -r "$w/sb.yarc" \
    "$w/sample" >/dev/null 2>&1 || [ $? -eq 1 ]
valgrind --tool=callgrind --callgrind-out-file="$w/theirs.cg" \
    yara -C -N -r -p 1 "$w/sb.yarc" "$w/sample" >/dev/null 2>&1 || true

# by_object FILE: instructions per shared object, in millions.
by_object() {
	callgrind_annotate "$1" 2>/dev/null | awk '
	    /^ *[0-9,]+ .*\[/ {
		n = $1; gsub(",", "", n)
		o = $0; sub(/.*\[/, "", o); sub(/\].*/, "", o)
		sub(/.*\//, "", o)
		if (o ~ /^libyara/) k = "libyara"
		else if (o ~ /^libcrypto/) k = "libcrypto"
		else if (o ~ /^libmagic/) k = "libmagic"
		else if (o ~ /^libc\.so/) k = "libc"
		else k = "rest"
		s[k] += n; t += n
	    }
	    END {
		printf "%.0f %.0f %.0f %.0f %.0f %.0f\n", s["libyara"] / 1e6,
		    s["libcrypto"] / 1e6, s["libmagic"] / 1e6, s["libc"] / 1e6,
		    s["rest"] / 1e6, t / 1e6
	    }'
}
set -- $(by_object "$w/ours.cg")
o_y=$1 o_h=$2 o_m=$3 o_c=$4 o_r=$5 o_t=$6
set -- $(by_object "$w/theirs.cg")
t_y=$1 t_c=$4 t_r=$5 t_t=$6
echo "sample:   $files files, $mb MB of $dir; one thread each; millions of instructions"
printf '%-9s %9s %9s %9s %9s %9s %9s\n' "" libyara sha256 libmagic libc rest total
printf '%-9s %9s %9s %9s %9s %9s %9s\n' ir-scan "$o_y" "$o_h" "$o_m" "$o_c" "$o_r" "$o_t"
printf '%-9s %9s %9s %9s %9s %9s %9s\n' yara "$t_y" - - "$t_c" "$t_r" "$t_t"
echo "libyara:  ir-scan/yara = $(echo "scale=3; $o_y / $t_y" | bc -l)"
