/*
 * libFuzzer: /proc text as untrusted input, the first byte choosing the
 * parser (0 stat, 1 status, 2 net tcp/udp/raw, 3 unix, 4 packet, 5
 * modules, 6 mountinfo, 7 an fd link).  Besides memory errors: a parse
 * that fails is IR_EFORMAT (or IR_ENOMEM) naming its line, with nothing
 * returned; one that works returns no more entries than lines (modules
 * and mountinfo: one per non-blank line), NUL-terminated strings that fit,
 * families and state names consistent with the numbers, and an fd link
 * that prints back to its own text.  Socket tables and mountinfo printed
 * back as the kernel would (v6 as four little-endian words, odd bytes of
 * mount fields as \ooo) parse to the same entries.
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

/* Lines, and lines holding something other than blanks. */
static void
count(const char *p, size_t n, size_t *lines, size_t *full)
{
	size_t i;
	int any = 0;

	*lines = *full = 0;
	for (i = 0; i < n; i++) {
		if (p[i] == '\n') {
			(*lines)++;
			*full += any;
			any = 0;
		} else if (p[i] != ' ' && p[i] != '\t')
			any = 1;
	}
	if (n > 0 && p[n - 1] != '\n') {
		(*lines)++;
		*full += any;
	}
}

static void
fits(const char *s, size_t max)
{
	if (s == NULL || strnlen(s, max) == max)
		abort();
}

static void
stat_one(const char *p, size_t n)
{
	struct ir_pstat st;
	struct ir_err e;
	int rc;

	if ((rc = ir_pstat_parse(p, n, &st, &e)) != IR_OK) {
		failed(rc, &e, "stat line 1: ", NULL, 0);
		return;
	}
	fits(st.comm, sizeof(st.comm));
	if (st.state == ' ' || st.state == '\0' || st.state == '\n')
		abort();
}

static void
status_one(const char *p, size_t n)
{
	struct ir_pstatus s;
	struct ir_err e;
	int rc;

	if ((rc = ir_pstatus_parse(p, n, &s, &e)) != IR_OK) {
		failed(rc, &e, "status line ", NULL, 0);
		return;
	}
	fits(s.name, sizeof(s.name));
	if (s.have > 0xffff || s.nnspid > IR_NSPID_MAX ||
	    (s.nnspid > 0) != ((s.have & IR_ST_NSPID) != 0) ||
	    s.umask > 07777 || s.no_new_privs < 0 || s.seccomp < 0)
		abort();
}

/* Each field as the kernel would print it, everything odd as \ooo. */
static void
esc(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= ' ' || *s == '\\' || *s == '-' ||
		    (unsigned char)*s >= 0x7f)
			fprintf(fp, "\\%03o", (unsigned char)*s);
		else
			fputc(*s, fp);
	fputc(' ', fp);
}

static void
net_addr(FILE *fp, const struct ir_sock *s, const uint8_t *a, uint16_t port)
{
	int w;

	for (w = 0; w < (s->family == AF_INET ? 1 : 4); w++)
		fprintf(fp, "%08X", (unsigned)a[w * 4] |
		    (unsigned)a[w * 4 + 1] << 8 | (unsigned)a[w * 4 + 2] << 16 |
		    (unsigned)a[w * 4 + 3] << 24);
	fprintf(fp, ":%04X ", port);
}

