#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "ir/buf.h"
#include "ir/error.h"
#include "ir/file.h"
#include "ir/rec.h"
#include "ir/timeline.h"
#include "ir_private.h"

#define SHOW	40		/* bytes of a bad value quoted in a message */
/* Past year 30000 either way: garbage, and more than gmtime_r can take. */
#define MAXSECS	1000000000000LL

struct ir_tl_parser {
	json_t		*cur;		/* the record the entry borrows from */
	struct ir_buf	 name, path, inode;
	char		 mode[13];
};

int
ir_tl_parser_new(struct ir_tl_parser **pp, struct ir_err *e)
{
	struct ir_tl_parser *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	ir_buf_init(&p->name, IR_BUF_NOLIMIT);
	ir_buf_init(&p->path, IR_BUF_NOLIMIT);
	ir_buf_init(&p->inode, IR_BUF_NOLIMIT);
	*pp = p;
	return IR_OK;
}

void
ir_tl_parser_free(struct ir_tl_parser *p)
{
	if (p == NULL)
		return;
	json_decref(p->cur);
	ir_buf_release(&p->name);
	ir_buf_release(&p->path);
	ir_buf_release(&p->inode);
	free(p);
}

/* A field's text for a message: cut, control bytes shown as '?'. */
static const char *
shown(const char *s, size_t n, char out[SHOW + 4])
{
	size_t i, k = n > SHOW ? SHOW : n;

	for (i = 0; i < k; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	if (k < n)
		out[k++] = '.', out[k++] = '.', out[k++] = '.';
	out[k] = '\0';
	return out;
}

static int
bad_field(struct ir_err *e, const char *what, const char *s, size_t n)
{
	char tmp[SHOW + 4];

	return ir_err_set(e, IR_EFORMAT, 0, "bad %s '%s'", what,
	    shown(s, n, tmp));
}

/* Decimal digits only, no sign: what fls writes for uid, gid, size. */
static int
parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 20)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/*
 * Seconds, maybe signed, maybe with a fraction, which is dropped as
 * mactime drops it (it prints the time with %d).
 */
static int
parse_secs(const char *s, size_t n, int64_t *out)
{
	uint64_t v;
	size_t i = 0, k;
	int neg = 0;

	if (n > 0 && s[0] == '-')
		neg = 1, i = 1;
	for (k = i; k < n && s[k] != '.'; k++)
		;
	if (k < n) {			/* a fraction: digits only */
		size_t f;

		if (k + 1 == n)
			return -1;
		for (f = k + 1; f < n; f++)
			if (s[f] < '0' || s[f] > '9')
				return -1;
	}
	if (parse_u64(s + i, k - i, &v) != 0 || v > MAXSECS)
		return -1;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

static int
inode_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if ((s[i] < '0' || s[i] > '9') && s[i] != '-')
			return 0;
	return 1;
}

static int
ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* fls marks a deleted name so; the bodyfile has no other place for it. */
static int
name_deleted(const char *s, size_t n)
{
	return ends_with(s, n, " (deleted)") ||
	    ends_with(s, n, " (deleted-realloc)");
}

/*
 * md5|name|inode|mode|uid|gid|size|atime|mtime|ctime|crtime.  fls does
 * not escape '|' in names, so the name is whatever lies between the first
 * field and the last nine.
 */
static int
body_line(const char *line, size_t len, struct ir_tl_entry *en,
    struct ir_err *e)
{
	const char *f[9], *first, *q;
	size_t fl[9], rest;
	int k;

	if ((first = memchr(line, '|', len)) == NULL)
		return ir_err_set(e, IR_EFORMAT, 0,
		    "neither a bodyfile line nor a JSON record");
	/* The last nine fields, from the end. */
	rest = len;
	for (k = 8; k >= 0; k--) {
		q = memrchr(line, '|', rest);
		if (q == NULL || q == first)
			return ir_err_set(e, IR_EFORMAT, 0,
			    "bodyfile line has %d fields, not 11", 10 - k);
		f[k] = q + 1;
		fl[k] = rest - (size_t)(q + 1 - line);
		rest = (size_t)(q - line);
	}
	/* f[0] starts the inode; the name ends at the '|' before it. */
	en->name = first + 1;
	en->namelen = (size_t)(f[0] - 1 - en->name);
	if ((size_t)(first - line) == 3 && strncasecmp(line, "md5", 3) == 0 &&
	    en->namelen == 4 && memcmp(en->name, "name", 4) == 0)
		return IR_ENOENT;		/* a header line */
	en->inode = f[0];
	en->inodelen = fl[0];
	if (!inode_ok(en->inode, en->inodelen))
		return bad_field(e, "inode", f[0], fl[0]);
	en->mode = f[1];
	en->modelen = fl[1];
	if (parse_u64(f[2], fl[2], &en->uid) != 0)
		return bad_field(e, "uid", f[2], fl[2]);
	if (parse_u64(f[3], fl[3], &en->gid) != 0)
		return bad_field(e, "gid", f[3], fl[3]);
	if (parse_u64(f[4], fl[4], &en->size) != 0)
		return bad_field(e, "size", f[4], fl[4]);
	if (parse_secs(f[5], fl[5], &en->atime) != 0)
		return bad_field(e, "atime", f[5], fl[5]);
	if (parse_secs(f[6], fl[6], &en->mtime) != 0)
		return bad_field(e, "mtime", f[6], fl[6]);
	if (parse_secs(f[7], fl[7], &en->ctime) != 0)
		return bad_field(e, "ctime", f[7], fl[7]);
	if (parse_secs(f[8], fl[8], &en->crtime) != 0)
		return bad_field(e, "crtime", f[8], fl[8]);
	en->deleted = name_deleted(en->name, en->namelen);
	return IR_OK;
}

