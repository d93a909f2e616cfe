#!/usr/bin/env bats
# ir-verify against packages tampered with in every way: a byte flipped in
# a member, in the manifest, in the custody log, in bag-info.txt; a member
# removed, added, duplicated; a consistent re-seal (only --seal sees it);
# unsafe names and types crafted with python3's tarfile; a package cut
# short or corrupt.  Each is reported with its kind and path, all of them,
# and the exit status is not 0.  Tampered packages are rebuilt from an
# extracted copy with GNU tar and gzip.

load common

setup() {
	irkit_setup
}

verify() {
	local want=$1 out=$2
	shift 2
	run_tool "$want" "$out" ir-verify "$@"
}

# A sealed package p.tar.gz of a case made by ir-walk, extracted in x/c1.
mkpkg() {
	mkdir -p tree
	printf 'hello\n' >tree/a.txt
	printf 'world\n' >tree/b.txt
	walk 0 /dev/null --case case --case-id c1 tree
	printf 'collected\n' >case/note.txt
	run_tool 0 rec.json ir-pack case -o p.tar.gz
	mkdir x
	tar -xzf p.tar.gz -C x
}

# repack OUT: x/c1 as a package again, as GNU tar and gzip write it.
repack() {
	tar -C x -cf - c1 | gzip -6 >"$1"
}

