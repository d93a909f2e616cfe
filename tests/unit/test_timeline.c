/*
 * timeline: bodyfile and record lines, MACB grouping as mactime does it,
 * dates of --from/--to, the sorter in memory and spilled, the writers.
 */
#include "unit.h"

#include <time.h>

static struct ir_tl_parser *
parser(void)
{
	struct ir_tl_parser *p;

	assert_int_equal(ir_tl_parser_new(&p, NULL), IR_OK);
	return p;
}

static int
parse(struct ir_tl_parser *p, const char *line, struct ir_tl_entry *en,
    struct ir_err *e)
{
	return ir_tl_parse_line(p, line, strlen(line), en, e);
}

static void
assert_bytes(const char *s, size_t n, const char *want)
{
	assert_int_equal(n, strlen(want));
	assert_memory_equal(s, want, n);
}

static void
test_body(void **state)
{
	struct ir_tl_parser *p = parser();
	struct ir_tl_entry en;
	struct ir_err e;

	(void)state;
	assert_int_equal(parse(p, "0|/etc/passwd|131|r/rrw-r--r--|0|0|1234|"
	    "1700000001|1700000002|1700000003|0\r", &en, &e), IR_OK);
	assert_bytes(en.name, en.namelen, "/etc/passwd");
	assert_bytes(en.inode, en.inodelen, "131");
	assert_bytes(en.mode, en.modelen, "r/rrw-r--r--");
	assert_int_equal(en.size, 1234);
	assert_int_equal(en.atime, 1700000001);
	assert_int_equal(en.mtime, 1700000002);
	assert_int_equal(en.ctime, 1700000003);
	assert_int_equal(en.crtime, 0);	/* the CR is not part of it */
	assert_null(en.path);
	assert_false(en.deleted);

	/* '|' in a name: first field, name, last nine */
	assert_int_equal(parse(p, "d41d8cd98f00b204e9800998ecf8427e|/a|b||c "
	    "(deleted)|12-128-1|r/rrwxr-xr-x|1000|100|0|5.75|6|7|8", &en, &e),
	    IR_OK);
	assert_bytes(en.name, en.namelen, "/a|b||c (deleted)");
	assert_bytes(en.inode, en.inodelen, "12-128-1");
	assert_int_equal(en.uid, 1000);
	assert_int_equal(en.gid, 100);
	assert_int_equal(en.atime, 5);	/* fraction dropped, as mactime */
	assert_true(en.deleted);

	assert_int_equal(parse(p, "0||7|r/r---------|0|0|0|-5|0|0|0", &en, &e),
	    IR_OK);
	assert_int_equal(en.namelen, 0);
	assert_int_equal(en.atime, -5);

	/* not lines of a timeline */
	assert_int_equal(parse(p, "", &en, &e), IR_ENOENT);
	assert_int_equal(parse(p, "  \t", &en, &e), IR_ENOENT);
	assert_int_equal(parse(p, "# comment|x", &en, &e), IR_ENOENT);
	assert_int_equal(parse(p, "MD5|name|inode|mode_as_string|UID|GID|size|"
	    "atime|mtime|ctime|crtime", &en, &e), IR_ENOENT);
	ir_tl_parser_free(p);
}

