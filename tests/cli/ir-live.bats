#!/usr/bin/env bats
# ir-live on this host with a planted scenario the tests build: a process
# running a deleted copy of sleep, one running from /dev/shm, listeners
# (TCP, UDP, unix) from a spawned python3, a process started with
# LD_PRELOAD, an /etc/ld.so.preload under --root, a process hidden under
# a tmpfs mounted on its /proc/PID, a promiscuous dummy interface,
# synthetic utmp/wtmp/btmp files (a rotated gzip one too).  Each must
# show as a record or a finding with its evidence; everything spawned,
# mounted or created is removed in teardown.  Other engineers' tests
# start processes meanwhile: assertions name our own pids only.

load common

setup() {
	irkit_setup
	PIDS=()
	MOUNTS=()
	IFACE=
	SHM=
}

teardown() {
	local m p
	for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	[ -z "$IFACE" ] || ip link del "$IFACE" 2>/dev/null || true
	[ -z "$SHM" ] || rm -f "$SHM"
}

# live OUT ARG...: run ir-live; its status must agree with its records:
# 3 when there are "problem" records, else 1 when there are findings,
# else 0.  (Findings are likely on any host: the scenario plants some.)
live() {
	local out=$1 rc=0 np nf want
	shift
	"$IRKIT_BIN/ir-live" "$@" -o "$out" 2>"$BATS_TEST_TMPDIR/stderr" || rc=$?
	check_sanitizer "$BATS_TEST_TMPDIR/stderr"
	assert_jsonl "$out"
	np=$(jq -s 'map(select(.type == "problem")) | length' "$out")
	nf=$(jq -s 'map(select(.type == "finding")) | length' "$out")
	if [ "$np" -gt 0 ]; then want=3; elif [ "$nf" -gt 0 ]; then want=1; else want=0; fi
	if [ "$rc" -ne "$want" ]; then
		sed 's/^/stderr: /' "$BATS_TEST_TMPDIR/stderr" >&2
		jq -c 'select(.type == "problem")' "$out" >&2
		fail "ir-live: exit $rc, want $want ($np problems, $nf findings)"
	fi
	# The last record sums up the run, and says it right.
	assert_eq "$(tail -n 1 "$out" | jq -r '.type')" summary "last record"
	assert_eq "$(tail -n 1 "$out" | jq -r '.findings')" "$nf" "summary findings"
	assert_eq "$(tail -n 1 "$out" | jq -r '.problems')" "$np" "summary problems"
}

# has FILE EXPR: some record of FILE satisfies EXPR (jq 1.6's -e looks at
# the last input only).
has() {
	jq -se "any(.[]; $2)" "$1" >/dev/null
}

# spawn CMD...: start CMD in the background, remember its pid in PID.
spawn() {
	"$@" &
	PID=$!
	PIDS+=("$PID")
}

