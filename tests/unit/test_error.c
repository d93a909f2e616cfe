/* error: codes, messages with errno text, prefixes. */
#include "unit.h"

#include <errno.h>

static void
test_set_returns_code_and_formats(void **state)
{
	struct ir_err e;

	(void)state;
	assert_int_equal(ir_err_set(&e, IR_EFORMAT, 0, "bad %s at %d", "x", 7),
	    IR_EFORMAT);
	assert_int_equal(e.code, IR_EFORMAT);
	assert_int_equal(e.sys_errno, 0);
	assert_string_equal(e.msg, "bad x at 7");
	assert_int_equal(ir_err_set(&e, IR_EIO, ENOENT, "cannot open '%s'",
	    "f"), IR_EIO);
	assert_string_equal(e.msg, "cannot open 'f': No such file or directory");
	assert_int_equal(e.sys_errno, ENOENT);
	/* A NULL error is allowed: the code still comes back. */
	assert_int_equal(ir_err_set(NULL, IR_ENOMEM, 0, "x"), IR_ENOMEM);
}

static void
test_prefix_and_clear(void **state)
{
	struct ir_err e;

	(void)state;
	ir_err_set(&e, IR_EIO, 0, "read failed");
	assert_int_equal(ir_err_prefix(&e, "%s", "disk.img"), IR_EIO);
	assert_string_equal(e.msg, "disk.img: read failed");
	ir_err_clear(&e);
	assert_int_equal(e.code, IR_OK);
	assert_string_equal(e.msg, "");
}

static void
test_long_message_is_cut_not_overflowed(void **state)
{
	char big[2000];
	struct ir_err e;

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ir_err_set(&e, IR_EINVAL, 0, "%s", big);
	assert_int_equal(strlen(e.msg), sizeof(e.msg) - 1);
}

static void
test_strerror_names_every_code(void **state)
{
	int c;

	(void)state;
	for (c = IR_OK; c <= IR_EINTR; c++)
		assert_string_not_equal(ir_strerror(c), "unknown error");
	assert_string_equal(ir_strerror(IR_EINTR), "interrupted");
	assert_string_equal(ir_strerror((enum ir_code)999), "unknown error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_returns_code_and_formats),
		cmocka_unit_test(test_prefix_and_clear),
		cmocka_unit_test(test_long_message_is_cut_not_overflowed),
		cmocka_unit_test(test_strerror_names_every_code),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
