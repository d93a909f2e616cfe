/*
 * proc: /proc text parsed by irkit itself.  Every parser works on a
 * bounded buffer, token by token, with explicit overflow checks: the text
 * is the kernel's, but parts of it (comm, socket names, mount points) are
 * chosen by whoever we are investigating.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ir/buf.h"
#include "ir/error.h"
#include "ir/io.h"
#include "ir/proc.h"

#include "proctext.h"

/* Bigger than any real table; a bound on what a read may cost. */
#define PROC_MAX	((size_t)256 << 20)
#define SMALL_MAX	((size_t)1 << 20)
#define ARR_MAX		((size_t)1 << 24)

/* A table of ARR_MAX elements whose full array is "proc table". */
#define PROC_TABLE(name, type, hd, nulwhy, ln, cl) {			\
	.what = (name), .size = sizeof(type), .max = ARR_MAX,		\
	.limit = NULL, .nomem = "proc table", .cr = 0, .nul = (nulwhy),	\
	.head = (hd), .line = (ln), .clear = (cl)			\
}

/* Grow *a (of *cap elements of size sz) to hold one more than n. */
static int
grow(void *a, size_t *cap, size_t n, size_t sz, struct ir_err *e)
{
	int rc;

	if ((rc = ir__grow(a, cap, n, sz, ARR_MAX)) == IR_ELIMIT)
		return ir_err_set(e, rc, 0, "more than %zu entries", ARR_MAX);
	if (rc != IR_OK)
		return ir_err_set(e, rc, errno, "proc table");
	return IR_OK;
}

static int
readproc(const char *path, size_t max, struct ir_buf *b, struct ir_err *e)
{
	int rc;

	ir_buf_init(b, max);
	if ((rc = ir_read_file(AT_FDCWD, path, b, e)) != IR_OK) {
		ir_buf_release(b);
		if (e != NULL && e->sys_errno == ENOENT)
			e->code = rc = IR_ENOENT;
	}
	return rc;
}

/* ---- /proc/PID/stat ---- */

int
ir_pstat_parse(const char *buf, size_t n, struct ir_pstat *st,
    struct ir_err *e)
{
	const char *open, *close, *t, *p;
	const char *why = "no '(comm)'";
	uint64_t u;
	size_t j, len, tl, f;

	memset(st, 0, sizeof(*st));
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (memchr(buf, '\0', n) != NULL) {
		why = "NUL byte";
		goto bad;
	}
	/* comm is anything, ')' included: it ends at the last ')'. */
	if ((open = memchr(buf, '(', n)) == NULL)
		goto bad;
	for (close = buf + n; close > open && close[-1] != ')'; close--)
		;
	if (close == open || open == buf || open[-1] != ' ')
		goto bad;
	close--;
	if (ir__dec_i64(buf, (size_t)(open - 1 - buf), &st->pid) != 0) {
		why = "bad pid";
		goto bad;
	}
	if ((size_t)(close - open - 1) >= sizeof(st->comm)) {
		why = "comm too long";
		goto bad;
	}
	memcpy(st->comm, open + 1, (size_t)(close - open - 1));
	p = close + 1;
	len = (size_t)(buf + n - p);
	if (memchr(p, '\n', len) != NULL) {
		why = "more than one line";
		goto bad;
	}
	/* Fields 3 to 24, numbered as in proc(5). */
	for (j = 0, f = 3; f <= 24; f++) {
		if (!ir__tok(p, len, &j, &t, &tl)) {
			why = "too few fields";
			goto bad;
		}
		why = "bad field";
		switch (f) {
		case 3:
			if (tl != 1)
				goto bad;
			st->state = t[0];
			break;
		case 4:
			if (ir__dec_i64(t, tl, &st->ppid) != 0)
				goto bad;
			break;
		case 5:
			if (ir__dec_i64(t, tl, &st->pgrp) != 0)
				goto bad;
			break;
		case 6:
			if (ir__dec_i64(t, tl, &st->session) != 0)
				goto bad;
			break;
		case 7:
			if (ir__dec_i64(t, tl, &st->tty) != 0)
				goto bad;
			break;
		case 9:
			if (ir__dec_u64(t, tl, &st->flags) != 0)
				goto bad;
			break;
		case 20:
			if (ir__dec_i64(t, tl, &st->num_threads) != 0)
				goto bad;
			break;
		case 22:
			if (ir__dec_u64(t, tl, &st->start_time) != 0)
				goto bad;
			break;
		case 23:
			if (ir__dec_u64(t, tl, &st->vsize) != 0)
				goto bad;
			break;
		case 24:
			if (ir__dec_i64(t, tl, &st->rss) != 0)
				goto bad;
			break;
		default:
			/* Signed ones (nice, priority, cutime) too. */
			if (ir__dec_u64(t + (t[0] == '-'), tl - (t[0] == '-'),
			    &u) != 0)
				goto bad;
		}
	}
	return IR_OK;
bad:
	memset(st, 0, sizeof(*st));
	return ir_err_set(e, IR_EFORMAT, 0, "stat line 1: %s", why);
}

