#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <linux/fs.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ir/error.h"
#include "ir/io.h"
#include "ir/src.h"

struct ir_src {
	int			 fd;
	int			 own_fd;
	char			*path;
	uint64_t		 pos;		/* streams: bytes consumed */
	int			 fifo_wait;	/* FIFO: no writer seen yet */
	struct ir_src_info	 info;
	struct ir_range		*bad;
	size_t			 nbad, abad;
	int			 retries;	/* re-reads of a failed sector */
};

/* Read one line of a sysfs attribute, trimmed; "" when absent. */
static void
sysfs_attr(const char *dir, const char *name, char *out, size_t outsz)
{
	char path[512];
	ssize_t n;
	int fd;

	out[0] = '\0';
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	n = ir_read_full(fd, out, outsz - 1);
	(void)close(fd);
	if (n < 0)
		n = 0;
	out[n] = '\0';
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '))
		out[--n] = '\0';
}

/*
 * Facts the kernel publishes for a block device.  A partition has no
 * device/ directory of its own: its disk is the parent directory.
 */
static void
block_facts(struct ir_src_info *in, dev_t rdev)
{
	char dir[128], buf[32];
	unsigned int m = major(rdev), n = minor(rdev);

	(void)snprintf(dir, sizeof(dir), "/sys/dev/block/%u:%u/device", m, n);
	if (access(dir, F_OK) != 0)
		(void)snprintf(dir, sizeof(dir), "/sys/dev/block/%u:%u/../device",
		    m, n);
	sysfs_attr(dir, "model", in->model, sizeof(in->model));
	sysfs_attr(dir, "vendor", in->vendor, sizeof(in->vendor));
	sysfs_attr(dir, "serial", in->serial, sizeof(in->serial));
	if (in->serial[0] == '\0')
		sysfs_attr(dir, "wwid", in->serial, sizeof(in->serial));
	(void)snprintf(dir, sizeof(dir), "/sys/dev/block/%u:%u", m, n);
	sysfs_attr(dir, "removable", buf, sizeof(buf));
	if (buf[0] == '\0') {
		(void)snprintf(dir, sizeof(dir), "/sys/dev/block/%u:%u/..", m, n);
		sysfs_attr(dir, "removable", buf, sizeof(buf));
	}
	in->removable = buf[0] == '\0' ? -1 : buf[0] == '1';
}

int
ir_src_open(struct ir_src **sp, const char *path, struct ir_err *e)
{
	struct ir_src *s;
	struct stat st;
	uint64_t size64;
	int ssz, ro, fl;

	*sp = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->path = strdup(path)) == NULL) {
		free(s);
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	}
	s->info.sector_size = s->info.phys_sector_size = 512;
	s->info.removable = s->info.readonly = -1;
	if (strcmp(path, "-") == 0) {
		s->fd = STDIN_FILENO;
	} else {
		if ((s->fd = ir_open_evidence(AT_FDCWD, path, 0, e)) < 0)
			goto fail;
		s->own_fd = 1;
		/* Evidence reads may block on a slow disk: that is wanted. */
		if ((fl = fcntl(s->fd, F_GETFL)) >= 0)
			(void)fcntl(s->fd, F_SETFL, fl & ~O_NONBLOCK);
	}
	if (fstat(s->fd, &st) != 0) {
		ir_err_set(e, IR_EIO, errno, "cannot stat '%s'", path);
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		ir_err_set(e, IR_EINVAL, 0, "'%s' is a directory", path);
		goto fail;
	}
	s->info.inode = st.st_ino;
	if (S_ISREG(st.st_mode)) {
		s->info.kind = IR_SRC_FILE;
		s->info.size = (uint64_t)st.st_size;
		s->info.dev = st.st_dev;
	} else if (S_ISBLK(st.st_mode)) {
		s->info.kind = IR_SRC_BLOCK;
		s->info.dev = st.st_rdev;
		if (ioctl(s->fd, BLKGETSIZE64, &size64) != 0) {
			ir_err_set(e, IR_EIO, errno, "cannot get size of '%s'",
			    path);
			goto fail;
		}
		s->info.size = size64;
		if (ioctl(s->fd, BLKSSZGET, &ssz) == 0 && ssz > 0)
			s->info.sector_size = (uint32_t)ssz;
		if (ioctl(s->fd, BLKPBSZGET, &ssz) == 0 && ssz > 0)
			s->info.phys_sector_size = (uint32_t)ssz;
		if (ioctl(s->fd, BLKROGET, &ro) == 0)
			s->info.readonly = ro != 0;
		block_facts(&s->info, st.st_rdev);
	} else {
		s->info.kind = IR_SRC_STREAM;
		s->info.dev = st.st_rdev;
		s->fifo_wait = S_ISFIFO(st.st_mode);
	}
	*sp = s;
	return IR_OK;
fail:
	ir_src_close(s);
	return e != NULL ? e->code : IR_EIO;
}

void
ir_src_close(struct ir_src *s)
{
	if (s == NULL)
		return;
	if (s->own_fd)
		(void)close(s->fd);
	free(s->bad);
	free(s->path);
	free(s);
}

const struct ir_src_info *
ir_src_info(const struct ir_src *s)
{
	return &s->info;
}

