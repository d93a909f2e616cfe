/* src: regular files, streams, and what is refused. */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>

static void
test_regular_file(void **state)
{
	char dir[256], path[300], buf[64];
	const struct ir_src_info *in;
	struct ir_src *s;
	struct ir_err e;
	size_t got, nbad;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	ut_write(dir, "img", "0123456789", 10);
	(void)snprintf(path, sizeof(path), "%s/img", dir);
	assert_int_equal(ir_src_open(&s, path, &e), IR_OK);
	in = ir_src_info(s);
	assert_int_equal(in->kind, IR_SRC_FILE);
	assert_int_equal(in->size, 10);
	assert_string_equal(ir_src_path(s), path);
	assert_int_equal(ir_src_read(s, buf, 4, 2, &got, &e), IR_OK);
	assert_int_equal(got, 4);
	assert_memory_equal(buf, "2345", 4);
	assert_int_equal(ir_src_read(s, buf, 64, 7, &got, &e), IR_OK);
	assert_int_equal(got, 3);		/* short only at the end */
	assert_memory_equal(buf, "789", 3);
	assert_int_equal(ir_src_read(s, buf, 64, 10, &got, &e), IR_OK);
	assert_int_equal(got, 0);
	assert_int_equal(ir_src_read(s, buf, 64, 1000, &got, &e), IR_OK);
	assert_int_equal(got, 0);
	(void)ir_src_badmap(s, &nbad);
	assert_int_equal(nbad, 0);
	/* Opened read-only. */
	assert_int_equal(fcntl(ir_src_fd(s), F_GETFL) & O_ACCMODE, O_RDONLY);
	ir_src_close(s);
	ut_rmtree(dir);
}

static void
test_stdin_stream(void **state)
{
	struct ir_src *s;
	struct ir_err e;
	char buf[16];
	size_t got;
	int p[2], saved;

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "streamed", 8), 8);
	(void)close(p[1]);
	assert_true((saved = dup(STDIN_FILENO)) >= 0);
	assert_int_equal(dup2(p[0], STDIN_FILENO), STDIN_FILENO);
	(void)close(p[0]);
	assert_int_equal(ir_src_open(&s, "-", &e), IR_OK);
	assert_int_equal(ir_src_info(s)->kind, IR_SRC_STREAM);
	assert_int_equal(ir_src_info(s)->size, 0);
	assert_int_equal(ir_src_read(s, buf, 3, 0, &got, &e), IR_OK);
	assert_int_equal(got, 3);
	assert_memory_equal(buf, "str", 3);
	/* A stream cannot seek: only the current position is readable. */
	assert_int_equal(ir_src_read(s, buf, 3, 0, &got, &e), IR_EINVAL);
	assert_non_null(strstr(e.msg, "cannot seek"));
	assert_int_equal(ir_src_read(s, buf, 16, 3, &got, &e), IR_OK);
	assert_int_equal(got, 5);
	assert_memory_equal(buf, "eamed", 5);
	ir_src_close(s);
	assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	(void)close(saved);
}

static void
test_refused(void **state)
{
	char dir[256], link[300], target[300];
	struct ir_src *s;
	struct ir_err e;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	ut_write(dir, "t", "x", 1);
	(void)snprintf(target, sizeof(target), "%s/t", dir);
	(void)snprintf(link, sizeof(link), "%s/l", dir);
	assert_int_equal(symlink(target, link), 0);
	assert_int_not_equal(ir_src_open(&s, dir, &e), IR_OK);
	assert_null(s);
	assert_non_null(strstr(e.msg, "is a directory"));
	assert_int_equal(ir_src_open(&s, link, &e), IR_EIO);
	assert_int_equal(e.sys_errno, ELOOP);
	assert_int_equal(ir_src_open(&s, "/nonexistent", &e), IR_EIO);
	assert_int_equal(e.sys_errno, ENOENT);
	ut_rmtree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regular_file),
		cmocka_unit_test(test_stdin_stream),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
