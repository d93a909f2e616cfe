/*
 * bagit: manifest lines as RFC 8493 section 2.1.3 wants them (CR, LF and
 * '%' in names percent-encoded, nothing else), every byte value through
 * encode and decode unchanged, lines that do not parse refused with a
 * reason, Payload-Oxum, bag-info labels, and paths that leave the bag.
 */
#include "unit.h"

static void
test_encode_rfc(void **state)
{
	struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_err e;
	const char name[] = "data/a\nb\rc%d %0A.txt";

	(void)state;
	assert_int_equal(ir_bagit_encode(&b, name, strlen(name), &e), IR_OK);
	assert_string_equal(b.buf, "data/a%0Ab%0Dc%25d %250A.txt");
	ir_buf_reset(&b);
	assert_int_equal(ir_bagit_line(&b, "ab", "x\ny", 3, &e), IR_OK);
	assert_string_equal(b.buf, "ab  x%0Ay\n");
	ir_buf_release(&b);
}

static void
test_every_byte_round_trips(void **state)
{
	struct ir_buf enc = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_buf dec = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_err e;
	char all[512];
	size_t i;

	(void)state;
	/* Each byte value, and each followed by '%' pieces. */
	for (i = 0; i < 256; i++) {
		all[2 * i] = (char)i;
		all[2 * i + 1] = i % 3 == 0 ? '%' : i % 3 == 1 ? '0' : 'A';
	}
	assert_int_equal(ir_bagit_encode(&enc, all, sizeof(all), &e), IR_OK);
	assert_null(memchr(enc.buf, '\n', enc.len));
	assert_null(memchr(enc.buf, '\r', enc.len));
	assert_int_equal(ir_bagit_decode(&dec, enc.buf, enc.len, &e), IR_OK);
	assert_int_equal(dec.len, sizeof(all));
	assert_memory_equal(dec.buf, all, sizeof(all));
	ir_buf_release(&enc);
	ir_buf_release(&dec);
}

static void
test_parse_line(void **state)
{
	struct ir_buf p = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_err e;
	char hex[65];
	const char *sha =
	    "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
	char line[200];

	(void)state;
	(void)snprintf(line, sizeof(line), "%s  data/a%%0Ab c%%25\r", sha);
	assert_int_equal(ir_bagit_parse_line(line, strlen(line), hex, &p, &e),
	    IR_OK);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_string_equal(p.buf, "data/a\nb c%");
	/* A tab, one space: RFC 8493 allows any whitespace. */
	(void)snprintf(line, sizeof(line), "%s\tdata/x", sha);
	assert_int_equal(ir_bagit_parse_line(line, strlen(line), hex, &p, &e),
	    IR_OK);
	assert_string_equal(p.buf, "data/x");
	assert_int_equal(ir_bagit_parse_line("abc  data/x", 11, hex, &p, &e),
	    IR_EFORMAT);
	assert_non_null(strstr(e.msg, "64 hex digits"));
	(void)snprintf(line, sizeof(line), "%sdata/x", sha);
	assert_int_equal(ir_bagit_parse_line(line, strlen(line), hex, &p, &e),
	    IR_EFORMAT);
	(void)snprintf(line, sizeof(line), "%s   ", sha);
	assert_int_equal(ir_bagit_parse_line(line, strlen(line), hex, &p, &e),
	    IR_EFORMAT);
	assert_non_null(strstr(e.msg, "no path"));
	(void)snprintf(line, sizeof(line), "%.63sg  data/x", sha);
	assert_int_equal(ir_bagit_parse_line(line, strlen(line), hex, &p, &e),
	    IR_EFORMAT);
	ir_buf_release(&p);
}

static void
test_oxum_and_info(void **state)
{
	const char info[] = "Bagging-Date: 2026-12-01\r\n"
	    "payload-oxum:   1234.56  \nExternal-Identifier:\n"
	    "Custody-Head: abc\n";
	struct ir_err e;
	uint64_t bytes, files;
	char v[64], small[4];

	(void)state;
	assert_int_equal(ir_bagit_oxum_parse("1234.56", 7, &bytes, &files, &e),
	    IR_OK);
	assert_int_equal(bytes, 1234);
	assert_int_equal(files, 56);
	assert_int_equal(ir_bagit_oxum_parse("12x4.5", 6, &bytes, &files, &e),
	    IR_EFORMAT);
	assert_int_equal(ir_bagit_oxum_parse("1234", 4, &bytes, &files, &e),
	    IR_EFORMAT);
	assert_int_equal(ir_bagit_oxum_parse(".5", 2, &bytes, &files, &e),
	    IR_EFORMAT);
	assert_int_equal(ir_bagit_oxum_parse("99999999999999999999.1", 22,
	    &bytes, &files, &e), IR_EFORMAT);
	assert_int_equal(ir_bagit_info_get(info, strlen(info), "Payload-Oxum",
	    v, sizeof(v), &e), IR_OK);
	assert_string_equal(v, "1234.56");
	assert_int_equal(ir_bagit_info_get(info, strlen(info), "Bagging-Date",
	    v, sizeof(v), &e), IR_OK);
	assert_string_equal(v, "2026-12-01");
	assert_int_equal(ir_bagit_info_get(info, strlen(info),
	    "External-Identifier", v, sizeof(v), &e), IR_OK);
	assert_string_equal(v, "");
	assert_int_equal(ir_bagit_info_get(info, strlen(info), "Bag-Size", v,
	    sizeof(v), &e), IR_ENOENT);
	assert_int_equal(ir_bagit_info_get(info, strlen(info), "Custody-Head",
	    small, sizeof(small) - 1, &e), IR_ELIMIT);
}

static void
test_path_safe(void **state)
{
	static const char *const good[] = { "data/a", "data/a/b/", "a",
	    "data/..a", "data/a..", "data/.hidden", NULL };
	static const char *const bad[] = { "", "/etc/passwd", "..", "../x",
	    "data/../../x", "data/./x", "data//x", "a/..", ".", NULL };
	size_t i;

	(void)state;
	for (i = 0; good[i] != NULL; i++)
		if (!ir_bagit_path_safe(good[i], strlen(good[i])))
			fail_msg("'%s' should be safe", good[i]);
	for (i = 0; bad[i] != NULL; i++)
		if (ir_bagit_path_safe(bad[i], strlen(bad[i])))
			fail_msg("'%s' should not be safe", bad[i]);
	assert_false(ir_bagit_path_safe("a\0b", 3));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_rfc),
		cmocka_unit_test(test_every_byte_round_trips),
		cmocka_unit_test(test_parse_line),
		cmocka_unit_test(test_oxum_and_info),
		cmocka_unit_test(test_path_safe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
