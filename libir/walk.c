#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>

#include <linux/magic.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ir/buf.h"
#include "ir/error.h"
#include "ir/walk.h"

/*
 * Open directory fds are kept for a window of the deepest frames (plus the
 * root); a frame that falls out of the window is reopened through ".." of
 * its child when the walk climbs back, checked by device and inode.
 */
#define FD_WINDOW	64

struct frame {
	int		 fd;
	uint64_t	 dev, ino;
	const char	*name;		/* own name, in the parent's blob */
	size_t		 pathlen;	/* path length of this directory */
	char		*blob;		/* entry names, NUL-separated */
	size_t		*offs;		/* sorted offsets into blob */
	size_t		 n, i;
	int		 pseudo;
};

struct walk {
	const struct ir_walk_opts *opts;
	ir_walk_fn	 fn;
	void		*arg;
	const char	*root;
	uint64_t	 rootdev;
	struct frame	*st;
	size_t		 depth, alloc;	/* st[0 .. depth-1] are live */
	size_t		 lo;		/* lowest non-root frame with an fd */
	struct ir_buf	 path;
	struct ir_buf	 link;
	struct ir_file	 file;
	unsigned long	 nerrors;
};

static int
is_pseudo_fs(int fd)
{
	struct statfs sf;

	if (fstatfs(fd, &sf) != 0)
		return 0;
	switch ((unsigned long)sf.f_type) {
	case PROC_SUPER_MAGIC:
	case SYSFS_MAGIC:
	case DEBUGFS_MAGIC:
	case TRACEFS_MAGIC:
	case SECURITYFS_MAGIC:
	case CGROUP_SUPER_MAGIC:
	case CGROUP2_SUPER_MAGIC:
	case BPF_FS_MAGIC:
	case PSTOREFS_MAGIC:
	case EFIVARFS_MAGIC:
	case SELINUX_MAGIC:
	case 0x62656570:	/* configfs */
	case 0x65735543:	/* fusectl */
		return 1;
	default:
		return 0;
	}
}

static void
set_time(struct ir_time *t, int64_t sec, uint32_t nsec)
{
	t->sec = sec;
	t->nsec = (int32_t)nsec;
	t->valid = 1;
}

/* Fill f from the object name under dirfd; returns 0 or an errno. */
static int
stat_entry(int dirfd, const char *name, struct ir_file *f)
{
	struct statx sx;
	struct stat st;

	if (statx(dirfd, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT,
	    STATX_BASIC_STATS | STATX_BTIME, &sx) == 0) {
		f->dev = ((uint64_t)sx.stx_dev_major << 32) | sx.stx_dev_minor;
		f->inode = sx.stx_ino;
		f->size = sx.stx_size;
		f->nlink = sx.stx_nlink;
		f->mode = sx.stx_mode;
		f->uid = sx.stx_uid;
		f->gid = sx.stx_gid;
		set_time(&f->mtime, sx.stx_mtime.tv_sec, sx.stx_mtime.tv_nsec);
		set_time(&f->atime, sx.stx_atime.tv_sec, sx.stx_atime.tv_nsec);
		set_time(&f->ctime, sx.stx_ctime.tv_sec, sx.stx_ctime.tv_nsec);
		if (sx.stx_mask & STATX_BTIME)
			set_time(&f->crtime, sx.stx_btime.tv_sec,
			    sx.stx_btime.tv_nsec);
		return 0;
	}
	if (errno != ENOSYS)
		return errno;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno;
	f->dev = ((uint64_t)major(st.st_dev) << 32) | minor(st.st_dev);
	f->inode = st.st_ino;
	f->size = (uint64_t)st.st_size;
	f->nlink = st.st_nlink;
	f->mode = st.st_mode;
	f->uid = st.st_uid;
	f->gid = st.st_gid;
	set_time(&f->mtime, st.st_mtim.tv_sec, (uint32_t)st.st_mtim.tv_nsec);
	set_time(&f->atime, st.st_atim.tv_sec, (uint32_t)st.st_atim.tv_nsec);
	set_time(&f->ctime, st.st_ctim.tv_sec, (uint32_t)st.st_ctim.tv_nsec);
	return 0;
}

