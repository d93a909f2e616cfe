#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ir/bagit.h"
#include "ir/buf.h"
#include "ir/error.h"

int
ir_bagit_encode(struct ir_buf *b, const char *p, size_t n, struct ir_err *e)
{
	size_t i, start = 0;
	const char *enc;
	int rc;

	for (i = 0; i < n; i++) {
		switch (p[i]) {
		case '\r': enc = "%0D"; break;
		case '\n': enc = "%0A"; break;
		case '%': enc = "%25"; break;
		default: continue;
		}
		if ((rc = ir_buf_add(b, p + start, i - start, e)) != IR_OK ||
		    (rc = ir_buf_add(b, enc, 3, e)) != IR_OK)
			return rc;
		start = i + 1;
	}
	return ir_buf_add(b, p + start, n - start, e);
}

int
ir_bagit_decode(struct ir_buf *b, const char *s, size_t n, struct ir_err *e)
{
	size_t i;
	int c, rc;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '%' && n - i >= 3) {
			if (s[i + 1] == '0' && (s[i + 2] == 'D' ||
			    s[i + 2] == 'd')) {
				c = '\r';
				i += 2;
			} else if (s[i + 1] == '0' && (s[i + 2] == 'A' ||
			    s[i + 2] == 'a')) {
				c = '\n';
				i += 2;
			} else if (s[i + 1] == '2' && s[i + 2] == '5')
				i += 2;
		}
		if ((rc = ir_buf_addch(b, c, e)) != IR_OK)
			return rc;
	}
	return IR_OK;
}

int
ir_bagit_line(struct ir_buf *b, const char *hex, const char *path, size_t n,
    struct ir_err *e)
{
	int rc;

	if ((rc = ir_buf_addstr(b, hex, e)) != IR_OK ||
	    (rc = ir_buf_add(b, "  ", 2, e)) != IR_OK ||
	    (rc = ir_bagit_encode(b, path, n, e)) != IR_OK)
		return rc;
	return ir_buf_addch(b, '\n', e);
}

int
ir_bagit_parse_line(const char *line, size_t n, char hex[65],
    struct ir_buf *path, struct ir_err *e)
{
	size_t i;
	int v;

	if (n > 0 && line[n - 1] == '\r')
		n--;
	for (i = 0; i < 64; i++) {
		if (i >= n || (v = ir_hexval((unsigned char)line[i])) < 0)
			return ir_err_set(e, IR_EFORMAT, 0, "not a SHA-256 "
			    "manifest line (want 64 hex digits, a space and "
			    "a path)");
		hex[i] = "0123456789abcdef"[v];
	}
	hex[64] = '\0';
	if (i >= n || (line[i] != ' ' && line[i] != '\t'))
		return ir_err_set(e, IR_EFORMAT, 0, "manifest line: no space "
		    "after the checksum");
	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i == n)
		return ir_err_set(e, IR_EFORMAT, 0, "manifest line: no path");
	ir_buf_reset(path);
	return ir_bagit_decode(path, line + i, n - i, e);
}

static int
parse_u64(const char *s, size_t n, uint64_t *v)
{
	size_t i;

	*v = 0;
	if (n == 0 || n > 19)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return 0;
}

int
ir_bagit_oxum_parse(const char *s, size_t n, uint64_t *bytes,
    uint64_t *streams, struct ir_err *e)
{
	const char *dot = memchr(s, '.', n);

	if (dot == NULL || parse_u64(s, (size_t)(dot - s), bytes) != 0 ||
	    parse_u64(dot + 1, n - (size_t)(dot - s) - 1, streams) != 0)
		return ir_err_set(e, IR_EFORMAT, 0, "Payload-Oxum '%.*s' is not "
		    "OCTETS.STREAMS", (int)(n > 64 ? 64 : n), s);
	return IR_OK;
}

int
ir_bagit_info_get(const char *buf, size_t n, const char *label, char *out,
    size_t outsz, struct ir_err *e)
{
	const char *p = buf, *end = buf + n, *nl, *colon, *v, *ve;
	size_t llen = strlen(label);

	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		colon = memchr(p, ':', (size_t)(nl - p));
		if (colon == NULL || (size_t)(colon - p) != llen ||
		    strncasecmp(p, label, llen) != 0)
			continue;
		for (v = colon + 1; v < nl && (*v == ' ' || *v == '\t'); v++)
			;
		for (ve = nl; ve > v && (ve[-1] == '\r' || ve[-1] == ' ' ||
		    ve[-1] == '\t'); ve--)
			;
		if ((size_t)(ve - v) >= outsz)
			return ir_err_set(e, IR_ELIMIT, 0, "bag-info.txt: %s is "
			    "too long", label);
		memcpy(out, v, (size_t)(ve - v));
		out[ve - v] = '\0';
		return IR_OK;
	}
	return ir_err_set(e, IR_ENOENT, 0, "bag-info.txt has no %s", label);
}

int
ir_bagit_path_safe(const char *p, size_t n)
{
	size_t i, start = 0, len;

	if (n == 0 || p[0] == '/' || memchr(p, '\0', n) != NULL)
		return 0;
	for (i = 0; i <= n; i++) {
		if (i < n && p[i] != '/')
			continue;
		len = i - start;
		if (len == 0 && i < n)		/* "a//b" */
			return 0;
		if ((len == 1 && p[start] == '.') ||
		    (len == 2 && p[start] == '.' && p[start + 1] == '.'))
			return 0;
		start = i + 1;
	}
	return 1;
}

int
ir_bagit_link_inside(const char *rel, const char *target)
{
	const char *s;
	size_t n;
	long depth = 0;

	if (target[0] == '/' || target[0] == '\0')
		return 0;
	for (s = rel; *s != '\0'; s++)
		if (*s == '/')
			depth++;
	for (s = target; *s != '\0'; s += n) {
		while (*s == '/')
			s++;
		n = strcspn(s, "/");
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			if (--depth < 0)
				return 0;
		} else if (n > 0 && !(n == 1 && s[0] == '.'))
			depth++;
	}
	return 1;
}
