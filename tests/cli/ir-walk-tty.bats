#!/usr/bin/env bats
# ir-walk's progress line: drawn on a terminal, never into pipes or files.

load common

setup() {
	irkit_setup
	mkdir tree
	for i in $(seq 1 300); do
		head -c 65536 /dev/urandom > "tree/f$i"
	done
}

@test "progress line on a terminal, records still on stdout" {
	# script(1) gives the tool a pseudo-terminal as stderr.
	script -qec "$IRKIT_BIN/ir-walk -c sha256 tree > out.jsonl" typescript \
	    </dev/null >/dev/null
	grep -q 'ir-walk: 301 objects, ' typescript
	grep -q $'\r' typescript
	[ "$(wc -l < out.jsonl)" -eq 301 ]
	refute grep -q 'objects' out.jsonl
}

@test "no progress line when stderr is not a terminal" {
	"$IRKIT_BIN/ir-walk" -c sha256 tree > out.jsonl 2> err
	[ ! -s err ]
	[ "$(wc -l < out.jsonl)" -eq 301 ]
}
