#!/usr/bin/env bats
# ir-acquire on real inputs: files, a loop device, a pipe of unknown
# length, a synthetic /proc/kcore (tests/fixtures/mkkcore.py); its images
# compared byte for byte and by sha256sum/md5sum, read back by ewfverify,
# ewfinfo and The Sleuth Kit; interrupted and resumed; a full disk.

load common

FIX=$BATS_TEST_DIRNAME/../fixtures

setup() {
	irkit_setup
	LOOP=
	MNT=
}

teardown() {
	[ -z "$MNT" ] || umount "$MNT" 2>/dev/null || true
	[ -z "$LOOP" ] || losetup -d "$LOOP" 2>/dev/null || true
}

acq() {
	local want=$1 out=$2
	shift 2
	run_tool "$want" "$out" ir-acquire "$@"
}

sha() {
	sha256sum "$@" | cut -d' ' -f1
}

# log_field FILE TYPE EVENT KEY: KEY of the record of that type/event.
log_end() {
	jq -r "select(.type == \"acquisition\" and .event == \"end\") | .$2" "$1"
}

# A file of n MiB of pseudo-random bytes (the same every time).
mkdata() {
	openssl enc -aes-128-ctr -pass pass:irkit -nosalt -pbkdf2 \
	    </dev/zero 2>/dev/null | head -c "$(($2 << 20))" >"$1"
}

@test "a file: the image is the file; the log has sha256sum's and md5sum's digests" {
	mkdata src 5
	printf 'x' >>src		# not a whole sector
	acq 0 /dev/null src -o img.raw
	cmp src img.raw
	assert_jsonl img.raw.log
	assert_eq "$(log_end img.raw.log sha256)" "$(sha src)"
	assert_eq "$(log_end img.raw.log md5)" "$(md5sum src | cut -d' ' -f1)"
	assert_eq "$(log_end img.raw.log complete)" true
	assert_eq "$(log_end img.raw.log bytes)" "$(stat -c %s src)"
	assert_eq "$(jq -r 'select(.event == "start") | [.kind, .size] | @tsv' img.raw.log)" \
	    "$(printf 'file\t%s' "$(stat -c %s src)")"
	# the map: one finished block, as ddrescue writes it
	grep -qE '^0x0+ +0x0*500001 +\+$' img.raw.map
	assert_stderr "  sha256  $(sha src)"
	# nothing is overwritten
	acq 2 /dev/null src -o img.raw
	assert_stderr "exists"
	cmp src img.raw
}

@test "raw, split raw and E01 at once; E01 read back by ewfverify, ewfinfo and TSK" {
	command -v ewfverify >/dev/null || skip "ewf-tools is not installed"
	sh "$FIX/mkdisk-dos.sh" . || fail "mkdisk-dos.sh failed"
	acq 0 /dev/null disk.img -o one.raw -o two.raw --log both.log
	cmp disk.img one.raw
	cmp disk.img two.raw
	assert_eq "$(jq -r 'select(.type == "output") | .path' both.log | tr '\n' ' ')" "one.raw two.raw "
	acq 0 /dev/null disk.img -o split --split 16M
	[ -f split.001 ] && [ -f split.003 ] && [ ! -e split.004 ] || fail "want split.001..003"
	cat split.001 split.002 split.003 | cmp - disk.img
	acq 0 /dev/null -f ewf --case-id C-042 --examiner ann --description "USB stick" \
	    --split 20M --verify disk.img -o ev
	[ -f ev.E01 ] && [ -f ev.E02 ] || fail "want a two-segment E01"
	ewfverify -q ev.E01 >verify.out 2>&1 || { cat verify.out >&2; fail "ewfverify"; }
	grep -q 'SUCCESS' verify.out
	ewfinfo ev.E01 >info.out
	grep -q 'C-042' info.out
	grep -q 'ann' info.out
	grep -q "MD5.*$(md5sum disk.img | cut -d' ' -f1)" info.out
	# The Sleuth Kit opens it as the disk it is
	diff <(fls -r -o 2048 disk.img) <(fls -r -o 2048 ev.E01)
	assert_eq "$(jq -r 'select(.type == "verify") | .match' ev.log)" true
}

