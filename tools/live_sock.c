/*
 * live_sock: the socket tables of /proc/net (TCP, UDP, raw, each v4 and
 * v6, unix, packet), read before the process pass and mapped afterwards
 * to the processes whose fds hold each inode.  A listener no process
 * holds is an orphan: the tables are read once more at the end, and only
 * a listener present both times and held by nobody is reported, so a
 * socket that comes or goes during the run is not.  Namespaces other
 * than ours are read through /proc/PID/net of one process in each.
 */
#include <sys/socket.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "live.h"
#include "tool.h"

#define TABLE_MAX	((size_t)256 << 20)

enum { K_INET, K_UNIX, K_PACKET };

static const struct {
	const char	*name;
	int		 kind;
	int		 family;
} tables[] = {
	{ "tcp", K_INET, AF_INET },
	{ "tcp6", K_INET, AF_INET6 },
	{ "udp", K_INET, AF_INET },
	{ "udp6", K_INET, AF_INET6 },
	{ "raw", K_INET, AF_INET },
	{ "raw6", K_INET, AF_INET6 },
	{ "unix", K_UNIX, AF_UNIX },
	{ "packet", K_PACKET, AF_PACKET },
};
#define NTABLES	(sizeof(tables) / sizeof(tables[0]))

struct table {
	int		 ok;
	struct ir_sock	*s;
	size_t		 ns;
	struct ir_unix	*u;
	size_t		 nu;
	struct ir_packet *p;
	size_t		 np;
};

struct live_socks {
	pid_t		 in;		/* 0: our own namespace */
	uint64_t	 netns;
	struct table	 t[NTABLES];
};

static int
read_table(struct live *l, pid_t in, size_t i, struct table *t, int quiet)
{
	struct ir_buf b;
	struct ir_err e;
	char path[64];
	int rc;

	memset(t, 0, sizeof(*t));
	if (in > 0)
		(void)snprintf(path, sizeof(path), "%d/net/%s", (int)in,
		    tables[i].name);
	else
		(void)snprintf(path, sizeof(path), "net/%s", tables[i].name);
	ir_buf_init(&b, TABLE_MAX);
	rc = live_readat(l->proc_fd, path, &b, TABLE_MAX, &e);
	if (rc == IR_OK) {
		switch (tables[i].kind) {
		case K_INET:
			rc = ir_net_parse(tables[i].name, b.buf, b.len, &t->s,
			    &t->ns, &e);
			break;
		case K_UNIX:
			rc = ir_unix_parse(b.buf, b.len, &t->u, &t->nu, &e);
			break;
		default:
			rc = ir_packet_parse(b.buf, b.len, &t->p, &t->np, &e);
		}
	}
	ir_buf_release(&b);
	/* A kernel without IPv6 or packet sockets has no such table. */
	if (rc != IR_OK && !(rc == IR_ENOENT && i != 0 && i != 2) && !quiet) {
		char where[80];

		(void)snprintf(where, sizeof(where), "/proc/%s", path);
		live_problem(l, "sockets", where, e.msg);
	}
	t->ok = rc == IR_OK;
	return rc;
}

static void
free_table(struct table *t)
{
	ir_socks_free(t->s, t->ns);
	ir_unix_free(t->u, t->nu);
	ir_packet_free(t->p, t->np);
	memset(t, 0, sizeof(*t));
}

struct live_socks *
live_socks_snapshot(struct live *l, pid_t in, uint64_t netns)
{
	struct live_socks *s;
	size_t i;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		tool_die(IR_EXIT_INCOMPLETE, "out of memory");
	s->in = in;
	s->netns = netns;
	/* Another namespace's process may be gone: the caller tries another. */
	if (in > 0 && read_table(l, in, 0, &s->t[0], 1) == IR_ENOENT) {
		free(s);
		return NULL;
	}
	for (i = in > 0; i < NTABLES; i++)
		(void)read_table(l, in, i, &s->t[i], 0);
	return s;
}

