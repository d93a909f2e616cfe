/*
 * libFuzzer: network configuration text as untrusted input, the first
 * byte choosing the parser (0 /proc/net/route, 1 ipv6_route, 2 arp, 3
 * if_inet6, 4 config lines without, 5 with ';' comments).  Besides memory
 * errors: a parse that fails is IR_EFORMAT (or IR_ENOMEM, IR_ELIMIT)
 * naming the table and a line, with nothing returned; one that works
 * returns no more entries than lines, interface names and hardware
 * addresses NUL-terminated within their arrays, prefix lengths that fit
 * the family; config lines whose key and value lie inside the input,
 * hold no newline, start and end with no blank, and come in line order.
 * A route table printed back as the kernel prints it parses to the same
 * entries.
 */
#include <sys/socket.h>

#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ir.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fits(const char *s, size_t max)
{
	if (strnlen(s, max) == max)
		abort();
}

static void
route_one(const char *p, size_t n, int v6)
{
	struct ir_route *r = NULL, *r2 = NULL;
	struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_err e;
	size_t nr, nr2, i, k;
	uint32_t w[4];
	int rc;

	rc = v6 ? ir_route6_parse(p, n, &r, &nr, &e) :
	    ir_route_parse(p, n, &r, &nr, &e);
	if (rc != IR_OK) {
		failed(rc, &e, v6 ? "ipv6_route line " : "route line ", r, nr);
		return;
	}
	if (nr > lines(p, n) || (nr == 0) != (r == NULL))
		abort();
	for (i = 0; i < nr; i++) {
		fits(r[i].ifname, sizeof(r[i].ifname));
		if (r[i].family != (v6 ? AF_INET6 : AF_INET) ||
		    r[i].dst_len > (v6 ? 128U : 32U) || r[i].src_len > 128)
			abort();
	}
	/* Print back as the kernel would and parse again. */
	if (!v6)
		(void)ir_buf_addstr(&b, "Iface\tDestination\tGateway \tFlags"
		    "\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n", &e);
	for (i = 0; i < nr; i++) {
		const char *ifn = r[i].ifname[0] != '\0' ? r[i].ifname : "*";

		if (v6) {
			(void)ir_buf_addhex(&b, r[i].dst, 16, &e);
			(void)ir_buf_addf(&b, &e, " %02x ", r[i].dst_len);
			(void)ir_buf_addhex(&b, r[i].src, 16, &e);
			(void)ir_buf_addf(&b, &e, " %02x ", r[i].src_len);
			(void)ir_buf_addhex(&b, r[i].gw, 16, &e);
			(void)ir_buf_addf(&b, &e, " %08" PRIx32 " 00000000 "
			    "00000000 %08" PRIx32 " %8s\n", r[i].metric,
			    r[i].flags, ifn);
		} else {
			uint32_t mask = 0;

			memcpy(&w[0], r[i].dst, 4);
			memcpy(&w[1], r[i].gw, 4);
			for (k = 0; k < r[i].dst_len; k++)
				((uint8_t *)&mask)[k / 8] |=
				    (uint8_t)(0x80 >> (k % 8));
			(void)ir_buf_addf(&b, &e, "%s\t%08" PRIX32 "\t%08" PRIX32
			    "\t%04" PRIX32 "\t0\t0\t%" PRIu32 "\t%08" PRIX32
			    "\t%" PRIu32 "\t0\t0\n", ifn, w[0], w[1],
			    r[i].flags, r[i].metric, mask, r[i].mtu);
		}
	}
	rc = v6 ? ir_route6_parse(b.buf, b.len, &r2, &nr2, &e) :
	    ir_route_parse(b.buf, b.len, &r2, &nr2, &e);
	if (rc == IR_OK && nr2 != nr)
		abort();
	for (i = 0; rc == IR_OK && i < nr; i++) {
		if (strcmp(r[i].ifname, r2[i].ifname) != 0 ||
		    memcmp(r[i].dst, r2[i].dst, 16) != 0 ||
		    memcmp(r[i].gw, r2[i].gw, 16) != 0 ||
		    r[i].flags != r2[i].flags || r[i].metric != r2[i].metric)
			abort();
		/* A v4 mask with holes prints back as its bit count. */
		if (v6 && r[i].dst_len != r2[i].dst_len)
			abort();
	}
	/* The only failure: an interface name that looked like "*" or "-". */
	if (rc != IR_OK && rc != IR_ENOMEM)
		abort();
	free(r);
	free(r2);
	ir_buf_release(&b);
}

static void
arp_one(const char *p, size_t n)
{
	struct ir_arp *a = NULL;
	struct ir_err e;
	size_t na, i;
	int rc;

	if ((rc = ir_arp_parse(p, n, &a, &na, &e)) != IR_OK) {
		failed(rc, &e, "arp line ", a, na);
		return;
	}
	if (na > lines(p, n))
		abort();
	for (i = 0; i < na; i++) {
		fits(a[i].hwaddr, sizeof(a[i].hwaddr));
		fits(a[i].ifname, sizeof(a[i].ifname));
	}
	free(a);
}

static void
inet6_one(const char *p, size_t n)
{
	struct ir_inet6 *a = NULL;
	struct ir_err e;
	size_t na, i;
	int rc;

	if ((rc = ir_inet6_parse(p, n, &a, &na, &e)) != IR_OK) {
		failed(rc, &e, "if_inet6 line ", a, na);
		return;
	}
	if (na > lines(p, n))
		abort();
	for (i = 0; i < na; i++) {
		fits(a[i].ifname, sizeof(a[i].ifname));
		if (a[i].prefix_len > 128)
			abort();
	}
	free(a);
}

struct cstate {
	const char	*p;
	size_t		 n;
	size_t		 last;
};

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int
conf_cb(const struct ir_conf_line *c, void *arg)
{
	struct cstate *s = arg;

	if (c->key < s->p || c->key + c->keylen > s->p + s->n ||
	    c->value < s->p || c->value + c->valuelen > s->p + s->n ||
	    c->keylen == 0 || c->lineno <= s->last ||
	    memchr(c->key, '\n', c->keylen) != NULL ||
	    memchr(c->value, '\n', c->valuelen) != NULL ||
	    blank(c->key[0]) || (c->valuelen > 0 && (blank(c->value[0]) ||
	    blank(c->value[c->valuelen - 1]))))
		abort();
	s->last = c->lineno;
	return 0;
}

static void
conf_one(const char *p, size_t n, int semi)
{
	struct cstate s = { p, n, 0 };
	struct ir_err e;
	int rc;

	rc = ir_conf_parse("conf", p, n, semi, conf_cb, &s, &e);
	if (rc != IR_OK && (rc != IR_EFORMAT ||
	    strncmp(e.msg, "conf line ", 10) != 0))
		abort();
	if (s.last > lines(p, n))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy;
	size_t n;

	if ((copy = fuzz_rest(data, size, &n)) == NULL)
		return 0;
	switch (data[0] % 6) {
	case 0: route_one(copy, n, 0); break;
	case 1: route_one(copy, n, 1); break;
	case 2: arp_one(copy, n); break;
	case 3: inet6_one(copy, n); break;
	case 4: conf_one(copy, n, 0); break;
	default: conf_one(copy, n, 1); break;
	}
	free(copy);
	return 0;
}
