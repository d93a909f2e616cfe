/*
 * ddmap: GNU ddrescue mapfiles.  The format is the one of the ddrescue
 * manual, "Mapfile structure"; the parser accepts what ddrescue 1.27
 * accepts, except what ddrescue would silently clamp or ignore.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ir/buf.h"
#include "ir/ddmap.h"
#include "ir/error.h"
#include "ir/io.h"
#include "ir/version.h"

#define MAX_MAPFILE	(1ULL << 30)	/* 35 million lines: not a mapfile */

static int
is_block_status(int c)
{
	return c == IR_DDMAP_NONTRIED || c == IR_DDMAP_NONTRIMMED ||
	    c == IR_DDMAP_NONSCRAPED || c == IR_DDMAP_BAD ||
	    c == IR_DDMAP_DONE;
}

static int
is_current_status(int c)
{
	return is_block_status(c) || c == IR_DDMAP_FILLING ||
	    c == IR_DDMAP_GENERATING;
}

static uint64_t
blocks_end(const struct ir_ddmap *m)
{
	const struct ir_ddmap_block *l;

	if (m->n == 0)
		return 0;
	l = &m->blocks[m->n - 1];
	return l->pos + l->size;
}

void
ir_ddmap_init(struct ir_ddmap *m, uint64_t size)
{
	m->current_pos = 0;
	m->current_status = IR_DDMAP_NONTRIED;
	m->current_pass = 1;
	m->blocks = NULL;
	m->n = m->cap = 0;
	/* Beyond what ddrescue can represent is unknown, not an error. */
	m->size = size > IR_DDMAP_MAXPOS ? 0 : size;
}

void
ir_ddmap_release(struct ir_ddmap *m)
{
	free(m->blocks);
	ir_ddmap_init(m, 0);
}

