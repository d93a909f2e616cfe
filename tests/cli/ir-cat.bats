#!/usr/bin/env bats
# ir-cat against The Sleuth Kit's icat and tsk_recover on images built at
# test time (tests/fixtures): every regular file, deleted ones too, byte
# for byte by inode and by path; NTFS streams; digests on stderr; a
# partly recoverable file; --all-deleted and its index; E01; the case.

load common

FIX=$BATS_TEST_DIRNAME/../fixtures

setup() {
	irkit_setup
	command -v icat >/dev/null || skip "sleuthkit is not installed"
}

cat_() {
	local want=$1 out=$2
	shift 2
	run_tool "$want" "$out" ir-cat "$@"
}

dos_disk() {
	sh "$FIX/mkdisk-dos.sh" . || fail "mkdisk-dos.sh failed"
}

sha() {
	sha256sum "$@" | cut -d' ' -f1
}

@test "every regular file, deleted ones too, as icat extracts it (ext4, FAT16)" {
	dos_disk
	local part start n=0 ndel=0 inode name
	for part in 0 1; do
		start=$([ "$part" = 0 ] && echo 2048 || echo 18432)
		# fls -p: "r/r * 15:<tab>gone.txt", "r/r 12:<tab>dir/b.bin"
		while IFS=$'\t' read -r meta name; do
			inode=${meta##* }
			inode=${inode%:}
			icat -o "$start" disk.img "$inode" >theirs
			cat_ 0 ours --partition "$part" disk.img --inode "$inode"
			cmp theirs ours || fail "inode $inode of partition $part"
			assert_stderr "SHA256 (-) = $(sha <theirs)"
			case $meta in
			*'*'*) ndel=$((ndel + 1)) ;;
			*)
				cat_ 0 bypath --partition "$part" disk.img "/$name"
				cmp theirs bypath || fail "/$name of partition $part"
				;;
			esac
			n=$((n + 1))
		done < <(fls -r -p -o "$start" disk.img | grep '^r/r ')
	done
	[ "$n" -eq 6 ] && [ "$ndel" -eq 2 ] || fail "$n files, $ndel deleted; want 6, 2"
}

@test "NTFS: a named stream by path and by attribute, a deleted file, as icat" {
	sh "$FIX/mkdisk-gpt.sh" . >/dev/null 2>&1 || fail "mkdisk-gpt.sh failed"
	cat_ 0 ads --partition 2 gpt.img /a.txt:ads
	assert_eq "$(cat ads)" stream
	cat_ 0 ads2 --partition 2 gpt.img --inode 64-128-4
	cmp ads ads2
	icat -o 67584 gpt.img 64-128-4 | cmp - ads
	cat_ 0 main --partition 2 gpt.img /a.txt
	assert_eq "$(cat main)" hello
	cat_ 0 gone --partition 2 gpt.img --inode 66
	icat -o 67584 gpt.img 66 | cmp - gone
	assert_eq "$(cat gone)" bye
	cat_ 0 big --partition 2 gpt.img /big.bin
	icat -o 67584 gpt.img 65 | cmp - big
	cat_ 2 none --partition 2 gpt.img /a.txt:nostream
	assert_stderr "no stream 'nostream'"
}

@test "-o: digests of what was written, checkable by sha256sum -c; never overwrites" {
	dos_disk
	cat_ 0 /dev/null -c md5,sha1,sha256 -o a.out --partition 0 disk.img /a.txt
	assert_eq "$(cat a.out)" hello
	grep -E '^(MD5|SHA1|SHA256) \(a.out\) = ' stderr >sums
	assert_eq "$(wc -l <sums)" 3
	grep '^SHA256' sums | sha256sum -c --quiet
	grep '^MD5' sums | md5sum -c --quiet
	cat_ 2 /dev/null -o a.out --partition 0 disk.img /dir/b.bin
	assert_stderr "'a.out' exists; not overwriting it"
	assert_eq "$(cat a.out)" hello
}

