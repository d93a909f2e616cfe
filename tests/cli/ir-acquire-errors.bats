#!/usr/bin/env bats
# ir-acquire on a disk with real read errors: tests/tools/badfs, a FUSE
# file whose chosen byte ranges fail with EIO in the kernel.  Only the
# unreadable 512-byte sectors are zeros in the image, each is in the
# ddrescue map and the log, each was tried again, and the exit is 3.

load common
load badfs

setup() {
	irkit_setup
	badfs_require
}

teardown() {
	badfs_cleanup
}

acq() {
	local want=$1 out=$2
	shift 2
	run_tool "$want" "$out" ir-acquire "$@"
}

# The source with the given sectors (START-END byte ranges, on sector
# boundaries) zeroed: what the image must be.
expected() {
	local src=$1 r
	shift
	cp "$src" expected
	for r in "$@"; do
		dd if=/dev/zero of=expected bs=1 seek="${r%-*}" \
		    count=$((${r#*-} - ${r%-*})) conv=notrunc status=none
	done
}

mkdata() {
	openssl enc -aes-128-ctr -pass pass:irkit -nosalt -pbkdf2 \
	    </dev/zero 2>/dev/null | head -c "$(($2 << 20))" >"$1"
}

@test "bad sectors: only they are zeros, mapped exactly, retried, exit 3" {
	mkdata src 4
	# two whole sectors; one byte (its sector is lost); a range across
	# a 1 MiB block boundary
	badfs_mount src mnt 1049088-1050112 3145828-3145829 2096640-2098176 \
	    --log=reads.log
	acq 3 /dev/null mnt/disk -o img.raw --retries 2
	expected src 1049088-1050112 2096640-2098176 3145728-3146240
	cmp expected img.raw
	assert_eq "$(jq -r 'select(.type == "read_error") | "\(.offset)+\(.length)"' img.raw.log | tr '\n' ' ')" \
	    "1049088+1024 2096640+1536 3145728+512 "
	# the map: '-' exactly there, '+' elsewhere
	grep -qiE '^0x0*100200 +0x0*400 +-$' img.raw.map
	grep -qiE '^0x0*1ffe00 +0x0*600 +-$' img.raw.map
	grep -qiE '^0x0*300000 +0x0*200 +-$' img.raw.map
	assert_eq "$(grep -cE ' -$' img.raw.map)" 3
	assert_eq "$(jq -r 'select(.event == "end") | [.complete, .bad_bytes, .bad_ranges] | @tsv' img.raw.log)" \
	    "$(printf 'false\t3072\t3')"
	assert_stderr "read errors: 3 ranges, 3072 bytes zero-filled"
	# each bad sector was read three times (once, then two retries)
	assert_eq "$(awk '$1 == 3145728 && $2 == 512 && $3 == "EIO"' reads.log | wc -l)" 3
	# the digest is that of the image written
	assert_eq "$(jq -r 'select(.event == "end") | .sha256' img.raw.log)" \
	    "$(sha256sum <img.raw | cut -d' ' -f1)"
}

@test "bad sectors into an E01: the acquiry errors are in it" {
	command -v ewfinfo >/dev/null || skip "ewf-tools is not installed"
	mkdata src 2
	badfs_mount src mnt 4096-5120
	acq 3 /dev/null -f ewf mnt/disk -o ev --retries 0
	ewfinfo ev.E01 >info.out
	grep -qi 'read errors during acquiry' info.out
	grep -qE 'at sector\(s\): 8 - 9|8 - 9' info.out
	expected src 4096-5120
	# The Sleuth Kit reads the media back: the zeros where the errors were
	img_cat ev.E01 >exported.raw || fail "img_cat ev.E01 failed"
	cmp expected exported.raw
}

@test "a disk that dies: the read ends with a clear error, what was read is kept" {
	mkdata src 4
	badfs_mount src mnt --fail-after=2097152
	acq 3 /dev/null mnt/disk -o img.raw --retries 0
	assert_eq "$(jq -r 'select(.event == "end") | .complete' img.raw.log)" false
	# the first 2 MiB are the disk's
	head -c 2097152 src | cmp - <(head -c 2097152 img.raw)
}

@test "resume after read errors: the map keeps them, the image is whole" {
	mkdata src 4
	badfs_mount src mnt 512-1024 --slow-ms=20
	"$IRKIT_BIN/ir-acquire" -c sha256 --block-size 64K mnt/disk -o img 2>stderr &
	local pid=$! rc=0
	sleep 1
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	[ "$rc" -eq 3 ] || fail "exit $rc after SIGTERM"
	acq 3 /dev/null -c sha256 --block-size 64K --resume --log resumed.log mnt/disk -o img
	expected src 512-1024
	cmp expected img
	grep -qE '^0x0*200 +0x0*200 +-$' img.map
	assert_eq "$(jq -r 'select(.event == "end") | .sha256' resumed.log)" \
	    "$(sha256sum <img | cut -d' ' -f1)"
}
