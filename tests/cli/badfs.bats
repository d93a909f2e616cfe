#!/usr/bin/env bats
# tests/tools/badfs, the FUSE file system with bad sectors that the tests
# of ir-acquire read through: good bytes as the backing file, bad ranges
# failing with EIO at the caller's own offsets and sizes (direct_io), the
# end of the file, its options, and a loop device over it.

load common
load badfs

setup() {
	cd "$BATS_TEST_TMPDIR"
	command -v python3 >/dev/null || skip "python3 is not installed"
	badfs_require
}

teardown() {
	badfs_cleanup
}

# preads [-d] PATH OFF:LEN...: one pread(2) each, one line each:
# "OFF LEN ok N SHA256" or "OFF LEN ERRNO-NAME".  -d: O_DIRECT, with a
# page-aligned buffer.
preads() {
	python3 - "$@" <<'EOF'
import errno, hashlib, mmap, os, sys
args = sys.argv[1:]
flags = os.O_RDONLY
if args[0] == "-d":
    flags |= os.O_DIRECT
    args = args[1:]
fd = os.open(args[0], flags)
for a in args[1:]:
    off, n = (int(x, 0) for x in a.split(":"))
    buf = mmap.mmap(-1, max(n, 4096))
    try:
        k = os.preadv(fd, [memoryview(buf)[:n]], off)
        h = hashlib.sha256(buf[:k]).hexdigest()
        print(off, n, "ok", k, h)
    except OSError as e:
        print(off, n, errno.errorcode.get(e.errno, e.errno))
EOF
}

# expected SPEC...: what preads prints for mnt/disk if it is ./back with
# the reads given as !OFF:LEN failing with EIO and those as OFF:LEN good.
# (One python3 run: it starts slowly.)
expected() {
	local -a all=("$@") specs=()
	local a line i=0
	for a; do
		specs+=("${a#!}")
	done
	while IFS= read -r line; do
		case ${all[i]} in
		'!'*) printf '%s EIO\n' "${line%% ok *}" ;;
		*) printf '%s\n' "$line" ;;
		esac
		i=$((i + 1))
	done < <(preads back "${specs[@]}")
	[ "$i" -eq "${#all[@]}" ] || fail "expected: preads back failed"
}

# sector_specs N BAD...: OFF:LEN of the 512-byte sectors 0 to N-1, with
# '!' before those numbered BAD.
sector_specs() {
	local n=$1 s b mark
	shift
	for ((s = 0; s < n; s++)); do
		mark=
		for b; do
			[ "$s" -ne "$b" ] || mark='!'
		done
		printf '%s%d:512\n' "$mark" $((s * 512))
	done
}

# mkback SIZE: ./back, SIZE pseudo-random bytes (a sector is told from its
# neighbours).
mkback() {
	head -c "$1" /dev/urandom >back
}

@test "512-byte reads: good sectors as the backing file, bad ones EIO" {
	mkback 65536
	# sector 8; a byte inside sector 19; sectors 40-41 by length
	badfs_mount back mnt 4096-4608 10000-10001 20480+1024
	[ "$(stat -c %s mnt/disk)" -eq 65536 ] || fail "size $(stat -c %s mnt/disk)"
	mapfile -t specs < <(sector_specs 128 8 19 40 41)
	expected "${specs[@]}" >expect
	preads mnt/disk "${specs[@]#!}" >got
	diff expect got || fail "sector reads differ"
	[ "$(grep -c EIO expect)" -eq 4 ]
	# dd, as a shell would
	dd if=mnt/disk bs=512 skip=7 count=1 of=s7 2>/dev/null || fail "dd sector 7"
	dd if=back bs=512 skip=7 count=1 of=b7 2>/dev/null
	cmp s7 b7
	refute dd if=mnt/disk bs=512 skip=8 count=1 of=s8 2>dd.err
	grep -q 'Input/output error' dd.err || fail "dd: $(cat dd.err)"
	dd if=mnt/disk bs=512 skip=9 count=1 of=s9 2>/dev/null || fail "dd sector 9"
	dd if=back bs=512 skip=9 count=1 of=b9 2>/dev/null
	cmp s9 b9
}

@test "a range off sector boundaries fails exactly its bytes, for any read size" {
	mkback 16384
	badfs_mount back mnt 10000-10001 12001-12300
	specs=(9728:272 !9728:273 !10000:1 10001:239 !9999:2 !9728:512
	    11776:225 !11776:226 !12299:1 12300:1 12300:212 !8192:4096 0:8192)
	expected "${specs[@]}" >expect
	preads mnt/disk "${specs[@]#!}" >got
	diff expect got
}

