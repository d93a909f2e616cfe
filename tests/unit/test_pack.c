/*
 * pack: a case made through libir (case.json, outputs, custody entries)
 * with awkward names sealed, read back by ir_pack_verify without a
 * problem, and extracted by GNU tar byte for byte; cases that cannot be
 * sealed are refused with the reason; a write error and a stop request
 * end the pack; the reader's memory bound holds.
 */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

static ssize_t
rd_fd(void *arg, void *buf, size_t n, struct ir_err *e)
{
	ssize_t got = ir_read_full(*(int *)arg, buf, n);

	if (got < 0)
		(void)ir_err_set(e, IR_EIO, errno, "read");
	return got;
}

struct probs {
	int		 n;
	char		 kinds[64][16];
	char		 paths[64][256];
};

static void
on_problem(void *arg, const struct ir_pack_problem *p)
{
	struct probs *ps = arg;

	if (ps->n < 64) {
		(void)snprintf(ps->kinds[ps->n], 16, "%s",
		    ir_pack_kind_name(p->kind));
		(void)snprintf(ps->paths[ps->n], 256, "%.*s",
		    (int)(p->path ? p->pathlen : 0), p->path ? p->path : "");
	}
	ps->n++;
}

/* A case with one logged output and odd names; returns its directory. */
static void
make_case(const char *dir, const char *casedir)
{
	struct ir_case_meta m = { "case-7", "tester", "test_pack", "0" };
	struct ir_custody_entry en;
	const char *outs[1];
	struct ir_case *c;
	struct ir_err e;
	char *rel, sub[512], deep[600];
	int fd;

	(void)dir;
	assert_int_equal(ir_case_open(&c, casedir, &m, &e), IR_OK);
	assert_int_equal(ir_case_output(c, "ir-walk", "jsonl", &fd, &rel, &e),
	    IR_OK);
	assert_int_equal(ir_write_full(fd, "{\"type\":\"file\"}\n", 16), 16);
	assert_int_equal(close(fd), 0);
	memset(&en, 0, sizeof(en));
	en.tool = "ir-walk";
	en.version = "0";
	en.complete = 1;
	outs[0] = rel;
	en.outputs = outs;
	en.noutputs = 1;
	assert_int_equal(ir_case_log(c, &en, &e), IR_OK);
	free(rel);
	ir_case_close(c);
	ut_write(casedir, "new\nline%25 and\rcr", "x", 1);
	ut_write(casedir, "caf\xc3\xa9-\xff", "bytes", 5);
	ut_write(casedir, "empty", "", 0);
	(void)snprintf(sub, sizeof(sub), "%s/collected", casedir);
	assert_int_equal(mkdir(sub, 0700), 0);
	/* A path over 255 bytes in the tar, over 100 in its last part. */
	(void)snprintf(deep, sizeof(deep), "%s/%0150d", sub, 7);
	assert_int_equal(mkdir(deep, 0700), 0);
	ut_write(deep, "a-name-longer-than-a-hundred-bytes-a-name-longer-than-"
	    "a-hundred-bytes-a-name-longer-than-a-hundred-bytes.txt", "deep",
	    4);
	ut_sh("head -c 3000000 /dev/urandom > '%s/random.bin'", sub);
	ut_sh("ln -s ../empty '%s/link'", sub);
}

static int
pack(const char *casedir, const char *pkg, int threads,
    struct ir_pack_info *info, struct ir_err *e)
{
	struct ir_pack_opts o;
	int fd, rc;

	memset(&o, 0, sizeof(o));
	o.level = 6;
	o.nthreads = threads;
	assert_true((fd = open(pkg, O_WRONLY | O_CREAT | O_EXCL, 0600)) >= 0);
	rc = ir_pack_write(casedir, fd, &o, info, e);
	assert_int_equal(close(fd), 0);
	return rc;
}

static int
verify(const char *pkg, struct probs *ps, uint64_t max,
    struct ir_verify_info *vi, struct ir_err *e)
{
	struct ir_verify_opts o;
	int fd, rc;

	memset(&o, 0, sizeof(o));
	memset(ps, 0, sizeof(*ps));
	assert_true((fd = open(pkg, O_RDONLY)) >= 0);
	o.read = rd_fd;
	o.read_arg = &fd;
	o.problem = on_problem;
	o.arg = ps;
	o.max_entries = max;
	rc = ir_pack_verify(&o, vi, e);
	(void)close(fd);
	return rc;
}

