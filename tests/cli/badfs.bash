# Helpers to give a tool a disk with real read errors (`load common`, then
# `load badfs`): tests/tools/badfs, a FUSE file system whose one file,
# DIR/disk, has the bytes of a backing file but fails reads of chosen
# byte ranges with EIO, optionally under a read-only loop device.
#
#	setup()    { cd "$BATS_TEST_TMPDIR"; badfs_require; }
#	teardown() { badfs_cleanup; }
#	badfs_mount disk.img mnt 4096-4608 65536+1024 --log=reads.log
#	dd if=mnt/disk ...         # or: badfs_loop mnt; dd if="$BADFS_LOOP" ...
#
# badfs_mount BACKING DIR [RANGE|BADFS-OPTION]...
#	Mount badfs over DIR (created if missing) and wait until DIR/disk is
#	there (BADFS_TIMEOUT seconds, default 10).  An argument shaped like a
#	range (START-END or START+LEN, comma lists, decimal or 0x) is a bad
#	range; any other is passed to badfs as is (write --log=FILE,
#	--fail-after=N, --slow-ms=N with '=').  Fails with badfs's stderr if
#	it dies or the mount does not appear.
# badfs_loop DIR [LOSETUP-OPTION...]
#	Set BADFS_LOOP to a read-only loop device made over DIR/disk
#	(losetup -r -f --show; call it as it is, not in $(...), so that its
#	skip works) with read-ahead off (blockdev --setra 0); skips unless root
#	with loop support.  O_DIRECT reads of the device fail exactly the bad
#	512-byte sectors; buffered reads fail the whole 4 KiB page holding
#	one (with read-ahead on, the whole page-cache folio, up to the
#	read-ahead size).  See badfs.bats.
# badfs_umount DIR
#	Detach the loop devices over DIR/disk, unmount DIR, wait for badfs
#	to exit; fails if it exits non-zero or with a sanitizer report.
#	Does nothing if DIR is not mounted by badfs_mount.
# badfs_cleanup
#	badfs_umount every DIR of this test; for teardown.
#
# BADFS: the program (default: tests/tools/badfs of the build whose tools
# IRKIT_BIN names, so the sanitizer build tests its own badfs).

: "${BADFS:=$IRKIT_BIN/../tests/tools/badfs}"
: "${BADFS_TIMEOUT:=10}"

# Where each mount's pid, stderr and loop devices are kept.
_badfs_state() {
	local dir
	dir=$(realpath -m -- "$1") || return 1
	printf '%s/badfs-state/%s' "${BATS_TEST_TMPDIR:-${TMPDIR:-/tmp}}" \
	    "$(printf '%s' "$dir" | tr '/' '%')"
}

# _badfs_alive PID: it runs (a zombie does not: a subshell such as bats's
# `run` does not reap its children at once, and kill -0 finds them).
_badfs_alive() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

# badfs_require: skip the test unless FUSE can be used; fail if badfs is
# not built.
badfs_require() {
	[ -c /dev/fuse ] || skip "no /dev/fuse"
	command -v fusermount3 >/dev/null || skip "fusermount3 is not installed (fuse3)"
	[ -x "$BADFS" ] || fail "no badfs at $BADFS (make unit, or make asan)" || return
}

badfs_mount() {
	local back=$1 dir=$2 st pid i arg
	local -a args=()
	shift 2 || fail "usage: badfs_mount BACKING DIR [RANGE|OPTION]..." || return
	badfs_require || return
	for arg in "$@"; do
		if [[ $arg =~ ^[0-9][0-9a-fA-Fx]*[-+][0-9][0-9a-fA-Fx]*(,[0-9][0-9a-fA-Fx]*[-+][0-9][0-9a-fA-Fx]*)*$ ]]; then
			args+=("--bad=$arg")
		else
			args+=("$arg")
		fi
	done
	mkdir -p -- "$dir" || fail "badfs_mount: cannot make $dir" || return
	st=$(_badfs_state "$dir")
	[ ! -e "$st/pid" ] || fail "badfs_mount: $dir is already mounted" || return
	mkdir -p -- "$st"
	# fd 3 closed: bats waits for it before it ends the test.
	"$BADFS" -f "${args[@]}" -- "$back" "$dir" >"$st/stderr" 2>&1 3>&- &
	pid=$!
	printf '%s\n' "$pid" >"$st/pid"
	printf '%s\n' "$(realpath -- "$dir")" >"$st/dir"
	for ((i = 0; i < BADFS_TIMEOUT * 20; i++)); do
		if mountpoint -q -- "$dir" && [ -f "$dir/disk" ]; then
			return 0
		fi
		if ! _badfs_alive "$pid"; then
			wait "$pid" 2>/dev/null
			rm -f -- "$st/pid"
			sed 's/^/badfs: /' "$st/stderr" >&2
			fail "badfs_mount $back $dir: badfs exited"
			return 1
		fi
		sleep 0.05
	done
	sed 's/^/badfs: /' "$st/stderr" >&2
	badfs_umount "$dir"
	fail "badfs_mount $back $dir: no $dir/disk after ${BADFS_TIMEOUT}s"
}

