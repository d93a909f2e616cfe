#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ir/buf.h"
#include "ir/error.h"
#include "ir/hashset.h"
#include "ir/io.h"

#define MAX_LIST_BYTES	(1ULL << 32)	/* a list larger than this is a mistake */

struct entry {
	unsigned char	 md[IR_HASH_MAXLEN];
	size_t		 note;		/* offset into notes */
};

struct ir_hashset {
	struct entry	*ent[IR_HASH_NALG];
	size_t		 n[IR_HASH_NALG], alloc[IR_HASH_NALG];
	struct ir_buf	 notes;		/* NUL-terminated strings */
	size_t		 total;
};

/* Columns of a hashdeep file: which holds which digest, where the name is. */
struct layout {
	int		 ncols;
	int		 alg[8];	/* -1 for size, filename and unknown */
	int		 name_col;
};

int
ir_hashset_new(struct ir_hashset **hp, struct ir_err *e)
{
	struct ir_hashset *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	ir_buf_init(&h->notes, IR_BUF_NOLIMIT);
	/* Offset 0 is the empty note. */
	if (ir_buf_addch(&h->notes, '\0', e) != IR_OK) {
		free(h);
		return IR_ENOMEM;
	}
	*hp = h;
	return IR_OK;
}

void
ir_hashset_free(struct ir_hashset *h)
{
	int a;

	if (h == NULL)
		return;
	for (a = 0; a < IR_HASH_NALG; a++)
		free(h->ent[a]);
	ir_buf_release(&h->notes);
	free(h);
}

static int
alg_of_hexlen(size_t len)
{
	int a;

	for (a = 0; a < IR_HASH_NALG; a++)
		if (ir_hash_len(a) * 2 == len)
			return a;
	return -1;
}

static int
add(struct ir_hashset *h, int a, const char *hex, const char *note,
    size_t notelen, struct ir_err *e)
{
	struct entry *ne;
	size_t na;
	int rc;

	if (h->n[a] == h->alloc[a]) {
		na = h->alloc[a] ? h->alloc[a] * 2 : 256;
		if ((ne = realloc(h->ent[a], na * sizeof(*ne))) == NULL)
			return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
		h->ent[a] = ne;
		h->alloc[a] = na;
	}
	ne = &h->ent[a][h->n[a]];
	memset(ne->md, 0, sizeof(ne->md));
	if (ir_unhex(ne->md, hex, ir_hash_len(a)) != IR_OK)
		return IR_EFORMAT;
	ne->note = 0;
	if (notelen > 0) {
		ne->note = h->notes.len;
		if ((rc = ir_buf_add(&h->notes, note, notelen, e)) != IR_OK ||
		    (rc = ir_buf_addch(&h->notes, '\0', e)) != IR_OK)
			return rc;
	}
	h->n[a]++;
	h->total++;
	return IR_OK;
}

static int
cmp_entry(const void *x, const void *y)
{
	return memcmp(((const struct entry *)x)->md,
	    ((const struct entry *)y)->md, IR_HASH_MAXLEN);
}

static size_t
hexrun(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = p[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		    (c >= 'A' && c <= 'F')))
			break;
	}
	return i;
}

/* "%%%% size,md5,sha256,filename" */
static int
parse_layout(struct layout *lo, const char *p, size_t n)
{
	size_t i = 0, j;
	int a;

	lo->ncols = 0;
	lo->name_col = -1;
	while (i <= n) {
		for (j = i; j < n && p[j] != ','; j++)
			;
		if (lo->ncols == (int)(sizeof(lo->alg) / sizeof(lo->alg[0])))
			return -1;
		a = ir_hash_lookup(p + i, j - i);
		lo->alg[lo->ncols] = a;
		if (j - i == 8 && strncmp(p + i, "filename", 8) == 0)
			lo->name_col = lo->ncols;
		lo->ncols++;
		i = j + 1;
	}
	return lo->name_col == lo->ncols - 1 ? 0 : -1;
}

static int
hashdeep_line(struct ir_hashset *h, const struct layout *lo, const char *p,
    size_t n, struct ir_err *e)
{
	size_t i = 0, j;
	int col, rc;

	for (col = 0; col < lo->name_col; col++) {
		for (j = i; j < n && p[j] != ','; j++)
			;
		if (j == n)
			return IR_EFORMAT;
		if (lo->alg[col] >= 0) {
			if (hexrun(p + i, j - i) != j - i ||
			    j - i != ir_hash_len(lo->alg[col]) * 2)
				return IR_EFORMAT;
		}
		i = j + 1;
	}
	/* Now that the line is known good, add its digests. */
	for (col = 0, j = 0; col < lo->name_col; col++) {
		size_t k = j;

		while (p[k] != ',')
			k++;
		if (lo->alg[col] >= 0 &&
		    (rc = add(h, lo->alg[col], p + j, p + i, n - i, e)) != IR_OK)
			return rc;
		j = k + 1;
	}
	return IR_OK;
}

/*
 * The name of a GNU md5sum line that starts with '\\': "\\\\", "\\n" and
 * "\\r" stand for a backslash, newline and CR.
 */
