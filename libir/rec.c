#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ir/buf.h"
#include "ir/error.h"
#include "ir/rec.h"
#include "ir_private.h"

struct ir_writer {
	enum ir_format		 fmt;
	FILE			*fp;
	const char *const	*columns;
	size_t			 ncols;
	int			 header_done;
	struct ir_buf		 line;
};

static const char *const format_names[] = {
	[IR_FMT_JSONL] = "jsonl",
	[IR_FMT_CSV] = "csv",
	[IR_FMT_BODY] = "body",
};

int
ir_format_lookup(const char *name, enum ir_format *fmt, struct ir_err *e)
{
	size_t i;

	for (i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++)
		if (strcmp(name, format_names[i]) == 0) {
			*fmt = (enum ir_format)i;
			return IR_OK;
		}
	return ir_err_set(e, IR_EINVAL, 0,
	    "unknown format '%s' (want jsonl, csv or body)", name);
}

/*
 * Length of the valid UTF-8 sequence at p (at most n bytes), or 0 when
 * the byte there does not start one: overlong forms, surrogates, values
 * past U+10FFFF and NUL are all rejected.
 */
static size_t
utf8_seq(const unsigned char *p, size_t n)
{
	uint32_t c;
	size_t len, i;

	if (p[0] == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		c = p[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	return len;
}

int
ir_utf8_valid(const void *s, size_t n)
{
	const unsigned char *p = s;
	size_t i = 0, k;

	while (i < n) {
		if ((k = utf8_seq(p + i, n - i)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

/* Append the bytes, replacing every invalid one with U+FFFD. */
static int
add_lossy(struct ir_buf *b, const unsigned char *p, size_t n,
    struct ir_err *e)
{
	size_t i = 0, run = 0, k;
	int rc;

	/* Valid runs go in whole: names are mostly ASCII. */
	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = utf8_seq(p + i, n - i)) != 0) {
			i += k;
			continue;
		}
		if ((rc = ir_buf_add(b, p + run, i - run, e)) != IR_OK ||
		    (rc = ir_buf_add(b, "\xef\xbf\xbd", 3, e)) != IR_OK)
			return rc;
		run = ++i;
	}
	return ir_buf_add(b, p + run, n - run, e);
}

/*
 * nul_ok: a NUL is written as \u0000 (lossless, for ir_json_quote) or,
 * in a record, as U+FFFD beside its _hex twin: many JSON readers (jansson
 * by default) refuse \u0000.
 */
static int
json_quote(struct ir_buf *b, const void *s, size_t n, int nul_ok,
    struct ir_err *e)
{
	const unsigned char *p = s;
	size_t i = 0, k;
	int rc = ir_buf_addch(b, '"', e);

	while (rc == IR_OK && i < n) {
		unsigned char c = p[i];

		/* A run of printable ASCII needs no escape: copy it whole. */
		for (k = i; k < n && p[k] >= 0x20 && p[k] < 0x7f &&
		    p[k] != '"' && p[k] != '\\'; k++)
			;
		if (k > i) {
			rc = ir_buf_add(b, p + i, k - i, e);
			i = k;
			continue;
		}
		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };
			rc = ir_buf_add(b, esc, 2, e);
			k = 1;
		} else if (c == '\n') {
			rc = ir_buf_add(b, "\\n", 2, e);
			k = 1;
		} else if (c == '\t') {
			rc = ir_buf_add(b, "\\t", 2, e);
			k = 1;
		} else if (c == '\r') {
			rc = ir_buf_add(b, "\\r", 2, e);
			k = 1;
		} else if (c == '\0' && !nul_ok) {
			rc = ir_buf_add(b, "\xef\xbf\xbd", 3, e);
			k = 1;
		} else if (c < 0x20 || c == 0x7f) {
			rc = ir_buf_addf(b, e, "\\u%04x", c);
			k = 1;
		} else if ((k = utf8_seq(p + i, n - i)) == 0) {
			rc = ir_buf_add(b, "\xef\xbf\xbd", 3, e);
			k = 1;
		} else
			rc = ir_buf_add(b, p + i, k, e);
		i += k;
	}
	return rc == IR_OK ? ir_buf_addch(b, '"', e) : rc;
}

int
ir_json_quote(struct ir_buf *b, const void *s, size_t n, struct ir_err *e)
{
	return json_quote(b, s, n, 1, e);
}

int
ir_json_strv(struct ir_buf *b, char *const *v, size_t n, struct ir_err *e)
{
	size_t i;
	int rc;

	rc = ir_buf_addch(b, '[', e);
	for (i = 0; rc == IR_OK && i < n; i++) {
		if (i > 0)
			rc = ir_buf_addch(b, ',', e);
		if (rc == IR_OK)
			rc = json_quote(b, v[i], strlen(v[i]), 1, e);
	}
	return rc == IR_OK ? ir_buf_addch(b, ']', e) : rc;
}

int
ir_writer_open(struct ir_writer **wp, enum ir_format fmt, FILE *fp,
    const char *const *columns, struct ir_err *e)
{
	struct ir_writer *w;

	*wp = NULL;
	if (fmt == IR_FMT_CSV && columns == NULL)
		return ir_err_set(e, IR_EINVAL, 0, "csv needs a column list");
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	w->fmt = fmt;
	w->fp = fp;
	w->columns = columns;
	while (columns != NULL && columns[w->ncols] != NULL)
		w->ncols++;
	ir_buf_init(&w->line, IR_BUF_NOLIMIT);
	*wp = w;
	return IR_OK;
}

static int
add_time(struct ir_buf *b, const struct ir_time *t, struct ir_err *e)
{
	char s[IR_TIME_STRLEN];

	return ir_buf_addstr(b, ir_time_iso(t, s, sizeof(s)), e);
}

static int
json_record(struct ir_writer *w, const struct ir_field *f, size_t n,
    struct ir_err *e)
{
	return ir_json_record(&w->line, f, n, e);
}

int
ir_json_record(struct ir_buf *b, const struct ir_field *f, size_t n,
    struct ir_err *e)
{
	size_t i;
	int rc = ir_buf_addch(b, '{', e), first = 1;

	for (i = 0; rc == IR_OK && i < n; i++) {
		if (f[i].type == IR_F_TIME && !f[i].t.valid)
			continue;
		if (!first && (rc = ir_buf_addch(b, ',', e)) != IR_OK)
			break;
		first = 0;
		if ((rc = ir_json_quote(b, f[i].key, strlen(f[i].key), e)) != IR_OK ||
		    (rc = ir_buf_addch(b, ':', e)) != IR_OK)
			break;
		switch (f[i].type) {
		case IR_F_STR:
			rc = json_quote(b, f[i].s, f[i].n, 0, e);
			if (rc == IR_OK && !ir_utf8_valid(f[i].s, f[i].n)) {
				rc = ir_buf_addf(b, e, ",\"%s_hex\":\"", f[i].key);
				if (rc == IR_OK)
					rc = ir_buf_addhex(b, f[i].s, f[i].n, e);
				if (rc == IR_OK)
					rc = ir_buf_addch(b, '"', e);
			}
			break;
		case IR_F_U64:
			rc = ir_buf_addf(b, e, "%" PRIu64, f[i].u);
			break;
		case IR_F_I64:
			rc = ir_buf_addf(b, e, "%" PRId64, f[i].i);
			break;
		case IR_F_TIME:
			if ((rc = ir_buf_addch(b, '"', e)) == IR_OK &&
			    (rc = add_time(b, &f[i].t, e)) == IR_OK)
				rc = ir_buf_addch(b, '"', e);
			break;
		case IR_F_BOOL:
			rc = ir_buf_addstr(b, f[i].u ? "true" : "false", e);
			break;
		case IR_F_RAW:
			rc = ir_buf_add(b, f[i].s, f[i].n, e);
			break;
		}
	}
	return rc == IR_OK ? ir_buf_addch(b, '}', e) : rc;
}

static const struct ir_field *
find_field(const struct ir_field *f, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(f[i].key, key) == 0)
			return &f[i];
	return NULL;
}

