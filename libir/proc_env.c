/*
 * proc_env: what else ir-live reads of a process: its NUL-separated
 * cmdline and environ, its cgroup lines and its namespace links.  All of
 * it is the process's own choice (environ and cmdline can be rewritten
 * at will), so nothing here trusts a length, a terminator or a byte.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ir/error.h"
#include "ir/proc.h"

#define CGROUP_MAX	((size_t)1 << 16)

int
ir_nulstr_next(const char *buf, size_t n, size_t *off, const char **s,
    size_t *sl)
{
	const char *z;

	if (*off >= n)
		return 0;
	*s = buf + *off;
	z = memchr(*s, '\0', n - *off);
	*sl = z != NULL ? (size_t)(z - *s) : n - *off;
	*off += *sl + (z != NULL);
	return 1;
}

int
ir_environ_get(const char *buf, size_t n, const char *name,
    const char **val, size_t *vlen)
{
	size_t off = 0, sl, nl = strlen(name);
	const char *s;

	*val = NULL;
	*vlen = 0;
	while (ir_nulstr_next(buf, n, &off, &s, &sl)) {
		if (sl > nl && s[nl] == '=' && memcmp(s, name, nl) == 0) {
			*val = s + nl + 1;
			*vlen = sl - nl - 1;
			return 1;
		}
	}
	return 0;
}

static char *
dupn(const char *p, size_t n)
{
	char *s;

	if ((s = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

void
ir_cgroups_free(struct ir_cgroup *c, size_t n)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(c[i].controllers);
		free(c[i].path);
	}
	free(c);
}

int
ir_cgroup_parse(const char *buf, size_t n, struct ir_cgroup **out,
    size_t *nout, struct ir_err *e)
{
	struct ir_cgroup *a = NULL, *p;
	const char *l, *nl, *c1, *c2, *end;
	size_t off = 0, len, na = 0, cap = 0, lineno = 0, k;
	uint64_t h;
	int rc = IR_OK;

	*out = NULL;
	*nout = 0;
	while (off < n) {
		l = buf + off;
		nl = memchr(l, '\n', n - off);
		len = nl != NULL ? (size_t)(nl - l) : n - off;
		off += len + (nl != NULL);
		lineno++;
		if (len == 0)
			continue;
		end = l + len;
		if (memchr(l, '\0', len) != NULL ||
		    (c1 = memchr(l, ':', len)) == NULL ||
		    (c2 = memchr(c1 + 1, ':', (size_t)(end - c1 - 1))) == NULL ||
		    c1 == l) {
			rc = ir_err_set(e, IR_EFORMAT, 0,
			    "cgroup line %zu: not 'hierarchy:controllers:path'",
			    lineno);
			break;
		}
		h = 0;
		for (k = 0; l + k < c1; k++) {
			if (l[k] < '0' || l[k] > '9' || h > UINT32_MAX / 10) {
				h = UINT64_MAX;
				break;
			}
			h = h * 10 + (uint64_t)(l[k] - '0');
		}
		if (h > UINT32_MAX) {
			rc = ir_err_set(e, IR_EFORMAT, 0,
			    "cgroup line %zu: bad hierarchy", lineno);
			break;
		}
		if (na == cap) {
			size_t nc = cap == 0 ? 8 : cap * 2;
			void *np;

			if (na >= CGROUP_MAX) {
				rc = ir_err_set(e, IR_ELIMIT, 0,
				    "cgroup: more than %zu lines", CGROUP_MAX);
				break;
			}
			if ((np = reallocarray(a, nc, sizeof(*a))) == NULL) {
				rc = ir_err_set(e, IR_ENOMEM, errno, "cgroup");
				break;
			}
			a = np;
			cap = nc;
		}
		p = &a[na];
		p->hier = (uint32_t)h;
		p->controllers = dupn(c1 + 1, (size_t)(c2 - c1 - 1));
		p->path = dupn(c2 + 1, (size_t)(end - c2 - 1));
		na++;
		if (p->controllers == NULL || p->path == NULL) {
			rc = ir_err_set(e, IR_ENOMEM, errno, "cgroup");
			break;
		}
	}
	if (rc != IR_OK) {
		ir_cgroups_free(a, na);
		return rc;
	}
	if (na == 0) {
		free(a);
		a = NULL;
	}
	*out = a;
	*nout = na;
	return IR_OK;
}

int
ir_ns_link_parse(const char *link, size_t n, char type[16], uint64_t *inode,
    struct ir_err *e)
{
	const char *c;
	size_t tl, k;
	uint64_t v = 0;

	type[0] = '\0';
	*inode = 0;
	if ((c = memchr(link, ':', n)) == NULL || (tl = (size_t)(c - link)) ==
	    0 || tl > 15 || memchr(link, '\0', tl) != NULL ||
	    n < tl + 4 || c[1] != '[' || link[n - 1] != ']')
		goto bad;
	for (k = tl + 2; k < n - 1; k++) {
		if (link[k] < '0' || link[k] > '9' ||
		    v > (UINT64_MAX - 9) / 10)
			goto bad;
		v = v * 10 + (uint64_t)(link[k] - '0');
	}
	memcpy(type, link, tl);
	type[tl] = '\0';
	*inode = v;
	return IR_OK;
bad:
	return ir_err_set(e, IR_EFORMAT, 0, "ns link line 1: not 'type:[INODE]'");
}