@test "errors: a missing file, a directory, an ambiguous or missing partition" {
	dos_disk
	cat_ 2 /dev/null -o x.out --partition 0 disk.img /nope
	assert_stderr "disk.img: /nope: no such file"
	[ ! -e x.out ] || fail "an output was left behind"
	cat_ 2 /dev/null --partition 0 disk.img /dir
	assert_stderr "is a directory"
	cat_ 2 /dev/null -o y.out disk.img /a.txt
	assert_stderr "2 partitions: choose one with --partition N"
	[ ! -e y.out ] || fail "an output was left behind"
	cat_ 2 /dev/null --partition 5 disk.img /a.txt
	assert_stderr "no partition 5"
	cat_ 2 /dev/null --partition 0 disk.img --inode 12x
	cat_ 2 /dev/null --partition 0 disk.img /a.txt --inode 12
	cat_ 2 /dev/null nosuch.img /a.txt
}

@test "a deleted file whose clusters went to another file: exit 3, said, icat's bytes" {
	command -v mcopy >/dev/null || skip "mtools is not installed"
	mkfs.fat -C f.img 8192 >/dev/null
	head -c 20000 /dev/urandom >big.bin
	head -c 5000 /dev/urandom >small.bin
	mcopy -i f.img big.bin ::/BIG.BIN
	mcopy -i f.img small.bin ::/KEEP.TXT
	mdel -i f.img ::/BIG.BIN
	# a long name takes new directory slots: BIG.BIN's entry stays
	mcopy -i f.img small.bin "::/a longer name than eight.bin"
	cat_ 3 out f.img --inode 3
	assert_stderr "inode 3: deleted: only 0 of 20000 bytes can be recovered"
	icat f.img 3 | cmp - out
	# --all-deleted does not write it, and says why in the index
	cat_ 0 /dev/null f.img --all-deleted rec
	assert_eq "$(jq -r '[.path, .skipped, (.output // "none")] | @tsv' rec/index.jsonl)" \
	    "$(printf '/_IG.BIN\tcontent not recoverable\tnone')"
	assert_eq "$(find rec -type f | sort | tr '\n' ' ')" "rec/index.jsonl "
}

@test "--all-deleted: what tsk_recover recovers, byte for byte, with an index" {
	dos_disk
	cat_ 0 /dev/null disk.img --all-deleted rec
	tsk_recover -o 2048 disk.img tsk0 >/dev/null
	tsk_recover -o 18432 disk.img tsk1 >/dev/null
	diff -r tsk0 rec/p0
	diff -r tsk1 rec/p1
	assert_jsonl rec/index.jsonl
	assert_eq "$(jq -r '[.part, .part_start, .fstype, .path, .output, .deleted] | @tsv' rec/index.jsonl)" \
	    "$(printf '0\t2048\text4\t/gone.txt\tp0/gone.txt\ttrue\n1\t18432\tfat16\t/_one.txt\tp1/_one.txt\ttrue')"
	local out sum
	while IFS=$'\t' read -r out sum; do
		assert_eq "$(sha "rec/$out")" "$sum" "sha256 of $out"
	done < <(jq -r '[.output, .sha256] | @tsv' rec/index.jsonl)
	# a second run never overwrites the first
	cat_ 2 /dev/null disk.img --all-deleted rec
	assert_stderr "rec/index.jsonl exists"
	# one partition: only its files
	cat_ 0 /dev/null --partition 1 disk.img --all-deleted rec1
	assert_eq "$(jq -r .output rec1/index.jsonl)" p1/_one.txt
}

@test "--all-deleted on a bare file system: no partition level, names made safe" {
	command -v mcopy >/dev/null || skip "mtools is not installed"
	mkfs.fat -C f.img 8192 >/dev/null
	printf one >one
	mmd -i f.img ::/d
	mcopy -i f.img one ::/d/A.TXT
	mdel -i f.img ::/d/A.TXT
	cat_ 0 /dev/null f.img --all-deleted rec
	assert_eq "$(jq -r .output rec/index.jsonl)" d/_.TXT
	assert_eq "$(cat rec/d/_.TXT)" one
}

