#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "ir/buf.h"
#include "ir/case.h"
#include "ir/error.h"
#include "ir/hash.h"
#include "ir/io.h"
#include "ir/rec.h"

#define CASE_JSON	"case.json"
#define CUSTODY		"custody.jsonl"
#define MAX_META	(1U << 20)
#define MAX_CUSTODY	(256U << 20)

struct ir_case {
	char		*dir;
	int		 dirfd;
};

static int
add_kv(struct ir_buf *b, const char *key, const char *val, int comma,
    struct ir_err *e)
{
	int rc = IR_OK;

	if (comma)
		rc = ir_buf_addch(b, ',', e);
	if (rc == IR_OK)
		rc = ir_json_quote(b, key, strlen(key), e);
	if (rc == IR_OK)
		rc = ir_buf_addch(b, ':', e);
	if (rc == IR_OK)
		rc = ir_json_quote(b, val, strlen(val), e);
	return rc;
}

/* First line of a small file, trimmed; "" when unreadable. */
static void
first_line(const char *path, char *out, size_t outsz)
{
	struct ir_buf b = IR_BUF_INIT(4096);

	out[0] = '\0';
	if (ir_read_file(AT_FDCWD, path, &b, NULL) == IR_OK) {
		size_t n = strcspn(b.buf, "\n");

		(void)snprintf(out, outsz, "%.*s", (int)n, b.buf);
	}
	ir_buf_release(&b);
}

static int
write_case_json(int dirfd, const char *dir, const struct ir_case_meta *m,
    struct ir_err *e)
{
	struct ir_buf b = IR_BUF_INIT(MAX_META);
	struct utsname u;
	struct timespec bt;
	struct ir_time t = ir_time_now();
	char ts[IR_TIME_STRLEN], mid[128], boot[128];
	const char *id = m->case_id;
	int fd, rc;

	if (id == NULL) {
		id = strrchr(dir, '/') != NULL && strrchr(dir, '/')[1] != '\0' ?
		    strrchr(dir, '/') + 1 : dir;
	}
	if (uname(&u) != 0)
		memset(&u, 0, sizeof(u));
	first_line("/etc/machine-id", mid, sizeof(mid));
	first_line("/proc/sys/kernel/random/boot_id", boot, sizeof(boot));
	(void)clock_gettime(CLOCK_BOOTTIME, &bt);
	rc = ir_buf_addch(&b, '{', e);
	if (rc == IR_OK)
		rc = add_kv(&b, "case_id", id, 0, e);
	if (rc == IR_OK)
		rc = add_kv(&b, "examiner", m->examiner ? m->examiner :
		    "unknown", 1, e);
	if (rc == IR_OK)
		rc = add_kv(&b, "created", ir_time_iso(&t, ts, sizeof(ts)), 1, e);
	if (rc == IR_OK)
		rc = ir_buf_addstr(&b, ",\"host\":{", e);
	if (rc == IR_OK)
		rc = add_kv(&b, "hostname", u.nodename, 0, e);
	if (rc == IR_OK)
		rc = add_kv(&b, "kernel", u.release, 1, e);
	if (rc == IR_OK)
		rc = add_kv(&b, "kernel_version", u.version, 1, e);
	if (rc == IR_OK)
		rc = add_kv(&b, "machine", u.machine, 1, e);
	if (rc == IR_OK)
		rc = add_kv(&b, "machine_id", mid, 1, e);
	if (rc == IR_OK)
		rc = add_kv(&b, "boot_id", boot, 1, e);
	if (rc == IR_OK)
		rc = ir_buf_addf(&b, e, "},\"clock\":{\"realtime\":\"%s\","
		    "\"boottime_s\":%lld.%09ld},", ts, (long long)bt.tv_sec,
		    bt.tv_nsec);
	if (rc == IR_OK)
		rc = ir_buf_addstr(&b, "\"tool\":{", e);
	if (rc == IR_OK)
		rc = add_kv(&b, "name", m->tool ? m->tool : "irkit", 0, e);
	if (rc == IR_OK)
		rc = add_kv(&b, "version", m->version ? m->version : "", 1, e);
	if (rc == IR_OK)
		rc = ir_buf_addstr(&b, "}}\n", e);
	if (rc != IR_OK)
		goto out;
	fd = openat(dirfd, CASE_JSON, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600);
	if (fd < 0) {
		rc = errno == EEXIST ? IR_OK :	/* another tool was first */
		    ir_err_set(e, IR_EIO, errno, "cannot create %s/%s", dir,
		    CASE_JSON);
		goto out;
	}
	if (ir_write_full(fd, b.buf, b.len) < 0 || fsync(fd) != 0)
		rc = ir_err_set(e, IR_EIO, errno, "cannot write %s/%s", dir,
		    CASE_JSON);
	(void)close(fd);
out:
	ir_buf_release(&b);
	return rc;
}

