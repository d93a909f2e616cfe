#!/bin/sh
# Run every test suite (TAP producers) and end with one line:
# "N passed, N failed, N skipped".  A suite that dies without reporting counts as a
# failure.  Called by `make check` after everything is built.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
LC_ALL=C TZ=UTC
export LC_ALL TZ
pass=0
fail=0
skipped=0
out=$(mktemp)
bgout=$(mktemp)
trap 'rm -f "$out" "$bgout" "$bgout.rc"' EXIT

# tally NAME FILE RC: echo FILE's TAP, count ok / not ok.
tally() {
	echo "# suite: $1"
	cat "$2"
	p=$(grep '^ok ' "$2" | grep -vic '# skip')
	# cmocka's TAP says "not ok N - name # SKIP" for a skipped test.
	k=$(grep -E '^(not )?ok ' "$2" | grep -ic '# skip')
	f=$(grep '^not ok ' "$2" | grep -vic '# skip')
	if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $1 exited $3 without reporting a failure"
		f=1
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	skipped=$((skipped + k))
}

# suite NAME COMMAND...: run it and tally it.
suite() {
	name=$1
	shift
	"$@" >"$out" 2>&1
	tally "$name" "$out" $?
}

# background NAME COMMAND...: run it beside what follows (one suite at a
# time); collect tallies it.
background() {
	bgname=$1
	shift
	( "$@" >"$bgout" 2>&1; echo $? >"$bgout.rc" ) &
	bgpid=$!
}
collect() {
	wait "$bgpid"
	tally "$bgname" "$bgout" "$(cat "$bgout.rc" 2>/dev/null || echo 1)"
}

units() {
	dir=$1
	rc=0
	for t in "$dir"/tests/unit/*; do
		[ -x "$t" ] || continue
		CMOCKA_MESSAGE_OUTPUT=TAP "$t" || rc=1
	done
	return $rc
}

fuzzers() {
	rc=0
	n=0
	for f in build/fuzz/*; do
		[ -x "$f" ] || continue
		name=${f##*/}
		n=$((n + 1))
		corpus=tests/fuzz/corpus/$name
		[ -d "$corpus" ] || corpus=
		work=$(mktemp -d)
		# Fuzzers with a seed script (tests/fuzz/seeds-NAME.sh OUTDIR)
		# also start from what it makes: images are not kept in git.
		seeds=
		if [ -f "tests/fuzz/seeds-$name.sh" ]; then
			seeds=$work.seeds
			if ! sh "tests/fuzz/seeds-$name.sh" "$seeds" \
			    >"$work.log" 2>&1; then
				echo "not ok $n - fuzz $name: seeds-$name.sh failed"
				tail -20 "$work.log"
				rc=1
				rm -rf "$work" "$work.log" "$seeds"
				continue
			fi
		fi
		# A crashing input is kept in build/fuzz-crash/ to replay it
		# (build/fuzz/NAME FILE), not dropped into the source tree.
		# 5 s each (seeds and corpus replayed, then a short search) keeps
		# make check under 20 minutes with 21 harnesses;
		# IRKIT_FUZZ_SECONDS=600 for a real campaign.
		mkdir -p build/fuzz-crash
		if "$f" -max_total_time="${IRKIT_FUZZ_SECONDS:-5}" \
		    -rss_limit_mb=2048 -print_final_stats=0 \
		    -artifact_prefix="build/fuzz-crash/$name-" "$work" \
		    ${corpus:+"$corpus"} ${seeds:+"$seeds"} >"$work.log" 2>&1; then
			echo "ok $n - fuzz $name"
		else
			echo "not ok $n - fuzz $name"
			tail -40 "$work.log"
			rc=1
		fi
		rm -rf "$work" "$work.log" ${seeds:+"$seeds"}
	done
	return $rc
}

# Man pages: mandoc's lint must be clean; every tool has a page.
manpages() {
	n=0
	rc=0
	for m in man/*.1 man/*.7; do
		n=$((n + 1))
		if mandoc -Tlint -Wwarning "$m"; then
			echo "ok $n - mandoc lint $m"
		else
			echo "not ok $n - mandoc lint $m"
			rc=1
		fi
	done
	for t in build/bin/*; do
		n=$((n + 1))
		if [ -f "man/${t##*/}.1" ]; then
			echo "ok $n - man page for ${t##*/}"
		else
			echo "not ok $n - no man/${t##*/}.1"
			rc=1
		fi
	done
	return $rc
}

# Playbooks and the kit's launcher run on any POSIX sh (busybox in the kit).
shells() {
	n=0
	rc=0
	for f in playbooks/*.sh tools/kit/irkit; do
		n=$((n + 1))
		if shellcheck -s sh -x -P playbooks "$f"; then
			echo "ok $n - shellcheck $f"
		else
			echo "not ok $n - shellcheck $f"
			rc=1
		fi
	done
	return $rc
}

suite man manpages
suite shellcheck shells
suite unit units build
IRKIT_BIN=$top/build/bin suite cli bats --tap tests/cli
# Leaks inside libtsk's format probes are suppressed (see the file); a slow
# unwind is needed to see through the libraries built without frame pointers.
LSAN_OPTIONS=suppressions=$top/tests/lsan.supp
export LSAN_OPTIONS
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0 \
    UBSAN_OPTIONS=print_stacktrace=1 suite unit-asan units build/asan
# The sanitizer run of the CLI tests is the longest and mostly uses one
# core: the fuzzers (one process each, nothing shared) run beside it.
background fuzz fuzzers
ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0 UBSAN_OPTIONS=print_stacktrace=1 \
    IRKIT_SANITIZED=1 IRKIT_BIN=$top/build/asan/bin suite cli-asan bats --tap tests/cli
collect

echo "$pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]