@test "reads at and past the end of the file are short, not errors" {
	mkback 5000		# not a whole number of sectors
	badfs_mount back mnt 6000-7000		# beyond the end: never hit
	specs=(4608:512 4999:512 5000:512 5001:512 1048576:512 0:8192)
	expected "${specs[@]}" >expect
	preads mnt/disk "${specs[@]}" >got
	diff expect got
	grep -q '^4608 512 ok 392 ' got || fail "$(head -1 got)"
	grep -q '^5000 512 ok 0 ' got
	cmp back mnt/disk
	badfs_umount mnt
	# a bad range in the last, partial sector fails a read over the end
	badfs_mount back mnt 4990-4991
	specs=(!4608:512 4608:382 4991:512)
	expected "${specs[@]}" >expect
	preads mnt/disk "${specs[@]#!}" >got
	diff expect got
}

@test "large reads: EIO when the first request fails, short when a later one does" {
	mkback $((4 * 1048576))
	badfs_mount back mnt 0x300000+512 --log=reads.log
	specs=(0x200000:0x10000 !0x2f0000:0x20000 0:0x200000)
	expected "${specs[@]}" >expect
	preads mnt/disk "${specs[@]#!}" >got
	diff expect got
	# The kernel splits a read into requests of at most 1 MiB (256 pages
	# of the caller's buffer); a failed request after good ones ends the
	# read short.  With an aligned buffer the split is at 1 MiB.
	preads mnt/disk 0x200000:0x200000 >got
	grep -q "^$((0x300000)) [0-9]* EIO$" reads.log || fail "$(cat reads.log)"
	expected 0x200000:0x100000 | sed 's/ 1048576 ok / 2097152 ok /' >expect
	diff expect got
}

@test "--log: each request with the caller's offset and size" {
	mkback 8192
	badfs_mount back mnt 1024-1536 --log=reads.log
	preads mnt/disk 0:512 512:512 1024:512 1536:4096 7000:2000 >/dev/null
	printf '%s\n' "0 512 512" "512 512 512" "1024 512 EIO" \
	    "1536 4096 4096" "7000 2000 1192" >expect
	diff expect reads.log
}

@test "--bad-file: comments, blank lines, lists, hexadecimal, lengths" {
	mkback 16384
	printf '%s\n' "# sectors 1 and 3" "512-1024,1536+512" "" \
	    "  0x2000-0x2001   # sector 16" "4096+1" >bad.txt
	badfs_mount back mnt --bad-file=bad.txt 12288-12800
	mapfile -t specs < <(sector_specs 32 1 3 8 16 24)
	expected "${specs[@]}" >expect
	preads mnt/disk "${specs[@]#!}" >got
	diff expect got
}

@test "--fail-after: a disk that dies after so many bytes" {
	mkback 16384
	badfs_mount back mnt --fail-after=2048
	specs=(0:1024 1024:1024 !4096:512 !0:512)
	expected "${specs[@]}" >expect
	preads mnt/disk "${specs[@]#!}" >got
	diff expect got
}

@test "--slow-ms: every read waits" {
	mkback 4096
	badfs_mount back mnt --slow-ms=300
	local t0 t1
	t0=$(date +%s%N)
	dd if=mnt/disk of=/dev/null bs=512 count=1 2>/dev/null
	t1=$(date +%s%N)
	[ $(((t1 - t0) / 1000000)) -ge 300 ] || fail "read took $(((t1 - t0) / 1000000)) ms"
}

@test "read-only: no writing, one file" {
	mkback 4096
	badfs_mount back mnt
	assert_eq "$(ls -A mnt)" disk
	refute sh -c 'echo x >>mnt/disk' 2>/dev/null
	refute touch mnt/new 2>/dev/null
	cmp back mnt/disk
}

@test "-o allow_other: another user reads it too" {
	need_root
	mkback 4096
	chmod 644 back
	badfs_mount back mnt 512+512 -o allow_other
	chmod 755 .
	as_nobody cmp -n 512 back mnt/disk
	refute as_nobody cmp back mnt/disk 2>/dev/null
	assert_eq "$(stat -c %Y mnt/disk)" "$(stat -c %Y back)" mtime
}