int
ir_case_open(struct ir_case **cp, const char *dir,
    const struct ir_case_meta *m, struct ir_err *e)
{
	struct ir_case *c;
	int rc;

	*cp = NULL;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return ir_err_set(e, IR_EIO, errno, "cannot create case "
		    "directory '%s'", dir);
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->dir = strdup(dir)) == NULL) {
		free(c);
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	}
	c->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->dirfd < 0) {
		rc = ir_err_set(e, IR_EIO, errno, "cannot open case directory "
		    "'%s'", dir);
		goto fail;
	}
	if (faccessat(c->dirfd, CASE_JSON, F_OK, AT_SYMLINK_NOFOLLOW) != 0 &&
	    (rc = write_case_json(c->dirfd, dir, m, e)) != IR_OK)
		goto fail;
	*cp = c;
	return IR_OK;
fail:
	ir_case_close(c);
	return rc;
}

void
ir_case_close(struct ir_case *c)
{
	if (c == NULL)
		return;
	if (c->dirfd >= 0)
		(void)close(c->dirfd);
	free(c->dir);
	free(c);
}

const char *
ir_case_dir(const struct ir_case *c)
{
	return c->dir;
}

int
ir_case_output(struct ir_case *c, const char *tool, const char *ext,
    int *fdp, char **relpath, struct ir_err *e)
{
	struct ir_time t = ir_time_now();
	time_t sec = (time_t)t.sec;
	struct tm tm;
	char stamp[32], name[256];
	int i, fd;

	(void)gmtime_r(&sec, &tm);
	(void)strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	for (i = 1; i < 1000; i++) {
		if (i == 1)
			(void)snprintf(name, sizeof(name), "%s-%s.%s", tool,
			    stamp, ext);
		else
			(void)snprintf(name, sizeof(name), "%s-%s-%d.%s", tool,
			    stamp, i, ext);
		fd = openat(c->dirfd, name, O_WRONLY | O_CREAT | O_EXCL |
		    O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd >= 0) {
			if ((*relpath = strdup(name)) == NULL) {
				(void)close(fd);
				(void)unlinkat(c->dirfd, name, 0);
				return ir_err_set(e, IR_ENOMEM, 0,
				    "out of memory");
			}
			*fdp = fd;
			return IR_OK;
		}
		if (errno != EEXIST)
			return ir_err_set(e, IR_EIO, errno, "cannot create "
			    "%s/%s", c->dir, name);
	}
	return ir_err_set(e, IR_ELIMIT, 0, "too many outputs named %s-%s in "
	    "%s", tool, stamp, c->dir);
}

/*
 * rel must name something inside the case as the custody log will name it:
 * UTF-8 (JSON carries nothing else), relative, no "..".
 */