/* Printed back in the kernel's format, the table parses the same. */
static void
net_again(const struct ir_sock *s, size_t ns)
{
	struct ir_sock *s2;
	struct ir_err e;
	size_t n2, i, tl;
	char *text;
	FILE *fp;

	if ((fp = open_memstream(&text, &tl)) == NULL)
		abort();
	for (i = 0; i < ns; i++) {
		fprintf(fp, "%4zu: ", i);
		net_addr(fp, &s[i], s[i].laddr, s[i].lport);
		net_addr(fp, &s[i], s[i].raddr, s[i].rport);
		fprintf(fp, "%02X 00000000:00000000 00:00000000 00000000 "
		    "%5u 0 %" PRIu64 "\n", s[i].state, s[i].uid, s[i].inode);
	}
	if (fclose(fp) != 0)
		abort();
	if (ir_net_parse("tcp", text, tl, &s2, &n2, &e) != IR_OK || n2 != ns)
		abort();
	for (i = 0; i < ns; i++)
		if (s2[i].family != s[i].family || s2[i].lport != s[i].lport ||
		    s2[i].rport != s[i].rport || s2[i].state != s[i].state ||
		    s2[i].uid != s[i].uid || s2[i].inode != s[i].inode ||
		    memcmp(s2[i].laddr, s[i].laddr, 16) != 0 ||
		    memcmp(s2[i].raddr, s[i].raddr, 16) != 0)
			abort();
	ir_socks_free(s2, n2);
	free(text);
}

static void
net_one(const char *p, size_t n)
{
	struct ir_sock *s;
	struct ir_err e;
	size_t ns, i, lines, full;
	char a[64];
	int rc;

	if ((rc = ir_net_parse("tcp", p, n, &s, &ns, &e)) != IR_OK) {
		failed(rc, &e, "tcp line ", s, ns);
		return;
	}
	count(p, n, &lines, &full);
	if (ns > full || (ns == 0) != (s == NULL))
		abort();
	for (i = 0; i < ns; i++) {
		if ((s[i].family != AF_INET && s[i].family != AF_INET6) ||
		    s[i].state > 0xff || s[i].state_name == NULL ||
		    strcmp(s[i].state_name,
		    ir_tcp_state_name(s[i].state)) != 0)
			abort();
		ir_sock_addr_str(s[i].family, s[i].laddr, a, sizeof(a));
		fits(a, sizeof(a));
		if (s[i].family == AF_INET && strchr(a, '.') == NULL)
			abort();
	}
	net_again(s, ns);
	ir_socks_free(s, ns);
}

static void
unix_one(const char *p, size_t n)
{
	struct ir_unix *u;
	struct ir_err e;
	size_t nu, i, lines, full;
	int rc;

	if ((rc = ir_unix_parse(p, n, &u, &nu, &e)) != IR_OK) {
		failed(rc, &e, "unix line ", u, nu);
		return;
	}
	count(p, n, &lines, &full);
	if (nu > lines || (nu == 0) != (u == NULL))
		abort();
	for (i = 0; i < nu; i++) {
		if (u[i].path == NULL ||
		    u[i].abstract != (u[i].path[0] == '@') ||
		    u[i].type > 0xffff || u[i].state > 0xff)
			abort();
	}
	ir_unix_free(u, nu);
}

static void
packet_one(const char *p, size_t n)
{
	struct ir_packet *k;
	struct ir_err e;
	size_t nk, i, lines, full;
	int rc;

	if ((rc = ir_packet_parse(p, n, &k, &nk, &e)) != IR_OK) {
		failed(rc, &e, "packet line ", k, nk);
		return;
	}
	count(p, n, &lines, &full);
	if (nk > full || (nk == 0) != (k == NULL))
		abort();
	for (i = 0; i < nk; i++)
		if (k[i].proto > 0xffff || (k[i].running != 0 &&
		    k[i].running != 1))
			abort();
	ir_packet_free(k, nk);
}

static void
modules_one(const char *p, size_t n)
{
	struct ir_module *m;
	struct ir_err e;
	size_t nm, i, lines, full;
	int rc;

	if ((rc = ir_modules_parse(p, n, &m, &nm, &e)) != IR_OK) {
		failed(rc, &e, "modules line ", m, nm);
		return;
	}
	count(p, n, &lines, &full);
	if (nm != full || (nm == 0) != (m == NULL))
		abort();
	for (i = 0; i < nm; i++) {
		if (m[i].name == NULL || m[i].name[0] == '\0' ||
		    strpbrk(m[i].name, " \t\n") != NULL ||
		    m[i].deps == NULL || m[i].state == NULL ||
		    m[i].taint == NULL || m[i].refcount < -1)
			abort();
	}
	ir_modules_free(m, nm);
}

