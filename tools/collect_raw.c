/*
 * collect_raw: --raw cross-check of ir-collect.  For each high-value
 * directory under the root: the mount it is on (mountinfo, read by
 * libir), and when a mount sits on the directory itself, the mount it
 * covers; the block device of each (/dev/block/MAJ:MIN, or the mount's
 * source); the directory's path inside that file system (the mount's
 * root plus the rest of the path).  Its names are read there through
 * libtsk in a worker process and compared with a live readdir of the
 * mounted view: an allocated name on disk that the view does not show
 * is a finding (a mount over the directory, a rootkit that filters
 * getdents).  A file system libtsk cannot read, or one without a block
 * device (tmpfs), is a problem record: that directory was not checked.
 */
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/openat2.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <time.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect_raw.h"
#include "image.h"
#include "tool.h"

static const char *const raw_dirs[] = {
	"/etc", "/etc/cron.d", "/etc/cron.hourly", "/etc/cron.daily",
	"/etc/cron.weekly", "/etc/cron.monthly", "/var/spool/cron",
	"/var/spool/cron/crontabs", "/etc/systemd/system",
	"/etc/systemd/system/multi-user.target.wants", "/etc/ld.so.conf.d",
	"/etc/profile.d", "/etc/init.d", "/root", "/root/.ssh", "/tmp",
	"/var/tmp", "/dev/shm", "/lib/modules", "/usr/lib/modules", NULL
};

struct rawname {
	uint64_t	 inode;
	uint32_t	 type;
	char		*name;
};

/* Seconds one listing may take: libtsk can spin on a crafted file system. */
#define LIST_SECONDS	60

struct rawjob {
	unsigned	 seconds;	/* the listing's time limit */
	const char	*dev;
	const char	*path;		/* inside the file system */
	struct rawname	*v;
	size_t		 n, cap;
	char		 error[300];
	int		 bad;		/* a line we did not write */
};

static int
put_name(const struct ir_fs_dirent *d, void *arg)
{
	FILE *fp = arg;
	size_t i;

	if (!d->allocated)
		return IR_OK;		/* deleted: not hidden, gone */
	(void)fprintf(fp, "%" PRIu64 " %" PRIu32 " ", d->inode, d->type);
	for (i = 0; i < d->namelen; i++)
		(void)fprintf(fp, "%02x", (unsigned char)d->name[i]);
	return fputc('\n', fp) == EOF ? IR_EIO : IR_OK;
}

/* In the worker: the names, one line each ("I T HEX"), or "E message". */
static int
list_child(int fd, void *arg)
{
	struct rawjob *j = arg;
	struct ir_fs_part *parts = NULL;
	struct ir_img *img = NULL;
	struct ir_fs *fs = NULL;
	struct ir_err e;
	FILE *fp;
	size_t n;
	int rc = 0;

	(void)alarm(j->seconds);
	if ((fp = fdopen(fd, "w")) == NULL)
		return 1;
	if (ir_img_open(&img, j->dev, "raw", &e) != IR_OK)
		goto fail;
	if (ir_fs_parts(img, &parts, &n, &e) != IR_OK)
		goto fail;
	if (n != 1) {
		ir_err_set(&e, IR_EUNSUPP, 0, "%zu partitions on a mounted "
		    "device", n);
		goto fail;
	}
	if (ir_fs_open(&fs, img, &parts[0], &e) != IR_OK)
		goto fail;
	if (ir_fs_dir_list(fs, j->path, put_name, fp, &e) != IR_OK)
		goto fail;
	goto out;
fail:
	(void)fprintf(fp, "E %s\n", e.msg);
	rc = 1;
out:
	if (fs != NULL)
		ir_fs_close(fs);
	if (img != NULL)
		ir_img_close(img);
	free(parts);
	if (fclose(fp) != 0)
		rc = 1;
	return rc;
}