/* RFC 4180: quote when the field has a comma, quote, CR or LF. */
static int
csv_cell(struct ir_buf *b, const char *s, size_t n, struct ir_err *e)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' ||
		    s[i] == '\n' || s[i] == '\0')
			break;
	if (i == n)
		return add_lossy(b, (const unsigned char *)s, n, e);
	if ((rc = ir_buf_addch(b, '"', e)) != IR_OK)
		return rc;
	for (i = 0; i < n && rc == IR_OK; i++) {
		if (s[i] == '"')
			rc = ir_buf_add(b, "\"\"", 2, e);
		else if (s[i] == '\0')
			rc = ir_buf_add(b, "\xef\xbf\xbd", 3, e);
		else {
			size_t k = utf8_seq((const unsigned char *)s + i, n - i);

			if (k == 0)
				rc = ir_buf_add(b, "\xef\xbf\xbd", 3, e);
			else {
				rc = ir_buf_add(b, s + i, k, e);
				i += k - 1;
			}
		}
	}
	return rc == IR_OK ? ir_buf_addch(b, '"', e) : rc;
}

static int
csv_value(struct ir_buf *b, const struct ir_field *f, struct ir_err *e)
{
	switch (f->type) {
	case IR_F_STR:
	case IR_F_RAW:
		return csv_cell(b, f->s, f->n, e);
	case IR_F_U64:
		return ir_buf_addf(b, e, "%" PRIu64, f->u);
	case IR_F_I64:
		return ir_buf_addf(b, e, "%" PRId64, f->i);
	case IR_F_TIME:
		return f->t.valid ? add_time(b, &f->t, e) : IR_OK;
	case IR_F_BOOL:
		return ir_buf_addstr(b, f->u ? "true" : "false", e);
	}
	return IR_OK;
}

