/* buf: growth, the hard cap, formatting, hex, ownership transfer. */
#include "unit.h"

static void
test_add_and_cap(void **state)
{
	struct ir_buf b = IR_BUF_INIT(4);
	struct ir_err e;

	(void)state;
	assert_string_equal(b.buf, "");
	assert_int_equal(ir_buf_addstr(&b, "abcd", &e), IR_OK);
	assert_int_equal(ir_buf_addstr(&b, "e", &e), IR_ELIMIT);
	assert_string_equal(b.buf, "abcd");	/* unchanged on failure */
	assert_int_equal(b.len, 4);
	ir_buf_truncate(&b, 2);
	assert_string_equal(b.buf, "ab");
	ir_buf_release(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.buf, "");
}

static void
test_growth_keeps_content(void **state)
{
	struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);
	size_t i;

	(void)state;
	for (i = 0; i < 100000; i++)
		assert_int_equal(ir_buf_addch(&b, 'a' + (int)(i % 26), NULL),
		    IR_OK);
	assert_int_equal(b.len, 100000);
	for (i = 0; i < 100000; i++)
		assert_int_equal(b.buf[i], 'a' + (int)(i % 26));
	assert_int_equal(b.buf[b.len], '\0');
	ir_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.buf, "");
	ir_buf_release(&b);
}

static void
test_addf_and_hex(void **state)
{
	struct ir_buf b = IR_BUF_INIT(64);
	unsigned char raw[3] = { 0x00, 0xab, 0xff }, back[3];

	(void)state;
	assert_int_equal(ir_buf_addf(&b, NULL, "%d-%s", 42, "x"), IR_OK);
	assert_int_equal(ir_buf_addhex(&b, raw, 3, NULL), IR_OK);
	assert_string_equal(b.buf, "42-x00abff");
	assert_int_equal(ir_unhex(back, "00ABff", 3), IR_OK);
	assert_memory_equal(back, raw, 3);
	assert_int_equal(ir_unhex(back, "0g", 1), IR_EFORMAT);
	assert_int_equal(ir_unhex(back, "0", 1), IR_EFORMAT);
	/* A formatted string past the cap fails whole. */
	assert_int_equal(ir_buf_addf(&b, NULL, "%080d", 1), IR_ELIMIT);
	assert_string_equal(b.buf, "42-x00abff");
	ir_buf_release(&b);
}

static void
test_detach_hands_over(void **state)
{
	struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);
	size_t n;
	char *p;

	(void)state;
	p = ir_buf_detach(&b, &n);	/* empty: still a real allocation */
	assert_non_null(p);
	assert_int_equal(n, 0);
	free(p);
	assert_int_equal(ir_buf_addstr(&b, "evidence", NULL), IR_OK);
	p = ir_buf_detach(&b, &n);
	assert_string_equal(p, "evidence");
	assert_int_equal(n, 8);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.buf, "");
	free(p);
}

/* Every adder that would pass the cap fails whole and leaves buf alone. */
static void
test_cap_leaves_buffer_unchanged(void **state)
{
	struct ir_buf b;
	struct ir_err e;
	unsigned char raw[3] = { 1, 2, 3 };

	(void)state;
	ir_buf_init(&b, 8);
	assert_int_equal(b.max, 8);
	assert_string_equal(b.buf, "");
	assert_int_equal(ir_buf_add(&b, "012345", 6, &e), IR_OK);
	ir_err_clear(&e);
	assert_int_equal(ir_buf_add(&b, "abc", 3, &e), IR_ELIMIT);
	assert_int_equal(e.code, IR_ELIMIT);
	assert_non_null(strstr(e.msg, "8 bytes"));
	assert_int_equal(ir_buf_addhex(&b, raw, 2, &e), IR_ELIMIT);
	assert_int_equal(ir_buf_addf(&b, &e, "%s", "xyz"), IR_ELIMIT);
	assert_int_equal(ir_buf_grow(&b, 3, &e), IR_ELIMIT);
	assert_int_equal(ir_buf_grow(&b, (size_t)-1, &e), IR_ELIMIT);
	assert_int_equal(b.len, 6);
	assert_string_equal(b.buf, "012345");
	/* Exactly up to the cap is allowed. */
	assert_int_equal(ir_buf_addhex(&b, raw, 1, &e), IR_OK);
	assert_string_equal(b.buf, "01234501");
	assert_int_equal(b.len, 8);
	assert_int_equal(ir_buf_addch(&b, 'x', &e), IR_ELIMIT);
	assert_int_equal(ir_buf_add(&b, "", 0, &e), IR_OK);	/* nothing */
	assert_string_equal(b.buf, "01234501");
	ir_buf_release(&b);
	assert_int_equal(b.max, 8);		/* the cap survives release */
	assert_int_equal(ir_buf_addstr(&b, "123456789", NULL), IR_ELIMIT);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.buf, "");
	ir_buf_release(&b);
}

