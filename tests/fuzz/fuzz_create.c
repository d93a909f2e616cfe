/*
 * libFuzzer: ir_create_under with a path taken from evidence (a name in a
 * hostile file system, written out by ir-cat --all-deleted).  Whatever
 * the bytes, the file made is inside the output directory: the path it
 * reports has no "", "." or ".." component and no leading '/', names no
 * symlink, and is the very file the returned descriptor writes.  The
 * outputs live in a scratch directory removed every few thousand inputs.
 */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/openat2.h>

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ir.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	 top[PATH_MAX];
static int	 dfd = -1;
static unsigned	 runs;

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) != 0 && ftw->level > 0;
}

/* A fresh, empty output directory. */
static void
fresh(void)
{
	const char *t = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	if (dfd >= 0) {
		(void)close(dfd);
		(void)nftw(top, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	}
	(void)snprintf(top, sizeof(top), "%s/irkit-fuzz-create.XXXXXX", t);
	if (mkdtemp(top) == NULL ||
	    (dfd = open(top, O_RDONLY | O_DIRECTORY)) < 0)
		abort();
}

static void
bye(void)
{
	if (dfd >= 0) {
		(void)close(dfd);
		(void)nftw(top, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	}
}

/* Every component of made is a plain name. */
static void
check_made(const char *made)
{
	const char *p = made, *slash;
	size_t n;

	if (*p == '/' || *p == '\0')
		abort();
	for (;;) {
		slash = strchr(p, '/');
		n = slash != NULL ? (size_t)(slash - p) : strlen(p);
		if (n == 0 || n > NAME_MAX || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			abort();
		if (slash == NULL)
			break;
		p = slash + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct open_how how;
	struct stat a, b;
	struct ir_err e;
	char path[1024], *made;
	int fd, rfd;

	if (dfd < 0) {
		fresh();
		(void)atexit(bye);
	} else if (++runs % 4096 == 0)
		fresh();
	if (size >= sizeof(path))
		return 0;
	memcpy(path, data, size);
	path[size] = '\0';
	if ((fd = ir_create_under(dfd, path, &made, &e)) < 0) {
		if (made != NULL || e.msg[0] == '\0')
			abort();
		return 0;
	}
	check_made(made);
	/* The name, resolved beneath the top and without symlinks, is it. */
	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
	    RESOLVE_NO_MAGICLINKS;
	rfd = (int)syscall(SYS_openat2, dfd, made, &how, sizeof(how));
	if (rfd < 0 || fstat(fd, &a) != 0 || fstat(rfd, &b) != 0 ||
	    a.st_dev != b.st_dev || a.st_ino != b.st_ino || !S_ISREG(a.st_mode))
		abort();
	(void)close(rfd);
	(void)close(fd);
	free(made);
	return 0;
}
