/*
 * ddmap: set against a byte-per-byte model, the text ddrescue writes,
 * parse of hand-edited and hostile maps, atomic save, and maps made and
 * read by GNU ddrescue and ddrescuelog when they are installed.
 */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

/* The blocks as "[pos,end)s ..." in decimal, for short expectations. */
static const char *
desc(const struct ir_ddmap *m)
{
	static char out[4096];
	size_t i, o = 0;

	out[0] = '\0';
	for (i = 0; i < m->n && o < sizeof(out) - 64; i++)
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s[%llu,%llu)%c",
		    i ? " " : "", (unsigned long long)m->blocks[i].pos,
		    (unsigned long long)(m->blocks[i].pos + m->blocks[i].size),
		    m->blocks[i].status);
	return out;
}

/* Sorted, contiguous from 0, no empty block, neighbours differ. */
static void
check_invariants(const struct ir_ddmap *m)
{
	uint64_t at = 0;
	size_t i;

	for (i = 0; i < m->n; i++) {
		assert_int_equal(m->blocks[i].pos, at);
		assert_true(m->blocks[i].size > 0);
		assert_non_null(strchr("?*/-+", m->blocks[i].status));
		if (i > 0)
			assert_int_not_equal(m->blocks[i].status,
			    m->blocks[i - 1].status);
		at += m->blocks[i].size;
	}
	assert_true(m->size >= at);
	assert_true(m->n <= m->cap);
}

static void
set_ok(struct ir_ddmap *m, uint64_t pos, uint64_t size, int st)
{
	struct ir_err e;

	assert_int_equal(ir_ddmap_set(m, pos, size, st, &e), IR_OK);
	check_invariants(m);
}

static void
parse_ok(struct ir_ddmap *m, const char *text)
{
	struct ir_err e;

	e.msg[0] = '\0';
	if (ir_ddmap_parse(m, text, strlen(text), &e) != IR_OK)
		fail_msg("parse: %s", e.msg);
	check_invariants(m);
}

static void
parse_bad(const char *text, const char *want)
{
	struct ir_ddmap m;
	struct ir_err e;

	ir_ddmap_init(&m, 0);
	e.msg[0] = '\0';
	assert_int_equal(ir_ddmap_parse(&m, text, strlen(text), &e),
	    IR_EFORMAT);
	if (strstr(e.msg, want) == NULL)
		fail_msg("'%s': got '%s', want '%s'", text, e.msg, want);
	assert_null(m.blocks);		/* unchanged */
}

static char *
format(const struct ir_ddmap *m, const char *hdr)
{
	struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_err e;

	assert_int_equal(ir_ddmap_format(m, hdr, &b, &e), IR_OK);
	return ir_buf_detach(&b, NULL);
}