static int
csv_header(struct ir_writer *w, struct ir_err *e)
{
	struct ir_buf *b = &w->line;
	size_t i;
	int rc = IR_OK;

	for (i = 0; rc == IR_OK && i < w->ncols; i++) {
		if (i > 0)
			rc = ir_buf_addch(b, ',', e);
		if (rc == IR_OK)
			rc = ir_buf_addstr(b, w->columns[i], e);
	}
	if (rc == IR_OK)
		rc = ir_buf_addch(b, '\n', e);
	w->header_done = 1;
	return rc;
}

int
ir_writer_begin(struct ir_writer *w, struct ir_err *e)
{
	int rc;

	if (w->fmt != IR_FMT_CSV || w->header_done)
		return IR_OK;
	ir_buf_reset(&w->line);
	if ((rc = csv_header(w, e)) != IR_OK)
		return rc;
	if (fwrite(w->line.buf, 1, w->line.len, w->fp) != w->line.len)
		return ir_err_set(e, IR_EIO, errno, "cannot write output");
	return IR_OK;
}

void
ir_writer_continue(struct ir_writer *w)
{
	w->header_done = 1;
}

static int
csv_record(struct ir_writer *w, const struct ir_field *f, size_t n,
    struct ir_err *e)
{
	struct ir_buf *b = &w->line;
	const struct ir_field *v;
	size_t i, kl;
	int rc = IR_OK;

	if (!w->header_done)
		rc = csv_header(w, e);
	for (i = 0; rc == IR_OK && i < w->ncols; i++) {
		if (i > 0 && (rc = ir_buf_addch(b, ',', e)) != IR_OK)
			break;
		if ((v = find_field(f, n, w->columns[i])) != NULL) {
			rc = csv_value(b, v, e);
			continue;
		}
		/* "path_hex": filled when "path" is not valid UTF-8 */
		kl = strlen(w->columns[i]);
		if (kl > 4 && strcmp(w->columns[i] + kl - 4, "_hex") == 0) {
			char key[64];

			if (kl - 4 >= sizeof(key))
				continue;
			memcpy(key, w->columns[i], kl - 4);
			key[kl - 4] = '\0';
			v = find_field(f, n, key);
			if (v != NULL && v->type == IR_F_STR &&
			    !ir_utf8_valid(v->s, v->n))
				rc = ir_buf_addhex(b, v->s, v->n, e);
		}
	}
	return rc;
}

/*
 * TSK's mode string: name type, '/', meta type and permission bits; 'v'
 * and 'V' for libtsk's virtual files and directories; no permissions for
 * a name whose inode could not be read.
 */
static char
body_type(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:	return 'r';
	case S_IFDIR:	return 'd';
	case S_IFLNK:	return 'l';
	case S_IFCHR:	return 'c';
	case S_IFBLK:	return 'b';
	case S_IFIFO:	return 'p';
	case S_IFSOCK:	return 'h';
	default:	return '-';
	}
}

static char
kind_type(const char *kind)
{
	static const char *const kinds[] = { "reg", "dir", "lnk", "chr",
	    "blk", "fifo", "sock" };
	static const char types[] = "rdlcbph";
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kind, kinds[i]) == 0)
			return types[i];
	return '-';
}

