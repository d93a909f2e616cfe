/*
 * pack_read: read an evidence package (untrusted) through libarchive and
 * check it: every member against the manifests, the manifests against
 * the tag manifest, the custody chain against bag-info.txt and against
 * the outputs it logged.  Every problem is reported, not just the first.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>

#include "ir/age.h"
#include "ir/bagit.h"
#include "ir/buf.h"
#include "ir/case.h"
#include "ir/error.h"
#include "ir/hash.h"
#include "ir/pack.h"

#define RBUF		(256U << 10)
#define MAX_NAME	IR_PACK_MAX_NAME
#define MAX_NAMES	(1ULL << 30)	/* bytes of all names kept */
#define MAX_LINE	(MAX_NAME * 3 + 128)
#define MAX_TAG		(1U << 20)
#define MAX_CUSTODY	(256U << 20)

enum {
	E_REG = 1 << 0,
	E_DIR = 1 << 1,
	E_LINK = 1 << 2,
	E_IN_MANIFEST = 1 << 3,
	E_IN_LINKS = 1 << 4,
	E_IN_TAGS = 1 << 5,
};
#define E_MEMBER	(E_REG | E_DIR | E_LINK)
#define E_LISTED	(E_IN_MANIFEST | E_IN_LINKS | E_IN_TAGS)

struct ent {
	char		*path;		/* relative to the top directory */
	size_t		 len;
	uint64_t	 size;
	unsigned int	 flags;
	unsigned char	 sha[32];	/* content, or a link's target */
	unsigned char	 lsha[32];	/* what a manifest lists */
};

enum which { W_NONE, W_MANIFEST, W_LINKS, W_TAGS };

struct lines {
	enum which	 which;
	const char	*file;
	struct ir_buf	 line;
	uint64_t	 lineno;
	int		 overflow;
};

struct ver {
	const struct ir_verify_opts *o;
	struct ir_verify_info *info;
	struct ent	**tab;
	size_t		 cap, n;
	uint64_t	 max, namebytes;
	struct ir_hash	*h;
	unsigned char	*rbuf;		/* what the source gives libarchive */
	unsigned char	*dbuf;		/* member data from libarchive */
	/* the source, with the first bytes peeked at */
	unsigned char	 peek[32];
	size_t		 peeklen, peekoff;
	struct ir_age_dec *age;		/* decrypting, when encrypted */
	struct ir_err	 rerr;
	int		 read_failed, intr;
	/* the top directory */
	char		 top[IR_PACK_TOPMAX];
	size_t		 toplen;
	int		 have_top;
	/* captured tag files */
	struct ir_buf	 bagit, baginfo, tags, casejson, custody;
	int		 have_bagit, have_baginfo, have_tags, have_case,
			 have_custody, have_manifest;
	struct lines	 ln;
	struct ir_buf	 tmp, path;
	int		 limit;		/* IR_ELIMIT hit */
};

const char *
ir_pack_kind_name(enum ir_pack_kind k)
{
	static const char *const names[] = {
		"missing", "extra", "altered", "duplicate", "unsafe",
		"malformed", "custody", "seal", "truncated",
	};

	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] :
	    "unknown";
}

static void
vreport(struct ver *v, enum ir_pack_kind kind, const char *path, size_t n,
    const char *fmt, va_list ap)
{
	struct ir_pack_problem pr;
	char detail[1024];

	(void)vsnprintf(detail, sizeof(detail), fmt, ap);
	pr.kind = kind;
	pr.path = path;
	pr.pathlen = n;
	pr.detail = detail;
	v->info->problems++;
	if (v->o->problem != NULL)
		v->o->problem(v->o->arg, &pr);
}

static void
report(struct ver *v, enum ir_pack_kind kind, const char *path, size_t n,
    const char *fmt, ...) __attribute__((__format__(printf, 5, 6)));

static void
report(struct ver *v, enum ir_pack_kind kind, const char *path, size_t n,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(v, kind, path, n, fmt, ap);
	va_end(ap);
}

/* Report about a path relative to the top: give the member's full name. */
static void
report_rel(struct ver *v, enum ir_pack_kind kind, const char *rel, size_t n,
    const char *fmt, ...) __attribute__((__format__(printf, 5, 6)));

static void
report_rel(struct ver *v, enum ir_pack_kind kind, const char *rel, size_t n,
    const char *fmt, ...)
{
	va_list ap;

	ir_buf_reset(&v->path);
	if (ir_buf_addf(&v->path, NULL, "%s/", v->have_top ? v->top : "?") !=
	    IR_OK || ir_buf_add(&v->path, rel, n, NULL) != IR_OK)
		ir_buf_reset(&v->path);
	va_start(ap, fmt);
	vreport(v, kind, v->path.buf, v->path.len, fmt, ap);
	va_end(ap);
}