static int
list_sink(const char *buf, size_t n, void *arg)
{
	struct rawjob *j = arg;
	const char *end = buf + n, *nl, *sp;
	struct rawname *r;
	unsigned long long ino;
	unsigned long type;
	char *p;
	size_t len, i;
	unsigned v;

	for (; buf < end; buf = nl + 1) {
		nl = memchr(buf, '\n', (size_t)(end - buf));
		len = (size_t)(nl - buf);
		if (len >= 2 && buf[0] == 'E' && buf[1] == ' ') {
			(void)snprintf(j->error, sizeof(j->error), "%.*s",
			    (int)(len - 2), buf + 2);
			continue;
		}
		if (j->n == j->cap) {
			j->cap = j->cap ? j->cap * 2 : 64;
			if ((r = reallocarray(j->v, j->cap, sizeof(*r))) == NULL)
				return -1;
			j->v = r;
		}
		r = &j->v[j->n];
		if (sscanf(buf, "%llu %lu ", &ino, &type) != 2 ||
		    (sp = memchr(buf, ' ', len)) == NULL ||
		    (sp = memchr(sp + 1, ' ', (size_t)(nl - sp - 1))) == NULL ||
		    (nl - sp - 1) % 2 != 0 || (r->name = malloc((size_t)(nl -
		    sp - 1) / 2 + 1)) == NULL) {
			j->bad = 1;
			return -1;
		}
		for (p = r->name, i = 0; sp + 1 + i < nl; i += 2) {
			if (sscanf(sp + 1 + i, "%2x", &v) != 1) {
				free(r->name);
				j->bad = 1;
				return -1;
			}
			*p++ = (char)v;
		}
		*p = '\0';
		r->inode = ino;
		r->type = (uint32_t)type;
		j->n++;
	}
	return 0;
}

static void
job_free(struct rawjob *j)
{
	size_t i;

	for (i = 0; i < j->n; i++)
		free(j->v[i].name);
	free(j->v);
}

/* Is the mount point p a prefix of path, component-wise? */
static size_t
under(const char *p, const char *path)
{
	size_t n = strlen(p);

	if (strcmp(p, "/") == 0)
		return 1;
	if (strncmp(p, path, n) == 0 && (path[n] == '\0' || path[n] == '/'))
		return n;
	return 0;
}

/* The topmost mount whose point is the longest prefix of path. */
static const struct ir_mount *
mount_of(const struct coll *c, const char *path)
{
	const struct ir_mount *best = NULL, *m;
	size_t i, k, bl = 0, l;
	int covered;

	for (i = 0; i < c->nmounts; i++) {
		m = &c->mounts[i];
		if ((l = under(m->point, path)) == 0 || l < bl)
			continue;
		/* Another mount on the same point over this one? */
		covered = 0;
		for (k = 0; k < c->nmounts; k++)
			if (c->mounts[k].parent == m->id &&
			    strcmp(c->mounts[k].point, m->point) == 0)
				covered = 1;
		if (covered)
			continue;
		best = m;
		bl = l;
	}
	return best;
}