/* Binary content with NULs, and growth across many reallocations. */
static void
test_binary_and_big_growth(void **state)
{
	struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);
	unsigned char chunk[257];
	size_t i, round;

	(void)state;
	for (i = 0; i < sizeof(chunk); i++)
		chunk[i] = (unsigned char)i;
	for (round = 0; round < 4000; round++)
		assert_int_equal(ir_buf_add(&b, chunk, sizeof(chunk), NULL),
		    IR_OK);
	assert_int_equal(b.len, 4000 * sizeof(chunk));
	for (round = 0; round < 4000; round++)
		assert_memory_equal(b.buf + round * sizeof(chunk), chunk,
		    sizeof(chunk));
	assert_int_equal(b.buf[b.len], '\0');
	/* grow reserves: later adds within it keep the same storage. */
	ir_buf_reset(&b);
	assert_int_equal(ir_buf_grow(&b, 1 << 20, NULL), IR_OK);
	{
		char *before = b.buf;

		for (i = 0; i < (1 << 20); i++)
			(void)ir_buf_addch(&b, 'q', NULL);
		assert_ptr_equal(b.buf, before);
	}
	assert_int_equal(b.len, 1 << 20);
	/* truncate past the end is ignored, inside it cuts. */
	ir_buf_truncate(&b, b.len + 10);
	assert_int_equal(b.len, 1 << 20);
	ir_buf_truncate(&b, 3);
	assert_string_equal(b.buf, "qqq");
	ir_buf_release(&b);
	assert_int_equal(b.len, 0);
	ir_buf_release(&b);		/* twice is harmless */
}

/* addf with output far longer than any first guess, and appending. */
static void
test_addf_long_and_appends(void **state)
{
	struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);
	char want[5000];
	int i;

	(void)state;
	assert_int_equal(ir_buf_addf(&b, NULL, "%s", ""), IR_OK);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.buf, "");
	assert_int_equal(ir_buf_addstr(&b, "head:", NULL), IR_OK);
	assert_int_equal(ir_buf_addf(&b, NULL, "%04000d|%s", 7, "tail"),
	    IR_OK);
	(void)snprintf(want, sizeof(want), "head:%04000d|tail", 7);
	assert_int_equal(b.len, strlen(want));
	assert_string_equal(b.buf, want);
	ir_buf_reset(&b);
	for (i = 0; i < 1000; i++)
		assert_int_equal(ir_buf_addf(&b, NULL, "%d,", i), IR_OK);
	assert_int_equal(strncmp(b.buf, "0,1,2,3,", 8), 0);
	assert_non_null(strstr(b.buf, ",998,999,"));
	assert_int_equal(b.len, strlen(b.buf));
	ir_buf_release(&b);
}