static uint64_t
fnv(const char *p, size_t n)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static int
grow(struct ver *v, struct ir_err *e)
{
	struct ent **t;
	size_t i, j, cap = v->cap ? v->cap * 2 : 1024;

	if ((t = calloc(cap, sizeof(*t))) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	for (i = 0; i < v->cap; i++) {
		if (v->tab[i] == NULL)
			continue;
		for (j = fnv(v->tab[i]->path, v->tab[i]->len) & (cap - 1);
		    t[j] != NULL; j = (j + 1) & (cap - 1))
			;
		t[j] = v->tab[i];
	}
	free(v->tab);
	v->tab = t;
	v->cap = cap;
	return IR_OK;
}

/* The entry of path, made when new; NULL with e filled on failure. */
static struct ent *
lookup(struct ver *v, const char *p, size_t n, struct ir_err *e)
{
	struct ent *en;
	size_t j;

	if (v->cap > 0)
		for (j = fnv(p, n) & (v->cap - 1); v->tab[j] != NULL;
		    j = (j + 1) & (v->cap - 1))
			if (v->tab[j]->len == n &&
			    memcmp(v->tab[j]->path, p, n) == 0)
				return v->tab[j];
	if (v->n >= v->max || v->namebytes + n > MAX_NAMES) {
		v->limit = 1;
		(void)ir_err_set(e, IR_ELIMIT, 0, "more than %" PRIu64 " members "
		    "and manifest lines (or 1 GiB of names): not checked",
		    v->max);
		return NULL;
	}
	if ((v->n + 1) * 2 > v->cap && grow(v, e) != IR_OK)
		return NULL;
	if ((en = calloc(1, sizeof(*en))) == NULL ||
	    (en->path = malloc(n + 1)) == NULL) {
		free(en);
		(void)ir_err_set(e, IR_ENOMEM, 0, "out of memory");
		return NULL;
	}
	memcpy(en->path, p, n);
	en->path[n] = '\0';
	en->len = n;
	for (j = fnv(p, n) & (v->cap - 1); v->tab[j] != NULL;
	    j = (j + 1) & (v->cap - 1))
		;
	v->tab[j] = en;
	v->n++;
	v->namebytes += n;
	return en;
}

static struct ent *
find(struct ver *v, const char *p)
{
	size_t j, n = strlen(p);

	if (v->cap == 0)
		return NULL;
	for (j = fnv(p, n) & (v->cap - 1); v->tab[j] != NULL;
	    j = (j + 1) & (v->cap - 1))
		if (v->tab[j]->len == n && memcmp(v->tab[j]->path, p, n) == 0)
			return v->tab[j];
	return NULL;
}

static int
has_prefix(const char *p, size_t n, const char *pre)
{
	size_t k = strlen(pre);

	return n >= k && memcmp(p, pre, k) == 0;
}

/* One line of manifest-sha256.txt, irkit-links.txt or the tag manifest. */
static int
manifest_line(struct ver *v, struct lines *l, const char *s, size_t n,
    struct ir_err *e)
{
	struct ir_err pe;
	struct ent *en;
	char hex[65];
	unsigned int flag;
	int data;

	l->lineno++;
	if (n == 0 || (n == 1 && s[0] == '\r'))
		return IR_OK;
	if (ir_bagit_parse_line(s, n, hex, &v->tmp, &pe) != IR_OK) {
		report_rel(v, IR_PACK_MALFORMED, l->file, strlen(l->file),
		    "line %" PRIu64 ": %s", l->lineno, pe.msg);
		return IR_OK;
	}
	data = has_prefix(v->tmp.buf, v->tmp.len, "data/");
	if (!ir_bagit_path_safe(v->tmp.buf, v->tmp.len) ||
	    data != (l->which != W_TAGS) || v->tmp.len > MAX_NAME) {
		report_rel(v, IR_PACK_MALFORMED, l->file, strlen(l->file),
		    "line %" PRIu64 ": path '%.200s' is not %s", l->lineno,
		    v->tmp.buf, l->which == W_TAGS ? "a tag file of the bag" :
		    "a payload file under data/");
		return IR_OK;
	}
	if ((en = lookup(v, v->tmp.buf, v->tmp.len, e)) == NULL)
		return e != NULL ? e->code : IR_ENOMEM;
	flag = l->which == W_MANIFEST ? E_IN_MANIFEST : l->which == W_LINKS ?
	    E_IN_LINKS : E_IN_TAGS;
	if (en->flags & E_LISTED) {
		report_rel(v, IR_PACK_MALFORMED, l->file, strlen(l->file),
		    "line %" PRIu64 ": '%.200s' is listed twice", l->lineno,
		    v->tmp.buf);
		return IR_OK;
	}
	en->flags |= flag;
	(void)ir_unhex(en->lsha, hex, 32);
	return IR_OK;
}

static int
lines_feed(struct ver *v, struct lines *l, const char *p, size_t n,
    struct ir_err *e)
{
	const char *nl;
	size_t k;
	int rc;

	while (n > 0) {
		nl = memchr(p, '\n', n);
		k = nl != NULL ? (size_t)(nl - p) : n;
		if (!l->overflow && ir_buf_add(&l->line, p, k, NULL) != IR_OK) {
			l->overflow = 1;
			report_rel(v, IR_PACK_MALFORMED, l->file, strlen(l->file),
			    "line %" PRIu64 " is longer than %u bytes",
			    l->lineno + 1, MAX_LINE);
		}
		if (nl == NULL)
			break;
		if (l->overflow)
			l->lineno++;
		else if ((rc = manifest_line(v, l, l->line.buf, l->line.len,
		    e)) != IR_OK)
			return rc;
		ir_buf_reset(&l->line);
		l->overflow = 0;
		p = nl + 1;
		n -= k + 1;
	}
	return IR_OK;
}

static int
lines_end(struct ver *v, struct lines *l, struct ir_err *e)
{
	int rc = IR_OK;

	if (l->line.len > 0 && !l->overflow)
		rc = manifest_line(v, l, l->line.buf, l->line.len, e);
	ir_buf_reset(&l->line);
	l->overflow = 0;
	l->which = W_NONE;
	return rc;
}

/* The package's bytes: the caller's reader, the first bytes peeked at. */
static ssize_t
raw_read(void *arg, void *buf, size_t n, struct ir_err *e)
{
	struct ver *v = arg;
	size_t k;

	if (v->peekoff < v->peeklen) {
		k = v->peeklen - v->peekoff;
		k = k < n ? k : n;
		memcpy(buf, v->peek + v->peekoff, k);
		v->peekoff += k;
		return (ssize_t)k;
	}
	return v->o->read(v->o->read_arg, buf, n, e);
}

/* What libarchive reads: the package, decrypted when it is encrypted. */
static ssize_t
src_read(struct ver *v, void *buf, size_t n)
{
	if (v->age != NULL)
		return ir_age_dec_read(v->age, buf, n, &v->rerr);
	return raw_read(v, buf, n, &v->rerr);
}

static la_ssize_t
rd_cb(struct archive *a, void *arg, const void **buf)
{
	struct ver *v = arg;
	ssize_t n;

	if (v->o->stop != NULL && *v->o->stop) {
		v->intr = 1;
		archive_set_error(a, EINTR, "interrupted");
		return -1;
	}
	if ((n = src_read(v, v->rbuf, RBUF)) < 0) {
		/* Damage to the encryption is damage to the package. */
		if (v->age == NULL || v->rerr.code != IR_EFORMAT)
			v->read_failed = 1;
		archive_set_error(a, EIO, "%s", v->rerr.msg);
		return -1;
	}
	*buf = v->rbuf;
	return n;
}

/* The buffer a tag file is kept in, or NULL. */
static struct ir_buf *
capture(struct ver *v, const char *rel, int **have)
{
	static const struct {
		const char	*name;
		size_t		 off, haveoff;
	} t[] = {
		{ "bagit.txt", offsetof(struct ver, bagit),
		    offsetof(struct ver, have_bagit) },
		{ "bag-info.txt", offsetof(struct ver, baginfo),
		    offsetof(struct ver, have_baginfo) },
		{ "tagmanifest-sha256.txt", offsetof(struct ver, tags),
		    offsetof(struct ver, have_tags) },
		{ "data/case.json", offsetof(struct ver, casejson),
		    offsetof(struct ver, have_case) },
		{ "data/custody.jsonl", offsetof(struct ver, custody),
		    offsetof(struct ver, have_custody) },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(rel, t[i].name) == 0) {
			*have = (int *)(void *)((char *)v + t[i].haveoff);
			return (struct ir_buf *)(void *)((char *)v + t[i].off);
		}
	return NULL;
}

/* A regular member's data: hashed, and kept or parsed if a bag file. */
static int
read_data(struct ver *v, struct archive *a, struct ent *en, int dup,
    struct ir_err *e)
{
	struct ir_digest d;
	struct ir_buf *keep = NULL;
	const char *rel = en->path;
	int *have = NULL, over = 0, rc;
	la_ssize_t n;
	uint64_t size = 0;

	if (!dup) {
		keep = capture(v, rel, &have);
		if (keep != NULL) {
			ir_buf_reset(keep);
			*have = 1;
		} else if (strcmp(rel, "manifest-sha256.txt") == 0) {
			v->ln.which = W_MANIFEST;
			v->ln.file = "manifest-sha256.txt";
			v->have_manifest = 1;
		} else if (strcmp(rel, "irkit-links.txt") == 0) {
			v->ln.which = W_LINKS;
			v->ln.file = "irkit-links.txt";
		}
	}
	v->ln.lineno = 0;
	if ((rc = ir_hash_reset(v->h, e)) != IR_OK)
		return rc;
	while ((n = archive_read_data(a, v->dbuf, RBUF)) > 0) {
		if (v->o->stop != NULL && *v->o->stop) {
			v->intr = 1;
			return ir_err_set(e, IR_EINTR, 0, "interrupted");
		}
		if ((rc = ir_hash_update(v->h, v->dbuf, (size_t)n, e)) != IR_OK)
			return rc;
		size += (uint64_t)n;
		if (keep != NULL && !over &&
		    ir_buf_add(keep, v->dbuf, (size_t)n, NULL) != IR_OK) {
			over = 1;
			*have = 0;
			report_rel(v, IR_PACK_MALFORMED, rel, strlen(rel),
			    "larger than the %zu bytes a reader keeps",
			    keep->max);
		}
		if (v->ln.which != W_NONE &&
		    (rc = lines_feed(v, &v->ln, (const char *)v->dbuf,
		    (size_t)n, e)) != IR_OK)
			return rc;
	}
	if (n < 0) {
		if (keep != NULL)
			*have = 0;
		v->ln.which = W_NONE;
		if (v->intr)
			return ir_err_set(e, IR_EINTR, 0, "interrupted");
		report_rel(v, IR_PACK_TRUNCATED, rel, strlen(rel), "cut short "
		    "after %" PRIu64 " of %" PRIu64 " bytes: %s", size,
		    en->size, archive_error_string(a) ? archive_error_string(a) :
		    "read error");
		return v->read_failed ? ir_err_set(e, IR_EIO, 0, "%s",
		    v->rerr.msg) : ir_err_set(e, IR_EFORMAT, 0, "the package "
		    "is cut short or damaged: %s", archive_error_string(a) ?
		    archive_error_string(a) : "read error");
	}
	if (v->ln.which != W_NONE && (rc = lines_end(v, &v->ln, e)) != IR_OK)
		return rc;
	if ((rc = ir_hash_final(v->h, &d, e)) != IR_OK)
		return rc;
	if (!dup) {
		memcpy(en->sha, d.md[IR_HASH_SHA256], 32);
		en->size = size;
	}
	return IR_OK;
}

static const char *
type_name(mode_t t)
{
	switch (t) {
	case AE_IFCHR: return "character device";
	case AE_IFBLK: return "block device";
	case AE_IFIFO: return "FIFO";
	case AE_IFSOCK: return "socket";
	default: return "member of unknown type";
	}
}

static int
member(struct ver *v, struct archive *a, struct archive_entry *ae,
    struct ir_err *e)
{
	const char *name, *rel, *target = NULL, *hl;
	struct ir_digest d;
	struct ent *en;
	mode_t type = archive_entry_filetype(ae);
	size_t n, k, rlen;
	int dup, rc;

	v->info->members++;
	if ((name = archive_entry_pathname(ae)) == NULL &&
	    (name = archive_entry_pathname_utf8(ae)) == NULL)
		name = "";
	n = strlen(name);
	if (n > MAX_NAME) {
		report(v, IR_PACK_UNSAFE, name, 200, "a name of %zu bytes", n);
		return IR_OK;
	}
	if (n == 0 || name[0] == '/') {
		report(v, IR_PACK_UNSAFE, name, n, "%s", n == 0 ?
		    "an empty name" : "an absolute path");
		return IR_OK;
	}
	k = n;
	while (k > 1 && name[k - 1] == '/')
		k--;
	if (!ir_bagit_path_safe(name, k)) {
		report(v, IR_PACK_UNSAFE, name, n, "a '..' or '.' component or "
		    "an empty one: it could be written outside the directory "
		    "it is extracted in");
		return IR_OK;
	}
	if ((hl = archive_entry_hardlink(ae)) != NULL) {
		report(v, IR_PACK_UNSAFE, name, n, "a hard link (to '%.200s')",
		    hl);
		return IR_OK;
	}
	if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK) {
		report(v, IR_PACK_UNSAFE, name, n, "a %s", type_name(type));
		return IR_OK;
	}
	if (!v->have_top) {
		/* The first member names the top directory. */
		rlen = strcspn(name, "/");
		if (rlen >= sizeof(v->top))
			rlen = sizeof(v->top) - 1;
		memcpy(v->top, name, rlen);
		v->top[rlen] = '\0';
		v->toplen = rlen;
		v->have_top = 1;
		(void)snprintf(v->info->top, sizeof(v->info->top), "%s",
		    v->top);
	}
	if (k < v->toplen || memcmp(name, v->top, v->toplen) != 0 ||
	    (k > v->toplen && name[v->toplen] != '/')) {
		report(v, IR_PACK_EXTRA, name, n, "outside the package's top "
		    "directory '%s'", v->top);
		return IR_OK;
	}
	if (k == v->toplen) {
		if (type != AE_IFDIR)
			report(v, IR_PACK_EXTRA, name, n, "the top directory "
			    "is not a directory");
		return IR_OK;
	}
	rel = name + v->toplen + 1;
	rlen = k - v->toplen - 1;
	if (type == AE_IFLNK) {
		target = archive_entry_symlink(ae);
		if (target == NULL)
			target = archive_entry_symlink_utf8(ae);
		if (target == NULL || !ir_bagit_link_inside(rel, target)) {
			report(v, IR_PACK_UNSAFE, name, n, "a symlink out of the "
			    "package (to '%.200s')", target ? target : "");
			return IR_OK;
		}
	}
	if ((en = lookup(v, rel, rlen, e)) == NULL)
		return e != NULL ? e->code : IR_ENOMEM;
	dup = (en->flags & E_MEMBER) != 0;
	if (dup)
		report(v, IR_PACK_DUPLICATE, name, n, "a second member of this "
		    "name: extracting it would replace the first");
	if (type == AE_IFDIR) {
		if (!dup)
			en->flags |= E_DIR;
		return IR_OK;
	}
	if (type == AE_IFLNK) {
		if (!dup) {
			en->flags |= E_LINK;
			if ((rc = ir_hash_reset(v->h, e)) != IR_OK ||
			    (rc = ir_hash_update(v->h, target, strlen(target),
			    e)) != IR_OK || (rc = ir_hash_final(v->h, &d, e)) !=
			    IR_OK)
				return rc;
			memcpy(en->sha, d.md[IR_HASH_SHA256], 32);
		}
		return IR_OK;
	}
	if (!dup) {
		en->flags |= E_REG;
		en->size = (uint64_t)archive_entry_size(ae);
	}
	return read_data(v, a, en, dup, e);
}

