/*
 * proc: this process's own stat, status and mountinfo; sockets opened
 * here (TCP listener and UDP on 127.0.0.1, a v6 one when the host has
 * ::1, a path and an abstract unix socket) found in /proc/net by port or
 * name with the inode that /proc/self/fd shows; modules when the kernel
 * has them; synthetic hard inputs (comm "a) b (c", v6 words, "\040" in
 * mount points, names with spaces and newlines); empty files; malformed
 * lines refused as IR_EFORMAT naming the line; /sys/module (a made
 * copy, and this host's against /proc/modules).
 */
#include "unit.h"

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>

#define S(x)	(x), sizeof(x) - 1

static void
expect_format(int rc, const struct ir_err *e, const char *prefix)
{
	assert_int_equal(rc, IR_EFORMAT);
	assert_int_equal(e->code, IR_EFORMAT);
	if (strncmp(e->msg, prefix, strlen(prefix)) != 0)
		fail_msg("message '%s' not '%s...'", e->msg, prefix);
}

/* Is inode one of this process's socket fds? */
static int
own_inode(uint64_t ino)
{
	struct ir_fdsock *fs;
	struct ir_err e;
	size_t n, i;
	int found = 0;

	assert_int_equal(ir_proc_sockets(getpid(), &fs, &n, &e), IR_OK);
	for (i = 0; i < n; i++)
		if (fs[i].inode == ino)
			found = 1;
	free(fs);
	return found;
}

static void
test_stat_self(void **state)
{
	struct ir_pstat st;
	struct ir_err e;
	char name[16] = "";

	(void)state;
	assert_int_equal(prctl(PR_GET_NAME, name), 0);
	assert_int_equal(ir_pstat_read(getpid(), &st, &e), IR_OK);
	assert_int_equal(st.pid, getpid());
	assert_string_equal(st.comm, name);
	assert_int_equal(st.state, 'R');
	assert_int_equal(st.ppid, getppid());
	assert_int_equal(st.pgrp, getpgrp());
	assert_int_equal(st.session, getsid(0));
	assert_true(st.num_threads >= 1);
	assert_true(st.vsize > 0);
	assert_true(st.rss > 0);
	assert_true(st.start_time > 0);
	assert_int_equal(ir_pstat_read(-5, &st, &e), IR_ENOENT);
}

static void
test_stat_tricky(void **state)
{
	static const char in[] = "42 (a) b (c) S 1 42 42 34816 -1 4194560 "
	    "10 0 0 0 1 2 0 0 20 -5 3 0 987654 123456789 -12 "
	    "18446744073709551615 1 2 3\n";
	static const char nl[] = "7 (x\ny) Z 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 "
	    "20 0 1 0 5 0 0";
	struct ir_pstat st;
	struct ir_err e;

	(void)state;
	assert_int_equal(ir_pstat_parse(S(in), &st, &e), IR_OK);
	assert_int_equal(st.pid, 42);
	assert_string_equal(st.comm, "a) b (c");
	assert_int_equal(st.state, 'S');
	assert_int_equal(st.ppid, 1);
	assert_int_equal(st.tty, 34816);
	assert_int_equal(st.num_threads, 3);
	assert_int_equal(st.start_time, 987654);
	assert_int_equal(st.vsize, 123456789);
	assert_int_equal(st.rss, -12);
	assert_int_equal(ir_pstat_parse(S(nl), &st, &e), IR_OK);
	assert_string_equal(st.comm, "x\ny");
	assert_int_equal(st.state, 'Z');

	expect_format(ir_pstat_parse("", 0, &st, &e), &e, "stat line 1: ");
	expect_format(ir_pstat_parse(S("42 (x) S 1 2 3"), &st, &e), &e,
	    "stat line 1: too few");
	expect_format(ir_pstat_parse(S("42 x) S 1 2 3"), &st, &e), &e,
	    "stat line 1: ");
	expect_format(ir_pstat_parse(S("4x2 (a) S 1 42 42 0 -1 0 0 0 0 0 0 "
	    "0 0 0 20 0 1 0 5 0 0"), &st, &e), &e, "stat line 1: bad pid");
	expect_format(ir_pstat_parse(S("42 (a) S 1 42 42 0 -1 0 0 0 0 0 0 "
	    "0 0 0 20 0 1 0 99999999999999999999 0 0"), &st, &e), &e,
	    "stat line 1: bad field");
	expect_format(ir_pstat_parse(S("42 (aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa) S 1 42 42 0 -1 0 0 0 0"
	    " 0 0 0 0 0 20 0 1 0 5 0 0"), &st, &e), &e,
	    "stat line 1: comm too long");
	expect_format(ir_pstat_parse(S("42 (a) S 1 42 42 0 -1 0 0 0 0 0 0 "
	    "0 0 0 20 0 1 0 5 0 0\n43 b S"), &st, &e), &e,
	    "stat line 1: more than one line");
}