static void
test_round_trip(void **state)
{
	char dir[256], casedir[300], pkg[300], x[300];
	struct ir_pack_info info;
	struct ir_verify_info vi;
	struct probs ps;
	struct ir_err e;
	int t;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	(void)ut_path(casedir, sizeof(casedir), dir, "case");
	make_case(dir, casedir);
	for (t = 0; t <= 2; t += 2) {
		(void)snprintf(pkg, sizeof(pkg), "%s/p%d.tar.gz", dir, t);
		if (pack(casedir, pkg, t, &info, &e) != IR_OK)
			fail_msg("%s", e.msg);
		assert_string_equal(info.case_id, "case-7");
		assert_string_equal(info.top, "case-7");
		assert_int_equal(info.custody_entries, 1);
		/* case.json, custody, output, 3 files, deep, random. */
		assert_int_equal(info.payload_files, 8);
		if (verify(pkg, &ps, 0, &vi, &e) != IR_OK)
			fail_msg("%s", e.msg);
		if (ps.n != 0)
			fail_msg("%d problems, first: %s %s", ps.n, ps.kinds[0],
			    ps.paths[0]);
		assert_string_equal(vi.seal, info.seal);
		assert_string_equal(vi.case_id, "case-7");
		assert_int_equal(vi.payload_files, info.payload_files);
		assert_int_equal(vi.payload_bytes, info.payload_bytes);
		assert_int_equal(vi.custody_entries, 1);
	}
	/* The threads change nothing but the time it takes. */
	ut_sh("gzip -dc '%s/p0.tar.gz' | sha256sum > '%s/a' && gzip -dc "
	    "'%s/p2.tar.gz' | sha256sum > '%s/b'", dir, dir, dir, dir);
	/* GNU tar gives back the case directory, every name and byte. */
	(void)ut_path(x, sizeof(x), dir, "x");
	assert_int_equal(mkdir(x, 0700), 0);
	ut_sh("tar -xzf '%s' -C '%s' 2>/dev/null && diff -r --no-dereference "
	    "'%s' '%s/case-7/data'", pkg, x, casedir, x);
	/* And the bag checks with sha256sum where names need no decoding. */
	ut_sh("cd '%s/case-7' && LC_ALL=C grep -av '%%' manifest-sha256.txt | "
	    "sha256sum -c --quiet && sha256sum -c --quiet "
	    "tagmanifest-sha256.txt", x);
	ut_rmtree(dir);
}

static void
test_refused(void **state)
{
	char dir[256], casedir[300], pkg[300], p[400];
	struct ir_pack_info info;
	struct ir_err e;
	int n = 0;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	(void)ut_path(casedir, sizeof(casedir), dir, "case");
	/* Not a case. */
	assert_int_equal(mkdir(casedir, 0700), 0);
#define PKG() ((void)snprintf(pkg, sizeof(pkg), "%s/p%d", dir, n++), pkg)
	assert_int_equal(pack(casedir, PKG(), 0, &info, &e), IR_EINVAL);
	assert_non_null(strstr(e.msg, "not a case directory"));
	ut_rmtree(casedir);
	make_case(dir, casedir);
	ut_sh("mkfifo '%s/fifo'", casedir);
	assert_int_equal(pack(casedir, PKG(), 0, &info, &e), IR_EUNSUPP);
	assert_non_null(strstr(e.msg, "FIFO"));
	ut_sh("rm '%s/fifo'", casedir);
	/* The package inside the case it packs. */
	(void)snprintf(p, sizeof(p), "%s/self.tar.gz", casedir);
	assert_int_equal(pack(casedir, p, 0, &info, &e), IR_EINVAL);
	assert_non_null(strstr(e.msg, "outside the case directory"));
	ut_sh("rm '%s'", p);
	/* An output altered after it was logged. */
	ut_sh("echo more >> \"$(ls -d '%s'/ir-walk-*)\"", casedir);
	assert_int_equal(pack(casedir, PKG(), 0, &info, &e), IR_EFORMAT);
	assert_non_null(strstr(e.msg, "altered after the custody log"));
	/* case.json edited: the chain no longer holds. */
	ut_sh("sed -i 's/tester/someone/' '%s/case.json'", casedir);
	assert_int_equal(pack(casedir, PKG(), 0, &info, &e), IR_EFORMAT);
	assert_non_null(strstr(e.msg, "custody chain does not hold"));
	ut_rmtree(dir);
}

static void
test_write_error_and_stop(void **state)
{
	char dir[256], casedir[300];
	struct ir_pack_opts o;
	struct ir_pack_info info;
	volatile sig_atomic_t stop = 1;
	struct ir_err e;
	int fd;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	(void)ut_path(casedir, sizeof(casedir), dir, "case");
	make_case(dir, casedir);
	memset(&o, 0, sizeof(o));
	o.nthreads = 2;
	assert_true((fd = open("/dev/full", O_WRONLY)) >= 0);
	assert_int_equal(ir_pack_write(casedir, fd, &o, &info, &e), IR_EIO);
	assert_int_equal(e.sys_errno, ENOSPC);
	(void)close(fd);
	assert_true((fd = open("/dev/null", O_WRONLY)) >= 0);
	o.stop = &stop;
	assert_int_equal(ir_pack_write(casedir, fd, &o, &info, &e), IR_EINTR);
	(void)close(fd);
	ut_rmtree(dir);
}

static void
test_entry_bound(void **state)
{
	char dir[256], casedir[300], pkg[300];
	struct ir_pack_info info;
	struct ir_verify_info vi;
	struct probs ps;
	struct ir_err e;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	(void)ut_path(casedir, sizeof(casedir), dir, "case");
	make_case(dir, casedir);
	(void)ut_path(pkg, sizeof(pkg), dir, "p.tar.gz");
	assert_int_equal(pack(casedir, pkg, 0, &info, &e), IR_OK);
	assert_int_equal(verify(pkg, &ps, 5, &vi, &e), IR_ELIMIT);
	assert_non_null(strstr(e.msg, "more than 5"));
	ut_rmtree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_write_error_and_stop),
		cmocka_unit_test(test_entry_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