# The findings and problems reported, "reason path" per line, sorted.
problems() {
	jq -r 'select(.type == "finding" or .type == "problem") |
	    .reason + " " + (.path // "-")' "$1" | sort
}

# flip FILE: change one byte in the middle of FILE.
flip() {
	local size off byte
	size=$(stat -c %s "$1")
	off=$((size / 2))
	byte=$(dd if="$1" bs=1 skip="$off" count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
	printf "$(printf '\\%03o' $(((byte + 1) % 256)))" |
	    dd of="$1" bs=1 seek="$off" conv=notrunc 2>/dev/null
}

@test "the untouched package, and the same bag repacked by GNU tar, verify" {
	mkpkg
	verify 0 v.json p.tar.gz
	assert_jsonl v.json
	repack r.tar.gz
	verify 0 /dev/null r.tar.gz
	assert_stderr "verified"
}

@test "a byte flipped in a member: altered, with its path" {
	mkpkg
	flip x/c1/data/note.txt
	repack t.tar.gz
	verify 1 v.json t.tar.gz
	assert_eq "$(problems v.json)" "altered c1/data/note.txt"
	assert_eq "$(jq -r 'select(.type == "finding") | .source' v.json)" t.tar.gz
	jq -r 'select(.type == "finding") | .detail' v.json |
	    grep -Eq 'listed as [0-9a-f]{64}$' || fail "detail: $(cat v.json)"
	assert_stderr "NOT verified: 1 finding"
}

@test "a byte flipped in a logged output: altered, and the custody chain disagrees" {
	mkpkg
	flip "$(ls x/c1/data/ir-walk-*.jsonl)"
	repack t.tar.gz
	verify 1 v.json t.tar.gz
	local out
	out=$(basename x/c1/data/ir-walk-*.jsonl)
	assert_eq "$(problems v.json)" "$(printf 'altered c1/data/%s\ncustody c1/data/%s' "$out" "$out")"
}

@test "a byte flipped in the manifest: the tag manifest and the member line both disagree" {
	mkpkg
	# The checksum of note.txt's line: its first hex digit changed.
	sed -i '/  data\/note.txt$/ { s/^0/x/; s/^[1-9a-f]/0/; s/^x/1/; }' \
	    x/c1/manifest-sha256.txt
	repack t.tar.gz
	verify 1 v.json t.tar.gz
	assert_eq "$(problems v.json)" "$(printf 'altered c1/data/note.txt\naltered c1/manifest-sha256.txt')"
}

@test "a byte changed in the custody log: the chain breaks and its hash changed" {
	mkpkg
	sed -i 's/"status":0/"status":1/' x/c1/data/custody.jsonl
	# The payload manifest updated too, as a forger would: still caught.
	(cd x/c1 && sha256sum data/custody.jsonl >/dev/null &&
	    sed -i "/  data\/custody.jsonl$/ s/^[0-9a-f]*/$(sha256sum data/custody.jsonl | cut -d' ' -f1)/" \
	    manifest-sha256.txt)
	repack t.tar.gz
	verify 1 v.json t.tar.gz
	assert_eq "$(problems v.json)" "$(printf 'altered c1/manifest-sha256.txt\ncustody c1/bag-info.txt')"
	# Without the manifest edit: the member and the chain.
	rm -rf x && mkdir x && tar -xzf p.tar.gz -C x
	sed -i 's/"status":0/"status":1/' x/c1/data/custody.jsonl
	repack t2.tar.gz
	verify 1 v2.json t2.tar.gz
	assert_eq "$(problems v2.json)" "$(printf 'altered c1/data/custody.jsonl\ncustody c1/bag-info.txt')"
}

@test "an entry cut from the custody log: the chain's head is not the one bag-info records" {
	mkpkg
	printf '' >x/c1/data/custody.jsonl
	repack t.tar.gz
	verify 1 v.json t.tar.gz
	problems v.json | grep -qx 'altered c1/data/custody.jsonl'
	problems v.json | grep -qx 'custody c1/bag-info.txt'
	jq -r 'select(.reason == "custody") | .detail' v.json | grep -q 'Custody-Entries 1, the chain has 0'
}

@test "a member removed, one added, one twice: missing, extra, duplicate" {
	command -v python3 >/dev/null || skip "python3 is not installed"
	mkpkg
	rm x/c1/data/note.txt
	printf 'planted\n' >x/c1/data/planted.txt
	repack t.tar.gz
	verify 1 v.json t.tar.gz
	assert_eq "$(problems v.json)" "$(printf 'altered c1/bag-info.txt\nextra c1/data/planted.txt\nmissing c1/data/note.txt')"
	jq -r 'select(.path == "c1/bag-info.txt") | .detail' v.json | grep -q 'Payload-Oxum'
	# A second note.txt after the first: extracting it would replace it.
	rm -rf x && mkdir x && tar -xzf p.tar.gz -C x
	python3 - <<'PY'
import io, tarfile
src = tarfile.open("p.tar.gz")
out = tarfile.open("d.tar", "w", format=tarfile.PAX_FORMAT)
for m in src.getmembers():
    out.addfile(m, src.extractfile(m) if m.isfile() else None)
ti = tarfile.TarInfo("c1/data/note.txt")
ti.size = 6
out.addfile(ti, io.BytesIO(b"other\n"))
out.close()
PY
	gzip d.tar
	verify 1 v2.json d.tar.gz
	assert_eq "$(problems v2.json)" "duplicate c1/data/note.txt"
}

@test "a consistent re-seal (member, manifests, tag manifest all redone): only --seal sees it" {
	mkpkg
	local seal
	seal=$(jq -r .seal rec.json)
	printf 'forged\n' >x/c1/data/note.txt
	(cd x/c1 &&
	    sed -i "/  data\/note.txt$/ s/^[0-9a-f]*/$(sha256sum data/note.txt | cut -d' ' -f1)/" manifest-sha256.txt &&
	    sed -i "s/^Payload-Oxum: .*/Payload-Oxum: $(find data -type f -printf '%s\n' | awk '{ s += $1 } END { print s }').$(find data -type f | wc -l)/" bag-info.txt &&
	    sha256sum bagit.txt manifest-sha256.txt bag-info.txt >tagmanifest-sha256.txt)
	repack t.tar.gz
	verify 0 /dev/null t.tar.gz
	verify 1 v.json --seal "$seal" t.tar.gz
	assert_eq "$(problems v.json)" "seal c1/tagmanifest-sha256.txt"
}

@test "unsafe members: '..', absolute, symlink out, hard link, device, FIFO: each reported, none followed" {
	command -v python3 >/dev/null || skip "python3 is not installed"
	mkpkg
	gunzip -c p.tar.gz >p.tar
	python3 - <<'PY'
import io, tarfile
src = tarfile.open("p.tar")
out = tarfile.open("u.tar", "w", format=tarfile.PAX_FORMAT)
for m in src.getmembers():
    out.addfile(m, src.extractfile(m) if m.isfile() else None)
def add(name, typ=tarfile.REGTYPE, data=b"", link=""):
    ti = tarfile.TarInfo(name)
    ti.type = typ
    ti.linkname = link
    ti.size = len(data) if typ == tarfile.REGTYPE else 0
    out.addfile(ti, io.BytesIO(data) if data else None)
add("c1/data/../../escape.txt", data=b"x")
add("/tmp/absolute.txt", data=b"x")
add("c1/data/out", tarfile.SYMTYPE, link="../../../etc/passwd")
add("c1/data/abs", tarfile.SYMTYPE, link="/etc/shadow")
add("c1/data/hard", tarfile.LNKTYPE, link="c1/data/note.txt")
add("c1/data/null", tarfile.CHRTYPE)
add("c1/data/pipe", tarfile.FIFOTYPE)
out.close()
PY
	gzip <u.tar >u.tar.gz
	verify 1 v.json u.tar.gz
	assert_eq "$(problems v.json)" "$(printf '%s\n' \
	    'unsafe /tmp/absolute.txt' 'unsafe c1/data/../../escape.txt' \
	    'unsafe c1/data/abs' 'unsafe c1/data/hard' 'unsafe c1/data/null' \
	    'unsafe c1/data/out' 'unsafe c1/data/pipe' | sort)"
	jq -r 'select(.path == "c1/data/out") | .detail' v.json | grep -q 'symlink out of the package'
	jq -r 'select(.path == "c1/data/hard") | .detail' v.json | grep -q 'hard link'
	jq -r 'select(.path == "c1/data/null") | .detail' v.json | grep -q 'character device'
	[ ! -e ../escape.txt ] && [ ! -e /tmp/absolute.txt ] || fail "something was written"
}

@test "cut short, corrupt gzip, not a package at all: exit 3, said" {
	mkpkg
	head -c $(($(stat -c %s p.tar.gz) / 2)) p.tar.gz >cut.tar.gz
	verify 3 v.json cut.tar.gz
	problems v.json | grep -q '^truncated'
	# As irkit(7) has it: what could not be read is a "problem" with an
	# "error", exit 3; what the package is found to be, a "finding".
	assert_eq "$(jq -r 'select(.type == "problem") | .reason + " " + .source' v.json)" \
	    "truncated cut.tar.gz"
	[ -n "$(jq -r 'select(.type == "problem") | .error' v.json)" ] ||
	    fail "no error: $(cat v.json)"
	assert_stderr "package not read to its end"
	cp p.tar.gz bad.tar.gz
	flip bad.tar.gz
	local rc=0
	"$IRKIT_BIN/ir-verify" bad.tar.gz >v2.json 2>err || rc=$?
	check_sanitizer err
	[ "$rc" -eq 1 ] || [ "$rc" -eq 3 ] || fail "corrupt gzip: exit $rc"
	[ -n "$(problems v2.json)" ] || fail "corrupt gzip: no problem reported"
	head -c 5000 /dev/urandom >noise
	verify 3 v3.json noise
	problems v3.json | grep -q '^truncated'
	verify 3 /dev/null missing.tar.gz
	assert_stderr "missing.tar.gz"
}

@test "all problems at once, not just the first; stdin as -" {
	mkpkg
	flip x/c1/data/note.txt
	rm x/c1/data/case.json
	printf 'x\n' >x/c1/data/new.txt
	repack t.tar.gz
	local rc=0
	"$IRKIT_BIN/ir-verify" - <t.tar.gz >v.json 2>err || rc=$?
	check_sanitizer err
	[ "$rc" -eq 1 ] || fail "exit $rc"
	problems v.json | grep -qx 'altered c1/data/note.txt'
	problems v.json | grep -qx 'missing c1/data/case.json'
	problems v.json | grep -qx 'extra c1/data/new.txt'
	problems v.json | grep -qx 'custody c1/data/case.json'
	assert_eq "$(jq -r 'select(.type == "package") | .findings' v.json)" \
	    "$(jq -c 'select(.type == "finding")' v.json | wc -l)"
}

@test "usage: no package, two packages, a bad --seal: exit 2" {
	verify 2 /dev/null
	verify 2 /dev/null a b
	verify 2 /dev/null --seal 1234 a
	assert_stderr "64 hex digits"
}

@test "age: a package encrypted by the stock age verifies with --identity; a wrong or no key: exit 2" {
	command -v age-keygen >/dev/null || skip "age is not installed"
	mkpkg
	age-keygen -o key.txt 2>/dev/null
	age-keygen -o other.txt 2>/dev/null
	age -r "$(age-keygen -y key.txt)" -o p.tar.gz.age p.tar.gz
	verify 0 v.json --identity key.txt p.tar.gz.age
	assert_eq "$(jq -r 'select(.type == "package") | .encrypted' v.json)" true
	assert_eq "$(jq -r 'select(.type == "package") | .seal' v.json)" "$(jq -r .seal rec.json)"
	# Several identity files: any one opens it.
	verify 0 /dev/null -i other.txt -i key.txt p.tar.gz.age
	verify 2 /dev/null -i other.txt p.tar.gz.age
	verify 2 /dev/null p.tar.gz.age
	assert_stderr "encrypted"
	# Armored (PEM) age is not a package ir-pack makes; binary only.
	verify 2 /dev/null -i /dev/null p.tar.gz.age
}

@test "age: a byte flipped or the end cut in the encrypted package: not verified, exit 3" {
	command -v age-keygen >/dev/null || skip "age is not installed"
	mkpkg
	age-keygen -o key.txt 2>/dev/null
	age -r "$(age-keygen -y key.txt)" -o e.age p.tar.gz
	cp e.age flipped.age
	flip flipped.age
	verify 3 v.json -i key.txt flipped.age
	problems v.json | grep -q '^truncated'
	head -c $(($(stat -c %s e.age) - 20)) e.age >cut.age
	verify 3 v2.json -i key.txt cut.age
	problems v2.json | grep -q '^truncated'
}
