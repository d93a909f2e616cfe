/*
 * utmp: glibc's layout checked against <utmp.h>, records synthesized
 * field by field and parsed back exactly (every type, fields with no
 * NUL, raw bytes, IPv4 and IPv6, times before 1970), gzipped and
 * multi-member copies, truncated files and gzip data, the callback's
 * stop, this machine's utmp/wtmp/btmp, and util-linux's utmpdump as an
 * independent reader of the same files.
 */
#include "unit.h"

#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <time.h>
#include <utmp.h>

#include <zlib.h>

#define RS	IR_UTMP_RECSIZE

struct spec {
	int		 type;
	int32_t		 pid;
	const char	*line, *id, *user, *host;
	int16_t		 term, ex;
	int32_t		 session, sec, usec;
	const char	*addr;		/* NULL: zero */
};

static const struct spec specs[] = {
	{ 0, 0, "", "", "", "", 0, 0, 0, 0, 0, NULL },
	{ 1, 53, "~", "~~", "runlevel", "6.1.0-13-amd64", 0, 0, 0,
	    1700000000, 1, NULL },
	{ 2, 0, "~", "~~", "reboot", "6.1.0-13-amd64", 0, 0, 0, 1700000001,
	    999999, NULL },
	{ 3, 0, "", "", "date", "", 0, 0, 0, 1700000002, 0, NULL },
	{ 4, 0, "", "", "date", "", 0, 0, 0, 1600000000, 500000, NULL },
	{ 5, 612, "tty1", "tty1", "", "", 0, 0, 612, 1700000003, 7, NULL },
	{ 6, 613, "tty2", "tty2", "LOGIN", "", 0, 0, 613, 1700000004, 8,
	    NULL },
	/* A 32-byte user and 32-byte line, a 256-byte host: no NUL. */
	{ 7, 2147483647, "pts/0123456789abcdefghijklmnopqr",
	    "ts/0", "abcdefghijklmnopqrstuvwxyz012345",
	    "h234567890123456789012345678901234567890123456789012345678901234"
	    "h234567890123456789012345678901234567890123456789012345678901234"
	    "h234567890123456789012345678901234567890123456789012345678901234"
	    "h23456789012345678901234567890123456789012345678901234567890end",
	    0, 0, -1, 1700000005, 123456, "192.0.2.7" },
	{ 8, 4242, "pts/1", "ts/1", "", "", 15, -1, 4242, -5, 250000,
	    "2001:db8::1" },
	{ 9, 1, "acct", "ac", "bob", "x", 0, 0, 0, 2147483647, 0,
	    "::ffff:10.0.0.1" },
	/* Raw bytes, an unknown type, an out-of-range microsecond. */
	{ 42, -7, "\xff\xfe", "\x01", "us\xe9r", "h\xc3\x28st", 0, 0, 0,
	    -2147483647 - 1, 1000000, "fe80::1" },
	{ -1, 0, "", "", "", "", 0, 0, 0, 0, 5, "10.1.2.3" },
};
#define NSPECS	(sizeof(specs) / sizeof(*specs))

static const char *names[] = {
	"EMPTY", "RUN_LVL", "BOOT_TIME", "NEW_TIME", "OLD_TIME",
	"INIT_PROCESS", "LOGIN_PROCESS", "USER_PROCESS", "DEAD_PROCESS",
	"ACCOUNTING",
};

static void
put16(unsigned char *p, int v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)((unsigned)v >> 8);
}

static void
put32(unsigned char *p, int32_t v)
{
	uint32_t u = (uint32_t)v;

	p[0] = (unsigned char)u;
	p[1] = (unsigned char)(u >> 8);
	p[2] = (unsigned char)(u >> 16);
	p[3] = (unsigned char)(u >> 24);
}

static void
putstr(unsigned char *p, const char *s, size_t n)
{
	size_t l = strlen(s);

	assert_true(l <= n);
	memcpy(p, s, l);
}