static int
reserve(struct ir_ddmap *m, size_t extra, struct ir_err *e)
{
	struct ir_ddmap_block *nb;
	size_t nc;

	if (m->cap - m->n >= extra)
		return IR_OK;
	nc = m->cap ? m->cap : 64;
	while (nc - m->n < extra) {
		if (nc > SIZE_MAX / 2 / sizeof(*nb))
			return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
		nc *= 2;
	}
	if ((nb = realloc(m->blocks, nc * sizeof(*nb))) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	m->blocks = nb;
	m->cap = nc;
	return IR_OK;
}

/* Add [end of the blocks, +size) with status, merged with the last block. */
static int
append(struct ir_ddmap *m, uint64_t size, int status, struct ir_err *e)
{
	struct ir_ddmap_block *b;
	uint64_t pos = blocks_end(m);
	int rc;

	if (m->n > 0 && m->blocks[m->n - 1].status == status) {
		m->blocks[m->n - 1].size += size;
		return IR_OK;
	}
	if ((rc = reserve(m, 1, e)) != IR_OK)
		return rc;
	b = &m->blocks[m->n++];
	b->pos = pos;
	b->size = size;
	b->status = status;
	return IR_OK;
}

/* The index of the block holding pos, which is below blocks_end(m). */
static size_t
find(const struct ir_ddmap *m, size_t lo, uint64_t pos)
{
	size_t hi = m->n, mid;

	/* Acquisition works at the end: look there first. */
	if (pos >= m->blocks[m->n - 1].pos)
		return m->n - 1;
	while (hi - lo > 1) {		/* blocks[lo].pos <= pos < blocks[hi].pos */
		mid = lo + (hi - lo) / 2;
		if (m->blocks[mid].pos <= pos)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

int
ir_ddmap_set(struct ir_ddmap *m, uint64_t pos, uint64_t size, int status,
    struct ir_err *e)
{
	struct ir_ddmap_block nb[3], *b;
	uint64_t end, bend;
	size_t i, j, k, c;
	int rc;

	if (!is_block_status(status))
		return ir_err_set(e, IR_EINVAL, 0, "ddmap: bad block status "
		    "0x%02x", (unsigned)status & 0xffU);
	if (pos > IR_DDMAP_MAXPOS || size > IR_DDMAP_MAXPOS - pos)
		return ir_err_set(e, IR_EINVAL, 0, "ddmap: range 0x%llX+0x%llX "
		    "ends past 2^63-1", (unsigned long long)pos,
		    (unsigned long long)size);
	if (size == 0)
		return IR_OK;
	end = pos + size;
	bend = blocks_end(m);
	/* Reserve first, so that a failure leaves the map as it was. */
	if ((rc = reserve(m, 3, e)) != IR_OK)
		return rc;

	/* Past the blocks: fill the hole as non-tried, then append. */
	if (pos >= bend) {
		if (pos > bend)
			(void)append(m, pos - bend, IR_DDMAP_NONTRIED, NULL);
		(void)append(m, size, status, NULL);
		goto out;
	}
	if (end > bend)
		(void)append(m, end - bend, IR_DDMAP_NONTRIED, NULL);

	/* Blocks i..j-1 meet [pos, end); they become nb[0..k-1]. */
	i = find(m, 0, pos);
	j = find(m, i, end - 1) + 1;
	k = 0;
	b = &m->blocks[i];
	if (b->pos < pos && b->status != status) {
		nb[k].pos = b->pos;
		nb[k].size = pos - b->pos;
		nb[k++].status = b->status;
	} else if (b->pos < pos)
		pos = b->pos;			/* same status: grows */
	else if (i > 0 && m->blocks[i - 1].status == status)
		pos = m->blocks[--i].pos;	/* joins the one before */
	b = &m->blocks[j - 1];
	bend = b->pos + b->size;
	if (bend > end && b->status == status)
		end = bend;
	else if (bend == end && j < m->n && m->blocks[j].status == status) {
		end = m->blocks[j].pos + m->blocks[j].size;
		j++;
	}
	nb[k].pos = pos;
	nb[k].size = end - pos;
	nb[k++].status = status;
	if (bend > end) {
		nb[k].pos = end;
		nb[k].size = bend - end;
		nb[k++].status = b->status;
	}
	c = j - i;
	if (k != c)
		memmove(&m->blocks[i + k], &m->blocks[j],
		    (m->n - j) * sizeof(*m->blocks));
	memcpy(&m->blocks[i], nb, k * sizeof(*nb));
	m->n = m->n - c + k;
out:
	if (m->size < blocks_end(m))
		m->size = blocks_end(m);
	return IR_OK;
}

uint64_t
ir_ddmap_resume_pos(const struct ir_ddmap *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->blocks[i].status != IR_DDMAP_DONE &&
		    m->blocks[i].status != IR_DDMAP_BAD)
			return m->blocks[i].pos;
	return blocks_end(m);	/* the tail, or size when there is none */
}

uint64_t
ir_ddmap_total(const struct ir_ddmap *m, int status)
{
	uint64_t t = 0, bend = blocks_end(m);
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->blocks[i].status == status)
			t += m->blocks[i].size;
	if (status == IR_DDMAP_NONTRIED && m->size > bend)
		t += m->size - bend;
	return t;
}

/* The blocks as set and parse keep them: format never writes a bad map. */
static int
check(const struct ir_ddmap *m, struct ir_err *e)
{
	const struct ir_ddmap_block *b;
	uint64_t at = 0;
	size_t i;

	if (!is_current_status(m->current_status) || m->current_pass < 1 ||
	    m->current_pos > IR_DDMAP_MAXPOS || m->size > IR_DDMAP_MAXPOS)
		return ir_err_set(e, IR_EINVAL, 0, "ddmap: bad status line");
	for (i = 0; i < m->n; i++) {
		b = &m->blocks[i];
		if (b->pos != at || b->size == 0 ||
		    b->size > IR_DDMAP_MAXPOS - b->pos ||
		    !is_block_status(b->status) ||
		    (i > 0 && b->status == b[-1].status))
			return ir_err_set(e, IR_EINVAL, 0, "ddmap: block %zu "
			    "breaks the map's invariants", i);
		at += b->size;
	}
	return IR_OK;
}

/* One comment line: a newline in a command line must not end it. */
static int
add_comment(struct ir_buf *b, const char *s, struct ir_err *e)
{
	const unsigned char *p;
	int rc = IR_OK;

	for (p = (const unsigned char *)s; *p != '\0' && rc == IR_OK; p++) {
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			rc = ir_buf_addf(b, e, "\\x%02x", *p);
		else
			rc = ir_buf_addch(b, *p, e);
	}
	return rc == IR_OK ? ir_buf_addch(b, '\n', e) : rc;
}

static int
add_block(struct ir_buf *b, uint64_t pos, uint64_t size, int status,
    struct ir_err *e)
{
	return ir_buf_addf(b, e, "0x%08llX  0x%08llX  %c\n",
	    (unsigned long long)pos, (unsigned long long)size, status);
}

int
ir_ddmap_format(const struct ir_ddmap *m, const char *header_comment,
    struct ir_buf *b, struct ir_err *e)
{
	const struct ir_ddmap_block *l;
	uint64_t bend = blocks_end(m);
	size_t len0 = b->len, i, last;
	int rc;

	if ((rc = check(m, e)) != IR_OK)
		return rc;
	rc = ir_buf_addf(b, e, "# Mapfile. Created by irkit version %s\n",
	    ir_version());
	if (rc == IR_OK && header_comment != NULL &&
	    (rc = ir_buf_addstr(b, "# Command line: ", e)) == IR_OK)
		rc = add_comment(b, header_comment, e);
	if (rc == IR_OK)
		rc = ir_buf_addf(b, e, "# current_pos  current_status  "
		    "current_pass\n0x%08llX     %c               %d\n"
		    "#      pos        size  status\n",
		    (unsigned long long)m->current_pos, m->current_status,
		    m->current_pass);
	/* The implicit non-tried tail joins a non-tried last block. */
	last = m->n;
	if (m->size > bend && m->n > 0 &&
	    m->blocks[m->n - 1].status == IR_DDMAP_NONTRIED)
		last = m->n - 1;
	for (i = 0; i < last && rc == IR_OK; i++)
		rc = add_block(b, m->blocks[i].pos, m->blocks[i].size,
		    m->blocks[i].status, e);
	if (rc == IR_OK && last < m->n) {
		l = &m->blocks[last];
		rc = add_block(b, l->pos, m->size - l->pos, l->status, e);
	} else if (rc == IR_OK && m->size > bend)
		rc = add_block(b, bend, m->size - bend, IR_DDMAP_NONTRIED, e);
	if (rc != IR_OK)
		ir_buf_truncate(b, len0);
	return rc;
}

/*
 * A number as ddrescue reads it (C integer constant syntax): 0x hex,
 * 0 octal, else decimal; no sign.  0 or an IR_EFORMAT reason.
 */
static const char *
parse_num(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	unsigned base = 10, d;
	size_t i = 0;
	char c;

	if (len == 0)
		return "empty number";
	if (len > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		if ((i = 2) == len)
			return "bad number";
	} else if (s[0] == '0')
		base = 8;
	for (; i < len; i++) {
		c = s[i];
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return "bad number";
		if (d >= base)
			return "bad number";
		if (v > (IR_DDMAP_MAXPOS - d) / base)
			return "number past 2^63-1";
		v = v * base + d;
	}
	*out = v;
	return NULL;
}

#define MAXTOK	4

struct tok {
	const char	*s;
	size_t		 len;
};

/* Split a line, its comment cut, at blanks; the count, MAXTOK if more. */
static int
split(const char *p, size_t len, struct tok *t)
{
	size_t i = 0, st;
	int nt = 0;

	while (nt < MAXTOK) {
		while (i < len && (p[i] == ' ' || p[i] == '\t' ||
		    p[i] == '\r' || p[i] == '\v' || p[i] == '\f'))
			i++;
		if (i == len || p[i] == '#')
			break;
		st = i;
		while (i < len && p[i] != ' ' && p[i] != '\t' && p[i] != '\r' &&
		    p[i] != '\v' && p[i] != '\f' && p[i] != '#')
			i++;
		t[nt].s = p + st;
		t[nt++].len = i - st;
	}
	return nt;
}

static int
one_char(const struct tok *t)
{
	return t->len == 1 ? (unsigned char)t->s[0] : -1;
}

static int
bad_line(struct ir_err *e, size_t line, const char *why)
{
	return ir_err_set(e, IR_EFORMAT, 0, "mapfile line %zu: %s", line, why);
}

/* The status line: "current_pos current_status [current_pass]". */
static int
parse_status(struct ir_ddmap *m, const struct tok *t, int nt, size_t line,
    struct ir_err *e)
{
	const char *why;
	uint64_t v;
	size_t i;

	if (nt < 2 || nt > 3)
		return bad_line(e, line, "bad status line: want current_pos "
		    "current_status [current_pass]");
	if ((why = parse_num(t[0].s, t[0].len, &m->current_pos)) != NULL)
		return bad_line(e, line, why);
	if (!is_current_status(m->current_status = one_char(&t[1])))
		return bad_line(e, line, "bad current_status");
	m->current_pass = 1;
	if (nt == 3) {
		/* Decimal only, says the manual. */
		for (i = 0, v = 0; i < t[2].len; i++) {
			if (t[2].s[i] < '0' || t[2].s[i] > '9' || v > INT_MAX)
				break;
			v = v * 10 + (uint64_t)(t[2].s[i] - '0');
		}
		if (i < t[2].len || v < 1 || v > INT_MAX)
			return bad_line(e, line, "bad current_pass");
		m->current_pass = (int)v;
	}
	return IR_OK;
}

static int
parse_block(struct ir_ddmap *m, const struct tok *t, int nt, size_t line,
    struct ir_err *e)
{
	const char *why;
	uint64_t pos, size, bend = blocks_end(m);
	char msg[128];
	int st, rc;

	if (nt != 3)
		return bad_line(e, line, "bad block line: want pos size "
		    "status");
	if ((why = parse_num(t[0].s, t[0].len, &pos)) != NULL ||
	    (why = parse_num(t[1].s, t[1].len, &size)) != NULL)
		return bad_line(e, line, why);
	if (!is_block_status(st = one_char(&t[2])))
		return bad_line(e, line, "bad block status");
	if (size == 0)
		return bad_line(e, line, "block of size 0");
	if (size > IR_DDMAP_MAXPOS - pos)
		return bad_line(e, line, "block ends past 2^63-1");
	if (m->n > 0 && pos != bend) {
		(void)snprintf(msg, sizeof(msg), "%s: block at 0x%llX, the one "
		    "before ends at 0x%llX", pos > bend ? "gap" : pos <
		    m->blocks[m->n - 1].pos ? "blocks out of order" : "overlap",
		    (unsigned long long)pos, (unsigned long long)bend);
		return bad_line(e, line, msg);
	}
	/* ddrescue reads the bytes before a first block as non-tried. */
	if (m->n == 0 && pos > 0 &&
	    (rc = append(m, pos, IR_DDMAP_NONTRIED, e)) != IR_OK)
		return rc;
	return append(m, size, st, e);
}

int
ir_ddmap_parse(struct ir_ddmap *out, const char *buf, size_t n,
    struct ir_err *e)
{
	struct ir_ddmap m;
	struct tok t[MAXTOK];
	const char *p = buf, *nl;
	size_t line = 0, len;
	int nt, have_status = 0, rc = IR_OK;

	if (memchr(buf, '\0', n) != NULL)
		return ir_err_set(e, IR_EFORMAT, 0, "mapfile: NUL byte at "
		    "offset %zu", (size_t)((const char *)memchr(buf, '\0', n) -
		    buf));
	ir_ddmap_init(&m, 0);
	while (p < buf + n && rc == IR_OK) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(buf + n - p))) == NULL)
			nl = buf + n;
		len = (size_t)(nl - p);
		if ((nt = split(p, len, t)) == 0)
			;		/* blank or comment */
		else if (!have_status) {
			rc = parse_status(&m, t, nt, line, e);
			have_status = 1;
		} else
			rc = parse_block(&m, t, nt, line, e);
		p = nl + 1;
	}
	if (rc == IR_OK && !have_status)
		rc = ir_err_set(e, IR_EFORMAT, 0, "mapfile: no status line "
		    "(current_pos current_status)");
	if (rc != IR_OK) {
		free(m.blocks);
		return rc;
	}
	m.size = blocks_end(&m);
	free(out->blocks);
	*out = m;
	return IR_OK;
}

