#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanhit.h"

#define MAXF	(IR_FILE_MAXFIELDS + 12)

/* What the match callbacks need. */
struct hitctx {
	struct scan_thread	*t;
	const struct ir_field	*base;
	size_t			 nbase;
	struct ir_buf		*out;
	struct ir_err		*e;
	int			 hits;
	int			 failed;
};

int
scan_thread_init(struct scan_thread *t, const struct scan_cfg *cfg,
    struct ir_err *e)
{
	memset(t, 0, sizeof(*t));
	ir_buf_init(&t->tmp, IR_BUF_NOLIMIT);
	if (cfg->rules == NULL)
		return IR_OK;
	if (ir_scanner_new(&t->scanner, cfg->rules, e) != IR_OK)
		return e->code;
	ir_scanner_set_timeout(t->scanner, cfg->timeout);
	return IR_OK;
}

void
scan_thread_fini(struct scan_thread *t)
{
	if (t->scanner != NULL)
		ir_scanner_free(t->scanner);
	ir_buf_release(&t->tmp);
}

/* base + extra fields as one line of out. */
static int
emit(struct hitctx *h, const struct ir_field *extra, size_t nextra)
{
	struct ir_field f[MAXF];
	size_t n;

	n = h->nbase < MAXF - nextra ? h->nbase : MAXF - nextra;
	memcpy(f, h->base, n * sizeof(*f));
	memcpy(f + n, extra, nextra * sizeof(*f));
	if (ir_json_record(h->out, f, n + nextra, h->e) != IR_OK ||
	    ir_buf_addch(h->out, '\n', h->e) != IR_OK) {
		h->failed = 1;
		return -1;
	}
	h->hits++;
	return 0;
}

/*
 * JSON of a match's tags, meta and strings into t->tmp; the offsets of
 * the three values come back in at[].
 */
static int
match_json(struct ir_buf *b, const struct ir_match *m, size_t at[3],
    struct ir_err *e)
{
	const struct ir_match_meta *md;
	const struct ir_match_string *ms;
	size_t i;
	int rc;

	ir_buf_reset(b);
	at[0] = b->len;
	rc = ir_buf_addch(b, '[', e);
	for (i = 0; rc == IR_OK && m->tags != NULL && m->tags[i] != NULL; i++) {
		if (i > 0)
			rc = ir_buf_addch(b, ',', e);
		if (rc == IR_OK)
			rc = ir_json_quote(b, m->tags[i], strlen(m->tags[i]), e);
	}
	if (rc == IR_OK)
		rc = ir_buf_addch(b, ']', e);
	if (rc == IR_OK)
		rc = ir_buf_addch(b, '\0', e);
	at[1] = b->len;
	if (rc == IR_OK)
		rc = ir_buf_addch(b, '{', e);
	for (i = 0; rc == IR_OK && i < m->nmeta; i++) {
		md = &m->meta[i];
		if (i > 0)
			rc = ir_buf_addch(b, ',', e);
		if (rc == IR_OK)
			rc = ir_json_quote(b, md->key, strlen(md->key), e);
		if (rc == IR_OK)
			rc = ir_buf_addch(b, ':', e);
		if (rc != IR_OK)
			break;
		if (md->str != NULL)
			rc = ir_json_quote(b, md->str, strlen(md->str), e);
		else if (md->is_bool)
			rc = ir_buf_addstr(b, md->num ? "true" : "false", e);
		else
			rc = ir_buf_addf(b, e, "%" PRId64, md->num);
	}
	if (rc == IR_OK)
		rc = ir_buf_addch(b, '}', e);
	if (rc == IR_OK)
		rc = ir_buf_addch(b, '\0', e);
	at[2] = b->len;
	if (rc == IR_OK)
		rc = ir_buf_addch(b, '[', e);
	for (i = 0; rc == IR_OK && i < m->nstrings; i++) {
		ms = &m->strings[i];
		rc = ir_buf_addf(b, e, "%s{\"id\":", i > 0 ? "," : "");
		if (rc == IR_OK)
			rc = ir_json_quote(b, ms->id, strlen(ms->id), e);
		if (rc == IR_OK)
			rc = ir_buf_addf(b, e, ",\"offset\":%" PRIu64
			    ",\"data_hex\":\"", ms->offset);
		if (rc == IR_OK)
			rc = ir_buf_addhex(b, ms->data, ms->len, e);
		if (rc == IR_OK)
			rc = ir_buf_addstr(b, "\"}", e);
	}
	if (rc == IR_OK)
		rc = ir_buf_addch(b, ']', e);
	if (rc == IR_OK)
		rc = ir_buf_addch(b, '\0', e);
	return rc;
}