static void
test_set_merge_split(void **state)
{
	struct ir_ddmap m;
	int i;

	(void)state;
	ir_ddmap_init(&m, 0);
	assert_int_equal(ir_ddmap_resume_pos(&m), 0);
	/* ir-acquire: 1 MiB blocks read in order make one block. */
	for (i = 0; i < 4; i++)
		set_ok(&m, (uint64_t)i << 20, 1 << 20, '+');
	assert_string_equal(desc(&m), "[0,4194304)+");
	/* A bad sector splits it; reading it later joins it again. */
	set_ok(&m, 1048576, 512, '-');
	assert_string_equal(desc(&m),
	    "[0,1048576)+ [1048576,1049088)- [1049088,4194304)+");
	set_ok(&m, 1049088, 512, '-');		/* next to it: grows it */
	assert_string_equal(desc(&m),
	    "[0,1048576)+ [1048576,1049600)- [1049600,4194304)+");
	set_ok(&m, 1048576, 1024, '+');
	assert_string_equal(desc(&m), "[0,4194304)+");
	/* Past the end: the hole is non-tried. */
	set_ok(&m, 5 << 20, 100, '-');
	assert_string_equal(desc(&m),
	    "[0,4194304)+ [4194304,5242880)? [5242880,5242980)-");
	assert_int_equal(ir_ddmap_resume_pos(&m), 4194304);
	assert_int_equal(ir_ddmap_total(&m, '?'), 1 << 20);
	assert_int_equal(ir_ddmap_total(&m, '-'), 100);
	/* Across several blocks, starting and ending inside blocks. */
	set_ok(&m, 4194000, 1048976, '*');
	assert_string_equal(desc(&m),
	    "[0,4194000)+ [4194000,5242976)* [5242976,5242980)-");
	/* Covering all at once. */
	set_ok(&m, 0, 5242980, '/');
	assert_string_equal(desc(&m), "[0,5242980)/");
	set_ok(&m, 0, 0, '+');			/* size 0: nothing */
	assert_string_equal(desc(&m), "[0,5242980)/");
	/* Exactly one block between two of the same status: one block. */
	set_ok(&m, 10, 10, '+');
	set_ok(&m, 20, 10, '-');
	set_ok(&m, 30, 10, '+');
	set_ok(&m, 20, 10, '+');
	assert_string_equal(desc(&m), "[0,10)/ [10,40)+ [40,5242980)/");
	ir_ddmap_release(&m);
	assert_null(m.blocks);
	assert_int_equal(m.n, 0);
}

static void
test_set_known_size(void **state)
{
	struct ir_ddmap m;
	struct ir_err e;

	(void)state;
	ir_ddmap_init(&m, 4096);
	assert_int_equal(m.n, 0);		/* the tail is implicit */
	assert_int_equal(ir_ddmap_total(&m, '?'), 4096);
	assert_int_equal(ir_ddmap_resume_pos(&m), 0);
	set_ok(&m, 0, 1024, '+');
	assert_int_equal(ir_ddmap_resume_pos(&m), 1024);
	assert_int_equal(ir_ddmap_total(&m, '?'), 3072);
	set_ok(&m, 1024, 3072, '+');
	assert_int_equal(ir_ddmap_resume_pos(&m), 4096);	/* complete */
	assert_int_equal(ir_ddmap_total(&m, '?'), 0);
	assert_int_equal(ir_ddmap_total(&m, '+'), 4096);
	/* A source that turned out larger: the map grows. */
	set_ok(&m, 4096, 512, '-');
	assert_int_equal(m.size, 4608);
	assert_int_equal(ir_ddmap_resume_pos(&m), 4608);

	assert_int_equal(ir_ddmap_set(&m, 0, 1, 'x', &e), IR_EINVAL);
	assert_int_equal(ir_ddmap_set(&m, 0, 1, 'F', &e), IR_EINVAL);
	assert_int_equal(ir_ddmap_set(&m, 1, INT64_MAX, '+', &e), IR_EINVAL);
	assert_int_equal(ir_ddmap_set(&m, UINT64_MAX, 1, '+', &e), IR_EINVAL);
	assert_non_null(strstr(e.msg, "2^63-1"));
	assert_string_equal(desc(&m), "[0,4096)+ [4096,4608)-");
	set_ok(&m, 0, INT64_MAX, '?');		/* the very end is fine */
	assert_int_equal(m.size, INT64_MAX);
	ir_ddmap_release(&m);

	ir_ddmap_init(&m, UINT64_MAX);		/* past ddrescue: unknown */
	assert_int_equal(m.size, 0);
}