int
ir_ddmap_load(struct ir_ddmap *m, const char *path, struct ir_err *e)
{
	struct ir_buf b;
	int rc;

	ir_buf_init(&b, MAX_MAPFILE);
	if ((rc = ir_read_file(AT_FDCWD, path, &b, e)) == IR_OK &&
	    (rc = ir_ddmap_parse(m, b.buf, b.len, e)) != IR_OK)
		(void)ir_err_prefix(e, "%s", path);
	ir_buf_release(&b);
	return rc;
}

/* fsync the directory of path, so that a rename in it is durable. */
static int
sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd, rc;

	if (slash == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (dir == NULL)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	(void)close(fd);
	return rc;
}

int
ir_ddmap_save(const struct ir_ddmap *m, const char *path,
    const char *header_comment, struct ir_err *e)
{
	struct ir_buf b;
	char *tmp = NULL;
	int fd = -1, rc;

	ir_buf_init(&b, IR_BUF_NOLIMIT);
	if ((rc = ir_ddmap_format(m, header_comment, &b, e)) != IR_OK)
		goto out;
	if (asprintf(&tmp, "%s.tmp", path) < 0) {
		tmp = NULL;
		rc = ir_err_set(e, IR_ENOMEM, 0, "out of memory");
		goto out;
	}
	/* A stale one from a crash, or a planted link: made afresh. */
	if (unlink(tmp) != 0 && errno != ENOENT) {
		rc = ir_err_set(e, IR_EIO, errno, "cannot remove '%s'", tmp);
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0644);
	if (fd < 0) {
		rc = ir_err_set(e, IR_EIO, errno, "cannot create '%s'", tmp);
		goto out;
	}
	if (ir_write_full(fd, b.buf, b.len) < 0 || fsync(fd) != 0) {
		rc = ir_err_set(e, IR_EIO, errno, "cannot write '%s'", tmp);
		goto fail;
	}
	rc = close(fd);
	fd = -1;
	if (rc != 0) {
		rc = ir_err_set(e, IR_EIO, errno, "cannot write '%s'", tmp);
		goto fail;
	}
	if (rename(tmp, path) != 0) {
		rc = ir_err_set(e, IR_EIO, errno, "cannot rename '%s' to '%s'",
		    tmp, path);
		goto fail;
	}
	if (sync_dir(path) != 0)
		rc = ir_err_set(e, IR_EIO, errno, "cannot sync the directory "
		    "of '%s'", path);
	goto out;
fail:
	if (fd >= 0)
		(void)close(fd);
	(void)unlink(tmp);
out:
	free(tmp);
	ir_buf_release(&b);
	return rc;
}