static void
test_body_bad(void **state)
{
	static const struct {
		const char *line, *msg;
	} bad[] = {
		{ "hello world", "neither a bodyfile line nor a JSON record" },
		{ "0|/x|1|r/r|0|0|0|1|2|3", "bodyfile line has 10 fields" },
		{ "0|/x", "bodyfile line has 2 fields" },
		{ "0|/x|1a|r/r|0|0|0|1|2|3|4", "bad inode '1a'" },
		{ "0|/x||r/r|0|0|0|1|2|3|4", "bad inode ''" },
		{ "0|/x|1|r/r|-1|0|0|1|2|3|4", "bad uid '-1'" },
		{ "0|/x|1|r/r|0|g|0|1|2|3|4", "bad gid 'g'" },
		{ "0|/x|1|r/r|0|0|99999999999999999999|1|2|3|4", "bad size" },
		{ "0|/x|1|r/r|0|0|0|1x|2|3|4", "bad atime '1x'" },
		{ "0|/x|1|r/r|0|0|0|1|2.|3|4", "bad mtime '2.'" },
		{ "0|/x|1|r/r|0|0|0|1|2|--3|4", "bad ctime '--3'" },
		{ "0|/x|1|r/r|0|0|0|1|2|3|", "bad crtime ''" },
		{ "{\"path\":", "not JSON" },
		{ "{\"type\":\"file\",\"mtime\":\"2024-01-01T00:00:00Z\"}",
		    "file record without \"path\"" },
		{ "{\"path\":\"/x\",\"mtime\":\"yesterday\"}", "bad mtime "
		    "'yesterday'" },
		{ "{\"path\":\"/x\",\"mtime\":1,\"size\":-1}", "\"size\" is not" },
		{ "{\"path\":\"/x\",\"mtime\":1,\"mode\":\"rwx\"}", "bad mode" },
		{ "{\"path\":\"/x\",\"mtime\":1,\"inode\":\"a\"}", "bad \"inode\"" },
		{ "{\"path\":\"/x\",\"mtime\":1,\"path_hex\":\"2f7\"}",
		    "bad path_hex" },
		{ "{\"path\":7,\"mtime\":1}", "\"path\" is not a string" },
	};
	struct ir_tl_parser *p = parser();
	struct ir_tl_entry en;
	struct ir_err e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		assert_int_equal(parse(p, bad[i].line, &en, &e), IR_EFORMAT);
		if (strstr(e.msg, bad[i].msg) == NULL)
			fail_msg("'%s': message '%s' lacks '%s'", bad[i].line,
			    e.msg, bad[i].msg);
	}
	ir_tl_parser_free(p);
}