static uint64_t
fd_dev(const struct stat *st)
{
	return ((uint64_t)major(st->st_dev) << 32) | minor(st->st_dev);
}

/* Open name under dirfd as a directory and check it is (dev, ino). */
static int
open_dir(int dirfd, const char *name, uint64_t dev, uint64_t ino)
{
	int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	struct stat st;
	int fd;

	fd = openat(dirfd, name, flags | O_NOATIME);
	if (fd < 0 && errno == EPERM)
		fd = openat(dirfd, name, flags);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || fd_dev(&st) != dev || st.st_ino != ino) {
		(void)close(fd);
		errno = ESTALE;		/* replaced since we looked */
		return -1;
	}
	return fd;
}

static int
cmp_names(const void *a, const void *b, void *blob)
{
	return strcmp((char *)blob + *(const size_t *)a,
	    (char *)blob + *(const size_t *)b);
}

/* Read all names of the directory fd into fr; returns 0 or an errno. */
static int
list_dir(int fd, struct frame *fr)
{
	struct ir_buf blob = IR_BUF_INIT(IR_BUF_NOLIMIT);
	size_t *offs = NULL, n = 0, alloc = 0, *no;
	struct dirent *de;
	DIR *d;
	int dfd, err = 0;

	if ((dfd = dup(fd)) < 0)
		return errno;
	if ((d = fdopendir(dfd)) == NULL) {
		err = errno;
		(void)close(dfd);
		return err;
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			err = errno;
			break;
		}
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 32;
			if ((no = realloc(offs, alloc * sizeof(*offs))) == NULL) {
				err = ENOMEM;
				break;
			}
			offs = no;
		}
		offs[n++] = blob.len;
		if (ir_buf_add(&blob, de->d_name, strlen(de->d_name) + 1,
		    NULL) != IR_OK) {
			err = ENOMEM;
			break;
		}
	}
	(void)closedir(d);
	if (err != 0) {
		free(offs);
		ir_buf_release(&blob);
		return err;
	}
	fr->blob = ir_buf_detach(&blob, NULL);
	if (fr->blob == NULL) {
		free(offs);
		return ENOMEM;
	}
	if (n > 1)		/* an empty directory has no array at all */
		qsort_r(offs, n, sizeof(*offs), cmp_names, fr->blob);
	fr->offs = offs;
	fr->n = n;
	fr->i = 0;
	return 0;
}

static void
frame_free(struct frame *fr)
{
	if (fr->fd >= 0 && fr->fd != AT_FDCWD)
		(void)close(fr->fd);
	free(fr->blob);
	free(fr->offs);
	memset(fr, 0, sizeof(*fr));
	fr->fd = -1;
}

static void
entry_error(struct walk *w, const char *what, int err)
{
	struct ir_err e;

	if (w->file.error[0] != '\0')
		return;		/* keep the first problem */
	ir_err_set(&e, IR_EIO, err, "%s", what);
	(void)memcpy(w->file.error, e.msg, sizeof(w->file.error) - 1);
	w->file.error[sizeof(w->file.error) - 1] = '\0';
}

/* Climb back to the frame below the one just popped; give it an fd. */
static int
ensure_fd(struct walk *w, int childfd)
{
	struct frame *fr = &w->st[w->depth - 1];
	size_t k;
	int fd, cur, owned;

	if (fr->fd >= 0)
		return 0;
	if (childfd >= 0 &&
	    (fd = open_dir(childfd, "..", fr->dev, fr->ino)) >= 0) {
		fr->fd = fd;
		w->lo = w->depth - 1;
		return 0;
	}
	/* ".." led elsewhere (a bind mount, a move): go down from an ancestor. */
	for (k = w->depth - 1; k > 0 && w->st[k - 1].fd < 0; k--)
		;
	cur = w->st[k - 1].fd;
	for (owned = 0; k < w->depth; k++) {
		fd = open_dir(cur, w->st[k].name, w->st[k].dev, w->st[k].ino);
		if (owned)
			(void)close(cur);
		if (fd < 0)
			return errno;
		cur = fd;
		owned = 1;
	}
	fr->fd = cur;
	w->lo = w->depth - 1;
	return 0;
}

