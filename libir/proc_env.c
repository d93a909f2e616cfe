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

#include "proctext.h"

#define CGROUP_MAX	((size_t)1 << 16)

int
ir_nulstr_next(const char *buf, size_t n, size_t *off, const char **s,
    size_t *sl)
{
	return ir__nextsep(buf, n, off, '\0', s, sl);
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
	struct ir__line l = { NULL, 0, 0 };
	const char *c1, *c2, *end;
	size_t off = 0, na = 0, cap = 0;
	uint32_t h;
	int rc = IR_OK;

	*out = NULL;
	*nout = 0;
	while (ir__nextline(buf, n, &off, &l)) {
		if (l.len == 0)
			continue;
		end = l.p + l.len;
		if (memchr(l.p, '\0', l.len) != NULL ||
		    (c1 = memchr(l.p, ':', l.len)) == NULL ||
		    (c2 = memchr(c1 + 1, ':', (size_t)(end - c1 - 1))) == NULL ||
		    c1 == l.p) {
			rc = ir_err_set(e, IR_EFORMAT, 0,
			    "cgroup line %zu: not 'hierarchy:controllers:path'",
			    l.no);
			break;
		}
		if (ir__dec_u32(l.p, (size_t)(c1 - l.p), &h) != 0) {
			rc = ir_err_set(e, IR_EFORMAT, 0,
			    "cgroup line %zu: bad hierarchy", l.no);
			break;
		}
		if ((rc = ir__grow(&a, &cap, na, sizeof(*a), CGROUP_MAX)) !=
		    IR_OK) {
			rc = rc == IR_ELIMIT ? ir_err_set(e, rc, 0,
			    "cgroup: more than %zu lines", CGROUP_MAX) :
			    ir_err_set(e, rc, errno, "cgroup");
			break;
		}
		p = &a[na++];
		p->hier = h;
		p->controllers = ir__dupn(c1 + 1, (size_t)(c2 - c1 - 1));
		p->path = ir__dupn(c2 + 1, (size_t)(end - c2 - 1));
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
