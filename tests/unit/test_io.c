/* io: full reads and writes over pipes, evidence opens, whole-file reads. */
#include "unit.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>

/* The byte at offset i of the test streams below. */
static unsigned char
pattern(size_t i)
{
	return (unsigned char)(i * 131 + (i >> 8) + 7);
}

/*
 * A child process writes n pattern bytes in pieces of 1 to 13 bytes with
 * pauses, so the reader sees many short reads; the content must arrive
 * whole and in order, and a read asks for exactly what it gets.
 */
static void
test_read_full_over_short_writes(void **state)
{
	enum { N = 20011 };
	unsigned char *buf;
	size_t i, k;
	pid_t pid;
	int p[2], st;

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		unsigned char c[16];
		size_t j;

		(void)close(p[0]);
		for (i = 0; i < N; i += k) {
			k = 1 + i % 13;
			if (k > N - i)
				k = N - i;
			for (j = 0; j < k; j++)
				c[j] = pattern(i + j);
			if (write(p[1], c, k) != (ssize_t)k)
				_exit(1);
			if (i % 997 < 13)
				usleep(1000);
		}
		_exit(0);
	}
	(void)close(p[1]);
	assert_non_null(buf = malloc(N + 100));
	assert_int_equal(ir_read_full(p[0], buf, 1000), 1000);	/* whole */
	assert_int_equal(ir_read_full(p[0], buf + 1000, 3096), 3096);
	assert_int_equal(ir_read_full(p[0], buf + 4096, N + 100 - 4096),
	    N - 4096);					/* short: EOF */
	for (i = 0; i < N; i++)
		if (buf[i] != pattern(i))
			fail_msg("byte %zu differs", i);
	assert_int_equal(ir_read_full(p[0], buf, 10), 0);	/* EOF stays */
	assert_int_equal(ir_read_full(p[0], buf, 0), 0);
	(void)close(p[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_int_equal(ir_read_full(p[0], buf, 1), -1);	/* closed fd */
	assert_int_equal(errno, EBADF);
	free(buf);
}

static void
on_usr1(int sig)
{
	(void)sig;
}

struct pest {
	pthread_t	 victim;
	int		 fd;		/* write end to feed, or read end to drain */
	int		 feed;
	size_t		 n;
	unsigned char	*buf;
};

/*
 * Interrupt the victim (blocked in read or write) with signals that do
 * not restart system calls, then feed or drain the pipe.
 */
static void *
pester(void *a)
{
	struct pest *p = a;
	size_t got = 0;
	ssize_t r;
	int i;

	for (i = 0; i < 20; i++) {
		(void)pthread_kill(p->victim, SIGUSR1);
		usleep(2000);
	}
	if (p->feed) {
		(void)ir_write_full(p->fd, p->buf, p->n);
		(void)close(p->fd);
		return NULL;
	}
	while (got < p->n && (r = read(p->fd, p->buf + got, p->n - got)) > 0) {
		got += (size_t)r;
		if (got < 4 * 4096)
			(void)pthread_kill(p->victim, SIGUSR1);
	}
	p->n = got;
	return NULL;
}

/* EINTR is not an error: the loops carry on after a signal. */
static void
test_signals_do_not_cut_transfers(void **state)
{
	enum { N = 300000 };
	struct sigaction sa, old;
	unsigned char *src, *dst;
	struct pest p;
	pthread_t t;
	size_t i;
	int fds[2];

	(void)state;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;	/* no SA_RESTART: read(2) gets EINTR */
	assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
	assert_non_null(src = malloc(N));
	assert_non_null(dst = malloc(N));
	for (i = 0; i < N; i++)
		src[i] = pattern(i);

	/* The reader waits through 20 signals for data that comes later. */
	assert_int_equal(pipe(fds), 0);
	p.victim = pthread_self();
	p.fd = fds[1];
	p.feed = 1;
	p.n = N;
	p.buf = src;
	assert_int_equal(pthread_create(&t, NULL, pester, &p), 0);
	assert_int_equal(ir_read_full(fds[0], dst, N), N);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_memory_equal(dst, src, N);
	(void)close(fds[0]);

	/* The writer fills the pipe, is interrupted, and still gets it all out. */
	assert_int_equal(pipe(fds), 0);
	memset(dst, 0, N);
	p.fd = fds[0];
	p.feed = 0;
	p.n = N;
	p.buf = dst;
	assert_int_equal(pthread_create(&t, NULL, pester, &p), 0);
	assert_int_equal(ir_write_full(fds[1], src, N), N);
	(void)close(fds[1]);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(p.n, N);
	assert_memory_equal(dst, src, N);
	(void)close(fds[0]);

	assert_int_equal(sigaction(SIGUSR1, &old, NULL), 0);
	free(src);
	free(dst);
}

/* Write failures are reported with errno, never as a short success. */
static void
test_write_full_errors(void **state)
{
	struct sigaction sa, old;
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(ir_write_full(p[1], "x", 0), 0);
	(void)close(p[0]);
	/* No reader: EPIPE (SIGPIPE ignored for the test). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	assert_int_equal(sigaction(SIGPIPE, &sa, &old), 0);
	assert_int_equal(ir_write_full(p[1], "0123456789", 10), -1);
	assert_int_equal(errno, EPIPE);
	assert_int_equal(sigaction(SIGPIPE, &old, NULL), 0);
	(void)close(p[1]);
	assert_int_equal(ir_write_full(p[1], "x", 1), -1);
	assert_int_equal(errno, EBADF);
	/* A full disk is an error, never a short success. */
	{
		int fd = open("/dev/full", O_WRONLY);

		assert_true(fd >= 0);
		assert_int_equal(ir_write_full(fd, "abc", 3), -1);
		assert_int_equal(errno, ENOSPC);
		(void)close(fd);
	}
}

static void
test_pread_full(void **state)
{
	char dir[256], path[300], buf[64];
	int fd, p[2];

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	ut_path(path, sizeof(path), dir, "f");
	assert_true((fd = open(path, O_RDWR | O_CREAT, 0600)) >= 0);
	assert_int_equal(ir_write_full(fd, "abcdefghij", 10), 10);
	assert_int_equal(ir_pread_full(fd, buf, 4, 3), 4);
	assert_memory_equal(buf, "defg", 4);
	assert_int_equal(ir_pread_full(fd, buf, 16, 8), 2);	/* short: end */
	assert_memory_equal(buf, "ij", 2);
	assert_int_equal(ir_pread_full(fd, buf, 5, 10), 0);	/* at end */
	assert_int_equal(ir_pread_full(fd, buf, 5, 1000), 0);	/* past it */
	assert_int_equal(ir_pread_full(fd, buf, 5, -1), -1);
	assert_int_equal(errno, EINVAL);
	/* pread does not move the offset that read uses. */
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(ir_pread_full(fd, buf, 3, 7), 3);
	assert_int_equal(ir_read_full(fd, buf, 2), 2);
	assert_memory_equal(buf, "ab", 2);
	(void)close(fd);
	assert_int_equal(ir_pread_full(fd, buf, 1, 0), -1);
	assert_int_equal(errno, EBADF);
	/* A pipe cannot be pread. */
	assert_int_equal(pipe(p), 0);
	assert_int_equal(ir_pread_full(p[0], buf, 1, 0), -1);
	assert_int_equal(errno, ESPIPE);
	(void)close(p[0]);
	(void)close(p[1]);
	ut_rmtree(dir);
}

static void
test_open_evidence(void **state)
{
	char dir[256], sub[300], lsub[300], path[400], fifo[300], want[600];
	struct ir_err e;
	char c;
	int fd, dfd, fl;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	ut_path(sub, sizeof(sub), dir, "sub");
	ut_path(lsub, sizeof(lsub), dir, "lsub");
	assert_int_equal(mkdir(sub, 0700), 0);
	ut_write(sub, "f", "data", 4);
	assert_int_equal(symlink("sub", lsub), 0);

	ut_path(path, sizeof(path), sub, "f");
	assert_true((fd = ir_open_evidence(AT_FDCWD, path, 0, &e)) >= 0);
	fl = fcntl(fd, F_GETFL);
	assert_int_equal(fl & O_ACCMODE, O_RDONLY);	/* never writable */
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(write(fd, "x", 1), -1);
	(void)close(fd);

	/* A final symlink is refused; the message names it and says why. */
	(void)snprintf(want, sizeof(want), "cannot open '%s': %s", lsub,
	    strerror(ELOOP));
	ir_err_clear(&e);
	assert_int_equal(ir_open_evidence(AT_FDCWD, lsub, 0, &e), -1);
	assert_int_equal(e.code, IR_EIO);
	assert_int_equal(e.sys_errno, ELOOP);
	assert_string_equal(e.msg, want);
	/* Only the final component: a symlinked directory on the way is ok. */
	(void)snprintf(path, sizeof(path), "%s/f", lsub);
	assert_true((fd = ir_open_evidence(AT_FDCWD, path, 0, &e)) >= 0);
	assert_int_equal(read(fd, &c, 1), 1);
	assert_int_equal(c, 'd');
	(void)close(fd);

	/* Relative to a directory fd. */
	assert_true((dfd = open(sub, O_RDONLY | O_DIRECTORY)) >= 0);
	assert_true((fd = ir_open_evidence(dfd, "f", 0, &e)) >= 0);
	(void)close(fd);
	assert_int_equal(ir_open_evidence(dfd, "missing", 0, &e), -1);
	assert_int_equal(e.sys_errno, ENOENT);
	assert_non_null(strstr(e.msg, "'missing'"));
	(void)close(dfd);

	/* extra_flags are honoured: O_DIRECTORY on a file fails. */
	ut_path(path, sizeof(path), sub, "f");
	assert_int_equal(ir_open_evidence(AT_FDCWD, path, O_DIRECTORY, &e), -1);
	assert_int_equal(e.sys_errno, ENOTDIR);
	assert_true((fd = ir_open_evidence(AT_FDCWD, sub, O_DIRECTORY, &e)) >=
	    0);
	(void)close(fd);

	/* A FIFO with no writer: the open returns at once, non-blocking. */
	ut_path(fifo, sizeof(fifo), dir, "p");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_true((fd = ir_open_evidence(AT_FDCWD, fifo, 0, &e)) >= 0);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_true(read(fd, &c, 1) <= 0);
	(void)close(fd);
	assert_int_equal(ir_open_evidence(AT_FDCWD, "/nonexistent/x", 0, &e),
	    -1);
	assert_int_equal(e.code, IR_EIO);
	assert_int_equal(e.sys_errno, ENOENT);
	ut_rmtree(dir);
}

static int
atime_of(const char *path, struct timespec *ts)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return -1;
	*ts = st.st_atim;
	return 0;
}

