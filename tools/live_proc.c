/*
 * live_proc: every process, found two ways: the /proc listing (what a
 * getdents hook can hide) and a probe of every pid up to pid_max with
 * kill(pid, 0) (what it cannot, short of a kernel rootkit hooking kill
 * too).  A pid that answers but is not listed, and is no thread of a
 * listed process, is hidden; so is one whose /proc/PID is covered by a
 * mount.  Per process: identity, credentials, executable (hashed through
 * /proc/PID/exe, so a deleted binary is still read), command line,
 * directories, namespaces, cgroup, confinement, and every open file.
 */
#include <sys/mount.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "live.h"
#include "tool.h"

#define SMALL	((size_t)1 << 20)
#define BIG	((size_t)16 << 20)	/* environ, cmdline: ARG_MAX is less */
#define DELETED	" (deleted)"

/* What could not be read of some process, said once at the end. */
struct denied {
	unsigned long	 n;
	pid_t		 first;
	const char	*what;
};

struct pass {
	struct live	*l;
	struct ir_buf	 b, env, js;
	struct denied	 denied;
};

static int
ends_with(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);

	return n >= k && memcmp(s + n - k, suf, k) == 0;
}

static int
under_tmp(const char *p, size_t n)
{
	static const char *const dirs[] = { "/tmp/", "/var/tmp/", "/dev/shm/" };
	size_t i, k;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		k = strlen(dirs[i]);
		if (n > k && memcmp(p, dirs[i], k) == 0)
			return 1;
	}
	return 0;
}

static void
denied(struct pass *ps, pid_t pid, const char *what)
{
	if (ps->denied.n++ == 0) {
		ps->denied.first = pid;
		ps->denied.what = what;
	}
}

static int
add_proc(struct live *l, const struct live_proc *p)
{
	void *np;
	size_t nc;

	if (l->nprocs == l->procs_cap) {
		nc = l->procs_cap ? l->procs_cap * 2 : 512;
		if ((np = reallocarray(l->procs, nc, sizeof(*l->procs))) ==
		    NULL)
			tool_die(IR_EXIT_INCOMPLETE, "out of memory");
		l->procs = np;
		l->procs_cap = nc;
	}
	l->procs[l->nprocs++] = *p;
	return 0;
}

static void
add_owner(struct live *l, uint64_t inode, pid_t pid, int fd)
{
	void *np;
	size_t nc;

	if (l->nowners == l->owners_cap) {
		nc = l->owners_cap ? l->owners_cap * 2 : 1024;
		if ((np = reallocarray(l->owners, nc, sizeof(*l->owners))) ==
		    NULL)
			tool_die(IR_EXIT_INCOMPLETE, "out of memory");
		l->owners = np;
		l->owners_cap = nc;
	}
	l->owners[l->nowners].inode = inode;
	l->owners[l->nowners].pid = pid;
	l->owners[l->nowners].fd = fd;
	l->nowners++;
}