/* The owners of inode: [*lo, *hi) in l->owners. */
static void
owners_of(const struct live *l, uint64_t inode, size_t *lo, size_t *hi)
{
	size_t a = 0, b = l->nowners, m;

	while (a < b) {
		m = a + (b - a) / 2;
		if (l->owners[m].inode < inode)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	while (a < l->nowners && l->owners[a].inode == inode)
		a++;
	*hi = a;
}

/* pid, fd, comm of the first owner; "pids" when several processes. */
static size_t
owner_fields(struct live *l, uint64_t inode, struct ir_field *f,
    struct ir_buf *pids)
{
	const struct live_proc *p;
	struct ir_err e;
	size_t lo, hi, k, n = 0, distinct = 0;

	if (inode == 0)
		return 0;
	owners_of(l, inode, &lo, &hi);
	if (lo == hi)
		return 0;
	f[n++] = IR_FI64("pid", l->owners[lo].pid);
	f[n++] = IR_FI64("fd", l->owners[lo].fd);
	if ((p = live_proc_find(l, l->owners[lo].pid)) != NULL)
		f[n++] = IR_FSTR("comm", p->comm);
	ir_buf_reset(pids);
	(void)ir_buf_addch(pids, '[', &e);
	for (k = lo; k < hi; k++) {
		if (k > lo && l->owners[k].pid == l->owners[k - 1].pid)
			continue;
		(void)ir_buf_addf(pids, &e, "%s%d", distinct ? "," : "",
		    (int)l->owners[k].pid);
		distinct++;
	}
	(void)ir_buf_addch(pids, ']', &e);
	if (distinct > 1)
		f[n++] = IR_FRAW("pids", pids->buf);
	return n;
}

static int
inet_listening(size_t i, const struct ir_sock *s)
{
	static const uint8_t zero[16];

	if (tables[i].name[0] == 't')
		return s->state == 10;			/* TCP_LISTEN */
	/* UDP or raw: bound and not connected (TCP_CLOSE, no peer). */
	return s->state == 7 && s->rport == 0 &&
	    memcmp(s->raddr, zero, sizeof(zero)) == 0 &&
	    (tables[i].name[0] == 'r' || s->lport != 0);
}

/* Still in the second reading of the table (by inode, else address). */
static int
still_there(const struct table *t2, const struct ir_sock *s)
{
	size_t k;

	for (k = 0; k < t2->ns; k++) {
		const struct ir_sock *o = &t2->s[k];

		if (o->inode == s->inode && o->lport == s->lport &&
		    o->state == s->state &&
		    memcmp(o->laddr, s->laddr, 16) == 0)
			return 1;
	}
	return 0;
}

/* Does some process hold inode now (a socket made after its fd scan)? */
static int
held_now(const struct live *l, uint64_t inode)
{
	struct ir_fdsock *fs;
	size_t i, k, n;
	int held = 0;

	if (inode == 0)
		return 0;
	for (i = 0; i < l->nprocs && !held; i++) {
		if (l->procs[i].kthread ||
		    ir_proc_sockets(l->procs[i].pid, &fs, &n, NULL) != IR_OK)
			continue;
		for (k = 0; k < n; k++)
			if (fs[k].inode == inode)
				held = 1;
		free(fs);
	}
	return held;
}

static void
orphan(struct live *l, struct live_socks *ss, size_t i,
    const struct ir_sock *s, const char *laddr)
{
	struct ir_field ev[8];
	char detail[256];
	size_t n = 0;

	if (s->inode == 0)
		(void)snprintf(detail, sizeof(detail), "%s %s port %u is "
		    "listening but no process holds it (inode 0: a socket of "
		    "the kernel itself, such as nfsd, or of a module)",
		    tables[i].name, laddr, s->lport);
	else
		(void)snprintf(detail, sizeof(detail), "%s %s port %u is "
		    "listening but no process in /proc holds its inode %"
		    PRIu64, tables[i].name, laddr, s->lport, s->inode);
	ev[n++] = IR_FSTR("proto", tables[i].name);
	ev[n++] = IR_FSTR("laddr", laddr);
	ev[n++] = IR_FU64("lport", s->lport);
	ev[n++] = IR_FU64("inode", s->inode);
	ev[n++] = IR_FU64("uid", s->uid);
	if (ss->netns != 0)
		ev[n++] = IR_FU64("netns", ss->netns);
	live_finding(l, "orphan-listener", detail, ev, n);
}

static void
report_inet(struct live *l, struct live_socks *ss, size_t i,
    struct ir_buf *pids)
{
	struct table *t = &ss->t[i], again;
	struct ir_field f[24];
	char la[48], ra[48];
	size_t k, n, no;
	int reread = 0;

	memset(&again, 0, sizeof(again));
	for (k = 0; k < t->ns && !l->failed; k++) {
		const struct ir_sock *s = &t->s[k];
		int listening = inet_listening(i, s);

		ir_sock_addr_str(s->family, s->laddr, la, sizeof(la));
		ir_sock_addr_str(s->family, s->raddr, ra, sizeof(ra));
		n = 0;
		f[n++] = IR_FSTR("type", "socket");
		f[n++] = IR_FSTR("proto", tables[i].name);
		f[n++] = IR_FSTR("family", s->family == AF_INET6 ? "inet6" :
		    "inet");
		f[n++] = IR_FSTR("laddr", la);
		f[n++] = IR_FU64("lport", s->lport);
		f[n++] = IR_FSTR("raddr", ra);
		f[n++] = IR_FU64("rport", s->rport);
		if (tables[i].name[0] == 't')
			f[n++] = IR_FSTR("state", s->state_name);
		else
			f[n++] = IR_FU64("state_num", s->state);
		f[n++] = IR_FBOOL("listening", listening);
		f[n++] = IR_FU64("uid", s->uid);
		f[n++] = IR_FU64("inode", s->inode);
		if (ss->netns != 0)
			f[n++] = IR_FU64("netns", ss->netns);
		no = owner_fields(l, s->inode, f + n, pids);
		n += no;
		(void)live_emit(l, f, n);
		if (!listening || no > 0)
			continue;
		if (!reread) {
			reread = 1;
			(void)read_table(l, ss->in, i, &again, 1);
		}
		if (again.ok && still_there(&again, s) &&
		    !held_now(l, s->inode))
			orphan(l, ss, i, s, la);
	}
	free_table(&again);
}

static const char *
unix_type(unsigned t)
{
	switch (t) {
	case SOCK_STREAM:
		return "stream";
	case SOCK_DGRAM:
		return "dgram";
	case SOCK_SEQPACKET:
		return "seqpacket";
	default:
		return "other";
	}
}

static const char *
unix_state(unsigned s)
{
	static const char *const names[] = { "FREE", "UNCONNECTED",
	    "CONNECTING", "CONNECTED", "DISCONNECTING" };

	return s < 5 ? names[s] : "UNKNOWN";
}

static void
report_unix(struct live *l, struct live_socks *ss, size_t i,
    struct ir_buf *pids)
{
	struct table *t = &ss->t[i];
	struct ir_field f[20];
	size_t k, n;

	for (k = 0; k < t->nu && !l->failed; k++) {
		const struct ir_unix *u = &t->u[k];

		n = 0;
		f[n++] = IR_FSTR("type", "socket");
		f[n++] = IR_FSTR("proto", "unix");
		f[n++] = IR_FSTR("family", "unix");
		if (u->path[0] != '\0')
			f[n++] = IR_FSTR("path", u->path);
		f[n++] = IR_FBOOL("abstract", u->abstract);
		f[n++] = IR_FSTR("stype", unix_type(u->type));
		f[n++] = IR_FSTR("state", unix_state(u->state));
		f[n++] = IR_FBOOL("listening", (u->flags & 0x10000) != 0);
		f[n++] = IR_FU64("inode", u->inode);
		if (ss->netns != 0)
			f[n++] = IR_FU64("netns", ss->netns);
		n += owner_fields(l, u->inode, f + n, pids);
		(void)live_emit(l, f, n);
	}
}

static void
report_packet(struct live *l, struct live_socks *ss, size_t i,
    struct ir_buf *pids)
{
	struct table *t = &ss->t[i];
	struct ir_field f[20];
	char proto[8];
	size_t k, n;

	for (k = 0; k < t->np && !l->failed; k++) {
		const struct ir_packet *p = &t->p[k];

		(void)snprintf(proto, sizeof(proto), "0x%04x", p->proto);
		n = 0;
		f[n++] = IR_FSTR("type", "socket");
		f[n++] = IR_FSTR("proto", "packet");
		f[n++] = IR_FSTR("family", "packet");
		f[n++] = IR_FSTR("stype", p->type == SOCK_RAW ? "raw" :
		    p->type == SOCK_DGRAM ? "dgram" : "other");
		f[n++] = IR_FSTR("ethertype", proto);
		f[n++] = IR_FI64("ifindex", p->ifindex);
		f[n++] = IR_FBOOL("running", p->running);
		f[n++] = IR_FU64("uid", p->uid);
		f[n++] = IR_FU64("inode", p->inode);
		if (ss->netns != 0)
			f[n++] = IR_FU64("netns", ss->netns);
		n += owner_fields(l, p->inode, f + n, pids);
		(void)live_emit(l, f, n);
	}
}

void
live_socks_report(struct live *l, struct live_socks *ss)
{
	struct ir_buf pids = IR_BUF_INIT(IR_BUF_NOLIMIT);
	size_t i;

	if (ss == NULL)
		return;
	for (i = 0; i < NTABLES; i++) {
		if (ss->t[i].ok) {
			switch (tables[i].kind) {
			case K_INET:
				report_inet(l, ss, i, &pids);
				break;
			case K_UNIX:
				report_unix(l, ss, i, &pids);
				break;
			default:
				report_packet(l, ss, i, &pids);
			}
		}
		free_table(&ss->t[i]);
	}
	ir_buf_release(&pids);
	free(ss);
}

void
live_sockets_other_ns(struct live *l)
{
	struct live_socks *ss;
	uint64_t *seen = NULL;
	size_t nseen = 0, i, k;

	for (i = 0; i < l->nprocs && !l->failed; i++) {
		const struct live_proc *p = &l->procs[i];

		if (p->netns == 0 || p->netns == l->self_netns || p->kthread)
			continue;
		for (k = 0; k < nseen; k++)
			if (seen[k] == p->netns)
				break;
		if (k < nseen || (ss = live_socks_snapshot(l, p->pid,
		    p->netns)) == NULL)
			continue;
		if ((seen = reallocarray(seen, nseen + 1, sizeof(*seen))) ==
		    NULL)
			tool_die(IR_EXIT_INCOMPLETE, "out of memory");
		seen[nseen++] = p->netns;
		live_socks_report(l, ss);
	}
	free(seen);
}
