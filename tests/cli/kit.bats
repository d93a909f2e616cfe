#!/usr/bin/env bats
# The USB kit (make kit): static binaries that run where no library is.

load common

KIT=$BATS_TEST_DIRNAME/../../kit

setup() {
	[ "${IRKIT_SANITIZED:-0}" = 1 ] && skip "the kit is not a sanitizer build"
	irkit_setup
	[ -d "$KIT/bin" ] || fail "no kit/ (run make kit)"
}

teardown() {
	if [ -n "${MOUNTED:-}" ]; then umount "$MOUNTED"; fi
}

@test "kit: every binary is statically linked" {
	n=0
	for b in "$KIT"/bin/*; do
		file "$b" | grep -q 'statically linked' || fail "$b: $(file "$b")"
		run ldd "$b"
		[[ "$output" == *"not a dynamic executable"* ]] || fail "$b: $output"
		n=$((n + 1))
	done
	[ "$n" -ge 1 ]
	[ -s "$KIT/share/magic.mgc" ]
}

@test "kit: ir-walk hashes and types files in a chroot that holds only the kit" {
	root=$BATS_TEST_TMPDIR/root
	mkdir -p "$root/tree/sub"
	# The kit as on a stick: a read-only mount.
	mkdir "$root/kit"
	mount --bind "$KIT" "$root/kit"
	mount -o remount,ro,bind "$root/kit"
	MOUNTED=$root/kit
	printf 'hello, evidence\n' > "$root/tree/note.txt"
	head -c 100000 /dev/urandom > "$root/tree/sub/blob"
	cp /bin/true "$root/tree/sub/cat.jpg"
	# Nothing else: no /proc, no /lib, no /bin/sh, no /etc.
	[ "$(ls "$root" | tr '\n' ' ')" = "kit tree " ]
	run -1 chroot "$root" /kit/bin/ir-walk -c sha256 -t /tree
	printf '%s\n' "$output" > out.jsonl
	[ "$(jq -s length out.jsonl)" -eq 5 ]
	for f in note.txt sub/blob sub/cat.jpg; do
		want=$(sha256sum "$root/tree/$f" | cut -d' ' -f1)
		got=$(jq -r --arg p "/tree/$f" 'select(.path == $p) | .sha256' out.jsonl)
		[ "$got" = "$want" ] || fail "$f: $got != $want"
	done
	# The kit's own magic database was found without /proc.
	[ "$(jq -r 'select(.path == "/tree/note.txt") | .mime' out.jsonl)" = text/plain ]
	[ "$(jq -r 'select(.path == "/tree/sub/cat.jpg") | .mime_mismatch' out.jsonl)" = true ]
	refute touch "$root/kit/bin/probe" 2>/dev/null
}

@test "kit: the launcher runs a kit tool with PATH reset to the kit" {
	run -0 "$KIT/irkit" ir-walk --version
	[[ "$output" == "ir-walk (irkit) "* ]]
	[[ "$output" == *"libtsk"* ]]
	run -2 "$KIT/irkit"
	[[ "$output" == *"usage: irkit"* ]]
	run -2 "$KIT/irkit" no-such-tool
	[[ "$output" == *"no tool or playbook"* ]]
}
