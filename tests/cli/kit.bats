#!/usr/bin/env bats
# The USB kit (make kit): static binaries that run where no library is.
# `make check` builds the kit before the tests: a missing kit fails here.
# A sanitizer run (IRKIT_SANITIZED=1) skips them: the kit is not that build.

load common

KIT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)/kit

setup() {
	[ "${IRKIT_SANITIZED:-0}" = 1 ] && skip "the kit is not a sanitizer build"
	command -v jq >/dev/null || fail "jq is not installed"
	[ -d "$KIT/bin" ] || fail "no $KIT/bin (run make kit)"
	[ -x "$KIT/bin/ir-walk" ] || fail "no $KIT/bin/ir-walk (run make kit)"
	# The kit must find its own magic database, not one named from outside.
	unset IRKIT_MAGIC
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	local m
	for m in ${MOUNTED:-}; do umount "$m"; done
}

@test "kit: every binary is statically linked" {
	local n=0 b
	for b in "$KIT"/bin/*; do
		file "$b" | grep -q 'statically linked' || fail "$b: $(file "$b")"
		run ldd "$b"
		[[ "$output" == *"not a dynamic executable"* ]] || fail "$b: $output"
		n=$((n + 1))
	done
	[ "$n" -ge 1 ]
	[ -s "$KIT/share/magic.mgc" ]
	[ -x "$KIT/irkit" ]
}

@test "kit: ir-walk hashes and types files in a chroot that holds only the kit" {
	need_root
	local root=$BATS_TEST_TMPDIR/root src=$BATS_TEST_TMPDIR/src f want got
	# A small tree, made outside and copied in.
	mkdir -p "$src/sub"
	printf 'hello, evidence\n' > "$src/note.txt"
	head -c 100000 /dev/urandom > "$src/sub/blob"
	cp /bin/true "$src/sub/cat.jpg"		# an executable named as a picture
	# The root: the kit and a copy of the tree, nothing else (no /proc,
	# no /lib, no /bin/sh, no /etc).
	mkdir -p "$root/kit"
	# The kit as on a stick: a read-only mount.
	mount --bind "$KIT" "$root/kit"
	MOUNTED=$root/kit
	mount -o remount,ro,bind "$root/kit"
	cp -a "$src" "$root/tree"
	[ "$(ls -A "$root" | tr '\n' ' ')" = "kit tree " ]
	# An absolute argv[0]: without /proc the tool finds share/magic.mgc
	# from it.  Exit 1: cat.jpg is a finding (mime_mismatch).
	run -1 --separate-stderr chroot "$root" /kit/bin/ir-walk -c sha256 -t \
	    /tree
	[ -z "$stderr" ] || fail "stderr: $stderr"
	printf '%s\n' "$output" > out.jsonl
	assert_jsonl out.jsonl
	[ "$(jq -s length out.jsonl)" -eq 5 ]	# /tree, sub and three files
	for f in note.txt sub/blob sub/cat.jpg; do
		want=$(sha256sum "$src/$f" | cut -d' ' -f1)
		got=$(jq -r --arg p "/tree/$f" 'select(.path == $p) | .sha256' \
		    out.jsonl)
		assert_eq "$got" "$want" "sha256 of $f"
	done
	# The kit's own magic database was found: every file has a type.
	[ "$(jq -r 'select(.kind == "reg" and ((.mime // "") == "")) | .path' \
	    out.jsonl)" = "" ] || fail "a file without mime: $(cat out.jsonl)"
	assert_eq "$(jq -r 'select(.path == "/tree/note.txt") | .mime' \
	    out.jsonl)" text/plain "mime of note.txt"
	assert_eq "$(jq -r 'select(.path == "/tree/sub/cat.jpg") |
	    .mime_mismatch' out.jsonl)" true "mime_mismatch of cat.jpg"
	# Nothing else was written into the root; the kit could not be.
	refute touch "$root/kit/bin/probe" 2>/dev/null
	[ "$(ls -A "$root" | tr '\n' ' ')" = "kit tree " ]
}

@test "kit: the launcher runs a kit tool with PATH reset to the kit" {
	run -0 --separate-stderr "$KIT/irkit" ir-walk --version
	[[ "$output" == "ir-walk (irkit) "* ]] || fail "$output"
	[[ "$output" == *"libtsk"* ]] || fail "$output"
	[ -z "$stderr" ] || fail "stderr: $stderr"
	run -2 --separate-stderr "$KIT/irkit"
	[[ "$stderr" == "usage: irkit tool [args...]; tools: "*" ir-walk"* ]] ||
	    fail "$stderr"
	run -2 --separate-stderr "$KIT/irkit" no-such-tool
	[[ "$stderr" == *"no tool or playbook 'no-such-tool'"* ]] ||
	    fail "$stderr"
	# Only the kit's own tools: no way out to a host binary.
	run -2 --separate-stderr "$KIT/irkit" ../../../bin/true
	[[ "$stderr" == *"no tool or playbook"* ]] || fail "$stderr"
}

@test "kit: the live-response playbook in a chroot that holds only the kit and /proc" {
	need_root
	local root=$BATS_TEST_TMPDIR/root rc=0
	mkdir -p "$root/kit" "$root/proc" "$root/out"
	mount --bind "$KIT" "$root/kit"
	MOUNTED=$root/kit
	mount -o remount,ro,bind "$root/kit"
	mount -t proc proc "$root/proc"
	MOUNTED="$root/proc $MOUNTED"
	# No /bin/sh in the root: the kit's own shell runs the launcher.
	chroot "$root" /kit/bin/sh /kit/irkit live-response k1 /out \
	    >pkg.out 2>stderr || rc=$?
	case $rc in 0 | 1 | 3) ;; *) cat stderr >&2; fail "exit $rc" ;; esac
	assert_eq "$(tail -n 1 pkg.out)" /out/k1.tar.gz "package path"
	# The package verifies outside the chroot with the kit's ir-verify,
	# and holds the records of each step.
	"$KIT/bin/ir-verify" "$root/out/k1.tar.gz" >verify.out 2>&1 ||
	    { cat verify.out >&2; fail "ir-verify failed"; }
	tar -tzf "$root/out/k1.tar.gz" >members
	grep -q '/data/ir-live-[0-9TZ-]*\.jsonl$' members || fail "no ir-live records"
	grep -q '/data/ir-collect-' members || fail "no ir-collect records"
	grep -q '/data/custody.jsonl$' members || fail "no custody log"
	# Written only under /out: the case, its package, nothing else.
	assert_eq "$(ls -A "$root" | tr '\n' ' ')" "kit out proc " "root"
	assert_eq "$(ls -A "$root/out" | tr '\n' ' ')" "k1 k1.tar.gz k1.tar.gz.sha256 " "out"
}