int
ir_pstat_read(pid_t pid, struct ir_pstat *st, struct ir_err *e)
{
	struct ir_buf b;
	char path[64];
	int rc;

	(void)snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((rc = readproc(path, SMALL_MAX, &b, e)) != IR_OK)
		return rc;
	rc = ir_pstat_parse(b.buf, b.len, st, e);
	ir_buf_release(&b);
	return rc;
}

/* ---- /proc/PID/status ---- */

/*
 * Undo the kernel's escaping of a task name (seq_escape_str with
 * ESCAPE_SPACE | ESCAPE_SPECIAL, "\n\\"), and its \ooo of mount fields.
 */
static int
unescape(const char *p, size_t n, char *out, size_t outsz, size_t *outlen)
{
	size_t i, o = 0;
	char c;

	for (i = 0; i < n; i++) {
		c = p[i];
		if (c == '\\' && i + 1 < n) {
			switch (p[i + 1]) {
			case 'n': c = '\n'; i++; break;
			case 't': c = '\t'; i++; break;
			case 'r': c = '\r'; i++; break;
			case 'v': c = '\v'; i++; break;
			case 'f': c = '\f'; i++; break;
			case 'a': c = '\a'; i++; break;
			case 'e': c = '\033'; i++; break;
			case '\\': c = '\\'; i++; break;
			case '"': c = '"'; i++; break;
			default:
				if (i + 3 < n &&
				    p[i + 1] >= '0' && p[i + 1] <= '3' &&
				    p[i + 2] >= '0' && p[i + 2] <= '7' &&
				    p[i + 3] >= '0' && p[i + 3] <= '7') {
					c = (char)((p[i + 1] - '0') << 6 |
					    (p[i + 2] - '0') << 3 |
					    (p[i + 3] - '0'));
					i += 3;
				}
			}
		}
		/* "\000" would cut the string short: never the kernel's. */
		if (c == '\0' || o + 1 >= outsz)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	if (outlen != NULL)
		*outlen = o;
	return 0;
}

static const struct {
	const char	*key;
	unsigned	 bit;
} stkeys[] = {
	{ "Name", IR_ST_NAME }, { "Umask", IR_ST_UMASK },
	{ "State", IR_ST_STATE }, { "Tgid", IR_ST_TGID },
	{ "PPid", IR_ST_PPID }, { "TracerPid", IR_ST_TRACER },
	{ "Uid", IR_ST_UID }, { "Gid", IR_ST_GID },
	{ "NSpid", IR_ST_NSPID }, { "CapInh", IR_ST_CAPINH },
	{ "CapPrm", IR_ST_CAPPRM }, { "CapEff", IR_ST_CAPEFF },
	{ "CapBnd", IR_ST_CAPBND }, { "CapAmb", IR_ST_CAPAMB },
	{ "NoNewPrivs", IR_ST_NNP }, { "Seccomp", IR_ST_SECCOMP },
};

static int
status_ids(const char *p, size_t len, uint32_t *id)
{
	const char *t;
	size_t j = 0, tl, k;

	for (k = 0; k < 4; k++)
		if (!ir__tok(p, len, &j, &t, &tl) ||
		    ir__dec_u32(t, tl, &id[k]) != 0)
			return -1;
	return ir__tok(p, len, &j, &t, &tl) ? -1 : 0;
}

/* One value line: the one token after "Key:". */
static int
one(const char *p, size_t len, const char **t, size_t *tl)
{
	size_t j = 0;
	const char *x;
	size_t xl;

	if (!ir__tok(p, len, &j, t, tl))
		return -1;
	return ir__tok(p, len, &j, &x, &xl) ? -1 : 0;
}

static int
status_line(struct ir_pstatus *s, unsigned bit, const char *p, size_t len)
{
	const char *t;
	size_t tl, j;
	uint64_t u;
	int64_t v;

	switch (bit) {
	case IR_ST_NAME:
		/* Name is "\t" then the escaped comm, which may hold blanks. */
		if (len > 0 && p[0] == '\t')
			p++, len--;
		return unescape(p, len, s->name, sizeof(s->name), NULL);
	case IR_ST_UMASK:
		if (one(p, len, &t, &tl) != 0 || tl > 4)
			return -1;
		for (j = 0, s->umask = 0; j < tl; j++) {
			if (t[j] < '0' || t[j] > '7')
				return -1;
			s->umask = s->umask << 3 | (unsigned)(t[j] - '0');
		}
		return tl == 0 ? -1 : 0;
	case IR_ST_STATE:
		j = 0;
		if (!ir__tok(p, len, &j, &t, &tl) || tl != 1)
			return -1;
		s->state = t[0];
		return 0;
	case IR_ST_UID:
		return status_ids(p, len, s->uid);
	case IR_ST_GID:
		return status_ids(p, len, s->gid);
	case IR_ST_NSPID:
		for (j = 0; ir__tok(p, len, &j, &t, &tl); s->nnspid++)
			if (s->nnspid == IR_NSPID_MAX ||
			    ir__dec_i64(t, tl, &s->nspid[s->nnspid]) != 0)
				return -1;
		return s->nnspid == 0 ? -1 : 0;
	case IR_ST_CAPINH: case IR_ST_CAPPRM: case IR_ST_CAPEFF:
	case IR_ST_CAPBND: case IR_ST_CAPAMB:
		if (one(p, len, &t, &tl) != 0 ||
		    ir__hex_u64(t, tl, 16, &u) != 0)
			return -1;
		*(bit == IR_ST_CAPINH ? &s->cap_inh : bit == IR_ST_CAPPRM ?
		    &s->cap_prm : bit == IR_ST_CAPEFF ? &s->cap_eff :
		    bit == IR_ST_CAPBND ? &s->cap_bnd : &s->cap_amb) = u;
		return 0;
	default:
		if (one(p, len, &t, &tl) != 0 || ir__dec_i64(t, tl, &v) != 0)
			return -1;
		if (bit == IR_ST_TGID)
			s->tgid = v;
		else if (bit == IR_ST_PPID)
			s->ppid = v;
		else if (bit == IR_ST_TRACER)
			s->tracer_pid = v;
		else if (v < 0 || v > INT_MAX)
			return -1;
		else if (bit == IR_ST_NNP)
			s->no_new_privs = (int)v;
		else
			s->seccomp = (int)v;
		return 0;
	}
}

int
ir_pstatus_parse(const char *buf, size_t n, struct ir_pstatus *s,
    struct ir_err *e)
{
	struct ir__line l = { NULL, 0, 0 };
	const char *colon, *why;
	size_t off = 0, k, kl;

	memset(s, 0, sizeof(*s));
	while (ir__nextline(buf, n, &off, &l)) {
		why = "not 'Key: value'";
		if (memchr(l.p, '\0', l.len) != NULL) {
			why = "NUL byte";
			goto bad;
		}
		if ((colon = memchr(l.p, ':', l.len)) == NULL)
			goto bad;
		kl = (size_t)(colon - l.p);
		for (k = 0; k < sizeof(stkeys) / sizeof(stkeys[0]); k++)
			if (strlen(stkeys[k].key) == kl &&
			    memcmp(stkeys[k].key, l.p, kl) == 0)
				break;
		if (k == sizeof(stkeys) / sizeof(stkeys[0]))
			continue;
		why = "line seen twice";
		if (s->have & stkeys[k].bit)
			goto bad;
		why = "bad value";
		if (status_line(s, stkeys[k].bit, colon + 1,
		    (size_t)(l.p + l.len - colon - 1)) != 0)
			goto bad;
		s->have |= stkeys[k].bit;
	}
	return IR_OK;
bad:
	memset(s, 0, sizeof(*s));
	return ir_err_set(e, IR_EFORMAT, 0, "status line %zu: %s", l.no, why);
}

int
ir_pstatus_read(pid_t pid, struct ir_pstatus *s, struct ir_err *e)
{
	struct ir_buf b;
	char path[64];
	int rc;

	(void)snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((rc = readproc(path, SMALL_MAX, &b, e)) != IR_OK)
		return rc;
	rc = ir_pstatus_parse(b.buf, b.len, s, e);
	ir_buf_release(&b);
	return rc;
}

/* ---- /proc/net/{tcp,udp,raw}{,6} ---- */

static const char *const tcpstates[] = {
	NULL, "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1",
	"FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK",
	"LISTEN", "CLOSING", "NEW_SYN_RECV", "BOUND_INACTIVE",
};

const char *
ir_tcp_state_name(unsigned st)
{
	if (st == 0 || st >= sizeof(tcpstates) / sizeof(tcpstates[0]))
		return "UNKNOWN";
	return tcpstates[st];
}

void
ir_sock_addr_str(int family, const uint8_t *addr, char *out, size_t outsz)
{
	if (inet_ntop(family, addr, out, (socklen_t)outsz) == NULL &&
	    outsz > 0)
		out[0] = '\0';
}

/* "0100007F:0277": each 8 hex digits a little-endian word. */
static int
net_addr(const char *t, size_t tl, int *family, uint8_t *a, uint16_t *port)
{
	const char *colon;
	size_t al, w;
	uint64_t v;

	if ((colon = memchr(t, ':', tl)) == NULL)
		return -1;
	al = (size_t)(colon - t);
	if (al != 8 && al != 32)
		return -1;
	*family = al == 8 ? AF_INET : AF_INET6;
	for (w = 0; w < al / 8; w++) {
		if (ir__hex_u64(t + w * 8, 8, 8, &v) != 0)
			return -1;
		a[w * 4] = (uint8_t)v;
		a[w * 4 + 1] = (uint8_t)(v >> 8);
		a[w * 4 + 2] = (uint8_t)(v >> 16);
		a[w * 4 + 3] = (uint8_t)(v >> 24);
	}
	if (ir__hex_u64(colon + 1, (size_t)(t + tl - colon - 1), 4, &v) != 0)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static int
net_line(const struct ir__line *l, void *elem, const char **why)
{
	struct ir_sock *s = elem;
	const char *t;
	size_t j = 0, tl, f;
	uint64_t v;
	int fam2;

	/* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
	for (f = 0; f < 10; f++) {
		if (!ir__field(l, &j, &t, &tl, why))
			return -1;
		switch (f) {
		case 0:
			*why = "bad slot";
			if (tl < 2 || t[tl - 1] != ':' ||
			    ir__dec_u64(t, tl - 1, &v) != 0)
				return -1;
			break;
		case 1:
			*why = "bad local address";
			if (net_addr(t, tl, &s->family, s->laddr,
			    &s->lport) != 0)
				return -1;
			break;
		case 2:
			*why = "bad remote address";
			if (net_addr(t, tl, &fam2, s->raddr, &s->rport) != 0 ||
			    fam2 != s->family)
				return -1;
			break;
		case 3:
			*why = "bad state";
			if (ir__hex_u64(t, tl, 2, &v) != 0)
				return -1;
			s->state = (unsigned)v;
			s->state_name = ir_tcp_state_name(s->state);
			break;
		case 7:
			*why = "bad uid";
			if (ir__dec_u32(t, tl, &s->uid) != 0)
				return -1;
			break;
		case 9:
			*why = "bad inode";
			if (ir__dec_u64(t, tl, &s->inode) != 0)
				return -1;
			break;
		}
	}
	return 0;
}

/* A header line: its first token is the given word. */
static int
header(const struct ir__line *l, const char *word)
{
	const char *t;
	size_t j = 0, tl;

	return ir__tok(l->p, l->len, &j, &t, &tl) && tl == strlen(word) &&
	    memcmp(t, word, tl) == 0;
}

static int
net_head(const struct ir__line *l)
{
	return header(l, "sl");
}

int
ir_net_parse(const char *what, const char *buf, size_t n,
    struct ir_sock **out, size_t *nout, struct ir_err *e)
{
	const struct ir__table tb = PROC_TABLE(what, struct ir_sock,
	    net_head, "NUL byte", net_line, NULL);

	return ir__table(&tb, buf, n, out, nout, e);
}

static int
netfile(const char *name, char *path, size_t pathsz, struct ir_err *e)
{
	static const char *const ok[] = {
		"tcp", "tcp6", "udp", "udp6", "raw", "raw6", "unix", "packet",
		"udplite", "udplite6",
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcmp(name, ok[i]) == 0) {
			/* /proc/net is self/net: our own network namespace. */
			(void)snprintf(path, pathsz, "/proc/net/%s", name);
			return IR_OK;
		}
	return ir_err_set(e, IR_EINVAL, 0, "no socket table '%s'", name);
}

int
ir_net_read(const char *name, struct ir_sock **out, size_t *nout,
    struct ir_err *e)
{
	struct ir_buf b;
	char path[64];
	int rc;

	*out = NULL;
	*nout = 0;
	if ((rc = netfile(name, path, sizeof(path), e)) != IR_OK ||
	    (rc = readproc(path, PROC_MAX, &b, e)) != IR_OK)
		return rc;
	rc = ir_net_parse(name, b.buf, b.len, out, nout, e);
	ir_buf_release(&b);
	return rc;
}

void
ir_socks_free(struct ir_sock *s, size_t n)
{
	(void)n;
	free(s);
}

/* ---- /proc/net/unix ---- */

static int
unix_line(const struct ir__line *l, struct ir_unix *u, const char **why)
{
	const char *t;
	size_t j = 0, tl, f;
	uint64_t v;

	/* Num: RefCount Protocol Flags Type St Inode [Path] */
	for (f = 0; f < 7; f++) {
		if (!ir__field(l, &j, &t, &tl, why))
			return -1;
		*why = "bad field";
		switch (f) {
		case 0:
			if (tl < 2 || t[tl - 1] != ':' ||
			    ir__hex_u64(t, tl - 1, 16, &u->num) != 0)
				return -1;
			break;
		case 1: case 2: case 3:
			if (ir__hex_u64(t, tl, 8, &v) != 0)
				return -1;
			*(f == 1 ? &u->refcount : f == 2 ? &u->protocol :
			    &u->flags) = (uint32_t)v;
			break;
		case 4:
			if (ir__hex_u64(t, tl, 4, &v) != 0)
				return -1;
			u->type = (unsigned)v;
			break;
		case 5:
			if (ir__hex_u64(t, tl, 2, &v) != 0)
				return -1;
			u->state = (unsigned)v;
			break;
		case 6:
			*why = "bad inode";
			if (ir__dec_u64(t, tl, &u->inode) != 0)
				return -1;
			break;
		}
	}
	/* The path is everything after one space, spaces and all. */
	if (j < l->len && l->p[j] == ' ')
		j++;
	if ((u->path = ir__dupn(l->p + j, l->len - j)) == NULL) {
		*why = NULL;
		return -1;
	}
	u->abstract = u->path[0] == '@';
	return 0;
}

/* A newline in a name: the line continues the previous entry's path. */
static int
unix_more(struct ir_unix *u, const struct ir__line *l)
{
	size_t pl = strlen(u->path);
	char *p;

	if ((p = realloc(u->path, pl + 1 + l->len + 1)) == NULL)
		return -1;
	p[pl] = '\n';
	memcpy(p + pl + 1, l->p, l->len);
	p[pl + 1 + l->len] = '\0';
	u->path = p;
	return 0;
}

int
ir_unix_parse(const char *buf, size_t n, struct ir_unix **out, size_t *nout,
    struct ir_err *e)
{
	struct ir__line l = { NULL, 0, 0 };
	struct ir_unix *a = NULL;
	const char *why;
	size_t off = 0, cap = 0, na = 0;
	int rc;

	*out = NULL;
	*nout = 0;
	while (ir__nextline(buf, n, &off, &l)) {
		if (l.no == 1 && header(&l, "Num"))
			continue;
		if (memchr(l.p, '\0', l.len) != NULL) {
			rc = ir_err_set(e, IR_EFORMAT, 0,
			    "unix line %zu: NUL byte", l.no);
			goto fail;
		}
		if ((rc = grow(&a, &cap, na, sizeof(*a), e)) != IR_OK)
			goto fail;
		if (unix_line(&l, &a[na], &why) == 0) {
			na++;
			continue;
		}
		free(a[na].path);
		memset(&a[na], 0, sizeof(a[na]));
		if (why == NULL) {
			rc = ir_err_set(e, IR_ENOMEM, errno, "unix path");
			goto fail;
		}
		if (na > 0 && a[na - 1].path[0] != '\0') {
			if (unix_more(&a[na - 1], &l) != 0) {
				rc = ir_err_set(e, IR_ENOMEM, errno,
				    "unix path");
				goto fail;
			}
			continue;
		}
		rc = ir_err_set(e, IR_EFORMAT, 0, "unix line %zu: %s",
		    l.no, why);
		goto fail;
	}
	if (na == 0) {
		free(a);
		a = NULL;
	}
	*out = a;
	*nout = na;
	return IR_OK;
fail:
	ir_unix_free(a, na);
	return rc;
}

int
ir_unix_read(struct ir_unix **out, size_t *nout, struct ir_err *e)
{
	struct ir_buf b;
	int rc;

	*out = NULL;
	*nout = 0;
	if ((rc = readproc("/proc/net/unix", PROC_MAX, &b, e)) != IR_OK)
		return rc;
	rc = ir_unix_parse(b.buf, b.len, out, nout, e);
	ir_buf_release(&b);
	return rc;
}

void
ir_unix_free(struct ir_unix *u, size_t n)
{
	size_t i;

	if (u == NULL)
		return;
	for (i = 0; i < n; i++)
		free(u[i].path);
	free(u);
}

/* ---- /proc/net/packet ---- */

static int
packet_line(const struct ir__line *l, struct ir_packet *p)
{
	const char *t;
	size_t j = 0, tl, f;
	uint64_t v;
	int64_t iv;

	/* sk RefCnt Type Proto Iface R Rmem User Inode */
	for (f = 0; f < 9; f++) {
		if (!ir__tok(l->p, l->len, &j, &t, &tl))
			return -1;
		switch (f) {
		case 0:
			if (ir__hex_u64(t, tl, 16, &p->sk) != 0)
				return -1;
			break;
		case 1:
			if (ir__dec_u32(t, tl, &p->refcount) != 0)
				return -1;
			break;
		case 2:
			if (ir__dec_u64(t, tl, &v) != 0 || v > UINT_MAX)
				return -1;
			p->type = (unsigned)v;
			break;
		case 3:
			if (ir__hex_u64(t, tl, 4, &v) != 0)
				return -1;
			p->proto = (unsigned)v;
			break;
		case 4:
			if (ir__dec_i64(t, tl, &p->ifindex) != 0)
				return -1;
			break;
		case 5:
			if (ir__dec_i64(t, tl, &iv) != 0 || iv < 0 || iv > 1)
				return -1;
			p->running = (int)iv;
			break;
		case 6:
			if (ir__dec_u64(t, tl, &p->rmem) != 0)
				return -1;
			break;
		case 7:
			if (ir__dec_u32(t, tl, &p->uid) != 0)
				return -1;
			break;
		case 8:
			if (ir__dec_u64(t, tl, &p->inode) != 0)
				return -1;
			break;
		}
	}
	return ir__tok(l->p, l->len, &j, &t, &tl) ? -1 : 0;
}

static int
packet_head(const struct ir__line *l)
{
	return header(l, "sk");
}

/* Every bad packet line, a NUL byte too, is a "bad entry". */
static int
packet_elem(const struct ir__line *l, void *elem, const char **why)
{
	*why = "bad entry";
	return packet_line(l, elem);
}

int
ir_packet_parse(const char *buf, size_t n, struct ir_packet **out,
    size_t *nout, struct ir_err *e)
{
	static const struct ir__table tb = PROC_TABLE("packet",
	    struct ir_packet, packet_head, "bad entry", packet_elem, NULL);

	return ir__table(&tb, buf, n, out, nout, e);
}

int
ir_packet_read(struct ir_packet **out, size_t *nout, struct ir_err *e)
{
	struct ir_buf b;
	int rc;

	*out = NULL;
	*nout = 0;
	if ((rc = readproc("/proc/net/packet", PROC_MAX, &b, e)) != IR_OK)
		return rc;
	rc = ir_packet_parse(b.buf, b.len, out, nout, e);
	ir_buf_release(&b);
	return rc;
}

void
ir_packet_free(struct ir_packet *p, size_t n)
{
	(void)n;
	free(p);
}

/* ---- /proc/modules ---- */

static int
module_line(const struct ir__line *l, void *elem, const char **why)
{
	struct ir_module *m = elem;
	const char *t;
	size_t j = 0, tl, f;

	/* name size refcount deps state address [(taint)] */
	*why = NULL;
	for (f = 0; f < 6; f++) {
		if (!ir__field(l, &j, &t, &tl, why))
			return -1;
		switch (f) {
		case 0:
			if ((m->name = ir__dupn(t, tl)) == NULL)
				return -1;
			break;
		case 1:
			*why = "bad size";
			if (ir__dec_u64(t, tl, &m->size) != 0)
				return -1;
			break;
		case 2:
			*why = "bad refcount";
			if (tl == 1 && t[0] == '-')
				m->refcount = -1;
			else if (ir__dec_i64(t, tl, &m->refcount) != 0 ||
			    m->refcount < 0)
				return -1;
			break;
		case 3:
			*why = NULL;
			/* "-" or "a,b," */
			if (tl == 1 && t[0] == '-')
				tl = 0;
			else if (t[tl - 1] == ',')
				tl--;
			if ((m->deps = ir__dupn(t, tl)) == NULL)
				return -1;
			break;
		case 4:
			if ((m->state = ir__dupn(t, tl)) == NULL)
				return -1;
			break;
		case 5:
			*why = "bad address";
			if (tl < 3 || t[0] != '0' || t[1] != 'x' ||
			    ir__hex_u64(t + 2, tl - 2, 16, &m->addr) != 0)
				return -1;
			break;
		}
	}
	*why = "bad taint";
	if (ir__tok(l->p, l->len, &j, &t, &tl)) {
		if (tl < 2 || t[0] != '(' || t[tl - 1] != ')')
			return -1;
		t++;
		tl -= 2;
	} else
		tl = 0;
	if (ir__nomore(l, j, why) != 0)
		return -1;
	*why = NULL;
	if ((m->taint = ir__dupn(t, tl)) == NULL)
		return -1;
	return 0;
}

static void
module_clear(struct ir_module *m)
{
	free(m->name);
	free(m->deps);
	free(m->state);
	free(m->taint);
	memset(m, 0, sizeof(*m));
}

static void
module_clear_(void *elem)
{
	module_clear(elem);
}

int
ir_modules_parse(const char *buf, size_t n, struct ir_module **out,
    size_t *nout, struct ir_err *e)
{
	static const struct ir__table tb = PROC_TABLE("modules",
	    struct ir_module, NULL, "NUL byte", module_line, module_clear_);

	return ir__table(&tb, buf, n, out, nout, e);
}

int
ir_modules_read(struct ir_module **out, size_t *nout, struct ir_err *e)
{
	struct ir_buf b;
	int rc;

	*out = NULL;
	*nout = 0;
	if ((rc = readproc("/proc/modules", PROC_MAX, &b, e)) != IR_OK)
		return rc;
	rc = ir_modules_parse(b.buf, b.len, out, nout, e);
	ir_buf_release(&b);
	return rc;
}

void
ir_modules_free(struct ir_module *m, size_t n)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < n; i++)
		module_clear(&m[i]);
	free(m);
}

/* ---- /proc/PID/mountinfo ---- */

/* A token with \ooo decoded into a new string; *why NULL: no memory. */
static int
dupesc(const char *t, size_t tl, char **out, const char **why)
{
	*why = NULL;
	if ((*out = malloc(tl + 1)) == NULL)
		return -1;
	if (unescape(t, tl, *out, tl + 1, NULL) != 0) {
		free(*out);
		*out = NULL;
		*why = "bad escape";
		return -1;
	}
	return 0;
}

static int
mount_line(const struct ir__line *l, void *elem, const char **why)
{
	struct ir_mount *m = elem;
	const char *t, *opt = NULL;
	size_t j = 0, tl, f, optl = 0;
	uint64_t v;
	char **dst;

	/* id parent maj:min root point opts [optional...] - type src super */
	for (f = 0; ; f++) {
		if (!ir__field(l, &j, &t, &tl, why))
			return -1;
		if (f >= 6 && tl == 1 && t[0] == '-')
			break;
		*why = "bad field";
		switch (f) {
		case 0:
			if (ir__dec_u64(t, tl, &m->id) != 0)
				return -1;
			break;
		case 1:
			if (ir__dec_u64(t, tl, &m->parent) != 0)
				return -1;
			break;
		case 2: {
			const char *c = memchr(t, ':', tl);

			if (c == NULL ||
			    ir__dec_u64(t, (size_t)(c - t), &v) != 0 ||
			    v > UINT_MAX)
				return -1;
			m->major = (unsigned)v;
			if (ir__dec_u64(c + 1, (size_t)(t + tl - c - 1),
			    &v) != 0 || v > UINT_MAX)
				return -1;
			m->minor = (unsigned)v;
			break;
		}
		case 3: case 4: case 5:
			dst = f == 3 ? &m->root : f == 4 ? &m->point :
			    &m->opts;
			if (dupesc(t, tl, dst, why) != 0)
				return -1;
			break;
		default:
			/* Optional fields: kept as one space-joined span. */
			if (opt == NULL)
				opt = t;
			optl = (size_t)(t + tl - opt);
		}
	}
	if (dupesc(opt != NULL ? opt : "", optl, &m->optional, why) != 0)
		return -1;
	for (f = 0; f < 3; f++) {
		*why = "too few fields after '-'";
		if (!ir__tok(l->p, l->len, &j, &t, &tl))
			return -1;
		dst = f == 0 ? &m->fstype : f == 1 ? &m->source : &m->super;
		if (dupesc(t, tl, dst, why) != 0)
			return -1;
	}
	return ir__nomore(l, j, why);
}

static void
mount_clear(struct ir_mount *m)
{
	free(m->root);
	free(m->point);
	free(m->opts);
	free(m->optional);
	free(m->fstype);
	free(m->source);
	free(m->super);
	memset(m, 0, sizeof(*m));
}

static void
mount_clear_(void *elem)
{
	mount_clear(elem);
}

int
ir_mountinfo_parse(const char *buf, size_t n, struct ir_mount **out,
    size_t *nout, struct ir_err *e)
{
	static const struct ir__table tb = PROC_TABLE("mountinfo",
	    struct ir_mount, NULL, "NUL byte", mount_line, mount_clear_);

	return ir__table(&tb, buf, n, out, nout, e);
}

int
ir_mountinfo_read(pid_t pid, struct ir_mount **out, size_t *nout,
    struct ir_err *e)
{
	struct ir_buf b;
	char path[64];
	int rc;

	*out = NULL;
	*nout = 0;
	(void)snprintf(path, sizeof(path), "/proc/%d/mountinfo", (int)pid);
	if ((rc = readproc(path, PROC_MAX, &b, e)) != IR_OK)
		return rc;
	rc = ir_mountinfo_parse(b.buf, b.len, out, nout, e);
	ir_buf_release(&b);
	return rc;
}

void
ir_mounts_free(struct ir_mount *m, size_t n)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < n; i++)
		mount_clear(&m[i]);
	free(m);
}