/* Random sets against an array of statuses, one per byte. */
static void
test_set_model(void **state)
{
	unsigned char model[400];
	static const char st[] = "?*/-+";
	struct ir_ddmap m;
	uint32_t seed = 12345;
	uint64_t pos, size, len, i, j;
	int round, op, s;

	(void)state;
	for (round = 0; round < 40; round++) {
		len = round % 2 ? 100 : 0;
		ir_ddmap_init(&m, len);
		memset(model, '?', sizeof(model));
		for (op = 0; op < 500; op++) {
			pos = ut_rand(&seed) % 300;
			size = ut_rand(&seed) % (op % 7 == 0 ? 90 : 12);
			s = st[ut_rand(&seed) % 5];
			set_ok(&m, pos, size, s);
			memset(model + pos, s, size);
			if (size > 0 && pos + size > len)
				len = pos + size;
			assert_int_equal(m.size, len);
			for (i = 0; i < m.n; i++)
				for (j = 0; j < m.blocks[i].size; j++)
					assert_int_equal(model[m.blocks[i].pos +
					    j], m.blocks[i].status);
			for (j = m.n ? m.blocks[m.n - 1].pos +
			    m.blocks[m.n - 1].size : 0; j < len; j++)
				assert_int_equal(model[j], '?');
			for (i = 0; i < len && (model[i] == '+' ||
			    model[i] == '-'); i++)
				;
			assert_int_equal(ir_ddmap_resume_pos(&m), i);
		}
		ir_ddmap_release(&m);
	}
}

/*
 * A 2 TB disk read in 1 MiB blocks with a bad sector in every 500th:
 * two million sets, then a retry pass over the bad ones in the middle.
 */
static void
test_set_big_disk(void **state)
{
	struct ir_ddmap m;
	struct timespec t0, t1;
	uint64_t blk, nblk = (2000000000000ULL >> 20), bad = 0;
	double s;

	(void)state;
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	ir_ddmap_init(&m, 2000000000000ULL);
	for (blk = 0; blk < nblk; blk++) {
		if (blk % 500 == 7) {
			/* Read sector by sector: one is bad. */
			assert_int_equal(ir_ddmap_set(&m, blk << 20, 4096, '+',
			    NULL), IR_OK);
			assert_int_equal(ir_ddmap_set(&m, (blk << 20) + 4096,
			    512, '-', NULL), IR_OK);
			assert_int_equal(ir_ddmap_set(&m, (blk << 20) + 4608,
			    (1 << 20) - 4608, '+', NULL), IR_OK);
			bad++;
		} else
			assert_int_equal(ir_ddmap_set(&m, blk << 20, 1 << 20,
			    '+', NULL), IR_OK);
	}
	assert_int_equal(m.n, 2 * bad + 1);	/* the '?' tail is implicit */
	assert_int_equal(ir_ddmap_total(&m, '-'), bad * 512);
	assert_int_equal(ir_ddmap_resume_pos(&m), nblk << 20);
	/* Retry: every other bad sector reads now, in the middle of it all. */
	for (blk = 7; blk < nblk; blk += 1000)
		assert_int_equal(ir_ddmap_set(&m, (blk << 20) + 4096, 512, '+',
		    NULL), IR_OK);
	check_invariants(&m);
	assert_int_equal(ir_ddmap_total(&m, '-'), (bad / 2) * 512);
	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("# %llu sets in %.3f s, %zu blocks\n",
	    (unsigned long long)(nblk + 2 * bad + bad / 2), s, m.n);
	assert_true(s < 60);		/* a full scan per set takes hours */
	ir_ddmap_release(&m);
}

