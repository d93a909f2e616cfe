#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/buf.h"
#include "ir/error.h"

char ir_buf_slop[1];

void
ir_buf_init(struct ir_buf *b, size_t max)
{
	b->buf = ir_buf_slop;
	b->len = 0;
	b->alloc = 0;
	b->max = max;
}

void
ir_buf_release(struct ir_buf *b)
{
	if (b->alloc != 0)
		free(b->buf);
	ir_buf_init(b, b->max);
}

void
ir_buf_reset(struct ir_buf *b)
{
	ir_buf_truncate(b, 0);
}

void
ir_buf_truncate(struct ir_buf *b, size_t len)
{
	if (len > b->len)
		return;
	b->len = len;
	if (b->alloc != 0)
		b->buf[len] = '\0';
}

int
ir_buf_grow(struct ir_buf *b, size_t extra, struct ir_err *e)
{
	size_t want, n;
	char *p;

	if (extra > b->max || b->len > b->max - extra)
		return ir_err_set(e, IR_ELIMIT, 0,
		    "buffer limit of %zu bytes exceeded", b->max);
	want = b->len + extra + 1;
	if (want <= b->alloc)
		return IR_OK;
	n = b->alloc < 64 ? 64 : b->alloc;
	while (n < want)
		n = n < SIZE_MAX / 2 ? n * 2 : want;
	if ((p = realloc(b->alloc ? b->buf : NULL, n)) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	if (b->alloc == 0)
		p[0] = '\0';
	b->buf = p;
	b->alloc = n;
	return IR_OK;
}

int
ir_buf_add(struct ir_buf *b, const void *p, size_t n, struct ir_err *e)
{
	int rc;

	if (n == 0)
		return IR_OK;
	/* Room already there: the common case of a reused line buffer. */
	if ((b->alloc == 0 || n >= b->alloc - b->len || n > b->max - b->len) &&
	    (rc = ir_buf_grow(b, n, e)) != IR_OK)
		return rc;
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
	return IR_OK;
}

int
ir_buf_addstr(struct ir_buf *b, const char *s, struct ir_err *e)
{
	return ir_buf_add(b, s, strlen(s), e);
}

int
ir_buf_addch(struct ir_buf *b, int c, struct ir_err *e)
{
	char ch = (char)c;

	return ir_buf_add(b, &ch, 1, e);
}

int
ir_buf_addf(struct ir_buf *b, struct ir_err *e, const char *fmt, ...)
{
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return ir_err_set(e, IR_EINVAL, 0, "bad format");
	if ((rc = ir_buf_grow(b, (size_t)n, e)) != IR_OK)
		return rc;
	va_start(ap, fmt);
	(void)vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return IR_OK;
}

void
ir_hex(char *out, const void *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = in;
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0xf];
	}
	out[2 * n] = '\0';
}

int
ir_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
ir_unhex(void *out, const char *in, size_t n)
{
	unsigned char *p = out;
	size_t i;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if ((hi = ir_hexval((unsigned char)in[2 * i])) < 0 ||
		    (lo = ir_hexval((unsigned char)in[2 * i + 1])) < 0)
			return IR_EFORMAT;
		p[i] = (unsigned char)(hi << 4 | lo);
	}
	return IR_OK;
}

int
ir_buf_addhex(struct ir_buf *b, const void *p, size_t n, struct ir_err *e)
{
	int rc;

	if (n > SIZE_MAX / 2)
		return ir_err_set(e, IR_ELIMIT, 0, "hex input too large");
	if ((rc = ir_buf_grow(b, 2 * n, e)) != IR_OK)
		return rc;
	ir_hex(b->buf + b->len, p, n);
	b->len += 2 * n;
	return IR_OK;
}

char *
ir_buf_detach(struct ir_buf *b, size_t *lenp)
{
	char *p;

	if (b->alloc == 0) {
		if ((p = malloc(1)) != NULL)
			p[0] = '\0';
	} else
		p = b->buf;
	if (lenp != NULL)
		*lenp = p != NULL ? b->len : 0;
	ir_buf_init(b, b->max);
	return p;
}

int
ir_parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case '\0':			break;
	case 'k': case 'K':	shift = 10; end++; break;
	case 'm': case 'M':	shift = 20; end++; break;
	case 'g': case 'G':	shift = 30; end++; break;
	case 't': case 'T':	shift = 40; end++; break;
	default:		break;	/* "100B" or bad: see below */
	}
	if (*end == 'i' && shift != 0)
		end++;
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end != '\0' || (shift != 0 && v > (~0ULL >> shift)))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}