void
ir__body_mode(uint32_t mode, int virt, int no_meta, const char *name_kind,
    char out[13])
{
	static const char rwx[] = "rwxrwxrwx";
	char t = body_type(mode);
	int i;

	if (virt)
		t = S_ISDIR(mode) ? 'V' : 'v';
	out[0] = name_kind != NULL ? kind_type(name_kind) : t;
	out[1] = '/';
	out[2] = no_meta ? '-' : t;
	for (i = 0; i < 9; i++)
		out[3 + i] = (mode & (1U << (8 - i))) ? rwx[i] : '-';
	if (mode & S_ISUID)
		out[5] = out[5] == 'x' ? 's' : 'S';
	if (mode & S_ISGID)
		out[8] = out[8] == 'x' ? 's' : 'S';
	if (mode & S_ISVTX)
		out[11] = out[11] == 'x' ? 't' : 'T';
	out[12] = '\0';
}

/*
 * Bodyfile columns are TSK's: md5|name|inode|mode|uid|gid|size|atime|
 * mtime|ctime|crtime.  The format cannot escape '|' or newlines: like fls
 * we replace control characters and '|' in names (jsonl keeps them exact).
 */
static int
body_name(struct ir_buf *b, const char *s, size_t n, struct ir_err *e)
{
	size_t i, start = b->len;
	int rc;

	if ((rc = add_lossy(b, (const unsigned char *)s, n, e)) != IR_OK)
		return rc;
	for (i = start; i < b->len; i++)
		if ((unsigned char)b->buf[i] < 0x20 || b->buf[i] == 0x7f ||
		    b->buf[i] == '|')
			b->buf[i] = '^';
	return IR_OK;
}




/* The fields a bodyfile line needs, gathered in one pass. */
struct body {
	const struct ir_field	*md5, *path, *link, *attr, *name_kind;
	uint32_t		 mode;
	uint64_t		 inode, uid, gid, size;
	int64_t			 atime, mtime, ctime, crtime;
	int			 deleted, realloc, fname, virt, no_meta;
};

static void
body_take(struct body *bd, const struct ir_field *v)
{
	const char *k = v->key;
	int64_t t = v->type == IR_F_TIME && v->t.valid ? v->t.sec : 0;
	int yes = v->type == IR_F_BOOL && v->u;

	/* First letter, then the name: records have some thirty fields. */
	switch (k[0]) {
	case 'a':
		if (strcmp(k, "atime") == 0)
			bd->atime = t;
		else if (strcmp(k, "attr") == 0 && v->type == IR_F_STR)
			bd->attr = v;
		break;
	case 'c':
		if (strcmp(k, "ctime") == 0)
			bd->ctime = t;
		else if (strcmp(k, "crtime") == 0)
			bd->crtime = t;
		break;
	case 'd':
		if (strcmp(k, "deleted") == 0)
			bd->deleted = yes;
		break;
	case 'f':
		if (strcmp(k, "fname_times") == 0)
			bd->fname = yes;
		break;
	case 'g':
		if (strcmp(k, "gid") == 0 && v->type == IR_F_U64)
			bd->gid = v->u;
		break;
	case 'i':
		if (strcmp(k, "inode") == 0 && v->type == IR_F_U64)
			bd->inode = v->u;
		break;
	case 'l':
		if (strcmp(k, "link") == 0)
			bd->link = v;
		break;
	case 'm':
		if (strcmp(k, "mtime") == 0)
			bd->mtime = t;
		else if (strcmp(k, "md5") == 0)
			bd->md5 = v;
		else if (strcmp(k, "mode") == 0 && v->type == IR_F_STR)
			bd->mode = (uint32_t)strtoul(v->s, NULL, 8);
		break;
	case 'n':
		if (strcmp(k, "name_kind") == 0 && v->type == IR_F_STR)
			bd->name_kind = v;
		else if (strcmp(k, "no_meta") == 0)
			bd->no_meta = yes;
		break;
	case 'p':
		if (strcmp(k, "path") == 0)
			bd->path = v;
		break;
	case 'r':
		if (strcmp(k, "realloc") == 0)
			bd->realloc = yes;
		break;
	case 's':
		if (strcmp(k, "size") == 0 && v->type == IR_F_U64)
			bd->size = v->u;
		break;
	case 'u':
		if (strcmp(k, "uid") == 0 && v->type == IR_F_U64)
			bd->uid = v->u;
		break;
	case 'v':
		if (strcmp(k, "virtual") == 0)
			bd->virt = yes;
		break;
	}
}

/*
 * v in decimal at t; returns the end.  sgn: v is signed, else it is the
 * bits of a uint64_t.
 */