static void
test_format_exact(void **state)
{
	struct ir_ddmap m;
	char want[2048], *got;

	(void)state;
	ir_ddmap_init(&m, 0x1000);
	set_ok(&m, 0, 0x400, '+');
	set_ok(&m, 0x400, 0x200, '-');
	m.current_pos = 0x600;
	got = format(&m, "ir-acquire -o img /dev/sdb");
	(void)snprintf(want, sizeof(want),
	    "# Mapfile. Created by irkit version %s\n"
	    "# Command line: ir-acquire -o img /dev/sdb\n"
	    "# current_pos  current_status  current_pass\n"
	    "0x00000600     ?               1\n"
	    "#      pos        size  status\n"
	    "0x00000000  0x00000400  +\n"
	    "0x00000400  0x00000200  -\n"
	    "0x00000600  0x00000A00  ?\n", ir_version());
	assert_string_equal(got, want);
	free(got);

	/* Wide numbers; the tail joins a non-tried last block; no header. */
	set_ok(&m, 0x123456789AB, 0x10, '+');
	set_ok(&m, 0x123456789BB, 0x10, '?');
	m.size = 0x20000000000;
	m.current_status = '+';
	m.current_pass = 12;
	got = format(&m, NULL);
	(void)snprintf(want, sizeof(want),
	    "# Mapfile. Created by irkit version %s\n"
	    "# current_pos  current_status  current_pass\n"
	    "0x00000600     +               12\n"
	    "#      pos        size  status\n"
	    "0x00000000  0x00000400  +\n"
	    "0x00000400  0x00000200  -\n"
	    "0x00000600  0x123456783AB  ?\n"
	    "0x123456789AB  0x00000010  +\n"
	    "0x123456789BB  0xDCBA987645  ?\n", ir_version());
	assert_string_equal(got, want);
	free(got);
	ir_ddmap_release(&m);

	/* A command line cannot add a line to the map. */
	ir_ddmap_init(&m, 0);
	got = format(&m, "ir-acquire 'a\n0x0 0x100 +\r'\tb");
	assert_non_null(strstr(got, "# Command line: ir-acquire "
	    "'a\\x0a0x0 0x100 +\\x0d'\tb\n# current_pos"));
	assert_string_equal(strstr(got, "status\n"), "status\n");
	free(got);
	ir_ddmap_release(&m);
}

static void
test_format_rejects_bad_map(void **state)
{
	struct ir_ddmap_block bl[2] = { { 0, 10, '+' }, { 11, 5, '-' } };
	struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_ddmap m;
	struct ir_err e;

	(void)state;
	ir_ddmap_init(&m, 0);
	m.blocks = bl;
	m.n = m.cap = 2;
	m.size = 16;
	assert_int_equal(ir_ddmap_format(&m, NULL, &b, &e), IR_EINVAL);
	bl[1].pos = 10;
	bl[1].status = '+';				/* not merged */
	assert_int_equal(ir_ddmap_format(&m, NULL, &b, &e), IR_EINVAL);
	bl[1].status = '-';
	m.current_status = 'x';
	assert_int_equal(ir_ddmap_format(&m, NULL, &b, &e), IR_EINVAL);
	m.current_status = 'G';
	m.current_pass = 0;
	assert_int_equal(ir_ddmap_format(&m, NULL, &b, &e), IR_EINVAL);
	assert_int_equal(b.len, 0);
	m.current_pass = 1;
	assert_int_equal(ir_ddmap_format(&m, NULL, &b, &e), IR_OK);
	ir_buf_release(&b);
}