static int
jbool(json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key));
}

/* A string member: IR_OK, IR_ENOENT when absent or null, else EFORMAT. */
static int
jstr(json_t *o, const char *key, const char **s, size_t *n, struct ir_err *e)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || json_is_null(v))
		return IR_ENOENT;
	if (!json_is_string(v))
		return ir_err_set(e, IR_EFORMAT, 0, "\"%s\" is not a string",
		    key);
	*s = json_string_value(v);
	*n = json_string_length(v);
	return IR_OK;
}

static int
jnum(json_t *o, const char *key, uint64_t *out, struct ir_err *e)
{
	json_t *v = json_object_get(o, key);

	*out = 0;
	if (v == NULL || json_is_null(v))
		return IR_OK;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return ir_err_set(e, IR_EFORMAT, 0,
		    "\"%s\" is not a number of 0 or more", key);
	*out = (uint64_t)json_integer_value(v);
	return IR_OK;
}

/* ISO 8601 UTC (irkit's form) or seconds; *have says one was there. */
static int
jtime(json_t *o, const char *key, int64_t *out, int *have, struct ir_err *e)
{
	json_t *v = json_object_get(o, key);
	struct ir_time t;

	*out = 0;
	if (v == NULL || json_is_null(v))
		return IR_OK;
	*have = 1;
	if (json_is_integer(v) && json_integer_value(v) <= MAXSECS &&
	    json_integer_value(v) >= -MAXSECS) {
		*out = (int64_t)json_integer_value(v);
		return IR_OK;
	}
	if (json_is_string(v) && ir_time_parse(json_string_value(v), &t) ==
	    IR_OK && t.sec <= MAXSECS && t.sec >= -MAXSECS) {
		*out = t.sec;
		return IR_OK;
	}
	if (json_is_string(v))
		return bad_field(e, key, json_string_value(v),
		    json_string_length(v));
	return ir_err_set(e, IR_EFORMAT, 0, "\"%s\" is not a time (or out "
	    "of range)", key);
}

/* Names in a bodyfile: control bytes and '|' as '^', like the writer. */
static int
add_body_name(struct ir_buf *b, const char *s, size_t n, struct ir_err *e)
{
	size_t i, start = b->len;
	int rc;

	if ((rc = ir_buf_add(b, s, n, e)) != IR_OK)
		return rc;
	for (i = start; i < b->len; i++)
		if ((unsigned char)b->buf[i] < 0x20 || b->buf[i] == 0x7f ||
		    b->buf[i] == '|')
			b->buf[i] = '^';
	return IR_OK;
}

static int
json_mode(struct ir_tl_parser *p, json_t *o, struct ir_tl_entry *en,
    struct ir_err *e)
{
	json_t *v = json_object_get(o, "mode");
	const char *s, *kind = NULL;
	size_t n, i;
	uint32_t mode = 0;

	if (jstr(o, "name_kind", &kind, &n, e) == IR_EFORMAT)
		return IR_EFORMAT;
	en->mode = p->mode;
	en->modelen = 12;
	if (v == NULL || json_is_null(v)) {
		mode = 0;
	} else if (json_is_integer(v) && json_integer_value(v) >= 0 &&
	    json_integer_value(v) <= 0xffffffff) {
		mode = (uint32_t)json_integer_value(v);
	} else if (json_is_string(v)) {
		s = json_string_value(v);
		n = json_string_length(v);
		if (n == 12 && s[1] == '/' && strlen(s) == 12) {
			memcpy(p->mode, s, 13);		/* TSK's already */
			return IR_OK;
		}
		if (n == 10 && strlen(s) == 10 && strchr("-dlcbps", s[0]) &&
		    strspn(s + 1, "rwxsStT-") == 9) {	/* ls -l */
			p->mode[0] = p->mode[2] = s[0] == '-' ? 'r' :
			    s[0] == 's' ? 'h' : s[0];
			p->mode[1] = '/';
			memcpy(p->mode + 3, s + 1, 10);
			return IR_OK;
		}
		for (i = 0; i < n && s[i] >= '0' && s[i] <= '7'; i++)
			mode = mode << 3 | (uint32_t)(s[i] - '0');
		if (n == 0 || n > 7 || i < n)
			return bad_field(e, "mode", s, n);
	} else
		return ir_err_set(e, IR_EFORMAT, 0,
		    "\"mode\" is neither a string nor a number");
	ir__body_mode(mode, jbool(o, "virtual"), jbool(o, "no_meta"), kind,
	    p->mode);
	return IR_OK;
}

/*
 * An irkit record as the bodyfile line libir's writer would make of it,
 * so that a walk written either way gives the same timeline.
 */
static int
json_line(struct ir_tl_parser *p, const char *line, size_t len,
    struct ir_tl_entry *en, struct ir_err *e)
{
	json_error_t jerr;
	json_t *o, *v;
	const char *type = NULL, *s, *hex;
	size_t n, hexlen;
	int rc, have = 0;

