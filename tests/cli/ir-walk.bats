#!/usr/bin/env bats
# ir-walk on live trees: its records checked against find, stat, the
# coreutils hash programs and hashdeep; output formats, case directories,
# evidence handling and robustness.  Run as root for the tests that mount,
# make devices or switch to an unprivileged user (they skip otherwise).

load common

setup() {
	irkit_setup
	MOUNTS=()
}

teardown() {
	local m
	for m in "${MOUNTS[@]}"; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done
}

# rec PATH [FILE]: the file record of PATH (a jq string match).
rec() {
	jq -c --arg p "$1" 'select(.type == "file" and .path == $p)' "${2:-out.jsonl}"
}

# get PATH KEY [FILE]: one field of the record of PATH, raw.
get() {
	jq -r --arg p "$1" --arg k "$2" \
	    'select(.type == "file" and .path == $p) | .[$k] // empty' "${3:-out.jsonl}"
}

sha256_of() { sha256sum <"$1" | cut -d' ' -f1; }
md5_of() { md5sum <"$1" | cut -d' ' -f1; }

# A tree with an object of every kind, awkward names and modes, known times;
# outside/ is what two symlinks point at and must never be walked.
make_tree() {
	mkdir -p tree/sub/deeper outside/secretdir
	echo "outside the tree" >outside/secretdir/secret-inside
	printf 'hello\n' >tree/plain.txt
	: >tree/empty
	head -c 100000 /dev/urandom >tree/sub/random.bin
	chmod 600 tree/sub/random.bin
	printf 'x' >"tree/new
line"
	printf 'y' >$'tree/bad\xff\xfename'
	printf 'z' >'tree/a,"b"'
	printf 'u' >$'tree/caf\xc3\xa9'
	printf 'p' >'tree/pipe|name'
	printf 'd' >tree/-dash
	printf 's' >'tree/back\slash'
	printf 'w' >'tree/with space'
	cp tree/plain.txt tree/sub/deeper/copy
	ln tree/plain.txt tree/sub/hardlink
	: >tree/setuid
	chmod 4755 tree/setuid
	mkdir -m 1777 tree/sticky
	chmod 750 tree/sub/deeper
	mkfifo tree/fifo
	ln -s ../outside/secretdir tree/dirlink
	ln -s "$PWD/outside/secretdir" tree/abslink
	ln -s nowhere tree/dangling
	ln -s $'\xfe\xff' tree/badlink
	if [ "$(id -u)" -eq 0 ]; then
		mknod tree/null c 1 3
	fi
	touch -d '2001-02-03 04:05:06.123456789' tree/plain.txt
	touch -d '1999-12-31 23:59:59.000000042' tree/empty
	touch -d '1969-12-31 23:59:59.5' tree/sub/deeper/copy
	touch -h -d '2010-10-10 10:10:10.101010101' tree/dirlink
	# Linux updates a symlink's atime on every readlink unless (relatime)
	# it is already later than mtime and ctime: put it there, so that the
	# walk's own readlink does not change what stat shows afterwards.
	touch -h -a -d 'now + 1 hour' tree/dirlink tree/abslink tree/dangling tree/badlink
}

# --- records -----------------------------------------------------------

@test "records: every object of a tree exactly once, as find lists them" {
	make_tree
	walk 0 out.jsonl tree
	assert_jsonl out.jsonl
	json_paths out.jsonl >got
	find tree -print0 >want
	same_paths got want
	# only file records, each naming its walk root
	jq -e -s 'all(.[]; .type == "file" and .source == "tree" and
	    .deleted == false)' out.jsonl >/dev/null
	[ "$(jq -s length out.jsonl)" -eq "$(find tree -printf x | wc -c)" ]
}

