/*
 * procmem: a process's memory read by irkit itself.  The regions come from
 * /proc/PID/maps, the bytes from /proc/PID/mem (pread at the virtual
 * address), which the kernel lets a reader open under the ptrace access
 * mode (same user and no Yama restriction, or CAP_SYS_PTRACE).  The mem
 * fd stays bound to the address space it was opened on: once the process
 * exits or execs, reads return 0, so a reused pid can never hand us
 * another process's bytes.
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ir/buf.h"
#include "ir/error.h"
#include "ir/io.h"
#include "ir/procmem.h"

/* A maps file of a process with a million regions is ~100 MiB. */
#define MAPS_MAX	((size_t)256 << 20)
#define STAT_MAX	((size_t)64 << 10)
#define EXE_MAX		((size_t)64 << 10)

struct ir_proc {
	pid_t		 pid;
	int		 dirfd;		/* /proc/PID: lookups fail once it is gone */
	int		 memfd;
	uint64_t	 start;
	char		*comm;
	char		*exe;
	struct ir_region *r;
	size_t		 nr;
	size_t		 pagesz;
};

/* Lower-case hex, as the kernel prints it: mind to maxd digits. */
static int
hexfield(const char *p, size_t len, size_t *j, size_t mind, size_t maxd,
    uint64_t *v)
{
	size_t k;
	int d;

	*v = 0;
	for (k = *j; k < len; k++) {
		if (p[k] >= '0' && p[k] <= '9')
			d = p[k] - '0';
		else if (p[k] >= 'a' && p[k] <= 'f')
			d = p[k] - 'a' + 10;
		else
			break;
		if (k - *j == maxd)
			return -1;
		*v = *v << 4 | (uint64_t)d;
	}
	if (k - *j < mind)
		return -1;
	*j = k;
	return 0;
}

static int
decfield(const char *p, size_t len, size_t *j, uint64_t *v)
{
	size_t k;
	unsigned d;

	*v = 0;
	for (k = *j; k < len && p[k] >= '0' && p[k] <= '9'; k++) {
		d = (unsigned)(p[k] - '0');
		if (*v > (UINT64_MAX - d) / 10)
			return -1;
		*v = *v * 10 + d;
	}
	if (k == *j)
		return -1;
	*j = k;
	return 0;
}

static int
sep(const char *p, size_t len, size_t *j, char c)
{
	if (*j >= len || p[*j] != c)
		return -1;
	(*j)++;
	return 0;
}

/*
 * One maps line, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu " then, when
 * there is one, the name after padding spaces (the kernel escapes a
 * newline in a path; spaces and " (deleted)" stay).  Returns NULL when
 * fine, else what is wrong.
 */
static const char *
maps_line(const char *p, size_t len, struct ir_region *r, size_t *pathoff)
{
	static const char allowed[4][3] = { "r-", "w-", "x-", "ps" };
	uint64_t maj, min;
	size_t j = 0, i;

	if (memchr(p, '\0', len) != NULL)
		return "a NUL byte";
	if (hexfield(p, len, &j, 1, 16, &r->start) == -1 ||
	    sep(p, len, &j, '-') == -1 ||
	    hexfield(p, len, &j, 1, 16, &r->end) == -1 ||
	    sep(p, len, &j, ' ') == -1)
		return "not \"start-end perms offset dev inode [path]\"";
	if (r->start >= r->end)
		return "the region does not end above its start";
	if (len - j < 5 || p[j + 4] != ' ')
		return "permissions are not 4 characters";
	for (i = 0; i < 4; i++)
		if (strchr(allowed[i], p[j + i]) == NULL || p[j + i] == '\0')
			return "permissions are not [r-][w-][x-][ps]";
	memcpy(r->perms, p + j, 4);
	r->perms[4] = '\0';
	j += 5;
	if (hexfield(p, len, &j, 1, 16, &r->offset) == -1 ||
	    sep(p, len, &j, ' ') == -1)
		return "bad offset";
	i = j;
	/* MAJOR is 12 bits, MINOR 20: "%02x:%02x" prints 2-3 and 2-5. */
	if (hexfield(p, len, &j, 2, 3, &maj) == -1 ||
	    sep(p, len, &j, ':') == -1 ||
	    hexfield(p, len, &j, 2, 5, &min) == -1)
		return "bad device";
	memcpy(r->dev, p + i, j - i);
	r->dev[j - i] = '\0';
	if (sep(p, len, &j, ' ') == -1 || decfield(p, len, &j, &r->inode) == -1)
		return "bad inode";
	if (j < len && p[j] != ' ')
		return "bad inode";
	while (j < len && p[j] == ' ')
		j++;
	*pathoff = j;
	return NULL;
}

void
ir_regions_free(struct ir_region *r, size_t n)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < n; i++)
		free((char *)r[i].path);
	free(r);
}

