# Helpers shared by the bats tests of the irkit tools (`load common`).
#
# IRKIT_BIN: directory of the tools under test (default: build/bin of this
# checkout).  IRKIT_SANITIZED=1: they are an ASan/UBSan build; any sanitizer
# report on stderr fails the test.  Every test runs in its own empty
# directory (BATS_TEST_TMPDIR) with LC_ALL=C and TZ=UTC.
# Needs: jq, coreutils, findutils.

bats_require_minimum_version 1.5.0

: "${IRKIT_BIN:=$BATS_TEST_DIRNAME/../../build/bin}"
IRKIT_BIN=$(cd "$IRKIT_BIN" 2>/dev/null && pwd || printf '%s' "$IRKIT_BIN")
export IRKIT_BIN
export LC_ALL=C TZ=UTC
if [ "${IRKIT_SANITIZED:-0}" = 1 ]; then
	# A sanitizer report must never pass for an expected exit status 1.
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
	export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1"
fi

irkit_setup() {
	command -v jq >/dev/null || skip "jq is not installed"
	[ -x "$IRKIT_BIN/ir-walk" ] || {
		echo "no tools in IRKIT_BIN=$IRKIT_BIN (run make)" >&2
		return 1
	}
	cd "$BATS_TEST_TMPDIR"
}

fail() {
	printf '%s\n' "$@" >&2
	return 1
}

# refute CMD...: CMD must fail (a bare `! cmd` never fails a bats test).
refute() {
	if "$@"; then
		fail "unexpected success: $*"
	fi
}

# Stderr of a tool run must hold no sanitizer report.
check_sanitizer() {
	if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:|WARNING: ThreadSanitizer' \
	    "$1" 2>/dev/null; then
		cat "$1" >&2
		fail "sanitizer report in $1"
	fi
}

# run_tool STATUS OUT TOOL ARG...: run TOOL from IRKIT_BIN with stdout in
# OUT and stderr in ./stderr (the test's directory); fail unless it exits
# with STATUS.  Stdin is passed through.
run_tool() {
	local want=$1 out=$2 tool=$3 rc=0
	shift 3
	"$IRKIT_BIN/$tool" "$@" >"$out" 2>"$BATS_TEST_TMPDIR/stderr" || rc=$?
	check_sanitizer "$BATS_TEST_TMPDIR/stderr"
	if [ "$rc" -ne "$want" ]; then
		sed 's/^/stderr: /' "$BATS_TEST_TMPDIR/stderr" >&2
		fail "$tool $*: exit $rc, want $want"
	fi
}

# walk STATUS OUT ARG...: run_tool for ir-walk.
walk() {
	local want=$1 out=$2
	shift 2
	run_tool "$want" "$out" ir-walk "$@"
}

# assert_stderr TEXT: the last tool run wrote TEXT (fixed string) on stderr.
assert_stderr() {
	grep -qF -- "$1" "$BATS_TEST_TMPDIR/stderr" || {
		sed 's/^/stderr: /' "$BATS_TEST_TMPDIR/stderr" >&2
		fail "stderr lacks: $1"
	}
}

# assert_eq ACTUAL EXPECTED [WHAT]
assert_eq() {
	[ "$1" = "$2" ] || fail "${3:-value}: got '$1', want '$2'"
}

# hex_decode HEX: write the bytes.
hex_decode() {
	printf '%b' "$(printf '%s' "$1" | sed 's/../\\x&/g')"
}

# bytes_hex: stdin as lower-case hex, one line (no xxd on a bare system).
bytes_hex() {
	od -An -v -tx1 | tr -d ' \n'
}

# decode_key KEY: "H<hex>" or "P<text>" (what jq_key emits) to the bytes.
decode_key() {
	case $1 in
	H*) hex_decode "${1#H}" ;;
	P*) printf '%s' "${1#P}" ;;
	*) fail "bad key '$1'" ;;
	esac
}

# jq expression: the exact bytes of string field F as "H<hex>" or "P<text>".
jq_key() {
	printf 'if .%s_hex then "H" + .%s_hex elif .%s then "P" + .%s else "-" end' \
	    "$1" "$1" "$1" "$1"
}

# json_paths FILE: the path of every "file" record of FILE, exact bytes
# (path_hex decoded when present), each ended by NUL.
json_paths() {
	local k
	while IFS= read -r -d '' k; do
		decode_key "$k"
		printf '\0'
	done < <(jq -j "select(.type == \"file\") | ($(jq_key path)) + \"\\u0000\"" "$1")
}

# same_paths A B: the NUL-separated path lists in files A and B are equal as
# multisets (no path missing, none extra, none twice).
same_paths() {
	if ! cmp -s <(sort -z "$1") <(sort -z "$2"); then
		diff <(sort -z "$1" | tr '\0\n' '\n^') <(sort -z "$2" | tr '\0\n' '\n^') >&2
		fail "path sets differ: $1 $2"
	fi
}

# assert_jsonl FILE: every line of FILE is one JSON object; the file ends
# with a newline (nothing cut short).
assert_jsonl() {
	local lines objs
	[ -s "$1" ] || fail "$1 is empty"
	[ "$(tail -c 1 "$1" | bytes_hex)" = 0a ] || fail "$1 does not end with a newline"
	lines=$(wc -l <"$1")
	objs=$(jq -c 'select(type == "object")' "$1" | wc -l) || fail "$1: not JSON"
	[ "$lines" -eq "$objs" ] || fail "$1: $lines lines but $objs JSON objects"
	# one object per line, not several or one spread over lines
	while IFS= read -r line; do
		printf '%s\n' "$line" | jq -e 'type == "object"' >/dev/null ||
		    fail "$1: bad line: $line"
	done < <(head -n 3 "$1"; tail -n 3 "$1")
}

# iso_of "2024-01-02 03:04:05.123456789 +0000" -> 2024-01-02T03:04:05.123456789Z
# ("-", stat's unknown birth time, stays "-").
iso_of() {
	case $1 in
	-) printf '%s' - ;;
	*) printf '%s' "$1" | sed -e 's/ /T/' -e 's/ +0000$/Z/' ;;
	esac
}

# kind_of "regular file" ... (stat -c %F) -> ir-walk's kind
kind_of() {
	case $1 in
	"regular file" | "regular empty file") echo reg ;;
	directory) echo dir ;;
	"symbolic link") echo lnk ;;
	fifo) echo fifo ;;
	socket) echo sock ;;
	"character special file") echo chr ;;
	"block special file") echo blk ;;
	*) echo "?" ;;
	esac
}

# tsk_mode PATH: TSK's bodyfile mode string (r/rrw-r--r--) from stat.
tsk_mode() {
	local a t
	a=$(stat -c %A -- "$1")
	case ${a:0:1} in
	-) t=r ;;
	s) t=h ;;
	*) t=${a:0:1} ;;
	esac
	printf '%s/%s%s' "$t" "$t" "${a:1}"
}

# as_nobody CMD...: run CMD as an unprivileged user (we are root).
as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
}

need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
}