static void
test_status_self(void **state)
{
	struct ir_pstatus s;
	struct ir_pstat st;
	struct ir_err e;
	mode_t um;

	(void)state;
	um = umask(027);
	assert_int_equal(ir_pstatus_read(getpid(), &s, &e), IR_OK);
	(void)umask(um);
	assert_int_equal(ir_pstat_read(getpid(), &st, &e), IR_OK);
	assert_true((s.have & (IR_ST_NAME | IR_ST_STATE | IR_ST_TGID |
	    IR_ST_PPID | IR_ST_UID | IR_ST_GID | IR_ST_CAPEFF)) ==
	    (IR_ST_NAME | IR_ST_STATE | IR_ST_TGID | IR_ST_PPID |
	    IR_ST_UID | IR_ST_GID | IR_ST_CAPEFF));
	assert_string_equal(s.name, st.comm);
	assert_int_equal(s.tgid, getpid());
	assert_int_equal(s.ppid, getppid());
	assert_int_equal(s.uid[0], getuid());
	assert_int_equal(s.uid[1], geteuid());
	assert_int_equal(s.gid[0], getgid());
	if (s.have & IR_ST_UMASK)
		assert_int_equal(s.umask, 027);
	if (s.have & IR_ST_NSPID) {
		assert_true(s.nnspid >= 1);
		assert_int_equal(s.nspid[s.nnspid - 1], getpid());
	}
	assert_int_equal(s.tracer_pid == 0 || s.tracer_pid > 0, 1);
	if (geteuid() == 0)
		assert_true(s.cap_eff != 0);
}

static void
test_status_tricky(void **state)
{
	static const char in[] =
	    "Name:\ta\\\\b c\\nd\n"
	    "Umask:\t0777\n"
	    "State:\tT (stopped)\n"
	    "Tgid:\t10\n"
	    "PPid:\t1\n"
	    "TracerPid:\t99\n"
	    "Uid:\t1000\t0\t0\t4294967295\n"
	    "Gid:\t1\t2\t3\t4\n"
	    "Groups:\t \n"
	    "NSpid:\t10\t5\t1\n"
	    "CapInh:\t0000000000000000\n"
	    "CapPrm:\t000001ffffffffff\n"
	    "CapEff:\t000001FFFFFFFFFF\n"
	    "CapBnd:\tffffffffffffffff\n"
	    "CapAmb:\t0000000000000001\n"
	    "NoNewPrivs:\t1\n"
	    "Seccomp:\t2\n"
	    "Seccomp_filters:\t3\n";
	struct ir_pstatus s;
	struct ir_err e;

	(void)state;
	assert_int_equal(ir_pstatus_parse(S(in), &s, &e), IR_OK);
	assert_int_equal(s.have, 0xffff);
	assert_string_equal(s.name, "a\\b c\nd");
	assert_int_equal(s.umask, 0777);
	assert_int_equal(s.state, 'T');
	assert_int_equal(s.tracer_pid, 99);
	assert_int_equal(s.uid[0], 1000);
	assert_int_equal(s.uid[3], 4294967295U);
	assert_int_equal(s.gid[2], 3);
	assert_int_equal(s.nnspid, 3);
	assert_int_equal(s.nspid[2], 1);
	assert_int_equal(s.cap_prm, 0x1ffffffffffULL);
	assert_int_equal(s.cap_eff, 0x1ffffffffffULL);
	assert_int_equal(s.cap_bnd, UINT64_MAX);
	assert_int_equal(s.cap_amb, 1);
	assert_int_equal(s.no_new_privs, 1);
	assert_int_equal(s.seccomp, 2);

	assert_int_equal(ir_pstatus_parse("", 0, &s, &e), IR_OK);
	assert_int_equal(s.have, 0);
	expect_format(ir_pstatus_parse(S("Name:\tx\nUid:\t1\t2\t3\n"), &s,
	    &e), &e, "status line 2: bad value");
	expect_format(ir_pstatus_parse(S("Name:\tx\nbogus\n"), &s, &e), &e,
	    "status line 2: not");
	expect_format(ir_pstatus_parse(S("Tgid:\t1\nPPid:\t1\nTgid:\t2\n"),
	    &s, &e), &e, "status line 3: line seen twice");
	expect_format(ir_pstatus_parse(S("CapEff:\t1ffffffffffffffff\n"), &s,
	    &e), &e, "status line 1: bad value");
	expect_format(ir_pstatus_parse(S("Umask:\t0999\n"), &s, &e), &e,
	    "status line 1: bad value");
	expect_format(ir_pstatus_parse(S("Name:\tab\\000c\n"), &s, &e), &e,
	    "status line 1: bad value");
}

