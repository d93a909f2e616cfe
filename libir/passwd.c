/*
 * passwd: /etc/passwd parsed from its bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ir/error.h"
#include "ir/passwd.h"

#define NFIELDS	7

static int
parse_id(const char *s, size_t n, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 10)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static char *
dup_field(const char *s, size_t n)
{
	char *p;

	if ((p = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static void
ent_free(struct ir_pwent *p)
{
	free(p->name);
	free(p->passwd);
	free(p->gecos);
	free(p->home);
	free(p->shell);
}

void
ir_passwd_free(struct ir_pwent *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		ent_free(&v[i]);
	free(v);
}

/* One line [s, s+len): IR_OK, IR_EFORMAT (skip it) or IR_ENOMEM. */
static int
parse_line(const char *s, size_t len, struct ir_pwent *p)
{
	const char *f[NFIELDS];
	size_t fl[NFIELDS], i, k = 0;
	const char *start = s;

	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != ':')
			continue;
		if (k == NFIELDS)
			return IR_EFORMAT;	/* an eighth field */
		f[k] = start;
		fl[k] = (size_t)(s + i - start);
		k++;
		start = s + i + 1;
	}
	if (k != NFIELDS || fl[0] == 0 || f[0][0] == '+' || f[0][0] == '-')
		return IR_EFORMAT;
	memset(p, 0, sizeof(*p));
	if (parse_id(f[2], fl[2], &p->uid) != 0 ||
	    parse_id(f[3], fl[3], &p->gid) != 0)
		return IR_EFORMAT;
	if ((p->name = dup_field(f[0], fl[0])) == NULL ||
	    (p->passwd = dup_field(f[1], fl[1])) == NULL ||
	    (p->gecos = dup_field(f[4], fl[4])) == NULL ||
	    (p->home = dup_field(f[5], fl[5])) == NULL ||
	    (p->shell = dup_field(f[6], fl[6])) == NULL) {
		ent_free(p);
		return IR_ENOMEM;
	}
	return IR_OK;
}

int
ir_passwd_parse(const char *buf, size_t n, struct ir_pwent **out,
    size_t *count, size_t *bad, size_t *first_bad, struct ir_err *e)
{
	struct ir_pwent *v = NULL, *nv, ent;
	size_t nv_alloc = 0, cnt = 0, nbad = 0, fbad = 0, line = 0, len;
	const char *p = buf, *end = buf + n, *nl;
	int rc;

	*out = NULL;
	*count = 0;
	while (p < end) {
		line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		/* Blank lines and comments are not accounts and not damage. */
		if (len == 0 || p[0] == '#')
			goto next;
		rc = parse_line(p, len, &ent);
		if (rc == IR_ENOMEM)
			goto nomem;
		if (rc != IR_OK) {
			if (nbad++ == 0)
				fbad = line;
			goto next;
		}
		ent.line = line;
		if (cnt == nv_alloc) {
			nv_alloc = nv_alloc ? nv_alloc * 2 : 16;
			if ((nv = reallocarray(v, nv_alloc, sizeof(*v))) ==
			    NULL) {
				ent_free(&ent);
				goto nomem;
			}
			v = nv;
		}
		v[cnt++] = ent;
next:
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	*out = v;
	*count = cnt;
	if (bad != NULL)
		*bad = nbad;
	if (first_bad != NULL)
		*first_bad = fbad;
	return IR_OK;
nomem:
	ir_passwd_free(v, cnt);
	return ir_err_set(e, IR_ENOMEM, ENOMEM, "passwd: out of memory");
}