/* ---- /sys/module ---- */

static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
ir_sysmodules_free(char **names, size_t n)
{
	size_t i;

	if (names == NULL)
		return;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int
ir_sysmodules_read(const char *dir, char ***out, size_t *nout,
    struct ir_err *e)
{
	struct dirent *de;
	char **a = NULL, path[512];
	size_t n = 0, cap = 0;
	DIR *d;
	int rc = IR_OK;

	*out = NULL;
	*nout = 0;
	if ((d = opendir(dir)) == NULL)
		return ir_err_set(e, errno == ENOENT ? IR_ENOENT : IR_EIO,
		    errno, "cannot open '%s'", dir);
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0)
				rc = ir_err_set(e, IR_EIO, errno,
				    "cannot read '%s'", dir);
			break;
		}
		if (de->d_name[0] == '.' || strlen(de->d_name) >
		    sizeof(path) - 16)
			continue;
		(void)snprintf(path, sizeof(path), "%s/initstate", de->d_name);
		if (faccessat(dirfd(d), path, F_OK, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if ((rc = grow(&a, &cap, n, sizeof(*a), e)) != IR_OK)
			break;
		if ((a[n] = strdup(de->d_name)) == NULL) {
			rc = ir_err_set(e, IR_ENOMEM, errno, "'%s'", dir);
			break;
		}
		n++;
	}
	(void)closedir(d);
	if (rc != IR_OK) {
		ir_sysmodules_free(a, n);
		return rc;
	}
	if (n > 1)
		qsort(a, n, sizeof(*a), namecmp);
	if (n == 0) {
		free(a);
		a = NULL;
	}
	*out = a;
	*nout = n;
	return IR_OK;
}