static int
ownercmp(const void *a, const void *b)
{
	const struct live_owner *x = a, *y = b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

static int
proccmp(const void *a, const void *b)
{
	pid_t x = ((const struct live_proc *)a)->pid;
	pid_t y = ((const struct live_proc *)b)->pid;

	return (x > y) - (x < y);
}

const struct live_proc *
live_proc_find(const struct live *l, pid_t pid)
{
	struct live_proc key;

	key.pid = pid;
	if (l->nprocs == 0)
		return NULL;
	return bsearch(&key, l->procs, l->nprocs, sizeof(*l->procs), proccmp);
}

/* ---- executables: hashed once per identity, saved once ---- */

static struct live_exe *
exe_lookup(struct live *l, const struct stat *st)
{
	size_t i;

	for (i = 0; i < l->nexes; i++) {
		struct live_exe *x = &l->exes[i];

		if (x->dev == (uint64_t)st->st_dev &&
		    x->ino == (uint64_t)st->st_ino &&
		    x->size == (uint64_t)st->st_size &&
		    x->mtime == st->st_mtim.tv_sec &&
		    x->mtime_ns == st->st_mtim.tv_nsec &&
		    x->ctime == st->st_ctim.tv_sec &&
		    x->ctime_ns == st->st_ctim.tv_nsec)
			return x;
	}
	return NULL;
}

/*
 * Hash fd (an open /proc/PID/exe or /proc/PID/fd/N) from its start, and
 * with --save-exe copy it whole to a new file named name there.  NULL
 * with *err filled when it could not be read; the content is never cut.
 */
static const struct live_exe *
exe_identify(struct live *l, int fd, const char *name, char *err,
    size_t errsz)
{
	struct live_exe *x;
	struct ir_digest d;
	struct ir_err e;
	struct stat st;
	char *made = NULL;
	void *np;
	ssize_t r;
	int out = -1;

	if (fstat(fd, &st) != 0) {
		(void)snprintf(err, errsz, "fstat: %s", strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		(void)snprintf(err, errsz, "not a regular file");
		return NULL;
	}
	if ((x = exe_lookup(l, &st)) != NULL &&
	    (x->saved != NULL || l->save_fd < 0))
		return x;
	if (ir_hash_reset(l->hash, &e) != IR_OK) {
		(void)snprintf(err, errsz, "%s", e.msg);
		return NULL;
	}
	if (l->save_fd >= 0 &&
	    (out = ir_create_under(l->save_fd, name, &made, &e)) < 0) {
		(void)snprintf(err, errsz, "--save-exe: %s", e.msg);
		return NULL;
	}
	/* pread from offset 0 onwards: the fd's own offset is not ours. */
	{
		off_t off = 0;

		for (;;) {
			r = pread(fd, l->iobuf, LIVE_IOBUF, off);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				(void)snprintf(err, errsz,
				    "read at byte %lld: %s", (long long)off,
				    strerror(errno));
				goto fail;
			}
			if (r == 0)
				break;
			if (ir_hash_update(l->hash, l->iobuf, (size_t)r, &e) !=
			    IR_OK) {
				(void)snprintf(err, errsz, "%s", e.msg);
				goto fail;
			}
			if (out >= 0 && ir_write_full(out, l->iobuf,
			    (size_t)r) < 0) {
				(void)snprintf(err, errsz,
				    "--save-exe: cannot write '%s/%s': %s",
				    l->save_dir, made, strerror(errno));
				goto fail;
			}
			off += r;
		}
	}
	if (ir_hash_final(l->hash, &d, &e) != IR_OK) {
		(void)snprintf(err, errsz, "%s", e.msg);
		goto fail;
	}
	if (out >= 0 && (fsync(out) != 0 || close(out) != 0)) {
		out = -1;
		(void)snprintf(err, errsz, "--save-exe: cannot write '%s/%s': "
		    "%s", l->save_dir, made, strerror(errno));
		goto fail;
	}
	out = -1;
	if (x == NULL) {
		if (l->nexes == l->exes_cap) {
			size_t nc = l->exes_cap ? l->exes_cap * 2 : 64;

			if ((np = reallocarray(l->exes, nc, sizeof(*l->exes))) ==
			    NULL)
				tool_die(IR_EXIT_INCOMPLETE, "out of memory");
			l->exes = np;
			l->exes_cap = nc;
		}
		x = &l->exes[l->nexes++];
		memset(x, 0, sizeof(*x));
		x->dev = (uint64_t)st.st_dev;
		x->ino = (uint64_t)st.st_ino;
		x->size = (uint64_t)st.st_size;
		x->mtime = st.st_mtim.tv_sec;
		x->mtime_ns = st.st_mtim.tv_nsec;
		x->ctime = st.st_ctim.tv_sec;
		x->ctime_ns = st.st_ctim.tv_nsec;
	}
	ir_digest_hex(&d, IR_HASH_SHA256, x->sha256);
	if (made != NULL) {
		size_t i;

		/* The same content saved already: one copy is enough. */
		for (i = 0; i < l->nexes; i++)
			if (&l->exes[i] != x && l->exes[i].saved != NULL &&
			    strcmp(l->exes[i].sha256, x->sha256) == 0)
				break;
		if (i < l->nexes) {
			(void)unlinkat(l->save_fd, made, 0);
			free(made);
			if ((made = strdup(l->exes[i].saved)) == NULL)
				tool_die(IR_EXIT_INCOMPLETE, "out of memory");
		}
		free(x->saved);
		x->saved = made;
	}
	return x;
fail:
	if (out >= 0)
		(void)close(out);
	if (made != NULL) {
		(void)unlinkat(l->save_fd, made, 0);
		free(made);
	}
	return NULL;
}

/* ---- the listing and the probe ---- */

#define BIT_SET(b, i)	((b)[(size_t)(i) >> 3] |= (uint8_t)(1U << ((i) & 7)))
#define BIT_ISSET(b, i)	(((b)[(size_t)(i) >> 3] >> ((i) & 7)) & 1)

static int
list_pids(struct live *l, uint8_t *bits, long pid_max)
{
	struct dirent *de;
	DIR *d;
	int fd, n = 0;
	long v;
	char *end;

	if ((fd = openat(l->proc_fd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			(void)close(fd);
		return -1;
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL)
			break;
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		v = strtol(de->d_name, &end, 10);
		if (*end != '\0' || v <= 0 || v >= pid_max)
			continue;
		BIT_SET(bits, v);
		n++;
	}
	if (errno != 0)
		n = -1;
	(void)closedir(d);
	return n;
}

struct probe {
	uint8_t		*bits;
	long		 lo, hi;
};

static int
alive(pid_t pid)
{
	return kill(pid, 0) == 0 || errno == EPERM;
}

static void *
probe_range(void *arg)
{
	struct probe *p = arg;
	long pid;

	/* Bytes are owned by one thread each: ranges are multiples of 8. */
	for (pid = p->lo; pid < p->hi; pid++)
		if (alive((pid_t)pid))
			BIT_SET(p->bits, pid);
	return NULL;
}

static void
probe_all(uint8_t *bits, long pid_max)
{
	struct probe p[2];
	pthread_t t;
	long mid = (pid_max / 2) & ~7L;

	p[0].bits = p[1].bits = bits;
	p[0].lo = 1;
	p[0].hi = mid;
	p[1].lo = mid;
	p[1].hi = pid_max;
	if (pid_max < 65536 || pthread_create(&t, NULL, probe_range, &p[1]) !=
	    0) {
		p[0].hi = pid_max;
		probe_range(&p[0]);
		return;
	}
	probe_range(&p[0]);
	(void)pthread_join(t, NULL);
}

/* ---- mounts over /proc/PID ---- */

void
live_find_covers(struct live *l, const struct ir_mount *m, size_t n)
{
	size_t i, k;
	const char *p;
	long v;
	char *end;

	for (i = 0; i < n; i++) {
		p = m[i].point;
		if (strncmp(p, "/proc/", 6) != 0 || p[6] < '1' || p[6] > '9')
			continue;
		v = strtol(p + 6, &end, 10);
		if ((*end != '\0' && *end != '/') || v <= 0 || v > INT32_MAX)
			continue;
		k = l->ncovers;
		l->covers = reallocarray(l->covers, k + 1, sizeof(*l->covers));
		if (l->covers == NULL)
			tool_die(IR_EXIT_INCOMPLETE, "out of memory");
		l->covers[k].pid = (pid_t)v;
		l->covers[k].mount_id = m[i].id;
		if ((l->covers[k].point = strdup(p)) == NULL ||
		    (l->covers[k].fstype = strdup(m[i].fstype)) == NULL ||
		    (l->covers[k].source = strdup(m[i].source)) == NULL)
			tool_die(IR_EXIT_INCOMPLETE, "out of memory");
		l->ncovers++;
	}
}

static const struct live_cover *
covered(const struct live *l, pid_t pid)
{
	size_t i;

	for (i = 0; i < l->ncovers; i++)
		if (l->covers[i].pid == pid)
			return &l->covers[i];
	return NULL;
}

/*
 * See under the covers: in a mount namespace of our own, with every
 * mount made private first (so nothing propagates back to the host), the
 * covering mounts are detached.  The host's mounts are left as they are.
 */
static void
uncover(struct live *l)
{
	char msg[512];
	size_t i;
	int fd;

	if (l->ncovers == 0)
		return;
	if (unshare(CLONE_NEWNS) != 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
		(void)snprintf(msg, sizeof(msg), "cannot look under the mounts "
		    "covering /proc/PID (a private mount namespace needs "
		    "CAP_SYS_ADMIN): %s", strerror(errno));
		live_problem(l, "hidden processes", "/proc", msg);
		return;
	}
	/*
	 * The /proc fd opened before belongs to the host's mount tree, where
	 * the covers stay: look up from this namespace's /proc from now on.
	 */
	if ((fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		live_problem(l, "hidden processes", "/proc", strerror(errno));
		return;
	}
	(void)close(l->proc_fd);
	l->proc_fd = fd;
	for (i = l->ncovers; i-- > 0;)
		if (umount2(l->covers[i].point, MNT_DETACH) != 0 &&
		    errno != EINVAL) {
			(void)snprintf(msg, sizeof(msg), "cannot detach the "
			    "covering mount in ir-live's own namespace: %s",
			    strerror(errno));
			live_problem(l, "hidden processes", l->covers[i].point,
			    msg);
		}
}

/* ---- one process ---- */

/* The /proc/PID/ns links as {"mnt":4026531841,...} appended to b. */
static void
ns_json(struct live *l, const char *dir, struct ir_buf *b, uint64_t *netns)
{
	static const char *const kinds[] = { "cgroup", "ipc", "mnt", "net",
	    "pid", "pid_for_children", "time", "time_for_children", "user",
	    "uts" };
	char path[64], type[16], link[128];
	struct ir_err e;
	uint64_t ino;
	ssize_t r;
	size_t i;
	int first = 1;

	(void)ir_buf_addch(b, '{', &e);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		(void)snprintf(path, sizeof(path), "%s/ns/%s", dir, kinds[i]);
		if ((r = readlinkat(l->proc_fd, path, link, sizeof(link))) <=
		    0 || (size_t)r == sizeof(link) ||
		    ir_ns_link_parse(link, (size_t)r, type, &ino, NULL) !=
		    IR_OK)
			continue;
		(void)ir_buf_addf(b, &e, "%s\"%s\":%" PRIu64, first ? "" : ",",
		    kinds[i], ino);
		first = 0;
		if (strcmp(kinds[i], "net") == 0)
			*netns = ino;
	}
	(void)ir_buf_addch(b, '}', &e);
}

static int
hexfield(char *out, size_t outsz, uint64_t v)
{
	return snprintf(out, outsz, "%016" PRIx64, v);
}

/* An open fd worth keeping with --save-exe: a memfd, a deleted file. */
static void
fd_content(struct live *l, const char *dir, int fd, struct ir_field *f,
    size_t *n, char *sha, char *err, size_t errsz)
{
	const struct live_exe *x;
	char path[64], name[64];
	int cfd;

	(void)snprintf(path, sizeof(path), "%s/fd/%d", dir, fd);
	if ((cfd = openat(l->proc_fd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK)) < 0) {
		(void)snprintf(err, errsz, "cannot open /proc/%s: %s", path,
		    strerror(errno));
		f[(*n)++] = IR_FSTR("error", err);
		return;
	}
	(void)snprintf(name, sizeof(name), "%s-fd%d", dir, fd);
	if ((x = exe_identify(l, cfd, name, err, errsz)) == NULL)
		f[(*n)++] = IR_FSTR("error", err);
	else {
		memcpy(sha, x->sha256, sizeof(x->sha256));
		f[(*n)++] = IR_FSTR("sha256", sha);
		if (x->saved != NULL)
			f[(*n)++] = IR_FSTR("saved", x->saved);
	}
	(void)close(cfd);
}

static void
open_files(struct pass *ps, pid_t pid, const char *dir, const char *comm)
{
	struct live *l = ps->l;
	struct ir_field f[16];
	struct dirent *de;
	struct ir_err e;
	char path[64], sha[IR_HASH_MAXLEN * 2 + 1], err[600];
	char *link;
	size_t n, ll;
	uint64_t ino;
	long fd;
	char *end;
	DIR *d;
	int dfd;

	(void)snprintf(path, sizeof(path), "%s/fd", dir);
	if ((dfd = openat(l->proc_fd, path, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) < 0) {
		if (errno == EACCES || errno == EPERM)
			denied(ps, pid, "open files");
		return;
	}
	if ((d = fdopendir(dfd)) == NULL) {
		(void)close(dfd);
		return;
	}
	while (!l->failed && (de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		fd = strtol(de->d_name, &end, 10);
		if (*end != '\0' || fd < 0 || fd > INT32_MAX)
			continue;
		/* Closed meanwhile: not there to report. */
		if ((link = live_readlink(dirfd(d), de->d_name, &ll)) == NULL)
			continue;
		n = 0;
		f[n++] = IR_FSTR("type", "fd");
		f[n++] = IR_FI64("pid", pid);
		f[n++] = IR_FSTR("comm", comm);
		f[n++] = IR_FI64("fd", fd);
		f[n++] = IR_FBYTES("path", link, ll);
		if (ir_socket_link_parse(link, ll, &ino, NULL) == IR_OK) {
			f[n++] = IR_FSTR("kind", "socket");
			f[n++] = IR_FU64("inode", ino);
			add_owner(l, ino, pid, (int)fd);
		} else if (strncmp(link, "pipe:[", 6) == 0)
			f[n++] = IR_FSTR("kind", "pipe");
		else if (strncmp(link, "anon_inode:", 11) == 0)
			f[n++] = IR_FSTR("kind", "anon");
		else if (strncmp(link, "/memfd:", 7) == 0) {
			f[n++] = IR_FSTR("kind", "memfd");
			if (l->save_fd >= 0)
				fd_content(l, dir, (int)fd, f, &n, sha, err,
				    sizeof(err));
		} else if (link[0] == '/') {
			int del = ends_with(link, ll, DELETED);

			f[n++] = IR_FSTR("kind", "file");
			f[n++] = IR_FBOOL("deleted", del);
			if (del && l->save_fd >= 0)
				fd_content(l, dir, (int)fd, f, &n, sha, err,
				    sizeof(err));
		} else
			f[n++] = IR_FSTR("kind", "other");
		(void)live_emit(l, f, n);
		free(link);
	}
	(void)closedir(d);
	(void)e;
}

/*
 * Read, record and check one process.  hidden says how it was hidden
 * (NULL: it was not).  A process that exits meanwhile is skipped quietly,
 * unless it was hidden: that is said whatever happens.
 */
static void
one_process(struct pass *ps, pid_t pid, int listed, const char *hidden,
    const struct live_cover *cov)
{
	struct live *l = ps->l;
	struct live_proc lp;
	struct ir_pstat st;
	struct ir_pstatus ss;
	struct ir_cgroup *cg = NULL;
	struct ir_field f[72], ev[12];
	struct ir_err e;
	struct ir_time start;
	const struct live_exe *x = NULL;
	char dir[24], path[64], exeerr[600], capeff[20], capprm[20];
	char capbnd[20], capinh[20], capamb[20], ns_s[1024], detail[1200];
	char *exe = NULL, *cwd = NULL, *root = NULL, *argv_hex = NULL;
	char *env_hex = NULL, *argv_js = NULL, *env_js = NULL, *cgv1 = NULL;
	const char *preload = NULL;
	size_t n = 0, nev, exelen = 0, cwdlen = 0, rootlen = 0, ncg = 0, i;
	size_t preloadlen = 0, exebase;
	struct ir_buf nsb = IR_BUF_INIT(sizeof(ns_s));
	struct stat est, pst;
	uint64_t netns = 0, loginuid = UINT32_MAX, sessionid = UINT32_MAX;
	int have_stat, have_status, efd, lossy = 0, deleted = 0, replaced = -1;
	int kthread, gone = 0;

	(void)snprintf(dir, sizeof(dir), "%d", (int)pid);
	memset(&lp, 0, sizeof(lp));
	lp.pid = pid;
	lp.listed = listed;
	lp.hidden = hidden;

	(void)snprintf(path, sizeof(path), "%s/stat", dir);
	have_stat = live_readat(l->proc_fd, path, &ps->b, SMALL, &e) == IR_OK &&
	    ir_pstat_parse(ps->b.buf, ps->b.len, &st, &e) == IR_OK;
	if (!have_stat && hidden == NULL) {
		if (e.code != IR_ENOENT)
			live_problem(l, "process", path, e.msg);
		return;
	}
	if (have_stat && st.pid != pid) {
		/* /proc/PID shows another process: a bind mount over it. */
		(void)snprintf(detail, sizeof(detail), "/proc/%d shows the "
		    "data of pid %" PRId64 ": something is mounted over it",
		    (int)pid, st.pid);
		ev[0] = IR_FI64("pid", pid);
		ev[1] = IR_FI64("shown_pid", st.pid);
		live_finding(l, "hidden-pid", detail, ev, 2);
		have_stat = 0;
	}
	(void)snprintf(path, sizeof(path), "%s/status", dir);
	have_status = live_readat(l->proc_fd, path, &ps->b, SMALL, &e) ==
	    IR_OK && ir_pstatus_parse(ps->b.buf, ps->b.len, &ss, &e) == IR_OK;
	if (!have_status)
		memset(&ss, 0, sizeof(ss));
	kthread = have_stat && (st.flags & IR_PF_KTHREAD) != 0;
	if (have_stat) {
		lp.ppid = st.ppid;
		memcpy(lp.comm, st.comm, sizeof(lp.comm));
	}
	if (have_status && (ss.have & IR_ST_UID))
		lp.uid = ss.uid[0];
	lp.kthread = kthread;

	f[n++] = IR_FSTR("type", "process");
	f[n++] = IR_FI64("pid", pid);
	if (have_stat) {
		f[n++] = IR_FI64("ppid", st.ppid);
		f[n++] = IR_FSTR("comm", st.comm);
		f[n++] = IR_FBYTES("state", &st.state, 1);
		f[n++] = IR_FI64("pgrp", st.pgrp);
		f[n++] = IR_FI64("session", st.session);
		f[n++] = IR_FI64("tty", st.tty);
		f[n++] = IR_FI64("threads", st.num_threads);
		f[n++] = IR_FU64("vsize", st.vsize);
		f[n++] = IR_FI64("rss_pages", st.rss);
		start.sec = l->btime + (int64_t)(st.start_time /
		    (uint64_t)l->hz);
		start.nsec = (int32_t)((st.start_time % (uint64_t)l->hz) *
		    (1000000000 / l->hz));
		start.valid = l->btime > 0;
		f[n++] = IR_FTIME("start_time", start);
		f[n++] = IR_FBOOL("kthread", kthread);
	}
	f[n++] = IR_FBOOL("listed", listed);
	if (hidden != NULL)
		f[n++] = IR_FSTR("hidden", hidden);
	if (have_status) {
		if (ss.have & IR_ST_TGID)
			f[n++] = IR_FI64("tgid", ss.tgid);
		if (ss.have & IR_ST_UID) {
			f[n++] = IR_FU64("uid", ss.uid[0]);
			f[n++] = IR_FU64("euid", ss.uid[1]);
			f[n++] = IR_FU64("suid", ss.uid[2]);
			f[n++] = IR_FU64("fsuid", ss.uid[3]);
		}
		if (ss.have & IR_ST_GID) {
			f[n++] = IR_FU64("gid", ss.gid[0]);
			f[n++] = IR_FU64("egid", ss.gid[1]);
			f[n++] = IR_FU64("sgid", ss.gid[2]);
			f[n++] = IR_FU64("fsgid", ss.gid[3]);
		}
		if (ss.have & IR_ST_TRACER)
			f[n++] = IR_FI64("tracer_pid", ss.tracer_pid);
		if (ss.have & IR_ST_CAPEFF) {
			hexfield(capinh, sizeof(capinh), ss.cap_inh);
			hexfield(capprm, sizeof(capprm), ss.cap_prm);
			hexfield(capeff, sizeof(capeff), ss.cap_eff);
			hexfield(capbnd, sizeof(capbnd), ss.cap_bnd);
			hexfield(capamb, sizeof(capamb), ss.cap_amb);
			f[n++] = IR_FSTR("cap_inh", capinh);
			f[n++] = IR_FSTR("cap_prm", capprm);
			f[n++] = IR_FSTR("cap_eff", capeff);
			f[n++] = IR_FSTR("cap_bnd", capbnd);
			f[n++] = IR_FSTR("cap_amb", capamb);
		}
		if (ss.have & IR_ST_SECCOMP)
			f[n++] = IR_FI64("seccomp", ss.seccomp);
		if (ss.have & IR_ST_NNP)
			f[n++] = IR_FBOOL("no_new_privs", ss.no_new_privs);
		if (ss.nnspid > 1) {
			f[n++] = IR_FI64("ns_pid", ss.nspid[ss.nnspid - 1]);
		}
	}

	if (!kthread) {
		/* The executable, through the kernel's own handle. */
		(void)snprintf(path, sizeof(path), "%s/exe", dir);
		exe = live_readlink(l->proc_fd, path, &exelen);
		if (exe == NULL && (errno == EACCES || errno == EPERM))
			denied(ps, pid, "exe");
		if (exe != NULL) {
			deleted = ends_with(exe, exelen, DELETED);
			exebase = deleted ? exelen - strlen(DELETED) : exelen;
			f[n++] = IR_FBYTES("exe", exe, exebase);
			f[n++] = IR_FBOOL("exe_deleted", deleted);
			efd = openat(l->proc_fd, path, O_RDONLY | O_CLOEXEC);
			gone = efd < 0 && (errno == ENOENT || errno == ESRCH);
			if (efd < 0)
				(void)snprintf(exeerr, sizeof(exeerr),
				    "cannot open /proc/%s: %s", path,
				    strerror(errno));
			else {
				char name[32];

				(void)snprintf(name, sizeof(name), "%d-exe",
				    (int)pid);
				x = exe_identify(l, efd, name, exeerr,
				    sizeof(exeerr));
				/*
				 * Replaced: the path now names another file
				 * (seen from the process's own root).
				 */
				if (!deleted && exe[0] == '/' &&
				    fstat(efd, &est) == 0) {
					char *rp;

					if (asprintf(&rp, "%s/root%.*s", dir,
					    (int)exebase, exe) >= 0) {
						if (fstatat(l->proc_fd, rp, &pst,
						    AT_SYMLINK_NOFOLLOW) == 0)
							replaced =
							    pst.st_dev !=
							    est.st_dev ||
							    pst.st_ino !=
							    est.st_ino;
						free(rp);
					}
				}
				(void)close(efd);
			}
			if (replaced >= 0)
				f[n++] = IR_FBOOL("exe_replaced", replaced);
			if (x != NULL) {
				struct ir_time mt = { x->mtime,
				    (int32_t)x->mtime_ns, 1 };
				struct ir_time ct = { x->ctime,
				    (int32_t)x->ctime_ns, 1 };

				f[n++] = IR_FU64("exe_size", x->size);
				f[n++] = IR_FU64("exe_inode", x->ino);
				f[n++] = IR_FTIME("exe_mtime", mt);
				f[n++] = IR_FTIME("exe_ctime", ct);
				f[n++] = IR_FSTR("sha256", x->sha256);
				if (x->saved != NULL)
					f[n++] = IR_FSTR("saved", x->saved);
			} else if (!gone) {
				/* Exited meanwhile: nothing to say. */
				f[n++] = IR_FSTR("exe_error", exeerr);
				live_problem(l, "executable", exe, exeerr);
			}
		}

		/* The command line, as the process left it. */
		(void)snprintf(path, sizeof(path), "%s/cmdline", dir);
		if (live_readat(l->proc_fd, path, &ps->b, BIG, &e) == IR_OK) {
			ir_buf_reset(&ps->js);
			if (live_json_strings(&ps->js, ps->b.buf, ps->b.len,
			    &lossy, &e) == IR_OK &&
			    (argv_js = strdup(ps->js.buf)) != NULL)
				f[n++] = IR_FRAW("argv", argv_js);
			if (lossy && (argv_hex = malloc(ps->b.len * 2 + 1)) !=
			    NULL) {
				ir_hex(argv_hex, ps->b.buf, ps->b.len);
				f[n++] = IR_FSTR("argv_hex", argv_hex);
			}
		} else if (e.code == IR_ELIMIT)
			live_problem(l, "command line", path, e.msg);

		(void)snprintf(path, sizeof(path), "%s/cwd", dir);
		if ((cwd = live_readlink(l->proc_fd, path, &cwdlen)) != NULL)
			f[n++] = IR_FBYTES("cwd", cwd, cwdlen);
		(void)snprintf(path, sizeof(path), "%s/root", dir);
		if ((root = live_readlink(l->proc_fd, path, &rootlen)) != NULL)
			f[n++] = IR_FBYTES("root", root, rootlen);

		/* The environment: read for LD_PRELOAD, written if asked. */
		(void)snprintf(path, sizeof(path), "%s/environ", dir);
		if (live_readat(l->proc_fd, path, &ps->env, BIG, &e) ==
		    IR_OK) {
			(void)ir_environ_get(ps->env.buf, ps->env.len,
			    "LD_PRELOAD", &preload, &preloadlen);
			if (l->env) {
				ir_buf_reset(&ps->js);
				if (live_json_strings(&ps->js, ps->env.buf,
				    ps->env.len, &lossy, &e) == IR_OK &&
				    (env_js = strdup(ps->js.buf)) != NULL)
					f[n++] = IR_FRAW("environ", env_js);
				if (lossy && (env_hex = malloc(ps->env.len *
				    2 + 1)) != NULL) {
					ir_hex(env_hex, ps->env.buf,
					    ps->env.len);
					f[n++] = IR_FSTR("environ_hex",
					    env_hex);
				}
			}
		} else {
			ir_buf_reset(&ps->env);
			if (e.code != IR_ENOENT && (e.sys_errno == EACCES ||
			    e.sys_errno == EPERM))
				denied(ps, pid, "environ");
			else if (e.code != IR_ENOENT)
				live_problem(l, "environment", path, e.msg);
		}
		if (preload != NULL)
			f[n++] = IR_FBYTES("ld_preload", preload, preloadlen);
	}

	ns_json(l, dir, &nsb, &netns);
	if (nsb.len > 2)
		f[n++] = IR_FRAW("ns", nsb.buf);
	lp.netns = netns;

	(void)snprintf(path, sizeof(path), "%s/cgroup", dir);
	if (live_readat(l->proc_fd, path, &ps->b, SMALL, &e) == IR_OK &&
	    ir_cgroup_parse(ps->b.buf, ps->b.len, &cg, &ncg, &e) == IR_OK) {
		for (i = 0; i < ncg; i++)
			if (cg[i].hier == 0 && cg[i].controllers[0] == '\0') {
				f[n++] = IR_FSTR("cgroup", cg[i].path);
				break;
			}
		if (ncg > 1 || (ncg == 1 && cg[0].hier != 0)) {
			struct ir_buf cb = IR_BUF_INIT(SMALL);

			(void)ir_buf_addch(&cb, '[', &e);
			for (i = 0; i < ncg; i++) {
				char *one;

				if (asprintf(&one, "%" PRIu32 ":%s:%s",
				    cg[i].hier, cg[i].controllers,
				    cg[i].path) < 0)
					continue;
				if (i > 0)
					(void)ir_buf_addch(&cb, ',', &e);
				(void)ir_json_quote(&cb, one, strlen(one), &e);
				free(one);
			}
			(void)ir_buf_addch(&cb, ']', &e);
			cgv1 = ir_buf_detach(&cb, NULL);
			f[n++] = IR_FRAW("cgroups", cgv1);
		}
	}
	(void)snprintf(path, sizeof(path), "%s/loginuid", dir);
	if (live_readat(l->proc_fd, path, &ps->b, 64, &e) == IR_OK)
		loginuid = strtoull(ps->b.buf, NULL, 10);
	if (loginuid != UINT32_MAX)
		f[n++] = IR_FU64("loginuid", loginuid);
	(void)snprintf(path, sizeof(path), "%s/sessionid", dir);
	if (live_readat(l->proc_fd, path, &ps->b, 64, &e) == IR_OK)
		sessionid = strtoull(ps->b.buf, NULL, 10);
	if (sessionid != UINT32_MAX)
		f[n++] = IR_FU64("audit_session", sessionid);

	(void)live_emit(l, f, n);
	add_proc(l, &lp);

	/* Findings about this process, each with its evidence. */
	nev = 0;
	ev[nev++] = IR_FI64("pid", pid);
	if (lp.comm[0] != '\0')
		ev[nev++] = IR_FSTR("comm", lp.comm);
	if (exe != NULL)
		ev[nev++] = IR_FBYTES("exe", exe, deleted ? exelen -
		    strlen(DELETED) : exelen);
	if (x != NULL)
		ev[nev++] = IR_FSTR("sha256", x->sha256);
	if (x != NULL && x->saved != NULL)
		ev[nev++] = IR_FSTR("saved", x->saved);
	if (hidden != NULL) {
		size_t m = nev;

		(void)snprintf(detail, sizeof(detail), "pid %d is %s",
		    (int)pid, hidden);
		ev[m++] = IR_FSTR("how", cov != NULL ? "mount" : "unlisted");
		if (cov != NULL) {
			ev[m++] = IR_FSTR("mount_point", cov->point);
			ev[m++] = IR_FSTR("fstype", cov->fstype);
			ev[m++] = IR_FSTR("mount_source", cov->source);
			ev[m++] = IR_FU64("mount_id", cov->mount_id);
		}
		live_finding(l, "hidden-pid", detail, ev, m);
	}
	if (exe != NULL && deleted) {
		(void)snprintf(detail, sizeof(detail), "process %d (%s) runs "
		    "a deleted executable%s", (int)pid, lp.comm,
		    strncmp(exe, "/memfd:", 7) == 0 ? " (a memfd: never on "
		    "disk)" : "");
		live_finding(l, "deleted-exe", detail, ev, nev);
	}
	if (replaced == 1) {
		(void)snprintf(detail, sizeof(detail), "process %d (%s) runs "
		    "an executable whose path now names another file (replaced "
		    "on disk, or hidden by a mount over it)", (int)pid,
		    lp.comm);
		live_finding(l, "replaced-exe", detail, ev, nev);
	}
	if (exe != NULL && under_tmp(exe, exelen)) {
		(void)snprintf(detail, sizeof(detail), "process %d (%s) runs "
		    "an executable from a world-writable temporary directory",
		    (int)pid, lp.comm);
		live_finding(l, "exe-in-tmp", detail, ev, nev);
	}
	if (preload != NULL && preloadlen > 0) {
		size_t m = nev;

		ev[m++] = IR_FBYTES("ld_preload", preload, preloadlen);
		(void)snprintf(detail, sizeof(detail), "process %d (%s) has "
		    "LD_PRELOAD in its environment: libraries loaded into "
		    "every program it starts", (int)pid, lp.comm);
		live_finding(l, "ld-preload", detail, ev, m);
	}

	if (!kthread && !l->failed)
		open_files(ps, pid, dir, lp.comm);

	ir_cgroups_free(cg, ncg);
	ir_buf_release(&nsb);
	free(exe);
	free(cwd);
	free(root);
	free(argv_hex);
	free(env_hex);
	free(argv_js);
	free(env_js);
	free(cgv1);
}

/*
 * Is pid in a listing made now (once, when first asked)?  A pid that
 * answered the probe, exited and was reused by a new process after the
 * second listing is not hidden.
 */
static int
relisted(struct live *l, uint8_t **third, long pid_max, long pid)
{
	if (*third == NULL) {
		if ((*third = calloc(1, (size_t)pid_max / 8 + 1)) == NULL)
			tool_die(IR_EXIT_INCOMPLETE, "out of memory");
		if (list_pids(l, *third, pid_max) < 0)
			return 0;
	}
	return BIT_ISSET(*third, pid);
}

void
live_processes(struct live *l)
{
	struct pass ps;
	struct ir_buf b = IR_BUF_INIT(64);
	struct ir_err e;
	struct ir_pstatus ss;
	uint8_t *listed, *probed, *again, *third = NULL;
	const struct live_cover *cov;
	char path[64], msg[256];
	long pid_max = 4194304, pid;
	size_t bytes;
	int nlisted;

	memset(&ps, 0, sizeof(ps));
	ps.l = l;
	ir_buf_init(&ps.b, SMALL);
	ir_buf_init(&ps.env, BIG);
	ir_buf_init(&ps.js, IR_BUF_NOLIMIT);

	if (live_readat(l->proc_fd, "sys/kernel/pid_max", &b, 64, &e) ==
	    IR_OK) {
		pid_max = strtol(b.buf, NULL, 10);
		if (pid_max <= 0 || pid_max > 4194304)
			pid_max = 4194304;
	} else
		live_problem(l, "pid_max", "/proc/sys/kernel/pid_max", e.msg);
	ir_buf_release(&b);
	bytes = (size_t)pid_max / 8 + 1;
	if ((listed = calloc(1, bytes)) == NULL ||
	    (probed = calloc(1, bytes)) == NULL ||
	    (again = calloc(1, bytes)) == NULL)
		tool_die(IR_EXIT_INCOMPLETE, "out of memory");

	/* Listing, probe, listing again: what starts meanwhile is listed. */
	if ((nlisted = list_pids(l, listed, pid_max)) < 0)
		live_problem(l, "processes", "/proc", strerror(errno));
	if (l->probe)
		probe_all(probed, pid_max);
	if (list_pids(l, again, pid_max) < 0)
		live_problem(l, "processes", "/proc", strerror(errno));

	uncover(l);

	for (pid = 1; pid < pid_max && !l->failed && !tool_stop; pid++) {
		int in_list = BIT_ISSET(listed, pid) || BIT_ISSET(again, pid);

		if (in_list) {
			cov = covered(l, (pid_t)pid);
			one_process(&ps, (pid_t)pid, 1, cov != NULL ?
			    "hidden under a mount on its /proc directory" :
			    NULL, cov);
			continue;
		}
		if (!l->probe || !BIT_ISSET(probed, pid))
			continue;
		/* Answers but is not listed: a thread, or hidden. */
		(void)snprintf(path, sizeof(path), "%ld/status", pid);
		if (live_readat(l->proc_fd, path, &ps.b, SMALL, &e) == IR_OK &&
		    ir_pstatus_parse(ps.b.buf, ps.b.len, &ss, &e) == IR_OK &&
		    (ss.have & IR_ST_TGID)) {
			if (ss.tgid != pid)
				continue;	/* a thread */
			if (relisted(l, &third, pid_max, pid))
				continue;	/* its pid reused meanwhile */
			one_process(&ps, (pid_t)pid, 0,
			    "missing from the /proc listing", NULL);
			continue;
		}
		if (!alive((pid_t)pid) || relisted(l, &third, pid_max, pid))
			continue;		/* gone meanwhile, or new */
		/* Alive, yet /proc/PID cannot be looked up either. */
		{
			struct ir_field ev[2];

			(void)snprintf(msg, sizeof(msg), "pid %ld answers "
			    "kill(2) but has no /proc entry at all", pid);
			ev[0] = IR_FI64("pid", pid);
			ev[1] = IR_FSTR("how", "no-proc-entry");
			live_finding(l, "hidden-pid", msg, ev, 2);
		}
	}
	if (ps.denied.n > 0) {
		(void)snprintf(msg, sizeof(msg), "%lu item%s not readable "
		    "(first: the %s of pid %d): permission denied%s",
		    ps.denied.n, ps.denied.n == 1 ? "" : "s",
		    ps.denied.what, (int)ps.denied.first, geteuid() == 0 ?
		    " even to root (a protected process, a security module's "
		    "policy, or a ptrace restriction)" : "; run as root");
		live_problem(l, "processes", "/proc", msg);
	}
	(void)nlisted;
	if (l->nprocs > 1)
		qsort(l->procs, l->nprocs, sizeof(*l->procs), proccmp);
	if (l->nowners > 1)
		qsort(l->owners, l->nowners, sizeof(*l->owners), ownercmp);
	free(listed);
	free(probed);
	free(again);
	free(third);
	ir_buf_release(&ps.b);
	ir_buf_release(&ps.env);
	ir_buf_release(&ps.js);
}