static const struct ir_sock *
find_sock(const struct ir_sock *s, size_t n, int family, uint16_t port)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i].family == family && s[i].lport == port)
			return &s[i];
	return NULL;
}

static int
bound(int type, int family, uint16_t *port, uint64_t *ino)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t sl;
	struct stat sb;
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(*sin);
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		sl = sizeof(*sin6);
	}
	if ((fd = socket(family, type | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&ss, sl) != 0 ||
	    (type == SOCK_STREAM && listen(fd, 1) != 0)) {
		(void)close(fd);
		return -1;
	}
	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &sl), 0);
	*port = ntohs(family == AF_INET ? sin->sin_port : sin6->sin6_port);
	assert_int_equal(fstat(fd, &sb), 0);
	*ino = sb.st_ino;
	return fd;
}

static void
test_net_self(void **state)
{
	const struct ir_sock *f;
	struct ir_sock *s;
	struct ir_err e;
	uint64_t tino, uino, t6ino;
	uint16_t tport, uport, t6port;
	size_t n;
	char a[64];
	int tfd, ufd, t6fd;

	(void)state;
	assert_true((tfd = bound(SOCK_STREAM, AF_INET, &tport, &tino)) >= 0);
	assert_true((ufd = bound(SOCK_DGRAM, AF_INET, &uport, &uino)) >= 0);
	t6fd = bound(SOCK_STREAM, AF_INET6, &t6port, &t6ino);

	assert_int_equal(ir_net_read("tcp", &s, &n, &e), IR_OK);
	assert_non_null(f = find_sock(s, n, AF_INET, tport));
	assert_int_equal(f->inode, tino);
	assert_true(own_inode(f->inode));
	assert_string_equal(f->state_name, "LISTEN");
	assert_int_equal(f->uid, geteuid());
	ir_sock_addr_str(f->family, f->laddr, a, sizeof(a));
	assert_string_equal(a, "127.0.0.1");
	ir_sock_addr_str(f->family, f->raddr, a, sizeof(a));
	assert_string_equal(a, "0.0.0.0");
	assert_int_equal(f->rport, 0);
	ir_socks_free(s, n);

	assert_int_equal(ir_net_read("udp", &s, &n, &e), IR_OK);
	assert_non_null(f = find_sock(s, n, AF_INET, uport));
	assert_int_equal(f->inode, uino);
	assert_true(own_inode(f->inode));
	assert_string_equal(f->state_name, "CLOSE");
	ir_socks_free(s, n);

	if (t6fd >= 0) {
		assert_int_equal(ir_net_read("tcp6", &s, &n, &e), IR_OK);
		assert_non_null(f = find_sock(s, n, AF_INET6, t6port));
		assert_int_equal(f->inode, t6ino);
		ir_sock_addr_str(f->family, f->laddr, a, sizeof(a));
		assert_string_equal(a, "::1");
		ir_socks_free(s, n);
		(void)close(t6fd);
	}
	/* The others parse, whatever they hold. */
	assert_int_equal(ir_net_read("udp6", &s, &n, &e), IR_OK);
	ir_socks_free(s, n);
	assert_int_equal(ir_net_read("raw", &s, &n, &e), IR_OK);
	ir_socks_free(s, n);
	assert_int_equal(ir_net_read("raw6", &s, &n, &e), IR_OK);
	ir_socks_free(s, n);
	assert_int_equal(ir_net_read("../self/stat", &s, &n, &e), IR_EINVAL);
	(void)close(tfd);
	(void)close(ufd);
}