	json_decref(p->cur);
	p->cur = o = json_loadb(line, len, JSON_ALLOW_NUL, &jerr);
	if (o == NULL)
		return ir_err_set(e, IR_EFORMAT, 0, "not JSON: %s (column %d)",
		    jerr.text, jerr.column);
	if (!json_is_object(o))
		return ir_err_set(e, IR_EFORMAT, 0, "not a JSON object");
	if ((rc = jstr(o, "type", &type, &n, e)) == IR_EFORMAT)
		return rc;
	if ((rc = jtime(o, "mtime", &en->mtime, &have, e)) != IR_OK ||
	    (rc = jtime(o, "atime", &en->atime, &have, e)) != IR_OK ||
	    (rc = jtime(o, "ctime", &en->ctime, &have, e)) != IR_OK ||
	    (rc = jtime(o, "crtime", &en->crtime, &have, e)) != IR_OK)
		return rc;
	if ((rc = jstr(o, "path", &s, &n, e)) == IR_EFORMAT)
		return rc;
	if (rc == IR_ENOENT) {
		if (type != NULL && strcmp(type, "file") == 0 && have)
			return ir_err_set(e, IR_EFORMAT, 0,
			    "file record without \"path\"");
		return IR_ENOENT;
	}
	if (!have)
		return IR_ENOENT;	/* problem, incomplete ...: no times */

	ir_buf_reset(&p->name);
	if ((rc = add_body_name(&p->name, s, n, e)) != IR_OK)
		return rc;
	if ((rc = jstr(o, "link", &s, &n, e)) == IR_EFORMAT)
		return rc;
	if (rc == IR_OK && ((rc = ir_buf_addstr(&p->name, " -> ", e)) !=
	    IR_OK || (rc = add_body_name(&p->name, s, n, e)) != IR_OK))
		return rc;
	en->deleted = jbool(o, "deleted");
	if (jbool(o, "fname_times") &&
	    (rc = ir_buf_addstr(&p->name, " ($FILE_NAME)", e)) != IR_OK)
		return rc;
	if (en->deleted && (rc = ir_buf_addstr(&p->name, jbool(o, "realloc") ?
	    " (deleted-realloc)" : " (deleted)", e)) != IR_OK)
		return rc;
	en->name = p->name.buf;
	en->namelen = p->name.len;

	/* The path itself, every byte of it when the record kept them. */
	(void)jstr(o, "path", &en->path, &en->pathlen, e);
	if ((rc = jstr(o, "path_hex", &hex, &hexlen, e)) == IR_EFORMAT)
		return rc;
	if (rc == IR_OK) {
		ir_buf_reset(&p->path);
		if (hexlen % 2 != 0 ||
		    (rc = ir_buf_grow(&p->path, hexlen / 2, e)) != IR_OK ||
		    ir_unhex(p->path.buf, hex, hexlen / 2) != IR_OK)
			return bad_field(e, "path_hex", hex, hexlen);
		p->path.len = hexlen / 2;
		en->path = p->path.buf;
		en->pathlen = p->path.len;
	}

	ir_buf_reset(&p->inode);
	v = json_object_get(o, "inode");
	if (v == NULL || json_is_null(v))
		rc = ir_buf_addch(&p->inode, '0', e);
	else if (json_is_integer(v) && json_integer_value(v) >= 0)
		rc = ir_buf_addf(&p->inode, e, "%" PRId64,
		    (int64_t)json_integer_value(v));
	else if (json_is_string(v) && inode_ok(json_string_value(v),
	    json_string_length(v)))
		rc = ir_buf_add(&p->inode, json_string_value(v),
		    json_string_length(v), e);
	else
		return ir_err_set(e, IR_EFORMAT, 0, "bad \"inode\"");
	if (rc != IR_OK)
		return rc;
	/* NTFS: inode-type-id, as fls writes it */
	if ((rc = jstr(o, "attr", &s, &n, e)) == IR_EFORMAT)
		return rc;
	if (rc == IR_OK) {
		if (!inode_ok(s, n))
			return bad_field(e, "attr", s, n);
		if ((rc = ir_buf_addch(&p->inode, '-', e)) != IR_OK ||
		    (rc = ir_buf_add(&p->inode, s, n, e)) != IR_OK)
			return rc;
	}
	en->inode = p->inode.buf;
	en->inodelen = p->inode.len;

	if ((rc = json_mode(p, o, en, e)) != IR_OK ||
	    (rc = jnum(o, "uid", &en->uid, e)) != IR_OK ||
	    (rc = jnum(o, "gid", &en->gid, e)) != IR_OK ||
	    (rc = jnum(o, "size", &en->size, e)) != IR_OK)
		return rc;
	if ((rc = jstr(o, "source", &en->source, &en->sourcelen, e)) ==
	    IR_EFORMAT)
		return rc;
	return IR_OK;
}

int
ir_tl_parse_line(struct ir_tl_parser *p, const char *line, size_t len,
    struct ir_tl_entry *en, struct ir_err *e)
{
	size_t i;

	memset(en, 0, sizeof(*en));
	if (len > 0 && line[len - 1] == '\r')
		len--;
	for (i = 0; i < len && (line[i] == ' ' || line[i] == '\t' ||
	    line[i] == '\v' || line[i] == '\f' || line[i] == '\r'); i++)
		;
	if (i == len || line[0] == '#')
		return IR_ENOENT;
	if (line[i] == '{')
		return json_line(p, line + i, len - i, en, e);
	return body_line(line, len, en, e);
}

size_t
ir_tl_events(const struct ir_tl_entry *en, const struct ir_tl_range *r,
    struct ir_tl_row out[4])
{
	static const unsigned int bits[4] = { IR_TL_M, IR_TL_A, IR_TL_C,
	    IR_TL_B };
	int64_t t[4];
	size_t n = 0, i, j;