static int
push(struct walk *w, struct frame *fr, struct ir_err *e)
{
	struct frame *ns;
	size_t na;

	if (w->depth == w->alloc) {
		na = w->alloc ? w->alloc * 2 : 64;
		if ((ns = realloc(w->st, na * sizeof(*ns))) == NULL)
			return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
		w->st = ns;
		w->alloc = na;
	}
	w->st[w->depth++] = *fr;
	if (w->depth - 1 >= FD_WINDOW && w->lo == 0)
		w->lo = 1;
	/* Keep at most FD_WINDOW non-root directory fds open. */
	while (w->lo > 0 && w->depth - w->lo > FD_WINDOW) {
		if (w->st[w->lo].fd >= 0) {
			(void)close(w->st[w->lo].fd);
			w->st[w->lo].fd = -1;
		}
		w->lo++;
	}
	return IR_OK;
}

static void
reset_file(struct walk *w)
{
	memset(&w->file, 0, sizeof(w->file));
	w->file.source = w->root;
}

/*
 * Describe one object (already in w->path), list it if it is a directory
 * we descend into, hand it to the callback, and push its frame.
 */
static int
visit(struct walk *w, int dirfd, const char *name, int pseudo, int depth,
    struct ir_err *e)
{
	struct ir_walk_ent ent;
	struct frame fr;
	enum ir_walk_act act;
	ssize_t n;
	int err, descend, rc;

	reset_file(w);
	w->file.path = w->path.buf;
	w->file.pathlen = w->path.len;
	w->file.name = strrchr(w->path.buf, '/') ?
	    strrchr(w->path.buf, '/') + 1 : w->path.buf;
	w->file.depth = depth;
	memset(&fr, 0, sizeof(fr));
	fr.fd = -1;

	if ((err = stat_entry(dirfd, name, &w->file)) != 0) {
		entry_error(w, err == ENOENT ? "vanished before it could be "
		    "examined" : "cannot examine", err);
		goto call;
	}
	if (S_ISLNK(w->file.mode)) {
		ir_buf_reset(&w->link);
		if ((rc = ir_buf_grow(&w->link, w->file.size + 256, e)) != IR_OK)
			return rc;
		/* st_size may be short (procfs says 64): grow until it fits. */
		while ((n = readlinkat(dirfd, name, w->link.buf,
		    w->link.alloc - 1)) >= 0 && (size_t)n == w->link.alloc - 1)
			if ((rc = ir_buf_grow(&w->link, w->link.alloc, e)) !=
			    IR_OK)
				return rc;
		if (n < 0)
			entry_error(w, "cannot read link", errno);
		else {
			w->link.len = (size_t)n;
			w->link.buf[n] = '\0';
			w->file.link = w->link.buf;
			w->file.linklen = (size_t)n;
		}
	}
	descend = S_ISDIR(w->file.mode) &&
	    (w->opts->max_depth == 0 || depth < w->opts->max_depth) &&
	    (!(w->opts->flags & IR_WALK_ONE_FS) || w->file.dev == w->rootdev);
	if (descend) {
		fr.fd = open_dir(dirfd, name, w->file.dev, w->file.inode);
		if (fr.fd < 0)
			entry_error(w, errno == ESTALE ? "replaced while walked" :
			    "cannot open directory", errno);
		else if ((err = list_dir(fr.fd, &fr)) != 0) {
			entry_error(w, "cannot list directory", err);
			frame_free(&fr);
		} else {
			fr.dev = w->file.dev;
			fr.ino = w->file.inode;
			fr.pathlen = w->path.len;
			fr.name = name;
			fr.pseudo = is_pseudo_fs(fr.fd);
		}
	}
call:
	if (w->file.error[0] != '\0')
		w->nerrors++;
	ent.file = &w->file;
	ent.dirfd = dirfd;
	ent.relname = name;
	ent.pseudo_fs = pseudo;
	act = w->fn(&ent, w->arg);
	if (act == IR_WALK_STOP) {
		frame_free(&fr);
		return ir_err_set(e, IR_EINTR, 0, "walk stopped");
	}
	if (act == IR_WALK_PRUNE || fr.blob == NULL) {
		frame_free(&fr);
		return IR_OK;
	}
	if ((rc = push(w, &fr, e)) != IR_OK)
		frame_free(&fr);
	return rc;
}

