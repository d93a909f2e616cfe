#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "ir/buf.h"
#include "ir/error.h"
#include "ir/io.h"

/* read(2) or, with off >= 0, pread(2) until n bytes, EOF or an error. */
static ssize_t
fill(int fd, void *buf, size_t n, off_t off)
{
	char *p = buf;
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		if (off < 0)
			r = read(fd, p + got, n - got);
		else
			r = pread(fd, p + got, n - got, off + (off_t)got);
		if (r == 0)
			break;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)r;
	}
	return (ssize_t)got;
}

ssize_t
ir_read_full(int fd, void *buf, size_t n)
{
	return fill(fd, buf, n, -1);
}

ssize_t
ir_pread_full(int fd, void *buf, size_t n, off_t off)
{
	if (off < 0) {
		errno = EINVAL;
		return -1;
	}
	return fill(fd, buf, n, off);
}

ssize_t
ir_write_full(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	size_t put = 0;
	ssize_t r;

	while (put < n) {
		r = write(fd, p + put, n - put);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		put += (size_t)r;
	}
	return (ssize_t)put;
}

int
ir_open_evidence(int dirfd, const char *path, int extra_flags,
    struct ir_err *e)
{
	int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK |
	    extra_flags;
	int fd;

	do
		fd = openat(dirfd, path, flags | O_NOATIME);
	while (fd < 0 && errno == EINTR);
	if (fd < 0 && errno == EPERM)	/* O_NOATIME needs ownership */
		do
			fd = openat(dirfd, path, flags);
		while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		ir_err_set(e, IR_EIO, errno, "cannot open '%s'", path);
		return -1;
	}
	return fd;
}

int
ir_read_fd(int fd, const char *name, struct ir_buf *out, struct ir_err *e)
{
	char chunk[65536];
	ssize_t n;
	int rc = IR_OK;

	while ((n = ir_read_full(fd, chunk, sizeof(chunk))) > 0)
		if ((rc = ir_buf_add(out, chunk, (size_t)n, e)) != IR_OK) {
			if (rc == IR_ELIMIT)
				ir_err_set(e, IR_ELIMIT, 0, "'%s' is larger "
				    "than %zu bytes", name, out->max);
			return rc;
		}
	if (n < 0)
		rc = ir_err_set(e, IR_EIO, errno, "cannot read '%s'", name);
	return rc;
}

int
ir_read_file(int dirfd, const char *path, struct ir_buf *out,
    struct ir_err *e)
{
	struct stat st;
	int fd, rc;

	if ((fd = ir_open_evidence(dirfd, path, 0, e)) < 0)
		return e != NULL ? e->code : IR_EIO;
	/* A FIFO passed as a list must still be read: blocking is wanted. */
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	/*
	 * Opened before its writer, a FIFO reads as empty (EOF): wait until
	 * the writer has written or come and gone (POLLHUP).
	 */
	if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode)) {
		struct pollfd pfd = { fd, POLLIN, 0 };

		while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
			;
	}
	rc = ir_read_fd(fd, path, out, e);
	(void)close(fd);
	return rc;
}