static int
on_match(const struct ir_match *m, void *arg)
{
	struct hitctx *h = arg;
	struct ir_field f[8];
	size_t at[3], n = 0;

	if (match_json(&h->t->tmp, m, at, h->e) != IR_OK) {
		h->failed = 1;
		return 1;
	}
	f[n++] = IR_FSTR("rule", m->rule);
	if (m->ns != NULL)
		f[n++] = IR_FSTR("namespace", m->ns);
	f[n++] = IR_FRAW("tags", h->t->tmp.buf + at[0]);
	f[n++] = IR_FRAW("meta", h->t->tmp.buf + at[1]);
	f[n++] = IR_FRAW("strings", h->t->tmp.buf + at[2]);
	if (m->nstrings_total > m->nstrings)
		f[n++] = IR_FU64("strings_total", m->nstrings_total);
	return emit(h, f, n) != 0;
}

static void
on_name(const struct ir_name_hit *nh, void *arg)
{
	struct hitctx *h = arg;
	struct ir_field f[6];
	char where[512];
	size_t n = 0;

	(void)snprintf(where, sizeof(where), "%s:%d", nh->source, nh->line);
	f[n++] = IR_FSTR("ioc", "filename");
	f[n++] = IR_FSTR("pattern", nh->pattern);
	f[n++] = IR_FI64("score", nh->score);
	f[n++] = IR_FSTR("ioc_source", where);
	if (nh->comment != NULL)
		f[n++] = IR_FSTR("note", nh->comment);
	(void)emit(h, f, n);
}

/* The extension external: lower case, without the dot, "" if none. */
static void
extension(const char *name, char *out, size_t sz)
{
	const char *dot = name != NULL ? strrchr(name, '.') : NULL;
	size_t i;

	out[0] = '\0';
	if (dot == NULL || dot == name || dot[1] == '\0')
		return;
	for (i = 0; dot[i + 1] != '\0' && i + 1 < sz; i++)
		out[i] = (char)tolower((unsigned char)dot[i + 1]);
	out[i] = '\0';
}

/* A scan cut short (timeout, too many matches, stopped) fails the item. */
static void
yara(struct hitctx *h, const void *buf, size_t n,
    const struct ir_scan_vars *v)
{
	struct ir_err e;

	if (h->t->scanner != NULL && ir_scanner_scan(h->t->scanner, buf, n, v,
	    on_match, h, &e) != IR_OK && !h->failed) {
		*h->e = e;
		h->failed = 1;
	}
}

int
scan_file(struct scan_thread *t, const struct scan_cfg *cfg,
    const struct ir_file *f, const void *buf, size_t n, struct ir_buf *out,
    struct ir_err *e)
{
	struct ir_field base[IR_FILE_MAXFIELDS];
	char scratch[IR_FILE_SCRATCH][IR_HASH_MAXLEN * 2 + 1];
	struct ir_scan_vars v;
	struct hitctx h;
	struct ir_field x[2];
	const char *note;
	char ext[32], owner[16];

	memset(&h, 0, sizeof(h));
	h.t = t;
	h.base = base;
	h.nbase = ir_file_fields(f, base, scratch);
	h.out = out;
	h.e = e;
	if (h.nbase > 0 && strcmp(base[0].key, "type") == 0)
		base[0] = IR_FSTR("type", "match");
	if (cfg->names != NULL && f->path != NULL)
		(void)ir_names_match(cfg->names, f->path, on_name, &h);
	if (cfg->hashes != NULL && f->digest.algs != 0 &&
	    ir_hashset_match(cfg->hashes, &f->digest, &note)) {
		x[0] = IR_FSTR("ioc", "hash");
		if (note != NULL)
			x[1] = IR_FSTR("note", note);
		(void)emit(&h, x, note != NULL ? 2 : 1);
	}
	if (buf != NULL) {
		extension(f->name, ext, sizeof(ext));
		(void)snprintf(owner, sizeof(owner), "%u", f->uid);
		v.filename = f->name != NULL ? f->name : "";
		v.filepath = f->path != NULL ? f->path : "";
		v.extension = ext;
		v.filetype = ir_yara_filetype(buf, n);
		v.owner = owner;
		yara(&h, buf, n, &v);
	}
	return h.failed ? -1 : h.hits;
}

int
scan_bytes(struct scan_thread *t, const struct ir_field *base, size_t nbase, const void *buf, size_t n,
    const struct ir_scan_vars *v, struct ir_buf *out, struct ir_err *e)
{
	struct hitctx h;

	memset(&h, 0, sizeof(h));
	h.t = t;
	h.base = base;
	h.nbase = nbase;
	h.out = out;
	h.e = e;
	yara(&h, buf, n, v);
	return h.failed ? -1 : h.hits;
}