# wait_exe PID PATH: until the process has exec'd PATH.
wait_exe() {
	local i
	for i in $(seq 100); do
		[ "$(readlink "/proc/$1/exe" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.05
	done
	fail "pid $1 never ran $2"
}

@test "usage: --help, --version, unknown option, operand, -o never overwrites, a full output is exit 3" {
	run_tool 0 help.txt ir-live --help
	grep -q '^usage: ir-live' help.txt
	run_tool 0 version.txt ir-live --version
	grep -q 'irkit' version.txt
	run_tool 2 out ir-live --bogus
	assert_stderr "Try"
	run_tool 2 out ir-live extra
	assert_stderr "unexpected operand 'extra'"
	echo keep >old.jsonl
	run_tool 2 out ir-live -o old.jsonl
	assert_eq "$(cat old.jsonl)" keep "old output"
	run_tool 2 out ir-live -o a.jsonl --case c
	assert_stderr "exclude each other"
	# An output that fills up is said, with exit 3.
	if [ -w /dev/full ]; then
		run_tool 3 out ir-live --no-probe -o /dev/full
		assert_stderr "cannot write records"
	fi
}

@test "provenance first: host identity as the kernel gives it, own hash, argv" {
	live out.jsonl --no-probe
	head -n 1 out.jsonl | jq -e '.type == "provenance" and .tool == "ir-live"' >/dev/null
	p=$(head -n 1 out.jsonl)
	assert_eq "$(jq -r .hostname <<<"$p")" "$(cat /proc/sys/kernel/hostname)" hostname
	assert_eq "$(jq -r .boot_id <<<"$p")" "$(cat /proc/sys/kernel/random/boot_id)" boot_id
	assert_eq "$(jq -r .kernel <<<"$p")" "$(uname -r)" kernel
	assert_eq "$(jq -r .tool_sha256 <<<"$p")" "$(sha256sum "$IRKIT_BIN/ir-live" | cut -c1-64)" tool_sha256
	assert_eq "$(jq -r .euid <<<"$p")" "$(id -u)" euid
	assert_eq "$(jq -r '.argv[1:] | join(" ")' <<<"$p")" "--no-probe -o out.jsonl" argv
	btime=$(awk '$1 == "btime" { print $2 }' /proc/stat)
	assert_eq "$(jq -r .boot_time <<<"$p")" "$(date -u -d "@$btime" +%Y-%m-%dT%H:%M:%S.000000000Z)" boot_time
	if [ -r /etc/machine-id ]; then
		assert_eq "$(jq -r .machine_id <<<"$p")" "$(cat /etc/machine-id)" machine_id
	fi
	assert_eq "$(jq -r .tainted <<<"$p")" "$(cat /proc/sys/kernel/tainted)" tainted
}

@test "deleted binary: process record, deleted-exe finding with the original's sha256, --save-exe copy equal" {
	mkdir bin
	cp /bin/sleep bin/irsleep
	cp /bin/sleep orig
	sum=$(sha256sum orig | cut -c1-64)
	spawn "$PWD/bin/irsleep" 600
	wait_exe "$PID" "$PWD/bin/irsleep"
	ino=$(stat -c %i bin/irsleep)
	mtime=$(iso_of "$(TZ=UTC stat -c %y bin/irsleep)")
	rm bin/irsleep
	live out.jsonl --save-exe saved
	pr=$(jq -c "select(.type == \"process\" and .pid == $PID)" out.jsonl)
	[ -n "$pr" ] || fail "no process record for $PID"
	assert_eq "$(jq -r .exe <<<"$pr")" "$PWD/bin/irsleep" exe
	assert_eq "$(jq -r .exe_deleted <<<"$pr")" true exe_deleted
	assert_eq "$(jq -r .sha256 <<<"$pr")" "$sum" "process sha256"
	assert_eq "$(jq -r .exe_inode <<<"$pr")" "$ino" "exe_inode"
	assert_eq "$(jq -r .exe_mtime <<<"$pr")" "$mtime" "exe_mtime"
	assert_eq "$(jq -r .ppid <<<"$pr")" "$$" ppid
	assert_eq "$(jq -c .argv <<<"$pr")" "[\"$PWD/bin/irsleep\",\"600\"]" argv
	f=$(jq -c "select(.type == \"finding\" and .reason == \"deleted-exe\" and .pid == $PID)" out.jsonl)
	[ -n "$f" ] || fail "no deleted-exe finding for $PID"
	assert_eq "$(jq -r .sha256 <<<"$f")" "$sum" "finding sha256"
	saved=$(jq -r .saved <<<"$f")
	[ -f "saved/$saved" ] || fail "saved copy saved/$saved missing"
	cmp orig "saved/$saved"
	# Each content is saved once, whatever the number of processes, and
	# every saved file is named by a record.
	assert_eq "$(ls saved | sort)" "$(jq -r 'select(.saved) | .saved' out.jsonl | sort -u)" "saved files"
	[ "$(jq -r "select(.type == \"process\" and .sha256 == \"$sum\") | .saved" out.jsonl | sort -u)" = "$saved" ]
}

@test "an executable in /dev/shm: exe-in-tmp finding" {
	SHM=/dev/shm/irlive-test-$$
	cp /bin/sleep "$SHM"
	spawn "$SHM" 600
	wait_exe "$PID" "$SHM"
	live out.jsonl --no-probe
	has out.jsonl ".type == \"finding\" and .reason == \"exe-in-tmp\" and .pid == $PID and .exe == \"$SHM\"" ||
	    fail "no exe-in-tmp finding for $PID"
	# Not deleted: no deleted-exe finding for it.
	refute has out.jsonl ".type == \"finding\" and .reason == \"deleted-exe\" and .pid == $PID"
}

@test "listeners: TCP, UDP and unix sockets mapped to the spawned process, with ports and states" {
	command -v python3 >/dev/null || skip "no python3"
	spawn python3 -c '
import socket, sys, time
t = socket.socket(); t.bind(("127.0.0.1", 0)); t.listen()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
x = socket.socket(socket.AF_UNIX); x.bind(sys.argv[1]); x.listen()
open(sys.argv[2], "w").write("%d %d\n" % (t.getsockname()[1], u.getsockname()[1]))
time.sleep(600)' "$PWD/ir.sock" "$PWD/ports"
	for i in $(seq 100); do [ -s ports ] && break; sleep 0.05; done
	read -r tport uport <ports
	live out.jsonl --no-probe
	s=$(jq -c "select(.type == \"socket\" and .proto == \"tcp\" and .lport == $tport)" out.jsonl)
	[ -n "$s" ] || fail "no tcp socket record for port $tport"
	assert_eq "$(jq -r .pid <<<"$s")" "$PID" "tcp owner"
	assert_eq "$(jq -r .state <<<"$s")" LISTEN "tcp state"
	assert_eq "$(jq -r .listening <<<"$s")" true "tcp listening"
	assert_eq "$(jq -r .laddr <<<"$s")" 127.0.0.1 "tcp laddr"
	assert_eq "$(jq -r .comm <<<"$s")" python3 "tcp comm"
	# The fd record of the owner holds the same inode.
	ino=$(jq -r .inode <<<"$s")
	fd=$(jq -r .fd <<<"$s")
	has out.jsonl ".type == \"fd\" and .pid == $PID and .fd == $fd and .kind == \"socket\" and .inode == $ino" ||
	    fail "no fd record $PID/$fd for inode $ino"
	assert_eq "$(readlink "/proc/$PID/fd/$fd")" "socket:[$ino]" "fd link"
	s=$(jq -c "select(.type == \"socket\" and .proto == \"udp\" and .lport == $uport)" out.jsonl)
	assert_eq "$(jq -r .pid <<<"$s")" "$PID" "udp owner"
	assert_eq "$(jq -r .listening <<<"$s")" true "udp bound"
	s=$(jq -c "select(.type == \"socket\" and .proto == \"unix\" and .path == \"$PWD/ir.sock\")" out.jsonl)
	assert_eq "$(jq -r .pid <<<"$s")" "$PID" "unix owner"
	assert_eq "$(jq -r .listening <<<"$s")" true "unix listening"
	# A held listener is no orphan.
	refute has out.jsonl ".type == \"finding\" and .reason == \"orphan-listener\" and .lport == $tport"
}

@test "LD_PRELOAD in an environment: ld-preload finding; --env writes the environment" {
	LD_PRELOAD=/nonexistent/irlive-preload.so IRLIVE_MARK=planted-$$ spawn sleep 600 2>/dev/null
	for i in $(seq 100); do grep -qa IRLIVE_MARK "/proc/$PID/environ" 2>/dev/null && break; sleep 0.05; done
	live out.jsonl --no-probe
	f=$(jq -c "select(.type == \"finding\" and .reason == \"ld-preload\" and .pid == $PID)" out.jsonl)
	[ -n "$f" ] || fail "no ld-preload finding for $PID"
	assert_eq "$(jq -r .ld_preload <<<"$f")" /nonexistent/irlive-preload.so ld_preload
	refute has out.jsonl ".type == \"process\" and .pid == $PID and .environ != null"
	live env.jsonl --no-probe --env
	has env.jsonl ".type == \"process\" and .pid == $PID and any(.environ[]; . == \"IRLIVE_MARK=planted-$$\")" ||
	    fail "--env: no environ with the mark for $PID"
}

@test "--root: /etc/ld.so.preload and DNS files read there, never the host's" {
	mkdir -p root/etc
	mkdir -p root/etc/alt
	printf '/lib/x86_64-linux-gnu/libirlive.so  /usr/lib/second.so:/third.so\n' >root/etc/alt/preload
	# A symlink is followed, under --root: never to the host's file.
	ln -s /etc/alt/preload root/etc/ld.so.preload
	mkdir -p root/run/resolve
	printf '# comment\nnameserver 192.0.2.53 ; trailing\nsearch example.org\n' >root/run/resolve/stub.conf
	ln -s ../run/resolve/stub.conf root/etc/resolv.conf
	printf '127.0.0.1\tlocalhost\n203.0.113.9 evil.example\n' >root/etc/hosts
	printf '0123456789abcdef0123456789abcdef\n' >root/etc/machine-id
	live out.jsonl --no-probe --root "$PWD/root"
	assert_eq "$(head -n 1 out.jsonl | jq -r .machine_id)" 0123456789abcdef0123456789abcdef machine_id
	assert_eq "$(head -n 1 out.jsonl | jq -r .files_root)" "$PWD/root" files_root
	assert_eq "$(jq -r 'select(.type == "finding" and .reason == "ld-preload" and .path == "/etc/ld.so.preload") | .library' out.jsonl)" \
	    "$(printf '/lib/x86_64-linux-gnu/libirlive.so\n/usr/lib/second.so\n/third.so')" "preload libraries"
	assert_eq "$(jq -r 'select(.type == "dns" and .path == "/etc/resolv.conf") | .link' out.jsonl)" \
	    /run/resolve/stub.conf "resolv.conf link"
	assert_eq "$(jq -r 'select(.type == "dns" and .path == "/run/resolve/stub.conf") | [.line, .key, .value] | @tsv' out.jsonl)" \
	    "$(printf '2\tnameserver\t192.0.2.53\n3\tsearch\texample.org')" resolv.conf
	# A NUL in ld.so.preload hides nothing from ir-live.
	rm root/etc/ld.so.preload
	printf '/a.so\0/hidden.so\n' >root/etc/ld.so.preload
	live nul.jsonl --no-probe --root "$PWD/root"
	assert_eq "$(jq -r 'select(.type == "finding" and .reason == "ld-preload" and .path == "/etc/ld.so.preload") | .library' nul.jsonl)" \
	    "$(printf '/a.so\n/hidden.so')" "preload after a NUL"
	assert_eq "$(jq -r 'select(.type == "dns" and .path == "/etc/hosts") | .key + " " + .value' out.jsonl)" \
	    "$(printf '127.0.0.1 localhost\n203.0.113.9 evil.example')" hosts
}

@test "a pid hidden under a tmpfs on /proc/PID: hidden-pid finding, and its record read underneath" {
	need_root
	spawn sleep 600
	wait_exe "$PID" "$(readlink -f "$(command -v sleep)")"
	mount -t tmpfs irlive-hide "/proc/$PID" || skip "cannot mount on /proc/PID"
	MOUNTS+=("/proc/$PID")
	[ ! -e "/proc/$PID/stat" ] || fail "the mount does not hide /proc/$PID"
	live out.jsonl
	f=$(jq -c "select(.type == \"finding\" and .reason == \"hidden-pid\" and .pid == $PID)" out.jsonl)
	[ -n "$f" ] || fail "no hidden-pid finding for $PID"
	assert_eq "$(jq -r .how <<<"$f")" mount how
	assert_eq "$(jq -r .mount_point <<<"$f")" "/proc/$PID" mount_point
	assert_eq "$(jq -r .fstype <<<"$f")" tmpfs fstype
	# Read from under the mount (in ir-live's own mount namespace).
	pr=$(jq -c "select(.type == \"process\" and .pid == $PID)" out.jsonl)
	assert_eq "$(jq -r .comm <<<"$pr")" sleep comm
	assert_eq "$(jq -r .ppid <<<"$pr")" "$$" ppid
	# The host's mount is left as it was.
	grep -q " /proc/$PID " /proc/self/mountinfo || fail "ir-live removed the host's mount"
}

@test "threads answer the probe but are not hidden processes" {
	command -v python3 >/dev/null || skip "no python3"
	spawn python3 -c '
import threading, time, sys
for i in range(4): threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
open(sys.argv[1], "w").write("ok")
time.sleep(600)' "$PWD/ready"
	for i in $(seq 100); do [ -s ready ] && break; sleep 0.05; done
	[ "$(ls "/proc/$PID/task" | wc -l)" -ge 5 ]
	live out.jsonl
	for t in $(ls "/proc/$PID/task"); do
		refute has out.jsonl ".type == \"finding\" and .reason == \"hidden-pid\" and .pid == $t"
	done
	has out.jsonl ".type == \"process\" and .pid == $PID and .threads >= 5 and .listed == true"
}

@test "processes: this shell and its parent, as /proc gives them" {
	live out.jsonl --no-probe
	pr=$(jq -c "select(.type == \"process\" and .pid == $$)" out.jsonl)
	[ -n "$pr" ] || fail "no record for pid $$"
	ppid=$(awk '{ sub(/.*\) /, ""); print $2 }' "/proc/$$/stat")
	assert_eq "$(jq -r .ppid <<<"$pr")" "$ppid" ppid
	assert_eq "$(jq -r .uid <<<"$pr")" "$(id -u)" uid
	assert_eq "$(jq -r .exe <<<"$pr")" "$(readlink "/proc/$$/exe")" exe
	assert_eq "$(jq -r .sha256 <<<"$pr")" "$(sha256sum "$(readlink "/proc/$$/exe")" | cut -c1-64)" sha256
	assert_eq "$(jq -r .ns.net <<<"$pr")" "$(readlink "/proc/$$/ns/net" | tr -dc 0-9)" netns
	assert_eq "$(jq -r .cwd <<<"$pr")" "$PWD" cwd
	# Kernel threads: no exe, flagged.
	has out.jsonl '.type == "process" and .pid == 2 and .kthread == true and .exe == null'
}

@test "mounts: every mount of /proc/self/mountinfo is a record" {
	awk '{ print $1 }' /proc/self/mountinfo | sort >before
	live out.jsonl --no-probe
	awk '{ print $1 }' /proc/self/mountinfo | sort >after
	jq -r 'select(.type == "mount") | .mount_id' out.jsonl | sort >got
	comm -12 before after >stable
	missing=$(comm -23 stable got)
	[ -z "$missing" ] || fail "mount ids missing: $missing"
	root=$(jq -c 'select(.type == "mount" and .path == "/")' out.jsonl | head -n 1)
	[ -n "$root" ] || fail "no record for /"
}

@test "modules: every /proc/modules entry is a record" {
	[ -r /proc/modules ] || skip "this kernel has no loadable modules"
	awk '{ print $1 }' /proc/modules | sort >want
	live out.jsonl --no-probe
	jq -r 'select(.type == "module" and .in_proc_modules) | .name' out.jsonl | sort >got
	comm -23 want got >missing
	[ ! -s missing ] || fail "modules missing: $(cat missing)"
}

@test "a promiscuous dummy (or bridge) interface: interface record and promiscuous finding" {
	need_root
	IFACE=irlv$$
	IFACE=${IFACE:0:15}
	# A dummy interface, else a bridge (built into more kernels).
	ip link add "$IFACE" type dummy 2>/dev/null ||
	    ip link add "$IFACE" type bridge 2>/dev/null ||
	    { IFACE=; skip "neither dummy nor bridge interfaces"; }
	ip link set "$IFACE" promisc on
	live out.jsonl --no-probe
	i=$(jq -c "select(.type == \"interface\" and .name == \"$IFACE\")" out.jsonl)
	assert_eq "$(jq -r .promiscuous <<<"$i")" true promiscuous
	assert_eq "$(jq -r .ifindex <<<"$i")" "$(cat "/sys/class/net/$IFACE/ifindex")" ifindex
	has out.jsonl ".type == \"finding\" and .reason == \"promiscuous\" and .name == \"$IFACE\"" ||
	    fail "no promiscuous finding for $IFACE"
	# lo is never promiscuous here.
	refute has out.jsonl '.type == "finding" and .reason == "promiscuous" and .name == "lo"'
}

@test "network: routes and interfaces as /proc and /sys give them" {
	live out.jsonl --no-probe
	n4=$(awk 'NR > 1 && NF > 0' /proc/net/route | wc -l)
	assert_eq "$(jq -s 'map(select(.type == "route" and .family == "inet")) | length' out.jsonl)" "$n4" "v4 routes"
	for i in /sys/class/net/*; do
		has out.jsonl ".type == \"interface\" and .name == \"${i##*/}\"" ||
		    fail "no record for interface ${i##*/}"
	done
	has out.jsonl '.type == "interface" and .name == "lo" and any(.addrs[]; . == "127.0.0.1/8")'
	gw=$(awk '$2 == "00000000" && $8 == "00000000" { print $3; exit }' /proc/net/route)
	if [ -n "$gw" ]; then
		want=$(printf '%d.%d.%d.%d' 0x${gw:6:2} 0x${gw:4:2} 0x${gw:2:2} 0x${gw:0:2})
		has out.jsonl ".type == \"route\" and .dst == \"0.0.0.0/0\" and .gateway == \"$want\"" ||
		    fail "no default route via $want"
	fi
}

# utmp_file FILE TYPE PID LINE ID USER HOST SEC [ADDR]...: append records
# as glibc writes them on x86-64 (384 bytes each).
utmp_file() {
	python3 - "$@" <<'EOF'
import socket, struct, sys
path, recs = sys.argv[1], sys.argv[2:]
with open(path, "ab") as f:
    for i in range(0, len(recs), 8):
        t, pid, line, uid, user, host, sec, addr = recs[i:i + 8]
        a = socket.inet_pton(socket.AF_INET, addr) + bytes(12) if addr != "-" else bytes(16)
        f.write(struct.pack("<h2xi32s4s32s256shhiii16s20s", int(t), int(pid),
            line.encode(), uid.encode(), user.encode(), host.encode(),
            0, 0, 0, int(sec), 0, a, bytes(20)))
EOF
}

@test "sessions: utmp, wtmp (and its rotated gzip) and btmp read natively under --root" {
	command -v python3 >/dev/null || skip "no python3"
	mkdir -p root/run root/var/log
	utmp_file root/run/utmp 7 4242 pts/3 ts/3 alice 198.51.100.7 1700000000 198.51.100.7
	utmp_file root/var/log/wtmp 7 100 pts/0 ts/0 bob host.example 1700000100 - \
	    8 100 pts/0 ts/0 "" "" 1700000200 -
	utmp_file old 7 99 tty1 1 carol "" 1600000000 -
	gzip -c old >root/var/log/wtmp.1.gz
	utmp_file root/var/log/btmp 6 0 ssh:notty "" mallory 203.0.113.66 1700000300 203.0.113.66
	live out.jsonl --no-probe --root "$PWD/root"
	assert_eq "$(jq -r 'select(.type == "session") | [.path, .user, .line, .host, .addr, .pid, .time] | @tsv' out.jsonl)" \
	    "$(printf '/run/utmp\talice\tpts/3\t198.51.100.7\t198.51.100.7\t4242\t2023-11-14T22:13:20.000000000Z')" utmp
	assert_eq "$(jq -r 'select(.type == "login") | [.path, .ut_type, .user, .time, (.failed // false)] | @tsv' out.jsonl)" \
	    "$(printf '%s\n' \
	    $'/var/log/btmp\tLOGIN_PROCESS\tmallory\t2023-11-14T22:18:20.000000000Z\ttrue' \
	    $'/var/log/wtmp\tUSER_PROCESS\tbob\t2023-11-14T22:15:00.000000000Z\tfalse' \
	    $'/var/log/wtmp\tDEAD_PROCESS\t\t2023-11-14T22:16:40.000000000Z\tfalse' \
	    $'/var/log/wtmp.1.gz\tUSER_PROCESS\tcarol\t2020-09-13T12:26:40.000000000Z\tfalse')" wtmp
	# A truncated file is said, its whole records kept.
	head -c 500 root/var/log/wtmp >root/var/log/wtmp.2
	live bad.jsonl --no-probe --root "$PWD/root"
	has bad.jsonl '.type == "problem" and (.path | endswith("/var/log/wtmp.2"))'
	assert_eq "$(jq -s 'map(select(.type == "login" and .path == "/var/log/wtmp.2")) | length' bad.jsonl)" 1 "records before the cut"
}

@test "--case: the records go into the case with a custody entry" {
	live_case() { "$IRKIT_BIN/ir-live" --no-probe --case "$PWD/case" 2>stderr || true; }
	live_case
	check_sanitizer stderr
	out=$(ls case/ir-live-*.jsonl)
	assert_jsonl "$out"
	[ "$(jq -r .type "$out" | head -n 1)" = provenance ]
	has case/custody.jsonl '.tool == "ir-live"'
}

@test "open files: a memfd and a deleted file held open are fd records, saved whole with --save-exe" {
	command -v python3 >/dev/null || skip "no python3"
	spawn python3 -c '
import os, sys, time
m = os.memfd_create("irlive-memfd"); os.write(m, b"memfd content " * 1000)
f = open(sys.argv[1], "wb"); f.write(b"deleted content " * 5000); f.flush(); os.unlink(sys.argv[1])
open(sys.argv[2], "w").write("%d %d\n" % (m, f.fileno()))
time.sleep(600)' "$PWD/gone.bin" "$PWD/fds"
	for i in $(seq 100); do [ -s fds ] && break; sleep 0.05; done
	read -r mfd dfd <fds
	python3 -c 'import sys; sys.stdout.buffer.write(b"memfd content " * 1000)' >m.want
	python3 -c 'import sys; sys.stdout.buffer.write(b"deleted content " * 5000)' >d.want
	live out.jsonl --no-probe --save-exe saved
	m=$(jq -c "select(.type == \"fd\" and .pid == $PID and .fd == $mfd)" out.jsonl)
	assert_eq "$(jq -r .kind <<<"$m")" memfd "memfd kind"
	assert_eq "$(jq -r .path <<<"$m")" "/memfd:irlive-memfd (deleted)" "memfd path"
	assert_eq "$(jq -r .sha256 <<<"$m")" "$(sha256sum <m.want | cut -c1-64)" "memfd sha256"
	cmp m.want "saved/$(jq -r .saved <<<"$m")"
	d=$(jq -c "select(.type == \"fd\" and .pid == $PID and .fd == $dfd)" out.jsonl)
	assert_eq "$(jq -r .deleted <<<"$d")" true "deleted"
	assert_eq "$(jq -r .path <<<"$d")" "$PWD/gone.bin (deleted)" "deleted path"
	assert_eq "$(jq -r .sha256 <<<"$d")" "$(sha256sum <d.want | cut -c1-64)" "deleted sha256"
	cmp d.want "saved/$(jq -r .saved <<<"$d")"
	# Without --save-exe, nothing is read of them.
	live plain.jsonl --no-probe
	refute has plain.jsonl ".type == \"fd\" and .pid == $PID and .sha256 != null"
}

@test "a listener no process holds (its fd in flight in a unix socket): orphan-listener finding" {
	command -v python3 >/dev/null || skip "no python3"
	spawn python3 -c '
import socket, sys, time
t = socket.socket(); t.bind(("127.0.0.1", 0)); t.listen()
port = t.getsockname()[1]
a, b = socket.socketpair()
socket.send_fds(a, [b"x"], [t.fileno()])
t.close()
open(sys.argv[1], "w").write("%d\n" % port)
time.sleep(600)' "$PWD/port"
	for i in $(seq 100); do [ -s port ] && break; sleep 0.05; done
	read -r port <port
	live out.jsonl --no-probe
	s=$(jq -c "select(.type == \"socket\" and .proto == \"tcp\" and .lport == $port)" out.jsonl)
	assert_eq "$(jq -r .state <<<"$s")" LISTEN state
	assert_eq "$(jq -r .pid <<<"$s")" null "owner"
	f=$(jq -c "select(.type == \"finding\" and .reason == \"orphan-listener\" and .lport == $port)" out.jsonl)
	[ -n "$f" ] || fail "no orphan-listener finding for port $port"
	assert_eq "$(jq -r .inode <<<"$f")" "$(jq -r .inode <<<"$s")" inode
	assert_eq "$(jq -r .laddr <<<"$f")" 127.0.0.1 laddr
}

@test "an executable hidden by a bind mount over its path: exe_replaced, replaced-exe finding, hashed as it runs" {
	need_root
	mkdir bin
	cp /bin/sleep bin/irsleep
	sum=$(sha256sum bin/irsleep | cut -c1-64)
	printf 'decoy\n' >decoy
	spawn "$PWD/bin/irsleep" 600
	wait_exe "$PID" "$PWD/bin/irsleep"
	mount --bind decoy bin/irsleep || skip "cannot bind-mount"
	MOUNTS+=("$PWD/bin/irsleep")
	live out.jsonl --no-probe
	pr=$(jq -c "select(.type == \"process\" and .pid == $PID)" out.jsonl)
	assert_eq "$(jq -r .exe_deleted <<<"$pr")" false exe_deleted
	assert_eq "$(jq -r .exe_replaced <<<"$pr")" true exe_replaced
	assert_eq "$(jq -r .sha256 <<<"$pr")" "$sum" "sha256 of what runs"
	has out.jsonl ".type == \"finding\" and .reason == \"replaced-exe\" and .pid == $PID and .sha256 == \"$sum\"" ||
	    fail "no replaced-exe finding for $PID"
	# Not replaced: this shell's own executable.
	assert_eq "$(jq -r "select(.type == \"process\" and .pid == $$) | .exe_replaced" out.jsonl)" false "shell exe_replaced"
}

@test "neighbours: a permanent v4 entry (from /proc/net/arp) and v6 entry (from netlink) on a test interface" {
	need_root
	IFACE=irlvn$$
	IFACE=${IFACE:0:15}
	ip link add "$IFACE" type dummy 2>/dev/null ||
	    ip link add "$IFACE" type bridge 2>/dev/null ||
	    { IFACE=; skip "neither dummy nor bridge interfaces"; }
	ip neigh add 192.0.2.99 lladdr 02:00:00:00:00:99 dev "$IFACE" nud permanent
	ip -6 neigh add 2001:db8::99 lladdr 02:00:00:00:00:98 dev "$IFACE" nud permanent 2>/dev/null ||
	    { ip link set "$IFACE" up; ip -6 neigh replace 2001:db8::99 lladdr 02:00:00:00:00:98 dev "$IFACE" nud permanent; }
	live out.jsonl --no-probe
	assert_eq "$(jq -r "select(.type == \"neighbour\" and .ifname == \"$IFACE\") | [.family, .addr, .mac, .permanent] | @tsv" out.jsonl | sort)" \
	    "$(printf 'inet\t192.0.2.99\t02:00:00:00:00:99\ttrue\ninet6\t2001:db8::99\t02:00:00:00:00:98\ttrue')" neighbours
}

@test "names that are not UTF-8: exe, argv and cwd written losslessly" {
	name=$(printf 'ir\377live')
	mkdir "dir$name"
	cp /bin/sleep "dir$name/$name"
	(cd "dir$name" && exec "./$name" 600) &
	PID=$!
	PIDS+=("$PID")
	wait_exe "$PID" "$PWD/dir$name/$name"
	live out.jsonl --no-probe
	pr=$(jq -c "select(.type == \"process\" and .pid == $PID)" out.jsonl)
	assert_eq "$(jq -r .exe_hex <<<"$pr")" "$(printf '%s' "$PWD/dir$name/$name" | bytes_hex)" exe_hex
	assert_eq "$(jq -r .cwd_hex <<<"$pr")" "$(printf '%s' "$PWD/dir$name" | bytes_hex)" cwd_hex
	assert_eq "$(jq -r .argv_hex <<<"$pr")" "$(printf '%s\0%s\0' "./$name" 600 | bytes_hex)" argv_hex
	assert_eq "$(jq -r '.argv[1]' <<<"$pr")" 600 "argv[1]"
	# comm is what the kernel keeps of the name (first 15 bytes).
	assert_eq "$(jq -r .comm_hex <<<"$pr")" "$(printf '%s' "$name" | bytes_hex)" comm_hex
}

@test "a listener in another network namespace: read through /proc/PID/net, mapped to its process" {
	need_root
	command -v python3 >/dev/null || skip "no python3"
	command -v unshare >/dev/null || skip "no unshare"
	unshare -n true 2>/dev/null || skip "cannot make a network namespace"
	spawn unshare -n python3 -c '
import socket, sys, time
t = socket.socket(); t.bind(("127.0.0.1", 4444)); t.listen()
open(sys.argv[1], "w").write("ok\n")
time.sleep(600)' "$PWD/ready"
	for i in $(seq 100); do [ -s ready ] && break; sleep 0.05; done
	# unshare execs python3 in place: the same pid.  The namespace is
	# new, so port 4444 is free whatever else runs.
	ns=$(readlink "/proc/$PID/ns/net" | tr -dc 0-9)
	[ "$ns" != "$(readlink /proc/self/ns/net | tr -dc 0-9)" ] || fail "not in another namespace"
	live out.jsonl --no-probe
	s=$(jq -c "select(.type == \"socket\" and .proto == \"tcp\" and .lport == 4444 and .netns == $ns)" out.jsonl)
	[ -n "$s" ] || fail "no socket record for port 4444 in netns $ns"
	assert_eq "$(jq -r .pid <<<"$s")" "$PID" owner
	assert_eq "$(jq -r .state <<<"$s")" LISTEN state
	refute has out.jsonl ".type == \"finding\" and .reason == \"orphan-listener\" and .lport == 4444"
}

@test "processes starting and exiting during the run are never hidden pids" {
	# Short-lived processes and threads, as fast as the shell forks them.
	spawn bash -c 'while :; do /bin/true; sleep 0.001 & wait; done'
	if command -v python3 >/dev/null; then
		spawn python3 -c '
import threading, time
while True:
    ts = [threading.Thread(target=time.sleep, args=(0.002,)) for i in range(8)]
    [t.start() for t in ts]; [t.join() for t in ts]'
	fi
	for run in 1 2 3; do
		live "out$run.jsonl"
		refute has "out$run.jsonl" '.type == "finding" and .reason == "hidden-pid"'
		refute has "out$run.jsonl" '.type == "problem" and .what == "process"'
	done
}

@test "a userland rootkit hiding a pid from readdir (libprocesshider-style): the probe finds it" {
	command -v cc >/dev/null || skip "no C compiler"
	file -L "$IRKIT_BIN/ir-live" | grep -q 'dynamically linked' ||
	    skip "a static ir-live cannot be hooked (that is the point)"
	cat >hider.c <<'C'
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

/* Drop the entry named $IRLIVE_HIDE, as libprocesshider does. */
#define HOOK(name, type)						\
type *name(DIR *d)							\
{									\
	static type *(*real)(DIR *);					\
	const char *h = getenv("IRLIVE_HIDE");				\
	type *e;							\
									\
	if (real == NULL)						\
		real = (type *(*)(DIR *))dlsym(RTLD_NEXT, #name);	\
	while ((e = real(d)) != NULL && h != NULL &&			\
	    strcmp(e->d_name, h) == 0)					\
		;							\
	return e;							\
}
HOOK(readdir, struct dirent)
HOOK(readdir64, struct dirent64)
C
	cc -shared -fPIC -o hider.so hider.c -ldl
	spawn sleep 600
	wait_exe "$PID" "$(readlink -f "$(command -v sleep)")"
	# The hook works: ir-live --no-probe cannot see the process.
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	    LD_PRELOAD=$PWD/hider.so IRLIVE_HIDE=$PID live blind.jsonl --no-probe
	refute has blind.jsonl ".type == \"process\" and .pid == $PID"
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	    LD_PRELOAD=$PWD/hider.so IRLIVE_HIDE=$PID live out.jsonl
	f=$(jq -c "select(.type == \"finding\" and .reason == \"hidden-pid\" and .pid == $PID)" out.jsonl)
	[ -n "$f" ] || fail "no hidden-pid finding for $PID"
	assert_eq "$(jq -r .how <<<"$f")" unlisted how
	pr=$(jq -c "select(.type == \"process\" and .pid == $PID)" out.jsonl)
	assert_eq "$(jq -r .listed <<<"$pr")" false listed
	assert_eq "$(jq -r .comm <<<"$pr")" sleep comm
	assert_eq "$(jq -r .ppid <<<"$pr")" "$$" ppid
	# Nothing else is flagged.
	assert_eq "$(jq -s 'map(select(.type == "finding" and .reason == "hidden-pid")) | length' out.jsonl)" 1 "hidden-pid findings"
}