static void
test_net_tricky(void **state)
{
	static const char v4[] =
	    "  sl  local_address rem_address   st tx_queue rx_queue tr "
	    "tm->when retrnsmt   uid  timeout inode\n"
	    "   0: 0100007F:0277 0A01A8C0:FFFF 01 00000000:00000000 "
	    "00:00000000 00000000  1000        0 12345 1 0000000020d4c84b "
	    "100 0 0 10 0\n"
	    "   1: 00000000:0016 00000000:0000 0A 00000000:00000000 "
	    "00:00000000 00000000     0        0 99\n";
	static const char v6[] =
	    "  sl  local_address                         remote_address    "
	    "                    st tx_queue rx_queue tr tm->when retrnsmt   "
	    "uid  timeout inode\n"
	    "   0: 000080FE00000000FF005452563412FE:0035 "
	    "00000000000000000000000001000000:C350 06 00000000:00000000 "
	    "00:00000000 00000000     0        0 7 1 0 0 0\n"
	    "   1: 0000000000000000FFFF00000100007F:1F90 "
	    "00000000000000000000000000000000:0000 0C 00000000:00000000 "
	    "00:00000000 00000000    65534        0 8\n";
	struct ir_sock *s;
	struct ir_err e;
	size_t n;
	char a[64];

	(void)state;
	assert_int_equal(ir_net_parse("tcp", S(v4), &s, &n, &e), IR_OK);
	assert_int_equal(n, 2);
	ir_sock_addr_str(s[0].family, s[0].laddr, a, sizeof(a));
	assert_string_equal(a, "127.0.0.1");
	assert_int_equal(s[0].lport, 0x277);
	ir_sock_addr_str(s[0].family, s[0].raddr, a, sizeof(a));
	assert_string_equal(a, "192.168.1.10");
	assert_int_equal(s[0].rport, 65535);
	assert_string_equal(s[0].state_name, "ESTABLISHED");
	assert_int_equal(s[0].uid, 1000);
	assert_int_equal(s[0].inode, 12345);
	assert_string_equal(s[1].state_name, "LISTEN");
	assert_int_equal(s[1].lport, 22);
	ir_socks_free(s, n);

	assert_int_equal(ir_net_parse("tcp6", S(v6), &s, &n, &e), IR_OK);
	assert_int_equal(n, 2);
	assert_int_equal(s[0].family, AF_INET6);
	ir_sock_addr_str(s[0].family, s[0].laddr, a, sizeof(a));
	assert_string_equal(a, "fe80::5254:ff:fe12:3456");
	ir_sock_addr_str(s[0].family, s[0].raddr, a, sizeof(a));
	assert_string_equal(a, "::1");
	assert_int_equal(s[0].rport, 50000);
	assert_string_equal(s[0].state_name, "TIME_WAIT");
	ir_sock_addr_str(s[1].family, s[1].laddr, a, sizeof(a));
	assert_string_equal(a, "::ffff:127.0.0.1");
	assert_string_equal(s[1].state_name, "NEW_SYN_RECV");
	assert_int_equal(s[1].uid, 65534);
	ir_socks_free(s, n);

	assert_int_equal(ir_net_parse("udp", "", 0, &s, &n, &e), IR_OK);
	assert_int_equal(n, 0);
	assert_null(s);
	assert_int_equal(ir_net_parse("udp", S("  sl  local_address\n"), &s,
	    &n, &e), IR_OK);
	assert_int_equal(n, 0);
	assert_string_equal(ir_tcp_state_name(0), "UNKNOWN");
	assert_string_equal(ir_tcp_state_name(200), "UNKNOWN");

	expect_format(ir_net_parse("udp", S("  sl\n   0: 0100007F:0277\n"),
	    &s, &n, &e), &e, "udp line 2: too few fields");
	expect_format(ir_net_parse("tcp", S("   0: 0100007F:10000 "
	    "00000000:0000 0A 0:0 0:0 0 0 0 1\n"), &s, &n, &e), &e,
	    "tcp line 1: bad local address");
	expect_format(ir_net_parse("tcp", S("   0: 0100007F:1000 "
	    "00000000000000000000000000000000:0000 0A 0:0 0:0 0 0 0 1\n"),
	    &s, &n, &e), &e, "tcp line 1: bad remote address");
	expect_format(ir_net_parse("raw", S("   0: 0100007F:1000 "
	    "00000000:0000 0A 0:0 0:0 0 0 0 x1\n"), &s, &n, &e), &e,
	    "raw line 1: bad inode");
	expect_format(ir_net_parse("raw", S("   0: 0100007F:1000 "
	    "00000000:0000 0A 0:0 0:0 0 4294967296 0 1\n"), &s, &n, &e), &e,
	    "raw line 1: bad uid");
	assert_null(s);
	assert_int_equal(n, 0);
}

