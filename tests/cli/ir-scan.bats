#!/usr/bin/env bats
# ir-scan on real inputs: images built here with planted files (deleted
# on FAT and on ext4) and rules that need the file's start, a process
# holding a marker in its heap, /usr/bin against yara -r, signature-base,
# IOC lists, bad rules, special files.

load common

SIGBASE=$BATS_TEST_DIRNAME/../../../shared/rules/signature-base

setup() {
	irkit_setup
	command -v yara >/dev/null || skip "yara is not installed"
	PID=
}

teardown() {
	[ -z "$PID" ] || kill "$PID" 2>/dev/null || true
}

# run_tool_any OUT TOOL ARG...: exit 1 or 3 (not 0, 2 or a crash).
run_tool_any() {
	local out=$1 tool=$2 rc=0
	shift 2
	"$IRKIT_BIN/$tool" "$@" >"$out" 2>"$BATS_TEST_TMPDIR/stderr" || rc=$?
	check_sanitizer "$BATS_TEST_TMPDIR/stderr"
	case $rc in 1 | 3) ;; *)
		sed 's/^/stderr: /' "$BATS_TEST_TMPDIR/stderr" >&2
		fail "$tool $*: exit $rc, want 1 or 3" ;;
	esac
}

# marker_process WORD: a process (PID) holding "IRKIT-WORD-MARKER-1234"
# only in its heap: built at run time, in no command line or file.
marker_process() {
	command -v python3 >/dev/null || skip "python3 is not installed"
	python3 -c 'import time, sys
m = bytearray(b"".join(bytes([c ^ 0x20]) for c in
    b"irkit\r" + sys.argv[1].encode() + b"\rmarker\r\x11\x12\x13\x14"))
sys.stdout.write("ready\n"); sys.stdout.flush()
time.sleep(60)' "$1" >ready &
	PID=$!
	local i
	for i in $(seq 50); do [ -s ready ] && break; sleep 0.1; done
}

scan() {
	local want=$1 out=$2
	shift 2
	run_tool "$want" "$out" ir-scan "$@"
}

# A PE-looking file: "MZ", then a marker string further in.
plant() {
	{ printf 'MZ\220\0'; head -c 3000 /dev/zero; printf 'IRKIT-PLANTED-%s' "$2"; } >"$1"
}

rules_mz() {
	cat >mz.yar <<'EOF'
rule planted_pe : test
{
	meta:
		author = "irkit tests"
		score = 75
	strings:
		$m = "IRKIT-PLANTED-"
	condition:
		uint16(0) == 0x5A4D and $m
}
EOF
}

@test "images: planted PE files found, deleted ones on FAT and ext4 too; a raw scan of the image cannot" {
	rules_mz
	mkdir src
	plant src/kept.exe kept
	plant src/gone.exe gone
	mkfs.ext4 -q -F -d src ext.img 8M
	debugfs -w -R "rm gone.exe" ext.img >/dev/null 2>&1
	mkfs.fat -C fat.img 8192 >/dev/null
	mcopy -i fat.img src/kept.exe ::/KEPT.EXE
	mcopy -i fat.img src/gone.exe ::/GONE.EXE
	mdel -i fat.img ::/GONE.EXE
	scan 1 ext.jsonl -r mz.yar ext.img
	assert_jsonl ext.jsonl
	assert_eq "$(jq -r 'select(.type == "match") | [.rule, .path, .deleted, .fstype] | @tsv' ext.jsonl | sort)" \
	    "$(printf 'planted_pe\t/gone.exe\ttrue\text4\nplanted_pe\t/kept.exe\tfalse\text4')"
	scan 1 fat.jsonl -r mz.yar fat.img
	assert_eq "$(jq -r 'select(.type == "match") | [.path, .deleted] | @tsv' fat.jsonl | sort)" \
	    "$(printf '/KEPT.EXE\tfalse\n/_ONE.EXE\ttrue')"
	# the record: tags, meta, the string with its offset, the file's hash
	assert_eq "$(jq -r 'select(.path == "/KEPT.EXE") | [.tags[0], .meta.score, .strings[0].id, .strings[0].offset, .sha256] | @tsv' fat.jsonl)" \
	    "$(printf 'test\t75\t$m\t3004\t%s' "$(sha256sum <src/kept.exe | cut -d' ' -f1)")"
	# yara over the raw images sees neither: the image does not start with MZ
	[ -z "$(yara mz.yar ext.img; yara mz.yar fat.img)" ] || fail "yara matched the raw image"
}