static int
add_escaped(struct ir_hashset *h, int a, const char *hex, const char *p,
    size_t n, struct ir_err *e)
{
	char *name;
	size_t i, len = 0;
	int rc;

	if (n == 0)
		return IR_EFORMAT;
	if ((name = malloc(n)) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	for (i = 0; i < n; i++) {
		if (p[i] != '\\') {
			name[len++] = p[i];
			continue;
		}
		if (++i == n)
			break;
		if (p[i] == '\\')
			name[len++] = '\\';
		else if (p[i] == 'n')
			name[len++] = '\n';
		else if (p[i] == 'r')
			name[len++] = '\r';
		else
			break;
	}
	rc = i < n ? IR_EFORMAT : add(h, a, hex, name, len, e);
	free(name);
	return rc;
}

/* "hash", "hash  name", "hash *name", "\\hash  esc\\aped", "hash;comment" */
static int
plain_line(struct ir_hashset *h, const char *p, size_t n, struct ir_err *e)
{
	int escaped = n > 0 && p[0] == '\\';
	size_t k = hexrun(p + escaped, n - escaped), rest;
	const char *note;
	int a;

	p += escaped;
	n -= escaped;
	note = p + k;
	if ((a = alg_of_hexlen(k)) < 0)
		return IR_EFORMAT;
	rest = n - k;
	if (rest > 0) {
		if (*note == ';') {
			note++;
			rest--;
		} else if (*note == ' ' || *note == '\t') {
			while (rest > 0 && (*note == ' ' || *note == '\t')) {
				note++;
				rest--;
			}
			if (rest > 0 && *note == '*') {	/* binary-mode marker */
				note++;
				rest--;
			}
		} else
			return IR_EFORMAT;
	}
	if (escaped)
		return note > p + k && note[-1] != ';' ?
		    add_escaped(h, a, p, note, rest, e) : IR_EFORMAT;
	return add(h, a, p, note, rest, e);
}

int
ir_hashset_load_mem(struct ir_hashset *h, const char *buf, size_t n,
    const char *origin, struct ir_err *e)
{
	struct layout lo = { 0, { 0 }, -1 };
	const char *p = buf, *end = buf + n, *nl;
	size_t len, lineno = 0;
	int hashdeep = 0, rc, a;

	while (p < end) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (lineno == 1 && len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
			p += 3;		/* a byte-order mark */
			len -= 3;
		}
		rc = IR_OK;
		if (len >= 5 && memcmp(p, "%%%% ", 5) == 0) {
			if (len >= 13 && memcmp(p + 5, "HASHDEEP", 8) == 0)
				hashdeep = 1;
			else if (!hashdeep || parse_layout(&lo, p + 5, len - 5) != 0)
				rc = IR_EFORMAT;
			else
				hashdeep = 2;
		} else if (len == 0 || p[0] == '#')
			;
		else if (hashdeep == 2)
			rc = hashdeep_line(h, &lo, p, len, e);
		else if (hashdeep == 1)
			rc = IR_EFORMAT;	/* data before the column header */
		else
			rc = plain_line(h, p, len, e);
		if (rc == IR_EFORMAT)
			return ir_err_set(e, IR_EFORMAT, 0,
			    "%s:%zu: not a hash list line", origin, lineno);
		if (rc != IR_OK)
			return rc;
		p = nl != NULL ? nl + 1 : end;
	}
	for (a = 0; a < IR_HASH_NALG; a++)
		if (h->n[a] > 1)	/* no array for an unused algorithm */
			qsort(h->ent[a], h->n[a], sizeof(struct entry),
			    cmp_entry);
	return IR_OK;
}

int
ir_hashset_load_file(struct ir_hashset *h, const char *path, struct ir_err *e)
{
	struct ir_buf b = IR_BUF_INIT(MAX_LIST_BYTES);
	int rc;

	if ((rc = ir_read_file(AT_FDCWD, path, &b, e)) == IR_OK)
		rc = ir_hashset_load_mem(h, b.buf, b.len, path, e);
	ir_buf_release(&b);
	return rc;
}

unsigned int
ir_hashset_algs(const struct ir_hashset *h)
{
	unsigned int algs = 0;
	int a;

	for (a = 0; a < IR_HASH_NALG; a++)
		if (h->n[a] > 0)
			algs |= IR_HASH_BIT(a);
	return algs;
}

size_t
ir_hashset_count(const struct ir_hashset *h)
{
	return h->total;
}

int
ir_hashset_match(const struct ir_hashset *h, const struct ir_digest *d,
    const char **note)
{
	struct entry key;
	const struct entry *hit;
	int a;

	for (a = 0; a < IR_HASH_NALG; a++) {
		if (!(d->algs & IR_HASH_BIT(a)) || h->n[a] == 0)
			continue;
		memset(key.md, 0, sizeof(key.md));
		memcpy(key.md, d->md[a], ir_hash_len(a));
		hit = bsearch(&key, h->ent[a], h->n[a], sizeof(key), cmp_entry);
		if (hit != NULL) {
			if (note != NULL)
				*note = h->notes.buf + hit->note;
			return 1;
		}
	}
	return 0;
}