static int
check_output(const char *rel, struct ir_err *e)
{
	const char *p, *slash;
	size_t n;

	/* A name JSON cannot carry could never be checked again. */
	if (!ir_utf8_valid(rel, strlen(rel)))
		return ir_err_set(e, IR_EINVAL, 0, "output '%s' is not UTF-8: "
		    "the custody log cannot name it", rel);
	if (rel[0] == '\0' || rel[0] == '/')
		return ir_err_set(e, IR_EINVAL, 0, "output '%s' is not a path "
		    "relative to the case", rel);
	for (p = rel; ; p = slash + 1) {
		slash = strchr(p, '/');
		n = slash != NULL ? (size_t)(slash - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return ir_err_set(e, IR_EINVAL, 0, "output '%s' is "
			    "outside the case", rel);
		if (slash == NULL)
			return IR_OK;
	}
}

static int
check_hex(const char *rel, const char *hex, struct ir_err *e)
{
	if (strspn(hex, "0123456789abcdef") != 64 || hex[64] != '\0')
		return ir_err_set(e, IR_EINVAL, 0, "output '%s': the given "
		    "SHA-256 is not 64 lower-case hex digits", rel);
	return IR_OK;
}

/*
 * The directory holding rel's last component (*base), opened a component
 * at a time: a copy's path may be longer than PATH_MAX, and a symlink on
 * the way could lead out of the case.
 */
static int
open_parent(int dirfd, const char *rel, const char **base, struct ir_err *e)
{
	char name[NAME_MAX + 1];
	const char *p, *slash;
	size_t n;
	int fd = dirfd, nfd;

	for (p = rel; (slash = strchr(p, '/')) != NULL; p = slash + 1) {
		if ((n = (size_t)(slash - p)) == 0)
			continue;
		if (n > NAME_MAX) {
			errno = ENAMETOOLONG;
			nfd = -1;
		} else {
			memcpy(name, p, n);
			name[n] = '\0';
			nfd = openat(fd, name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
		}
		if (fd != dirfd)
			(void)close(fd);
		if (nfd < 0)
			return ir_err_set(e, IR_EIO, errno, "cannot open the "
			    "directory of '%s'", rel);
		fd = nfd;
	}
	*base = p;
	return fd != dirfd ? fd : fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
}

/* Only the size of an output whose digest the caller took as it wrote it. */
static int
size_output(int dirfd, const char *rel, uint64_t *size, struct ir_err *e)
{
	struct stat st;
	const char *base;
	int fd, rc = IR_OK;

	if ((fd = open_parent(dirfd, rel, &base, e)) < 0)
		return e != NULL ? e->code : IR_EIO;
	if (fstatat(fd, base, &st, AT_SYMLINK_NOFOLLOW) != 0)
		rc = ir_err_set(e, IR_EIO, errno, "cannot examine '%s'", rel);
	else if (!S_ISREG(st.st_mode))
		rc = ir_err_set(e, IR_EINVAL, 0, "output '%s' is not a "
		    "regular file", rel);
	else
		*size = (uint64_t)st.st_size;
	(void)close(fd);
	return rc;
}

/* SHA-256 and size of a file in the case. */
static int
hash_output(int dirfd, const char *rel, char out[65], uint64_t *size,
    struct ir_err *e)
{
	struct ir_hash *h;
	struct ir_digest d;
	struct stat st;
	const char *base;
	int fd, pfd, rc;

	if ((pfd = open_parent(dirfd, rel, &base, e)) < 0)
		return e != NULL ? e->code : IR_EIO;
	fd = ir_open_evidence(pfd, base, 0, e);
	(void)close(pfd);
	if (fd < 0) {
		if (base != rel)
			ir_err_prefix(e, "%s", rel);
		return e != NULL ? e->code : IR_EIO;
	}
	/* A FIFO would read as empty: it is no output. */
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = ir_err_set(e, IR_EINVAL, 0, "output '%s' is not a "
		    "regular file", rel);
		(void)close(fd);
		return rc;
	}
	rc = ir_hash_new(&h, IR_HASH_BIT(IR_HASH_SHA256), 0, e);
	if (rc == IR_OK) {
		if ((rc = ir_hash_fd(h, fd, &d, e)) == IR_OK) {
			ir_digest_hex(&d, IR_HASH_SHA256, out);
			*size = d.nbytes;
		} else
			ir_err_prefix(e, "%s", rel);
		ir_hash_free(h);
	}
	(void)close(fd);
	return rc;
}

/* The last line of the log (without '\n') and the number of lines. */
static void
last_line(const struct ir_buf *log, const char **p, size_t *n, size_t *count)
{
	size_t i, start = 0, lines = 0;

	for (i = 0; i < log->len; i++)
		if (log->buf[i] == '\n') {
			lines++;
			if (i + 1 < log->len)
				start = i + 1;
		}
	*p = log->buf + start;
	*n = log->len > start ? log->len - start - 1 : 0;
	*count = lines;
}

static int
build_entry(struct ir_buf *b, int dirfd, size_t seq,
    const struct ir_custody_entry *en, const char *prev, struct ir_err *e)
{
	struct ir_time t = ir_time_now();
	char ts[IR_TIME_STRLEN], hex[65];
	const char *rel, *sum;
	uint64_t size;
	size_t i;
	int rc;

	rc = ir_buf_addf(b, e, "{\"seq\":%zu", seq);
	if (rc == IR_OK)
		rc = add_kv(b, "time", ir_time_iso(&t, ts, sizeof(ts)), 1, e);
	if (rc == IR_OK)
		rc = add_kv(b, "tool", en->tool, 1, e);
	if (rc == IR_OK)
		rc = add_kv(b, "version", en->version ? en->version : "", 1, e);
	if (rc == IR_OK)
		rc = ir_buf_addstr(b, ",\"argv\":", e);
	if (rc == IR_OK)
		rc = ir_json_strv(b, en->argv, (size_t)en->argc, e);
	if (rc == IR_OK && en->started.valid)
		rc = add_kv(b, "started", ir_time_iso(&en->started, ts,
		    sizeof(ts)), 1, e);
	if (rc == IR_OK && en->ended.valid)
		rc = add_kv(b, "ended", ir_time_iso(&en->ended, ts, sizeof(ts)),
		    1, e);
	if (rc == IR_OK)
		rc = ir_buf_addf(b, e, ",\"status\":%d,\"complete\":%s,"
		    "\"outputs\":[", en->status, en->complete ? "true" : "false");
	for (i = 0; rc == IR_OK && i < en->noutputs; i++) {
		rel = en->outputs[i];
		sum = en->sha256 != NULL ? en->sha256[i] : NULL;
		if ((rc = check_output(rel, e)) != IR_OK)
			break;
		if (sum != NULL) {
			/* ir_case_verify and ir-pack hash it again. */
			if ((rc = check_hex(rel, sum, e)) != IR_OK ||
			    (rc = size_output(dirfd, rel, &size, e)) != IR_OK)
				break;
		} else if ((rc = hash_output(dirfd, rel, hex, &size, e)) !=
		    IR_OK)
			break;
		else
			sum = hex;
		rc = ir_buf_addstr(b, i > 0 ? ",{" : "{", e);
		if (rc == IR_OK)
			rc = add_kv(b, "path", rel, 0, e);
		if (rc == IR_OK)
			rc = ir_buf_addf(b, e, ",\"size\":%llu",
			    (unsigned long long)size);
		if (rc == IR_OK)
			rc = add_kv(b, "sha256", sum, 1, e);
		if (rc == IR_OK)
			rc = ir_buf_addch(b, '}', e);
	}
	if (rc == IR_OK)
		rc = ir_buf_addch(b, ']', e);
	if (rc == IR_OK)
		rc = add_kv(b, "prev", prev, 1, e);
	if (rc == IR_OK)
		rc = ir_buf_addstr(b, "}\n", e);
	return rc;
}

int
ir_case_log(struct ir_case *c, const struct ir_custody_entry *en,
    struct ir_err *e)
{
	struct ir_buf log = IR_BUF_INIT(MAX_CUSTODY), meta = IR_BUF_INIT(MAX_META);
	/* One entry may name thousands of outputs (ir-cat --all-deleted). */
	struct ir_buf line = IR_BUF_INIT(MAX_CUSTODY);
	const char *last;
	size_t lastn, count;
	char prev[65];
	int fd, rc;

	fd = openat(c->dirfd, CUSTODY, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	if (fd < 0)
		return ir_err_set(e, IR_EIO, errno, "cannot open %s/%s", c->dir,
		    CUSTODY);
	/* Tools of one case may finish together: one writer at a time. */
	if (flock(fd, LOCK_EX) != 0) {
		rc = ir_err_set(e, IR_EIO, errno, "cannot lock %s/%s", c->dir,
		    CUSTODY);
		goto out;
	}
	if ((rc = ir_read_file(c->dirfd, CUSTODY, &log, e)) != IR_OK)
		goto out;
	last_line(&log, &last, &lastn, &count);
	if (count == 0) {
		if ((rc = ir_read_file(c->dirfd, CASE_JSON, &meta, e)) != IR_OK)
			goto out;
		rc = ir_sha256_hex(meta.buf, meta.len, prev, e);
	} else
		rc = ir_sha256_hex(last, lastn, prev, e);
	if (rc != IR_OK)
		goto out;
	if ((rc = build_entry(&line, c->dirfd, count + 1, en, prev, e)) != IR_OK)
		goto out;
	if (ir_write_full(fd, line.buf, line.len) < 0 || fsync(fd) != 0)
		rc = ir_err_set(e, IR_EIO, errno, "cannot append to %s/%s",
		    c->dir, CUSTODY);
out:
	(void)close(fd);		/* also releases the lock */
	ir_buf_release(&log);
	ir_buf_release(&meta);
	ir_buf_release(&line);
	return rc;
}

int
ir_custody_verify_mem(const char *buf, size_t n, const char *case_sha256,
    size_t *nentries, struct ir_err *e)
{
	const char *p = buf, *end = buf + n, *nl;
	char expect[65];
	size_t seq = 0, len;
	json_error_t jerr;
	json_t *o, *v;
	int rc;

	*nentries = 0;
	(void)snprintf(expect, sizeof(expect), "%s", case_sha256);
	while (p < end) {
		seq++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return ir_err_set(e, IR_EFORMAT, 0, "custody entry %zu "
			    "is cut short (no end of line)", seq);
		len = (size_t)(nl - p);
		if ((o = json_loadb(p, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL)
			return ir_err_set(e, IR_EFORMAT, 0, "custody entry %zu: "
			    "%s", seq, jerr.text);
		rc = IR_OK;
		v = json_object_get(o, "seq");
		if (!json_is_integer(v) || (size_t)json_integer_value(v) != seq)
			rc = ir_err_set(e, IR_EFORMAT, 0, "custody entry %zu: "
			    "wrong or missing seq", seq);
		v = json_object_get(o, "prev");
		if (rc == IR_OK && (!json_is_string(v) ||
		    strcmp(json_string_value(v), expect) != 0))
			rc = ir_err_set(e, IR_EFORMAT, 0, "custody entry %zu: "
			    "chain broken (prev does not match the entry "
			    "before it)", seq);
		json_decref(o);
		if (rc != IR_OK)
			return rc;
		if ((rc = ir_sha256_hex(p, len, expect, e)) != IR_OK)
			return rc;
		*nentries = seq;
		p = nl + 1;
	}
	return IR_OK;
}

int
ir_case_verify(const char *dir, size_t *nentries, struct ir_err *e)
{
	struct ir_buf meta = IR_BUF_INIT(MAX_META), log = IR_BUF_INIT(MAX_CUSTODY);
	const char *p, *end, *nl;
	char hex[65], got[65];
	json_t *o, *outs, *it;
	uint64_t size;
	size_t i;
	int dirfd, rc;

	*nentries = 0;
	if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return ir_err_set(e, IR_EIO, errno, "cannot open case '%s'", dir);
	if ((rc = ir_read_file(dirfd, CASE_JSON, &meta, e)) != IR_OK ||
	    (rc = ir_read_file(dirfd, CUSTODY, &log, e)) != IR_OK ||
	    (rc = ir_sha256_hex(meta.buf, meta.len, hex, e)) != IR_OK ||
	    (rc = ir_custody_verify_mem(log.buf, log.len, hex, nentries, e)) !=
	    IR_OK)
		goto out;
	/* The chain holds; now every output must still be what was logged. */
	for (p = log.buf, end = log.buf + log.len; rc == IR_OK && p < end;
	    p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		o = json_loadb(p, (size_t)(nl - p), 0, NULL);
		outs = json_object_get(o, "outputs");
		for (i = 0; rc == IR_OK && i < json_array_size(outs); i++) {
			const char *path, *sum;

			it = json_array_get(outs, i);
			path = json_string_value(json_object_get(it, "path"));
			sum = json_string_value(json_object_get(it, "sha256"));
			if (path == NULL || sum == NULL) {
				rc = ir_err_set(e, IR_EFORMAT, 0, "custody "
				    "output without path or sha256");
				break;
			}
			if ((rc = check_output(path, e)) != IR_OK ||
			    (rc = hash_output(dirfd, path, got, &size, e)) !=
			    IR_OK)
				break;
			if (strcmp(got, sum) != 0)
				rc = ir_err_set(e, IR_EFORMAT, 0, "'%s' was "
				    "altered after it was logged", path);
		}
		json_decref(o);
	}
out:
	(void)close(dirfd);
	ir_buf_release(&meta);
	ir_buf_release(&log);
	return rc;
}