@test "split raw and E01 copies give the bytes of the raw image" {
	dos_disk
	command -v ewfacquire >/dev/null || skip "ewf-tools is not installed"
	cat_ 0 raw --partition 0 disk.img --inode 15
	split -d -a 3 --numeric-suffixes=1 -b 8M disk.img disk.split.
	cat_ 0 split --partition 0 disk.split.001 --inode 15
	cmp raw split
	ewfacquire -u -q -t ev -f encase6 -c none -S 20MiB disk.img >/dev/null 2>&1 ||
	    fail "ewfacquire failed"
	cat_ 0 ewf --partition 0 ev.E01 --inode 15
	cmp raw ewf
}

@test "--case: the file lands in the case, its hash in the custody log" {
	dos_disk
	cat_ 0 /dev/null --case case --partition 0 disk.img /dir/b.bin
	local f
	f=$(jq -r '.outputs[0].path' case/custody.jsonl)
	case $f in ir-cat-*.bin) ;; *) fail "output named '$f'" ;; esac
	assert_eq "$(cat "case/$f")" deep
	assert_eq "$(jq -r '.outputs[0].sha256' case/custody.jsonl)" "$(sha "case/$f")"
	assert_eq "$(jq -r '.complete' case/custody.jsonl)" true
	assert_stderr "SHA256 ($f) = $(sha "case/$f")"
}

@test "a damaged image: a clear error, never a crash" {
	dos_disk
	printf '\377%.0s' $(seq 1 64) | dd of=disk.img bs=1 seek=$((2048 * 512 + 1024 + 32)) conv=notrunc status=none
	local rc=0
	"$IRKIT_BIN/ir-cat" --partition 0 disk.img /a.txt >out 2>stderr || rc=$?
	check_sanitizer stderr
	[ "$rc" -eq 2 ] || [ "$rc" -eq 3 ] || [ "$rc" -eq 0 ] || fail "exit $rc"
	[ -s stderr ] || [ "$rc" -eq 0 ] || fail "no message for exit $rc"
	rc=0
	"$IRKIT_BIN/ir-cat" disk.img --all-deleted rec >out 2>stderr || rc=$?
	check_sanitizer stderr
	[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || fail "exit $rc"
	assert_jsonl rec/index.jsonl
}

@test "a worker that dies part way: said, exit 3, never a clean end" {
	command -v pgrep >/dev/null || skip "procps is not installed"
	sh "$FIX/mkdisk-gpt.sh" . >/dev/null 2>&1 || fail "mkdisk-gpt.sh failed"
	mkfifo pipe
	local pid child rc=0 i
	"$IRKIT_BIN/ir-cat" --partition 2 gpt.img /big.bin >pipe 2>stderr &
	pid=$!
	# 100000 bytes into a 64 KiB pipe nobody reads: the worker blocks
	exec 5<pipe
	for i in $(seq 100); do
		child=$(pgrep -P "$pid") && break
		sleep 0.1
	done
	[ -n "$child" ] || fail "no worker process"
	kill -ABRT "$child"	# as libtsk's assertions end it
	cat <&5 >/dev/null
	exec 5<&-
	wait "$pid" || rc=$?
	[ "$rc" -eq 3 ] || fail "exit $rc"
	assert_stderr "gpt.img: reading the file crashed libtsk (Aborted): the output is incomplete"
	refute grep -q '^SHA256' stderr
}

@test "--all-deleted after a mass delete: tsk_recover's files; names without inode are skipped, said" {
	mkdir -p src/d
	local i
	for i in $(seq 1 300); do
		printf 'file %d\n' "$i" >"src/d/a-rather-long-file-name-to-fill-directory-blocks-$i.txt"
	done
	mkfs.ext4 -q -F -d src ext.img 8M
	for i in $(seq 1 300); do
		echo "rm /d/a-rather-long-file-name-to-fill-directory-blocks-$i.txt"
	done >rm.cmd
	debugfs -w -f rm.cmd ext.img >/dev/null 2>&1
	cat_ 0 /dev/null ext.img --all-deleted rec
	tsk_recover ext.img tsk >/dev/null
	mv rec/index.jsonl index.jsonl
	diff -r tsk rec
	# a name first in its directory block keeps no inode: fls shows it as 0
	local n0
	n0=$(fls -r -d ext.img | grep -c '^r/. \* 0:' || true)
	[ "$n0" -gt 0 ] || skip "no name without inode this time"
	assert_eq "$(jq -r 'select(.skipped == "no metadata: the name'"'"'s inode is gone") | .path' index.jsonl | wc -l)" "$n0"
	assert_eq "$(jq -r 'select(.output) | .output' index.jsonl | wc -l)" "$(find tsk -type f | wc -l)"
}