int
ir_maps_parse(const char *buf, size_t n, struct ir_region **rp, size_t *nrp,
    struct ir_err *e)
{
	struct ir_region *r = NULL, *nr;
	const char *why;
	char *path;
	size_t i, eol, line, cnt = 0, alloc = 0, na, po;
	int rc;

	*rp = NULL;
	*nrp = 0;
	for (i = 0, line = 1; i < n; i = eol + 1, line++) {
		for (eol = i; eol < n && buf[eol] != '\n'; eol++)
			;
		if (cnt == alloc) {
			na = alloc ? alloc * 2 : 64;
			if (na > SIZE_MAX / sizeof(*r) ||
			    (nr = realloc(r, na * sizeof(*r))) == NULL) {
				rc = ir_err_set(e, IR_ENOMEM, 0, "out of memory");
				goto fail;
			}
			r = nr;
			alloc = na;
		}
		memset(&r[cnt], 0, sizeof(r[cnt]));
		if ((why = maps_line(buf + i, eol - i, &r[cnt], &po)) != NULL) {
			rc = ir_err_set(e, IR_EFORMAT, 0, "maps line %zu: %s",
			    line, why);
			goto fail;
		}
		if ((path = strndup(buf + i + po, eol - i - po)) == NULL) {
			rc = ir_err_set(e, IR_ENOMEM, 0, "out of memory");
			goto fail;
		}
		r[cnt].path = path;
		r[cnt].devmap = -1;
		cnt++;
	}
	if (cnt == 0) {
		free(r);
		r = NULL;
	}
	*rp = r;
	*nrp = cnt;
	return IR_OK;
fail:
	ir_regions_free(r, cnt);
	return rc;
}

int
ir_region_scannable(const struct ir_region *r)
{
	static const char *const special[] = {
		"[vvar]", "[vvar_vclock]", "[vsyscall]", "[uprobes]",
	};
	size_t i;

	if (r->perms[0] != 'r' || r->end > (uint64_t)INT64_MAX)
		return 0;
	for (i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if (strcmp(r->path, special[i]) == 0)
			return 0;
	if (r->devmap != -1)
		return !r->devmap;
	/* Shared anonymous memory shows as /dev/zero (deleted). */
	if (strncmp(r->path, "/dev/", 5) != 0 ||
	    strncmp(r->path, "/dev/shm/", 9) == 0 ||
	    strcmp(r->path, "/dev/zero") == 0 ||
	    strcmp(r->path, "/dev/zero (deleted)") == 0)
		return 1;
	return 0;
}

/* An errno from /proc/PID/... as an error for pid; "what" is the file. */
static int
proc_errno(struct ir_err *e, pid_t pid, const char *what, int err)
{
	if (err == ENOENT || err == ESRCH)
		return ir_err_set(e, IR_ENOENT, 0, "process %d is gone", (int)pid);
	if (err == EACCES || err == EPERM)
		return ir_err_set(e, IR_EIO, err, "process %d: cannot open "
		    "%s: ptrace access denied (another user's process, Yama "
		    "ptrace_scope, or it is not dumpable: needs root or "
		    "CAP_SYS_PTRACE)", (int)pid, what);
	return ir_err_set(e, IR_EIO, err, "process %d: cannot read %s",
	    (int)pid, what);
}

/* Read dirfd/name (a /proc file) into b; errno-shaped failures to e. */
static int
proc_file(int dirfd, pid_t pid, const char *name, struct ir_buf *b,
    struct ir_err *e)
{
	int fd, rc;

	if ((fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC)) < 0)
		return proc_errno(e, pid, name, errno);
	rc = ir_read_fd(fd, name, b, e);
	(void)close(fd);
	if (rc == IR_EIO && e != NULL)
		rc = proc_errno(e, pid, name, e->sys_errno);
	return rc;
}

/*
 * The comm and start time of a stat line.  The comm is in parentheses and
 * may hold ')' and spaces: the fields follow the last ')'.
 */
static int
stat_parse(const char *s, size_t n, char **comm, uint64_t *start)
{
	const char *lp, *rp, *p, *end = s + n;
	size_t j, len;
	int field;

	if ((lp = memchr(s, '(', n)) == NULL || (rp = memrchr(s, ')', n)) ==
	    NULL || rp < lp)
		return -1;
	/* After ')': " S ppid ...", field 3 onwards; 22 is the start time. */
	for (p = rp + 1, field = 2; field < 22; field++) {
		if (p >= end || *p != ' ')
			return -1;
		p++;
		if (field + 1 < 22)
			while (p < end && *p != ' ')
				p++;
	}
	len = (size_t)(end - p);
	j = 0;
	if (decfield(p, len, &j, start) == -1 || (j < len && p[j] != ' ' &&
	    p[j] != '\n'))
		return -1;
	if (comm != NULL &&
	    (*comm = strndup(lp + 1, (size_t)(rp - lp - 1))) == NULL)
		return -2;
	return 0;
}