static void
hex32(const unsigned char *p, char out[65])
{
	ir_hex(out, p, 32);
}

/* Each member against its list, each list line against a member. */
static void
check_entries(struct ver *v)
{
	char a[65], b[65];
	struct ent *en;
	size_t i;
	int data;

	for (i = 0; i < v->cap; i++) {
		if ((en = v->tab[i]) == NULL)
			continue;
		data = has_prefix(en->path, en->len, "data/");
		if (strcmp(en->path, "tagmanifest-sha256.txt") == 0 ||
		    (en->flags & (E_DIR | E_LISTED)) == E_DIR)
			continue;
		if (data && (en->flags & E_REG)) {
			v->info->payload_files++;
			v->info->payload_bytes += en->size;
		}
		if (!(en->flags & E_MEMBER)) {
			report_rel(v, IR_PACK_MISSING, en->path, en->len,
			    "listed in %s, not in the package",
			    en->flags & E_IN_MANIFEST ? "manifest-sha256.txt" :
			    en->flags & E_IN_LINKS ? "irkit-links.txt" :
			    "tagmanifest-sha256.txt");
			continue;
		}
		if (!(en->flags & E_LISTED)) {
			report_rel(v, IR_PACK_EXTRA, en->path, en->len,
			    "%s, not listed in %s", en->flags & E_LINK ?
			    "a symlink" : en->flags & E_DIR ? "a directory" :
			    "a file", !data ? "tagmanifest-sha256.txt" :
			    en->flags & E_LINK ? "irkit-links.txt" :
			    "manifest-sha256.txt");
			continue;
		}
		if (((en->flags & E_REG) && !(en->flags & (E_IN_MANIFEST |
		    E_IN_TAGS))) || ((en->flags & E_LINK) &&
		    !(en->flags & E_IN_LINKS)) || (en->flags & E_DIR)) {
			report_rel(v, IR_PACK_ALTERED, en->path, en->len,
			    "a %s where %s lists %s", en->flags & E_LINK ?
			    "symlink" : en->flags & E_DIR ? "directory" : "file",
			    en->flags & E_IN_LINKS ? "irkit-links.txt" :
			    "the manifest", en->flags & E_IN_LINKS ?
			    "a symlink" : "a file");
			continue;
		}
		if (memcmp(en->sha, en->lsha, 32) != 0) {
			hex32(en->sha, a);
			hex32(en->lsha, b);
			report_rel(v, IR_PACK_ALTERED, en->path, en->len,
			    "%s sha256 %s (%" PRIu64 " bytes), listed as %s",
			    en->flags & E_LINK ? "target's" : "content's", a,
			    en->size, b);
		}
	}
}