@test "records: kind, inode, size, mode, owner, links and times agree with stat" {
	make_tree
	walk 0 out.jsonl tree
	local n=0 key got p s want
	while IFS= read -r -d '' key && IFS= read -r -d '' got; do
		p=$(decode_key "$key"; printf x)
		p=${p%x}
		IFS='|' read -r kind ino size mode uid gid nlink mt at ct bt \
		    < <(stat -c '%F|%i|%s|%f|%u|%g|%h|%y|%x|%z|%w' -- "$p")
		want="$(kind_of "$kind")|$ino|$size|$(printf '%06o' "0x$mode")|$uid|$gid|$nlink|$(iso_of "$mt")|$(iso_of "$at")|$(iso_of "$ct")|$(iso_of "$bt")"
		[ "$got" = "$want" ] || fail "$p:" " got  $got" " want $want"
		n=$((n + 1))
	done < <(jq -j "select(.type == \"file\") | ($(jq_key path)) + \"\\u0000\" +
	    ([.kind, .inode, .size, .mode, .uid, .gid, .nlink, .mtime, .atime,
	      .ctime, (.crtime // \"-\")] | map(tostring) | join(\"|\")) + \"\\u0000\"" out.jsonl)
	[ "$n" -eq "$(find tree -printf x | wc -c)" ]
	# the kinds seen include every one built
	for k in dir reg lnk fifo; do
		jq -e -s --arg k "$k" 'any(.[]; .kind == $k)' out.jsonl >/dev/null ||
		    fail "no record of kind $k"
	done
}

@test "records: times are ISO 8601 UTC with nine fraction digits" {
	make_tree
	walk 0 out.jsonl tree
	assert_eq "$(get tree/plain.txt mtime)" 2001-02-03T04:05:06.123456789Z
	assert_eq "$(get tree/empty mtime)" 1999-12-31T23:59:59.000000042Z
	assert_eq "$(get tree/sub/deeper/copy mtime)" 1969-12-31T23:59:59.500000000Z
	assert_eq "$(get tree/dirlink mtime)" 2010-10-10T10:10:10.101010101Z
	jq -e -s 'all(.[]; [.mtime, .atime, .ctime, (.crtime // .mtime)] |
	    all(test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{9}Z$")))' \
	    out.jsonl >/dev/null
	# the same mode and times in every record of a hard-linked inode
	assert_eq "$(get tree/sub/hardlink inode)" "$(get tree/plain.txt inode)"
	assert_eq "$(get tree/sub/hardlink nlink)" 2
}

@test "records: a symlink is recorded with its target and never followed" {
	make_tree
	walk 0 out.jsonl -c sha256 -t tree
	assert_eq "$(get tree/dirlink kind)" lnk
	assert_eq "$(get tree/dirlink link)" ../outside/secretdir
	assert_eq "$(get tree/abslink link)" "$PWD/outside/secretdir"
	assert_eq "$(get tree/dangling link)" nowhere
	assert_eq "$(get tree/dirlink size)" 20
	refute grep -q secret-inside out.jsonl
	json_paths out.jsonl >got
	refute grep -qz '^tree/\(dir\|abs\)link/' got
	# no content work on a link: its target is not evidence of this tree
	[ -z "$(get tree/abslink sha256)" ]
	[ -z "$(get tree/abslink mime)" ]
	# a walk root that is a symlink is itself recorded, not followed
	walk 0 root.jsonl tree/dirlink
	assert_eq "$(jq -s length root.jsonl)" 1
	assert_eq "$(jq -r .kind root.jsonl)" lnk
}

@test "records: names with a newline and invalid UTF-8 are kept byte for byte" {
	make_tree
	walk 0 out.jsonl tree
	# newline: JSON-escaped, exact
	rec $'tree/new\nline' | grep -qF '"path":"tree/new\nline"'
	[ -z "$(get $'tree/new\nline' path_hex)" ]
	# invalid UTF-8: path_hex holds the exact bytes
	hex=$(jq -r 'select(.path_hex != null and (.path | startswith("tree/bad"))) | .path_hex' out.jsonl)
	assert_eq "$hex" "$(printf 'tree/bad\xff\xfename' | bytes_hex)" path_hex
	assert_eq "$(hex_decode "$hex" | bytes_hex)" "$hex" "decoded path_hex"
	[ -f "$(hex_decode "$hex")" ]
	# valid UTF-8 needs no hex; a link target gets link_hex the same way
	assert_eq "$(jq -r --arg p $'tree/caf\xc3\xa9' 'select(.path == $p) | has("path_hex")' out.jsonl)" false
	assert_eq "$(get tree/badlink link_hex)" feff
	# every line is still valid JSON and valid UTF-8
	assert_jsonl out.jsonl
	iconv -f UTF-8 -t UTF-8 out.jsonl >/dev/null
}

@test "--max-depth: stops descending where find -maxdepth does" {
	make_tree
	walk 0 out.jsonl --max-depth 1 tree
	json_paths out.jsonl >got
	find tree -maxdepth 1 -print0 >want
	same_paths got want
}

# --- content -----------------------------------------------------------

@test "--hash: md5, sha1 and sha256 of /usr/bin agree with md5sum, sha1sum, sha256sum" {
	walk 0 out.jsonl -c md5,sha1,sha256 /usr/bin
	for alg in md5 sha1 sha256; do
		jq -r --arg a "$alg" 'select(.kind == "reg") | "\(.[$a])  \(.path)"' \
		    out.jsonl | sort >got.$alg
		find /usr/bin -type f -print0 | xargs -0 "${alg}sum" | sort >want.$alg
		diff got.$alg want.$alg >&2
	done
	[ "$(wc -l <got.sha256)" -gt 50 ]
	# nothing skipped, failed or flagged as changed while read
	jq -e -s 'all(.[]; (has("error") or has("skipped") or has("changed")) | not)' \
	    out.jsonl >/dev/null
	# links and directories get no digest
	jq -e -s 'all(.[] | select(.kind != "reg"); has("sha256") | not)' \
	    out.jsonl >/dev/null
}

@test "--hash: empty, chunk-sized and multi-chunk files; -j does not change the output" {
	mkdir -p tree/a tree/b
	: >tree/empty
	head -c 1048576 /dev/urandom >tree/a/one-mib
	head -c 1048575 /dev/urandom >tree/a/one-mib-less
	head -c 3145745 /dev/urandom >tree/b/three-mib-and-17
	for i in $(seq 40); do echo "$i" >"tree/b/f$i"; done
	walk 0 out.jsonl -c md5,sha256 tree
	# (before md5sum and sha256sum read the files and change their atime)
	walk 0 j1.jsonl -c md5,sha256 -j 1 tree
	walk 0 j7.jsonl -c md5,sha256 -j 7 tree
	cmp out.jsonl j1.jsonl
	cmp out.jsonl j7.jsonl
	for f in tree/empty tree/a/one-mib tree/a/one-mib-less tree/b/three-mib-and-17 tree/b/f7; do
		assert_eq "$(get "$f" sha256)" "$(sha256_of "$f")" "sha256 of $f"
		assert_eq "$(get "$f" md5)" "$(md5_of "$f")" "md5 of $f"
	done
}

@test "--hash: reading content leaves atime alone (O_NOATIME)" {
	mkdir -p tree/d
	echo data >tree/f
	echo data >tree/d/g
	echo data >control
	touch -a -d '2001-01-01 00:00:00' tree tree/f tree/d tree/d/g control
	cat control >/dev/null
	ls control >/dev/null
	[ "$(stat -c %X control)" -ne "$(date -d '2001-01-01 00:00:00' +%s)" ] ||
	    skip "this file system does not record reads in atime"
	before=$(stat -c '%n %x' tree tree/f tree/d tree/d/g)
	walk 0 out.jsonl -c md5,sha1,sha256 -t tree
	after=$(stat -c '%n %x' tree tree/f tree/d tree/d/g)
	assert_eq "$after" "$before" "atimes after the walk"
}

@test "--known-good: the same verdicts as hashdeep -m / -x with the same known set" {
	mkdir -p tree/sub/deep
	echo one >tree/a
	echo two >tree/b
	echo three >tree/sub/c
	echo one >tree/sub/dup
	: >tree/empty
	head -c 70000 /dev/urandom >tree/sub/deep/blob
	echo moved >tree/sub/m
	hashdeep -c md5,sha256 -r tree >known.txt
	grep -q '^%%%% size,md5,sha256,filename' known.txt
	echo changed >>tree/b
	echo new >tree/sub/new
	mv tree/sub/m tree/sub/deep/m-renamed
	printf 'X' | dd of=tree/sub/deep/blob bs=1 seek=500 conv=notrunc status=none
	top=$(pwd -P)/
	hashdeep -c md5,sha256 -m -k known.txt -r tree >hd.m || true
	hashdeep -c md5,sha256 -x -k known.txt -r tree >hd.x || true
	sed "s|^$top||" hd.m | sort >hd.matched
	sed "s|^$top||" hd.x | sort >hd.unmatched
	[ -s hd.matched ] && [ -s hd.unmatched ]

	walk 0 out.jsonl --known-good known.txt tree
	jq -r 'select(.kind == "reg" and .known == "good") | .path' out.jsonl | sort >iw.good
	jq -r 'select(.kind == "reg" and (has("known") | not)) | .path' out.jsonl | sort >iw.rest
	diff iw.good hd.matched >&2
	diff iw.rest hd.unmatched >&2
	grep -qx tree/b iw.rest
	grep -qx tree/sub/new iw.rest
	grep -qx tree/sub/deep/m-renamed iw.good
	# verdicts only for regular files, never "bad" from a good list
	jq -e -s 'all(.[] | select(.kind != "reg"); has("known") | not)' out.jsonl >/dev/null
	refute grep -q '"known":"bad"' out.jsonl
	# the digests the list asked for are in the records, and right
	assert_eq "$(get tree/sub/new sha256)" "$(sha256_of tree/sub/new)"
	assert_eq "$(get tree/sub/new md5)" "$(md5_of tree/sub/new)"
}

@test "--known-bad: a 'hash;comment' list marks the file bad with the note, exit 1" {
	make_tree
	echo "$(sha256_of tree/sub/random.bin);dropper from the phishing mail" >bad.txt
	walk 1 out.jsonl --known-bad bad.txt tree
	assert_eq "$(get tree/sub/random.bin known)" bad
	assert_eq "$(get tree/sub/random.bin known_note)" "dropper from the phishing mail"
	assert_eq "$(grep -c '"known"' out.jsonl)" 1
	json_paths out.jsonl >got
	find tree -print0 >want
	same_paths got want
}

@test "--known-bad: an md5sum-format list works too, and bad wins over good" {
	mkdir tree
	echo evil >tree/evil
	echo fine >tree/fine
	md5sum tree/evil >bad.md5
	walk 1 out.jsonl --known-bad bad.md5 tree
	assert_eq "$(get tree/evil known)" bad
	assert_eq "$(get tree/evil known_note)" tree/evil
	[ -z "$(get tree/fine known)" ]
	# listed as good and as bad: a responder must see "bad"
	md5sum tree/evil tree/fine >good.md5
	walk 1 both.jsonl --known-good good.md5 --known-bad bad.md5 tree
	assert_eq "$(get tree/evil known both.jsonl)" bad
	assert_eq "$(get tree/fine known both.jsonl)" good
	# nothing bad found: exit 0
	walk 0 none.jsonl --known-bad bad.md5 tree/fine
}

@test "--known-good/--known-bad: a malformed or missing list is a usage error naming it" {
	mkdir tree
	echo a >tree/a
	{ md5_of tree/a; echo 'this is not a hash'; } >mal.txt
	walk 2 out --known-bad mal.txt tree
	assert_stderr "mal.txt:2"
	[ ! -s out ]
	walk 2 out --known-good mal.txt tree
	assert_stderr "mal.txt:2"
	[ ! -s out ]
	printf '%s\n' "$(md5_of tree/a | cut -c1-31)" >short.txt
	walk 2 out --known-bad short.txt tree
	assert_stderr "short.txt:1"
	walk 2 out --known-bad no-such-list.txt tree
	assert_stderr no-such-list.txt
	[ ! -s out ]
}

@test "--type: an executable named photo.jpg is a mismatch (exit 1); text is text/plain" {
	mkdir tree
	cp /bin/ls tree/photo.jpg
	cp /bin/ls tree/ls
	printf 'Dear diary,\nthe quick brown fox jumps over the lazy dog.\n' >tree/notes.txt
	walk 1 out.jsonl -t tree
	assert_eq "$(get tree/photo.jpg mime_mismatch)" true
	get tree/photo.jpg mime | grep -qE '^application/x-(pie-executable|executable|sharedlib)$'
	assert_eq "$(get tree/ls mime)" "$(get tree/photo.jpg mime)"
	[ -z "$(get tree/ls mime_mismatch)" ]
	assert_eq "$(get tree/notes.txt mime)" text/plain
	[ -z "$(get tree/notes.txt mime_mismatch)" ]
	[ -z "$(get tree mime)" ]
	walk 0 text.jsonl -t tree/notes.txt tree/ls
	assert_eq "$(get tree/notes.txt mime text.jsonl)" text/plain
}

# --- formats -----------------------------------------------------------

@test "--format csv: a header row, RFC 4180 quoting, path_hex for raw bytes" {
	make_tree
	walk 0 out.csv -f csv tree
	header=$(head -n 1 out.csv)
	IFS=, read -r -a cols <<<"$header"
	col() {
		local i
		for i in "${!cols[@]}"; do
			[ "${cols[$i]}" = "$1" ] && { echo $((i + 1)); return 0; }
		done
		fail "no column $1 in: $header"
	}
	for c in type path path_hex kind inode size mode uid gid mtime link md5 sha256 error; do
		col "$c" >/dev/null
	done
	ncols=${#cols[@]}
	# one line per object, plus the header, plus the newline inside a name
	assert_eq "$(wc -l <out.csv)" "$(($(find tree -printf x | wc -c) + 2))" "lines"
	# a plain name: unquoted, one cell per column, values from stat
	row=$(grep -F ',tree/plain.txt,' out.csv)
	assert_eq "$(awk -F, '{ print NF }' <<<"$row")" "$ncols" "cells"
	assert_eq "$(awk -F, -v i="$(col inode)" '{ print $i }' <<<"$row")" "$(stat -c %i tree/plain.txt)"
	assert_eq "$(awk -F, -v i="$(col size)" '{ print $i }' <<<"$row")" 6
	assert_eq "$(awk -F, -v i="$(col mtime)" '{ print $i }' <<<"$row")" 2001-02-03T04:05:06.123456789Z
	assert_eq "$(awk -F, -v i="$(col kind)" '{ print $i }' <<<"$row")" reg
	# a name with a comma and quotes: one quoted cell, quotes doubled
	row=$(grep -F ',"tree/a,""b""",' out.csv)
	row=${row/'"tree/a,""b"""'/X}
	assert_eq "$(awk -F, '{ print NF }' <<<"$row")" "$ncols" "cells around the quoted name"
	assert_eq "$(awk -F, -v i="$(col path)" '{ print $i }' <<<"$row")" X
	assert_eq "$(awk -F, -v i="$(col inode)" '{ print $i }' <<<"$row")" "$(stat -c %i 'tree/a,"b"')"
	# a newline in a name stays inside one quoted cell
	[[ "$(cat out.csv)" == *$',"tree/new\nline",'* ]]
	# invalid UTF-8: the path_hex cell has the exact bytes
	hex=$(printf 'tree/bad\xff\xfename' | bytes_hex)
	assert_eq "$(awk -F, -v i="$(col path_hex)" -v h="$hex" '$i == h' out.csv | wc -l)" 1
	# symlink target in its column
	row=$(grep -F ',tree/dangling,' out.csv)
	assert_eq "$(awk -F, -v i="$(col link)" '{ print $i }' <<<"$row")" nowhere
}

@test "--format body: mactime bodyfile lines equal what stat and md5sum say" {
	make_tree
	walk 0 out.body -f body -c md5 tree
	local p name md5 want n=0
	for p in tree tree/plain.txt tree/empty tree/setuid tree/sticky tree/sub/random.bin \
	    tree/sub/deeper tree/sub/deeper/copy tree/dirlink tree/fifo; do
		name=$p
		[ -L "$p" ] && name="$p -> $(readlink "$p")"
		# stat before md5sum: reading the file changes its atime
		want="|$name|$(stat -c %i -- "$p")|$(tsk_mode "$p")|$(stat -c '%u|%g|%s|%X|%Y|%Z|%W' -- "$p")"
		md5=0
		[ -f "$p" ] && [ ! -L "$p" ] && md5=$(md5_of "$p")
		want=$md5$want
		grep -qxF -- "$want" out.body || {
			grep -F -- "|$name|" out.body >&2 || true
			fail "no bodyfile line: $want"
		}
		n=$((n + 1))
	done
	[ "$n" -eq 10 ]
	grep -qF '|r/rrwsr-xr-x|' out.body
	grep -qF '|d/drwxrwxrwt|' out.body
	grep -qF '|p/prw-r--r--|' out.body
	# one line of 11 fields per object; the format cannot hold '|' or a
	# newline in a name, so they are replaced
	assert_eq "$(wc -l <out.body)" "$(find tree -printf x | wc -c)" "lines"
	assert_eq "$(awk -F'|' 'NF != 11' out.body)" "" "lines without 11 fields"
	grep -q '^[0-9a-f]*|tree/new^line|' out.body
	grep -q '^[0-9a-f]*|tree/pipe^name|' out.body
}

# --- walk scope --------------------------------------------------------

@test "-x: a file system mounted inside the tree is left out, and walked without -x" {
	need_root
	mkdir -p tree/mnt tree/d
	echo a >tree/d/a
	mount -t tmpfs -o size=1m irkit-test tree/mnt || skip "cannot mount tmpfs here"
	MOUNTS+=("$PWD/tree/mnt")
	echo on-tmpfs >tree/mnt/on-tmpfs
	mkdir tree/mnt/dir
	echo deeper >tree/mnt/dir/deeper
	walk 0 one.jsonl -x tree
	walk 0 all.jsonl tree
	json_paths one.jsonl >got
	find tree -xdev -print0 >want
	same_paths got want
	json_paths all.jsonl >got
	find tree -print0 >want
	same_paths got want
	refute grep -q on-tmpfs one.jsonl
	grep -q on-tmpfs all.jsonl
	# the mount point itself is an object of the walked file system
	assert_eq "$(get tree/mnt kind one.jsonl)" dir
	# and -x with hashes too
	walk 0 onehash.jsonl -x -c sha256 tree
	refute grep -q on-tmpfs onehash.jsonl
}

@test "--max-size: larger files are skipped, not hashed; the rest are" {
	mkdir tree
	head -c 1000 /dev/urandom >tree/small
	head -c 2048 /dev/urandom >tree/exact
	head -c 5000 /dev/urandom >tree/large
	walk 0 out.jsonl -c md5,sha256 -t --max-size 2K tree
	assert_eq "$(get tree/small sha256)" "$(sha256_of tree/small)"
	assert_eq "$(get tree/exact sha256)" "$(sha256_of tree/exact)"
	[ -z "$(get tree/small skipped)" ]
	[ -z "$(get tree/exact skipped)" ]
	[ -n "$(get tree/large skipped)" ]
	assert_eq "$(rec tree/large | jq -c '[has("md5"), has("sha256"), has("mime"), has("error")]')" \
	    '[false,false,false,false]'
	assert_eq "$(get tree/large size)" 5000
}

@test "-0: NUL-separated paths on stdin, one with a newline" {
	make_tree
	find tree -type f -print0 >list
	grep -qz $'new\nline' list
	walk 0 out.jsonl -0 -c sha256 <list
	json_paths out.jsonl >got
	same_paths got list
	assert_eq "$(get $'tree/new\nline' sha256)" "$(printf x | sha256sum | cut -d' ' -f1)"
	assert_eq "$(get $'tree/new\nline' source)" $'tree/new\nline'
	# paths on the command line as well is a usage error, as is no path
	walk 2 out2 -0 tree <list
	walk 2 out2 -0 </dev/null
	[ ! -s out2 ]
}

# --- outputs and the case directory ------------------------------------

@test "--case: case.json, a custody chain over the outputs, entry 2 chained to entry 1" {
	mkdir tree
	echo a >tree/a
	walk 0 stdout --case case --case-id CASE-7 --examiner "J. Doe" tree
	[ ! -s stdout ]
	[ -f case/case.json ] && [ -f case/custody.jsonl ]
	jq -e '.case_id == "CASE-7" and .examiner == "J. Doe"' case/case.json >/dev/null
	outs=(case/ir-walk-*.jsonl)
	assert_eq "${#outs[@]}" 1 "outputs"
	json_paths "${outs[0]}" >got
	find tree -print0 >want
	same_paths got want
	assert_eq "$(wc -l <case/custody.jsonl)" 1
	e1=$(head -n 1 case/custody.jsonl)
	jq -e '.seq == 1 and .tool == "ir-walk" and .status == 0 and .complete == true and
	    (.outputs | length) == 1' <<<"$e1" >/dev/null
	assert_eq "$(jq -r '.outputs[0].path' <<<"$e1")" "${outs[0]#case/}"
	assert_eq "$(jq -r '.outputs[0].sha256' <<<"$e1")" "$(sha256_of "${outs[0]}")"
	assert_eq "$(jq -r '.outputs[0].size' <<<"$e1")" "$(stat -c %s "${outs[0]}")"
	assert_eq "$(jq -r .prev <<<"$e1")" "$(sha256_of case/case.json)" "prev of entry 1"
	case_json=$(sha256_of case/case.json)

	walk 0 stdout --case case tree
	assert_eq "$(wc -l <case/custody.jsonl)" 2
	assert_eq "$(head -n 1 case/custody.jsonl)" "$e1" "entry 1 after the second run"
	assert_eq "$(sha256_of case/case.json)" "$case_json" "case.json after the second run"
	e2=$(sed -n 2p case/custody.jsonl)
	assert_eq "$(jq -r .seq <<<"$e2")" 2
	assert_eq "$(jq -r .prev <<<"$e2")" "$(printf '%s' "$e1" | sha256sum | cut -d' ' -f1)" "prev of entry 2"
	out2=case/$(jq -r '.outputs[0].path' <<<"$e2")
	[ "$out2" != "${outs[0]}" ] && [ -f "$out2" ]
	assert_eq "$(jq -r '.outputs[0].sha256' <<<"$e2")" "$(sha256_of "$out2")"
	assert_eq "$(sha256_of "${outs[0]}")" "$(jq -r '.outputs[0].sha256' <<<"$e1")" "first output after the second run"
}

@test "--case and -o inside the walked tree: never listed in the records" {
	mkdir -p tree/d
	echo a >tree/a
	echo b >tree/d/b
	walk 0 stdout --case tree/case tree
	walk 0 stdout --case tree/case tree
	find tree -path tree/case -prune -o -print0 >want
	for o in tree/case/ir-walk-*.jsonl; do
		json_paths "$o" >got
		same_paths got want
	done
	assert_eq "$(ls tree/case/ir-walk-*.jsonl | wc -l)" 2

	walk 0 stdout -o tree/d/out.jsonl tree
	[ ! -s stdout ]
	json_paths tree/d/out.jsonl >got
	find tree \( -path tree/case -o -path tree/d/out.jsonl \) -prune -o -print0 >want
	# the case directory is evidence now: listed this time
	find tree/case -print0 >>want
	same_paths got want
}

@test "-o: an existing file is not overwritten" {
	mkdir tree
	echo a >tree/a
	echo "earlier results" >prev.jsonl
	sum=$(sha256_of prev.jsonl)
	walk 2 stdout -o prev.jsonl tree
	assert_stderr prev.jsonl
	assert_eq "$(sha256_of prev.jsonl)" "$sum"
	walk 0 stdout -o new.jsonl tree
	json_paths new.jsonl >got
	find tree -print0 >want
	same_paths got want
}

# --- robustness --------------------------------------------------------

@test "a tree 2000 directories deep (paths past PATH_MAX) is walked whole" {
	mkdir deep
	(
		cd deep
		chunk=$(printf 'dir/%.0s' $(seq 100))
		for i in $(seq 20); do
			echo "$i" >zz
			mkdir -p "$chunk"
			cd "$chunk"
		done
		echo leaf >leaf
	)
	walk 0 out.jsonl -c sha256 deep
	json_paths out.jsonl >got
	find deep -print0 >want
	same_paths got want
	assert_eq "$(jq -s length out.jsonl)" 2022
	[ "$(jq -s 'map(.path | length) | max' out.jsonl)" -gt 8000 ]
	jq -e -s 'all(.[] | select(.kind == "reg"); .sha256 != null and (has("error") | not))' \
	    out.jsonl >/dev/null
	assert_eq "$(jq -r 'select(.path | endswith("/leaf")) | .sha256' out.jsonl)" \
	    "$(echo leaf | sha256sum | cut -d' ' -f1)"
	assert_eq "$(jq -r 'select(.path == "deep/zz") | .sha256' out.jsonl)" \
	    "$(echo 1 | sha256sum | cut -d' ' -f1)"
}

@test "/proc/self/ and /sys/kernel with --hash: no hang, pseudo files skipped" {
	rc=0
	timeout 60 "$IRKIT_BIN/ir-walk" -c md5,sha256 -t /proc/self/ /sys/kernel \
	    >out.jsonl 2>stderr || rc=$?
	check_sanitizer stderr
	[ "$rc" -ne 124 ] || fail "timed out"
	# 3 only for objects of /proc/self that came and went (our own fds)
	[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || { cat stderr >&2; fail "exit $rc"; }
	assert_jsonl out.jsonl
	jq -e -s 'all(.[] | select(has("error")); .path | startswith("/proc/self/"))' \
	    out.jsonl >/dev/null || { jq -c 'select(has("error"))' out.jsonl >&2; false; }
	[ "$(jq -s 'map(select(.kind == "reg" and (.path | startswith("/proc/self/")))) | length' out.jsonl)" -gt 20 ]
	[ "$(jq -s 'map(select(.kind == "reg" and (.path | startswith("/sys/kernel/")))) | length' out.jsonl)" -gt 20 ]
	jq -e -s 'all(.[] | select(.kind == "reg" and (has("error") | not));
	    .skipped == "pseudo file system" and (has("sha256") or has("md5") or has("mime") | not))' \
	    out.jsonl >/dev/null
}

@test "a FIFO in the tree (or as a root) does not block the walk" {
	mkdir tree
	mkfifo tree/fifo
	echo a >tree/a
	rc=0
	timeout 20 "$IRKIT_BIN/ir-walk" -c sha256 -t tree tree/fifo >out.jsonl 2>stderr || rc=$?
	check_sanitizer stderr
	assert_eq "$rc" 0 "exit (124: blocked on the FIFO)"
	assert_eq "$(jq -s 'map(select(.path == "tree/fifo" and .kind == "fifo")) | length' out.jsonl)" 2
	jq -e -s 'all(.[] | select(.kind == "fifo"); [has("sha256"), has("mime"), has("error")] == [false, false, false])' \
	    out.jsonl >/dev/null
	assert_eq "$(get tree/a sha256)" "$(sha256_of tree/a)"
}

@test "an unreadable file gets an error field, the rest is written, exit 3" {
	need_root
	command -v setpriv >/dev/null || skip "no setpriv"
	mkdir tree
	echo a >tree/a
	echo secret >tree/secret
	echo z >tree/z
	chmod 000 tree/secret
	chmod 755 "$BATS_TEST_TMPDIR" tree
	rc=0
	as_nobody "$IRKIT_BIN/ir-walk" -c sha256 tree >out.jsonl 2>stderr || rc=$?
	check_sanitizer stderr
	assert_eq "$rc" 3 exit
	assert_stderr "could not be read"
	assert_jsonl out.jsonl
	json_paths out.jsonl >got
	find tree -print0 >want
	same_paths got want
	get tree/secret error | grep -q 'Permission denied'
	[ -z "$(get tree/secret sha256)" ]
	assert_eq "$(get tree/secret size)" 7
	assert_eq "$(get tree/a sha256)" "$(sha256_of tree/a)"
	assert_eq "$(get tree/z sha256)" "$(sha256_of tree/z)"
	[ -z "$(get tree/z error)" ]
}

@test "an unreadable directory gets an error field, its siblings are walked, exit 3" {
	need_root
	command -v setpriv >/dev/null || skip "no setpriv"
	mkdir -p tree/locked tree/open
	echo s >tree/locked/inside
	echo o >tree/open/f
	chmod 000 tree/locked
	chmod 755 "$BATS_TEST_TMPDIR"
	rc=0
	as_nobody "$IRKIT_BIN/ir-walk" tree >out.jsonl 2>stderr || rc=$?
	check_sanitizer stderr
	assert_eq "$rc" 3 exit
	get tree/locked error | grep -q 'Permission denied'
	assert_eq "$(get tree/locked kind)" dir
	[ -n "$(rec tree/open/f)" ]
	refute grep -q inside out.jsonl
}

@test "SIGINT and SIGTERM during a hashed walk of /usr: exit 3, a valid, marked-incomplete output" {
	for sig in INT TERM; do
		"$IRKIT_BIN/ir-walk" -c md5,sha1,sha256 /usr >out.$sig 2>err.$sig &
		pid=$!
		# the handler is in place once records come out
		for _ in $(seq 100); do
			[ -s out.$sig ] && break
			sleep 0.1
		done
		sleep 0.5
		kill -$sig "$pid"
		rc=0
		wait "$pid" || rc=$?
		check_sanitizer err.$sig
		assert_eq "$rc" 3 "exit after SIG$sig"
		grep -q interrupted err.$sig || fail "no 'interrupted' on stderr: $(cat err.$sig)"
		assert_jsonl out.$sig
		assert_eq "$(tail -n 1 out.$sig | jq -r .type)" incomplete
		assert_eq "$(jq -s 'map(select(.type != "file")) | length' out.$sig)" 1
		[ "$(wc -l <out.$sig)" -gt 10 ]
	done
}

@test "SIGINT while a huge file is hashed: stops within seconds, no digest of a part" {
	mkdir tree
	echo a >tree/a
	# 64 GiB, sparse: minutes of hashing, seconds of disk
	truncate -s 64G tree/huge || skip "no sparse 64 GiB file here"
	"$IRKIT_BIN/ir-walk" -c md5,sha1,sha256 -j 2 tree >out.jsonl 2>err &
	pid=$!
	# signal once the huge file is open (the handler is in place by then)
	for _ in $(seq 100); do
		ls -l "/proc/$pid/fd" 2>/dev/null | grep -q 'tree/huge$' && break
		sleep 0.1
	done
	sleep 0.5
	kill -INT "$pid"
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid"
		wait "$pid" || true
		fail "still reading 10 s after SIGINT"
	fi
	rc=0
	wait "$pid" || rc=$?
	check_sanitizer err
	assert_eq "$rc" 3 exit
	grep -q interrupted err
	assert_jsonl out.jsonl
	assert_eq "$(tail -n 1 out.jsonl | jq -r .type)" incomplete
	# the huge file, if recorded, carries no digest of what little was read
	jq -e -s 'all(.[] | select(.path == "tree/huge");
	    (has("md5") or has("sha1") or has("sha256") | not) and has("error"))' \
	    out.jsonl >/dev/null
}

@test "a path that does not exist: exit 3 naming it, the other paths still walked" {
	mkdir tree
	echo a >tree/a
	walk 3 out.jsonl no-such-path tree
	assert_stderr "'no-such-path'"
	assert_jsonl out.jsonl
	json_paths out.jsonl >got
	find tree -print0 >want
	same_paths got want
	assert_eq "$(tail -n 1 out.jsonl | jq -r .type)" incomplete
	walk 3 out2.jsonl tree no-such-path
	json_paths out2.jsonl >got
	same_paths got want
}

@test "a full output device: a non-zero exit and an error, never silence" {
	make_tree
	for args in "" "-c sha256" "-f csv" "-f body -c md5"; do
		rc=0
		# shellcheck disable=SC2086
		"$IRKIT_BIN/ir-walk" $args tree >/dev/full 2>stderr || rc=$?
		check_sanitizer stderr
		[ "$rc" -eq 3 ] || fail "ir-walk $args >/dev/full: exit $rc"
		assert_stderr "cannot write"
	done
	walk 3 stdout -o /dev/full tree
	assert_stderr "cannot write"
}

# --- usage -------------------------------------------------------------

@test "usage errors exit 2, write no records and say why" {
	mkdir tree
	walk 2 out
	assert_stderr "no path"
	[ ! -s out ]
	walk 2 out --no-such-option tree
	assert_stderr "--help"
	[ ! -s out ]
	walk 2 out -c sha512 tree
	assert_stderr sha512
	[ ! -s out ]
	walk 2 out -c md5,,sha1 tree
	walk 2 out -f xml tree
	assert_stderr xml
	walk 2 out -j 0 tree
	walk 2 out --max-size lots tree
	assert_stderr lots
	walk 2 out -o x.jsonl --case c tree
	[ ! -e x.jsonl ] && [ ! -e c ]
	[ ! -s out ]
}

@test "--help and --version" {
	walk 0 out --help
	grep -q '^usage: ir-walk' out
	grep -q -- '--one-file-system' out
	grep -q -- '--known-bad' out
	[ ! -s stderr ]
	walk 0 out --version
	head -n 1 out | grep -qE '^ir-walk \(irkit\) [0-9]+\.[0-9]+\.[0-9]+$'
	# --version into a full device: an error, not silence
	run_tool 3 /dev/full ir-walk --version
}

# A minimal PE32 image: MZ stub, e_lfanew 0x40, PE signature, COFF and
# optional header, written with printf so no compiler is needed.
make_pe() {
	{
		printf 'MZ'; head -c 58 /dev/zero; printf '\100\000\000\000'
		printf 'PE\000\000\114\001\001\000'; head -c 12 /dev/zero
		printf '\340\000\002\001\013\001'; head -c 734 /dev/zero
	} > "$1"
}

@test "--type: a PE named .pdf is a mismatch; bytes libmagic only guesses are DOS .COM are not" {
	irkit_setup
	mkdir tree
	make_pe tree/invoice.pdf
	# The opening bytes of CPython's cp949 test text: libmagic calls them
	# a DOS .COM program, but nothing in them is an executable header.
	printf '\214c\271\346\260\242\307\317 \274\204\275\303\304\335\266\363\n' \
	    > tree/notes.txt
	run -1 "$IRKIT_BIN/ir-walk" -t tree
	pe=$(printf '%s\n' "$output" | jq -c 'select(.path == "tree/invoice.pdf") | [.mime, .mime_mismatch]')
	[ "$pe" = '["application/vnd.microsoft.portable-executable",true]' ]
	txt=$(printf '%s\n' "$output" | jq -c 'select(.path == "tree/notes.txt") | [.mime, .mime_mismatch]')
	[ "$txt" = '["application/x-dosexec",null]' ]
}

@test "the host's openssl.cnf is never read (it could load a module)" {
	irkit_setup
	printf 'openssl_conf = oc\n[oc]\nproviders = pv\n[pv]\nevil = ev\n[ev]\nmodule = %s/evil.so\nactivate = 1\n' \
	    "$BATS_TEST_TMPDIR" > evil.cnf
	printf 'evidence\n' > f
	# The stock openssl obeys it and breaks: proof the file has teeth.
	run ! env OPENSSL_CONF=evil.cnf openssl dgst -sha256 f
	run -0 env OPENSSL_CONF=evil.cnf "$IRKIT_BIN/ir-walk" -c sha256 f
	[ "$(printf '%s\n' "$output" | jq -r .sha256)" = "$(sha256sum f | cut -d' ' -f1)" ]
}
