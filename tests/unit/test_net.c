/*
 * net: this host's own /proc/net/route, ipv6_route, arp and if_inet6
 * parsed and checked against what the kernel says otherwise (interface
 * indexes, line counts, lo's addresses); literal tables as a kernel
 * prints them, byte order included; malformed lines refused as
 * IR_EFORMAT naming the table and the line; config lines with comments,
 * semicolons, CRLF and blanks.
 */
#include "unit.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>

#define S(x)	(x), sizeof(x) - 1

static void
expect_format(int rc, const struct ir_err *e, const char *prefix)
{
	assert_int_equal(rc, IR_EFORMAT);
	assert_int_equal(e->code, IR_EFORMAT);
	if (strncmp(e->msg, prefix, strlen(prefix)) != 0)
		fail_msg("message '%s' not '%s...'", e->msg, prefix);
}

/* The file's bytes, or skip when this kernel has none. */
static int
slurp(const char *path, struct ir_buf *b)
{
	struct ir_err e;

	ir_buf_init(b, (size_t)64 << 20);
	if (ir_read_file(AT_FDCWD, path, b, &e) != IR_OK) {
		ir_buf_release(b);
		return -1;
	}
	return 0;
}

static size_t
nlines(const struct ir_buf *b)
{
	size_t i, n = 0;

	for (i = 0; i < b->len; i++)
		n += b->buf[i] == '\n';
	return n;
}

static void
test_route_literal(void **state)
{
	static const char tab[] =
"Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT                                                       \n"
"eth0\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0                                                                               \n"
"eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t1400\t0\t0                                                                               \n";
	struct ir_route *r;
	struct ir_err e;
	size_t n;
	char s[INET6_ADDRSTRLEN];

	(void)state;
	assert_int_equal(ir_route_parse(S(tab), &r, &n, &e), IR_OK);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].family, AF_INET);
	assert_string_equal(r[0].ifname, "eth0");
	assert_string_equal(inet_ntop(AF_INET, r[0].dst, s, sizeof(s)),
	    "0.0.0.0");
	assert_int_equal(r[0].dst_len, 0);
	assert_string_equal(inet_ntop(AF_INET, r[0].gw, s, sizeof(s)),
	    "192.0.2.1");
	assert_int_equal(r[0].flags, 3);
	assert_int_equal(r[0].metric, 100);
	assert_string_equal(inet_ntop(AF_INET, r[1].dst, s, sizeof(s)),
	    "192.0.2.0");
	assert_int_equal(r[1].dst_len, 24);
	assert_int_equal(r[1].mtu, 1400);
	free(r);
	/* An empty table (header only) and an empty file. */
	assert_int_equal(ir_route_parse(tab, (size_t)(strchr(tab, '\n') - tab +
	    1), &r, &n, &e), IR_OK);
	assert_int_equal(n, 0);
	assert_null(r);
	assert_int_equal(ir_route_parse("", 0, &r, &n, &e), IR_OK);
	assert_int_equal(n, 0);
}

static void
test_route_bad(void **state)
{
	struct ir_route *r = (void *)1;
	struct ir_err e;
	size_t n = 9;

	(void)state;
	expect_format(ir_route_parse(S("eth0\t00000000\t0102XXC0\t0003\t0\t0\t0"
	    "\t00000000\t0\t0\t0\n"), &r, &n, &e), &e, "route line 1: bad gateway");
	assert_null(r);
	assert_int_equal(n, 0);
	expect_format(ir_route_parse(S("eth0\t00000000\t010200C0\t0003\n"), &r,
	    &n, &e), &e, "route line 1: too few fields");
	expect_format(ir_route_parse(S("eth0\t00000000\t010200C0\t0003\t0\t0\t0"
	    "\t00000000\t0\t0\t0\t7\n"), &r, &n, &e), &e,
	    "route line 1: too many fields");
	expect_format(ir_route_parse(S("abcdefghijklmnopq\t00000000\t010200C0"
	    "\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"), &r, &n, &e), &e,
	    "route line 1: bad interface");
	expect_format(ir_route_parse(S("lo\t0\t010200C0\t0003\t0\t0\t0"
	    "\t00000000\t0\t0\t0\n"), &r, &n, &e), &e,
	    "route line 1: bad destination");
	expect_format(ir_route_parse(S("Iface\n\nlo\t00000000\t010200C0\t0003"
	    "\t0\t0\t-1\t00000000\t0\t0\t0\n"), &r, &n, &e), &e,
	    "route line 3: bad metric");
}