static void
test_hex_both_ways(void **state)
{
	unsigned char all[256], back[256];
	char hex[513];
	struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);
	size_t i;

	(void)state;
	for (i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	ir_hex(hex, all, 256);
	assert_int_equal(strlen(hex), 512);
	assert_int_equal(strncmp(hex, "000102030405060708090a0b0c0d0e0f10", 34),
	    0);
	assert_string_equal(hex + 500, "fafbfcfdfeff");
	ir_hex(hex, all, 0);
	assert_string_equal(hex, "");
	ir_hex(hex, "\xde\xad\xbe\xef", 4);
	assert_string_equal(hex, "deadbeef");
	ir_hex(hex, all, 256);
	assert_int_equal(ir_unhex(back, hex, 256), IR_OK);
	assert_memory_equal(back, all, 256);
	assert_int_equal(ir_buf_addhex(&b, all, 256, NULL), IR_OK);
	assert_string_equal(b.buf, hex);
	ir_buf_release(&b);
	/* Upper case is accepted; every non-hex byte is refused. */
	assert_int_equal(ir_unhex(back, "DEADBEEF", 4), IR_OK);
	assert_memory_equal(back, "\xde\xad\xbe\xef", 4);
	assert_int_equal(ir_unhex(back, "", 0), IR_OK);
	assert_int_equal(ir_unhex(back, "zz", 1), IR_EFORMAT);
	assert_int_equal(ir_unhex(back, "0x12", 2), IR_EFORMAT);
	assert_int_equal(ir_unhex(back, " 1", 1), IR_EFORMAT);
	assert_int_equal(ir_unhex(back, "1 ", 1), IR_EFORMAT);
	assert_int_equal(ir_unhex(back, "-1", 1), IR_EFORMAT);
	assert_int_equal(ir_unhex(back, "aG", 1), IR_EFORMAT);
	assert_int_equal(ir_unhex(back, "g0", 1), IR_EFORMAT);
	assert_int_equal(ir_unhex(back, "0\xff", 1), IR_EFORMAT);
	assert_int_equal(ir_unhex(back, "abcd:", 3), IR_EFORMAT);
	/* Only 2n digits are read: what follows does not matter. */
	assert_int_equal(ir_unhex(back, "0aXYZ", 1), IR_OK);
	assert_int_equal(back[0], 0x0a);
	/* Every byte value outside [0-9a-fA-F] fails as either digit. */
	for (i = 1; i < 256; i++) {
		char s[3] = { '0', (char)i, 0 }, t[3] = { (char)i, '0', 0 };
		int ok = (i >= '0' && i <= '9') || (i >= 'a' && i <= 'f') ||
		    (i >= 'A' && i <= 'F');

		assert_int_equal(ir_unhex(back, s, 1), ok ? IR_OK : IR_EFORMAT);
		assert_int_equal(ir_unhex(back, t, 1), ok ? IR_OK : IR_EFORMAT);
	}
}

/* detach hands over exactly the content, and the buffer is reusable. */
static void
test_detach_reuse(void **state)
{
	struct ir_buf b = IR_BUF_INIT(16);
	char *p, *q;

	(void)state;
	assert_int_equal(ir_buf_add(&b, "a\0b", 3, NULL), IR_OK);
	p = ir_buf_detach(&b, NULL);
	assert_memory_equal(p, "a\0b", 4);	/* with its NUL */
	assert_int_equal(b.max, 16);
	assert_ptr_not_equal(b.buf, p);
	assert_int_equal(ir_buf_addstr(&b, "next", NULL), IR_OK);
	q = ir_buf_detach(&b, NULL);
	assert_ptr_not_equal(p, q);
	assert_string_equal(q, "next");
	assert_memory_equal(p, "a\0b", 4);	/* untouched by the reuse */
	free(p);
	free(q);
	ir_buf_release(&b);
}

/* Sizes as responders write them; anything else, or too large, is -1. */
static void
test_parse_size(void **state)
{
	static const struct {
		const char	*s;
		uint64_t	 v;
	} good[] = {
		{ "0", 0 }, { "512", 512 }, { "4k", 4096 }, { "4KiB", 4096 },
		{ "16M", 16ULL << 20 }, { "2G", 2ULL << 30 }, { "1GiB", 1ULL << 30 },
		{ "3T", 3ULL << 40 }, { "100b", 100 }, { "100B", 100 },
		{ "16777215T", 16777215ULL << 40 },
	};
	static const char *bad[] = {
		"", "-1", " 1", "1 ", "1X", "1KB2", "k", "1.5G", "16777216T",
		"99999999999999999999", "1iB", "1BB",
	};
	uint64_t v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = 1;
		assert_int_equal(ir_parse_size(good[i].s, &v), 0);
		assert_true(v == good[i].v);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ir_parse_size(bad[i], &v), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_and_cap),
		cmocka_unit_test(test_growth_keeps_content),
		cmocka_unit_test(test_addf_and_hex),
		cmocka_unit_test(test_detach_hands_over),
		cmocka_unit_test(test_cap_leaves_buffer_unchanged),
		cmocka_unit_test(test_binary_and_big_growth),
		cmocka_unit_test(test_addf_long_and_appends),
		cmocka_unit_test(test_hex_both_ways),
		cmocka_unit_test(test_detach_reuse),
		cmocka_unit_test(test_parse_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