static const struct ir_mount *
mount_by_id(const struct coll *c, uint64_t id)
{
	size_t i;

	for (i = 0; i < c->nmounts; i++)
		if (c->mounts[i].id == id)
			return &c->mounts[i];
	return NULL;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names a live readdir of fd shows, sorted. */
static char **
live_names(int fd, size_t *n)
{
	struct dirent *d;
	char **v = NULL, **nv;
	DIR *dir;
	int dfd;

	*n = 0;
	if ((dfd = dup(fd)) < 0 || (dir = fdopendir(dfd)) == NULL)
		return NULL;
	while ((d = readdir(dir)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		if ((nv = reallocarray(v, *n + 1, sizeof(*v))) == NULL ||
		    (nv[*n] = strdup(d->d_name)) == NULL) {
			(void)closedir(dir);
			return nv != NULL ? nv : v;
		}
		v = nv;
		(*n)++;
	}
	(void)closedir(dir);
	if (v != NULL)
		qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

struct layer {
	const struct ir_mount	*m;
	const struct ir_mount	*over;	/* the mount hiding it, or NULL */
};

static double
now_mono_raw(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* /dev/NAME of a device number, from sysfs's uevent (no /dev/block). */
static void
sys_devname(const struct ir_mount *m, char *dev, size_t sz)
{
	struct ir_buf b;
	struct ir_err e;
	char path[96];
	const char *p, *nl;

	(void)snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/uevent",
	    m->major, m->minor);
	ir_buf_init(&b, 1 << 16);
	if (ir_read_file(AT_FDCWD, path, &b, &e) == IR_OK &&
	    (p = strstr(b.buf, "DEVNAME=")) != NULL) {
		p += 8;
		nl = strchr(p, '\n');
		if (nl != NULL && nl > p && memchr(p, '/', (size_t)(nl - p)) ==
		    NULL)
			(void)snprintf(dev, sz, "/dev/%.*s", (int)(nl - p), p);
	}
	ir_buf_release(&b);
}

/* One layer of one directory; returns an exit status. */
static int
check_layer(struct coll *c, int dirfd, const char *dir, const char *real,
    const struct layer *ly, char **live, size_t nlive)
{
	const struct ir_mount *m = ly->m;
	struct ir_worker_end end;
	struct rawjob j;
	struct ir_field f[16];
	struct ir_err e;
	struct stat st;
	char dev[64], rawpath[PATH_MAX + 8], path[PATH_MAX + 8], msg[600];
	const char *rest, *key;
	size_t i, n;
	double left;
	int status = IR_EXIT_OK;

	(void)snprintf(dev, sizeof(dev), "/dev/block/%u:%u", m->major,
	    m->minor);
	if (m->major != 0 && (stat(dev, &st) != 0 || !S_ISBLK(st.st_mode)))
		sys_devname(m, dev, sizeof(dev));
	if (m->major == 0 || stat(dev, &st) != 0 || !S_ISBLK(st.st_mode)) {
		if (strncmp(m->source, "/dev/", 5) == 0 && stat(m->source,
		    &st) == 0 && S_ISBLK(st.st_mode))
			(void)snprintf(dev, sizeof(dev), "%s", m->source);
		else {
			(void)snprintf(msg, sizeof(msg), "--raw: not checked: "
			    "%s on %s is a %s file system without a block "
			    "device", dir, m->point, m->fstype);
			coll_problem(c, dir, msg);
			return IR_EXIT_OK;
		}
	}
	rest = real + (strcmp(m->point, "/") == 0 ? 0 : strlen(m->point));
	(void)snprintf(rawpath, sizeof(rawpath), "%s%s%s",
	    strcmp(m->root, "/") == 0 ? "" : m->root,
	    *rest == '/' || *rest == '\0' ? "" : "/", rest);
	if (rawpath[0] == '\0')
		(void)snprintf(rawpath, sizeof(rawpath), "/");
	memset(&j, 0, sizeof(j));
	j.seconds = LIST_SECONDS;
	if (c->deadline > 0) {
		left = c->deadline - now_mono_raw();
		if (left < 1)
			left = 1;
		if (left < LIST_SECONDS)
			j.seconds = (unsigned)left;
	}
	j.dev = dev;
	j.path = rawpath;
	(void)fflush(stderr);
	if (ir_worker_run(list_child, &j, list_sink, &j, &end, &e) != IR_OK) {
		(void)snprintf(msg, sizeof(msg), "--raw: %s (%s at %s): %s", dir,
		    dev, rawpath, j.bad ? "bad listing" : e.msg);
		coll_problem(c, dir, msg);
		job_free(&j);
		return IR_EXIT_INCOMPLETE;
	}
	if (end.signal != 0 || end.status != 0) {
		if (end.signal == SIGALRM)
			(void)snprintf(msg, sizeof(msg), "--raw: not checked: "
			    "reading %s on %s took over %u s (stopped)",
			    rawpath, dev, j.seconds);
		else if (end.signal != 0)
			(void)snprintf(msg, sizeof(msg), "--raw: not checked: "
			    "reading %s on %s %s", rawpath, dev, end.hung ?
			    "hung (libtsk deadlocked)" : "crashed libtsk");
		else
			(void)snprintf(msg, sizeof(msg), "--raw: not checked: "
			    "%s on %s (%s): %s", rawpath, dev, m->fstype,
			    j.error[0] != '\0' ? j.error : "failed");
		coll_problem(c, dir, msg);
		job_free(&j);
		return end.signal != 0 ? IR_EXIT_INCOMPLETE : IR_EXIT_OK;
	}
	for (i = 0; i < j.n; i++) {
		key = j.v[i].name;
		if (nlive > 0 && bsearch(&key, live, nlive, sizeof(*live),
		    cmp_str) != NULL)
			continue;
		(void)snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") ==
		    0 ? "" : dir, j.v[i].name);
		n = 0;
		f[n++] = IR_FSTR("type", "finding");
		f[n++] = IR_FSTR("reason", "hidden-name");
		f[n++] = IR_FSTR("source", c->root);
		f[n++] = IR_FSTR("path", path);
		f[n++] = IR_FU64("inode", j.v[i].inode);
		if (j.v[i].type != 0)
			f[n++] = IR_FSTR("kind", ir_file_kind(j.v[i].type));
		f[n++] = IR_FSTR("device", dev);
		f[n++] = IR_FSTR("fstype", m->fstype);
		f[n++] = IR_FSTR("raw_path", rawpath);
		if (ly->over != NULL)
			f[n++] = IR_FSTR("under_mount", ly->over->point);
		/* A filtered getdents may still let stat through. */
		f[n++] = IR_FSTR("live_stat", fstatat(dirfd, j.v[i].name, &st,
		    AT_SYMLINK_NOFOLLOW) == 0 ? "visible" : "absent");
		f[n++] = IR_FSTR("detail", ly->over != NULL ? "on disk in the "
		    "directory a mount covers: the mounted view hides it" :
		    "on disk but not listed by the live directory");
		if (ir_writer_record(c->w, f, n, &e) != IR_OK)
			c->out_failed = 1;
		tool_warnx("--raw: %s is on disk (%s inode %" PRIu64 ") but "
		    "hidden from the live view", path, dev, j.v[i].inode);
		status = IR_EXIT_FOUND;
	}
	job_free(&j);
	return status;
}

static int
open_in_root(int rootfd, const char *rel)
{
	struct open_how how;

	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	return (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
}

int
craw_run(struct coll *c)
{
	char real[PATH_MAX], proc[64], msg[400], **live, **seen = NULL, **ns;
	const struct ir_mount *m;
	struct layer ly[2];
	size_t i, k, nlive, nseen = 0, nly;
	ssize_t rl;
	int fd, status = IR_EXIT_OK;

	if (c->nmounts == 0) {
		coll_problem(c, NULL, "--raw: the mounts are unknown: nothing "
		    "checked");
		return IR_EXIT_INCOMPLETE;
	}
	for (i = 0; raw_dirs[i] != NULL; i++) {
		if (tool_stop || (c->deadline > 0 && now_mono_raw() >=
		    c->deadline)) {
			(void)snprintf(msg, sizeof(msg), "--raw: stopped (%s) "
			    "before %s: the rest was not checked", tool_stop ?
			    "interrupted" : "the overall --deadline was reached",
			    raw_dirs[i]);
			coll_problem(c, NULL, msg);
			status = tool_status(status, IR_EXIT_INCOMPLETE);
			break;
		}
		if ((fd = open_in_root(c->rootfd, raw_dirs[i] + 1)) < 0) {
			if (errno != ENOENT && errno != ENOTDIR) {
				(void)snprintf(msg, sizeof(msg), "--raw: not "
				    "checked: %s", strerror(errno));
				coll_problem(c, raw_dirs[i], msg);
				status = tool_status(status, IR_EXIT_INCOMPLETE);
			}
			continue;
		}
		(void)snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		if ((rl = readlink(proc, real, sizeof(real) - 1)) <= 0) {
			(void)close(fd);
			continue;
		}
		real[rl] = '\0';
		for (k = 0; k < nseen; k++)
			if (strcmp(seen[k], real) == 0)
				break;
		if (k < nseen) {	/* /lib/modules is /usr/lib/modules */
			(void)close(fd);
			continue;
		}
		if ((ns = reallocarray(seen, nseen + 1, sizeof(*ns))) != NULL) {
			seen = ns;
			if ((seen[nseen] = strdup(real)) != NULL)
				nseen++;
		}
		if ((m = mount_of(c, real)) == NULL) {
			(void)close(fd);
			continue;
		}
		nly = 0;
		ly[nly].m = m;
		ly[nly++].over = NULL;
		/* A mount on the directory itself: also what it covers. */
		if (strcmp(m->point, real) == 0 && (ly[nly].m = mount_by_id(c,
		    m->parent)) != NULL && ly[nly].m != m) {
			ly[nly].over = m;
			nly++;
		}
		live = live_names(fd, &nlive);
		for (k = 0; k < nly; k++)
			status = tool_status(status, check_layer(c, fd,
			    raw_dirs[i], real, &ly[k], live, nlive));
		for (k = 0; k < nlive; k++)
			free(live[k]);
		free(live);
		(void)close(fd);
	}
	for (k = 0; k < nseen; k++)
		free(seen[k]);
	free(seen);
	return status;
}