@test "--unallocated: what a deleted file left in free blocks" {
	printf 'rule left_behind { strings: $a = "IRKIT-UNALLOC-4711" condition: $a }\n' >u.yar
	mkfs.fat -C fat.img 8192 >/dev/null
	# the marker in X's second cluster; Y takes X's entry and first one
	{ head -c 3000 /dev/zero; printf 'junk IRKIT-UNALLOC-4711 junk'; } >x
	mcopy -i fat.img x ::/X.TXT
	mdel -i fat.img ::/X.TXT
	# the name's entry is reused: no file record leads to the bytes
	printf 'other' >y
	mcopy -i fat.img y ::/Y.TXT
	scan 1 out.jsonl -r u.yar --unallocated fat.img
	assert_eq "$(jq -r 'select(.type == "match" and .unallocated) | [.rule, .fstype] | @tsv' out.jsonl)" \
	    "$(printf 'left_behind\tfat12')"
	local off
	off=$(jq -r 'select(.unallocated) | .offset + .strings[0].offset' out.jsonl)
	assert_eq "$(dd if=fat.img bs=1 skip="$off" count=18 status=none)" IRKIT-UNALLOC-4711
}

@test "--pid: a marker only in a process's heap" {
	marker_process heap
	printf 'rule heap_marker { strings: $a = "IRKIT-HEAP-MARKER-1234" condition: $a }\n' >h.yar
	scan 1 out.jsonl -r h.yar --pid "$PID"
	assert_jsonl out.jsonl
	assert_eq "$(jq -r 'select(.type == "match") | [.rule, .pid] | @tsv' out.jsonl | sort -u)" \
	    "$(printf 'heap_marker\t%s' "$PID")"
	jq -e -s 'all(.[] | select(.type == "match"); .perms | startswith("rw"))' out.jsonl >/dev/null
	kill "$PID"
	wait "$PID" 2>/dev/null || true
	PID=
	scan 0 gone.jsonl -r h.yar --pid 999999999
}

@test "--all-processes: the marker process among every process of the host, itself left out" {
	marker_process all
	printf 'rule all_marker { strings: $a = "IRKIT-ALL-MARKER-1234" condition: $a }\n' >h.yar
	# Processes may come and go meanwhile: 1 (found) or 3 (one vanished
	# or could not be read, said in a problem record) are both right.
	run_tool_any out.jsonl ir-scan -r h.yar --all-processes
	assert_jsonl out.jsonl
	# The marker process matched (so may the shells running this test:
	# its text holds the string); the scanner's own memory (it holds the
	# rule's string) did not; every match names a pid and a region.
	jq -e -s --argjson p "$PID" 'any(.[]; .type == "match" and .pid == $p)' out.jsonl >/dev/null ||
	    fail "no match in $PID: $(cat out.jsonl)"
	[ "$(jq -s '[.[] | select(.type == "match") | select(.pid > 0 and
	    .region_start <= .address and .address < .region_end and
	    (.perms | length) == 4) ] | length' out.jsonl)" = \
	    "$(jq -s '[.[] | select(.type == "match")] | length' out.jsonl)" ] ||
	    fail "match fields: $(head -3 out.jsonl)"
	[ "$(jq -r 'select(.type == "match") | .exe // ""' out.jsonl | grep -c ir-scan)" -eq 0 ] ||
	    fail "ir-scan matched itself"
}

@test "/usr/bin: the same matches as yara -r with the same compiled rules" {
	cat >bin.yar <<'EOF'
rule elf_with_gnu { strings: $a = "GNU" condition: uint32(0) == 0x464c457f and $a }
rule shell_script { condition: uint16(0) == 0x2123 }
rule mentions_usage { strings: $u = "usage:" nocase condition: $u }
EOF
	scan 0 /dev/null -r bin.yar --compile bin.yarc
	yara -N -r -C bin.yarc /usr/bin 2>/dev/null | awk '{ print $1 "\t" $2 }' | sort >theirs
	scan 1 out.jsonl -r bin.yarc --max-size 1G /usr/bin
	jq -r 'select(.type == "match") | [.rule, .path] | @tsv' out.jsonl | sort >ours
	[ "$(wc -l <theirs)" -gt 100 ] || fail "too few matches to compare"
	diff theirs ours
}

@test "signature-base compiles with no error; bad rules are named by file and line" {
	[ -d "$SIGBASE/yara" ] || skip "no signature-base"
	scan 0 /dev/null -r "$SIGBASE/yara" --compile sb.yarc
	assert_stderr "rules compiled into sb.yarc"
	refute grep -q 'left out' stderr
	printf 'rule ok1 { condition: true }\n' >good.yar
	printf 'rule bad1 {\n  condition:\n    nosuchthing\n}\n' >bad.yar
	mkdir set && cp good.yar bad.yar set/
	scan 2 /dev/null -r set --compile x.yarc
	assert_stderr "bad.yar:3"
	scan 0 /dev/null -r set --skip-bad-rules --compile y.yarc
	assert_stderr "bad.yar:3"
	assert_stderr "1 rules compiled"
	scan 2 /dev/null -r nosuch.yar /usr/bin/true
}