static int
unix_bound(struct sockaddr_un *sun, socklen_t sl, uint64_t *ino)
{
	struct stat sb;
	int fd;

	assert_true((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC,
	    0)) >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)sun, sl), 0);
	assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(fstat(fd, &sb), 0);
	*ino = sb.st_ino;
	return fd;
}

static const struct ir_unix *
find_unix(const struct ir_unix *u, size_t n, const char *path)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(u[i].path, path) == 0)
			return &u[i];
	return NULL;
}

static void
test_unix_self(void **state)
{
	struct sockaddr_un sun;
	const struct ir_unix *f;
	struct ir_unix *u;
	struct ir_err e;
	uint64_t pino, aino;
	char dir[4096], path[4200], abs[64];
	size_t n;
	int pfd, afd;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	(void)snprintf(path, sizeof(path), "%s/a sock", dir);
	assert_true(strlen(path) < sizeof(sun.sun_path));
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	(void)strcpy(sun.sun_path, path);
	pfd = unix_bound(&sun, sizeof(sun), &pino);

	(void)snprintf(abs, sizeof(abs), "irkit test %d", (int)getpid());
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path + 1, abs, strlen(abs));
	afd = unix_bound(&sun, (socklen_t)(offsetof(struct sockaddr_un,
	    sun_path) + 1 + strlen(abs)), &aino);

	assert_int_equal(ir_unix_read(&u, &n, &e), IR_OK);
	assert_non_null(f = find_unix(u, n, path));
	assert_int_equal(f->inode, pino);
	assert_int_equal(f->abstract, 0);
	assert_int_equal(f->type, SOCK_STREAM);
	assert_int_equal(f->state, 1);	/* SS_UNCONNECTED */
	assert_true(own_inode(f->inode));
	(void)snprintf(path, sizeof(path), "@%s", abs);
	assert_non_null(f = find_unix(u, n, path));
	assert_int_equal(f->inode, aino);
	assert_int_equal(f->abstract, 1);
	assert_true(own_inode(f->inode));
	ir_unix_free(u, n);

	(void)close(pfd);
	(void)close(afd);
	ut_rmtree(dir);
}

static void
test_unix_tricky(void **state)
{
	static const char in[] =
	    "Num       RefCount Protocol Flags    Type St Inode Path\n"
	    "0000000000000000: 00000002 00000000 00010000 0001 01 11 "
	    "/run/a b\n"
	    "ffff888003c1e000: 00000003 00000000 00000000 0002 03 12\n"
	    "0000000000000000: 00000002 00000000 00010000 0005 01 13 "
	    "@x@y\n"
	    "0000000000000000: 00000002 00000000 00010000 0001 01 14 "
	    "@evil\n"
	    "name\n"
	    "0000000000000000: 00000002 00000000 00010000 0001 01 15  lead\n";
	struct ir_unix *u;
	struct ir_err e;
	size_t n;

	(void)state;
	assert_int_equal(ir_unix_parse(S(in), &u, &n, &e), IR_OK);
	assert_int_equal(n, 5);
	assert_string_equal(u[0].path, "/run/a b");
	assert_int_equal(u[0].flags, 0x10000);
	assert_int_equal(u[0].inode, 11);
	assert_string_equal(u[1].path, "");
	assert_int_equal(u[1].num, 0xffff888003c1e000ULL);
	assert_int_equal(u[1].type, SOCK_DGRAM);
	assert_int_equal(u[1].state, 3);
	assert_string_equal(u[2].path, "@x@y");
	assert_int_equal(u[2].abstract, 1);
	assert_string_equal(u[3].path, "@evil\nname");
	assert_string_equal(u[4].path, " lead");
	ir_unix_free(u, n);

	assert_int_equal(ir_unix_parse("", 0, &u, &n, &e), IR_OK);
	assert_int_equal(n, 0);
	expect_format(ir_unix_parse(S("Num\nbogus line\n"), &u, &n, &e), &e,
	    "unix line 2: ");
	expect_format(ir_unix_parse(S("0000: 00000002 00000000 00010000 "
	    "0001 01 x11\n"), &u, &n, &e), &e, "unix line 1: bad inode");
	assert_null(u);
}

