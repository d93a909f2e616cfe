#!/usr/bin/env bats
# ir-timeline against The Sleuth Kit's mactime on bodyfiles that fls
# writes of ext4 images built at test time: the same CSV byte for byte,
# the same date ranges (also in another time zone), JSON Lines output,
# irkit records as input (the same rows as their bodyfile), mixed inputs,
# the external merge, bad lines, -o and the usage errors.

load common

FIX=$BATS_TEST_DIRNAME/../fixtures

setup() {
	irkit_setup
	command -v mactime >/dev/null || skip "sleuthkit (mactime) is not installed"
	command -v mkfs.ext4 >/dev/null || skip "e2fsprogs is not installed"
}

tl() {
	local want=$1 out=$2
	shift 2
	run_tool "$want" "$out" ir-timeline "$@"
}

# ext4 image ext.img of a small tree with chosen times, a deleted file,
# a symlink and names with blanks, quotes and commas; its fls bodyfile.
ext4_body() {
	mkdir -p src/dir
	echo hi >src/a.txt
	echo x >'src/with space.txt'
	echo q >'src/quote"d.txt'
	echo c >'src/comma,name'
	echo d >src/dir/b.bin
	echo g >src/gone.txt
	ln -s a.txt src/link
	touch -d '2024-01-15 12:00:00Z' src/a.txt 'src/with space.txt'
	touch -a -d '2024-02-01 08:30:00Z' src/a.txt
	touch -d '2024-07-01 10:00:00Z' 'src/quote"d.txt' src/dir/b.bin
	touch -m -d '2023-12-31 23:59:59Z' 'src/comma,name'
	touch -d '2024-03-31 00:30:00Z' src/dir
	mkfs.ext4 -q -F -d src ext.img 8M >/dev/null 2>&1 || fail "mkfs.ext4 failed"
	debugfs -w -R "rm gone.txt" ext.img >/dev/null 2>&1
	fls -r -m / ext.img >body || fail "fls failed"
	grep -q '(deleted)' body || fail "no deleted file in the bodyfile"
}

mac() {
	mactime -b "$1" -d -y -z UTC "${@:2}" 2>/dev/null
}

@test "csv: byte for byte what mactime -b -d -y -z UTC writes" {
	ext4_body
	tl 0 out.csv body
	mac body >want.csv
	[ "$(wc -l <want.csv)" -gt 10 ] || fail "too few rows"
	diff want.csv out.csv
	# from stdin, and with '-'
	run_tool 0 stdin.csv ir-timeline <body
	diff want.csv stdin.csv
	run_tool 0 dash.csv ir-timeline - <body
	diff want.csv dash.csv
}

@test "csv: a DOS disk's ext4 partition with its deleted file, as mactime" {
	sh "$FIX/mkdisk-dos.sh" . || fail "mkdisk-dos.sh failed"
	fls -r -m / -o 2048 disk.img >body || fail "fls failed"
	tl 0 out.csv body
	mac body >want.csv
	diff want.csv out.csv
	grep -qF '"/gone.txt (deleted)"' out.csv
}

@test "--from/--to: mactime's DATE range (from inclusive, to exclusive)" {
	ext4_body
	tl 0 a.csv --from 2024-01-01 --to 2024-07-01 body
	diff <(mac body 2024-01-01..2024-07-01) a.csv
	grep -q '^2024-02-01T08:30:00Z,' a.csv
	refute grep -q '^2024-07-01' a.csv
	tl 0 b.csv --from 2024-01-15T12:00:00 --to '2024-07-01 10:00:01' body
	diff <(mac body 2024-01-15T12:00:00..2024-07-01T10:00:01) b.csv
	grep -q '^2024-01-15T12:00:00Z,' b.csv
	grep -q '^2024-07-01T10:00:00Z,' b.csv
	tl 0 c.csv --from 2024-02-01T08:30:01Z body
	diff <(mac body 2024-02-01T08:30:01) c.csv
	refute grep -q '^2024-02-01' c.csv
}