/* One record, little-endian by explicit offsets; the padding is 0xee. */
static void
build(unsigned char *p, const struct spec *s)
{
	memset(p, 0, RS);
	p[2] = p[3] = 0xee;
	memset(p + 364, 0xee, 20);
	put16(p, s->type);
	put32(p + 4, s->pid);
	putstr(p + 8, s->line, 32);
	putstr(p + 40, s->id, 4);
	putstr(p + 44, s->user, 32);
	putstr(p + 76, s->host, 256);
	put16(p + 332, s->term);
	put16(p + 334, s->ex);
	put32(p + 336, s->session);
	put32(p + 340, s->sec);
	put32(p + 344, s->usec);
	if (s->addr != NULL && inet_pton(AF_INET, s->addr, p + 348) != 1)
		assert_int_equal(inet_pton(AF_INET6, s->addr, p + 348), 1);
}

static unsigned char *
build_all(size_t *n)
{
	unsigned char *b;
	size_t i;

	assert_non_null(b = malloc(NSPECS * RS));
	for (i = 0; i < NSPECS; i++)
		build(b + i * RS, &specs[i]);
	*n = NSPECS * RS;
	return b;
}

struct got {
	struct ir_utmp_rec	 r[64];
	size_t			 n;
	size_t			 stop;	/* return IR_EINTR at this count */
};

static int
collect(const struct ir_utmp_rec *r, void *arg)
{
	struct got *g = arg;

	assert_true(g->n < 64);
	g->r[g->n++] = *r;
	if (g->stop != 0 && g->n == g->stop)
		return IR_EINTR;
	return IR_OK;
}

static void
check_rec(const struct ir_utmp_rec *r, const struct spec *s, size_t i)
{
	char want[64];

	assert_int_equal(r->offset, i * RS);
	assert_int_equal(r->type, s->type);
	assert_string_equal(r->type_name, s->type >= 0 && s->type <= 9 ?
	    names[s->type] : "UNKNOWN");
	assert_string_equal(r->type_name, ir_utmp_type_name(s->type));
	assert_int_equal(r->pid, s->pid);
	assert_string_equal(r->line, s->line);
	assert_string_equal(r->id, s->id);
	assert_string_equal(r->user, s->user);
	assert_string_equal(r->host, s->host);
	assert_int_equal(r->exit_term, s->term);
	assert_int_equal(r->exit_exit, s->ex);
	assert_int_equal(r->session, s->session);
	assert_int_equal(r->tv.sec, s->sec);
	assert_int_equal(r->tv.nsec, s->usec >= 0 && s->usec < 1000000 ?
	    s->usec * 1000 : 0);
	assert_int_equal(r->tv.valid, s->sec != 0 || s->usec != 0);
	/* The text is inet_ntop's canonical form of what was stored. */
	if (s->addr == NULL)
		assert_string_equal(r->addr, "");
	else {
		unsigned char a[16];

		memset(a, 0, sizeof(a));
		if (inet_pton(AF_INET, s->addr, a) == 1)
			assert_non_null(inet_ntop(AF_INET, a, want,
			    sizeof(want)));
		else {
			assert_int_equal(inet_pton(AF_INET6, s->addr, a), 1);
			assert_non_null(inet_ntop(AF_INET6, a, want,
			    sizeof(want)));
		}
		assert_string_equal(r->addr, want);
	}
}

static void
check_all(const struct got *g, size_t nrec)
{
	size_t i;

	assert_int_equal(g->n, nrec);
	for (i = 0; i < nrec; i++)
		check_rec(&g->r[i], &specs[i], i);
}