static void
mountinfo_again(const struct ir_mount *m, size_t nm)
{
	struct ir_mount *m2;
	struct ir_err e;
	size_t n2, i, tl;
	char *text;
	FILE *fp;

	if ((fp = open_memstream(&text, &tl)) == NULL)
		abort();
	for (i = 0; i < nm; i++) {
		fprintf(fp, "%" PRIu64 " %" PRIu64 " %u:%u ", m[i].id,
		    m[i].parent, m[i].major, m[i].minor);
		esc(fp, m[i].root);
		esc(fp, m[i].point);
		esc(fp, m[i].opts);
		if (m[i].optional[0] != '\0')
			esc(fp, m[i].optional);
		fputs("- ", fp);
		esc(fp, m[i].fstype);
		esc(fp, m[i].source);
		esc(fp, m[i].super);
		fputc('\n', fp);
	}
	if (fclose(fp) != 0)
		abort();
	if (ir_mountinfo_parse(text, tl, &m2, &n2, &e) != IR_OK || n2 != nm)
		abort();
	for (i = 0; i < nm; i++)
		if (m2[i].id != m[i].id || m2[i].parent != m[i].parent ||
		    m2[i].major != m[i].major || m2[i].minor != m[i].minor ||
		    strcmp(m2[i].root, m[i].root) != 0 ||
		    strcmp(m2[i].point, m[i].point) != 0 ||
		    strcmp(m2[i].opts, m[i].opts) != 0 ||
		    strcmp(m2[i].optional, m[i].optional) != 0 ||
		    strcmp(m2[i].fstype, m[i].fstype) != 0 ||
		    strcmp(m2[i].source, m[i].source) != 0 ||
		    strcmp(m2[i].super, m[i].super) != 0)
			abort();
	ir_mounts_free(m2, n2);
	free(text);
}

static void
mountinfo_one(const char *p, size_t n)
{
	struct ir_mount *m;
	struct ir_err e;
	size_t nm, i, lines, full;
	int rc;

	if ((rc = ir_mountinfo_parse(p, n, &m, &nm, &e)) != IR_OK) {
		failed(rc, &e, "mountinfo line ", m, nm);
		return;
	}
	count(p, n, &lines, &full);
	if (nm != full || (nm == 0) != (m == NULL))
		abort();
	for (i = 0; i < nm; i++)
		if (m[i].root == NULL || m[i].point == NULL ||
		    m[i].opts == NULL || m[i].optional == NULL ||
		    m[i].fstype == NULL || m[i].source == NULL ||
		    m[i].super == NULL || m[i].root[0] == '\0')
			abort();
	mountinfo_again(m, nm);
	ir_mounts_free(m, nm);
}

static void
link_one(const char *p, size_t n)
{
	struct ir_err e;
	uint64_t ino;
	char back[64];
	int rc;

	if ((rc = ir_socket_link_parse(p, n, &ino, &e)) != IR_OK) {
		failed(rc, &e, "fd link line 1: ", NULL, 0);
		if (ino != 0)
			abort();
		return;
	}
	/* Leading zeros aside, the text is what the inode prints as. */
	(void)snprintf(back, sizeof(back), "%" PRIu64 "]", ino);
	if (n < strlen(back) || memcmp(p + n - strlen(back), back,
	    strlen(back)) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy;
	size_t n;

	if ((copy = fuzz_rest(data, size, &n)) == NULL)
		return 0;
	switch (data[0] % 8) {
	case 0: stat_one(copy, n); break;
	case 1: status_one(copy, n); break;
	case 2: net_one(copy, n); break;
	case 3: unix_one(copy, n); break;
	case 4: packet_one(copy, n); break;
	case 5: modules_one(copy, n); break;
	case 6: mountinfo_one(copy, n); break;
	default: link_one(copy, n); break;
	}
	free(copy);
	return 0;
}
