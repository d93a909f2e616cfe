/* rec: JSON Lines, CSV and bodyfile writers; lossless names. */
#include "unit.h"

#include <jansson.h>

/* Render one record in fmt into a malloc'd string. */
static char *
render(enum ir_format fmt, const struct ir_field *f, size_t n, int times)
{
	static const char *const cols[] = { "path", "path_hex", "size",
	    "flag", "t", NULL };
	struct ir_writer *w;
	char *out = NULL;
	size_t len = 0;
	FILE *fp;
	int i;

	assert_non_null(fp = open_memstream(&out, &len));
	assert_int_equal(ir_writer_open(&w, fmt, fp, cols, NULL), IR_OK);
	for (i = 0; i < times; i++)
		assert_int_equal(ir_writer_record(w, f, n, NULL), IR_OK);
	assert_int_equal(ir_writer_close(w, NULL), IR_OK);
	assert_int_equal(fclose(fp), 0);
	return out;
}

static void
test_jsonl_types_parse_back(void **state)
{
	struct ir_time t = { 1795344204, 120, 1 }, none = { 0, 0, 0 };
	struct ir_field f[7];
	json_error_t jerr;
	json_t *o;
	char *s;

	(void)state;
	f[0] = IR_FSTR("type", "file");
	f[1] = IR_FU64("size", 4611686018427387904ULL);
	f[2] = IR_FI64("delta", -5);
	f[3] = IR_FTIME("mtime", t);
	f[4] = IR_FTIME("crtime", none);	/* not written at all */
	f[5] = IR_FBOOL("deleted", 1);
	f[6] = IR_FRAW("list", "[1,2]");
	s = render(IR_FMT_JSONL, f, 7, 1);
	assert_int_equal(s[strlen(s) - 1], '\n');
	assert_non_null(o = json_loads(s, 0, &jerr));
	assert_string_equal(json_string_value(json_object_get(o, "type")),
	    "file");
	assert_int_equal(json_integer_value(json_object_get(o, "size")),
	    4611686018427387904LL);
	assert_int_equal(json_integer_value(json_object_get(o, "delta")), -5);
	assert_string_equal(json_string_value(json_object_get(o, "mtime")),
	    "2026-11-22T10:43:24.000000120Z");
	assert_null(json_object_get(o, "crtime"));
	assert_true(json_is_true(json_object_get(o, "deleted")));
	assert_int_equal(json_array_size(json_object_get(o, "list")), 2);
	json_decref(o);
	free(s);
}

static void
test_jsonl_bytes_are_lossless(void **state)
{
	static const char raw[] = "dir/bad\xff\xfe\nname\t\"q\"\\\x01";
	struct ir_field f[1];
	json_t *o;
	char *s;
	const char *hex;
	unsigned char back[sizeof(raw)];

	(void)state;
	f[0] = IR_FBYTES("path", raw, sizeof(raw) - 1);
	s = render(IR_FMT_JSONL, f, 1, 1);
	assert_non_null(o = json_loads(s, 0, NULL));
	assert_string_equal(json_string_value(json_object_get(o, "path")),
	    "dir/bad\xef\xbf\xbd\xef\xbf\xbd\nname\t\"q\"\\\x01");
	assert_non_null(hex = json_string_value(json_object_get(o, "path_hex")));
	assert_int_equal(strlen(hex), 2 * (sizeof(raw) - 1));
	assert_int_equal(ir_unhex(back, hex, sizeof(raw) - 1), IR_OK);
	assert_memory_equal(back, raw, sizeof(raw) - 1);
	/* Control characters are escaped, never raw, on the one line. */
	assert_non_null(strstr(s, "\\n"));
	assert_non_null(strstr(s, "\\u0001"));
	assert_ptr_equal(strchr(s, '\n'), s + strlen(s) - 1);
	json_decref(o);
	free(s);
	/* A NUL inside a name: U+FFFD (never \\u0000), the bytes in _hex. */
	f[0] = IR_FBYTES("path", "a\0b", 3);
	s = render(IR_FMT_JSONL, f, 1, 1);
	assert_null(strstr(s, "\\u0000"));
	if ((o = json_loads(s, 0, NULL)) == NULL)
		fail_msg("not parsed by jansson: %s", s);
	assert_string_equal(json_string_value(json_object_get(o, "path")),
	    "a\xef\xbf\xbd" "b");
	assert_string_equal(json_string_value(json_object_get(o, "path_hex")),
	    "610062");
	json_decref(o);
	free(s);
	/* ir_json_quote alone stays lossless: \u0000. */
	{
		struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);

		assert_int_equal(ir_json_quote(&b, "a\0b", 3, NULL), IR_OK);
		assert_string_equal(b.buf, "\"a\\u0000b\"");
		ir_buf_release(&b);
	}
	/* Every other control character is escaped; DEL and ESC too. */
	f[0] = IR_FBYTES("path", "\x1b[31m\x7f\r\x1f", 8);
	s = render(IR_FMT_JSONL, f, 1, 1);
	assert_string_equal(s, "{\"path\":\"\\u001b[31m\\u007f\\r\\u001f\"}\n");
	assert_non_null(o = json_loads(s, 0, NULL));
	assert_string_equal(json_string_value(json_object_get(o, "path")),
	    "\x1b[31m\x7f\r\x1f");
	assert_null(json_object_get(o, "path_hex"));
	json_decref(o);
	free(s);
	/* Valid UTF-8 gets no _hex twin. */
	f[0] = IR_FSTR("path", "caf\xc3\xa9");
	s = render(IR_FMT_JSONL, f, 1, 1);
	assert_null(strstr(s, "_hex"));
	free(s);
}