static int
sha256_hex(struct ver *v, const void *p, size_t n, char out[65],
    struct ir_err *e)
{
	struct ir_digest d;
	int rc;

	if ((rc = ir_hash_reset(v->h, e)) != IR_OK ||
	    (rc = ir_hash_update(v->h, p, n, e)) != IR_OK ||
	    (rc = ir_hash_final(v->h, &d, e)) != IR_OK)
		return rc;
	ir_digest_hex(&d, IR_HASH_SHA256, out);
	return IR_OK;
}

/* Each output the custody log names is in the package, as logged. */
static void
check_outputs(struct ver *v)
{
	const char *p = v->custody.buf, *end = p + v->custody.len, *nl;
	json_t *o, *outs, *it;
	const char *path, *sum;
	struct ent *en;
	char hex[65];
	size_t i;

	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		if ((o = json_loadb(p, (size_t)(nl - p), 0, NULL)) == NULL)
			continue;
		outs = json_object_get(o, "outputs");
		for (i = 0; i < json_array_size(outs); i++) {
			it = json_array_get(outs, i);
			path = json_string_value(json_object_get(it, "path"));
			sum = json_string_value(json_object_get(it, "sha256"));
			if (path == NULL || sum == NULL)
				continue;
			ir_buf_reset(&v->tmp);
			if (ir_buf_addf(&v->tmp, NULL, "data/%s", path) != IR_OK)
				continue;
			en = find(v, v->tmp.buf);
			if (en == NULL || !(en->flags & E_REG)) {
				report_rel(v, IR_PACK_CUSTODY, v->tmp.buf,
				    v->tmp.len, "logged in the custody chain, "
				    "not in the package");
				continue;
			}
			hex32(en->sha, hex);
			if (strcasecmp(hex, sum) != 0)
				report_rel(v, IR_PACK_CUSTODY, v->tmp.buf,
				    v->tmp.len, "sha256 %s, the custody chain "
				    "logged %.64s", hex, sum);
		}
		json_decref(o);
	}
}