/* The layout parsed by offset is glibc's struct utmp on this host. */
static void
test_layout(void **state)
{
	struct utmp u;
	struct got g;
	struct ir_err e;

	(void)state;
	assert_int_equal(sizeof(struct utmp), RS);
	assert_int_equal(offsetof(struct utmp, ut_type), 0);
	assert_int_equal(offsetof(struct utmp, ut_pid), 4);
	assert_int_equal(offsetof(struct utmp, ut_line), 8);
	assert_int_equal(offsetof(struct utmp, ut_id), 40);
	assert_int_equal(offsetof(struct utmp, ut_user), 44);
	assert_int_equal(offsetof(struct utmp, ut_host), 76);
	assert_int_equal(offsetof(struct utmp, ut_exit.e_termination), 332);
	assert_int_equal(offsetof(struct utmp, ut_exit.e_exit), 334);
	assert_int_equal(offsetof(struct utmp, ut_session), 336);
	assert_int_equal(offsetof(struct utmp, ut_tv.tv_sec), 340);
	assert_int_equal(offsetof(struct utmp, ut_tv.tv_usec), 344);
	assert_int_equal(offsetof(struct utmp, ut_addr_v6), 348);
	assert_int_equal(sizeof(u.ut_tv.tv_sec), 4);
	assert_int_equal(sizeof(u.ut_tv.tv_usec), 4);
	assert_int_equal(sizeof(u.ut_session), 4);
	assert_int_equal(sizeof(u.ut_exit.e_exit), 2);

	/* A record filled through the struct reads back the same. */
	memset(&u, 0, sizeof(u));
	u.ut_type = USER_PROCESS;
	u.ut_pid = 31337;
	memcpy(u.ut_line, "pts/7", 5);
	memcpy(u.ut_id, "ts/7", 4);
	memcpy(u.ut_user, "mallory", 7);
	memcpy(u.ut_host, "203.0.113.9", 11);
	u.ut_exit.e_termination = 3;
	u.ut_exit.e_exit = 4;
	u.ut_session = 77;
	u.ut_tv.tv_sec = 1764586800;
	u.ut_tv.tv_usec = 42;
	assert_int_equal(inet_pton(AF_INET, "203.0.113.9", u.ut_addr_v6), 1);
	memset(&g, 0, sizeof(g));
	assert_int_equal(ir_utmp_parse(&u, sizeof(u), collect, &g, &e),
	    IR_OK);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.r[0].type, IR_UTMP_USER_PROCESS);
	assert_string_equal(g.r[0].type_name, "USER_PROCESS");
	assert_int_equal(g.r[0].pid, 31337);
	assert_string_equal(g.r[0].line, "pts/7");
	assert_string_equal(g.r[0].id, "ts/7");
	assert_string_equal(g.r[0].user, "mallory");
	assert_string_equal(g.r[0].host, "203.0.113.9");
	assert_int_equal(g.r[0].exit_term, 3);
	assert_int_equal(g.r[0].exit_exit, 4);
	assert_int_equal(g.r[0].session, 77);
	assert_int_equal(g.r[0].tv.sec, 1764586800);
	assert_int_equal(g.r[0].tv.nsec, 42000);
	assert_string_equal(g.r[0].addr, "203.0.113.9");
	assert_int_equal(EMPTY, IR_UTMP_EMPTY);
	assert_int_equal(RUN_LVL, IR_UTMP_RUN_LVL);
	assert_int_equal(BOOT_TIME, IR_UTMP_BOOT_TIME);
	assert_int_equal(NEW_TIME, IR_UTMP_NEW_TIME);
	assert_int_equal(OLD_TIME, IR_UTMP_OLD_TIME);
	assert_int_equal(INIT_PROCESS, IR_UTMP_INIT_PROCESS);
	assert_int_equal(LOGIN_PROCESS, IR_UTMP_LOGIN_PROCESS);
	assert_int_equal(DEAD_PROCESS, IR_UTMP_DEAD_PROCESS);
	assert_int_equal(ACCOUNTING, IR_UTMP_ACCOUNTING);
}

static void
test_fields(void **state)
{
	struct got g;
	struct ir_err e;
	unsigned char *b;
	size_t n;

	(void)state;
	b = build_all(&n);
	memset(&g, 0, sizeof(g));
	assert_int_equal(ir_utmp_parse(b, n, collect, &g, &e), IR_OK);
	check_all(&g, NSPECS);

	/* Nothing is nothing. */
	memset(&g, 0, sizeof(g));
	assert_int_equal(ir_utmp_parse(b, 0, collect, &g, &e), IR_OK);
	assert_int_equal(g.n, 0);

	/* The callback's code stops the parse and comes back. */
	memset(&g, 0, sizeof(g));
	g.stop = 3;
	assert_int_equal(ir_utmp_parse(b, n, collect, &g, &e), IR_EINTR);
	assert_int_equal(g.n, 3);
	free(b);
}

