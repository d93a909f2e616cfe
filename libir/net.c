/*
 * net: the network configuration as /proc/net and /etc print it, parsed
 * by irkit itself.  Every parser works on a bounded buffer, token by
 * token; interface names come from the kernel (but an intruder chose
 * them) and the /etc files are anyone's.
 */
#include <sys/socket.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ir/buf.h"
#include "ir/error.h"
#include "ir/net.h"

#include "proctext.h"

/* Bigger than any real table. */
#define NET_MAX_ENTRIES	((size_t)1 << 22)

/* Exactly tl hex digits (either case), at most 8, into *v. */
static int
hex32(const char *t, size_t tl, uint32_t *v)
{
	uint64_t u;

	if (ir__hex_u64(t, tl, 8, &u) != 0)
		return -1;
	*v = (uint32_t)u;
	return 0;
}

/* "0x1A" as /proc/net/arp prints it. */
static int
hex0x(const char *t, size_t tl, uint32_t *v)
{
	if (tl < 3 || t[0] != '0' || (t[1] != 'x' && t[1] != 'X'))
		return -1;
	return hex32(t + 2, tl - 2, v);
}

/* The kernel prints at most 10 digits: a longer token is not its. */
static int
dec32(const char *t, size_t tl, uint32_t *v)
{
	return tl > 10 ? -1 : ir__dec_u32(t, tl, v);
}