static void
test_json(void **state)
{
	struct ir_tl_parser *p = parser();
	struct ir_tl_entry en;
	struct ir_err e;

	(void)state;
	/* as libir's bodyfile writer would write the record */
	assert_int_equal(parse(p, "{\"type\":\"file\",\"source\":\"disk.img\","
	    "\"path\":\"/a\\nb|c\",\"inode\":12,\"size\":5,\"mode\":\"104755\","
	    "\"uid\":1,\"gid\":2,\"mtime\":\"2024-01-02T03:04:05.9Z\","
	    "\"atime\":\"2024-01-02T03:04:06Z\",\"deleted\":true,"
	    "\"realloc\":true,\"attr\":\"128-1\",\"fname_times\":true}",
	    &en, &e), IR_OK);
	assert_bytes(en.name, en.namelen, "/a^b^c ($FILE_NAME) "
	    "(deleted-realloc)");
	assert_bytes(en.path, en.pathlen, "/a\nb|c");
	assert_bytes(en.source, en.sourcelen, "disk.img");
	assert_bytes(en.inode, en.inodelen, "12-128-1");
	assert_bytes(en.mode, en.modelen, "r/rrwsr-xr-x");
	assert_int_equal(en.mtime, 1704164645);
	assert_int_equal(en.atime, 1704164646);
	assert_int_equal(en.ctime, 0);
	assert_int_equal(en.uid, 1);
	assert_int_equal(en.gid, 2);
	assert_int_equal(en.size, 5);
	assert_true(en.deleted);

	/* link, virtual, no meta, ls-style and TSK modes, path_hex */
	assert_int_equal(parse(p, "{\"type\":\"file\",\"path\":\"/l\",\"link\":"
	    "\"t\",\"mode\":\"120777\",\"mtime\":7}", &en, &e), IR_OK);
	assert_bytes(en.name, en.namelen, "/l -> t");
	assert_bytes(en.mode, en.modelen, "l/lrwxrwxrwx");
	assert_bytes(en.inode, en.inodelen, "0");
	assert_int_equal(parse(p, "{\"path\":\"/$MBR\",\"mode\":\"100000\","
	    "\"virtual\":true,\"no_meta\":true,\"name_kind\":\"dir\","
	    "\"mtime\":7}", &en, &e), IR_OK);
	assert_bytes(en.mode, en.modelen, "d/----------");
	assert_int_equal(parse(p, "{\"path\":\"/x\",\"mode\":\"drwxr-x---\","
	    "\"mtime\":7}", &en, &e), IR_OK);
	assert_bytes(en.mode, en.modelen, "d/drwxr-x---");
	assert_int_equal(parse(p, "{\"path\":\"/x\",\"mode\":\"-rw-------\","
	    "\"ctime\":7}", &en, &e), IR_OK);
	assert_bytes(en.mode, en.modelen, "r/rrw-------");
	assert_int_equal(parse(p, "{\"path\":\"/x\",\"mode\":\"v/v---------\","
	    "\"ctime\":7}", &en, &e), IR_OK);
	assert_bytes(en.mode, en.modelen, "v/v---------");
	assert_int_equal(parse(p, "  {\"path\":\"/\\ufffd\",\"path_hex\":"
	    "\"2fff\",\"crtime\":7,\"inode\":\"5\"}", &en, &e), IR_OK);
	assert_bytes(en.path, en.pathlen, "/\xff");
	assert_bytes(en.name, en.namelen, "/\xef\xbf\xbd");
	assert_bytes(en.inode, en.inodelen, "5");

	/* records without times or without a path: nothing to take */
	assert_int_equal(parse(p, "{\"type\":\"problem\",\"path\":\"/x\","
	    "\"error\":\"bad\"}", &en, &e), IR_ENOENT);
	assert_int_equal(parse(p, "{\"type\":\"incomplete\"}", &en, &e),
	    IR_ENOENT);
	assert_int_equal(parse(p, "{\"type\":\"process\",\"mtime\":5}", &en,
	    &e), IR_ENOENT);
	assert_int_equal(parse(p, "{\"type\":\"match\",\"path\":\"/m\","
	    "\"mtime\":\"2024-01-02T03:04:05Z\"}", &en, &e), IR_OK);
	ir_tl_parser_free(p);
}

static void
test_events(void **state)
{
	struct ir_tl_entry en;
	struct ir_tl_row rows[4];
	struct ir_tl_range r;
	char macb[5];
	size_t n;

	(void)state;
	memset(&en, 0, sizeof(en));
	en.mtime = 10, en.atime = 20, en.ctime = 10, en.crtime = 30;
	n = ir_tl_events(&en, NULL, rows);
	assert_int_equal(n, 3);
	assert_int_equal(rows[0].time, 10);
	assert_string_equal(ir_tl_macb(rows[0].macb, macb), "m.c.");
	assert_int_equal(rows[1].time, 20);
	assert_string_equal(ir_tl_macb(rows[1].macb, macb), ".a..");
	assert_string_equal(ir_tl_macb(rows[2].macb, macb), "...b");

	en.mtime = en.atime = en.ctime = en.crtime = 5;
	n = ir_tl_events(&en, NULL, rows);
	assert_int_equal(n, 1);
	assert_string_equal(ir_tl_macb(rows[0].macb, macb), "macb");

	/* a zero time is an event, but four of them are none (mactime) */
	en.mtime = en.atime = en.ctime = 7, en.crtime = 0;
	assert_int_equal(ir_tl_events(&en, NULL, rows), 2);
	assert_int_equal(rows[1].time, 0);
	assert_string_equal(ir_tl_macb(rows[1].macb, macb), "...b");
	en.mtime = en.atime = en.ctime = 0;
	assert_int_equal(ir_tl_events(&en, NULL, rows), 0);

	/* [from, to) */
	en.mtime = 10, en.atime = 20, en.ctime = 30, en.crtime = 40;
	memset(&r, 0, sizeof(r));
	r.from = 20, r.has_from = 1;
	r.to = 40, r.has_to = 1;
	n = ir_tl_events(&en, &r, rows);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].time, 20);
	assert_int_equal(rows[1].time, 30);
	assert_string_equal(ir_tl_macb(rows[1].macb, macb), "..c.");
}

