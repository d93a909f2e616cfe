/*
 * live_rec: how ir-live writes: records, problems (what it could not
 * see), findings (what a responder must look at, with the evidence), and
 * the small readers every part shares.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "live.h"
#include "tool.h"

int
live_emit(struct live *l, const struct ir_field *f, size_t n)
{
	if (l->failed)
		return IR_EIO;
	if (ir_writer_record(l->w, f, n, &l->werr) != IR_OK) {
		l->failed = 1;
		return l->werr.code;
	}
	l->nrecords++;
	return IR_OK;
}

void
live_problem(struct live *l, const char *what, const char *path,
    const char *error)
{
	struct ir_field f[4];
	size_t n = 0;

	l->nproblems++;
	f[n++] = IR_FSTR("type", "problem");
	f[n++] = IR_FSTR("what", what);
	if (path != NULL)
		f[n++] = IR_FSTR("path", path);
	f[n++] = IR_FSTR("error", error);
	(void)live_emit(l, f, n);
}

void
live_finding(struct live *l, const char *reason, const char *detail,
    const struct ir_field *ev, size_t nev)
{
	struct ir_field f[27];
	size_t n = 0, i;

	l->nfindings++;
	f[n++] = IR_FSTR("type", "finding");
	f[n++] = IR_FSTR("reason", reason);
	f[n++] = IR_FSTR("detail", detail);
	for (i = 0; i < nev && i < 24; i++)
		f[n++] = ev[i];
	(void)live_emit(l, f, n);
}

int
live_readat(int dirfd, const char *path, struct ir_buf *b, size_t max,
    struct ir_err *e)
{
	ssize_t r;
	int fd, rc = IR_OK;

	ir_buf_reset(b);
	b->max = max;
	if ((fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return ir_err_set(e, errno == ENOENT || errno == ESRCH ?
		    IR_ENOENT : IR_EIO, errno, "cannot open '%s'", path);
	for (;;) {
		size_t want = b->max - b->len, room;

		if (want > 4096)
			want = 4096;
		if ((rc = ir_buf_grow(b, want > 0 ? want : 1, e)) != IR_OK) {
			ir_err_prefix(e, "%s", path);
			break;
		}
		room = b->alloc - b->len - 1;
		if (room > b->max - b->len)
			room = b->max - b->len;
		r = read(fd, b->buf + b->len, room);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = ir_err_set(e, errno == ESRCH ? IR_ENOENT : IR_EIO,
			    errno, "cannot read '%s'", path);
			break;
		}
		if (r == 0)
			break;
		b->len += (size_t)r;
		b->buf[b->len] = '\0';
	}
	(void)close(fd);
	return rc;
}

char *
live_readlink(int dirfd, const char *path, size_t *len)
{
	size_t sz = 256;
	ssize_t r;
	char *s, *ns;

	if ((s = malloc(sz)) == NULL)
		return NULL;
	for (;;) {
		if ((r = readlinkat(dirfd, path, s, sz)) < 0) {
			free(s);
			return NULL;
		}
		if ((size_t)r < sz)
			break;
		if (sz >= (1U << 20) || (ns = realloc(s, sz * 4)) == NULL) {
			free(s);
			errno = ENAMETOOLONG;
			return NULL;
		}
		s = ns;
		sz *= 4;
	}
	s[r] = '\0';
	*len = (size_t)r;
	return s;
}

const char *
live_path(const struct live *l, const char *abs, char *buf, size_t bufsz)
{
	if (l->root == NULL)
		return abs;
	(void)snprintf(buf, bufsz, "%s%s", l->root, abs);
	return buf;
}

int
live_json_strings(struct ir_buf *b, const char *p, size_t n, int *lossy,
    struct ir_err *e)
{
	size_t off = 0, sl;
	const char *s;
	int first = 1, rc;

	*lossy = 0;
	if ((rc = ir_buf_addch(b, '[', e)) != IR_OK)
		return rc;
	while (ir_nulstr_next(p, n, &off, &s, &sl)) {
		if (!ir_utf8_valid(s, sl))
			*lossy = 1;
		if ((!first && (rc = ir_buf_addch(b, ',', e)) != IR_OK) ||
		    (rc = ir_json_quote(b, s, sl, e)) != IR_OK)
			return rc;
		first = 0;
	}
	return ir_buf_addch(b, ']', e);
}

/* "/etc/../run/x" to "/run/x", in place, as the path names (lexically). */
static void
normalize(char *path)
{
	char out[4096];
	size_t o = 0, n, k;
	const char *p = path, *q;

	while (*p != '\0') {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		q = strchr(p, '/');
		n = q != NULL ? (size_t)(q - p) : strlen(p);
		if (n == 1 && p[0] == '.')
			;
		else if (n == 2 && p[0] == '.' && p[1] == '.') {
			for (k = o; k > 0 && out[k - 1] != '/'; k--)
				;
			o = k > 0 ? k - 1 : 0;
		} else if (o + 1 + n < sizeof(out)) {
			out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		p += n;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	memcpy(path, out, o + 1);
}

int
live_read_host_file(const struct live *l, const char *abs, struct ir_buf *b,
    char *final, size_t finalsz, struct ir_err *e)
{
	char cur[4096], real[4096], *link, *slash;
	size_t ll;
	int hops, rc;

	(void)snprintf(cur, sizeof(cur), "%s", abs);
	for (hops = 0; hops < 8; hops++) {
		const char *p = live_path(l, cur, real, sizeof(real));

		if ((link = live_readlink(AT_FDCWD, p, &ll)) == NULL) {
			if (errno != EINVAL && errno != ENOENT)
				return ir_err_set(e, IR_EIO, errno,
				    "cannot read link '%s'", p);
			(void)snprintf(final, finalsz, "%s", cur);
			if ((rc = ir_read_file(AT_FDCWD, p, b, e)) != IR_OK &&
			    e != NULL && e->sys_errno == ENOENT)
				e->code = rc = IR_ENOENT;
			return rc;
		}
		/* Resolved as the host would, but never out of --root. */
		if (link[0] == '/')
			(void)snprintf(cur, sizeof(cur), "%s", link);
		else if ((slash = strrchr(cur, '/')) != NULL) {
			size_t k = (size_t)(slash + 1 - cur);

			if (k + ll >= sizeof(cur)) {
				free(link);
				return ir_err_set(e, IR_ELIMIT, 0,
				    "'%s': link target too long", abs);
			}
			memcpy(cur + k, link, ll);
			cur[k + ll] = '\0';
		}
		free(link);
		normalize(cur);
	}
	return ir_err_set(e, IR_EFORMAT, ELOOP, "'%s': too many symbolic links",
	    abs);
}