static void
test_packet(void **state)
{
	static const char in[] =
	    "sk               RefCnt Type Proto  Iface R Rmem   User   Inode\n"
	    "ffff8b2a47e1c800 3      3    0003   2     1 0      0      "
	    "73619 \n"
	    "0000000000000000 3      2    88cc   0     0 4096   1000   "
	    "8\n";
	struct ir_packet *p;
	struct ir_err e;
	size_t n;

	(void)state;
	assert_int_equal(ir_packet_parse(S(in), &p, &n, &e), IR_OK);
	assert_int_equal(n, 2);
	assert_int_equal(p[0].sk, 0xffff8b2a47e1c800ULL);
	assert_int_equal(p[0].type, SOCK_RAW);
	assert_int_equal(p[0].proto, 3);
	assert_int_equal(p[0].ifindex, 2);
	assert_int_equal(p[0].running, 1);
	assert_int_equal(p[0].inode, 73619);
	assert_int_equal(p[1].proto, 0x88cc);
	assert_int_equal(p[1].rmem, 4096);
	assert_int_equal(p[1].uid, 1000);
	ir_packet_free(p, n);
	expect_format(ir_packet_parse(S("sk\n0 3 3 0003 2 2 0 0 1\n"), &p, &n,
	    &e), &e, "packet line 2: ");
	assert_int_equal(ir_packet_read(&p, &n, &e), IR_OK);
	ir_packet_free(p, n);
}

static void
test_modules(void **state)
{
	static const char in[] =
	    "nf_tables 356352 0 - Live 0x0000000000000000\n"
	    "ext4 1015808 1 mbcache,jbd2, Live 0xffffffffc0a00000\n"
	    "vboxdrv 598016 2 vboxnetadp,vboxnetflt, Loading "
	    "0xffffffffc1000000 (OE)\n"
	    "builtin 4096 - - Unloading 0x0000000000000000\n";
	struct ir_module *m;
	struct ir_err e;
	size_t n, i;
	int rc;

	(void)state;
	assert_int_equal(ir_modules_parse(S(in), &m, &n, &e), IR_OK);
	assert_int_equal(n, 4);
	assert_string_equal(m[0].name, "nf_tables");
	assert_int_equal(m[0].size, 356352);
	assert_int_equal(m[0].refcount, 0);
	assert_string_equal(m[0].deps, "");
	assert_string_equal(m[0].state, "Live");
	assert_int_equal(m[0].addr, 0);
	assert_string_equal(m[0].taint, "");
	assert_string_equal(m[1].deps, "mbcache,jbd2");
	assert_int_equal(m[1].addr, 0xffffffffc0a00000ULL);
	assert_string_equal(m[2].taint, "OE");
	assert_string_equal(m[2].state, "Loading");
	assert_int_equal(m[3].refcount, -1);
	ir_modules_free(m, n);

	assert_int_equal(ir_modules_parse("", 0, &m, &n, &e), IR_OK);
	assert_int_equal(n, 0);
	expect_format(ir_modules_parse(S("a 1 0 - Live 0x0\nb 1 0 - Live\n"),
	    &m, &n, &e), &e, "modules line 2: too few fields");
	expect_format(ir_modules_parse(S("a 1x 0 - Live 0x0\n"), &m, &n, &e),
	    &e, "modules line 1: bad size");
	expect_format(ir_modules_parse(S("a 1 0 - Live 0x0 OE\n"), &m, &n,
	    &e), &e, "modules line 1: bad taint");
	expect_format(ir_modules_parse(S("a 1 0 - Live ffff\n"), &m, &n, &e),
	    &e, "modules line 1: bad address");
	assert_null(m);

	/* Not every kernel has /proc/modules (CONFIG_MODULES=n). */
	rc = ir_modules_read(&m, &n, &e);
	if (rc == IR_ENOENT)
		return;
	assert_int_equal(rc, IR_OK);
	for (i = 0; i < n; i++)
		assert_true(m[i].name[0] != '\0');
	ir_modules_free(m, n);
}