static int
stopped(const struct walk *w)
{
	return w->opts->stop != NULL && *w->opts->stop;
}

int
ir_walk_tree(const char *root, const struct ir_walk_opts *opts,
    ir_walk_fn fn, void *arg, unsigned long *nerrors, struct ir_err *e)
{
	struct ir_walk_opts dflt = { 0, 0, NULL };
	struct walk w;
	struct frame *top;
	struct statx sx;
	const char *name;
	int rc = IR_OK, childfd, pseudo, err, rootfd;

	memset(&w, 0, sizeof(w));
	w.opts = opts != NULL ? opts : &dflt;
	w.fn = fn;
	w.arg = arg;
	w.root = root;
	ir_buf_init(&w.path, IR_BUF_NOLIMIT);
	ir_buf_init(&w.link, IR_BUF_NOLIMIT);
	if (nerrors != NULL)
		*nerrors = 0;

	if (statx(AT_FDCWD, root, AT_SYMLINK_NOFOLLOW, STATX_TYPE, &sx) != 0)
		return ir_err_set(e, IR_EIO, errno, "cannot examine '%s'", root);
	w.rootdev = ((uint64_t)sx.stx_dev_major << 32) | sx.stx_dev_minor;
	pseudo = 0;
	if ((rootfd = open(root, O_PATH | O_NOFOLLOW | O_CLOEXEC)) >= 0) {
		pseudo = is_pseudo_fs(rootfd);
		(void)close(rootfd);
	}
	if ((rc = ir_buf_addstr(&w.path, root, e)) != IR_OK)
		goto out;
	if ((rc = visit(&w, AT_FDCWD, root, pseudo, 0, e)) != IR_OK)
		goto out;

	while (w.depth > 0) {
		if (stopped(&w)) {
			rc = ir_err_set(e, IR_EINTR, 0, "walk interrupted");
			break;
		}
		top = &w.st[w.depth - 1];
		if (top->i == top->n) {
			childfd = top->fd;
			top->fd = -1;
			frame_free(top);
			w.depth--;
			if (w.depth > 0 && (err = ensure_fd(&w, childfd)) != 0) {
				if (childfd >= 0)
					(void)close(childfd);
				rc = ir_err_set(e, IR_EIO, err, "cannot return "
				    "to a directory under '%s'", root);
				break;
			}
			if (childfd >= 0)
				(void)close(childfd);
			continue;
		}
		name = top->blob + top->offs[top->i++];
		ir_buf_truncate(&w.path, top->pathlen);
		if (w.path.len == 0 || w.path.buf[w.path.len - 1] != '/')
			if ((rc = ir_buf_addch(&w.path, '/', e)) != IR_OK)
				break;
		if ((rc = ir_buf_addstr(&w.path, name, e)) != IR_OK)
			break;
		if ((rc = visit(&w, top->fd, name, top->pseudo, (int)w.depth,
		    e)) != IR_OK)
			break;
	}
out:
	while (w.depth > 0)
		frame_free(&w.st[--w.depth]);
	free(w.st);
	ir_buf_release(&w.path);
	ir_buf_release(&w.link);
	if (nerrors != NULL)
		*nerrors = w.nerrors;
	return rc;
}
