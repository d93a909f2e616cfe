#!/usr/bin/env bats
# ir-walk on disk images and devices, checked against The Sleuth Kit's
# fls and icat on images built at test time (tests/fixtures): bodyfiles
# equal to fls -r -m, hashes of allocated and deleted files equal to
# icat's, NTFS streams, partition selection, split raw, E01, a loop
# device, and file systems libtsk cannot read.

load common

FIX=$BATS_TEST_DIRNAME/../fixtures

setup() {
	irkit_setup
	command -v fls >/dev/null || skip "sleuthkit is not installed"
	LOOP=
}

teardown() {
	[ -z "$LOOP" ] || losetup -d "$LOOP" 2>/dev/null || true
}

dos_disk() {
	sh "$FIX/mkdisk-dos.sh" . || fail "mkdisk-dos.sh failed"
}

# fls_body IMG START...: fls -r -m / of each partition, sorted.
fls_body() {
	local img=$1 s
	shift
	for s in "$@"; do
		fls -r -m / -o "$s" "$img" || fail "fls -o $s failed"
	done | LC_ALL=C sort
}

ntfs_image() {
	truncate -s 16M ntfs.img
	mkntfs -q -F -f ntfs.img >/dev/null 2>&1 || skip "mkntfs failed"
	printf 'visible\n' >v.txt
	printf 'hidden payload\n' >h.txt
	ntfscp -q ntfs.img v.txt doc.txt
	ntfscp -q -N Zone.Identifier ntfs.img h.txt doc.txt
}

@test "body: equal to fls -r -m on each partition of a DOS disk (ext4, FAT16)" {
	dos_disk
	walk 0 out.body --format body disk.img
	LC_ALL=C sort out.body >ours
	fls_body disk.img 2048 18432 >theirs
	diff theirs ours
}

@test "body: NTFS streams and \$FILE_NAME entries as fls -r -m lists them" {
	ntfs_image
	walk 0 out.body --format body ntfs.img
	diff <(fls -r -m / ntfs.img | LC_ALL=C sort) <(LC_ALL=C sort out.body)
	grep -qF '/doc.txt:Zone.Identifier|' out.body
}

@test "records: partition, start sector and file system type on each" {
	dos_disk
	walk 0 out.jsonl disk.img
	assert_jsonl out.jsonl
	assert_eq "$(jq -r 'select(.path == "/dir/b.bin") | [.part, .part_start, .fstype, .source] | @tsv' out.jsonl)" \
	    "$(printf '0\t2048\text4\tdisk.img')"
	assert_eq "$(jq -r 'select(.path == "/sub/b.bin") | [.part, .part_start, .fstype] | @tsv' out.jsonl)" \
	    "$(printf '1\t18432\tfat16')"
	# the deleted files of both
	assert_eq "$(jq -r 'select(.deleted and .kind == "reg") | .fstype' out.jsonl | sort | tr '\n' ' ')" \
	    "ext4 fat16 "
}

@test "--hash: allocated and deleted files hash as icat extracts them" {
	dos_disk
	walk 0 out.jsonl -c md5,sha256 disk.img
	local n=0 start inode want got
	while IFS=$'\t' read -r start inode got; do
		want=$(icat -o "$start" disk.img "$inode" | sha256sum | cut -d' ' -f1)
		assert_eq "$got" "$want" "sha256 of inode $inode at $start"
		n=$((n + 1))
	done < <(jq -r 'select(.kind == "reg" and (.virtual | not)) | [.part_start, .inode, .sha256] | @tsv' out.jsonl)
	[ "$n" -eq 6 ] || fail "hashed $n files, want 6 (two deleted)"
	assert_eq "$(jq -r 'select(.deleted and .kind == "reg") | .sha256' out.jsonl | sort -u)" \
	    "$(printf 'bye\n' | sha256sum | cut -d' ' -f1)"
}

@test "--hash: an NTFS named stream is hashed on its own" {
	ntfs_image
	walk 0 out.jsonl -c sha256 ntfs.img
	local attr
	attr=$(jq -r 'select(.stream == "Zone.Identifier") | "\(.inode)-\(.attr)"' out.jsonl)
	[ -n "$attr" ] || fail "no record for the stream"
	assert_eq "$(jq -r 'select(.stream == "Zone.Identifier") | .sha256' out.jsonl)" \
	    "$(icat ntfs.img "$attr" | sha256sum | cut -d' ' -f1)"
	assert_eq "$(jq -r 'select(.path == "/doc.txt" and .attr != null and (.fname_times | not)) | .sha256' out.jsonl)" \
	    "$(sha256sum <v.txt | cut -d' ' -f1)"
}

