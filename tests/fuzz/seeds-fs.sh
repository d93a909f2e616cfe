#!/bin/sh
# seeds-fs.sh OUTDIR: tiny disk images for the fs fuzzer (build/fuzz/fs),
# made at fuzz time rather than kept as binaries in git.  Each is as small
# as its mkfs allows, with a file, a directory and a deleted file where the
# tools can make one without mounting.  A missing tool skips its images;
# at least one image must come out.
set -u
out=$1
mkdir -p "$out"
out=$(cd "$out" && pwd)
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
cd "$w" || exit 2

have() {
	command -v "$1" >/dev/null 2>&1
}

mkdir -p src/d
echo hello > src/a.txt
echo bye > src/gone.txt
echo deep > src/d/b.bin
# Bigger than an NTFS MFT record and a FAT cluster: a non-resident run.
i=0
while [ $i -lt 64 ]; do
	echo "line $i of a file that spans more than one block"
	i=$((i + 1))
done > src/big.txt
ln -s a.txt src/link
echo stream > ads.txt

# FAT12, 64 KiB: files, a directory, a deleted file (_one.txt).
fat() {
	rm -f "$1"
	mkfs.fat -C "$1" 64 >/dev/null 2>&1 &&
	    mcopy -i "$1" src/a.txt src/gone.txt src/big.txt ::/ &&
	    mmd -i "$1" ::/sub &&
	    mcopy -i "$1" src/d/b.bin ::/sub/ &&
	    mdel -i "$1" ::/gone.txt
}
if have mkfs.fat && have mcopy; then
	fat fat12.img && cp fat12.img "$out/fat12.img"
	# The same FAT behind a DOS partition table, and a GPT one.
	if have sfdisk && [ -f fat12.img ]; then
		truncate -s 96K dos.img
		printf 'label: dos\nstart=64, size=128, type=1\n' |
		    sfdisk -q dos.img >/dev/null 2>&1 &&
		    dd if=fat12.img of=dos.img bs=512 seek=64 conv=notrunc \
		    status=none && cp dos.img "$out/dos-fat12.img"
		truncate -s 120K gpt.img
		printf 'label: gpt\nstart=40, size=128\n' |
		    sfdisk -q gpt.img >/dev/null 2>&1 &&
		    dd if=fat12.img of=gpt.img bs=512 seek=40 conv=notrunc \
		    status=none && cp gpt.img "$out/gpt-fat12.img"
	fi
fi

# ext2 (block maps) and ext4 without a journal (extents), deleted gone.txt.
if have mkfs.ext2 && have debugfs; then
	mkfs.ext2 -q -F -b 1024 -N 32 -d src ext2.img 128K >/dev/null 2>&1 &&
	    debugfs -w -R "rm gone.txt" ext2.img >/dev/null 2>&1 &&
	    cp ext2.img "$out/ext2.img"
	mkfs.ext4 -q -F -b 1024 -N 32 -O ^has_journal,^resize_inode -d src \
	    ext4.img 192K >/dev/null 2>&1 &&
	    debugfs -w -R "rm gone.txt" ext4.img >/dev/null 2>&1 &&
	    cp ext4.img "$out/ext4.img"
fi

# NTFS, the smallest mkntfs makes (1 MiB), cut to the first 256 KiB (boot
# sector, $MFT, $UpCase: all libtsk needs to walk it), which keeps it
# under libFuzzer's default length limit.  a.txt with a stream "ads";
# big.txt non-resident; gone.txt's MFT record marked free (no tool
# deletes without mounting).
if have mkntfs && have ntfscp && have istat; then
	truncate -s 1100K ntfs.img
	if mkntfs -q -F -f -s 512 -c 512 -H 1 -S 1 -p 0 ntfs.img \
	    >/dev/null 2>&1 &&
	    ntfscp -q ntfs.img src/a.txt a.txt &&
	    ntfscp -q -N ads ntfs.img ads.txt a.txt &&
	    ntfscp -q ntfs.img src/big.txt big.txt &&
	    ntfscp -q ntfs.img src/gone.txt gone.txt; then
		# Clear the in-use flag (offset 22) of gone.txt's record.
		# $MFT's first cluster (512 bytes; the run is contiguous).
		mft=$(istat ntfs.img 0 2>/dev/null |
		    awk '/^Type: \$DATA/ { getline; print $1; exit }')
		ino=$(ntfsinfo -F gone.txt ntfs.img 2>/dev/null |
		    awk '/^Dumping Inode/ { print $3; exit }')
		if [ -n "$mft" ] && [ -n "$ino" ]; then
			printf '\000' | dd of=ntfs.img bs=1 \
			    seek=$((mft * 512 + ino * 1024 + 22)) conv=notrunc \
			    status=none
		fi
		truncate -s 256K ntfs.img
		cp ntfs.img "$out/ntfs.img"
	fi
fi

# exFAT: 256 KiB with 512-byte clusters (no files: that needs a mount).
if have mkfs.exfat; then
	truncate -s 256K exfat.img
	mkfs.exfat -c 512 -b 4K exfat.img >/dev/null 2>&1 &&
	    cp exfat.img "$out/exfat.img"
fi

# ISO 9660 with Joliet and Rock Ridge.
if have genisoimage; then
	genisoimage -quiet -J -R -o iso.img src >/dev/null 2>&1 &&
	    cp iso.img "$out/iso9660.img"
fi

ls "$out"/*.img >/dev/null 2>&1
