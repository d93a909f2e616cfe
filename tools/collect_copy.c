/*
 * collect_copy: streamed copies with metadata for ir-collect.
 */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>

#include <linux/openat2.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect_copy.h"

#define XATTR_LIST_MAX_	65536
#define XATTR_VAL_MAX	65536

void
ccopy_res_init(struct ccopy_res *r)
{
	memset(r, 0, sizeof(*r));
	ir_buf_init(&r->xattrs, 1U << 20);
}

void
ccopy_res_release(struct ccopy_res *r)
{
	free(r->made);
	r->made = NULL;
	ir_buf_release(&r->xattrs);
}

static struct ir_time
stx_time(const struct statx_timestamp *t)
{
	struct ir_time v;

	v.sec = t->tv_sec;
	v.nsec = (int32_t)t->tv_nsec;
	v.valid = 1;
	return v;
}

static void
fill(struct ir_file *f, const struct statx *sx)
{
	f->dev = ((uint64_t)sx->stx_dev_major << 32) | sx->stx_dev_minor;
	f->inode = sx->stx_ino;
	f->size = sx->stx_size;
	f->nlink = sx->stx_nlink;
	f->mode = sx->stx_mode;
	f->uid = sx->stx_uid;
	f->gid = sx->stx_gid;
	f->mtime = stx_time(&sx->stx_mtime);
	f->atime = stx_time(&sx->stx_atime);
	f->ctime = stx_time(&sx->stx_ctime);
	if (sx->stx_mask & STATX_BTIME)
		f->crtime = stx_time(&sx->stx_btime);
	else
		memset(&f->crtime, 0, sizeof(f->crtime));
}

static int
fd_statx(int fd, struct statx *sx)
{
	return statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS | STATX_BTIME,
	    sx);
}

