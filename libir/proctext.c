/*
 * proctext: line and token walking, number fields, growing tables and
 * the one loop that reads a table of one element a line,
 * written once for the parsers of /proc, /sys and /etc text.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ir/error.h"

#include "proctext.h"

int
ir__nextsep(const char *buf, size_t n, size_t *off, int sep, const char **s,
    size_t *sl)
{
	const char *z;

	if (*off >= n)
		return 0;
	*s = buf + *off;
	z = memchr(*s, sep, n - *off);
	*sl = z != NULL ? (size_t)(z - *s) : n - *off;
	*off += *sl + (z != NULL);
	return 1;
}

int
ir__nextline(const char *buf, size_t n, size_t *off, struct ir__line *l)
{
	if (!ir__nextsep(buf, n, off, '\n', &l->p, &l->len))
		return 0;
	l->no++;
	return 1;
}

static int
isblank_(char c)
{
	return c == ' ' || c == '\t';
}

int
ir__tok(const char *p, size_t len, size_t *j, const char **t, size_t *tl)
{
	size_t k = *j;

	while (k < len && isblank_(p[k]))
		k++;
	if (k == len)
		return 0;
	*t = p + k;
	while (k < len && !isblank_(p[k]))
		k++;
	*tl = (size_t)(p + k - *t);
	*j = k;
	return 1;
}

int
ir__field(const struct ir__line *l, size_t *j, const char **t, size_t *tl,
    const char **why)
{
	if (ir__tok(l->p, l->len, j, t, tl))
		return 1;
	*why = "too few fields";
	return 0;
}

int
ir__nomore(const struct ir__line *l, size_t j, const char **why)
{
	const char *t;
	size_t tl;

	if (!ir__tok(l->p, l->len, &j, &t, &tl))
		return 0;
	*why = "too many fields";
	return -1;
}

int
ir__blank(const struct ir__line *l, int cr)
{
	size_t k;

	for (k = 0; k < l->len; k++)
		if (!isblank_(l->p[k]) && !(cr && l->p[k] == '\r'))
			return 0;
	return 1;
}

int
ir__dec_u64(const char *t, size_t tl, uint64_t *v)
{
	size_t k;
	unsigned d;

	if (tl == 0)
		return -1;
	*v = 0;
	for (k = 0; k < tl; k++) {
		if (t[k] < '0' || t[k] > '9')
			return -1;
		d = (unsigned)(t[k] - '0');
		if (*v > (UINT64_MAX - d) / 10)
			return -1;
		*v = *v * 10 + d;
	}
	return 0;
}

int
ir__dec_i64(const char *t, size_t tl, int64_t *v)
{
	uint64_t u;
	int neg = tl > 0 && t[0] == '-';

	if (ir__dec_u64(t + neg, tl - neg, &u) != 0)
		return -1;
	if (u > (uint64_t)INT64_MAX + neg)
		return -1;
	*v = neg ? (int64_t)(0 - u) : (int64_t)u;
	return 0;
}

int
ir__dec_u32(const char *t, size_t tl, uint32_t *v)
{
	uint64_t u;

	if (ir__dec_u64(t, tl, &u) != 0 || u > UINT32_MAX)
		return -1;
	*v = (uint32_t)u;
	return 0;
}

/* Either case: net tables print "%08X", status "%016llx". */
int
ir__hex_u64(const char *t, size_t tl, size_t maxd, uint64_t *v)
{
	size_t k;
	int d;

	if (tl == 0 || tl > maxd || tl > 16)
		return -1;
	*v = 0;
	for (k = 0; k < tl; k++) {
		if (t[k] >= '0' && t[k] <= '9')
			d = t[k] - '0';
		else if (t[k] >= 'a' && t[k] <= 'f')
			d = t[k] - 'a' + 10;
		else if (t[k] >= 'A' && t[k] <= 'F')
			d = t[k] - 'A' + 10;
		else
			return -1;
		*v = *v << 4 | (uint64_t)d;
	}
	return 0;
}

int
ir__grow(void *ap, size_t *cap, size_t n, size_t sz, size_t max)
{
	void *p;
	size_t nc;

	if (n >= max)
		return IR_ELIMIT;
	if (n < *cap)
		return IR_OK;
	nc = *cap == 0 ? 16 : *cap * 2;
	if ((p = reallocarray(*(void **)ap, nc, sz)) == NULL)
		return IR_ENOMEM;
	memset((char *)p + *cap * sz, 0, (nc - *cap) * sz);
	*(void **)ap = p;
	*cap = nc;
	return IR_OK;
}

char *
ir__dupn(const char *p, size_t n)
{
	char *s;

	if ((s = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

int
ir__table(const struct ir__table *tb, const char *buf, size_t n, void *outp,
    size_t *nout, struct ir_err *e)
{
	struct ir__line l = { NULL, 0, 0 };
	void *a = NULL, *el;
	const char *why;
	size_t off = 0, cap = 0, na = 0, i;
	int rc = IR_OK;

	while (ir__nextline(buf, n, &off, &l)) {
		if (ir__blank(&l, tb->cr) ||
		    (l.no == 1 && tb->head != NULL && tb->head(&l)))
			continue;
		rc = ir__grow(&a, &cap, na, tb->size, tb->max);
		if (rc == IR_ELIMIT && tb->limit != NULL)
			rc = ir_err_set(e, rc, 0, "%s: more than %zu entries",
			    tb->limit, tb->max);
		else if (rc == IR_ELIMIT)
			rc = ir_err_set(e, rc, 0, "more than %zu entries",
			    tb->max);
		else if (rc != IR_OK)
			rc = ir_err_set(e, rc, errno, "%s", tb->nomem);
		if (rc != IR_OK)
			break;
		el = (char *)a + na * tb->size;
		if (tb->nul != NULL && memchr(l.p, '\0', l.len) != NULL)
			why = tb->nul;
		else if (tb->line(&l, el, &why) == 0) {
			na++;
			continue;
		}
		if (tb->clear != NULL)
			tb->clear(el);
		rc = why == NULL ?
		    ir_err_set(e, IR_ENOMEM, errno, "%s line %zu", tb->what,
		    l.no) :
		    ir_err_set(e, IR_EFORMAT, 0, "%s line %zu: %s", tb->what,
		    l.no, why);
		break;
	}
	if (rc != IR_OK) {
		for (i = 0; tb->clear != NULL && i < na; i++)
			tb->clear((char *)a + i * tb->size);
		na = 0;
	}
	if (na == 0) {
		free(a);
		a = NULL;
	}
	*(void **)outp = a;
	*nout = na;
	return rc;
}