# dos_hits: dos_disk, and hits.jsonl, ir-scan's matches in it: gone.txt
# ("bye", deleted on both; FAT keeps "_one.txt") and b.bin ("deep").
dos_hits() {
	command -v yara >/dev/null || skip "yara is not installed"
	dos_disk
	printf 'rule bye { strings: $a = "bye" condition: $a }\n' >r.yar
	printf 'rule deep { strings: $a = "deep" condition: $a }\n' >>r.yar
	run_tool 1 hits.jsonl ir-scan -r r.yar disk.img
}

@test "--hits: every file ir-scan matched, deleted ones and both partitions, as icat extracts it" {
	dos_hits
	assert_eq "$(jq -r 'select(.type == "match") | [.part, .path, .deleted] | @tsv' hits.jsonl | sort)" \
	    "$(printf '0\t/dir/b.bin\tfalse\n0\t/gone.txt\ttrue\n1\t/_one.txt\ttrue\n1\t/sub/b.bin\tfalse')"
	cat_ 0 out --hits hits.jsonl disk.img got
	assert_jsonl got/index.jsonl
	[ "$(jq -s length got/index.jsonl)" -eq 4 ]
	local part inode made start
	while IFS=$'\t' read -r part inode made; do
		start=$([ "$part" = 0 ] && echo 2048 || echo 18432)
		icat -o "$start" disk.img "$inode" >theirs
		cmp theirs "got/$made" || fail "inode $inode of partition $part"
		assert_eq "$(jq -r --arg m "$made" 'select(.output == $m) | .sha256' got/index.jsonl)" \
		    "$(sha theirs)" "sha256 of $made"
	done < <(jq -r '[.part, .inode, .output] | @tsv' got/index.jsonl)
	# Records of another source are left out, said; an inode that is not
	# there is said and gives exit 3.
	jq -c 'select(.type == "match") | .source = "other.img"' hits.jsonl >other.jsonl
	cat_ 2 out --hits other.jsonl disk.img none
	assert_stderr "4 match records of other sources left out"
	jq -c 'select(.type == "match" and .part == 0 and .path == "/dir/b.bin") | .inode = 99999' \
	    hits.jsonl >bad.jsonl
	cat_ 3 out --hits bad.jsonl disk.img bad
	assert_stderr "no file with inode 99999 in partition 0"
	printf 'not json\n' >junk.jsonl
	cat_ 2 out --hits junk.jsonl disk.img junk
	assert_stderr "junk.jsonl: line 1: not a JSON record"
}