@test "usage errors exit 2, an unreadable backing file 1, nothing mounted" {
	local rc args
	mkback 4096
	mkdir mnt
	for args in "--bad 10-5 back mnt" "--bad abc back mnt" \
	    "--bad 1-2,x back mnt" "--bad -1-2 back mnt" "--slow-ms x back mnt" \
	    "--fail-after 1k back mnt" "--nope back mnt" "back" \
	    "back mnt extra" "--bad-file missing.txt back mnt"; do
		rc=0
		# shellcheck disable=SC2086
		"$BADFS" -f $args >out 2>err || rc=$?
		check_sanitizer err
		[ "$rc" -eq 2 ] || fail "badfs $args: exit $rc, want 2"
		grep -q 'usage: badfs\|missing.txt' err || fail "badfs $args: $(cat err)"
	done
	printf '0-512\n512-1\n' >bad.txt
	rc=0
	"$BADFS" -f --bad-file bad.txt back mnt 2>err || rc=$?
	[ "$rc" -eq 2 ] && grep -q 'bad.txt:2' err || fail "exit $rc: $(cat err)"
	rc=0
	"$BADFS" -f nonexistent mnt 2>err || rc=$?
	[ "$rc" -eq 1 ] || fail "exit $rc: $(cat err)"
	refute mountpoint -q mnt
	"$BADFS" -h | grep -q '^usage: badfs'
}

@test "badfs_mount fails clearly; badfs_umount is idempotent" {
	badfs_umount never-mounted
	run badfs_mount nonexistent mnt
	[ "$status" -ne 0 ]
	[[ $output == *"badfs exited"* ]] || fail "$output"
	refute mountpoint -q mnt
	mkback 4096
	badfs_mount back mnt
	badfs_umount mnt
	badfs_umount mnt
	refute mountpoint -q mnt
}

@test "loop device: O_DIRECT reads fail exactly the bad sectors, buffered ones a 4 KiB page" {
	mkback 65536
	badfs_mount back mnt 8192+512 20000-20001
	badfs_loop mnt
	local loop=$BADFS_LOOP
	[ "$(blockdev --getsize64 "$loop")" -eq 65536 ]
	[ "$(blockdev --getss "$loop")" -eq 512 ]
	# O_DIRECT: each 512-byte read reaches badfs as it is
	mapfile -t specs < <(sector_specs 128 16 39)
	expected "${specs[@]}" >expect
	preads -d "$loop" "${specs[@]#!}" >got
	diff expect got || fail "O_DIRECT reads of $loop"
	# Buffered: the page cache reads whole 4 KiB pages, so every sector of
	# a page holding a bad one fails (pages 2 and 4 here); read-ahead is
	# off (badfs_loop), else a whole large folio can fail.
	mapfile -t specs < <(sector_specs 128 $(seq 16 23) $(seq 32 39))
	expected "${specs[@]}" >expect
	preads "$loop" "${specs[@]#!}" >got
	diff expect got || fail "buffered reads of $loop"
	badfs_umount mnt
	refute losetup "$loop" 2>/dev/null
}

@test "loop device with --direct-io=on: the same, exact for O_DIRECT" {
	mkback 16384
	badfs_mount back mnt 4608+512
	badfs_loop mnt --direct-io=on
	local loop=$BADFS_LOOP
	specs=(4096:512 !4608:512 5120:512 0:4096 !4096:4096 8192:8192)
	expected "${specs[@]}" >expect
	preads -d "$loop" "${specs[@]#!}" >got
	diff expect got
}

@test "loop device with --sector-size 4096: 4 KiB sectors, 512-byte reads refused" {
	mkback 16384
	badfs_mount back mnt 4608+512
	badfs_loop mnt --sector-size 4096
	local loop=$BADFS_LOOP
	[ "$(blockdev --getss "$loop")" -eq 4096 ]
	specs=(0:4096 !4096:4096 8192:4096)
	{
		expected "${specs[@]}"
		printf '4096 512 EINVAL\n'
	} >expect
	preads -d "$loop" "${specs[@]#!}" 4096:512 >got
	diff expect got
}

@test "a loop device left behind is detached by badfs_umount" {
	mkback 4096
	badfs_mount back mnt
	local loop
	loop=$(losetup -r -f --show mnt/disk) || skip "no loop device"
	badfs_umount mnt
	refute losetup "$loop" 2>/dev/null
	refute mountpoint -q mnt
}