@test "IOCs: a known-bad hash, a Windows-style file name pattern, a keyword" {
	mkdir -p tree/Temp iocs
	printf 'evil payload\n' >tree/Temp/mimikatz.exe
	printf 'harmless but says WCESERVICE inside\n' >tree/note.txt
	printf 'nothing\n' >tree/other.txt
	printf '%s;test payload\n' "$(sha256sum <tree/Temp/mimikatz.exe | cut -d' ' -f1)" >iocs/hash-iocs.txt
	printf '# Mimikatz\n(?i)\\\\mimikatz\\.exe;90\n' >iocs/filename-iocs.txt
	printf 'WCESERVICE\n' >iocs/keywords.txt
	scan 1 out.jsonl --ioc iocs tree
	assert_jsonl out.jsonl
	assert_eq "$(jq -r 'select(.type == "match") | [(.ioc // "yara"), .path] | @tsv' out.jsonl | sort)" \
	    "$(printf 'filename\ttree/Temp/mimikatz.exe\nhash\ttree/Temp/mimikatz.exe\nyara\ttree/note.txt')"
	assert_eq "$(jq -r 'select(.ioc == "filename") | [.score, .note] | @tsv' out.jsonl)" \
	    "$(printf '90\tMimikatz')"
	[ -d "$SIGBASE/iocs" ] || skip "no signature-base"
	scan 0 /dev/null --ioc "$SIGBASE/iocs" tree/other.txt
}

@test "special files and bad input: no hang, clear errors" {
	printf 'rule any_x { strings: $x = "x" condition: $x }\n' >x.yar
	mkdir tree
	mkfifo tree/fifo
	printf 'x' >tree/file
	ln -s /etc/passwd tree/link
	timeout 20 "$IRKIT_BIN/ir-scan" -r x.yar tree >out.jsonl 2>stderr || [ $? -eq 1 ] || fail "exit $?"
	assert_eq "$(jq -r 'select(.type == "match") | .path' out.jsonl)" tree/file
	scan 2 /dev/null tree
	scan 2 /dev/null -r x.yar
	scan 2 /dev/null -r x.yar --max-size 0 tree
}

@test "an unreadable file: a problem record naming it, the others scanned, exit 3" {
	load badfs
	badfs_require
	printf 'rule any_x { strings: $x = "xyz" condition: $x }\n' >x.yar
	head -c 100000 /dev/zero >back
	printf 'xyz' | dd of=back bs=1 seek=50000 conv=notrunc status=none
	badfs_mount back mnt 4096-4608
	mkdir tree
	printf 'xyz' >tree/ok.txt
	local rc=0
	"$IRKIT_BIN/ir-scan" -r x.yar mnt/disk tree >out.jsonl 2>stderr || rc=$?
	badfs_umount mnt
	check_sanitizer stderr
	[ "$rc" -eq 3 ] || fail "exit $rc"
	assert_eq "$(jq -r 'select(.type == "problem") | .path' out.jsonl)" mnt/disk
	grep -q '"error":"read error at byte 0' out.jsonl || { cat out.jsonl >&2; fail "no read error"; }
	assert_eq "$(jq -r 'select(.type == "match") | .path' out.jsonl)" tree/ok.txt
}

# slow_rule: a regular expression that costs libyara minutes over a few
# megabytes of one letter (each start is tried up to 2000 bytes on).
slow_rule() {
	python3 -c 'open("slow.txt", "w").write("a" * 3000000)'
	printf 'rule slow { strings: $r = /a[^b]{0,2000}c/ condition: $r }\n' >slow.yar
	printf 'rule quick { strings: $q = "xyz" condition: $q }\n' >>slow.yar
	mkdir -p tree
	printf 'xyz' >tree/ok.txt
}

@test "--timeout: a scan that takes too long is a problem record naming the file; the others scanned; exit 3" {
	command -v python3 >/dev/null || skip "python3 is not installed"
	slow_rule
	local rc=0
	timeout 120 "$IRKIT_BIN/ir-scan" -p 2 -r slow.yar --timeout 1 slow.txt tree \
	    >out.jsonl 2>stderr || rc=$?
	check_sanitizer stderr
	[ "$rc" -eq 3 ] || fail "exit $rc: $(cat stderr)"
	assert_jsonl out.jsonl
	assert_eq "$(jq -r 'select(.type == "problem") | [.path, .error] | @tsv' out.jsonl)" \
	    "$(printf 'slow.txt\tyara: scan timed out')"
	assert_eq "$(jq -r 'select(.type == "match") | [.rule, .path] | @tsv' out.jsonl)" \
	    "$(printf 'quick\ttree/ok.txt')"
	grep -q 'could not be read or scanned fully' stderr
}