static void
test_truncated(void **state)
{
	char dir[4096], path[4200];
	struct got g;
	struct ir_err e;
	unsigned char *b;
	size_t n;

	(void)state;
	b = build_all(&n);
	ut_tmpdir(dir, sizeof(dir));

	memset(&g, 0, sizeof(g));
	assert_int_equal(ir_utmp_parse(b, 4 * RS + 100, collect, &g, &e),
	    IR_EFORMAT);
	check_all(&g, 4);
	assert_non_null(strstr(e.msg, "offset 1536"));

	memset(&g, 0, sizeof(g));
	assert_int_equal(ir_utmp_parse(b, 17, collect, &g, &e), IR_EFORMAT);
	assert_int_equal(g.n, 0);
	assert_non_null(strstr(e.msg, "offset 0"));

	ut_write(dir, "wtmp", b, n - 1);
	(void)ut_path(path, sizeof(path), dir, "wtmp");
	memset(&g, 0, sizeof(g));
	assert_int_equal(ir_utmp_read_file(path, collect, &g, &e),
	    IR_EFORMAT);
	check_all(&g, NSPECS - 1);
	assert_non_null(strstr(e.msg, "wtmp"));
	assert_non_null(strstr(e.msg, "offset 4224"));

	/* A callback error through read_file is left as it is. */
	memset(&g, 0, sizeof(g));
	g.stop = 2;
	e.code = IR_OK;
	(void)snprintf(e.msg, sizeof(e.msg), "untouched");
	assert_int_equal(ir_utmp_read_file(path, collect, &g, &e), IR_EINTR);
	assert_string_equal(e.msg, "untouched");

	(void)ut_path(path, sizeof(path), dir, "absent");
	assert_int_not_equal(ir_utmp_read_file(path, collect, &g, &e), IR_OK);
	assert_non_null(strstr(e.msg, "absent"));

	ut_write(dir, "empty", "", 0);
	(void)ut_path(path, sizeof(path), dir, "empty");
	memset(&g, 0, sizeof(g));
	assert_int_equal(ir_utmp_read_file(path, collect, &g, &e), IR_OK);
	assert_int_equal(g.n, 0);
	ut_rmtree(dir);
	free(b);
}

/* Gzip bytes of b through zlib's gzip writer. */
static void
write_gz(const char *path, const void *b, size_t n)
{
	gzFile gz;

	assert_non_null(gz = gzopen(path, "wb9"));
	if (n > 0)
		assert_int_equal(gzwrite(gz, b, (unsigned)n), (int)n);
	assert_int_equal(gzclose(gz), Z_OK);
}