static int
check_bag(struct ver *v, struct ir_err *e)
{
	struct ir_err pe;
	struct ent *en;
	json_t *o;
	char val[256], casesha[65], head[65];
	const char *id, *last;
	uint64_t bytes, files;
	size_t nent, i, start;
	int rc;

	if (!v->have_top) {
		report(v, IR_PACK_MALFORMED, NULL, 0, "an empty package");
		return IR_OK;
	}
	if (find(v, "bagit.txt") == NULL)
		report_rel(v, IR_PACK_MISSING, "bagit.txt", 9, "not a BagIt "
		    "package");
	else if (v->have_bagit && ir_bagit_info_get(v->bagit.buf,
	    v->bagit.len, "BagIt-Version", val, sizeof(val), NULL) != IR_OK)
		report_rel(v, IR_PACK_MALFORMED, "bagit.txt", 9, "no "
		    "BagIt-Version");
	if (!v->have_manifest)
		report_rel(v, IR_PACK_MISSING, "manifest-sha256.txt", 19,
		    "the payload manifest is missing");
	if (!v->have_tags)
		report_rel(v, IR_PACK_MISSING, "tagmanifest-sha256.txt", 22,
		    "the tag manifest (the seal, written last) is missing: "
		    "the package was cut short or tampered with");
	else {
		v->ln.which = W_TAGS;
		v->ln.file = "tagmanifest-sha256.txt";
		v->ln.lineno = 0;
		if ((rc = lines_feed(v, &v->ln, v->tags.buf, v->tags.len, e)) !=
		    IR_OK || (rc = lines_end(v, &v->ln, e)) != IR_OK)
			return rc;
		en = find(v, "tagmanifest-sha256.txt");
		if (en != NULL)
			hex32(en->sha, v->info->seal);
		if (v->o->seal != NULL && strcasecmp(v->o->seal,
		    v->info->seal) != 0)
			report_rel(v, IR_PACK_SEAL, "tagmanifest-sha256.txt", 22,
			    "sha256 %s, expected %.64s", v->info->seal,
			    v->o->seal);
	}
	check_entries(v);
	if (!v->have_baginfo) {
		if (find(v, "bag-info.txt") == NULL)
			report_rel(v, IR_PACK_MISSING, "bag-info.txt", 12,
			    "bag-info.txt is missing");
		return IR_OK;
	}
	if (ir_bagit_info_get(v->baginfo.buf, v->baginfo.len, "Payload-Oxum",
	    val, sizeof(val), &pe) != IR_OK ||
	    ir_bagit_oxum_parse(val, strlen(val), &bytes, &files, &pe) != IR_OK)
		report_rel(v, IR_PACK_MALFORMED, "bag-info.txt", 12, "%s",
		    pe.msg);
	else if (bytes != v->info->payload_bytes ||
	    files != v->info->payload_files)
		report_rel(v, IR_PACK_ALTERED, "bag-info.txt", 12, "Payload-Oxum "
		    "says %" PRIu64 ".%" PRIu64 ", the payload is %" PRIu64 ".%"
		    PRIu64, bytes, files, v->info->payload_bytes,
		    v->info->payload_files);
	/* The custody chain, and its head as bag-info.txt records it. */
	if (!v->have_case) {
		report_rel(v, IR_PACK_CUSTODY, "data/case.json", 14, "no "
		    "case.json: the custody chain cannot be checked");
		return IR_OK;
	}
	if ((o = json_loadb(v->casejson.buf, v->casejson.len, 0, NULL)) !=
	    NULL) {
		id = json_string_value(json_object_get(o, "case_id"));
		(void)snprintf(v->info->case_id, sizeof(v->info->case_id),
		    "%s", id != NULL ? id : "");
		json_decref(o);
	}
	if ((rc = sha256_hex(v, v->casejson.buf, v->casejson.len, casesha,
	    e)) != IR_OK)
		return rc;
	if (ir_custody_verify_mem(v->custody.buf, v->custody.len, casesha,
	    &nent, &pe) != IR_OK) {
		report_rel(v, IR_PACK_CUSTODY, "data/custody.jsonl", 18, "%s",
		    pe.msg);
		return IR_OK;
	}
	v->info->custody_entries = nent;
	if (v->custody.len == 0)
		memcpy(head, casesha, 65);
	else {
		for (start = 0, i = 0; i + 1 < v->custody.len; i++)
			if (v->custody.buf[i] == '\n')
				start = i + 1;
		last = v->custody.buf + start;
		if ((rc = sha256_hex(v, last, v->custody.len - start - 1, head,
		    e)) != IR_OK)
			return rc;
	}
	if (ir_bagit_info_get(v->baginfo.buf, v->baginfo.len, "Custody-Head",
	    val, sizeof(val), &pe) != IR_OK)
		(void)snprintf(val, sizeof(val), "(none)");
	if (strcasecmp(val, head) != 0)
		report_rel(v, IR_PACK_CUSTODY, "bag-info.txt", 12, "Custody-Head "
		    "%.64s is not the chain's last entry (%s)", val, head);
	if (ir_bagit_info_get(v->baginfo.buf, v->baginfo.len,
	    "Custody-Entries", val, sizeof(val), &pe) != IR_OK)
		(void)snprintf(val, sizeof(val), "(none)");
	if (val[0] < '0' || val[0] > '9' || strtoull(val, NULL, 10) != nent)
		report_rel(v, IR_PACK_CUSTODY, "bag-info.txt", 12,
		    "Custody-Entries %.32s, the chain has %zu", val, nent);
	check_outputs(v);
	return IR_OK;
}

