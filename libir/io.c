#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
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

#define CREATE_TRIES	1000

/* One component of an untrusted path as a safe name, cut to fit. */
static void
safe_name(const char *p, size_t n, char *out)
{
	if (n == 1 && p[0] == '.')
		(void)strcpy(out, "%2E");
	else if (n == 2 && p[0] == '.' && p[1] == '.')
		(void)strcpy(out, "%2E%2E");
	else {
		/* Room for a "~NNN" that makes it unique. */
		if (n > NAME_MAX - 8)
			n = NAME_MAX - 8;
		memcpy(out, p, n);
		out[n] = '\0';
	}
}

/*
 * Open (making it if need be) the directory name under dirfd; when name
 * is taken by something else, "name~N".  The name used is left in name.
 */
static int
descend(int dirfd, char *name, size_t base)
{
	int fd, i;

	for (i = 0; i <= CREATE_TRIES; i++) {
		if (i > 0)
			(void)snprintf(name + base, NAME_MAX + 1 - base, "~%d", i);
		if (mkdirat(dirfd, name, 0755) != 0 && errno != EEXIST)
			return -1;
		fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (fd >= 0 || (errno != ENOTDIR && errno != ELOOP))
			return fd;
	}
	errno = EEXIST;
	return -1;
}

int
ir_create_under(int dirfd, const char *relpath, char **made,
    struct ir_err *e)
{
	struct ir_buf out = IR_BUF_INIT(IR_BUF_NOLIMIT);
	char name[NAME_MAX + 1];
	const char *p = relpath, *slash;
	size_t n, base;
	int fd = -1, dfd, i, rc;

	*made = NULL;
	if ((dfd = dup(dirfd)) < 0)
		return ir_err_set(e, IR_EIO, errno, "%s", relpath), -1;
	for (;;) {
		while (*p == '/')
			p++;
		slash = strchr(p, '/');
		n = slash != NULL ? (size_t)(slash - p) : strlen(p);
		safe_name(p, n, name);
		base = strlen(name);
		if (slash == NULL || slash[strspn(slash, "/")] == '\0')
			break;
		if ((fd = descend(dfd, name, base)) < 0)
			goto fail;
		(void)close(dfd);
		dfd = fd;
		fd = -1;
		if (ir_buf_addstr(&out, name, e) != IR_OK ||
		    ir_buf_addch(&out, '/', e) != IR_OK)
			goto nomem;
		p = slash;
	}
	if (base == 0) {
		(void)strcpy(name, "%");	/* a path with no name */
		base = 1;
	}
	for (i = 0; i <= CREATE_TRIES; i++) {
		if (i > 0)
			(void)snprintf(name + base, sizeof(name) - base, "~%d", i);
		fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0)
		goto fail;
	if (ir_buf_addstr(&out, name, e) != IR_OK) {
		(void)close(fd);
		(void)unlinkat(dfd, name, 0);
		fd = -1;
		goto nomem;
	}
	(void)close(dfd);
	*made = ir_buf_detach(&out, NULL);
	return fd;
nomem:
	(void)close(dfd);
	ir_buf_release(&out);
	return -1;
fail:
	rc = errno;
	if (fd >= 0)
		(void)close(fd);
	(void)close(dfd);
	ir_buf_release(&out);
	return ir_err_set(e, IR_EIO, rc, "cannot create %s", relpath), -1;
}