/* ---- /proc/PID/fd ---- */

int
ir_socket_link_parse(const char *link, size_t n, uint64_t *inode,
    struct ir_err *e)
{
	*inode = 0;
	if (n < 10 || memcmp(link, "socket:[", 8) != 0 ||
	    link[n - 1] != ']' || ir__dec_u64(link + 8, n - 9, inode) != 0) {
		*inode = 0;
		return ir_err_set(e, IR_EFORMAT, 0,
		    "fd link line 1: not 'socket:[INODE]'");
	}
	return IR_OK;
}

static int
fdcmp(const void *a, const void *b)
{
	int x = ((const struct ir_fdsock *)a)->fd;
	int y = ((const struct ir_fdsock *)b)->fd;

	return (x > y) - (x < y);
}

int
ir_proc_sockets(pid_t pid, struct ir_fdsock **out, size_t *nout,
    struct ir_err *e)
{
	struct ir_fdsock *a = NULL;
	struct dirent *de;
	char path[64], link[128];
	size_t cap = 0, na = 0;
	uint64_t fd, ino;
	ssize_t ll;
	DIR *d;
	int dfd, rc = IR_OK;

	*out = NULL;
	*nout = 0;
	(void)snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	if ((dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return ir_err_set(e, errno == ENOENT ? IR_ENOENT : IR_EIO,
		    errno, "cannot open '%s'", path);
	if ((d = fdopendir(dfd)) == NULL) {
		rc = ir_err_set(e, IR_EIO, errno, "cannot read '%s'", path);
		(void)close(dfd);
		return rc;
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0)
				rc = ir_err_set(e, IR_EIO, errno,
				    "cannot read '%s'", path);
			break;
		}
		if (ir__dec_u64(de->d_name, strlen(de->d_name), &fd) != 0 ||
		    fd > INT_MAX)
			continue;
		/* Closed meanwhile, or not a socket: not ours to report. */
		if ((ll = readlinkat(dirfd(d), de->d_name, link,
		    sizeof(link))) <= 0 || (size_t)ll == sizeof(link) ||
		    ir_socket_link_parse(link, (size_t)ll, &ino, NULL) != IR_OK)
			continue;
		if ((rc = grow(&a, &cap, na, sizeof(*a), e)) != IR_OK)
			break;
		a[na].fd = (int)fd;
		a[na].inode = ino;
		na++;
	}
	(void)closedir(d);
	if (rc != IR_OK) {
		free(a);
		return rc;
	}
	if (na == 0) {
		free(a);
		a = NULL;
	} else
		qsort(a, na, sizeof(*a), fdcmp);
	*out = a;
	*nout = na;
	return IR_OK;
}