static void
ver_release(struct ver *v)
{
	size_t i;

	for (i = 0; i < v->cap; i++)
		if (v->tab[i] != NULL) {
			free(v->tab[i]->path);
			free(v->tab[i]);
		}
	free(v->tab);
	free(v->rbuf);
	free(v->dbuf);
	ir_hash_free(v->h);
	ir_buf_release(&v->bagit);
	ir_buf_release(&v->baginfo);
	ir_buf_release(&v->tags);
	ir_buf_release(&v->casejson);
	ir_buf_release(&v->custody);
	ir_buf_release(&v->ln.line);
	ir_buf_release(&v->tmp);
	ir_buf_release(&v->path);
}

#define AGE_MAGIC	"age-encryption.org/v1\n"

int
ir_pack_verify(const struct ir_verify_opts *o, struct ir_verify_info *info,
    struct ir_err *e)
{
	struct archive *a = NULL;
	struct archive_entry *ae;
	struct ver v;
	ssize_t n;
	int r, rc = IR_OK;

	memset(info, 0, sizeof(*info));
	memset(&v, 0, sizeof(v));
	v.o = o;
	v.info = info;
	v.max = o->max_entries ? o->max_entries : IR_PACK_MAX_ENTRIES;
	ir_buf_init(&v.bagit, 4096);
	ir_buf_init(&v.baginfo, MAX_TAG);
	ir_buf_init(&v.tags, MAX_TAG);
	ir_buf_init(&v.casejson, MAX_TAG);
	ir_buf_init(&v.custody, MAX_CUSTODY);
	ir_buf_init(&v.ln.line, MAX_LINE);
	ir_buf_init(&v.tmp, IR_BUF_NOLIMIT);
	ir_buf_init(&v.path, IR_BUF_NOLIMIT);
	if ((v.rbuf = malloc(RBUF)) == NULL ||
	    (v.dbuf = malloc(RBUF)) == NULL) {
		rc = ir_err_set(e, IR_ENOMEM, 0, "out of memory");
		goto out;
	}
	if ((rc = ir_hash_new(&v.h, IR_HASH_BIT(IR_HASH_SHA256), 0, e)) != IR_OK)
		goto out;
	/* Peek: an age file needs an identity. */
	while (v.peeklen < sizeof(AGE_MAGIC) - 1) {
		n = o->read(o->read_arg, v.peek + v.peeklen,
		    sizeof(AGE_MAGIC) - 1 - v.peeklen, &v.rerr);
		if (n < 0) {
			rc = ir_err_set(e, IR_EIO, 0, "%s", v.rerr.msg);
			goto out;
		}
		if (n == 0)
			break;
		v.peeklen += (size_t)n;
	}
	if (v.peeklen == sizeof(AGE_MAGIC) - 1 &&
	    memcmp(v.peek, AGE_MAGIC, v.peeklen) == 0) {
		info->encrypted = 1;
		if (o->ids == NULL && o->passphrase == NULL) {
			rc = ir_err_set(e, IR_EUNSUPP, 0, "the package is "
			    "encrypted (age): give an identity or a passphrase");
			goto out;
		}
		rc = ir_age_dec_new(&v.age, o->ids, o->passphrase, raw_read, &v,
		    e);
		if (rc == IR_EFORMAT) {
			report(&v, IR_PACK_TRUNCATED, NULL, 0, "age header: %s",
			    e != NULL ? e->msg : "malformed");
			goto out;
		}
		if (rc != IR_OK)
			goto out;
	}
	if ((a = archive_read_new()) == NULL) {
		rc = ir_err_set(e, IR_ENOMEM, 0, "out of memory");
		goto out;
	}
	if (archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_support_filter_gzip(a) != ARCHIVE_OK) {
		rc = ir_err_set(e, IR_EDEP, 0, "libarchive: %s",
		    archive_error_string(a));
		goto out;
	}
	if (archive_read_open(a, &v, NULL, rd_cb, NULL) != ARCHIVE_OK) {
		if (v.read_failed) {
			rc = ir_err_set(e, IR_EIO, 0, "%s", v.rerr.msg);
			goto out;
		}
		report(&v, IR_PACK_TRUNCATED, NULL, 0, "not a tar.gz package: "
		    "%s", archive_error_string(a));
		rc = ir_err_set(e, IR_EFORMAT, 0, "not a tar.gz package: %s",
		    archive_error_string(a));
		goto out;
	}
	for (;;) {
		r = archive_read_next_header(a, &ae);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			if (v.intr) {
				rc = ir_err_set(e, IR_EINTR, 0, "interrupted");
				goto out;
			}
			if (v.read_failed) {
				rc = ir_err_set(e, IR_EIO, 0, "%s", v.rerr.msg);
				goto out;
			}
			report(&v, IR_PACK_TRUNCATED, NULL, 0, "after %" PRIu64
			    " members: %s", info->members,
			    archive_error_string(a) ? archive_error_string(a) :
			    "read error");
			rc = ir_err_set(e, IR_EFORMAT, 0, "the package is cut "
			    "short or damaged after %" PRIu64 " members: %s",
			    info->members, archive_error_string(a) ?
			    archive_error_string(a) : "read error");
			goto out;
		}
		if ((rc = member(&v, a, ae, e)) != IR_OK)
			goto out;
	}
	rc = check_bag(&v, e);
out:
	if (a != NULL)
		archive_read_free(a);
	ir_age_dec_free(v.age);
	ver_release(&v);
	return rc;
}
