/* io: full reads and writes over pipes, evidence opens, whole-file reads. */
#include "unit.h"

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>

struct dribble {
	int	 fd;
	size_t	 n;
};

/* Write n bytes in 7-byte pieces so the reader sees short reads. */
static void *
dribble(void *a)
{
	struct dribble *d = a;
	char c[7];
	size_t i, k;

	for (i = 0; i < d->n; i += k) {
		k = d->n - i < 7 ? d->n - i : 7;
		memset(c, 'x', k);
		if (write(d->fd, c, k) != (ssize_t)k)
			break;
	}
	(void)close(d->fd);
	return NULL;
}

static void
test_read_full_over_short_writes(void **state)
{
	struct dribble d;
	pthread_t t;
	char buf[5000];
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	d.fd = p[1];
	d.n = 3001;
	assert_int_equal(pthread_create(&t, NULL, dribble, &d), 0);
	assert_int_equal(ir_read_full(p[0], buf, 1000), 1000);	/* whole */
	assert_int_equal(ir_read_full(p[0], buf, sizeof(buf)), 2001); /* to EOF */
	assert_int_equal(ir_read_full(p[0], buf, sizeof(buf)), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	(void)close(p[0]);
	assert_int_equal(ir_read_full(p[0], buf, 1), -1);	/* closed fd */
	assert_int_equal(errno, EBADF);
}

static void
test_pread_write_full(void **state)
{
	char dir[256], path[300], buf[16];
	int fd;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	(void)snprintf(path, sizeof(path), "%s/f", dir);
	assert_true((fd = open(path, O_RDWR | O_CREAT, 0600)) >= 0);
	assert_int_equal(ir_write_full(fd, "0123456789", 10), 10);
	assert_int_equal(ir_pread_full(fd, buf, 4, 3), 4);
	assert_memory_equal(buf, "3456", 4);
	assert_int_equal(ir_pread_full(fd, buf, 16, 8), 2);	/* end */
	assert_memory_equal(buf, "89", 2);
	(void)close(fd);
	ut_rmtree(dir);
}

static void
test_open_evidence(void **state)
{
	char dir[256], path[300], link[300], fifo[300];
	struct ir_err e;
	int fd, fl;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	ut_write(dir, "f", "data", 4);
	(void)snprintf(path, sizeof(path), "%s/f", dir);
	(void)snprintf(link, sizeof(link), "%s/l", dir);
	(void)snprintf(fifo, sizeof(fifo), "%s/p", dir);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(mkfifo(fifo, 0600), 0);

	assert_true((fd = ir_open_evidence(AT_FDCWD, path, 0, &e)) >= 0);
	fl = fcntl(fd, F_GETFL);
	assert_int_equal(fl & O_ACCMODE, O_RDONLY);	/* never writable */
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	(void)close(fd);
	/* A final symlink is never followed. */
	assert_int_equal(ir_open_evidence(AT_FDCWD, link, 0, &e), -1);
	assert_int_equal(e.sys_errno, ELOOP);
	assert_non_null(strstr(e.msg, link));
	/* A FIFO with no writer opens at once instead of blocking. */
	assert_true((fd = ir_open_evidence(AT_FDCWD, fifo, 0, &e)) >= 0);
	(void)close(fd);
	assert_int_equal(ir_open_evidence(AT_FDCWD, "/nonexistent/x", 0, &e),
	    -1);
	assert_int_equal(e.code, IR_EIO);
	assert_int_equal(e.sys_errno, ENOENT);
	ut_rmtree(dir);
}

static void
test_read_file_cap(void **state)
{
	struct ir_buf small = IR_BUF_INIT(10), big = IR_BUF_INIT(100);
	char dir[256], path[300];
	struct ir_err e;
	int p[2];

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	ut_write(dir, "f", "0123456789abcdef", 16);
	(void)snprintf(path, sizeof(path), "%s/f", dir);
	assert_int_equal(ir_read_file(AT_FDCWD, path, &small, &e), IR_ELIMIT);
	assert_non_null(strstr(e.msg, "larger than 10 bytes"));
	assert_int_equal(ir_read_file(AT_FDCWD, path, &big, &e), IR_OK);
	assert_int_equal(big.len, 16);
	assert_string_equal(big.buf, "0123456789abcdef");
	ir_buf_reset(&big);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "piped", 5), 5);
	(void)close(p[1]);
	assert_int_equal(ir_read_fd(p[0], "pipe", &big, &e), IR_OK);
	assert_string_equal(big.buf, "piped");
	(void)close(p[0]);
	ir_buf_release(&small);
	ir_buf_release(&big);
	ut_rmtree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_full_over_short_writes),
		cmocka_unit_test(test_pread_write_full),
		cmocka_unit_test(test_open_evidence),
		cmocka_unit_test(test_read_file_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