static void
test_gzip(void **state)
{
	char dir[4096], path[4200], p2[4200];
	struct got g;
	struct ir_err e;
	unsigned char *b;
	size_t n;

	(void)state;
	b = build_all(&n);
	ut_tmpdir(dir, sizeof(dir));
	ut_write(dir, "wtmp", b, n);
	(void)ut_path(path, sizeof(path), dir, "wtmp");
	memset(&g, 0, sizeof(g));
	assert_int_equal(ir_utmp_read_file(path, collect, &g, &e), IR_OK);
	check_all(&g, NSPECS);

	/* gzip(1)'s output, as logrotate leaves it. */
	ut_sh("gzip -9 -c '%s/wtmp' >'%s/wtmp.1.gz'", dir, dir);
	(void)ut_path(path, sizeof(path), dir, "wtmp.1.gz");
	memset(&g, 0, sizeof(g));
	assert_int_equal(ir_utmp_read_file(path, collect, &g, &e), IR_OK);
	check_all(&g, NSPECS);

	/* Two members, split mid-record: one stream, as gunzip reads it. */
	(void)ut_path(path, sizeof(path), dir, "a.gz");
	write_gz(path, b, 5 * RS + 10);
	(void)ut_path(path, sizeof(path), dir, "b.gz");
	write_gz(path, b + 5 * RS + 10, n - 5 * RS - 10);
	ut_sh("cat '%s/a.gz' '%s/b.gz' >'%s/multi.gz'", dir, dir, dir);
	(void)ut_path(path, sizeof(path), dir, "multi.gz");
	memset(&g, 0, sizeof(g));
	assert_int_equal(ir_utmp_read_file(path, collect, &g, &e), IR_OK);
	check_all(&g, NSPECS);

	/* An empty gzip member: no records. */
	(void)ut_path(path, sizeof(path), dir, "empty.gz");
	write_gz(path, b, 0);
	memset(&g, 0, sizeof(g));
	assert_int_equal(ir_utmp_read_file(path, collect, &g, &e), IR_OK);
	assert_int_equal(g.n, 0);

	/* A gzipped partial record names its offset too. */
	(void)ut_path(path, sizeof(path), dir, "part.gz");
	write_gz(path, b, 3 * RS + 1);
	memset(&g, 0, sizeof(g));
	assert_int_equal(ir_utmp_read_file(path, collect, &g, &e),
	    IR_EFORMAT);
	check_all(&g, 3);
	assert_non_null(strstr(e.msg, "offset 1152"));

	/*
	 * Cut gzip data (a log copied while written): the records that
	 * came out whole, then the gzip error.  Stored (level 0) so that
	 * the cut lands in known data.
	 */
	(void)ut_path(p2, sizeof(p2), dir, "stored.gz");
	{
		gzFile gz;

		assert_non_null(gz = gzopen(p2, "wb0"));
		assert_int_equal(gzwrite(gz, b, (unsigned)n), (int)n);
		assert_int_equal(gzclose(gz), Z_OK);
	}
	ut_sh("head -c 2000 '%s' >'%s/cut.gz'", p2, dir);
	(void)ut_path(path, sizeof(path), dir, "cut.gz");
	memset(&g, 0, sizeof(g));
	assert_int_equal(ir_utmp_read_file(path, collect, &g, &e),
	    IR_EFORMAT);
	assert_true(g.n >= 4 && g.n <= 5);
	check_all(&g, g.n);
	assert_non_null(strstr(e.msg, "truncated gzip"));

	/* Garbage after the member, and a corrupt member. */
	ut_sh("cat '%s/wtmp.1.gz' '%s/wtmp' >'%s/trail.gz'", dir, dir, dir);
	(void)ut_path(path, sizeof(path), dir, "trail.gz");
	memset(&g, 0, sizeof(g));
	assert_int_equal(ir_utmp_read_file(path, collect, &g, &e),
	    IR_EFORMAT);
	check_all(&g, NSPECS);
	assert_non_null(strstr(e.msg, "trailing"));

	ut_sh("printf '\\037\\213\\010\\000\\000\\000\\000\\000\\000\\003"
	    "\\377\\377\\377\\377' >'%s/bad.gz'", dir);
	(void)ut_path(path, sizeof(path), dir, "bad.gz");
	memset(&g, 0, sizeof(g));
	assert_int_equal(ir_utmp_read_file(path, collect, &g, &e),
	    IR_EFORMAT);
	assert_int_equal(g.n, 0);
	assert_non_null(strstr(e.msg, "gzip"));
	ut_rmtree(dir);
	free(b);
}

struct count {
	uint64_t	 n;
};

static int
count_rec(const struct ir_utmp_rec *r, void *arg)
{
	struct count *c = arg;

	assert_int_equal(r->offset, c->n * RS);
	assert_true(strlen(r->line) <= 32 && strlen(r->user) <= 32 &&
	    strlen(r->host) <= 256 && strlen(r->id) <= 4);
	c->n++;
	return IR_OK;
}

