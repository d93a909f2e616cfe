#!/usr/bin/env bats
# ir-pack: a case made by the real tools sealed into a tar.gz that GNU tar
# and gunzip read, whose BagIt manifests sha256sum checks, whose seal and
# custody head are what the files say; never overwriting; nothing left
# behind by a case that cannot be sealed, a full disk or a signal; a
# package cut anywhere never verifies.

load common

setup() {
	irkit_setup
}

pack() {
	local want=$1 out=$2
	shift 2
	run_tool "$want" "$out" ir-pack "$@"
}

verify() {
	local want=$1 out=$2
	shift 2
	run_tool "$want" "$out" ir-verify "$@"
}

# A case directory made by ir-walk over a small tree.
mkcase() {
	mkdir -p tree/sub
	printf 'hello\n' >tree/a.txt
	head -c 200000 /dev/urandom >tree/sub/r.bin
	walk 0 /dev/null --case "$1" --case-id "${2:-c1}" -c sha256 tree
}

# The findings and problems ir-verify reported, "reason path" per line.
problems() {
	jq -r 'select(.type == "finding" or .type == "problem") |
	    .reason + " " + (.path // "-")' "$1" | sort
}

@test "round trip: ir-walk's case sealed, gunzip -t, tar -x gives it back byte for byte, ir-verify passes" {
	mkcase case
	pack 0 rec.json case -o p.tar.gz
	assert_jsonl rec.json
	assert_eq "$(jq -r .type rec.json)" package
	assert_eq "$(jq -r .case_id rec.json)" c1 "case id"
	assert_eq "$(jq -r .custody_entries rec.json)" 1 "custody entries"
	assert_eq "$(jq -r .size rec.json)" "$(stat -c %s p.tar.gz)" "size"
	gunzip -t p.tar.gz
	# p.tar.gz.sha256 is what sha256sum checks.
	sha256sum -c --quiet p.tar.gz.sha256
	assert_eq "$(jq -r .sha256 rec.json)" "$(sha256sum <p.tar.gz | cut -d' ' -f1)"
	mkdir x
	tar -xzf p.tar.gz -C x
	assert_eq "$(ls x)" c1 "top directory"
	diff -r case x/c1/data
	# A BagIt bag: bagit.txt, the manifests check, Payload-Oxum adds up.
	grep -qx 'BagIt-Version: 1.0' x/c1/bagit.txt
	(cd x/c1 && sha256sum -c --quiet manifest-sha256.txt &&
	    sha256sum -c --quiet tagmanifest-sha256.txt)
	local bytes files
	bytes=$(find case -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
	files=$(find case -type f | wc -l)
	grep -qx "Payload-Oxum: $bytes.$files" x/c1/bag-info.txt
	grep -qx "External-Identifier: c1" x/c1/bag-info.txt
	# The seal is the tag manifest's SHA-256; the custody head its last line's.
	assert_eq "$(jq -r .seal rec.json)" "$(sha256sum <x/c1/tagmanifest-sha256.txt | cut -d' ' -f1)" seal
	local head
	head=$(tail -n 1 case/custody.jsonl | tr -d '\n' | sha256sum | cut -d' ' -f1)
	grep -qx "Custody-Head: $head" x/c1/bag-info.txt
	assert_eq "$(jq -r .custody_head rec.json)" "$head" "custody head"
	# The tag manifest is the last member: a cut package lacks it.
	assert_eq "$(tar -tzf p.tar.gz | tail -n 1)" c1/tagmanifest-sha256.txt
	verify 0 v.json p.tar.gz
	assert_eq "$(jq -r 'select(.type == "package") | .verified' v.json)" true
	assert_eq "$(jq -r 'select(.type == "package") | .seal' v.json)" "$(jq -r .seal rec.json)"
	verify 0 /dev/null --seal "$(jq -r .seal rec.json)" p.tar.gz
}

@test "names with LF, CR, '%' and bytes that are not UTF-8: encoded as RFC 8493 says, restored by tar" {
	mkcase case
	printf 'one\n' >"case/new"$'\n'"line"
	printf 'two\n' >"case/car"$'\r'"ret"
	printf 'three\n' >"case/per%cent"
	printf 'four\n' >"case/$(printf 'caf\303\251 \377')"
	mkdir -p "case/$(printf 'd%.0s' {1..120})/$(printf 'e%.0s' {1..150})"
	printf 'deep\n' >"case/$(printf 'd%.0s' {1..120})/$(printf 'e%.0s' {1..150})/f"
	pack 0 rec.json case -o p.tar.gz
	mkdir x
	tar -xzf p.tar.gz -C x 2>/dev/null
	diff -r case x/c1/data
	local m=x/c1/manifest-sha256.txt
	grep -q '  data/new%0Aline$' "$m"
	grep -q '  data/car%0Dret$' "$m"
	grep -q '  data/per%25cent$' "$m"
	# Every line is a checksum and a path: nothing split by the names.
	[ "$(LC_ALL=C grep -acvE '^[0-9a-f]{64}  data/' "$m")" -eq 0 ] ||
	    fail "a manifest line is not '<sha256>  data/...'"
	verify 0 /dev/null p.tar.gz
}

@test "a symlink out of the case (ir-collect keeps them) is packed as a file holding its target" {
	mkcase case
	mkdir -p case/collect/etc
	ln -s /lib/systemd/system/x.service case/collect/etc/x.service
	ln -s ../passwd case/collect/etc/up
	pack 0 out.json case -o p.tar.gz
	run_tool 0 v.json ir-verify p.tar.gz
	mkdir x
	tar -xzf p.tar.gz -C x
	local top
	top=$(ls x)
	[ -f "x/$top/data/collect/etc/x.service" ] && [ ! -L "x/$top/data/collect/etc/x.service" ] ||
	    fail "not a regular file: $(ls -l "x/$top/data/collect/etc")"
	assert_eq "$(cat "x/$top/data/collect/etc/x.service")" /lib/systemd/system/x.service
	# In the manifest like any file; a link inside the case stays a link.
	(cd "x/$top" && sha256sum -c --quiet manifest-sha256.txt) || fail "manifest"
	grep -q ' data/collect/etc/x.service$' "x/$top/manifest-sha256.txt"
	assert_eq "$(readlink "x/$top/data/collect/etc/up")" ../passwd
}

@test "a case 3000 directories deep (ir-collect copies a host's /tmp as deep as it is): packed whole, verifies" {
	mkcase case
	# Past PATH_MAX and past the fd limit a walk that holds one fd per level
	# would need under a low ulimit; python makes it in a second.
	python3 -c '
import os
os.chdir("case")
os.makedirs("collect/tmp", exist_ok=True)
os.chdir("collect/tmp")
for i in range(3000):
    os.mkdir("d")
    os.chdir("d")
open("leaf.txt", "w").write("deep\n")'
	(ulimit -n 256 && "$IRKIT_BIN/ir-pack" case -o p.tar.gz >out.json 2>stderr) ||
	    fail "ir-pack: $(cat stderr)"
	check_sanitizer stderr
	run_tool 0 v.json ir-verify p.tar.gz
	local leaf
	leaf=$(tar -tzf p.tar.gz | grep '/leaf.txt$')
	[ "$(tr -cd / <<<"$leaf" | wc -c)" -eq 3004 ] || fail "leaf at $leaf"
	assert_eq "$(tar -xzOf p.tar.gz "$leaf")" deep
}

@test "-o -: the package streams to stdout (for ssh), the record to stderr" {
	mkcase case
	"$IRKIT_BIN/ir-pack" case -o - >s.tar.gz 2>err || fail "ir-pack -o - failed"
	check_sanitizer err
	grep -q '"type":"package"' err
	gunzip -t s.tar.gz
	"$IRKIT_BIN/ir-pack" case -o - 2>/dev/null | "$IRKIT_BIN/ir-verify" - >v.json 2>err ||
	    fail "ir-pack | ir-verify - failed: $(cat err)"
	assert_eq "$(jq -r 'select(.type == "package") | .verified' v.json)" true
	[ ! -e s.tar.gz.sha256 ] || fail "a .sha256 for stdout"
	[ -z "$(ls -A . | grep '^\.s\.tar\.gz\.')" ] || fail "a temporary file left"
}

@test "never overwrites a package or its .sha256; exit 2, both untouched" {
	mkcase case
	echo old >p.tar.gz
	pack 2 /dev/null case -o p.tar.gz
	assert_stderr "exists; not overwriting"
	assert_eq "$(cat p.tar.gz)" old
	rm p.tar.gz
	echo old >p.tar.gz.sha256
	pack 2 /dev/null case -o p.tar.gz
	[ ! -e p.tar.gz ] || fail "package written"
	assert_eq "$(cat p.tar.gz.sha256)" old
}

@test "a case that cannot be sealed: exit 2 with the reason, no package, no temporary file" {
	mkdir notacase
	echo x >notacase/f
	pack 2 /dev/null notacase -o p.tar.gz
	assert_stderr "not a case directory"
	mkcase case
	# An output changed after ir-walk logged it.
	echo '{}' >>"$(ls case/ir-walk-*.jsonl)"
	pack 2 /dev/null case -o p.tar.gz
	assert_stderr "altered after the custody log recorded it"
	# case.json edited: the chain breaks.
	mkcase case2
	sed -i 's/"examiner":"[^"]*"/"examiner":"mallory"/' case2/case.json
	pack 2 /dev/null case2 -o p.tar.gz
	assert_stderr "custody chain does not hold"
	[ -z "$(ls -A | grep -v -e '^case' -e '^notacase$' -e '^tree$' -e '^stderr$')" ] ||
	    fail "left behind: $(ls -A)"
}

@test "disk full (a 1 MiB tmpfs): exit 3, no package, no temporary file" {
	need_root
	mkcase case
	head -c 3000000 /dev/urandom >case/big.bin
	mkdir full
	mount -t tmpfs -o size=1m tmpfs full || skip "cannot mount a tmpfs"
	local rc=0
	"$IRKIT_BIN/ir-pack" case -o full/p.tar.gz >/dev/null 2>err || rc=$?
	check_sanitizer err
	ls -A full >left
	umount full
	[ "$rc" -eq 3 ] || fail "exit $rc, want 3: $(cat err)"
	grep -q "No space left on device" err || fail "no reason: $(cat err)"
	[ ! -s left ] || fail "left on the disk: $(cat left)"
}

@test "SIGTERM while packing: exit 3, no package; SIGKILL leaves only a temporary name" {
	mkcase case
	head -c 60000000 /dev/urandom >case/big.bin
	"$IRKIT_BIN/ir-pack" -j 1 -l 9 case -o p.tar.gz >/dev/null 2>err &
	local pid=$! rc=0
	sleep 0.5
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	check_sanitizer err
	[ "$rc" -eq 3 ] || fail "exit $rc, want 3: $(cat err)"
	grep -q interrupted err || fail "not said: $(cat err)"
	[ ! -e p.tar.gz ] || fail "a package after SIGTERM"
	[ -z "$(ls -A | grep '^\.p\.tar\.gz\.')" ] || fail "temporary file left"
	"$IRKIT_BIN/ir-pack" -j 1 -l 9 case -o p.tar.gz >/dev/null 2>err &
	pid=$!
	sleep 0.5
	kill -KILL "$pid"
	wait "$pid" || true
	[ ! -e p.tar.gz ] || fail "a package after SIGKILL"
	local tmp
	tmp=$(ls -A | grep '^\.p\.tar\.gz\.') || fail "no temporary file"
	# What it holds does not verify.
	verify 3 /dev/null "$tmp"
}

@test "a package cut anywhere does not verify" {
	mkcase case
	pack 0 /dev/null case -o p.tar.gz
	local size off rc
	size=$(stat -c %s p.tar.gz)
	for off in 0 10 100 $((size / 3)) $((size / 2)) $((size - 100)) \
	    $((size - 9)) $((size - 8)) $((size - 1)); do
		head -c "$off" p.tar.gz >cut.tar.gz
		rc=0
		"$IRKIT_BIN/ir-verify" cut.tar.gz >v.json 2>err || rc=$?
		check_sanitizer err
		[ "$rc" -ne 0 ] || fail "cut at $off of $size verifies"
		assert_eq "$(jq -r 'select(.type == "package") | .verified' v.json)" false
	done
}

@test "--recipient: the stock age decrypts it, tar reads it; ir-verify --identity verifies it" {
	command -v age-keygen >/dev/null || skip "age is not installed"
	mkcase case
	age-keygen -o k1.txt 2>/dev/null
	age-keygen -o k2.txt 2>/dev/null
	pack 0 rec.json -r "$(age-keygen -y k1.txt)" -r "$(age-keygen -y k2.txt)" \
	    case -o p.tar.gz.age
	assert_eq "$(jq -r .encrypted rec.json)" true
	assert_eq "$(head -c 21 p.tar.gz.age)" "age-encryption.org/v1"
	sha256sum -c --quiet p.tar.gz.age.sha256
	# Either key opens it with age itself.
	age -d -i k1.txt p.tar.gz.age >clear.tar.gz
	age -d -i k2.txt p.tar.gz.age | cmp - clear.tar.gz
	gunzip -t clear.tar.gz
	mkdir x
	tar -xzf clear.tar.gz -C x
	diff -r case x/c1/data
	verify 0 v.json -i k2.txt p.tar.gz.age
	assert_eq "$(jq -r 'select(.type == "package") | .encrypted' v.json)" true
	assert_eq "$(jq -r 'select(.type == "package") | .seal' v.json)" "$(jq -r .seal rec.json)"
	verify 0 /dev/null clear.tar.gz
	# The same seal encrypted or not: it is the tag manifest's.
	verify 0 /dev/null --seal "$(jq -r .seal rec.json)" clear.tar.gz
}

@test "--passphrase-file and IRKIT_PASSPHRASE: ir-verify opens it with the same passphrase only" {
	mkcase case
	printf 'correct horse battery staple\n' >pass
	pack 0 rec.json --passphrase-file pass case -o p.age
	assert_eq "$(jq -r .encrypted rec.json)" true
	verify 0 /dev/null --passphrase-file pass p.age
	IRKIT_PASSPHRASE='correct horse battery staple' verify 0 /dev/null --passphrase p.age
	printf 'wrong\n' >bad
	verify 2 /dev/null --passphrase-file bad p.age
	# Never from the command line: no option takes it.
	pack 2 /dev/null --passphrase-file pass -r age1qqqq case -o q.age
}

@test "a bad recipient: exit 2 before anything is written" {
	mkcase case
	pack 2 /dev/null -r age1notakey case -o p.age
	pack 2 /dev/null -r "$(printf 'x%.0s' {1..62})" case -o p.age
	[ ! -e p.age ] || fail "written"
}

@test "passphrase interop with the stock age both ways (age reads it from a terminal: script(1) gives one)" {
	command -v age >/dev/null || skip "age is not installed"
	command -v script >/dev/null || skip "script (util-linux) is not installed"
	mkcase case
	printf 'correct horse battery staple\n' >pass
	pack 0 /dev/null --passphrase-file pass case -o p.age
	(sleep 1; cat pass) | timeout 120 script -qec "age -d -o clear.tar.gz p.age" /dev/null >/dev/null
	gunzip -t clear.tar.gz
	verify 0 /dev/null clear.tar.gz
	(sleep 1; cat pass; sleep 1; cat pass) |
	    timeout 120 script -qec "age -p -o theirs.age clear.tar.gz" /dev/null >/dev/null
	[ -s theirs.age ] || fail "age -p wrote nothing"
	verify 0 v.json --passphrase-file pass theirs.age
	assert_eq "$(jq -r 'select(.type == "package") | .encrypted' v.json)" true
}
