/* src: regular files, streams, and what is refused. */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>

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

/* A larger file: every read matches the bytes at its offset. */
static void
test_regular_file_offsets(void **state)
{
	enum { N = 1000003 };
	char dir[256], path[300];
	unsigned char *data, *buf;
	const struct ir_src_info *in;
	struct ir_src *s;
	struct ir_err e;
	struct stat st;
	uint32_t seed = 99;
	uint64_t off;
	size_t got, n, i;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	assert_non_null(data = malloc(N));
	assert_non_null(buf = malloc(N + 10));
	ut_fill(data, N, 5);
	ut_write(dir, "img", data, N);
	ut_path(path, sizeof(path), dir, "img");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(ir_src_open(&s, path, &e), IR_OK);
	in = ir_src_info(s);
	assert_int_equal(in->kind, IR_SRC_FILE);
	assert_int_equal(in->size, N);
	assert_int_equal(in->inode, st.st_ino);
	assert_int_equal(in->dev, st.st_dev);
	assert_int_equal(in->sector_size, 512);
	for (i = 0; i < 300; i++) {
		off = ut_rand(&seed) % (N + 100);
		n = ut_rand(&seed) % 70000;
		assert_int_equal(ir_src_read(s, buf, n, off, &got, &e), IR_OK);
		if (off >= N)
			assert_int_equal(got, 0);
		else {
			assert_int_equal(got, n < N - off ? n : N - off);
			assert_memory_equal(buf, data + off, got);
		}
	}
	/* The whole file at once, and more than the whole file. */
	assert_int_equal(ir_src_read(s, buf, N + 10, 0, &got, &e), IR_OK);
	assert_int_equal(got, N);
	assert_memory_equal(buf, data, N);
	assert_int_equal(ir_src_read(s, buf, 0, 5, &got, &e), IR_OK);
	assert_int_equal(got, 0);
	assert_int_equal(ir_src_read(s, buf, 1, N - 1, &got, &e), IR_OK);
	assert_int_equal(got, 1);
	assert_int_equal(buf[0], data[N - 1]);
	ir_src_close(s);
	/* An empty file: size 0, every read gives nothing. */
	ut_write(dir, "empty", "", 0);
	ut_path(path, sizeof(path), dir, "empty");
	assert_int_equal(ir_src_open(&s, path, &e), IR_OK);
	assert_int_equal(ir_src_info(s)->kind, IR_SRC_FILE);
	assert_int_equal(ir_src_info(s)->size, 0);
	assert_int_equal(ir_src_read(s, buf, 10, 0, &got, &e), IR_OK);
	assert_int_equal(got, 0);
	assert_int_equal(ir_src_read(s, buf, 10, 4096, &got, &e), IR_OK);
	assert_int_equal(got, 0);
	ir_src_close(s);
	ir_src_close(NULL);
	free(buf);
	free(data);
	ut_rmtree(dir);
}

struct writer {
	const char	*path;
	int		 delay_us;
};

/* Open the FIFO for writing (after a delay) and send it in pieces. */
static void *
fifo_writer(void *a)
{
	struct writer *w = a;
	int fd;

	usleep((useconds_t)w->delay_us);
	if ((fd = open(w->path, O_WRONLY)) < 0)
		return NULL;
	(void)ir_write_full(fd, "first ", 6);
	usleep(20000);
	(void)ir_write_full(fd, "second ", 7);
	usleep(20000);
	(void)ir_write_full(fd, "third", 5);
	(void)close(fd);
	return NULL;
}

/*
 * A named pipe is a stream: sequential reads work, any other offset is
 * refused, and reading waits for a writer that comes late.
 */