static void
test_mountinfo_self(void **state)
{
	struct ir_mount *m;
	struct ir_err e;
	size_t n, i;
	int root = 0, proc = 0;

	(void)state;
	assert_int_equal(ir_mountinfo_read(getpid(), &m, &n, &e), IR_OK);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		if (strcmp(m[i].point, "/") == 0)
			root = 1;
		if (strcmp(m[i].point, "/proc") == 0 &&
		    strcmp(m[i].fstype, "proc") == 0)
			proc = 1;
		assert_true(m[i].opts[0] != '\0');
	}
	assert_true(root);
	assert_true(proc);
	ir_mounts_free(m, n);
	assert_int_equal(ir_mountinfo_read(-5, &m, &n, &e), IR_ENOENT);
}

static void
test_mountinfo_tricky(void **state)
{
	static const char in[] =
	    "36 35 98:0 /mnt1 /mnt/with\\040space rw,noatime master:1 "
	    "shared:7 - ext3 /dev/root rw,errors=continue\n"
	    "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
	    "40 36 0:50 /a\\134b /tab\\011nl\\012 ro - fuse.x my\\040src "
	    "rw,user_id=0\n";
	struct ir_mount *m;
	struct ir_err e;
	size_t n;

	(void)state;
	assert_int_equal(ir_mountinfo_parse(S(in), &m, &n, &e), IR_OK);
	assert_int_equal(n, 3);
	assert_int_equal(m[0].id, 36);
	assert_int_equal(m[0].parent, 35);
	assert_int_equal(m[0].major, 98);
	assert_int_equal(m[0].minor, 0);
	assert_string_equal(m[0].root, "/mnt1");
	assert_string_equal(m[0].point, "/mnt/with space");
	assert_string_equal(m[0].opts, "rw,noatime");
	assert_string_equal(m[0].optional, "master:1 shared:7");
	assert_string_equal(m[0].fstype, "ext3");
	assert_string_equal(m[0].source, "/dev/root");
	assert_string_equal(m[0].super, "rw,errors=continue");
	assert_string_equal(m[1].optional, "");
	assert_string_equal(m[2].root, "/a\\b");
	assert_string_equal(m[2].point, "/tab\tnl\n");
	assert_string_equal(m[2].source, "my src");
	ir_mounts_free(m, n);

	assert_int_equal(ir_mountinfo_parse("", 0, &m, &n, &e), IR_OK);
	assert_int_equal(n, 0);
	expect_format(ir_mountinfo_parse(S("22 27 0:21 / /proc rw,relatime - "
	    "proc proc rw\n23 27 0:22 / /sys rw - sysfs\n"), &m, &n, &e), &e,
	    "mountinfo line 2: too few fields after");
	expect_format(ir_mountinfo_parse(S("22 27 021 / /proc rw - proc proc "
	    "rw\n"), &m, &n, &e), &e, "mountinfo line 1: bad field");
	expect_format(ir_mountinfo_parse(S("22 27 0:21 / /proc rw proc proc "
	    "rw\n"), &m, &n, &e), &e, "mountinfo line 1: too few fields");
	expect_format(ir_mountinfo_parse(S("22 27 0:21 / /proc rw - proc proc "
	    "rw extra\n"), &m, &n, &e), &e, "mountinfo line 1: too many");
	expect_format(ir_mountinfo_parse(S("22 27 0:21 / /pr\\000oc rw - proc "
	    "proc rw\n"), &m, &n, &e), &e, "mountinfo line 1: bad escape");
	assert_null(m);
}