static int
same_time(const struct statx_timestamp *a, const struct statx_timestamp *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* The extended attributes of fd as a JSON list into out. */
static void
read_xattrs(int fd, struct ir_buf *out)
{
	char *names, *val, *p;
	ssize_t n, vn;
	struct ir_err e;
	size_t len;
	int first = 1;

	if ((n = flistxattr(fd, NULL, 0)) <= 0)
		return;
	if (n > XATTR_LIST_MAX_)
		n = XATTR_LIST_MAX_;
	if ((names = malloc((size_t)n)) == NULL ||
	    (val = malloc(XATTR_VAL_MAX)) == NULL) {
		free(names);
		return;
	}
	if ((n = flistxattr(fd, names, (size_t)n)) <= 0)
		goto out;
	(void)ir_buf_addch(out, '[', &e);
	for (p = names; p < names + n; p += strlen(p) + 1) {
		if (*p == '\0')
			continue;
		vn = fgetxattr(fd, p, val, XATTR_VAL_MAX);
		(void)ir_buf_addstr(out, first ? "{\"name\":" : ",{\"name\":", &e);
		first = 0;
		(void)ir_json_quote(out, p, strlen(p), &e);
		if (vn < 0) {
			(void)ir_buf_addf(out, &e, ",\"error\":\"%s\"}",
			    strerror(errno));
			continue;
		}
		len = (size_t)vn;
		/* security.selinux & co. end in a NUL that is no part of it. */
		if (len > 0 && val[len - 1] == '\0' &&
		    ir_utf8_valid(val, len - 1))
			len--;
		if (ir_utf8_valid(val, len)) {
			(void)ir_buf_addstr(out, ",\"value\":", &e);
			(void)ir_json_quote(out, val, len, &e);
		} else {
			(void)ir_buf_addstr(out, ",\"hex\":\"", &e);
			(void)ir_buf_addhex(out, val, (size_t)vn, &e);
			(void)ir_buf_addch(out, '"', &e);
		}
		(void)ir_buf_addch(out, '}', &e);
	}
	(void)ir_buf_addch(out, ']', &e);
	if (out->len > 0 && out->buf[out->len - 1] != ']')
		ir_buf_reset(out);	/* cut at the cap: say nothing wrong */
out:
	free(names);
	free(val);
}

static void
set_times(int fd, const struct ir_file *f)
{
	struct timespec ts[2];

	ts[0].tv_sec = f->atime.sec;
	ts[0].tv_nsec = f->atime.nsec;
	ts[1].tv_sec = f->mtime.sec;
	ts[1].tv_nsec = f->mtime.nsec;
	(void)futimens(fd, ts);
}

void
ccopy_file(struct ccopy *c, int dirfd, const char *relname,
    const char *outrel, uint64_t max, struct ir_file *f, struct ccopy_res *r)
{
	struct statx before, after;
	struct ir_err e;
	uint64_t want;
	ssize_t n;
	size_t chunk;
	int fd, ofd;

	if ((fd = ir_open_evidence(dirfd, relname, 0, &e)) < 0) {
		r->err = e.sys_errno;
		(void)snprintf(r->error, sizeof(r->error), "cannot open: %s",
		    strerror(e.sys_errno));
		return;
	}
	if (fd_statx(fd, &before) != 0) {
		r->err = errno;
		(void)snprintf(r->error, sizeof(r->error), "cannot examine: %s",
		    strerror(errno));
		(void)close(fd);
		return;
	}
	if (((uint64_t)before.stx_dev_major << 32 | before.stx_dev_minor) !=
	    f->dev || before.stx_ino != f->inode)
		r->changed = 1;		/* replaced since it was listed */
	fill(f, &before);
	if (!S_ISREG(before.stx_mode)) {
		r->err = EINVAL;
		(void)snprintf(r->error, sizeof(r->error), "replaced by a %s "
		    "since it was listed", ir_file_kind(before.stx_mode));
		(void)close(fd);
		return;
	}
	read_xattrs(fd, &r->xattrs);
	if ((ofd = ir_create_under(c->outfd, outrel, &r->made, &e)) < 0) {
		r->out_failed = 1;
		(void)snprintf(r->error, sizeof(r->error), "cannot create the "
		    "copy: %s", e.msg);
		(void)close(fd);
		return;
	}
	(void)ir_hash_reset(c->hash, &e);
	for (;;) {
		if (c->expired != NULL && c->expired(c->arg)) {
			r->interrupted = 1;
			break;
		}
		if (r->copied >= max) {
			/* Is there more?  Its size may have grown since. */
			if (ir_read_full(fd, c->buf, 1) > 0 || before.stx_size >
			    max)
				r->truncated = 1;
			break;
		}
		want = max - r->copied;
		chunk = want < CCOPY_CHUNK ? (size_t)want : CCOPY_CHUNK;
		if ((n = ir_read_full(fd, c->buf, chunk)) < 0) {
			r->err = errno;
			(void)snprintf(r->error, sizeof(r->error), "read error "
			    "at byte %llu: %s", (unsigned long long)r->copied,
			    strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if (ir_write_full(ofd, c->buf, (size_t)n) < 0) {
			r->out_failed = 1;
			(void)snprintf(r->error, sizeof(r->error), "cannot "
			    "write the copy %s: %s", r->made, strerror(errno));
			break;
		}
		(void)ir_hash_update(c->hash, c->buf, (size_t)n, &e);
		r->copied += (uint64_t)n;
	}
	(void)ir_hash_final(c->hash, &f->digest, &e);
	if (fd_statx(fd, &after) == 0 && (after.stx_size != before.stx_size ||
	    !same_time(&after.stx_mtime, &before.stx_mtime) ||
	    !same_time(&after.stx_ctime, &before.stx_ctime)))
		r->changed = 1;
	if (r->err == 0 && !r->truncated && !r->interrupted &&
	    r->copied != before.stx_size)
		r->changed = 1;
	(void)close(fd);
	/* Never setuid, setgid or sticky in the case. */
	(void)fchmod(ofd, before.stx_mode & 0777);
	set_times(ofd, f);
	if (close(ofd) != 0 && !r->out_failed) {
		r->out_failed = 1;
		(void)snprintf(r->error, sizeof(r->error), "cannot write the "
		    "copy %s: %s", r->made, strerror(errno));
	}
}

/* The directory of made (relative to outfd), never through a symlink. */
static int
open_parent(int outfd, const char *made, const char **base)
{
	struct open_how how;
	const char *slash = strrchr(made, '/');
	char *dir;
	int fd;

	if (slash == NULL) {
		*base = made;
		return dup(outfd);
	}
	*base = slash + 1;
	if ((dir = strndup(made, (size_t)(slash - made))) == NULL)
		return -1;
	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS;
	fd = (int)syscall(SYS_openat2, outfd, dir, &how, sizeof(how));
	free(dir);
	return fd;
}

void
ccopy_link(struct ccopy *c, const char *outrel, const struct ir_file *f,
    struct ccopy_res *r)
{
	struct timespec ts[2];
	struct ir_err e;
	const char *base;
	char *target;
	int fd, pfd;

	if (f->link == NULL) {
		r->err = EINVAL;
		(void)snprintf(r->error, sizeof(r->error), "the link's target "
		    "could not be read");
		return;
	}
	/* A unique name made safely, then the link in its place. */
	if ((fd = ir_create_under(c->outfd, outrel, &r->made, &e)) < 0) {
		r->out_failed = 1;
		(void)snprintf(r->error, sizeof(r->error), "cannot create the "
		    "copy: %s", e.msg);
		return;
	}
	(void)close(fd);
	if ((target = strndup(f->link, f->linklen)) == NULL ||
	    (pfd = open_parent(c->outfd, r->made, &base)) < 0) {
		free(target);
		r->out_failed = 1;
		(void)snprintf(r->error, sizeof(r->error), "cannot make the "
		    "link %s: %s", r->made, strerror(errno));
		return;
	}
	if (unlinkat(pfd, base, 0) != 0 || symlinkat(target, pfd, base) != 0) {
		r->out_failed = 1;
		(void)snprintf(r->error, sizeof(r->error), "cannot make the "
		    "link %s: %s", r->made, strerror(errno));
	} else {
		ts[0].tv_sec = f->atime.sec;
		ts[0].tv_nsec = f->atime.nsec;
		ts[1].tv_sec = f->mtime.sec;
		ts[1].tv_nsec = f->mtime.nsec;
		(void)utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW);
	}
	free(target);
	(void)close(pfd);
}