@test "a loop device: its facts logged, its bytes imaged; never written onto" {
	mkdata src 3
	LOOP=$(losetup -r -f --show src 2>/dev/null) || skip "no loop devices"
	acq 0 /dev/null "$LOOP" -o dev.raw -c sha256 --verify=both
	cmp src dev.raw
	assert_eq "$(jq -r 'select(.event == "start") | [.kind, .sector_size, .readonly] | @tsv' dev.raw.log)" \
	    "$(printf 'block\t512\ttrue')"
	assert_eq "$(jq -r 'select(.type == "verify") | .what + "=" + (.match | tostring)' dev.raw.log | sort | tr '\n' ' ')" \
	    "image=true source=true "
	acq 2 /dev/null "$LOOP" -o "$LOOP"
	assert_stderr "it is the device being read"
}

@test "into a file system on the device being read: refused" {
	LOOP_FILE=fs.img
	truncate -s 16M fs.img
	mkfs.ext4 -q -F fs.img
	LOOP=$(losetup -f --show fs.img 2>/dev/null) || skip "no loop devices"
	mkdir mnt
	mount "$LOOP" mnt 2>/dev/null || skip "cannot mount"
	MNT=$PWD/mnt
	acq 2 /dev/null "$LOOP" -o mnt/self.raw
	assert_stderr "on a file system of the device being read"
	[ ! -e mnt/self.raw ] || fail "an output was made"
}

@test "stdin of unknown length, and stdout" {
	mkdata src 2
	cat src | "$IRKIT_BIN/ir-acquire" - -o piped.raw 2>stderr || fail "exit $?"
	cmp src piped.raw
	assert_eq "$(jq -r 'select(.event == "start") | .kind' piped.raw.log)" stream
	assert_eq "$(log_end piped.raw.log sha256)" "$(sha src)"
	# to stdout: the digests on stderr, the log where asked
	"$IRKIT_BIN/ir-acquire" src -o - --log out.log >streamed 2>stderr || fail "exit $?"
	cmp src streamed
	assert_eq "$(log_end out.log sha256)" "$(sha src)"
	# --offset on a pipe cannot be done
	acq 2 /dev/null --offset 1 - -o x.raw </dev/null
}

@test "--offset/--count as dd cuts; --piece digests as sha256sum of each piece" {
	mkdata src 3
	acq 0 /dev/null --offset 1000 --count 2000000 --piece 1M src -o part.raw
	dd if=src bs=1000 skip=1 count=2000 status=none | cmp - part.raw
	local off len got
	while IFS=$'\t' read -r off len got; do
		assert_eq "$got" "$(tail -c +$((off + 1)) src | head -c "$len" | sha256sum | cut -d' ' -f1)" \
		    "piece at $off"
	done < <(jq -r 'select(.type == "piece") | [.offset, .length, .sha256] | @tsv' part.raw.log)
	assert_eq "$(jq -s -c '[.[] | select(.type == "piece") | .length]' part.raw.log)" "[1048576,951424]"
	# past the end: what there is, and exit 3
	acq 3 /dev/null --offset 3M --count 10 src -o none.raw
	assert_stderr "ended after 0 of the 10 bytes"
	assert_eq "$(log_end none.raw.log complete)" false
}

@test "interrupted, then resumed from the map: the same image and digests" {
	truncate -s 3G big		# sparse: quick to make, slow enough to read
	printf 'head' | dd of=big conv=notrunc status=none
	printf 'tail' | dd of=big bs=1 seek=$((3 * 1024 * 1024 * 1024 - 4)) conv=notrunc status=none
	"$IRKIT_BIN/ir-acquire" -c sha256 --split 1G --block-size 64K big -o img 2>stderr &
	local pid=$! rc=0
	sleep 0.5
	kill -INT "$pid"
	wait "$pid" || rc=$?
	[ "$rc" -eq 3 ] || fail "exit $rc after SIGINT"
	assert_eq "$(log_end img.log complete)" false
	assert_eq "$(log_end img.log reason)" interrupted
	local at
	at=$(log_end img.log stopped_at)
	[ "$at" -gt 0 ] && [ "$at" -lt $((3 << 30)) ] || skip "not interrupted part way ($at)"
	grep -qE '^0x0+ +0x0*[0-9a-f]+ +\?$|\?$' img.map || fail "no untried part in the map"
	acq 0 /dev/null -c sha256 --split 1G --resume --log resumed.log big -o img
	cat img.001 img.002 img.003 | cmp - big
	assert_eq "$(log_end resumed.log sha256)" "$(sha big)"
	assert_eq "$(log_end resumed.log complete)" true
}