static void
test_socket_link(void **state)
{
	struct ir_err e;
	uint64_t ino;

	(void)state;
	assert_int_equal(ir_socket_link_parse(S("socket:[12345]"), &ino, &e),
	    IR_OK);
	assert_int_equal(ino, 12345);
	expect_format(ir_socket_link_parse(S("socket:[]"), &ino, &e), &e,
	    "fd link");
	expect_format(ir_socket_link_parse(S("pipe:[12345]"), &ino, &e), &e,
	    "fd link");
	expect_format(ir_socket_link_parse(S("socket:[12a]"), &ino, &e), &e,
	    "fd link");
	expect_format(ir_socket_link_parse(S("socket:[1]x"), &ino, &e), &e,
	    "fd link");
	expect_format(ir_socket_link_parse(S("socket:[99999999999999999999]"),
	    &ino, &e), &e, "fd link");
}

static void
test_proc_sockets(void **state)
{
	struct ir_fdsock *fs;
	struct ir_err e;
	struct stat sb;
	size_t n, i;
	int fd, found = 0;

	(void)state;
	assert_true((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) >= 0);
	assert_int_equal(fstat(fd, &sb), 0);
	assert_int_equal(ir_proc_sockets(getpid(), &fs, &n, &e), IR_OK);
	for (i = 0; i < n; i++) {
		if (i > 0)
			assert_true(fs[i - 1].fd < fs[i].fd);
		if (fs[i].fd == fd) {
			assert_int_equal(fs[i].inode, sb.st_ino);
			found = 1;
		}
	}
	assert_true(found);
	free(fs);
	(void)close(fd);
	assert_int_equal(ir_proc_sockets(-5, &fs, &n, &e), IR_ENOENT);
	assert_null(fs);
}

static void
test_sysmodules(void **state)
{
	static const char *const mods[] = { "zeta", "alpha", "mid" };
	char dir[256], path[512], **names;
	struct ir_buf b;
	struct ir_module *m;
	struct ir_err e;
	size_t n, nm, i, k;
	FILE *fp;

	(void)state;
	/* A copy of /sys/module: loadable ones have initstate. */
	ut_tmpdir(dir, sizeof(dir));
	for (i = 0; i < 3; i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", dir, mods[i]);
		assert_int_equal(mkdir(path, 0755), 0);
		(void)snprintf(path, sizeof(path), "%s/%s/initstate", dir,
		    mods[i]);
		assert_non_null(fp = fopen(path, "w"));
		(void)fputs("live\n", fp);
		assert_int_equal(fclose(fp), 0);
	}
	(void)snprintf(path, sizeof(path), "%s/builtin", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(ir_sysmodules_read(dir, &names, &n, &e), IR_OK);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "alpha");
	assert_string_equal(names[1], "mid");
	assert_string_equal(names[2], "zeta");
	ir_sysmodules_free(names, n);
	ut_rmtree(dir);
	assert_int_equal(ir_sysmodules_read(dir, &names, &n, &e), IR_ENOENT);
	assert_null(names);

	/* This host: every loadable module is in /proc/modules too. */
	assert_int_equal(ir_sysmodules_read("/sys/module", &names, &n, &e),
	    IR_OK);
	ir_buf_init(&b, (size_t)16 << 20);
	if (ir_read_file(AT_FDCWD, "/proc/modules", &b, &e) != IR_OK) {
		/* No module support: no loadable module either. */
		assert_int_equal(n, 0);
		ir_buf_release(&b);
		return;
	}
	assert_int_equal(ir_modules_parse(b.buf, b.len, &m, &nm, &e), IR_OK);
	for (i = 0; i < n; i++) {
		for (k = 0; k < nm; k++)
			if (strcmp(m[k].name, names[i]) == 0)
				break;
		if (k == nm)
			fail_msg("%s in /sys/module, not /proc/modules",
			    names[i]);
	}
	ir_modules_free(m, nm);
	ir_sysmodules_free(names, n);
	ir_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stat_self),
		cmocka_unit_test(test_stat_tricky),
		cmocka_unit_test(test_status_self),
		cmocka_unit_test(test_status_tricky),
		cmocka_unit_test(test_net_self),
		cmocka_unit_test(test_net_tricky),
		cmocka_unit_test(test_unix_self),
		cmocka_unit_test(test_unix_tricky),
		cmocka_unit_test(test_packet),
		cmocka_unit_test(test_modules),
		cmocka_unit_test(test_mountinfo_self),
		cmocka_unit_test(test_mountinfo_tricky),
		cmocka_unit_test(test_socket_link),
		cmocka_unit_test(test_proc_sockets),
		cmocka_unit_test(test_sysmodules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