@test "--tz: dates shown and --from/--to read in the zone" {
	ext4_body
	# mactime -y shows UTC whatever -z says, but reads DATE in the zone
	tl 0 berlin.csv --tz Europe/Berlin --from 2024-01-15T13:00:00 \
	    --to 2024-07-01T12:00:01 body
	mactime -b body -d -y -z Europe/Berlin 2024-01-15T13:00:00..2024-07-01T12:00:01 \
	    2>/dev/null >want.csv
	diff <(cut -d, -f2- want.csv) <(cut -d, -f2- berlin.csv)
	[ "$(wc -l <berlin.csv)" -gt 3 ] || fail "too few rows"
	grep -q '^2024-01-15T13:00:00+01:00,3,m...,r/rrw-r--r--,0,0,12,"/a.txt"$' berlin.csv
	grep -q '^2024-07-01T12:00:00+02:00,2,ma..,' berlin.csv
	grep -q '^2024-03-31T01:30:00+01:00,1024,' berlin.csv
	# JSON keeps UTC in "time" and adds the local date
	tl 0 berlin.jsonl -f jsonl --tz Europe/Berlin --from 2024-01-15T13:00:00 \
	    --to 2024-01-15T13:00:01 body
	assert_eq "$(jq -r '.time + " " + .local' berlin.jsonl | sort -u)" \
	    "2024-01-15T12:00:00Z 2024-01-15T13:00:00+01:00"
	tl 2 /dev/null --tz Mars/Olympus_Mons body
	assert_stderr "unknown time zone 'Mars/Olympus_Mons'"
}

@test "jsonl: one event object per CSV row, the same fields" {
	ext4_body
	tl 0 out.csv body
	tl 0 out.jsonl -f jsonl body
	assert_jsonl out.jsonl
	assert_eq "$(wc -l <out.jsonl)" "$(($(wc -l <out.csv) - 1))" "rows"
	jq -e -s 'all(.[]; .type == "event" and (.macb | test("^[m.][a.][c.][b.]$"))
	    and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"))
	    and (.inode | type == "number") and (.size | type == "number")
	    and (.uid | type == "number") and (.deleted | type == "boolean"))' \
	    out.jsonl >/dev/null
	# the same rows in the same order: time, size, macb, mode, uid, gid, inode, name
	diff <(tail -n +2 out.csv) <(jq -r '"\(.time),\(.size),\(.macb),\(.mode),\(.uid),\(.gid),\(.inode),\"\(.name | gsub("\""; "\"\""))\""' out.jsonl)
	assert_eq "$(jq -r 'select(.deleted) | .name' out.jsonl | sort -u)" \
	    "/gone.txt (deleted)"
}

@test "records: ir-walk IMAGE and ir-walk --format body IMAGE give the same timeline" {
	sh "$FIX/mkdisk-dos.sh" . || fail "mkdisk-dos.sh failed"
	walk 0 walk.jsonl disk.img
	walk 0 walk.body --format body disk.img
	tl 0 from-json.csv walk.jsonl
	tl 0 from-body.csv walk.body
	[ "$(wc -l <from-json.csv)" -gt 10 ] || fail "too few rows"
	diff from-body.csv from-json.csv
	tl 0 from-json.jsonl -f jsonl walk.jsonl
	# records keep their path and source
	jq -e -s 'all(.[]; .source == "disk.img" and (.path | type == "string"))' \
	    from-json.jsonl >/dev/null
	# and the ext4 partition alone is what mactime makes of fls
	walk 0 p0.jsonl --partition 0 disk.img
	fls -r -m / -o 2048 disk.img >fls.body
	tl 0 p0.csv p0.jsonl
	diff <(mac fls.body) p0.csv
}

@test "records: ir-walk of a live tree, as JSON Lines or as a bodyfile" {
	ext4_body
	walk 0 live.jsonl src
	walk 0 live.body --format body src
	tl 0 a.csv live.jsonl
	tl 0 b.csv live.body
	diff b.csv a.csv
	diff <(mac live.body) b.csv
	grep -qF ',"src/quote""d.txt"' a.csv
}

@test "mixed inputs: records and bodyfiles merged as one timeline" {
	ext4_body
	walk 0 live.jsonl src
	walk 0 live.body --format body src
	tl 0 mixed.csv body live.jsonl
	diff <(cat body live.body | mactime -d -y -z UTC 2>/dev/null) mixed.csv
	tl 0 mixed2.csv live.jsonl - <body
	diff mixed.csv mixed2.csv
	# a line given twice is one row, as in mactime
	tl 0 twice.csv body body
	diff <(mac body) twice.csv
}