/* Set atime far before mtime: relatime would then update it on a read. */
static void
age_atime(const char *path)
{
	struct timespec t[2] = { { 946684800, 0 }, { 0, UTIME_NOW } };

	assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
}

/* Evidence reads leave atime alone (where this file system keeps it). */
static void
test_open_evidence_keeps_atime(void **state)
{
	char dir[256], path[300], buf[16];
	struct timespec before = { 0, 0 }, after = { 0, 0 };
	struct ir_err e;
	int fd;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	ut_write(dir, "f", "some evidence", 13);
	ut_path(path, sizeof(path), dir, "f");
	/* Control: does a plain read update atime here at all? */
	age_atime(path);
	assert_int_equal(atime_of(path, &before), 0);
	assert_true((fd = open(path, O_RDONLY)) >= 0);
	assert_int_equal(read(fd, buf, sizeof(buf)), 13);
	(void)close(fd);
	assert_int_equal(atime_of(path, &after), 0);
	if (after.tv_sec == before.tv_sec) {
		ut_rmtree(dir);
		skip();		/* noatime mount: nothing to tell apart */
	}
	age_atime(path);
	assert_int_equal(atime_of(path, &before), 0);
	assert_true((fd = ir_open_evidence(AT_FDCWD, path, 0, &e)) >= 0);
	assert_int_equal(read(fd, buf, sizeof(buf)), 13);
	(void)close(fd);
	assert_int_equal(atime_of(path, &after), 0);
	assert_int_equal(after.tv_sec, before.tv_sec);
	assert_int_equal(after.tv_nsec, before.tv_nsec);
	ut_rmtree(dir);
}