static char *
put_i64(char *t, int64_t v, int sgn)
{
	char d[24], *p = d + sizeof(d);
	uint64_t u = (uint64_t)v;

	if (sgn && v < 0) {
		*t++ = '-';
		u = 0 - u;
	}
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	memcpy(t, p, (size_t)(d + sizeof(d) - p));
	return t + (d + sizeof(d) - p);
}

static int
body_record(struct ir_writer *w, const struct ir_field *f, size_t n,
    struct ir_err *e)
{
	struct ir_buf *b = &w->line;
	struct body bd;
	char mode[13], tail[256], *t;
	size_t i;
	int rc, k;

	memset(&bd, 0, sizeof(bd));
	for (i = 0; i < n; i++)
		body_take(&bd, &f[i]);
	rc = bd.md5 != NULL ? ir_buf_add(b, bd.md5->s, bd.md5->n, e) :
	    ir_buf_addch(b, '0', e);
	if (rc == IR_OK)
		rc = ir_buf_addch(b, '|', e);
	if (rc == IR_OK && bd.path != NULL)
		rc = body_name(b, bd.path->s, bd.path->n, e);
	if (rc == IR_OK && bd.link != NULL &&
	    (rc = ir_buf_addstr(b, " -> ", e)) == IR_OK)
		rc = body_name(b, bd.link->s, bd.link->n, e);
	if (rc == IR_OK && bd.fname)
		rc = ir_buf_addstr(b, " ($FILE_NAME)", e);
	if (rc == IR_OK && bd.deleted)
		rc = ir_buf_addstr(b, bd.realloc ? " (deleted-realloc)" :
		    " (deleted)", e);
	ir__body_mode(bd.mode, bd.virt, bd.no_meta,
	    bd.name_kind != NULL ? bd.name_kind->s : NULL, mode);
	if (rc != IR_OK)
		return rc;
	/*
	 * "|inode[-type-id]|mode|uid|gid|size|atime|mtime|ctime|crtime", by
	 * hand: printf is a tenth of a bodyfile walk.
	 */
	t = tail;
	*t++ = '|';
	t = put_i64(t, (int64_t)bd.inode, 0);
	if (bd.attr != NULL && bd.attr->n < 64) {
		*t++ = '-';
		memcpy(t, bd.attr->s, bd.attr->n);
		t += bd.attr->n;
	}
	*t++ = '|';
	k = strlen(mode);
	memcpy(t, mode, (size_t)k);
	t += k;
	*t++ = '|';
	t = put_i64(t, (int64_t)bd.uid, 0);
	*t++ = '|';
	t = put_i64(t, (int64_t)bd.gid, 0);
	*t++ = '|';
	t = put_i64(t, (int64_t)bd.size, 0);
	*t++ = '|';
	t = put_i64(t, bd.atime, 1);
	*t++ = '|';
	t = put_i64(t, bd.mtime, 1);
	*t++ = '|';
	t = put_i64(t, bd.ctime, 1);
	*t++ = '|';
	t = put_i64(t, bd.crtime, 1);
	return ir_buf_add(b, tail, (size_t)(t - tail), e);
}

int
ir_writer_record(struct ir_writer *w, const struct ir_field *f, size_t n,
    struct ir_err *e)
{
	int rc;

	ir_buf_reset(&w->line);
	switch (w->fmt) {
	case IR_FMT_JSONL:
		rc = json_record(w, f, n, e);
		break;
	case IR_FMT_CSV:
		rc = csv_record(w, f, n, e);
		break;
	default:
		rc = body_record(w, f, n, e);
		break;
	}
	if (rc == IR_OK)
		rc = ir_buf_addch(&w->line, '\n', e);
	if (rc != IR_OK)
		return rc;
	if (fwrite(w->line.buf, 1, w->line.len, w->fp) != w->line.len)
		return ir_err_set(e, IR_EIO, errno, "cannot write output");
	return IR_OK;
}

int
ir_writer_close(struct ir_writer *w, struct ir_err *e)
{
	int rc = IR_OK;

	if (w == NULL)
		return IR_OK;
	if (fflush(w->fp) != 0 || ferror(w->fp))
		rc = ir_err_set(e, IR_EIO, errno, "cannot write output");
	ir_buf_release(&w->line);
	free(w);
	return rc;
}