static void
test_fifo_stream(void **state)
{
	char dir[256], fifo[300], buf[64];
	struct writer w;
	struct ir_src *s;
	struct ir_err e;
	pthread_t t;
	size_t got;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	ut_path(fifo, sizeof(fifo), dir, "p");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	/* The open itself never waits for a writer. */
	assert_int_equal(ir_src_open(&s, fifo, &e), IR_OK);
	assert_int_equal(ir_src_info(s)->kind, IR_SRC_STREAM);
	assert_int_equal(ir_src_info(s)->size, 0);
	assert_int_equal(fcntl(ir_src_fd(s), F_GETFL) & O_ACCMODE, O_RDONLY);
	w.path = fifo;
	w.delay_us = 50000;
	assert_int_equal(pthread_create(&t, NULL, fifo_writer, &w), 0);
	/* Blocks until the writer has sent 10 bytes, however it splits them. */
	assert_int_equal(ir_src_read(s, buf, 10, 0, &got, &e), IR_OK);
	assert_int_equal(got, 10);
	assert_memory_equal(buf, "first seco", 10);
	assert_int_equal(ir_src_read(s, buf, 4, 0, &got, &e), IR_EINVAL);
	assert_non_null(strstr(e.msg, "cannot seek"));
	assert_non_null(strstr(e.msg, fifo));
	assert_int_equal(ir_src_read(s, buf, 4, 11, &got, &e), IR_EINVAL);
	assert_int_equal(got, 0);
	assert_int_equal(ir_src_read(s, buf, sizeof(buf), 10, &got, &e),
	    IR_OK);
	assert_int_equal(got, 8);		/* short: the writer closed */
	assert_memory_equal(buf, "nd third", 8);
	assert_int_equal(ir_src_read(s, buf, sizeof(buf), 18, &got, &e),
	    IR_OK);
	assert_int_equal(got, 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	ir_src_close(s);
	ut_rmtree(dir);
}

/* A character device is a stream too. */
static void
test_char_device_stream(void **state)
{
	unsigned char buf[5000], zero[5000];
	struct ir_src *s;
	struct ir_err e;
	size_t got;

	(void)state;
	memset(zero, 0, sizeof(zero));
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(ir_src_open(&s, "/dev/zero", &e), IR_OK);
	assert_int_equal(ir_src_info(s)->kind, IR_SRC_STREAM);
	assert_int_equal(ir_src_read(s, buf, sizeof(buf), 0, &got, &e), IR_OK);
	assert_int_equal(got, sizeof(buf));
	assert_memory_equal(buf, zero, sizeof(buf));
	assert_int_equal(ir_src_read(s, buf, 10, 0, &got, &e), IR_EINVAL);
	assert_int_equal(ir_src_read(s, buf, 10, sizeof(buf), &got, &e),
	    IR_OK);
	assert_int_equal(got, 10);
	ir_src_close(s);
	assert_int_equal(ir_src_open(&s, "/dev/null", &e), IR_OK);
	assert_int_equal(ir_src_read(s, buf, 10, 0, &got, &e), IR_OK);
	assert_int_equal(got, 0);
	ir_src_close(s);
}

/* "-" takes whatever stdin is: a regular file keeps its size and seeks. */
static void
test_stdin_kinds(void **state)
{
	char dir[256], path[300], buf[16];
	struct ir_src *s;
	struct ir_err e;
	size_t got;
	int fd, saved;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	ut_write(dir, "f", "from a file", 11);
	ut_path(path, sizeof(path), dir, "f");
	assert_true((saved = dup(STDIN_FILENO)) >= 0);
	assert_true((fd = open(path, O_RDONLY)) >= 0);
	assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	(void)close(fd);
	assert_int_equal(ir_src_open(&s, "-", &e), IR_OK);
	assert_string_equal(ir_src_path(s), "-");
	assert_int_equal(ir_src_fd(s), STDIN_FILENO);
	assert_int_equal(ir_src_info(s)->kind, IR_SRC_FILE);
	assert_int_equal(ir_src_info(s)->size, 11);
	assert_int_equal(ir_src_read(s, buf, 4, 7, &got, &e), IR_OK);
	assert_int_equal(got, 4);
	assert_memory_equal(buf, "file", 4);
	ir_src_close(s);
	/* Closing the source leaves stdin open. */
	assert_true(fcntl(STDIN_FILENO, F_GETFD) >= 0);
	/* A directory on stdin is refused, and stdin stays open. */
	assert_true((fd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0);
	assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	(void)close(fd);
	assert_int_not_equal(ir_src_open(&s, "-", &e), IR_OK);
	assert_null(s);
	assert_non_null(strstr(e.msg, "is a directory"));
	assert_true(fcntl(STDIN_FILENO, F_GETFD) >= 0);
	assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	(void)close(saved);
	ut_rmtree(dir);
}

static void
test_refused_messages(void **state)
{
	char dir[256], link[300], want[600];
	struct ir_src *s = (struct ir_src *)&want;
	struct ir_err e;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	ut_write(dir, "t", "x", 1);
	ut_path(link, sizeof(link), dir, "l");
	assert_int_equal(symlink("t", link), 0);
	assert_int_equal(ir_src_open(&s, link, &e), IR_EIO);
	assert_null(s);
	(void)snprintf(want, sizeof(want), "'%s': %s", link, strerror(ELOOP));
	assert_non_null(strstr(e.msg, want));
	/* A dangling symlink is refused the same way, not as missing. */
	ut_path(link, sizeof(link), dir, "dangling");
	assert_int_equal(symlink("nowhere", link), 0);
	assert_int_equal(ir_src_open(&s, link, &e), IR_EIO);
	assert_int_equal(e.sys_errno, ELOOP);
	assert_int_equal(ir_src_open(&s, "", &e), IR_EIO);
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
		cmocka_unit_test(test_regular_file_offsets),
		cmocka_unit_test(test_fifo_stream),
		cmocka_unit_test(test_char_device_stream),
		cmocka_unit_test(test_stdin_kinds),
		cmocka_unit_test(test_refused_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