static void
test_when(void **state)
{
	struct ir_err e;
	int64_t t;

	(void)state;
	assert_int_equal(ir_tl_parse_when("2024-01-02", 0, &t, &e), IR_OK);
	assert_int_equal(t, 1704153600);
	assert_int_equal(ir_tl_parse_when("2024-01-02T03:04:05", 0, &t, &e),
	    IR_OK);
	assert_int_equal(t, 1704164645);
	assert_int_equal(ir_tl_parse_when("2024-01-02 03:04:05Z", 1, &t, &e),
	    IR_OK);
	assert_int_equal(t, 1704164645);
	assert_int_equal(ir_tl_parse_when("@-5", 0, &t, &e), IR_OK);
	assert_int_equal(t, -5);
	assert_int_equal(ir_tl_parse_when("2024-02-29", 0, &t, &e), IR_OK);
	assert_int_equal(ir_tl_parse_when("2023-02-29", 0, &t, &e),
	    IR_EFORMAT);
	assert_non_null(strstr(e.msg, "bad date '2023-02-29'"));
	assert_int_equal(ir_tl_parse_when("2024-1-2", 0, &t, &e), IR_EFORMAT);
	assert_int_equal(ir_tl_parse_when("2024-01-02T3:04:05", 0, &t, &e),
	    IR_EFORMAT);
	assert_int_equal(ir_tl_parse_when("2024-01-02Z", 0, &t, &e),
	    IR_EFORMAT);
	assert_int_equal(ir_tl_parse_when("2024-01-02T03:04:60", 0, &t, &e),
	    IR_EFORMAT);
	assert_int_equal(ir_tl_parse_when("@", 0, &t, &e), IR_EFORMAT);
	assert_int_equal(ir_tl_parse_when("", 0, &t, &e), IR_EFORMAT);

	/* local: the zone's offset applies, a final Z still means UTC */
	assert_int_equal(setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1), 0);
	tzset();
	assert_int_equal(ir_tl_parse_when("2024-01-02", 1, &t, &e), IR_OK);
	assert_int_equal(t, 1704153600 - 3600);
	assert_int_equal(ir_tl_parse_when("2024-07-02T00:00:00", 1, &t, &e),
	    IR_OK);
	assert_int_equal(t, 1719878400 - 7200);
	assert_int_equal(ir_tl_parse_when("2024-07-02T00:00:00Z", 1, &t, &e),
	    IR_OK);
	assert_int_equal(t, 1719878400);
	assert_int_equal(setenv("TZ", "UTC0", 1), 0);
	tzset();
}

/* A deterministic entry from i: shuffled times, names, shared keys. */
static void
make_entry(unsigned i, struct ir_tl_entry *en, char name[64], char ino[24])
{
	unsigned h = i * 2654435761u;

	memset(en, 0, sizeof(*en));
	(void)snprintf(name, 64, "/dir%u/file\"%u", h % 7, h % 13);
	(void)snprintf(ino, 24, "%u", h % 17 + (i % 5 == 0 ? 100 : 0));
	en->name = name;
	en->namelen = strlen(name);
	en->inode = ino;
	en->inodelen = strlen(ino);
	en->mode = "r/rrw-r--r--";
	en->modelen = 12;
	en->size = i;
	en->uid = i % 3;
	en->mtime = (int64_t)(h % 50);
	en->atime = (int64_t)(h / 7 % 50);
	en->ctime = i % 4 == 0 ? en->mtime : (int64_t)(h / 11 % 50);
	en->crtime = i % 9 == 0 ? 0 : (int64_t)(h / 13 % 50) - 3;
	if (i % 6 == 0) {
		en->path = name;
		en->pathlen = en->namelen;
	}
	if (i % 4 == 1) {
		en->source = "src";
		en->sourcelen = 3;
	}
}