@test "SIGINT during a long YARA scan: ends at once (not when the scan would), exit 3, records whole" {
	command -v python3 >/dev/null || skip "python3 is not installed"
	slow_rule
	mkdir more
	for i in $(seq 10); do head -c 300000 slow.txt >"more/s$i.txt"; done
	local rc=0 t0 t1
	"$IRKIT_BIN/ir-scan" -p 2 -r slow.yar slow.txt more >out.jsonl 2>stderr &
	PID=$!
	sleep 1
	t0=$(date +%s)
	kill -INT "$PID"
	wait "$PID" || rc=$?
	t1=$(date +%s)
	PID=
	check_sanitizer stderr
	[ "$rc" -eq 3 ] || fail "exit $rc: $(cat stderr)"
	# Uninterrupted, this scan takes minutes.
	[ $((t1 - t0)) -le 10 ] || fail "took $((t1 - t0)) s after SIGINT"
	assert_jsonl out.jsonl
	jq -e -s 'any(.[]; .type == "incomplete" and .reason == "interrupted")' out.jsonl >/dev/null ||
	    fail "no incomplete record: $(cat out.jsonl)"
	grep -q 'interrupted' stderr
	# The scans cut short are named (two threads: at most two); what was
	# only queued is left unsaid, like what the walk had not reached.
	local np
	np=$(jq -s '[.[] | select(.type == "problem")] | length' out.jsonl)
	[ "$np" -le 2 ] || fail "$np problem records: $(cat out.jsonl)"
	[ "$np" -eq 0 ] ||
	    assert_eq "$(jq -r 'select(.type == "problem") | .error' out.jsonl | sort -u)" "yara: scan stopped"
}

@test "progress line (files, bytes, rate) on a terminal only; records still on stdout" {
	printf 'rule r { strings: $x = "IRKIT-PROGRESS" condition: $x }\n' >p.yar
	mkdir tree
	for i in $(seq 1 50); do head -c 65536 /dev/urandom >"tree/f$i"; done
	printf 'IRKIT-PROGRESS' >tree/hit
	# script(1) gives the tool a pseudo-terminal as stderr.
	local rc=0
	script -qec "$IRKIT_BIN/ir-scan -r p.yar tree >out.jsonl" typescript \
	    </dev/null >/dev/null || rc=$?
	[ "$rc" -eq 1 ] || fail "exit $rc"
	grep -q 'ir-scan: 51 files, [0-9.]* [KM]iB, [0-9.]* [KM]iB/s' typescript ||
	    fail "no progress line: $(cat -v typescript)"
	assert_eq "$(jq -r 'select(.type == "match") | .path' out.jsonl)" tree/hit
	"$IRKIT_BIN/ir-scan" -r p.yar tree >out2.jsonl 2>err || [ $? -eq 1 ]
	check_sanitizer err
	[ ! -s err ] || fail "stderr not a terminal, yet: $(cat err)"
}

@test "--exclude, --exclude-type and -p 1 / -p 4: what is left out is not scanned; threads change nothing" {
	printf 'rule any_m { strings: $m = "IRKIT-EXCL" condition: $m }\n' >m.yar
	mkdir -p tree/keep tree/skip
	printf 'IRKIT-EXCL text\n' >tree/keep/a.txt
	printf 'IRKIT-EXCL text\n' >tree/skip/b.txt
	printf '%%PDF-1.4\nIRKIT-EXCL\n' >tree/keep/c.pdf
	scan 1 out.jsonl -r m.yar --exclude '/skip(/|$)' --exclude-type application/pdf tree
	assert_eq "$(jq -r 'select(.type == "match") | .path' out.jsonl)" tree/keep/a.txt
	refute grep -q 'skip/b.txt' out.jsonl
	scan 1 p1.jsonl -p 1 -r m.yar tree
	scan 1 p4.jsonl -p 4 -r m.yar tree
	assert_eq "$(jq -r 'select(.type == "match") | .path' p1.jsonl | sort)" \
	    "$(printf 'tree/keep/a.txt\ntree/keep/c.pdf\ntree/skip/b.txt')"
	diff <(jq -S -c 'del(.atime)' p1.jsonl | sort) <(jq -S -c 'del(.atime)' p4.jsonl | sort)
}