@test "--partition and --deleted-only select as fls -o and fls -d do" {
	dos_disk
	walk 0 p1.body --format body --partition 1 disk.img
	diff <(fls_body disk.img 18432) <(LC_ALL=C sort p1.body)
	walk 0 del.body --format body --deleted-only disk.img
	diff <( (fls -r -d -m / -o 2048 disk.img; fls -r -d -m / -o 18432 disk.img) | LC_ALL=C sort) \
	    <(LC_ALL=C sort del.body)
	walk 3 none.jsonl --partition 7 disk.img
	assert_stderr "no partition 7"
}

@test "csv: one header for all partitions, records of both" {
	dos_disk
	walk 0 out.csv --format csv disk.img
	assert_eq "$(grep -c '^type,' out.csv)" 1 "header lines"
	head -1 out.csv | grep -q ',fstype,part,part_start,'
	grep -q ',ext4,0,2048,' out.csv
	grep -q ',fat16,1,18432,' out.csv
}

@test "split raw and E01 copies give the same records as the raw image" {
	dos_disk
	command -v ewfacquire >/dev/null || skip "ewf-tools is not installed"
	walk 0 raw.body --format body disk.img
	split -d -a 3 --numeric-suffixes=1 -b 8M disk.img disk.split.
	walk 0 split.body --format body disk.split.001
	diff raw.body split.body
	ewfacquire -u -q -t ev -f encase6 -c none -S 20MiB disk.img >/dev/null 2>&1 ||
	    fail "ewfacquire failed"
	[ -e ev.E02 ] || fail "want a multi-segment E01"
	walk 0 ewf.body --format body ev.E01
	diff raw.body ewf.body
}

@test "a loop device is walked as the image it is backed by" {
	dos_disk
	LOOP=$(losetup -r -f --show disk.img 2>/dev/null) || skip "no loop devices"
	walk 0 img.body --format body disk.img
	walk 0 dev.body --format body "$LOOP"
	diff img.body dev.body
}

@test "an XFS partition: named unsupported, the other file systems still walked" {
	command -v mkfs.xfs >/dev/null || skip "xfsprogs is not installed"
	truncate -s 340M disk.img
	printf 'label: dos\nstart=2048, size=16384, type=83\nstart=20480, type=83\n' |
	    sfdisk -q disk.img
	mkdir src
	echo hello >src/a.txt
	mkfs.ext4 -q -F -d src ext.img 8M
	dd if=ext.img of=disk.img bs=512 seek=2048 conv=notrunc status=none
	truncate -s 320M xfs.img
	mkfs.xfs -q -f xfs.img
	dd if=xfs.img of=disk.img bs=1M seek=10 conv=notrunc,sparse status=none
	walk 3 out.jsonl disk.img
	assert_jsonl out.jsonl
	assert_stderr "unsupported file system: xfs"
	assert_eq "$(jq -r 'select(.type == "problem") | [.part, .part_start, .fstype] | @tsv' out.jsonl)" \
	    "$(printf '1\t20480\txfs')"
	assert_eq "$(jq -r 'select(.path == "/a.txt") | .fstype' out.jsonl)" ext4
	# a bare XFS image: the same; no records but the problem and the
	# incomplete trailer
	walk 3 bare.jsonl xfs.img
	assert_eq "$(jq -r '.type' bare.jsonl | tr '\n' ' ')" "problem incomplete "
}

@test "--live reads an image file as a file; image options on a tree are refused" {
	dos_disk
	walk 0 live.jsonl --live -c sha256 disk.img
	assert_eq "$(jq -r '.sha256' live.jsonl)" "$(sha256sum <disk.img | cut -d' ' -f1)"
	mkdir tree
	walk 3 tree.jsonl --partition 1 tree
	assert_stderr "not a disk image"
	walk 2 x.jsonl --image --live disk.img
}

@test "a damaged image: a clear error or partial records, never a crash" {
	dos_disk
	# the ext4 superblock of partition 0 and FAT boot sector of partition 1
	printf '\377%.0s' $(seq 1 64) | dd of=disk.img bs=1 seek=$((2048 * 512 + 1024 + 32)) conv=notrunc status=none
	printf '\0%.0s' $(seq 1 64) | dd of=disk.img bs=1 seek=$((18432 * 512 + 11)) conv=notrunc status=none
	walk 3 out.jsonl disk.img
	[ ! -s out.jsonl ] || assert_jsonl out.jsonl
	head -c $((12 * 1024 * 1024)) disk.img >cut.img
	local rc=0
	"$IRKIT_BIN/ir-walk" cut.img >cut.jsonl 2>stderr || rc=$?
	check_sanitizer stderr
	[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || fail "exit $rc on a cut image"
	[ ! -s cut.jsonl ] || assert_jsonl cut.jsonl
}