/*
 * O_NOATIME is refused (EPERM) for a file we do not own: the open must
 * then go on without it.  Run as an unprivileged user, on a root file.
 */
static void
test_open_evidence_not_owner(void **state)
{
	struct stat st;
	pid_t pid;
	int status;

	(void)state;
	assert_int_equal(stat("/etc/passwd", &st), 0);
	if (st.st_uid == geteuid() && geteuid() != 0)
		skip();
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		struct ir_err e;
		char c;
		int fd;

		if (geteuid() == 0 && (setgid(65534) != 0 ||
		    setuid(65534) != 0))
			_exit(2);
		if (st.st_uid == geteuid())
			_exit(3);
		if ((fd = ir_open_evidence(AT_FDCWD, "/etc/passwd", 0, &e)) < 0)
			_exit(4);
		_exit(read(fd, &c, 1) == 1 ? 0 : 5);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void
test_read_file_and_cap(void **state)
{
	struct ir_buf b = IR_BUF_INIT(10), z = IR_BUF_INIT(0);
	struct ir_buf big = IR_BUF_INIT(IR_BUF_NOLIMIT);
	char dir[256], path[300], link[300];
	unsigned char *data;
	struct ir_err e;
	size_t i, n = 300000;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	/* Exactly the cap fits; an empty file fits a cap of 0. */
	ut_write(dir, "ten", "0123456789", 10);
	ut_write(dir, "empty", "", 0);
	ut_path(path, sizeof(path), dir, "ten");
	assert_int_equal(ir_read_file(AT_FDCWD, path, &b, &e), IR_OK);
	assert_int_equal(b.len, 10);
	assert_string_equal(b.buf, "0123456789");
	ut_path(path, sizeof(path), dir, "empty");
	assert_int_equal(ir_read_file(AT_FDCWD, path, &z, &e), IR_OK);
	assert_int_equal(z.len, 0);
	assert_string_equal(z.buf, "");
	/* One byte over: IR_ELIMIT naming the file, and the buffer as it was. */
	ut_write(dir, "eleven", "0123456789a", 11);
	ut_path(path, sizeof(path), dir, "eleven");
	ir_buf_reset(&b);
	assert_int_equal(ir_buf_addstr(&b, "keep", NULL), IR_OK);
	ir_err_clear(&e);
	assert_int_equal(ir_read_file(AT_FDCWD, path, &b, &e), IR_ELIMIT);
	assert_int_equal(e.code, IR_ELIMIT);
	assert_non_null(strstr(e.msg, path));
	assert_non_null(strstr(e.msg, "larger than 10 bytes"));
	assert_true(b.len <= 10);
	assert_int_equal(strncmp(b.buf, "keep", 4), 0);
	assert_int_equal(ir_read_file(AT_FDCWD, path, &z, &e), IR_ELIMIT);
	assert_int_equal(z.len, 0);

	/* A file several read chunks long comes back exactly. */
	assert_non_null(data = malloc(n));
	for (i = 0; i < n; i++)
		data[i] = pattern(i);
	ut_write(dir, "big", data, n);
	ut_path(path, sizeof(path), dir, "big");
	assert_int_equal(ir_read_file(AT_FDCWD, path, &big, &e), IR_OK);
	assert_int_equal(big.len, n);
	assert_memory_equal(big.buf, data, n);
	{
		struct ir_buf c = IR_BUF_INIT(300000 - 1);

		assert_int_equal(ir_read_file(AT_FDCWD, path, &c, &e),
		    IR_ELIMIT);
		ir_buf_release(&c);
	}
	/* Relative to a directory fd. */
	{
		int dfd = open(dir, O_RDONLY | O_DIRECTORY);

		assert_true(dfd >= 0);
		ir_buf_reset(&b);
		assert_int_equal(ir_read_file(dfd, "ten", &b, &e), IR_OK);
		assert_string_equal(b.buf, "0123456789");
		(void)close(dfd);
	}
	/* Refusals: a final symlink, a directory, a missing file. */
	ut_path(link, sizeof(link), dir, "link");
	assert_int_equal(symlink("ten", link), 0);
	ir_buf_reset(&b);
	assert_int_equal(ir_read_file(AT_FDCWD, link, &b, &e), IR_EIO);
	assert_int_equal(e.sys_errno, ELOOP);
	assert_int_equal(b.len, 0);
	assert_int_equal(ir_read_file(AT_FDCWD, dir, &b, &e), IR_EIO);
	assert_int_equal(e.sys_errno, EISDIR);
	assert_int_equal(ir_read_file(AT_FDCWD, "/nonexistent/x", &b, NULL),
	    IR_EIO);
	free(data);
	ir_buf_release(&b);
	ir_buf_release(&z);
	ir_buf_release(&big);
	ut_rmtree(dir);
}

struct fifo_writer {
	const char	*path;
	int		 write_nothing;
	int		 opened;	/* 0: no reader ever came */
};

/*
 * Connect only once a reader is there (O_NONBLOCK: ENXIO until then), so
 * the reader has surely opened the FIFO before its writer.
 */
static void *
fifo_writer(void *a)
{
	struct fifo_writer *w = a;
	int fd = -1, i;

	usleep(30000);
	for (i = 0; i < 500 && fd < 0; i++)
		if ((fd = open(w->path, O_WRONLY | O_NONBLOCK)) < 0)
			usleep(10000);
	if (fd < 0)
		return NULL;
	w->opened = 1;
	(void)fcntl(fd, F_SETFL, 0);
	if (!w->write_nothing) {
		usleep(20000);	/* the reader must wait, not see EOF */
		(void)ir_write_full(fd, "through ", 8);
		usleep(20000);
		(void)ir_write_full(fd, "a fifo", 6);
	}
	(void)close(fd);
	return NULL;
}

/* A list given as a FIFO is read to its writer's end, however late it is. */
static void
test_read_file_fifo(void **state)
{
	struct ir_buf b = IR_BUF_INIT(1000);
	struct fifo_writer w;
	char dir[256], fifo[300];
	struct ir_err e;
	pthread_t t;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	ut_path(fifo, sizeof(fifo), dir, "fifo");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	w.path = fifo;
	w.write_nothing = 0;
	w.opened = 0;
	assert_int_equal(pthread_create(&t, NULL, fifo_writer, &w), 0);
	assert_int_equal(ir_read_file(AT_FDCWD, fifo, &b, &e), IR_OK);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(w.opened, 1);
	assert_string_equal(b.buf, "through a fifo");
	/* A writer that comes and goes without a byte: empty, not a hang. */
	ir_buf_reset(&b);
	w.write_nothing = 1;
	w.opened = 0;
	assert_int_equal(pthread_create(&t, NULL, fifo_writer, &w), 0);
	assert_int_equal(ir_read_file(AT_FDCWD, fifo, &b, &e), IR_OK);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(w.opened, 1);
	assert_int_equal(b.len, 0);
	ir_buf_release(&b);
	ut_rmtree(dir);
}

static void
test_read_fd(void **state)
{
	struct ir_buf b = IR_BUF_INIT(10);
	struct ir_err e;
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "piped", 5), 5);
	(void)close(p[1]);
	assert_int_equal(ir_read_fd(p[0], "pipe", &b, &e), IR_OK);
	assert_string_equal(b.buf, "piped");
	(void)close(p[0]);
	/* The cap over a pipe: the message names the input. */
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "0123456789A", 11), 11);
	(void)close(p[1]);
	ir_buf_reset(&b);
	assert_int_equal(ir_read_fd(p[0], "the pipe", &b, &e), IR_ELIMIT);
	assert_non_null(strstr(e.msg, "'the pipe' is larger than 10 bytes"));
	(void)close(p[0]);
	/* A bad fd: IR_EIO with errno and the name. */
	assert_int_equal(ir_read_fd(p[0], "closed", &b, &e), IR_EIO);
	assert_int_equal(e.sys_errno, EBADF);
	assert_non_null(strstr(e.msg, "closed"));
	ir_buf_release(&b);
}