@test "external merge: a tiny --buffer-size spills and gives the same output" {
	ext4_body
	walk 0 live.jsonl src
	for i in 1 2 3 4 5 6 7 8; do sed "s#|/#|/c$i/#" body; done >big.body
	tl 0 mem.csv big.body live.jsonl
	tl 0 spill.csv --buffer-size 1K --tmpdir "$BATS_TEST_TMPDIR" big.body live.jsonl
	diff mem.csv spill.csv
	tl 0 mem.jsonl -f jsonl big.body live.jsonl
	tl 0 spill.jsonl -f jsonl --buffer-size 0 big.body live.jsonl
	diff mem.jsonl spill.jsonl
	diff <(mac big.body) <(run_tool 0 /dev/stdout ir-timeline --buffer-size 2k big.body)
	# the temporary files are gone
	assert_eq "$(find "$BATS_TEST_TMPDIR" -name 'irkit-timeline.*' | wc -l)" 0
	tl 3 /dev/null --buffer-size 1K --tmpdir "$BATS_TEST_TMPDIR/none" big.body
	assert_stderr "cannot create a temporary file in '$BATS_TEST_TMPDIR/none'"
}

@test "names with '|': the name is what lies between the first and the last nine fields" {
	printf '0|/a|b|c|7|r/rrw-r--r--|0|0|5|1|1|1|1\n' >body
	tl 0 out.csv body
	assert_eq "$(tail -n 1 out.csv)" \
	    '1970-01-01T00:00:01Z,5,macb,r/rrw-r--r--,0,0,7,"/a|b|c"'
}

@test "bad lines: file and line named, the rest written, exit 3" {
	ext4_body
	{ head -n 3 body; echo 'not a timeline line'; echo '0|/x|1|r/r|0|0|0|1|2|3';
	  echo '{"type":"file","path":"/y","mtime":"noon"}'; tail -n +4 body; } >bad.body
	tl 3 out.csv bad.body
	assert_stderr "ir-timeline: bad.body:4: neither a bodyfile line nor a JSON record"
	assert_stderr "bad.body:5: bodyfile line has 10 fields, not 11"
	assert_stderr "bad.body:6: bad mtime 'noon'"
	assert_stderr "3 lines could not be read"
	diff <(mac body) out.csv
	tl 3 out.jsonl -f jsonl bad.body
	assert_eq "$(tail -n 1 out.jsonl | jq -r .type)" incomplete
	# an input that cannot be opened: the others still count
	tl 3 out2.csv missing.body body
	assert_stderr "cannot open 'missing.body'"
	diff <(mac body) out2.csv
	# records that carry no times (problems) are no error
	printf '%s\n' '{"type":"problem","path":"/x","error":"unreadable"}' >p.jsonl
	tl 0 p.csv p.jsonl
	assert_eq "$(cat p.csv)" "Date,Size,Type,Mode,UID,GID,Meta,File Name"
}

@test "-o: a new file; an existing one is never overwritten" {
	ext4_body
	tl 0 /dev/null -o out.csv body
	diff <(mac body) out.csv
	echo keep >old.csv
	tl 2 /dev/null -o old.csv body
	assert_stderr "'old.csv' exists; not overwriting it"
	assert_eq "$(cat old.csv)" keep
}

@test "--case: the timeline goes into the case and its custody log" {
	ext4_body
	tl 0 /dev/null --case case body
	[ -f case/custody.jsonl ] || fail "no custody log"
	out=$(find case -name 'ir-timeline*.csv' | head -n 1)
	[ -n "$out" ] || fail "no output in the case"
	diff <(mac body) "$out"
}

@test "usage: --help, --version, bad options and dates exit as documented" {
	run_tool 0 help.txt ir-timeline --help
	grep -q '^usage: ir-timeline' help.txt
	run_tool 0 version.txt ir-timeline --version
	grep -q '^ir-timeline (irkit) ' version.txt
	tl 2 /dev/null --format xml
	assert_stderr "unknown format 'xml' (want csv or jsonl)"
	tl 2 /dev/null --from 2024-13-01
	assert_stderr "--from: bad date '2024-13-01'"
	tl 2 /dev/null --from 2024-02-01 --to 2024-01-01
	assert_stderr "--to must be later than --from"
	tl 2 /dev/null --buffer-size lots
	tl 2 /dev/null - -
	tl 2 /dev/null --nonsense
}