	t[0] = en->mtime;
	t[1] = en->atime;
	t[2] = en->ctime;
	t[3] = en->crtime;
	/* mactime: "we need *some* value in mactimes!" */
	if (t[0] == 0 && t[1] == 0 && t[2] == 0 && t[3] == 0)
		return 0;
	for (i = 0; i < 4; i++) {
		if (r != NULL && ((r->has_from && t[i] < r->from) ||
		    (r->has_to && t[i] >= r->to)))
			continue;
		for (j = 0; j < n && out[j].time != t[i]; j++)
			;
		if (j == n) {
			out[n].time = t[i];
			out[n].macb = 0;
			out[n].e = *en;
			n++;
		}
		out[j].macb |= bits[i];
	}
	return n;
}

char *
ir_tl_macb(unsigned int macb, char *out)
{
	out[0] = macb & IR_TL_M ? 'm' : '.';
	out[1] = macb & IR_TL_A ? 'a' : '.';
	out[2] = macb & IR_TL_C ? 'c' : '.';
	out[3] = macb & IR_TL_B ? 'b' : '.';
	out[4] = '\0';
	return out;
}

/* n digits at s into *v; -1 when one is not a digit. */
static int
num(const char *s, int n, int *v)
{
	*v = 0;
	for (; n > 0; n--, s++) {
		if (*s < '0' || *s > '9')
			return -1;
		*v = *v * 10 + (*s - '0');
	}
	return 0;
}

int
ir_tl_parse_when(const char *s, int local, int64_t *out, struct ir_err *e)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	struct tm tm;
	const char *p;
	char *end;
	long long v;
	time_t t;
	int y, mon, leap, utc = !local;

	if (s[0] == '@') {
		errno = 0;
		v = strtoll(s + 1, &end, 10);
		if (s[1] == '\0' || *end != '\0' || errno != 0)
			goto bad;
		*out = v;
		return IR_OK;
	}
	memset(&tm, 0, sizeof(tm));
	if (strnlen(s, 10) < 10 || s[4] != '-' || s[7] != '-' ||
	    num(s, 4, &y) != 0 || num(s + 5, 2, &mon) != 0 ||
	    num(s + 8, 2, &tm.tm_mday) != 0)
		goto bad;
	p = s + 10;
	if ((*p == 'T' || *p == ' ') && strnlen(p, 9) == 9 && p[3] == ':' &&
	    p[6] == ':' && num(p + 1, 2, &tm.tm_hour) == 0 &&
	    num(p + 4, 2, &tm.tm_min) == 0 && num(p + 7, 2, &tm.tm_sec) == 0)
		p += 9;
	if (*p == 'Z' && p > s + 10) {
		utc = 1;
		p++;
	}
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (*p != '\0' || mon < 1 || mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > mdays[mon - 1] + (mon == 2 && leap) ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59)
		goto bad;
	tm.tm_year = y - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_isdst = -1;
	t = utc ? timegm(&tm) : mktime(&tm);
	*out = (int64_t)t;
	return IR_OK;
bad:
	return ir_err_set(e, IR_EFORMAT, 0, "bad date '%s' (want YYYY-MM-DD, "
	    "YYYY-MM-DDTHH:MM:SS[Z] or @SECONDS)", s);
}

/*
 * Sorting.  A row is kept as one record: a fixed header, then the key
 * "inode,name" that mactime sorts by (after the time), then the other
 * strings.  Records live in chunks up to the budget; then they are sorted
 * and spilled as a run to a temporary file.  Read-out merges the runs
 * (and what is still in memory) with a heap.
 */
#define NONE		UINT32_MAX	/* a string that is NULL */
#define CHUNK		(1U << 20)
#define FAN		64		/* runs open at once */
#define RUNBUF		(1U << 16)

struct rec {
	int64_t		 time;
	uint64_t	 seq;		/* order of adding: ties, "last" */
	uint64_t	 uid, gid, size;
	uint32_t	 bits;		/* macb | deleted << 4 */
	uint32_t	 inodelen, namelen, modelen, pathlen, sourcelen;
};

struct chunk {
	struct chunk	*next;
	size_t		 size, used;
	char		 data[];
};

struct run {
	FILE		*fp;		/* NULL: the in-memory run */
	char		*iobuf;
	struct ir_buf	 cur;		/* the current record */
	int		 done;
};

struct ir_tl_sort {
	size_t		 budget, used;
	char		*tmpdir;
	uint64_t	 seq;
	struct chunk	*chunks;
	struct rec	**v;
	size_t		 n, alloc;
	struct run	*runs;
	size_t		 nruns, spills;
	/* read-out */
	int		 merging;
	size_t		 mpos;		/* next of v when nothing spilled */
	size_t		*heap;
	size_t		 nheap;
	struct ir_buf	 pend, out;
	int		 have_pend;
};

static size_t
slen(uint32_t n)
{
	return n == NONE ? 0 : n;
}

static size_t
rec_size(const struct rec *r)
{
	return sizeof(*r) + r->inodelen + 1 + r->namelen + r->modelen +
	    slen(r->pathlen) + slen(r->sourcelen);
}

static int
rec_cmp(const struct rec *a, const struct rec *b)
{
	size_t ka, kb;
	int c;

	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	ka = a->inodelen + 1 + a->namelen;
	kb = b->inodelen + 1 + b->namelen;
	if ((c = memcmp(a + 1, b + 1, ka < kb ? ka : kb)) != 0)
		return c;
	if (ka != kb)
		return ka < kb ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int
same_key(const struct rec *a, const struct rec *b)
{
	return a->time == b->time && a->inodelen == b->inodelen &&
	    a->namelen == b->namelen &&
	    memcmp(a + 1, b + 1, a->inodelen + 1 + a->namelen) == 0;
}

static int
vcmp(const void *a, const void *b)
{
	return rec_cmp(*(struct rec *const *)a, *(struct rec *const *)b);
}

int
ir_tl_sort_new(struct ir_tl_sort **sp, size_t budget, const char *tmpdir,
    struct ir_err *e)
{
	struct ir_tl_sort *s;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->tmpdir = strdup(tmpdir != NULL ? tmpdir : "/tmp")) == NULL) {
		free(s);
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	}
	s->budget = budget;
	ir_buf_init(&s->pend, IR_BUF_NOLIMIT);
	ir_buf_init(&s->out, IR_BUF_NOLIMIT);
	*sp = s;
	return IR_OK;
}

