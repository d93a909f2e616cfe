/* hashset: every accepted list format, errors with line numbers, lookups. */
#include "unit.h"

#define MD5_HELLO	"5d41402abc4b2a76b9719d911017c592"
#define SHA1_HELLO	"aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"
#define SHA256_HELLO	"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"

static struct ir_digest
digest_of(const char *s)
{
	struct ir_hash *h;
	struct ir_digest d;

	assert_int_equal(ir_hash_new(&h, IR_HASH_ALL, 0, NULL), IR_OK);
	assert_int_equal(ir_hash_update(h, s, strlen(s), NULL), IR_OK);
	assert_int_equal(ir_hash_final(h, &d, NULL), IR_OK);
	ir_hash_free(h);
	return d;
}

static struct ir_hashset *
load(const char *text, int want)
{
	struct ir_hashset *h;
	struct ir_err e;

	assert_int_equal(ir_hashset_new(&h, &e), IR_OK);
	assert_int_equal(ir_hashset_load_mem(h, text, strlen(text), "list.txt",
	    &e), want);
	return h;
}

static void
test_plain_and_md5sum(void **state)
{
	struct ir_digest hello = digest_of("hello"), other = digest_of("other");
	struct ir_hashset *h;
	const char *note;

	(void)state;
	h = load("# known bad\n\n" MD5_HELLO "  /tmp/hello.txt\r\n", IR_OK);
	assert_int_equal(ir_hashset_count(h), 1);
	assert_int_equal(ir_hashset_algs(h), IR_HASH_BIT(IR_HASH_MD5));
	assert_true(ir_hashset_match(h, &hello, &note));
	assert_string_equal(note, "/tmp/hello.txt");	/* no CR kept */
	assert_false(ir_hashset_match(h, &other, &note));
	ir_hashset_free(h);

	/* Binary-mode marker, upper-case hex, no trailing newline, a BOM. */
	h = load("\xef\xbb\xbf" "2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E"
	    "73043362938B9824 *hello", IR_OK);
	assert_true(ir_hashset_match(h, &hello, &note));
	assert_string_equal(note, "hello");
	ir_hashset_free(h);

	h = load(SHA1_HELLO "\n", IR_OK);	/* bare hash: empty note */
	assert_true(ir_hashset_match(h, &hello, &note));
	assert_string_equal(note, "");
	ir_hashset_free(h);
}

/*
 * GNU md5sum/sha256sum escape a name holding a backslash, newline or CR:
 * the line starts with '\\' and the name has \\\\, \\n, \\r.
 */
static void
test_md5sum_escaped_names(void **state)
{
	struct ir_digest hello = digest_of("hello"), x = digest_of("x");
	struct ir_hashset *h;
	const char *note;

	(void)state;
	h = load("\\" SHA256_HELLO "  dir\\\\a\\nb\\rc\n"
	    "\\" MD5_HELLO " *bin\\\\x\n"
	    "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"
	    "  plain\\name\n", IR_OK);
	assert_int_equal(ir_hashset_count(h), 3);
	hello.algs = IR_HASH_BIT(IR_HASH_SHA256);
	assert_true(ir_hashset_match(h, &hello, &note));
	assert_string_equal(note, "dir\\a\nb\rc");
	hello.algs = IR_HASH_BIT(IR_HASH_MD5);
	assert_true(ir_hashset_match(h, &hello, &note));
	assert_string_equal(note, "bin\\x");
	/* Without the leading backslash a name is taken as it is. */
	assert_true(ir_hashset_match(h, &x, &note));
	assert_string_equal(note, "plain\\name");
	ir_hashset_free(h);
	/* A backslash line with a bad escape or no name is malformed. */
	h = load("\\" MD5_HELLO "  a\\tb\n", IR_EFORMAT);
	ir_hashset_free(h);
	h = load("\\" MD5_HELLO "\n", IR_EFORMAT);
	ir_hashset_free(h);
}

static void
test_semicolon_comment(void **state)
{
	struct ir_digest hello = digest_of("hello");
	struct ir_hashset *h;
	const char *note;

	(void)state;
	h = load(SHA256_HELLO ";Backdoor hello; APT-X\n"
	    "d41d8cd98f00b204e9800998ecf8427e;empty file\n", IR_OK);
	assert_int_equal(ir_hashset_count(h), 2);
	assert_int_equal(ir_hashset_algs(h), IR_HASH_BIT(IR_HASH_MD5) |
	    IR_HASH_BIT(IR_HASH_SHA256));
	assert_true(ir_hashset_match(h, &hello, &note));
	assert_string_equal(note, "Backdoor hello; APT-X");
	ir_hashset_free(h);
}