static void
test_parse_accepts(void **state)
{
	struct ir_ddmap m, m2;
	char *text;

	(void)state;
	ir_ddmap_init(&m, 0);
	/* The example of the ddrescue manual, as is. */
	parse_ok(&m,
	    "# Mapfile. Created by GNU ddrescue version 1.27\n"
	    "# Command line: ddrescue -d -c18 /dev/fd0 fdimage mapfile\n"
	    "# Start time:   2015-07-21 09:37:44\n"
	    "# Current time: 2015-07-21 09:38:19\n"
	    "# Copying non-tried blocks... Pass 1 (forwards)\n"
	    "# current_pos  current_status  current_pass\n"
	    "0x00120000     ?               1\n"
	    "#      pos        size  status\n"
	    "0x00000000  0x00117000  +\n"
	    "0x00117000  0x00000200  -\n"
	    "0x00117200  0x00001000  /\n"
	    "0x00118200  0x00007E00  *\n"
	    "0x00120000  0x00048000  ?\n");
	assert_int_equal(m.current_pos, 0x120000);
	assert_int_equal(m.current_status, '?');
	assert_int_equal(m.current_pass, 1);
	assert_int_equal(m.n, 5);
	assert_int_equal(m.size, 0x168000);
	assert_int_equal(ir_ddmap_resume_pos(&m), 0x117200);
	assert_int_equal(ir_ddmap_total(&m, '-'), 0x200);

	/* Round trip: format, parse, the same map. */
	text = format(&m, "x");
	ir_ddmap_init(&m2, 0);
	parse_ok(&m2, text);
	free(text);
	assert_string_equal(desc(&m2), desc(&m));
	assert_int_equal(m2.size, m.size);
	assert_int_equal(m2.current_pos, m.current_pos);
	ir_ddmap_release(&m2);

	/*
	 * Hand-edited, as ddrescue 1.27 takes it: octal and decimal, no
	 * pass (1), comments after blanks, CR LF, tabs, blank lines, 'F'.
	 */
	parse_ok(&m, "\n  010\tF # filling\r\n\r\n0 010 + # eight\r\n"
	    "8 0X10 -#x\n24 0x1 ?");
	assert_int_equal(m.current_pos, 8);
	assert_int_equal(m.current_status, 'F');
	assert_int_equal(m.current_pass, 1);
	assert_string_equal(desc(&m), "[0,8)+ [8,24)- [24,25)?");

	/* Not from 0: non-tried before, as ddrescue reads it. */
	parse_ok(&m, "0 ? 7\n0x10 0x10 +\n");
	assert_string_equal(desc(&m), "[0,16)? [16,32)+");
	assert_int_equal(m.current_pass, 7);
	parse_ok(&m, "0 ? 1\n0x10 0x10 ?\n0x20 1 -\n");
	assert_string_equal(desc(&m), "[0,32)? [32,33)-");
	/* Neighbours of one status are merged. */
	parse_ok(&m, "0 + 1\n0 4 +\n4 4 +\n8 4 -\n12 4 -\n");
	assert_string_equal(desc(&m), "[0,8)+ [8,16)-");
	/* No blocks at all; the largest end. */
	parse_ok(&m, "0 + 1\n");
	assert_int_equal(m.n, 0);
	assert_int_equal(m.size, 0);
	parse_ok(&m, "0x7FFFFFFFFFFFFFFF G 2147483647\n"
	    "0xC00 0x7FFFFFFFFFFFF3FF -\n");
	assert_int_equal(m.size, INT64_MAX);
	assert_int_equal(m.current_pos, INT64_MAX);
	assert_int_equal(m.current_pass, 2147483647);
	assert_string_equal(desc(&m), "[0,3072)? [3072,9223372036854775807)-");
	ir_ddmap_release(&m);
}