/* 32 hex digits: 16 bytes in network order (ipv6_route, if_inet6). */
static int
hex128(const char *t, size_t tl, uint8_t *a)
{
	size_t k;
	int hi, lo;

	if (tl != 32)
		return -1;
	for (k = 0; k < 16; k++) {
		if ((hi = ir_hexval((unsigned char)t[2 * k])) < 0 ||
		    (lo = ir_hexval((unsigned char)t[2 * k + 1])) < 0)
			return -1;
		a[k] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* A v4 address the kernel printed as "%08X" of a __be32 on this host. */
static void
be32_bytes(uint32_t v, uint8_t *a)
{
	memcpy(a, &v, 4);
}

/* An interface name: 1 to 16 bytes, no NUL; "*" and "-" mean none. */
static int
ifname(const char *t, size_t tl, char *out)
{
	if (tl == 0 || tl >= IR_IFNAME_MAX || memchr(t, '\0', tl) != NULL)
		return -1;
	if (tl == 1 && (t[0] == '*' || t[0] == '-')) {
		out[0] = '\0';
		return 0;
	}
	memcpy(out, t, tl);
	out[tl] = '\0';
	return 0;
}

static unsigned
mask_len(const uint8_t *m, size_t n)
{
	unsigned bits = 0;
	size_t k;
	int b;

	for (k = 0; k < n; k++)
		for (b = 7; b >= 0; b--)
			bits += (m[k] >> b) & 1;
	return bits;
}

/* A line 1 starting so is a header. */
static int
starts(const struct ir__line *l, const char *head)
{
	size_t hl = strlen(head);

	return l->len >= hl && memcmp(l->p, head, hl) == 0;
}

static int
route_head(const struct ir__line *l)
{
	return starts(l, "Iface");
}

static int
arp_head(const struct ir__line *l)
{
	return starts(l, "IP");
}

/*
 * A /proc/net table: '\r' is blank, a NUL byte is left to the fields, and
 * the errors of a full array name the table.
 */
#define NET_TABLE(name, type, hd, ln) {					\
	.what = (name), .size = sizeof(type), .max = NET_MAX_ENTRIES,	\
	.limit = (name), .nomem = (name), .cr = 1, .nul = NULL,		\
	.head = (hd), .line = (ln), .clear = NULL			\
}

/* ---- /proc/net/route ---- */

static int
route_line(const struct ir__line *l, void *entry, const char **why)
{
	struct ir_route *r = entry;
	const char *t;
	size_t j = 0, tl, f;
	uint32_t v, mask = 0;

	r->family = AF_INET;
	/* Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT */
	for (f = 0; f < 11; f++) {
		if (!ir__field(l, &j, &t, &tl, why))
			return -1;
		switch (f) {
		case 0:
			*why = "bad interface";
			if (ifname(t, tl, r->ifname) != 0)
				return -1;
			break;
		case 1:
			*why = "bad destination";
			if (tl != 8 || hex32(t, tl, &v) != 0)
				return -1;
			be32_bytes(v, r->dst);
			break;
		case 2:
			*why = "bad gateway";
			if (tl != 8 || hex32(t, tl, &v) != 0)
				return -1;
			be32_bytes(v, r->gw);
			break;
		case 3:
			*why = "bad flags";
			if (hex32(t, tl, &r->flags) != 0)
				return -1;
			break;
		case 6:
			*why = "bad metric";
			if (dec32(t, tl, &r->metric) != 0)
				return -1;
			break;
		case 7:
			*why = "bad mask";
			if (tl != 8 || hex32(t, tl, &mask) != 0)
				return -1;
			break;
		case 8:
			*why = "bad mtu";
			if (dec32(t, tl, &r->mtu) != 0)
				return -1;
			break;
		default:
			*why = "bad number";
			if (dec32(t, tl, &v) != 0)
				return -1;
		}
	}
	if (ir__nomore(l, j, why) != 0)
		return -1;
	{
		uint8_t m[4];

		be32_bytes(mask, m);
		r->dst_len = mask_len(m, 4);
	}
	return 0;
}

int
ir_route_parse(const char *buf, size_t n, struct ir_route **out,
    size_t *nout, struct ir_err *e)
{
	static const struct ir__table tb =
	    NET_TABLE("route", struct ir_route, route_head, route_line);

	return ir__table(&tb, buf, n, out, nout, e);
}

/* ---- /proc/net/ipv6_route ---- */

static int
route6_line(const struct ir__line *l, void *entry, const char **why)
{
	struct ir_route *r = entry;
	const char *t;
	size_t j = 0, tl, f;
	uint32_t v;

	r->family = AF_INET6;
	/* dst dstlen src srclen nexthop metric refcnt use flags ifname */
	for (f = 0; f < 10; f++) {
		if (!ir__field(l, &j, &t, &tl, why))
			return -1;
		switch (f) {
		case 0:
			*why = "bad destination";
			if (hex128(t, tl, r->dst) != 0)
				return -1;
			break;
		case 1:
		case 3:
			*why = "bad prefix length";
			if (tl != 2 || hex32(t, tl, &v) != 0 || v > 128)
				return -1;
			if (f == 1)
				r->dst_len = v;
			else
				r->src_len = v;
			break;
		case 2:
			*why = "bad source";
			if (hex128(t, tl, r->src) != 0)
				return -1;
			break;
		case 4:
			*why = "bad next hop";
			if (hex128(t, tl, r->gw) != 0)
				return -1;
			break;
		case 5:
			*why = "bad metric";
			if (tl != 8 || hex32(t, tl, &r->metric) != 0)
				return -1;
			break;
		case 8:
			*why = "bad flags";
			if (tl != 8 || hex32(t, tl, &r->flags) != 0)
				return -1;
			break;
		case 9:
			*why = "bad interface";
			if (ifname(t, tl, r->ifname) != 0)
				return -1;
			break;
		default:
			*why = "bad number";
			if (tl != 8 || hex32(t, tl, &v) != 0)
				return -1;
		}
	}
	return ir__nomore(l, j, why);
}

int
ir_route6_parse(const char *buf, size_t n, struct ir_route **out,
    size_t *nout, struct ir_err *e)
{
	static const struct ir__table tb =
	    NET_TABLE("ipv6_route", struct ir_route, NULL, route6_line);

	return ir__table(&tb, buf, n, out, nout, e);
}

/* ---- /proc/net/arp ---- */

static int
ipv4_text(const char *t, size_t tl, uint8_t *a)
{
	size_t k = 0, i;
	unsigned v;
	int digits;

	for (i = 0; i < 4; i++) {
		if (i > 0) {
			if (k == tl || t[k] != '.')
				return -1;
			k++;
		}
		v = 0;
		digits = 0;
		while (k < tl && t[k] >= '0' && t[k] <= '9' && digits < 3) {
			v = v * 10 + (unsigned)(t[k] - '0');
			k++;
			digits++;
		}
		if (digits == 0 || v > 255)
			return -1;
		a[i] = (uint8_t)v;
	}
	return k == tl ? 0 : -1;
}

static int
arp_line(const struct ir__line *l, void *entry, const char **why)
{
	struct ir_arp *r = entry;
	const char *t;
	size_t j = 0, tl, f;

	/* IP address, HW type, Flags, HW address, Mask, Device */
	for (f = 0; f < 6; f++) {
		if (!ir__field(l, &j, &t, &tl, why))
			return -1;
		switch (f) {
		case 0:
			*why = "bad address";
			if (ipv4_text(t, tl, r->addr) != 0)
				return -1;
			break;
		case 1:
			*why = "bad hardware type";
			if (hex0x(t, tl, &r->hwtype) != 0)
				return -1;
			break;
		case 2:
			*why = "bad flags";
			if (hex0x(t, tl, &r->flags) != 0)
				return -1;
			break;
		case 3:
			*why = "bad hardware address";
			if (tl >= sizeof(r->hwaddr) ||
			    memchr(t, '\0', tl) != NULL)
				return -1;
			memcpy(r->hwaddr, t, tl);
			r->hwaddr[tl] = '\0';
			break;
		case 4:
			break;		/* the mask: "*" */
		case 5:
			*why = "bad interface";
			if (ifname(t, tl, r->ifname) != 0)
				return -1;
			break;
		}
	}
	return ir__nomore(l, j, why);
}

int
ir_arp_parse(const char *buf, size_t n, struct ir_arp **out, size_t *nout,
    struct ir_err *e)
{
	static const struct ir__table tb =
	    NET_TABLE("arp", struct ir_arp, arp_head, arp_line);

	return ir__table(&tb, buf, n, out, nout, e);
}

/* ---- /proc/net/if_inet6 ---- */

static int
inet6_line(const struct ir__line *l, void *entry, const char **why)
{
	struct ir_inet6 *r = entry;
	const char *t;
	size_t j = 0, tl, f;
	uint32_t v;

	/* address ifindex prefix_len scope flags name */
	for (f = 0; f < 6; f++) {
		if (!ir__field(l, &j, &t, &tl, why))
			return -1;
		*why = "bad field";
		switch (f) {
		case 0:
			*why = "bad address";
			if (hex128(t, tl, r->addr) != 0)
				return -1;
			break;
		case 1:
			if (hex32(t, tl, &r->ifindex) != 0)
				return -1;
			break;
		case 2:
			if (hex32(t, tl, &v) != 0 || v > 128)
				return -1;
			r->prefix_len = v;
			break;
		case 3:
			if (hex32(t, tl, &v) != 0)
				return -1;
			r->scope = v;
			break;
		case 4:
			if (hex32(t, tl, &v) != 0)
				return -1;
			r->flags = v;
			break;
		case 5:
			*why = "bad interface";
			if (ifname(t, tl, r->ifname) != 0)
				return -1;
			break;
		}
	}
	return ir__nomore(l, j, why);
}

int
ir_inet6_parse(const char *buf, size_t n, struct ir_inet6 **out,
    size_t *nout, struct ir_err *e)
{
	static const struct ir__table tb =
	    NET_TABLE("if_inet6", struct ir_inet6, NULL, inet6_line);

	return ir__table(&tb, buf, n, out, nout, e);
}

/* ---- resolv.conf, hosts, nsswitch.conf ---- */

/* A file edited elsewhere may have CRLF ends: '\r' is a blank here. */
static int
confblank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int
ir_conf_parse(const char *what, const char *buf, size_t n, int semicolon,
    ir_conf_fn fn, void *arg, struct ir_err *e)
{
	struct ir__line l = { NULL, 0, 0 };
	struct ir_conf_line c;
	size_t off = 0, len, k;
	const char *p;
	int rc;

	while (ir__nextline(buf, n, &off, &l)) {
		p = l.p;
		len = l.len;
		if (memchr(p, '\0', len) != NULL)
			return ir_err_set(e, IR_EFORMAT, 0,
			    "%s line %zu: NUL byte", what, l.no);
		for (k = 0; k < len; k++)
			if (p[k] == '#' || (semicolon && p[k] == ';'))
				break;
		len = k;
		while (len > 0 && (confblank(p[len - 1])))
			len--;
		while (len > 0 && confblank(p[0])) {
			p++;
			len--;
		}
		if (len == 0)
			continue;
		memset(&c, 0, sizeof(c));
		c.lineno = l.no;
		c.key = p;
		for (k = 0; k < len && !confblank(p[k]); k++)
			;
		c.keylen = k;
		while (k < len && confblank(p[k]))
			k++;
		c.value = p + k;
		c.valuelen = len - k;
		if ((rc = fn(&c, arg)) != 0)
			return rc;
	}
	return IR_OK;
}