static void
test_hashdeep(void **state)
{
	struct ir_digest hello = digest_of("hello"), d;
	struct ir_hashset *h;
	const char *note;

	(void)state;
	h = load("%%%% HASHDEEP-1.0\n"
	    "%%%% size,md5,sha256,filename\n"
	    "## Invoked from: /root\n"
	    "## $ hashdeep -c md5,sha256 -r dir\n"
	    "##\n"
	    "5," MD5_HELLO "," SHA256_HELLO ",/root/dir/a,b.txt\n", IR_OK);
	assert_int_equal(ir_hashset_count(h), 2);
	assert_true(ir_hashset_match(h, &hello, &note));
	assert_string_equal(note, "/root/dir/a,b.txt");
	/* Only the sha256 known: still a match through it. */
	d = hello;
	d.algs = IR_HASH_BIT(IR_HASH_SHA256);
	assert_true(ir_hashset_match(h, &d, NULL));
	d.algs = IR_HASH_BIT(IR_HASH_SHA1);	/* not in the set at all */
	assert_false(ir_hashset_match(h, &d, NULL));
	ir_hashset_free(h);
	/* A BOM, CRLF, upper-case hex, two hashdeep runs back to back. */
	h = load("\xef\xbb\xbf%%%% HASHDEEP-1.0\r\n"
	    "%%%% size,sha1,filename\r\n"
	    "## comment\r\n"
	    "5,AAF4C61DDCC5E8A2DABEDE0F3B482CD9AEA9434D,C:\\x,y.exe\r\n"
	    "%%%% HASHDEEP-1.0\r\n"
	    "%%%% size,md5,filename\r\n"
	    "0,d41d8cd98f00b204e9800998ecf8427e,empty\r\n", IR_OK);
	assert_int_equal(ir_hashset_count(h), 2);
	assert_int_equal(ir_hashset_algs(h), IR_HASH_BIT(IR_HASH_SHA1) |
	    IR_HASH_BIT(IR_HASH_MD5));
	d = hello;
	d.algs = IR_HASH_BIT(IR_HASH_SHA1);
	assert_true(ir_hashset_match(h, &d, &note));
	assert_string_equal(note, "C:\\x,y.exe");
	d = digest_of("");
	assert_true(ir_hashset_match(h, &d, &note));
	assert_string_equal(note, "empty");
	d.algs = IR_HASH_BIT(IR_HASH_SHA256);
	assert_false(ir_hashset_match(h, &d, &note));
	ir_hashset_free(h);
}

static void
test_bad_lines_name_the_line(void **state)
{
	struct ir_hashset *h;
	struct ir_err e;
	static const char *const bad[] = {
		MD5_HELLO "\nnot a hash\n",
		MD5_HELLO "\n" "5d41402abc4b2a76b9719d911017c59\n",	/* 31 */
		MD5_HELLO "\n" MD5_HELLO "x\n",
		"%%%% HASHDEEP-1.0\n5," MD5_HELLO ",x\n",	/* no header */
		"%%%% HASHDEEP-1.0\n%%%% size,md5,filename\n5,zz,name\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ir_hashset_new(&h, &e), IR_OK);
		assert_int_equal(ir_hashset_load_mem(h, bad[i], strlen(bad[i]),
		    "iocs.txt", &e), IR_EFORMAT);
		assert_non_null(strstr(e.msg, i < 3 ? "iocs.txt:2:" :
		    i == 3 ? "iocs.txt:2:" : "iocs.txt:3:"));
		ir_hashset_free(h);
	}
	assert_int_equal(ir_hashset_new(&h, &e), IR_OK);
	assert_int_equal(ir_hashset_load_file(h, "/nonexistent/list", &e),
	    IR_EIO);
	assert_non_null(strstr(e.msg, "/nonexistent/list"));
	ir_hashset_free(h);
}

static void
test_many_entries(void **state)
{
	struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_hashset *h;
	struct ir_digest d;
	char line[16];
	int i;

	(void)state;
	for (i = 0; i < 5000; i++) {
		(void)snprintf(line, sizeof(line), "%d", i);
		d = digest_of(line);
		assert_int_equal(ir_buf_addhex(&b, d.md[IR_HASH_SHA256], 32,
		    NULL), IR_OK);
		assert_int_equal(ir_buf_addf(&b, NULL, ";n%d\n", i), IR_OK);
	}
	h = load(b.buf, IR_OK);
	for (i = 0; i < 5000; i += 499) {
		const char *note;
		char want[16];

		(void)snprintf(line, sizeof(line), "%d", i);
		d = digest_of(line);
		assert_true(ir_hashset_match(h, &d, &note));
		(void)snprintf(want, sizeof(want), "n%d", i);
		assert_string_equal(note, want);
	}
	d = digest_of("5000");
	assert_false(ir_hashset_match(h, &d, NULL));
	ir_hashset_free(h);
	ir_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_md5sum),
		cmocka_unit_test(test_md5sum_escaped_names),
		cmocka_unit_test(test_semicolon_comment),
		cmocka_unit_test(test_hashdeep),
		cmocka_unit_test(test_bad_lines_name_the_line),
		cmocka_unit_test(test_many_entries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