/* Create path under dirfd and expect it made as want, holding nothing. */
static void
create_as(int dirfd, const char *path, const char *want)
{
	struct ir_err e;
	struct stat st;
	char *made;
	int fd;

	fd = ir_create_under(dirfd, path, &made, &e);
	if (fd < 0)
		fail_msg("%s: %s", path, e.msg);
	assert_string_equal(made, want);
	assert_int_equal(write(fd, "x", 1), 1);
	assert_int_equal(close(fd), 0);
	assert_int_equal(fstatat(dirfd, made, &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, 1);
	free(made);
}

/*
 * Paths from evidence: nothing lands outside the directory, nothing is
 * overwritten or followed, a name taken by a file or a symlink moves
 * aside to "~N".
 */
static void
test_create_under(void **state)
{
	char dir[PATH_MAX], outside[PATH_MAX + 16], longname[400];
	struct ir_err e;
	struct stat st;
	char *made;
	int dfd;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	assert_int_equal(mkdir(strcat(strcpy(outside, dir), "/out"), 0755), 0);
	dfd = open(outside, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	create_as(dfd, "/p0/dir/a.txt", "p0/dir/a.txt");
	create_as(dfd, "/p0/dir/a.txt", "p0/dir/a.txt~1");
	create_as(dfd, "/p0/dir/a.txt", "p0/dir/a.txt~2");
	create_as(dfd, "../../escape", "%2E%2E/%2E%2E/escape");
	create_as(dfd, "/./x//y", "%2E/x/y");
	create_as(dfd, "/p0/dir/a.txt/inner", "p0/dir/a.txt~3/inner");
	create_as(dfd, "/p0/", "p0~1");
	create_as(dfd, "", "%");
	/* A symlink planted in the output is never followed. */
	assert_int_equal(symlinkat("/", dfd, "link"), 0);
	create_as(dfd, "link/etc", "link~1/etc");
	create_as(dfd, "link", "link~2");
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_true(ir_create_under(dfd, longname, &made, &e) >= 0);
	assert_int_equal(strlen(made), NAME_MAX - 8);
	free(made);
	assert_int_equal(stat(strcat(strcpy(outside, dir), "/escape"), &st),
	    -1);
	/* An unwritable directory: an error naming the path. */
	assert_int_equal(ir_create_under(-1, "a/b", &made, &e), -1);
	assert_null(made);
	assert_non_null(strstr(e.msg, "a/b"));
	(void)close(dfd);
	ut_rmtree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_full_over_short_writes),
		cmocka_unit_test(test_signals_do_not_cut_transfers),
		cmocka_unit_test(test_write_full_errors),
		cmocka_unit_test(test_pread_full),
		cmocka_unit_test(test_open_evidence),
		cmocka_unit_test(test_open_evidence_keeps_atime),
		cmocka_unit_test(test_open_evidence_not_owner),
		cmocka_unit_test(test_read_file_and_cap),
		cmocka_unit_test(test_read_file_fifo),
		cmocka_unit_test(test_read_fd),
		cmocka_unit_test(test_create_under),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