/* The whole timeline of n entries, each row as CSV + JSON, in one buf. */
static size_t
timeline(unsigned n, size_t budget, struct ir_buf *out, size_t *spills)
{
	struct ir_tl_sort *s;
	struct ir_tl_entry en;
	struct ir_tl_row rows[4], row, prev;
	struct ir_err e;
	char name[64], ino[24], key[128], pkey[128] = "";
	size_t k, m, nrows = 0;
	unsigned i, rep;

	assert_int_equal(ir_tl_sort_new(&s, budget, getenv("TMPDIR"), &e),
	    IR_OK);
	for (rep = 0; rep < 2; rep++)		/* every line twice */
		for (i = 0; i < n; i++) {
			make_entry(i, &en, name, ino);
			if (rep == 1)
				en.size += 1000000;
			m = ir_tl_events(&en, NULL, rows);
			for (k = 0; k < m; k++)
				assert_int_equal(ir_tl_sort_add(s, &rows[k], &e),
				    IR_OK);
		}
	memset(&prev, 0, sizeof(prev));
	while (ir_tl_sort_next(s, &row, &e) == IR_OK) {
		(void)snprintf(key, sizeof(key), "%.*s,%.*s",
		    (int)row.e.inodelen, row.e.inode, (int)row.e.namelen,
		    row.e.name);
		/* in order; one row per time, inode and name */
		if (nrows > 0) {
			assert_true(prev.time <= row.time);
			if (prev.time == row.time)
				assert_true(strcmp(pkey, key) < 0);
		}
		/* the later line's fields win */
		assert_true(row.e.size >= 1000000);
		assert_int_equal(ir_tl_format_csv(out, &row, 0, &e), IR_OK);
		assert_int_equal(ir_tl_format_json(out, &row, 0, &e), IR_OK);
		prev = row;
		memcpy(pkey, key, sizeof(key));
		nrows++;
	}
	assert_int_equal(ir_tl_sort_next(s, &row, &e), IR_EOF);
	*spills = ir_tl_sort_spills(s);
	ir_tl_sort_free(s);
	return nrows;
}

static void
test_sort_spill(void **state)
{
	struct ir_buf a = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_buf c = IR_BUF_INIT(IR_BUF_NOLIMIT);
	size_t na, nb, nc, sa, sb, sc;

	(void)state;
	na = timeline(3000, 1U << 30, &a, &sa);
	nb = timeline(3000, 2000, &b, &sb);	/* many runs, merged again */
	nc = timeline(3000, 0, &c, &sc);	/* one row per run */
	assert_int_equal(sa, 0);
	assert_true(sb > 64);
	assert_true(sc > sb);
	assert_true(na > 3000);
	assert_int_equal(na, nb);
	assert_int_equal(na, nc);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.buf, b.buf, a.len);
	assert_int_equal(a.len, c.len);
	assert_memory_equal(a.buf, c.buf, a.len);
	ir_buf_release(&a);
	ir_buf_release(&b);
	ir_buf_release(&c);
}

static void
test_sort_empty_and_bad_tmpdir(void **state)
{
	struct ir_tl_sort *s;
	struct ir_tl_entry en;
	struct ir_tl_row rows[4], row;
	struct ir_err e;
	char name[64], ino[24];
	size_t n;

	(void)state;
	assert_int_equal(ir_tl_sort_new(&s, 100, NULL, &e), IR_OK);
	assert_int_equal(ir_tl_sort_next(s, &row, &e), IR_EOF);
	assert_int_equal(ir_tl_sort_next(s, &row, &e), IR_EOF);
	ir_tl_sort_free(s);

	assert_int_equal(ir_tl_sort_new(&s, 0, "/nonexistent/dir", &e), IR_OK);
	make_entry(1, &en, name, ino);
	n = ir_tl_events(&en, NULL, rows);
	assert_true(n > 0);
	assert_int_equal(ir_tl_sort_add(s, &rows[0], &e), IR_EIO);
	assert_non_null(strstr(e.msg, "'/nonexistent/dir'"));
	ir_tl_sort_free(s);
}