static void
test_parse_rejects(void **state)
{
	struct ir_ddmap m;
	struct ir_err e;
	static const char ok[] = "0 + 1\n0 4 +\n";

	(void)state;
	/* What ddrescue rejects. */
	parse_bad("", "no status line");
	parse_bad("# only a comment\n\n", "no status line");
	parse_bad("0 4 +\n", "line 1: bad current_status");
	parse_bad("0 + 1\n0 0x10 +\n0x20 0x10 -\n",
	    "line 3: gap: block at 0x20, the one before ends at 0x10");
	parse_bad("0 + 1\n0 0x10 +\n0x8 0x10 -\n", "line 3: overlap");
	parse_bad("0 + 1\n0x10 0x10 +\n0x20 1 -\n0 0x10 -\n",
	    "line 4: blocks out of order");
	parse_bad("0 + 1\n0 4 x\n", "line 2: bad block status");
	parse_bad("0 + 1\n0 4 F\n", "line 2: bad block status");
	parse_bad("0 X 1\n", "line 1: bad current_status");
	parse_bad("0 + 1\n0 0x10 +\n0x10 0 -\n", "line 3: block of size 0");
	parse_bad("0 + 1\n0xZZ 4 +\n", "line 2: bad number");
	parse_bad("0 + 1\n0 4x +\n", "line 2: bad number");
	parse_bad("0 + 1\n0 09 +\n", "line 2: bad number");	/* octal */
	parse_bad("0 + 1\n-1 4 +\n", "line 2: bad number");
	parse_bad("0 + 1\n0 -4 +\n", "line 2: bad number");
	parse_bad("0 + 0\n", "line 1: bad current_pass");
	parse_bad("0 + -1\n", "line 1: bad current_pass");
	parse_bad("0 + 0x2\n", "line 1: bad current_pass");
	parse_bad("0 + 2147483648\n", "line 1: bad current_pass");
	parse_bad("0 + 1\n0 + 1\n", "line 2: bad number");
	/* What ddrescue would clamp or ignore. */
	parse_bad("0 + 1\n0 0x8000000000000000 +\n",
	    "line 2: number past 2^63-1");
	parse_bad("0 + 1\n0 0x10000000000000000 +\n", "number past 2^63-1");
	parse_bad("0 + 1\n0 99999999999999999999 +\n", "number past 2^63-1");
	parse_bad("0x8000000000000000 + 1\n", "line 1: number past 2^63-1");
	parse_bad("0 + 1\n1 0x7FFFFFFFFFFFFFFF +\n",
	    "line 2: block ends past 2^63-1");
	parse_bad("0 + 1\n0 4 + junk\n", "line 2: bad block line");
	parse_bad("0 + 1\n0 4\n", "line 2: bad block line");
	parse_bad("0 + 1 x\n", "line 1: bad status line");
	parse_bad("0\n", "line 1: bad status line");
	parse_bad("0 ++ 1\n", "line 1: bad current_status");
	parse_bad("0 + 1\n0 4 ++\n", "line 2: bad block status");
	parse_bad("0 + 1\n0x 4 +\n", "line 2: bad number");
	parse_bad("0 + 1\n+0 4 +\n", "line 2: bad number");

	ir_ddmap_init(&m, 0);
	assert_int_equal(ir_ddmap_parse(&m, "0 + 1\n0 4 +\n\0\n", 14, &e),
	    IR_EFORMAT);
	assert_string_equal(e.msg, "mapfile: NUL byte at offset 12");

	/* A failed parse leaves the map as it was. */
	ir_ddmap_init(&m, 0);
	parse_ok(&m, ok);
	assert_int_equal(ir_ddmap_parse(&m, "0 + 1\n0 4 +\n8 4 -\n", 17, &e),
	    IR_EFORMAT);
	assert_string_equal(desc(&m), "[0,4)+");
	ir_ddmap_release(&m);
}

static void
read_all(const char *path, struct ir_buf *b)
{
	struct ir_err e;

	ir_buf_init(b, IR_BUF_NOLIMIT);
	if (ir_read_file(AT_FDCWD, path, b, &e) != IR_OK)
		fail_msg("%s", e.msg);
}