/* This machine's files, when there are any: whole records, all read. */
static void
test_real(void **state)
{
	static const char *files[] = {
		"/var/run/utmp", "/run/utmp", "/var/log/wtmp", "/var/log/btmp",
	};
	struct count c;
	struct ir_err e;
	struct stat st;
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(*files); i++) {
		if (stat(files[i], &st) != 0 || !S_ISREG(st.st_mode)) {
			fprintf(stderr, "# skip %s: absent\n", files[i]);
			continue;
		}
		memset(&c, 0, sizeof(c));
		rc = ir_utmp_read_file(files[i], count_rec, &c, &e);
		if (rc == IR_EIO && e.sys_errno == EACCES) {
			fprintf(stderr, "# skip %s: %s\n", files[i], e.msg);
			continue;
		}
		/* utmp is written while we read: a partial tail is fine. */
		if (rc == IR_EFORMAT)
			assert_non_null(strstr(e.msg, "partial"));
		else
			assert_int_equal(rc, IR_OK);
		assert_int_equal(c.n, (uint64_t)st.st_size / RS);
		fprintf(stderr, "# %s: %llu records\n", files[i],
		    (unsigned long long)c.n);
	}
}

/* utmpdump's line for a record (util-linux 2.38 print_utline). */
static void
dump_line(char *out, size_t outsz, const struct ir_utmp_rec *r)
{
	char tm[64];
	struct tm t;
	time_t s = (time_t)r->tv.sec;

	assert_non_null(gmtime_r(&s, &t));
	assert_true(strftime(tm, sizeof(tm), "%Y-%m-%dT%H:%M:%S", &t) > 0);
	(void)snprintf(out, outsz, "[%d] [%05d] [%-4.4s] [%-8.32s] "
	    "[%-12.32s] [%-20.256s] [%-15s] [%s,%06d+00:00]", r->type, r->pid,
	    r->id, r->user, r->line, r->host,
	    r->addr[0] != '\0' ? r->addr : "0.0.0.0", tm,
	    (int)(r->tv.nsec / 1000));
}

/*
 * util-linux's utmpdump reads the same synthesized file (printable
 * fields, the types it knows): its every line must be ours.
 */
static void
test_utmpdump(void **state)
{
	char dir[4096], path[4200], cmd[8400], line[1024], want[1024];
	struct got g;
	struct ir_err e;
	unsigned char *b;
	size_t i, k, n = 0;
	FILE *fp;

	(void)state;
	if (system("command -v utmpdump >/dev/null 2>&1") != 0) {
		fprintf(stderr, "# skip: no utmpdump\n");
		skip();
	}
	assert_non_null(b = malloc(NSPECS * RS));
	for (i = 0; i < NSPECS; i++) {
		/* utmpdump prints raw bytes and bad microseconds its way. */
		if (specs[i].type < 0 || specs[i].type > 9 ||
		    specs[i].usec < 0 || specs[i].usec > 999999)
			continue;
		build(b + n * RS, &specs[i]);
		n++;
	}
	ut_tmpdir(dir, sizeof(dir));
	ut_write(dir, "wtmp", b, n * RS);
	(void)ut_path(path, sizeof(path), dir, "wtmp");
	memset(&g, 0, sizeof(g));
	assert_int_equal(ir_utmp_read_file(path, collect, &g, &e), IR_OK);
	assert_int_equal(g.n, n);

	(void)snprintf(cmd, sizeof(cmd), "TZ=UTC LC_ALL=C utmpdump '%s' "
	    "2>/dev/null", path);
	assert_non_null(fp = popen(cmd, "r"));
	for (k = 0; fgets(line, sizeof(line), fp) != NULL; k++) {
		line[strcspn(line, "\n")] = '\0';
		assert_true(k < g.n);
		dump_line(want, sizeof(want), &g.r[k]);
		assert_string_equal(line, want);
	}
	assert_int_equal(pclose(fp), 0);
	assert_int_equal(k, n);
	ut_rmtree(dir);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_real),
		cmocka_unit_test(test_utmpdump),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
