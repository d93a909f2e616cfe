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

static void
test_errno_text_is_appended(void **state)
{
	char want[600];
	struct ir_err e;

	(void)state;
	(void)snprintf(want, sizeof(want), "open 'x': %s", strerror(EACCES));
	assert_int_equal(ir_err_set(&e, IR_EIO, EACCES, "open '%s'", "x"),
	    IR_EIO);
	assert_string_equal(e.msg, want);
	assert_int_equal(e.sys_errno, EACCES);
	/* Without errno nothing is appended, and sys_errno is reset. */
	assert_int_equal(ir_err_set(&e, IR_EFORMAT, 0, "plain"), IR_EFORMAT);
	assert_string_equal(e.msg, "plain");
	assert_int_equal(e.sys_errno, 0);
	/* Every code comes back unchanged, also with a NULL error. */
	assert_int_equal(ir_err_set(NULL, IR_EIO, ENOENT, "%s", "y"), IR_EIO);
	assert_int_equal(ir_err_set(NULL, IR_OK, 0, "z"), IR_OK);
	assert_int_equal(ir_err_set(&e, IR_EINTR, 0, "stop"), IR_EINTR);
	assert_int_equal(e.code, IR_EINTR);
}

/* A message that fills the buffer still ends in a NUL with errno given. */
static void
test_full_message_with_errno(void **state)
{
	char big[600];
	struct ir_err e;

	(void)state;
	memset(big, 'b', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ir_err_set(&e, IR_EIO, ENOENT, "%s", big);
	assert_int_equal(strlen(e.msg), sizeof(e.msg) - 1);
	assert_int_equal(e.sys_errno, ENOENT);
	/* Room for part of the errno text: it is cut, not overflowed. */
	ir_err_set(&e, IR_EIO, ENOENT, "%.*s", (int)sizeof(e.msg) - 6, big);
	assert_int_equal(strlen(e.msg), sizeof(e.msg) - 1);
	assert_memory_equal(e.msg + sizeof(e.msg) - 6, ": No ", 5);
}

static void
test_prefix_keeps_code_and_cuts(void **state)
{
	char big[600];
	struct ir_err e;

	(void)state;
	ir_err_set(&e, IR_ELIMIT, ENOSPC, "write");
	assert_int_equal(ir_err_prefix(&e, "%s:%d", "case", 3), IR_ELIMIT);
	assert_int_equal(e.code, IR_ELIMIT);
	assert_int_equal(e.sys_errno, ENOSPC);
	assert_non_null(strstr(e.msg, "case:3: write: "));
	assert_int_equal(strncmp(e.msg, "case:3: write: ", 15), 0);
	/* Prefixes nest, outermost first. */
	assert_int_equal(ir_err_prefix(&e, "outer"), IR_ELIMIT);
	assert_int_equal(strncmp(e.msg, "outer: case:3: write", 20), 0);
	/* A long message keeps its prefix and is cut at the end. */
	memset(big, 'c', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ir_err_set(&e, IR_EIO, 0, "%s", big);
	assert_int_equal(ir_err_prefix(&e, "pre"), IR_EIO);
	assert_int_equal(strlen(e.msg), sizeof(e.msg) - 1);
	assert_int_equal(strncmp(e.msg, "pre: ccc", 8), 0);
	/* NULL is tolerated. */
	assert_int_equal(ir_err_prefix(NULL, "x"), IR_EINVAL);
	ir_err_clear(NULL);
	/* clear resets all three fields. */
	ir_err_set(&e, IR_EIO, EIO, "x");
	ir_err_clear(&e);
	assert_int_equal(e.code, IR_OK);
	assert_int_equal(e.sys_errno, 0);
	assert_string_equal(e.msg, "");
}

static void
test_strerror_distinct(void **state)
{
	int c, d;

	(void)state;
	for (c = IR_OK; c <= IR_ENOENT; c++) {
		assert_non_null(ir_strerror(c));
		assert_true(strlen(ir_strerror(c)) > 0);
		for (d = IR_OK; d < c; d++)
			assert_string_not_equal(ir_strerror(c),
			    ir_strerror(d));
	}
	assert_string_equal(ir_strerror(IR_OK), "success");
	assert_string_equal(ir_strerror(IR_ELIMIT), "limit exceeded");
	assert_string_equal(ir_strerror((enum ir_code)(IR_ENOENT + 1)),
	    "unknown error");
	assert_string_equal(ir_strerror((enum ir_code)-1), "unknown error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_returns_code_and_formats),
		cmocka_unit_test(test_prefix_and_clear),
		cmocka_unit_test(test_long_message_is_cut_not_overflowed),
		cmocka_unit_test(test_strerror_names_every_code),
		cmocka_unit_test(test_errno_text_is_appended),
		cmocka_unit_test(test_full_message_with_errno),
		cmocka_unit_test(test_prefix_keeps_code_and_cuts),
		cmocka_unit_test(test_strerror_distinct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