static void
run_close(struct run *r)
{
	if (r->fp != NULL)
		(void)fclose(r->fp);
	free(r->iobuf);
	ir_buf_release(&r->cur);
	memset(r, 0, sizeof(*r));
}

void
ir_tl_sort_free(struct ir_tl_sort *s)
{
	struct chunk *c, *next;
	size_t i;

	if (s == NULL)
		return;
	for (c = s->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	for (i = 0; i < s->nruns; i++)
		run_close(&s->runs[i]);
	free(s->runs);
	free(s->v);
	free(s->heap);
	ir_buf_release(&s->pend);
	ir_buf_release(&s->out);
	free(s->tmpdir);
	free(s);
}

size_t
ir_tl_sort_spills(const struct ir_tl_sort *s)
{
	return s->spills;
}

/* Forget the records in memory, keeping one chunk for the next ones. */
static void
mem_reset(struct ir_tl_sort *s)
{
	struct chunk *c, *next;

	if (s->chunks != NULL) {
		for (c = s->chunks->next; c != NULL; c = next) {
			next = c->next;
			free(c);
		}
		s->chunks->next = NULL;
		s->chunks->used = 0;
	}
	s->n = 0;
	s->used = 0;
}

static int
new_tmp(struct ir_tl_sort *s, struct run *r, struct ir_err *e)
{
	char path[4096];
	int fd;

	memset(r, 0, sizeof(*r));
	ir_buf_init(&r->cur, IR_BUF_NOLIMIT);
	if ((size_t)snprintf(path, sizeof(path), "%s/irkit-timeline.XXXXXX",
	    s->tmpdir) >= sizeof(path))
		return ir_err_set(e, IR_EINVAL, 0, "temporary directory name "
		    "too long");
	if ((fd = mkstemp(path)) < 0)
		return ir_err_set(e, IR_EIO, errno, "cannot create a temporary "
		    "file in '%s'", s->tmpdir);
	(void)unlink(path);		/* gone when we are, even killed */
	if ((r->fp = fdopen(fd, "w+")) == NULL) {
		(void)close(fd);
		return ir_err_set(e, IR_ENOMEM, errno, "temporary file");
	}
	if ((r->iobuf = malloc(RUNBUF)) != NULL)
		(void)setvbuf(r->fp, r->iobuf, _IOFBF, RUNBUF);
	return IR_OK;
}

static int
write_rec(FILE *fp, const struct rec *r, const char *dir, struct ir_err *e)
{
	size_t n = rec_size(r);

	if (fwrite(r, 1, n, fp) != n)
		return ir_err_set(e, IR_EIO, errno, "cannot write a temporary "
		    "file in '%s'", dir);
	return IR_OK;
}

/* Load the next record of a run; done set at its end. */
static int
run_next(struct run *r, const char *dir, struct ir_err *e)
{
	struct rec h;
	size_t n;
	int rc;

	if (fread(&h, 1, sizeof(h), r->fp) != sizeof(h)) {
		if (ferror(r->fp))
			return ir_err_set(e, IR_EIO, errno, "cannot read a "
			    "temporary file in '%s'", dir);
		r->done = 1;
		return IR_OK;
	}
	n = rec_size(&h);
	ir_buf_reset(&r->cur);
	if ((rc = ir_buf_grow(&r->cur, n, e)) != IR_OK)
		return rc;
	memcpy(r->cur.buf, &h, sizeof(h));
	if (fread(r->cur.buf + sizeof(h), 1, n - sizeof(h), r->fp) !=
	    n - sizeof(h))
		return ir_err_set(e, IR_EIO, ferror(r->fp) ? errno : 0,
		    "temporary file in '%s' cut short", dir);
	r->cur.len = n;
	return IR_OK;
}

static int
run_rewind(struct run *r, const char *dir, struct ir_err *e)
{
	if (fflush(r->fp) != 0 || ferror(r->fp))
		return ir_err_set(e, IR_EIO, errno, "cannot write a temporary "
		    "file in '%s'", dir);
	if (fseeko(r->fp, 0, SEEK_SET) != 0)
		return ir_err_set(e, IR_EIO, errno, "temporary file");
	r->done = 0;
	return run_next(r, dir, e);
}

static const struct rec *
run_rec(const struct ir_tl_sort *s, const struct run *r)
{
	if (r->fp == NULL)
		return s->v[s->mpos];
	return (const struct rec *)(const void *)r->cur.buf;
}

static int
run_advance(struct ir_tl_sort *s, struct run *r, struct ir_err *e)
{
	if (r->fp != NULL)
		return run_next(r, s->tmpdir, e);
	if (++s->mpos == s->n)
		r->done = 1;
	return IR_OK;
}

/* Min-heap of run indices over runs[], by their current records. */
static int
heap_less(const struct ir_tl_sort *s, size_t a, size_t b)
{
	return rec_cmp(run_rec(s, &s->runs[a]), run_rec(s, &s->runs[b])) < 0;
}

static void
heap_down(struct ir_tl_sort *s, size_t i)
{
	size_t l, m, t;

	for (;;) {
		l = 2 * i + 1;
		m = i;
		if (l < s->nheap && heap_less(s, s->heap[l], s->heap[m]))
			m = l;
		if (l + 1 < s->nheap && heap_less(s, s->heap[l + 1], s->heap[m]))
			m = l + 1;
		if (m == i)
			return;
		t = s->heap[i];
		s->heap[i] = s->heap[m];
		s->heap[m] = t;
		i = m;
	}
}

static int
heap_build(struct ir_tl_sort *s, struct ir_err *e)
{
	size_t i;

	free(s->heap);
	if ((s->heap = calloc(s->nruns + 1, sizeof(*s->heap))) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	s->nheap = 0;
	for (i = 0; i < s->nruns; i++)
		if (!s->runs[i].done)
			s->heap[s->nheap++] = i;
	for (i = s->nheap; i-- > 0;)
		heap_down(s, i);
	return IR_OK;
}

/* The smallest current record, or NULL at the end of every run. */
static const struct rec *
heap_top(const struct ir_tl_sort *s)
{
	return s->nheap == 0 ? NULL : run_rec(s, &s->runs[s->heap[0]]);
}

static int
heap_pop(struct ir_tl_sort *s, struct ir_err *e)
{
	struct run *r = &s->runs[s->heap[0]];
	int rc;

	if ((rc = run_advance(s, r, e)) != IR_OK)
		return rc;
	if (r->done)
		s->heap[0] = s->heap[--s->nheap];
	heap_down(s, 0);
	return IR_OK;
}

/* Merge every run into one new run, so that few files stay open. */
static int
merge_all(struct ir_tl_sort *s, struct ir_err *e)
{
	struct run out;
	const struct rec *r;
	size_t i;
	int rc;

	if ((rc = new_tmp(s, &out, e)) != IR_OK)
		goto fail;
	if ((rc = heap_build(s, e)) != IR_OK)
		goto fail;
	while ((r = heap_top(s)) != NULL)
		if ((rc = write_rec(out.fp, r, s->tmpdir, e)) != IR_OK ||
		    (rc = heap_pop(s, e)) != IR_OK)
			goto fail;
	if ((rc = run_rewind(&out, s->tmpdir, e)) != IR_OK)
		goto fail;
	for (i = 0; i < s->nruns; i++)
		run_close(&s->runs[i]);
	s->runs[0] = out;
	s->nruns = 1;
	return IR_OK;
fail:
	if (out.fp != NULL || out.iobuf != NULL)
		run_close(&out);
	return rc;
}

static int
spill(struct ir_tl_sort *s, struct ir_err *e)
{
	struct run *nr, *r;
	size_t i;
	int rc;

	if (s->n == 0)
		return IR_OK;
	qsort(s->v, s->n, sizeof(*s->v), vcmp);
	if ((nr = reallocarray(s->runs, s->nruns + 1, sizeof(*nr))) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	s->runs = nr;
	r = &s->runs[s->nruns];
	if ((rc = new_tmp(s, r, e)) != IR_OK) {
		run_close(r);
		return rc;
	}
	s->nruns++;
	for (i = 0; i < s->n; i++)
		if ((rc = write_rec(r->fp, s->v[i], s->tmpdir, e)) != IR_OK)
			return rc;
	if ((rc = run_rewind(r, s->tmpdir, e)) != IR_OK)
		return rc;
	s->spills++;
	mem_reset(s);
	if (s->nruns >= FAN)
		return merge_all(s, e);
	return IR_OK;
}

static void
put(char **p, const char *s, size_t n)
{
	if (n > 0)
		memcpy(*p, s, n);
	*p += n;
}

int
ir_tl_sort_add(struct ir_tl_sort *s, const struct ir_tl_row *row,
    struct ir_err *e)
{
	const struct ir_tl_entry *en = &row->e;
	struct chunk *c = s->chunks;
	struct rec h, *r, **nv;
	size_t need, csize;
	char *p;

	if (s->merging)
		return ir_err_set(e, IR_EINVAL, 0, "add after read-out");
	if (en->namelen >= NONE || en->inodelen >= NONE ||
	    en->modelen >= NONE || en->pathlen >= NONE ||
	    en->sourcelen >= NONE)
		return ir_err_set(e, IR_ELIMIT, 0, "timeline entry too large");
	memset(&h, 0, sizeof(h));
	h.time = row->time;
	h.seq = s->seq++;
	h.uid = en->uid;
	h.gid = en->gid;
	h.size = en->size;
	h.bits = (row->macb & 0xf) | (en->deleted ? 0x10 : 0);
	h.inodelen = (uint32_t)en->inodelen;
	h.namelen = (uint32_t)en->namelen;
	h.modelen = (uint32_t)en->modelen;
	h.pathlen = en->path != NULL ? (uint32_t)en->pathlen : NONE;
	h.sourcelen = en->source != NULL ? (uint32_t)en->sourcelen : NONE;
	need = (rec_size(&h) + 7) & ~(size_t)7;

	if (s->n == s->alloc) {
		size_t na = s->alloc ? s->alloc * 2 : 4096;

		if ((nv = reallocarray(s->v, na, sizeof(*nv))) == NULL)
			return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
		s->v = nv;
		s->alloc = na;
	}
	if (c == NULL || c->size - c->used < need) {
		csize = need > CHUNK ? need : CHUNK;
		if ((c = malloc(sizeof(*c) + csize)) == NULL)
			return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
		c->size = csize;
		c->used = 0;
		c->next = s->chunks;
		s->chunks = c;
	}
	r = (struct rec *)(void *)(c->data + c->used);
	c->used += need;
	*r = h;
	p = (char *)(r + 1);
	put(&p, en->inode, en->inodelen);
	*p++ = ',';
	put(&p, en->name, en->namelen);
	put(&p, en->mode, en->modelen);
	put(&p, en->path, slen(h.pathlen));
	put(&p, en->source, slen(h.sourcelen));
	s->v[s->n++] = r;
	s->used += need + sizeof(*s->v);
	if (s->used >= s->budget)
		return spill(s, e);
	return IR_OK;
}

/* Start read-out: the records in memory are one more run. */
static int
start(struct ir_tl_sort *s, struct ir_err *e)
{
	struct run *nr;

	s->merging = 1;
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), vcmp);
	if (s->n == 0 && s->nruns == 0)
		return IR_OK;
	if ((nr = reallocarray(s->runs, s->nruns + 1, sizeof(*nr))) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	s->runs = nr;
	memset(&s->runs[s->nruns], 0, sizeof(*nr));
	ir_buf_init(&s->runs[s->nruns].cur, IR_BUF_NOLIMIT);
	s->runs[s->nruns].done = s->n == 0;
	s->nruns++;
	return heap_build(s, e);
}

static void
to_row(const struct rec *r, struct ir_tl_row *row)
{
	const char *p = (const char *)(r + 1);

	memset(row, 0, sizeof(*row));
	row->time = r->time;
	row->macb = r->bits & 0xf;
	row->e.deleted = (r->bits & 0x10) != 0;
	row->e.uid = r->uid;
	row->e.gid = r->gid;
	row->e.size = r->size;
	row->e.inode = p;
	row->e.inodelen = r->inodelen;
	p += r->inodelen + 1;
	row->e.name = p;
	row->e.namelen = r->namelen;
	p += r->namelen;
	row->e.mode = p;
	row->e.modelen = r->modelen;
	p += r->modelen;
	if (r->pathlen != NONE) {
		row->e.path = p;
		row->e.pathlen = r->pathlen;
		p += r->pathlen;
	}
	if (r->sourcelen != NONE) {
		row->e.source = p;
		row->e.sourcelen = r->sourcelen;
	}
	/* The times of the entry are not kept: a row has its one time. */
}

int
ir_tl_sort_next(struct ir_tl_sort *s, struct ir_tl_row *row,
    struct ir_err *e)
{
	const struct rec *r;
	struct rec *pr;
	struct ir_buf t;
	uint32_t bits;
	int rc;

	if (!s->merging && (rc = start(s, e)) != IR_OK)
		return rc;
	for (;;) {
		r = heap_top(s);
		pr = (struct rec *)(void *)s->pend.buf;
		if (r != NULL && s->have_pend && same_key(pr, r)) {
			/* mactime: one row per time, inode and name */
			bits = pr->bits & 0xf;
			ir_buf_reset(&s->pend);
			if ((rc = ir_buf_add(&s->pend, r, rec_size(r), e)) !=
			    IR_OK)
				return rc;
			((struct rec *)(void *)s->pend.buf)->bits |= bits;
			if ((rc = heap_pop(s, e)) != IR_OK)
				return rc;
			continue;
		}
		if (s->have_pend) {
			t = s->out;		/* the row handed out */
			s->out = s->pend;
			s->pend = t;
			s->have_pend = 0;
		}
		if (r != NULL) {
			ir_buf_reset(&s->pend);
			if ((rc = ir_buf_add(&s->pend, r, rec_size(r), e)) !=
			    IR_OK)
				return rc;
			s->have_pend = 1;
			if ((rc = heap_pop(s, e)) != IR_OK)
				return rc;
		}
		if (s->out.len > 0) {
			to_row((const struct rec *)(void *)s->out.buf, row);
			s->out.len = 0;	/* handed out; storage kept */
			return IR_OK;
		}
		if (r == NULL)
			return IR_EOF;
	}
}

/* Decimal digits of v at p; returns the end. */
static char *
put_u64(char *p, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

static char *
put2(char *p, int v)
{
	*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

/*
 * Date of the row as mactime -y prints it, or with the local offset; out
 * holds at least 40 bytes.  Returns the length, 0 when out of range.
 */
static size_t
fmt_date(char *out, int64_t secs, int local, int zero_unknown)
{
	time_t t = (time_t)secs;
	struct tm tm;
	char *p = out;
	long off;
	int y, k;

	if (secs == 0 && zero_unknown) {
		memcpy(out, "0000-00-00T00:00:00Z", 20);
		return 20;
	}
	if ((local ? localtime_r(&t, &tm) : gmtime_r(&t, &tm)) == NULL)
		return 0;
	y = tm.tm_year + 1900;
	if (y < 0 || y > 9999) {	/* rare: no offset, no speed needed */
		k = snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02dZ", y,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		return k > 0 && k < 40 ? (size_t)k : 0;
	}
	p = put2(p, y / 100);
	p = put2(p, y % 100);
	*p++ = '-';
	p = put2(p, tm.tm_mon + 1);
	*p++ = '-';
	p = put2(p, tm.tm_mday);
	*p++ = 'T';
	p = put2(p, tm.tm_hour);
	*p++ = ':';
	p = put2(p, tm.tm_min);
	*p++ = ':';
	p = put2(p, tm.tm_sec);
	if (!local || tm.tm_gmtoff == 0) {
		*p++ = 'Z';
		return (size_t)(p - out);
	}
	off = tm.tm_gmtoff < 0 ? -tm.tm_gmtoff : tm.tm_gmtoff;
	*p++ = tm.tm_gmtoff < 0 ? '-' : '+';
	p = put2(p, (int)(off / 3600 % 100));
	*p++ = ':';
	p = put2(p, (int)(off / 60 % 60));
	return (size_t)(p - out);
}

static int
add_date(struct ir_buf *b, int64_t secs, int local, int zero_unknown,
    struct ir_err *e)
{
	char d[40];
	size_t n = fmt_date(d, secs, local, zero_unknown);

	if (n == 0)
		return ir_err_set(e, IR_EINVAL, 0, "time %" PRId64 " out of "
		    "range", secs);
	return ir_buf_add(b, d, n, e);
}

/* By hand: printf was most of the time of a large timeline. */
int
ir_tl_format_csv(struct ir_buf *b, const struct ir_tl_row *row, int local,
    struct ir_err *e)
{
	const struct ir_tl_entry *en = &row->e;
	const char *q, *s, *end;
	char *p;
	size_t n, need;
	int rc;

	need = 40 + 3 * 21 + 6 + 8 + en->modelen + en->inodelen +
	    2 * en->namelen + 3;
	if ((rc = ir_buf_grow(b, need, e)) != IR_OK)
		return rc;
	p = b->buf + b->len;
	if ((n = fmt_date(p, row->time, local, 1)) == 0)
		return ir_err_set(e, IR_EINVAL, 0, "time %" PRId64 " out of "
		    "range", row->time);
	p += n;
	*p++ = ',';
	p = put_u64(p, en->size);
	*p++ = ',';
	p = ir_tl_macb(row->macb, p) + 4;
	*p++ = ',';
	memcpy(p, en->mode, en->modelen);
	p += en->modelen;
	*p++ = ',';
	p = put_u64(p, en->uid);
	*p++ = ',';
	p = put_u64(p, en->gid);
	*p++ = ',';
	memcpy(p, en->inode, en->inodelen);
	p += en->inodelen;
	*p++ = ',';
	*p++ = '"';
	/* mactime doubles quotes and nothing else */
	end = en->name + en->namelen;
	for (s = en->name; s < end; s = q + 1) {
		if ((q = memchr(s, '"', (size_t)(end - s))) == NULL) {
			memcpy(p, s, (size_t)(end - s));
			p += end - s;
			break;
		}
		memcpy(p, s, (size_t)(q - s) + 1);
		p += q - s + 1;
		*p++ = '"';
	}
	*p++ = '"';
	*p++ = '\n';
	b->len = (size_t)(p - b->buf);
	*p = '\0';
	return IR_OK;
}

static int
json_str(struct ir_buf *b, const char *key, const char *s, size_t n,
    struct ir_err *e)
{
	int rc;

	if ((rc = ir_buf_addf(b, e, ",\"%s\":", key)) != IR_OK ||
	    (rc = ir_json_quote(b, s, n, e)) != IR_OK)
		return rc;
	if (ir_utf8_valid(s, n))
		return IR_OK;
	/* lossless: every byte in <key>_hex */
	if ((rc = ir_buf_addf(b, e, ",\"%s_hex\":\"", key)) != IR_OK ||
	    (rc = ir_buf_addhex(b, s, n, e)) != IR_OK)
		return rc;
	return ir_buf_addch(b, '"', e);
}

int
ir_tl_format_json(struct ir_buf *b, const struct ir_tl_row *row, int local,
    struct ir_err *e)
{
	const struct ir_tl_entry *en = &row->e;
	char macb[5];
	int rc, numeric = en->inodelen > 0 && en->inodelen < 20 &&
	    memchr(en->inode, '-', en->inodelen) == NULL &&
	    (en->inode[0] != '0' || en->inodelen == 1);

	if ((rc = ir_buf_addstr(b, "{\"type\":\"event\",\"time\":\"", e)) !=
	    IR_OK || (rc = add_date(b, row->time, 0, 0, e)) != IR_OK ||
	    (rc = ir_buf_addf(b, e, "\",\"macb\":\"%s\"",
	    ir_tl_macb(row->macb, macb))) != IR_OK ||
	    (rc = json_str(b, "name", en->name, en->namelen, e)) != IR_OK)
		return rc;
	if (en->path != NULL &&
	    (rc = json_str(b, "path", en->path, en->pathlen, e)) != IR_OK)
		return rc;
	/* a number when it is one, as in file records; NTFS's as a string */
	if ((rc = ir_buf_addstr(b, numeric ? ",\"inode\":" : ",\"inode\":\"",
	    e)) != IR_OK ||
	    (rc = ir_buf_add(b, en->inode, en->inodelen, e)) != IR_OK ||
	    (rc = ir_buf_addf(b, e, "%s,\"size\":%" PRIu64, numeric ? "" : "\"",
	    en->size)) != IR_OK ||
	    (rc = json_str(b, "mode", en->mode, en->modelen, e)) != IR_OK ||
	    (rc = ir_buf_addf(b, e, ",\"uid\":%" PRIu64 ",\"gid\":%" PRIu64
	    ",\"deleted\":%s", en->uid, en->gid, en->deleted ? "true" :
	    "false")) != IR_OK)
		return rc;
	if (en->source != NULL &&
	    (rc = json_str(b, "source", en->source, en->sourcelen, e)) != IR_OK)
		return rc;
	if (local && ((rc = ir_buf_addstr(b, ",\"local\":\"", e)) != IR_OK ||
	    (rc = add_date(b, row->time, 1, 0, e)) != IR_OK ||
	    (rc = ir_buf_addch(b, '"', e)) != IR_OK))
		return rc;
	return ir_buf_add(b, "}\n", 2, e);
}