const char *const ir_file_columns[] = {
	"type", "source", "path", "path_hex", "kind", "inode", "size", "mode",
	"uid", "gid", "nlink", "mtime", "atime", "ctime", "crtime", "deleted",
	"link", "link_hex", "md5", "sha1", "sha256", "mime", "mime_mismatch",
	"known", "known_note", "changed", "skipped", "error", "fstype", "part",
	"part_start", "stream", "attr", "fname_times", "realloc", "virtual",
	"no_meta", "name_kind", "partial", "recovered", NULL
};

size_t
ir_file_fields(const struct ir_file *fi, struct ir_field *f,
    char scratch[IR_FILE_SCRATCH][IR_HASH_MAXLEN * 2 + 1])
{
	size_t n = 0;
	int a;

	f[n++] = IR_FSTR("type", "file");
	if (fi->source != NULL)
		f[n++] = IR_FSTR("source", fi->source);
	f[n++] = IR_FBYTES("path", fi->path, fi->pathlen);
	f[n++] = IR_FSTR("kind", ir_file_kind(fi->mode));
	f[n++] = IR_FU64("inode", fi->inode);
	f[n++] = IR_FU64("size", fi->size);
	(void)snprintf(scratch[0], sizeof(scratch[0]), "%06o", fi->mode);
	f[n++] = IR_FSTR("mode", scratch[0]);
	f[n++] = IR_FU64("uid", fi->uid);
	f[n++] = IR_FU64("gid", fi->gid);
	f[n++] = IR_FU64("nlink", fi->nlink);
	f[n++] = IR_FTIME("mtime", fi->mtime);
	f[n++] = IR_FTIME("atime", fi->atime);
	f[n++] = IR_FTIME("ctime", fi->ctime);
	f[n++] = IR_FTIME("crtime", fi->crtime);
	f[n++] = IR_FBOOL("deleted", fi->deleted);
	if (fi->link != NULL)
		f[n++] = IR_FBYTES("link", fi->link, fi->linklen);
	for (a = 0; a < IR_HASH_NALG; a++) {
		if (!(fi->digest.algs & IR_HASH_BIT(a)))
			continue;
		ir_digest_hex(&fi->digest, a, scratch[1 + a]);
		f[n++] = IR_FSTR(ir_hash_name(a), scratch[1 + a]);
	}
	if (fi->mime[0] != '\0')
		f[n++] = IR_FSTR("mime", fi->mime);
	if (fi->mime_mismatch)
		f[n++] = IR_FBOOL("mime_mismatch", 1);
	if (fi->known != IR_KNOWN_NONE)
		f[n++] = IR_FSTR("known",
		    fi->known == IR_KNOWN_BAD ? "bad" : "good");
	if (fi->known_note != NULL && fi->known_note[0] != '\0')
		f[n++] = IR_FSTR("known_note", fi->known_note);
	if (fi->changed)
		f[n++] = IR_FBOOL("changed", 1);
	if (fi->skipped != NULL)
		f[n++] = IR_FSTR("skipped", fi->skipped);
	if (fi->error[0] != '\0')
		f[n++] = IR_FSTR("error", fi->error);
	if (fi->fstype == NULL)
		return n;
	f[n++] = IR_FSTR("fstype", fi->fstype);
	if (fi->part >= 0) {
		f[n++] = IR_FU64("part", (uint64_t)fi->part);
		f[n++] = IR_FU64("part_start", fi->part_start);
	}
	if (fi->stream != NULL)
		f[n++] = IR_FSTR("stream", fi->stream);
	if (fi->attr_type != 0) {
		(void)snprintf(scratch[4], sizeof(scratch[4]), "%" PRIu32 "-%u",
		    fi->attr_type, (unsigned)fi->attr_id);
		f[n++] = IR_FSTR("attr", scratch[4]);
	}
	if (fi->fname_times)
		f[n++] = IR_FBOOL("fname_times", 1);
	if (fi->realloc)
		f[n++] = IR_FBOOL("realloc", 1);
	if (fi->virt)
		f[n++] = IR_FBOOL("virtual", 1);
	if (fi->no_meta)
		f[n++] = IR_FBOOL("no_meta", 1);
	if (fi->name_untyped)
		f[n++] = IR_FSTR("name_kind", "?");
	else if (fi->name_type != 0)
		f[n++] = IR_FSTR("name_kind", ir_file_kind(fi->name_type));
	if (fi->partial) {
		f[n++] = IR_FBOOL("partial", 1);
		f[n++] = IR_FU64("recovered", fi->recovered);
	}
	return n;
}
