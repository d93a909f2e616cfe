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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_and_cap),
		cmocka_unit_test(test_growth_keeps_content),
		cmocka_unit_test(test_addf_and_hex),
		cmocka_unit_test(test_detach_hands_over),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