static int
read_stat(int dirfd, pid_t pid, char **comm, uint64_t *start,
    struct ir_err *e)
{
	struct ir_buf b = IR_BUF_INIT(STAT_MAX);
	int rc;

	if ((rc = proc_file(dirfd, pid, "stat", &b, e)) != IR_OK)
		goto out;
	switch (stat_parse(b.buf, b.len, comm, start)) {
	case 0:
		break;
	case -2:
		rc = ir_err_set(e, IR_ENOMEM, 0, "out of memory");
		break;
	default:
		/* An exiting task can show an empty stat. */
		rc = b.len == 0 ? ir_err_set(e, IR_ENOENT, 0,
		    "process %d is gone", (int)pid) : ir_err_set(e, IR_EFORMAT,
		    0, "process %d: stat: no start time", (int)pid);
	}
out:
	ir_buf_release(&b);
	return rc;
}

static int
read_exe(struct ir_proc *p, struct ir_err *e)
{
	ssize_t len;
	size_t sz;
	char *s;

	for (sz = 256; sz <= EXE_MAX; sz *= 2) {
		if ((s = malloc(sz)) == NULL)
			return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
		/* Kernel threads and processes we may not see have none. */
		if ((len = readlinkat(p->dirfd, "exe", s, sz)) < 0)
			len = 0;
		if ((size_t)len < sz) {
			s[len] = '\0';
			p->exe = s;
			return IR_OK;
		}
		free(s);
	}
	if ((p->exe = strdup("")) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	return IR_OK;
}

/*
 * Which file-backed regions are a device's: the mapped file itself, seen
 * through map_files (CAP_SYS_ADMIN), whatever its path says.  Private
 * mappings of /dev/zero are plain anonymous memory.
 */
static void
mark_devices(struct ir_proc *p)
{
	struct stat st;
	char name[64];
	size_t i;

	for (i = 0; i < p->nr; i++) {
		if (p->r[i].inode == 0 || p->r[i].perms[0] != 'r')
			continue;
		(void)snprintf(name, sizeof(name), "map_files/%llx-%llx",
		    (unsigned long long)p->r[i].start,
		    (unsigned long long)p->r[i].end);
		if (fstatat(p->dirfd, name, &st, 0) != 0)
			continue;
		p->r[i].devmap = (S_ISCHR(st.st_mode) &&
		    st.st_rdev != makedev(1, 5)) || S_ISBLK(st.st_mode);
	}
}

int
ir_proc_open(struct ir_proc **pp, pid_t pid, struct ir_err *e)
{
	struct ir_buf maps = IR_BUF_INIT(MAPS_MAX);
	struct ir_proc *p;
	char dir[32];
	long pg;
	int rc;

	*pp = NULL;
	if (pid <= 0)
		return ir_err_set(e, IR_EINVAL, 0, "bad pid %d", (int)pid);
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	p->pid = pid;
	p->memfd = -1;
	pg = sysconf(_SC_PAGESIZE);
	p->pagesz = pg > 0 ? (size_t)pg : 4096;
	(void)snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
	if ((p->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		rc = proc_errno(e, pid, dir, errno);
		goto fail;
	}
	if ((rc = read_stat(p->dirfd, pid, &p->comm, &p->start, e)) != IR_OK)
		goto fail;
	/* mem needs more (ptrace attach mode) than maps: its error first. */
	if ((p->memfd = openat(p->dirfd, "mem", O_RDONLY | O_CLOEXEC)) < 0) {
		/*
		 * ESRCH for a process that is still there: it has no address
		 * space (a kernel thread, a zombie).  No regions, then.
		 */
		if (errno != ESRCH || !ir_proc_same(p)) {
			rc = proc_errno(e, pid, "mem", errno);
			goto fail;
		}
	}
	if ((rc = proc_file(p->dirfd, pid, "maps", &maps, e)) != IR_OK)
		goto fail;
	if ((rc = ir_maps_parse(maps.buf, maps.len, &p->r, &p->nr, e)) !=
	    IR_OK) {
		(void)ir_err_prefix(e, "process %d", (int)pid);
		goto fail;
	}
	ir_buf_release(&maps);
	mark_devices(p);
	if ((rc = read_exe(p, e)) != IR_OK)
		goto fail;
	*pp = p;
	return IR_OK;
fail:
	ir_buf_release(&maps);
	ir_proc_close(p);
	return rc;
}

void
ir_proc_close(struct ir_proc *p)
{
	if (p == NULL)
		return;
	if (p->memfd >= 0)
		(void)close(p->memfd);
	if (p->dirfd >= 0)
		(void)close(p->dirfd);
	ir_regions_free(p->r, p->nr);
	free(p->comm);
	free(p->exe);
	free(p);
}

const struct ir_region *
ir_proc_regions(const struct ir_proc *p, size_t *n)
{
	*n = p->nr;
	return p->r;
}

const char *
ir_proc_exe(const struct ir_proc *p)
{
	return p->exe;
}

const char *
ir_proc_comm(const struct ir_proc *p)
{
	return p->comm;
}

pid_t
ir_proc_pid(const struct ir_proc *p)
{
	return p->pid;
}

uint64_t
ir_proc_start_time(const struct ir_proc *p)
{
	return p->start;
}

int
ir_proc_read(struct ir_proc *p, uint64_t addr, void *buf, size_t n,
    size_t *got, uint64_t *holes, struct ir_err *e)
{
	unsigned char *b = buf;
	uint64_t at, hole = 0;
	size_t done = 0, step;
	ssize_t r;
	int rc = IR_OK;

	*got = 0;
	if (holes != NULL)
		*holes = 0;
	if (addr > (uint64_t)INT64_MAX || n > (uint64_t)INT64_MAX - addr)
		return ir_err_set(e, IR_EINVAL, 0, "process %d: address "
		    "0x%llx+%zu is past what pread reaches", (int)p->pid,
		    (unsigned long long)addr, n);
	if (p->memfd < 0)
		return ir_err_set(e, IR_ENOENT, 0, "process %d has no memory "
		    "(a kernel thread or a zombie)", (int)p->pid);
	while (done < n) {
		at = addr + done;
		r = pread(p->memfd, b + done, n - done, (off_t)at);
		if (r > 0) {
			done += (size_t)r;
			continue;
		}
		/* 0: the address space we opened is gone (exit or exec). */
		if (r == 0 || errno == ESRCH || errno == ENOENT) {
			rc = ir_err_set(e, IR_ENOENT, 0, "process %d is gone",
			    (int)p->pid);
			break;
		}
		if (errno == EINTR)
			continue;
		if (errno != EIO && errno != EFAULT) {
			rc = ir_err_set(e, IR_EIO, errno, "process %d: cannot "
			    "read memory at 0x%llx", (int)p->pid,
			    (unsigned long long)at);
			break;
		}
		/*
		 * This page cannot be read (unmapped since maps was read,
		 * past the end of a mapped file, a VM_IO mapping): zeros, and
		 * the rest is tried again in one read.
		 */
		step = p->pagesz - (size_t)(at % p->pagesz);
		if (step > n - done)
			step = n - done;
		memset(b + done, 0, step);
		done += step;
		hole += step;
	}
	*got = done;
	if (holes != NULL)
		*holes = hole;
	return rc;
}

int
ir_proc_same(const struct ir_proc *p)
{
	uint64_t start;

	/* dirfd names the process opened: a new one with its pid is not it. */
	if (read_stat(p->dirfd, p->pid, NULL, &start, NULL) != IR_OK)
		return 0;
	return start == p->start;
}

static int
cmp_pid(const void *x, const void *y)
{
	pid_t a = *(const pid_t *)x, b = *(const pid_t *)y;

	return a < b ? -1 : a > b;
}

int
ir_proc_list(pid_t **pidsp, size_t *np, struct ir_err *e)
{
	struct dirent *d;
	pid_t *pids = NULL, *np2;
	size_t n = 0, alloc = 0, na;
	uint64_t v;
	size_t j;
	DIR *dp;
	int rc = IR_OK;

	*pidsp = NULL;
	*np = 0;
	if ((dp = opendir("/proc")) == NULL)
		return ir_err_set(e, IR_EIO, errno, "cannot open /proc");
	for (;;) {
		errno = 0;
		if ((d = readdir(dp)) == NULL) {
			if (errno != 0)
				rc = ir_err_set(e, IR_EIO, errno,
				    "cannot read /proc");
			break;
		}
		j = 0;
		if (d->d_name[0] == '0' || decfield(d->d_name,
		    strlen(d->d_name), &j, &v) == -1 || d->d_name[j] != '\0' ||
		    v > INT_MAX)
			continue;
		if (n == alloc) {
			na = alloc ? alloc * 2 : 256;
			if ((np2 = reallocarray(pids, na, sizeof(*pids))) ==
			    NULL) {
				rc = ir_err_set(e, IR_ENOMEM, 0, "out of memory");
				break;
			}
			pids = np2;
			alloc = na;
		}
		pids[n++] = (pid_t)v;
	}
	(void)closedir(dp);
	if (rc != IR_OK) {
		free(pids);
		return rc;
	}
	qsort(pids, n, sizeof(*pids), cmp_pid);
	*pidsp = pids;
	*np = n;
	return IR_OK;
}