@test "a full disk: a clear error, the log says incomplete" {
	mkdir small
	mount -t tmpfs -o size=1M tmpfs small 2>/dev/null || skip "cannot mount tmpfs"
	MNT=$PWD/small
	mkdata src 3
	acq 3 /dev/null src -o small/img.raw --log full.log --map full.map
	assert_stderr "No space left on device"
	assert_eq "$(log_end full.log complete)" false
}

@test "memory: a kcore-shaped ELF and its iomem to LiME, as mkkcore.py expects; gzip" {
	command -v python3 >/dev/null || skip "python3 is not installed"
	python3 "$FIX/mkkcore.py" k >/dev/null || fail "mkkcore.py failed"
	acq 0 /dev/null --memory --kcore k/kcore --iomem k/iomem -o mem.lime
	cmp k/expected.lime mem.lime
	assert_eq "$(log_end mem.lime.log sha256)" "$(sha k/expected.lime)"
	assert_stderr "bytes of RAM have no place in it"
	acq 0 /dev/null --memory --kcore k/kcore --iomem k/iomem --compress 6 -o mem.lime.gz
	gunzip -c mem.lime.gz | cmp - k/expected.lime
	assert_eq "$(log_end mem.lime.gz.log sha256)" "$(sha k/expected.lime)"
	acq 2 /dev/null --memory --kcore k/kcore --iomem k/iomem -f ewf -o m
}

@test "memory through a physically addressed device (as /dev/crash): every RAM range of iomem" {
	command -v python3 >/dev/null || skip "python3 is not installed"
	python3 "$FIX/mkkcore.py" k >/dev/null || fail "mkkcore.py failed"
	# /dev/zero stands in for /dev/crash: offsets are physical addresses
	acq 0 /dev/null --memory --kcore /dev/zero --iomem k/iomem -o z.lime
	python3 - z.lime <<'PY' || fail "LiME ranges differ from iomem's System RAM"
import struct, sys
data = open(sys.argv[1], 'rb').read()
want = [(0x1000, 0x8fff), (0x100000, 0x10ffff), (0x300000, 0x32ffff)]
got, off = [], 0
while off < len(data):
    magic, ver, start, end, _ = struct.unpack_from('<IIQQQ', data, off)
    assert magic == 0x4C694D45 and ver == 1
    body = data[off + 32:off + 32 + end - start + 1]
    assert body == bytes(len(body)) and len(body) == end - start + 1
    got.append((start, end))
    off += 32 + end - start + 1
assert got == want, got
PY
}

@test "--progress-fd: JSON progress lines for a wrapper" {
	truncate -s 2G sparse
	acq 0 /dev/null -c sha256 --block-size 64K --progress-fd 5 sparse -o /dev/null --log run.log 5>progress.jsonl
	[ -s progress.jsonl ] || skip "too fast for a progress line"
	assert_jsonl progress.jsonl
	jq -e -s 'map(select(.type == "progress")) | length > 0 and all(.[]; .total == 2147483648 and .bytes <= .total and .rate >= 0)' progress.jsonl >/dev/null
	acq 2 /dev/null --progress-fd 9 sparse -o x.raw
}

@test "--case: the log in the case, the image beside it, the custody entry complete" {
	mkdata src 1
	acq 0 /dev/null --case case --case-id C-7 src -o disk.raw
	cmp src case/disk.raw
	local log
	log=$(jq -r '.outputs[0].path' case/custody.jsonl)
	assert_eq "$(log_end "case/$log" sha256)" "$(sha src)"
	assert_eq "$(jq -r .complete case/custody.jsonl)" true
	[ -f case/disk.raw.map ] || fail "no map beside the image"
}

@test "usage errors: no output, two sources, bad sizes, --resume without a map" {
	printf 'x' >src
	acq 2 /dev/null src
	acq 2 /dev/null src src -o x
	acq 2 /dev/null --split 0 src -o x
	acq 2 /dev/null --block-size 100 src -o x
	acq 2 /dev/null --resume src -o never
	acq 2 /dev/null nosuch -o x
	[ ! -e x ] || fail "an output was made"
}