static void
test_save_load(void **state)
{
	char dir[256], path[512], tmp[520], other[512], *want;
	struct ir_ddmap m, m2;
	struct ir_buf b;
	struct ir_err e;
	struct stat st;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	(void)ut_path(path, sizeof(path), dir, "img.map");
	(void)snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	ir_ddmap_init(&m, 1 << 20);
	set_ok(&m, 0, 4096, '+');
	set_ok(&m, 4096, 512, '-');
	assert_int_equal(ir_ddmap_save(&m, path, "ir-acquire x", &e), IR_OK);
	assert_int_equal(stat(tmp, &st), -1);
	assert_int_equal(errno, ENOENT);
	want = format(&m, "ir-acquire x");
	read_all(path, &b);
	assert_string_equal(b.buf, want);
	ir_buf_release(&b);
	free(want);

	/* Over the old one, past a stale .tmp that is a planted symlink. */
	(void)ut_path(other, sizeof(other), dir, "victim");
	ut_write(dir, "victim", "keep", 4);
	assert_int_equal(symlink(other, tmp), 0);
	set_ok(&m, 4608, 1 << 19, '+');
	assert_int_equal(ir_ddmap_save(&m, path, NULL, &e), IR_OK);
	assert_int_equal(lstat(tmp, &st), -1);
	read_all(other, &b);
	assert_string_equal(b.buf, "keep");
	ir_buf_release(&b);
	ir_ddmap_init(&m2, 0);
	assert_int_equal(ir_ddmap_load(&m2, path, &e), IR_OK);
	assert_string_equal(desc(&m2), desc(&m));
	assert_int_equal(m2.size, 1 << 20);
	ir_ddmap_release(&m2);

	/* Errors name the file. */
	ut_write(dir, "bad.map", "0 + 1\n0 4 +\n8 4 -\n", 18);
	(void)ut_path(other, sizeof(other), dir, "bad.map");
	assert_int_equal(ir_ddmap_load(&m2, other, &e), IR_EFORMAT);
	assert_non_null(strstr(e.msg, "bad.map: mapfile line 3: gap"));
	(void)ut_path(other, sizeof(other), dir, "none.map");
	assert_int_not_equal(ir_ddmap_load(&m2, other, &e), IR_OK);
	assert_non_null(strstr(e.msg, "none.map"));

	/* No such directory. */
	(void)ut_path(other, sizeof(other), dir, "nodir/img.map");
	assert_int_equal(ir_ddmap_save(&m, other, NULL, &e), IR_EIO);
	assert_non_null(strstr(e.msg, "cannot create '"));
	assert_non_null(strstr(e.msg, "nodir/img.map.tmp': No such file"));

	/* An unwritable directory: root writes anywhere but in sysfs. */
	if (geteuid() != 0) {
		(void)ut_path(other, sizeof(other), dir, "ro");
		assert_int_equal(mkdir(other, 0555), 0);
		(void)ut_path(other, sizeof(other), dir, "ro/img.map");
	} else
		(void)snprintf(other, sizeof(other), "/sys/irkit-ddmap.map");
	if (geteuid() != 0 || stat("/sys/kernel", &st) == 0) {
		assert_int_equal(ir_ddmap_save(&m, other, NULL, &e), IR_EIO);
		assert_non_null(strstr(e.msg, "cannot create '"));
		assert_non_null(strstr(e.msg, ".map.tmp': "));
		assert_true(e.sys_errno == EACCES || e.sys_errno == EPERM ||
		    e.sys_errno == EROFS);
		assert_int_equal(lstat(other, &st), -1);
	}
	ir_ddmap_release(&m);
	ut_rmtree(dir);
}

static int
have_ddrescue(void)
{
	return system("command -v ddrescue >/dev/null 2>&1 && "
	    "command -v ddrescuelog >/dev/null 2>&1") == 0;
}