/* A command line as a JSON list: every argument back, bytes kept safe. */
static void
test_json_strv(void **state)
{
	char a0[] = "ir-walk", a1[] = "--case", a2[] = "a \"b\"\n", a3[] = "\xff";
	char *argv[] = { a0, a1, a2, a3, NULL };
	struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);
	json_t *o;
	char *s;

	(void)state;
	assert_int_equal(ir_json_strv(&b, argv, 4, NULL), IR_OK);
	assert_non_null(s = ir_buf_detach(&b, NULL));
	assert_non_null(o = json_loads(s, 0, NULL));
	assert_true(json_is_array(o));
	assert_int_equal(json_array_size(o), 4);
	assert_string_equal(json_string_value(json_array_get(o, 2)),
	    "a \"b\"\n");
	assert_string_equal(json_string_value(json_array_get(o, 3)),
	    "\xef\xbf\xbd");
	json_decref(o);
	free(s);
	assert_int_equal(ir_json_strv(&b, argv, 0, NULL), IR_OK);
	assert_non_null(s = ir_buf_detach(&b, NULL));
	assert_string_equal(s, "[]");
	free(s);
}

static void
test_utf8_validation(void **state)
{
	(void)state;
	assert_true(ir_utf8_valid("", 0));
	assert_true(ir_utf8_valid("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 10));
	assert_false(ir_utf8_valid("\xc0\xaf", 2));		/* overlong */
	assert_false(ir_utf8_valid("\xe0\x80\xaf", 3));		/* overlong */
	assert_false(ir_utf8_valid("\xed\xa0\x80", 3));		/* surrogate */
	assert_false(ir_utf8_valid("\xf4\x90\x80\x80", 4));	/* > U+10FFFF */
	assert_false(ir_utf8_valid("\xe2\x82", 2));		/* truncated */
	assert_false(ir_utf8_valid("a\0b", 3));			/* NUL */
	/* The edges of each rule. */
	assert_true(ir_utf8_valid("\xf4\x8f\xbf\xbf", 4));	/* U+10FFFF */
	assert_true(ir_utf8_valid("\xed\x9f\xbf", 3));		/* U+D7FF */
	assert_true(ir_utf8_valid("\xee\x80\x80", 3));		/* U+E000 */
	assert_true(ir_utf8_valid("\xc2\x80", 2));		/* U+0080 */
	assert_true(ir_utf8_valid("\xe0\xa0\x80", 3));		/* U+0800 */
	assert_true(ir_utf8_valid("\xf0\x90\x80\x80", 4));	/* U+10000 */
	assert_false(ir_utf8_valid("\xf0\x8f\xbf\xbf", 4));	/* overlong */
	assert_false(ir_utf8_valid("\xc1\xbf", 2));		/* overlong */
	assert_false(ir_utf8_valid("\xed\xbf\xbf", 3));		/* surrogate */
	assert_false(ir_utf8_valid("\xf5\x80\x80\x80", 4));	/* > U+10FFFF */
	assert_false(ir_utf8_valid("\xf0\x9f\x98", 3));		/* truncated */
	assert_false(ir_utf8_valid("\x80", 1));		/* lone continuation */
	assert_false(ir_utf8_valid("\xc3" "a", 2));		/* bad continuation */
	assert_false(ir_utf8_valid("\xfe\xff", 2));
	/* Only n bytes are looked at. */
	assert_true(ir_utf8_valid("ab\xff", 2));
}

static void
test_csv(void **state)
{
	struct ir_field f[3];
	char *s;

	(void)state;
	f[0] = IR_FSTR("path", "a,b \"c\"\nd");
	f[1] = IR_FU64("size", 7);
	f[2] = IR_FBOOL("flag", 0);
	s = render(IR_FMT_CSV, f, 3, 2);
	assert_string_equal(s, "path,path_hex,size,flag,t\n"
	    "\"a,b \"\"c\"\"\nd\",,7,false,\n"
	    "\"a,b \"\"c\"\"\nd\",,7,false,\n");
	free(s);
	f[0] = IR_FBYTES("path", "x\xff", 2);
	s = render(IR_FMT_CSV, f, 1, 1);
	assert_string_equal(s, "path,path_hex,size,flag,t\n"
	    "x\xef\xbf\xbd,78ff,,,\n");
	free(s);	/* CR alone forces quoting; plain values stay bare; times in ISO. */
	f[0] = IR_FSTR("path", "a\rb");
	f[1] = IR_FU64("size", 0);
	f[2] = IR_FTIME("t", ((struct ir_time){ 0, 5, 1 }));
	s = render(IR_FMT_CSV, f, 3, 1);
	assert_string_equal(s, "path,path_hex,size,flag,t\n"
	    "\"a\rb\",,0,,1970-01-01T00:00:00.000000005Z\n");
	free(s);
	/* A quoted cell that also needs the _hex twin. */
	f[0] = IR_FBYTES("path", "q\"\xc0,", 4);
	s = render(IR_FMT_CSV, f, 1, 1);
	assert_string_equal(s, "path,path_hex,size,flag,t\n"
	    "\"q\"\"\xef\xbf\xbd,\",7122c02c,,,\n");
	free(s);
}

static void
test_body(void **state)
{
	struct ir_time a = { 100, 5, 1 }, m = { 200, 0, 1 }, c = { 300, 0, 1 };
	struct ir_field f[12];
	char *s;
	size_t n = 0;

	(void)state;
	f[n++] = IR_FSTR("md5", "d41d8cd98f00b204e9800998ecf8427e");
	f[n++] = IR_FSTR("path", "/etc/pa|ss\nwd");
	f[n++] = IR_FU64("inode", 42);
	f[n++] = IR_FSTR("mode", "104755");
	f[n++] = IR_FU64("uid", 0);
	f[n++] = IR_FU64("gid", 5);
	f[n++] = IR_FU64("size", 1234);
	f[n++] = IR_FTIME("atime", a);
	f[n++] = IR_FTIME("mtime", m);
	f[n++] = IR_FTIME("ctime", c);
	s = render(IR_FMT_BODY, f, n, 1);
	assert_string_equal(s, "d41d8cd98f00b204e9800998ecf8427e|/etc/pa^ss^wd|"
	    "42|r/rrwsr-xr-x|0|5|1234|100|200|300|0\n");
	free(s);
	n = 0;
	f[n++] = IR_FSTR("path", "/l");
	f[n++] = IR_FSTR("mode", "120777");
	f[n++] = IR_FSTR("link", "/target");
	f[n++] = IR_FBOOL("deleted", 1);
	s = render(IR_FMT_BODY, f, n, 1);
	assert_string_equal(s, "0|/l -> /target (deleted)|0|l/lrwxrwxrwx|0|0|"
	    "0|0|0|0|0\n");
	free(s);
	f[1] = IR_FSTR("mode", "041777");	/* sticky directory */
	s = render(IR_FMT_BODY, f, 2, 1);
	assert_string_equal(s, "0|/l|0|d/drwxrwxrwt|0|0|0|0|0|0|0\n");
	free(s);
}

/* TSK's mode strings for each type, and crtime in the last column. */
static void
test_body_modes(void **state)
{
	static const struct {
		const char *mode, *want;
	} t[] = {
		{ "100644", "r/rrw-r--r--" },
		{ "040755", "d/drwxr-xr-x" },
		{ "120777", "l/lrwxrwxrwx" },
		{ "104755", "r/rrwsr-xr-x" },
		{ "104644", "r/rrwSr--r--" },	/* setuid without x */
		{ "102755", "r/rrwxr-sr-x" },	/* setgid */
		{ "010600", "p/prw-------" },
		{ "020620", "c/crw--w----" },
		{ "060660", "b/brw-rw----" },
		{ "140777", "h/hrwxrwxrwx" },
		{ "100000", "r/r---------" },
	};
	struct ir_time cr = { 1700000000, 999999999, 1 }, none = { 5, 0, 0 };
	struct ir_field f[4];
	char want[128], *s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		f[0] = IR_FSTR("path", "/x");
		f[1] = IR_FSTR("mode", t[i].mode);
		f[2] = IR_FTIME("crtime", cr);
		f[3] = IR_FTIME("atime", none);	/* invalid: 0 */
		s = render(IR_FMT_BODY, f, 4, 1);
		(void)snprintf(want, sizeof(want),
		    "0|/x|0|%s|0|0|0|0|0|0|1700000000\n", t[i].want);
		assert_string_equal(s, want);
		free(s);
	}
	/* A symlink whose name and target hold '|' and a newline. */
	f[0] = IR_FBYTES("path", "/a|b\nc\xff", 7);
	f[1] = IR_FSTR("mode", "120777");
	f[2] = IR_FBYTES("link", "/t|\r", 4);
	s = render(IR_FMT_BODY, f, 3, 1);
	assert_string_equal(s, "0|/a^b^c\xef\xbf\xbd -> /t^^|0|l/lrwxrwxrwx|"
	    "0|0|0|0|0|0|0\n");
	assert_int_equal(strchr(s, '\n') - s, (long)strlen(s) - 1);
	free(s);
}

static void
test_format_lookup_and_errors(void **state)
{
	struct ir_writer *w;
	struct ir_field f = IR_FSTR("k", "v");
	enum ir_format fmt;
	struct ir_err e;
	FILE *fp;
	int i, rc = IR_OK;

	(void)state;
	assert_int_equal(ir_format_lookup("csv", &fmt, &e), IR_OK);
	assert_int_equal(fmt, IR_FMT_CSV);
	assert_int_equal(ir_format_lookup("xml", &fmt, &e), IR_EINVAL);
	assert_non_null(strstr(e.msg, "'xml'"));
	assert_int_equal(ir_writer_open(&w, IR_FMT_CSV, stdout, NULL, &e),
	    IR_EINVAL);
	/* A full disk is reported, never swallowed. */
	assert_non_null(fp = fopen("/dev/full", "w"));
	assert_int_equal(ir_writer_open(&w, IR_FMT_JSONL, fp, NULL, &e), IR_OK);
	for (i = 0; i < 10000 && rc == IR_OK; i++)
		rc = ir_writer_record(w, &f, 1, &e);
	if (rc == IR_OK)
		rc = ir_writer_close(w, &e);
	else
		(void)ir_writer_close(w, NULL);
	assert_int_equal(rc, IR_EIO);
	assert_non_null(strstr(e.msg, "cannot write output"));
	(void)fclose(fp);
}

static void
test_file_fields(void **state)
{
	char scratch[IR_FILE_SCRATCH][IR_HASH_MAXLEN * 2 + 1];
	struct ir_field f[IR_FILE_MAXFIELDS];
	struct ir_file fi;
	size_t n, i;
	int seen_md5 = 0, seen_known = 0;

	(void)state;
	memset(&fi, 0, sizeof(fi));
	fi.path = "/x";
	fi.pathlen = 2;
	fi.mode = 0100600;
	fi.digest.algs = IR_HASH_BIT(IR_HASH_MD5);
	fi.known = IR_KNOWN_BAD;
	n = ir_file_fields(&fi, f, scratch);
	assert_true(n <= IR_FILE_MAXFIELDS);
	for (i = 0; i < n; i++) {
		if (strcmp(f[i].key, "md5") == 0) {
			assert_string_equal(f[i].s, "00000000000000000000000000000000");
			seen_md5 = 1;
		}
		if (strcmp(f[i].key, "known") == 0) {
			assert_string_equal(f[i].s, "bad");
			seen_known = 1;
		}
		if (strcmp(f[i].key, "mode") == 0)
			assert_string_equal(f[i].s, "100600");
		assert_string_not_equal(f[i].key, "sha256");
		assert_string_not_equal(f[i].key, "error");
	}
	assert_true(seen_md5 && seen_known);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jsonl_types_parse_back),
		cmocka_unit_test(test_jsonl_bytes_are_lossless),
		cmocka_unit_test(test_json_strv),
		cmocka_unit_test(test_utf8_validation),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_body),
		cmocka_unit_test(test_body_modes),
		cmocka_unit_test(test_format_lookup_and_errors),
		cmocka_unit_test(test_file_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