static void
test_route_self(void **state)
{
	struct ir_route *r;
	struct ir_buf b;
	struct ir_err e;
	size_t n, i;
	char path[64];

	(void)state;
	if (slurp("/proc/net/route", &b) != 0)
		skip();
	assert_int_equal(ir_route_parse(b.buf, b.len, &r, &n, &e), IR_OK);
	assert_int_equal(n, nlines(&b) - 1);
	for (i = 0; i < n; i++) {
		(void)snprintf(path, sizeof(path), "/sys/class/net/%s",
		    r[i].ifname);
		assert_int_equal(access(path, F_OK), 0);
		assert_true(r[i].dst_len <= 32);
	}
	free(r);
	ir_buf_release(&b);
}

static void
test_route6(void **state)
{
	static const char tab[] =
"fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n"
"00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000003 00000000 00000003     eth0\n"
"00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo\n";
	struct ir_route *r;
	struct ir_buf b;
	struct ir_err e;
	size_t n, i;
	char s[INET6_ADDRSTRLEN];
	int lo = 0;

	(void)state;
	assert_int_equal(ir_route6_parse(S(tab), &r, &n, &e), IR_OK);
	assert_int_equal(n, 3);
	assert_string_equal(inet_ntop(AF_INET6, r[0].dst, s, sizeof(s)),
	    "fd00::");
	assert_int_equal(r[0].dst_len, 64);
	assert_int_equal(r[0].metric, 256);
	assert_string_equal(inet_ntop(AF_INET6, r[1].gw, s, sizeof(s)),
	    "fd00::1");
	assert_int_equal(r[1].flags, 3);
	assert_string_equal(r[2].ifname, "lo");
	assert_int_equal(r[2].dst_len, 128);
	assert_int_equal(r[2].flags, 0x80200001);
	free(r);
	expect_format(ir_route6_parse(S("fd00 40\n"), &r, &n, &e), &e,
	    "ipv6_route line 1: bad destination");
	expect_format(ir_route6_parse(S("00000000000000000000000000000001 81 "
	    "00000000000000000000000000000000 00 00000000000000000000000000000000"
	    " 00000000 00000002 00000000 80200001 lo\n"), &r, &n, &e), &e,
	    "ipv6_route line 1: bad prefix length");

	if (slurp("/proc/net/ipv6_route", &b) != 0)
		skip();
	assert_int_equal(ir_route6_parse(b.buf, b.len, &r, &n, &e), IR_OK);
	assert_int_equal(n, nlines(&b));
	for (i = 0; i < n; i++)
		if (strcmp(r[i].ifname, "lo") == 0 && r[i].dst_len == 128 &&
		    strcmp(inet_ntop(AF_INET6, r[i].dst, s, sizeof(s)),
		    "::1") == 0)
			lo = 1;
	assert_true(lo || access("/proc/sys/net/ipv6/conf/lo/disable_ipv6",
	    F_OK) != 0);
	free(r);
	ir_buf_release(&b);
}

static void
test_arp(void **state)
{
	static const char tab[] =
"IP address       HW type     Flags       HW address            Mask     Device\n"
"192.0.2.1        0x1         0x2         02:fc:00:00:00:05     *        eth0\n"
"10.1.2.3         0x1         0x0         00:00:00:00:00:00     *        br-x\n";
	struct ir_arp *a;
	struct ir_buf b;
	struct ir_err e;
	size_t n, i;
	char s[INET_ADDRSTRLEN];

	(void)state;
	assert_int_equal(ir_arp_parse(S(tab), &a, &n, &e), IR_OK);
	assert_int_equal(n, 2);
	assert_string_equal(inet_ntop(AF_INET, a[0].addr, s, sizeof(s)),
	    "192.0.2.1");
	assert_int_equal(a[0].hwtype, 1);
	assert_int_equal(a[0].flags, 2);
	assert_string_equal(a[0].hwaddr, "02:fc:00:00:00:05");
	assert_string_equal(a[0].ifname, "eth0");
	assert_int_equal(a[1].flags, 0);
	assert_string_equal(a[1].ifname, "br-x");
	free(a);
	expect_format(ir_arp_parse(S("1.2.3.256 0x1 0x2 aa * eth0\n"), &a, &n,
	    &e), &e, "arp line 1: bad address");
	expect_format(ir_arp_parse(S("1.2.3.4 1 0x2 aa * eth0\n"), &a, &n, &e), &e,
	    "arp line 1: bad hardware type");
	expect_format(ir_arp_parse(S("1.2.3.4 0x1 0x2 aa *\n"), &a, &n, &e), &e,
	    "arp line 1: too few fields");

	if (slurp("/proc/net/arp", &b) != 0)
		skip();
	assert_int_equal(ir_arp_parse(b.buf, b.len, &a, &n, &e), IR_OK);
	assert_int_equal(n, nlines(&b) - 1);
	for (i = 0; i < n; i++)
		assert_true(if_nametoindex(a[i].ifname) > 0);
	free(a);
	ir_buf_release(&b);
}