/* Maps that GNU ddrescue and ddrescuelog write, and ours read by them. */
static void
test_real_ddrescue(void **state)
{
	char dir[256], path[512], out[256];
	struct ir_ddmap m, want;
	struct ir_err e;

	(void)state;
	if (!have_ddrescue())
		skip();
	ut_tmpdir(dir, sizeof(dir));
	ut_sh("cd '%s' && head -c 100000 /dev/zero >in && "
	    "ddrescue -q in out a.map && ddrescue -q -s 50000 in out2 b.map",
	    dir);
	ir_ddmap_init(&m, 0);
	assert_int_equal(ir_ddmap_load(&m, ut_path(path, sizeof(path), dir,
	    "a.map"), &e), IR_OK);
	assert_string_equal(desc(&m), "[0,100000)+");
	assert_int_equal(m.current_status, '+');
	assert_int_equal(ir_ddmap_resume_pos(&m), 100000);
	/* Stopped half way (-s): the rest is non-tried. */
	assert_int_equal(ir_ddmap_load(&m, ut_path(path, sizeof(path), dir,
	    "b.map"), &e), IR_OK);
	assert_string_equal(desc(&m), "[0,50000)+ [50000,100000)?");
	assert_int_equal(ir_ddmap_resume_pos(&m), 50000);

	/* ddrescuelog -c: sectors 0, 1 and 5 good of 8. */
	ut_sh("cd '%s' && printf '0\\n1\\n5\\n' | ddrescuelog -b512 -s 4096 "
	    "-c+- - >c.map", dir);
	assert_int_equal(ir_ddmap_load(&m, ut_path(path, sizeof(path), dir,
	    "c.map"), &e), IR_OK);
	ir_ddmap_init(&want, 4096);
	set_ok(&want, 0, 1024, '+');
	set_ok(&want, 1024, 3072, '-');
	set_ok(&want, 2560, 512, '+');
	assert_string_equal(desc(&m), desc(&want));
	/* Ours, read by ddrescuelog: the same map, and its -t accepts it. */
	assert_int_equal(ir_ddmap_save(&want, ut_path(path, sizeof(path), dir,
	    "ours.map"), "test", &e), IR_OK);
	ut_sh("cd '%s' && ddrescuelog -p ours.map c.map && "
	    "ddrescuelog -t ours.map >/dev/null", dir);
	/* Edited by ddrescuelog: bad becomes non-scraped. */
	ut_sh("cd '%s' && ddrescuelog -a '-,/' ours.map >ed.map", dir);
	assert_int_equal(ir_ddmap_load(&m, ut_path(path, sizeof(path), dir,
	    "ed.map"), &e), IR_OK);
	assert_string_equal(desc(&m), "[0,1024)+ [1024,2560)/ [2560,3072)+ "
	    "[3072,4096)/");
	/* Unknown size: ddrescuelog ends the map at 2^63-1. */
	ut_sh("cd '%s' && printf '0\\n' | ddrescuelog -b512 -c+- - >d.map",
	    dir);
	assert_int_equal(ir_ddmap_load(&m, ut_path(path, sizeof(path), dir,
	    "d.map"), &e), IR_OK);
	assert_string_equal(desc(&m), "[0,512)+ [512,9223372036854775807)-");
	/* Each status and a wide map, through both. */
	ir_ddmap_release(&want);
	ir_ddmap_init(&want, 0x30000000000ULL);
	set_ok(&want, 0, 0x10000, '+');
	set_ok(&want, 0x10000, 0x200, '-');
	set_ok(&want, 0x10200, 0x1000, '/');
	set_ok(&want, 0x11200, 0x7E00, '*');
	set_ok(&want, 0x123456789000ULL, 0x200, '+');
	want.current_pos = 0x11200;
	want.current_status = '*';
	want.current_pass = 3;
	assert_int_equal(ir_ddmap_save(&want, ut_path(path, sizeof(path), dir,
	    "e.map"), "test", &e), IR_OK);
	ut_sh_line(out, sizeof(out), "cd '%s' && ddrescuelog -t e.map | "
	    "grep -o 'current status: [a-z]*'", dir);
	assert_string_equal(out, "current status: trimming");
	/* Its finished sectors: 0 to 127, and the one far out. */
	ut_sh("cd '%s' && ddrescuelog -b512 -l+ e.map >e.list && "
	    "seq 0 127 >e.want && echo %llu >>e.want && diff e.want e.list",
	    dir, 0x123456789000ULL / 512);
	ir_ddmap_release(&m);
	ir_ddmap_release(&want);
	ut_rmtree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_merge_split),
		cmocka_unit_test(test_set_known_size),
		cmocka_unit_test(test_set_model),
		cmocka_unit_test(test_set_big_disk),
		cmocka_unit_test(test_format_exact),
		cmocka_unit_test(test_format_rejects_bad_map),
		cmocka_unit_test(test_parse_accepts),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_save_load),
		cmocka_unit_test(test_real_ddrescue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