const char *
ir_src_path(const struct ir_src *s)
{
	return s->path;
}

int
ir_src_fd(const struct ir_src *s)
{
	return s->fd;
}

const struct ir_range *
ir_src_badmap(const struct ir_src *s, size_t *n)
{
	*n = s->nbad;
	return s->bad;
}

static int
add_bad(struct ir_src *s, uint64_t off, uint64_t len, struct ir_err *e)
{
	struct ir_range *r;
	size_t i;

	/* Reads go forward, so a new range usually extends the last one. */
	if (s->nbad > 0) {
		r = &s->bad[s->nbad - 1];
		if (r->off + r->len == off) {
			r->len += len;
			return IR_OK;
		}
	}
	if (s->nbad == s->abad) {
		size_t na = s->abad ? s->abad * 2 : 16;
		if ((r = realloc(s->bad, na * sizeof(*r))) == NULL)
			return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
		s->bad = r;
		s->abad = na;
	}
	for (i = s->nbad; i > 0 && s->bad[i - 1].off > off; i--)
		s->bad[i] = s->bad[i - 1];
	s->bad[i].off = off;
	s->bad[i].len = len;
	s->nbad++;
	return IR_OK;
}

/* errno of a read that failed on the medium, not on the device or us. */
static int
bad_sector(int err)
{
	return err == EIO || err == EILSEQ || err == ENODATA;
}

/*
 * The block read failed: salvage it one sector at a time, each failed
 * sector tried again s->retries times.  Only the sectors that still fail
 * are zero-filled.  A device that is gone (ENODEV ...) ends the read.
 */
static int
read_sectors(struct ir_src *s, char *buf, size_t n, uint64_t off,
    size_t *got, struct ir_err *e)
{
	size_t ss = s->info.sector_size, done = 0, want, good = 0;
	ssize_t r = -1;
	int rc, try;

	while (done < n) {
		/* Stay aligned: the first piece ends on a sector boundary. */
		want = ss - (size_t)((off + done) % ss);
		if (want > n - done)
			want = n - done;
		for (try = 0; try <= s->retries; try++) {
			r = ir_pread_full(s->fd, buf + done, want,
			    (off_t)(off + done));
			if (r >= 0 || !bad_sector(errno))
				break;
		}
		if (r < 0 && !bad_sector(errno)) {
			*got = done;
			return ir_err_set(e, IR_EIO, errno, "read error in "
			    "'%s' at byte %llu", s->path,
			    (unsigned long long)(off + done));
		}
		if (r < 0) {
			memset(buf + done, 0, want);
			if ((rc = add_bad(s, off + done, want, e)) != IR_OK)
				return rc;
		} else {
			good++;
			if ((size_t)r < want) {		/* end of source */
				done += (size_t)r;
				break;
			}
		}
		done += want;
	}
	*got = done;
	return good > 0 || done == 0 ? IR_OK : ir_err_set(e, IR_EIO, EIO,
	    "no sector readable in '%s' at byte %llu", s->path,
	    (unsigned long long)off);
}

int
ir_src_set_positioned(struct ir_src *s, struct ir_err *e)
{
	if (s->info.kind != IR_SRC_STREAM)
		return IR_OK;
	if (s->fifo_wait || lseek(s->fd, 0, SEEK_CUR) < 0)
		return ir_err_set(e, IR_EINVAL, errno, "'%s' cannot be read at "
		    "an offset", s->path);
	s->info.kind = IR_SRC_FILE;	/* of unknown size */
	return IR_OK;
}

void
ir_src_set_retries(struct ir_src *s, int retries)
{
	s->retries = retries < 0 ? 0 : retries;
}

int
ir_src_read(struct ir_src *s, void *buf, size_t n, uint64_t off,
    size_t *got, struct ir_err *e)
{
	ssize_t r;

	*got = 0;
	if (s->info.kind == IR_SRC_STREAM) {
		if (off != s->pos)
			return ir_err_set(e, IR_EINVAL, 0,
			    "'%s': cannot seek in a stream", s->path);
		/*
		 * Opened (without blocking) before its writer, a FIFO reads
		 * as empty: wait until the writer has written or come and
		 * gone (POLLHUP) before the first read.
		 */
		if (s->fifo_wait && n > 0) {
			struct pollfd pfd = { s->fd, POLLIN, 0 };

			while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
				continue;
			s->fifo_wait = 0;
		}
		if ((r = ir_read_full(s->fd, buf, n)) < 0)
			return ir_err_set(e, IR_EIO, errno,
			    "read error in '%s' at byte %llu", s->path,
			    (unsigned long long)off);
		s->pos += (uint64_t)r;
		*got = (size_t)r;
		return IR_OK;
	}
	if (s->info.size != 0 && off >= s->info.size)
		return IR_OK;
	if (s->info.size != 0 && n > s->info.size - off)
		n = (size_t)(s->info.size - off);
	r = ir_pread_full(s->fd, buf, n, (off_t)off);
	if (r >= 0) {
		*got = (size_t)r;
		return IR_OK;
	}
	if (!bad_sector(errno))
		return ir_err_set(e, IR_EIO, errno,
		    "read error in '%s' at byte %llu", s->path,
		    (unsigned long long)off);
	return read_sectors(s, buf, n, off, got, e);
}