badfs_loop() {
	local dir=$1 st dev
	shift || fail "usage: badfs_loop DIR [LOSETUP-OPTION...]" || return
	[ "$(id -u)" -eq 0 ] || skip "loop devices need root"
	command -v losetup >/dev/null || skip "losetup is not installed"
	[ -c /dev/loop-control ] || skip "no loop device support"
	st=$(_badfs_state "$dir")
	[ -e "$st/pid" ] || fail "badfs_loop: $dir is not mounted by badfs_mount" || return
	dev=$(losetup -r -f --show "$@" -- "$dir/disk") ||
	    skip "losetup cannot make a loop device"
	printf '%s\n' "$dev" >>"$st/loops"
	blockdev --setra 0 "$dev" || fail "blockdev --setra 0 $dev" || return
	# shellcheck disable=SC2034 # for the caller
	BADFS_LOOP=$dev
}

# _badfs_wait PID: until it has exited (BADFS_TIMEOUT seconds), else TERM
# and KILL it; its exit status in _badfs_rc (not in a subshell: wait needs
# the shell that started it).
_badfs_wait() {
	local pid=$1 i
	_badfs_rc=0
	for ((i = 0; i < BADFS_TIMEOUT * 20; i++)); do
		_badfs_alive "$pid" || break
		sleep 0.05
	done
	if _badfs_alive "$pid"; then
		kill -TERM "$pid" 2>/dev/null
		sleep 1
		kill -KILL "$pid" 2>/dev/null
		_badfs_rc=killed
		return 0
	fi
	wait "$pid" 2>/dev/null || _badfs_rc=$?
	# 127: not a child of this shell, its status is lost.
	[ "$_badfs_rc" != 127 ] || _badfs_rc=0
}

badfs_umount() {
	local dir=$1 st pid dev path i rc err=
	st=$(_badfs_state "$dir")
	[ -e "$st/pid" ] || return 0
	pid=$(cat "$st/pid")
	path=$(cat "$st/dir")/disk
	# Loop devices first: they hold DIR/disk open.  losetup -l also finds
	# one made behind badfs_loop's back.
	{
		[ ! -e "$st/loops" ] || cat "$st/loops"
		! command -v losetup >/dev/null ||
		    losetup -l -n -O NAME,BACK-FILE 2>/dev/null |
		    awk -v p="$path" '$2 == p { print $1 }'
	} | sort -u | while read -r dev; do
		losetup -d "$dev" 2>/dev/null
	done
	rm -f -- "$st/loops"
	# The loop driver lets go of the file a moment after losetup -d.
	for ((i = 0; i < BADFS_TIMEOUT * 20; i++)); do
		mountpoint -q -- "$dir" || break
		fusermount3 -u -- "$dir" 2>/dev/null && break
		sleep 0.05
	done
	if mountpoint -q -- "$dir"; then
		fusermount3 -uz -- "$dir" 2>/dev/null || umount -l -- "$dir" 2>/dev/null
		err="$dir was busy: lazily unmounted"
	fi
	_badfs_wait "$pid"
	rc=$_badfs_rc
	rm -f -- "$st/pid"
	if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$st/stderr"; then
		sed 's/^/badfs: /' "$st/stderr" >&2
		fail "badfs over $dir: sanitizer report"
		return 1
	fi
	[ "$rc" = 0 ] || {
		sed 's/^/badfs: /' "$st/stderr" >&2
		fail "badfs over $dir: exit $rc"
		return 1
	}
	[ -z "$err" ] || fail "$err"
}

badfs_cleanup() {
	local st d rc=0
	st=${BATS_TEST_TMPDIR:-${TMPDIR:-/tmp}}/badfs-state
	[ -d "$st" ] || return 0
	for d in "$st"/*/dir; do
		[ -e "$d" ] || continue
		[ -e "${d%/dir}/pid" ] || continue
		badfs_umount "$(cat "$d")" || rc=1
	done
	return "$rc"
}