static void
test_inet6(void **state)
{
	static const char tab[] =
"fd000000000000000000000000000002 04 40 00 82     eth0\n"
"00000000000000000000000000000001 01 80 10 80       lo\n";
	struct ir_inet6 *a;
	struct ir_buf b;
	struct ir_err e;
	size_t n, i;
	char s[INET6_ADDRSTRLEN];

	(void)state;
	assert_int_equal(ir_inet6_parse(S(tab), &a, &n, &e), IR_OK);
	assert_int_equal(n, 2);
	assert_string_equal(inet_ntop(AF_INET6, a[0].addr, s, sizeof(s)),
	    "fd00::2");
	assert_int_equal(a[0].ifindex, 4);
	assert_int_equal(a[0].prefix_len, 64);
	assert_int_equal(a[0].flags, 0x82);
	assert_string_equal(a[1].ifname, "lo");
	assert_int_equal(a[1].scope, 0x10);
	free(a);
	expect_format(ir_inet6_parse(S("00000000000000000000000000000001 01 81 "
	    "10 80 lo\n"), &a, &n, &e), &e, "if_inet6 line 1: bad field");

	if (slurp("/proc/net/if_inet6", &b) != 0)
		skip();
	assert_int_equal(ir_inet6_parse(b.buf, b.len, &a, &n, &e), IR_OK);
	assert_int_equal(n, nlines(&b));
	/* The kernel's index of each interface, as if_nametoindex says. */
	for (i = 0; i < n; i++)
		assert_int_equal(a[i].ifindex, if_nametoindex(a[i].ifname));
	free(a);
	ir_buf_release(&b);
}

struct seen {
	char	 out[1024];
	size_t	 calls;
	int	 stop_at;
};

static int
conf_cb(const struct ir_conf_line *c, void *arg)
{
	struct seen *s = arg;
	size_t k = strlen(s->out);

	(void)snprintf(s->out + k, sizeof(s->out) - k, "%zu[%.*s][%.*s]",
	    c->lineno, (int)c->keylen, c->key, (int)c->valuelen, c->value);
	if (++s->calls == (size_t)s->stop_at)
		return 42;
	return 0;
}

static void
test_conf(void **state)
{
	static const char resolv[] =
"# generated\n"
"nameserver 192.0.2.53 ; inline\r\n"
"\n"
"   search\texample.org  corp.example   \n"
"options\n"
";comment\n"
"domain x#y";
	struct seen s;
	struct ir_buf b;
	struct ir_err e;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(ir_conf_parse("resolv.conf", S(resolv), 1, conf_cb,
	    &s, &e), IR_OK);
	assert_string_equal(s.out, "2[nameserver][192.0.2.53]"
	    "4[search][example.org  corp.example]5[options][]7[domain][x]");
	/* Without semicolon comments (hosts), ';' is data. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(ir_conf_parse("hosts", S("1.2.3.4 a;b # c\n"), 0,
	    conf_cb, &s, &e), IR_OK);
	assert_string_equal(s.out, "1[1.2.3.4][a;b]");
	/* The callback stops the parse. */
	memset(&s, 0, sizeof(s));
	s.stop_at = 1;
	assert_int_equal(ir_conf_parse("hosts", S("a b\nc d\n"), 0, conf_cb,
	    &s, &e), 42);
	assert_int_equal(s.calls, 1);
	expect_format(ir_conf_parse("hosts", S("a b\nc\0d\n"), 0, conf_cb, &s,
	    &e), &e, "hosts line 2: NUL byte");

	/* This host's /etc/hosts: every line with a word is seen. */
	if (slurp("/etc/hosts", &b) != 0)
		skip();
	memset(&s, 0, sizeof(s));
	assert_int_equal(ir_conf_parse("hosts", b.buf, b.len, 0, conf_cb, &s,
	    &e), IR_OK);
	assert_true(s.calls >= 1);
	assert_non_null(strstr(s.out, "[localhost"));
	ir_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_literal),
		cmocka_unit_test(test_route_bad),
		cmocka_unit_test(test_route_self),
		cmocka_unit_test(test_route6),
		cmocka_unit_test(test_arp),
		cmocka_unit_test(test_inet6),
		cmocka_unit_test(test_conf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