@test "--hits and --all-deleted with --case: one custody entry names the index and every file" {
	dos_hits
	# DIR is taken in the case: hits is case/hits.
	cat_ 0 /dev/null disk.img --hits hits.jsonl hits --case case \
	    --case-id c7 --examiner ann
	[ -s case/hits/index.jsonl ] && [ ! -e hits ]
	assert_eq "$(jq -s length case/custody.jsonl)" 1 "custody entries"
	assert_eq "$(jq -r '[.tool, .status, .complete] | @tsv' case/custody.jsonl)" \
	    "$(printf 'ir-cat\t0\ttrue')"
	assert_eq "$(jq -r .examiner case/case.json)" ann
	# The index and each file it names, with sha256sum's digest.
	jq -r '.output | "hits/" + .' case/hits/index.jsonl >want
	[ "$(wc -l <want)" -eq 4 ]
	sed -i '1i hits/index.jsonl' want
	jq -r '.outputs[] | [.path, .sha256] | @tsv' case/custody.jsonl >got
	assert_eq "$(cut -f1 got)" "$(cat want)" "outputs"
	local path sum
	while IFS=$'\t' read -r path sum; do
		assert_eq "$sum" "$(sha "case/$path")" "sha256 of $path"
	done <got
	# The custody chain holds: the case packs and the package verifies.
	run_tool 0 /dev/null ir-pack case -o pkg.tar.gz
	run_tool 0 /dev/null ir-verify pkg.tar.gz
	# A recovered file altered afterwards: ir-pack refuses the case.
	printf x >>"case/$(sed -n 2p want)"
	run_tool 2 /dev/null ir-pack case -o bad.tar.gz
	assert_stderr "was altered after the custody log recorded it"
	[ ! -e bad.tar.gz ]
	# DIR outside the case: exit 2, said, nothing made or logged.
	cat_ 2 /dev/null disk.img --hits hits.jsonl "$PWD/out" --case case
	assert_stderr "is not inside the case directory"
	cat_ 2 /dev/null disk.img --hits hits.jsonl ../out --case case
	assert_stderr "is not inside the case directory"
	[ ! -e out ] && [ ! -e ../out ]
	assert_eq "$(jq -s length case/custody.jsonl)" 1 "custody entries"
	# --all-deleted: an absolute DIR inside the case is fine.
	cat_ 0 /dev/null disk.img --all-deleted "$PWD/case/del" --case case
	assert_eq "$(jq -r 'select(.seq == 2) | [.outputs[].path] | join(" ")' \
	    case/custody.jsonl)" "del/index.jsonl del/p0/gone.txt del/p1/_one.txt"
	cmp case/del/p0/gone.txt case/hits/p0/gone.txt
	# An incomplete run (an inode not there): logged, complete false.
	jq -c 'select(.type == "match" and .part == 0 and .path == "/dir/b.bin") | .inode = 99999' \
	    hits.jsonl >bad.jsonl
	cat_ 3 /dev/null disk.img --hits bad.jsonl bad --case case
	assert_eq "$(jq -r 'select(.seq == 3) | [.status, .complete, (.outputs | length)] | @tsv' \
	    case/custody.jsonl)" "$(printf '3\tfalse\t1')"
}

@test "--all-deleted with --case: a name that is not UTF-8 becomes %XX, custody still holds" {
	command -v debugfs >/dev/null || skip "e2fsprogs is not installed"
	mkfs.ext4 -q -F e.img 4M
	printf one >one
	debugfs -w -R "write one $(printf 'a\377b')" e.img >/dev/null 2>&1
	debugfs -w -R "rm $(printf 'a\377b')" e.img >/dev/null 2>&1
	cat_ 0 /dev/null e.img --all-deleted rec --case case
	assert_eq "$(jq -r .output case/rec/index.jsonl)" a%FFb
	assert_eq "$(jq -r .path_hex case/rec/index.jsonl)" 2f61ff62
	assert_eq "$(jq -r '.outputs[1].path' case/custody.jsonl)" rec/a%FFb
	run_tool 0 /dev/null ir-pack case -o pkg.tar.gz
}

@test "--all-deleted into a full disk: exit 3, said, and no partial file left outside the index" {
	command -v mcopy >/dev/null || skip "mtools is not installed"
	truncate -s 16M fat.img
	mkfs.fat -F 16 fat.img >/dev/null
	head -c 3000000 /dev/urandom >big.bin
	mcopy -i fat.img big.bin ::big.bin
	mdel -i fat.img ::big.bin
	mkdir full
	mount -t tmpfs -o size=1m irkit-full full || skip "cannot mount a tmpfs"
	local rc=0
	"$IRKIT_BIN/ir-cat" fat.img --all-deleted full/out 2>stderr || rc=$?
	local left
	left=$(find full/out -type f ! -name index.jsonl | wc -l)
	umount full
	check_sanitizer stderr
	[ "$rc" -eq 3 ] || fail "exit $rc"
	grep -q 'cannot write: No space left on device' stderr || fail "$(cat stderr)"
	[ "$left" -eq 0 ] || fail "$left partial files left"
}