static void
test_format(void **state)
{
	struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_tl_row row;
	struct ir_err e;

	(void)state;
	memset(&row, 0, sizeof(row));
	row.time = 1704164645;
	row.macb = IR_TL_M | IR_TL_C;
	row.e.name = "/a \"q\",\xff";
	row.e.namelen = strlen(row.e.name);
	row.e.inode = "12-128-1";
	row.e.inodelen = 8;
	row.e.mode = "r/rrw-r--r--";
	row.e.modelen = 12;
	row.e.size = 42;
	row.e.uid = 1000;
	row.e.gid = 100;
	row.e.deleted = 1;
	assert_int_equal(ir_tl_format_csv(&b, &row, 0, &e), IR_OK);
	assert_string_equal(b.buf, "2024-01-02T03:04:05Z,42,m.c.,r/rrw-r--r--,"
	    "1000,100,12-128-1,\"/a \"\"q\"\",\xff\"\n");
	ir_buf_reset(&b);
	assert_int_equal(ir_tl_format_json(&b, &row, 0, &e), IR_OK);
	assert_string_equal(b.buf, "{\"type\":\"event\",\"time\":"
	    "\"2024-01-02T03:04:05Z\",\"macb\":\"m.c.\",\"name\":"
	    "\"/a \\\"q\\\",\xef\xbf\xbd\",\"name_hex\":\"2f61202271222cff\","
	    "\"inode\":\"12-128-1\",\"size\":42,\"mode\":\"r/rrw-r--r--\","
	    "\"uid\":1000,\"gid\":100,\"deleted\":true}\n");

	/* time 0 is mactime's unknown; a local zone shows its offset */
	row.time = 0;
	row.e.name = "/x";
	row.e.namelen = 2;
	row.e.inode = "7";
	row.e.inodelen = 1;
	row.e.source = "img";
	row.e.sourcelen = 3;
	ir_buf_reset(&b);
	assert_int_equal(ir_tl_format_csv(&b, &row, 1, &e), IR_OK);
	assert_string_equal(b.buf, "0000-00-00T00:00:00Z,42,m.c.,r/rrw-r--r--,"
	    "1000,100,7,\"/x\"\n");
	assert_int_equal(setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1), 0);
	tzset();
	row.time = 1719878400;
	ir_buf_reset(&b);
	assert_int_equal(ir_tl_format_csv(&b, &row, 1, &e), IR_OK);
	assert_string_equal(b.buf, "2024-07-02T02:00:00+02:00,42,m.c.,"
	    "r/rrw-r--r--,1000,100,7,\"/x\"\n");
	ir_buf_reset(&b);
	assert_int_equal(ir_tl_format_json(&b, &row, 1, &e), IR_OK);
	assert_string_equal(b.buf, "{\"type\":\"event\",\"time\":"
	    "\"2024-07-02T00:00:00Z\",\"macb\":\"m.c.\",\"name\":\"/x\","
	    "\"inode\":7,\"size\":42,\"mode\":\"r/rrw-r--r--\",\"uid\":1000,"
	    "\"gid\":100,\"deleted\":true,\"source\":\"img\",\"local\":"
	    "\"2024-07-02T02:00:00+02:00\"}\n");
	assert_int_equal(setenv("TZ", "UTC0", 1), 0);
	tzset();
	ir_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_body),
		cmocka_unit_test(test_body_bad),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_when),
		cmocka_unit_test(test_sort_spill),
		cmocka_unit_test(test_sort_empty_and_bad_tmpdir),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
