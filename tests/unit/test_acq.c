/*
 * acq and sink: a file copied to raw, split raw, EWF and descriptor
 * sinks, hashed as sha256sum and md5sum hash it; ranges, pieces, a stop,
 * a resume, a full disk.
 */
#include "unit.h"

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>

#define SRC_SIZE	(5 * 1024 * 1024 + 1234)

struct fix {
	char	 dir[PATH_MAX];
	char	 src[PATH_MAX + 16];
};

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	unsigned char *b;
	size_t i;
	int fd;

	assert_non_null(f);
	ut_tmpdir(f->dir, sizeof(f->dir));
	(void)snprintf(f->src, sizeof(f->src), "%s/src", f->dir);
	b = malloc(SRC_SIZE);
	assert_non_null(b);
	for (i = 0; i < SRC_SIZE; i++)
		b[i] = (unsigned char)(i * 7 + (i >> 9));
	fd = open(f->src, O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b, SRC_SIZE), SRC_SIZE);
	assert_int_equal(close(fd), 0);
	free(b);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	ut_rmtree(f->dir);
	free(f);
	return 0;
}

/* The hex digest of a command over a file ("sha256sum FILE"). */
static void
sum_of(const char *cmd, const char *file, uint64_t skip, uint64_t count,
    char *out, size_t outsz)
{
	char line[PATH_MAX * 2 + 128];
	FILE *p;

	if (count > 0)
		(void)snprintf(line, sizeof(line), "tail -c +%llu '%s' | head "
		    "-c %llu | %s", (unsigned long long)skip + 1, file,
		    (unsigned long long)count, cmd);
	else
		(void)snprintf(line, sizeof(line), "%s < '%s'", cmd, file);
	assert_non_null(p = popen(line, "r"));
	assert_non_null(fgets(out, (int)outsz, p));
	out[strcspn(out, " \n")] = '\0';
	assert_int_equal(pclose(p), 0);
}

static void
hex_of(const struct ir_digest *d, enum ir_hash_alg a, char *out)
{
	assert_true(d->algs & IR_HASH_BIT(a));
	ir_digest_hex(d, a, out);
}

static void
test_raw_and_digests(void **state)
{
	struct fix *f = *state;
	struct ir_acq_opts o;
	struct ir_acq_result res;
	struct ir_sink *sk[2];
	struct ir_src *src;
	struct ir_err e;
	char out[PATH_MAX + 16], out2[PATH_MAX + 16], want[80], got[80];

	(void)snprintf(out, sizeof(out), "%s/img.raw", f->dir);
	(void)snprintf(out2, sizeof(out2), "%s/split", f->dir);
	assert_int_equal(ir_src_open(&src, f->src, &e), IR_OK);
	assert_int_equal(ir_sink_raw(&sk[0], out, 0, 0, &e), IR_OK);
	assert_int_equal(ir_sink_raw(&sk[1], out2, 2 << 20, 0, &e), IR_OK);
	memset(&o, 0, sizeof(o));
	o.algs = IR_HASH_BIT(IR_HASH_MD5) | IR_HASH_BIT(IR_HASH_SHA256);
	o.block = 300000;		/* not a divisor of anything */
	assert_int_equal(ir_acq_run(src, sk, 2, &o, &res, &e), IR_OK);
	assert_int_equal(res.bytes, SRC_SIZE);
	assert_int_equal(res.bad, 0);
	assert_int_equal(ir_sink_finish(sk[0], &res.digest, NULL, 0, &e),
	    IR_OK);
	assert_int_equal(ir_sink_finish(sk[1], &res.digest, NULL, 0, &e),
	    IR_OK);
	sum_of("sha256sum", f->src, 0, 0, want, sizeof(want));
	hex_of(&res.digest, IR_HASH_SHA256, got);
	assert_string_equal(got, want);
	sum_of("md5sum", f->src, 0, 0, want, sizeof(want));
	hex_of(&res.digest, IR_HASH_MD5, got);
	assert_string_equal(got, want);
	sum_of("sha256sum", out, 0, 0, want, sizeof(want));
	hex_of(&res.digest, IR_HASH_SHA256, got);
	assert_string_equal(got, want);
	/* Three pieces of 2 MiB, 2 MiB and the rest. */
	assert_int_equal(ir_sink_nfiles(sk[1]), 3);
	assert_non_null(strstr(ir_sink_file(sk[1], 2), "/split.003"));
	{
		char cmd[PATH_MAX * 3];
		FILE *p;

		(void)snprintf(cmd, sizeof(cmd), "cat '%s' '%s' '%s' | "
		    "sha256sum", ir_sink_file(sk[1], 0), ir_sink_file(sk[1], 1),
		    ir_sink_file(sk[1], 2));
		assert_non_null(p = popen(cmd, "r"));
		assert_non_null(fgets(want, sizeof(want), p));
		want[64] = '\0';
		assert_int_equal(pclose(p), 0);
		hex_of(&res.digest, IR_HASH_SHA256, got);
		assert_string_equal(got, want);
	}
	ir_sink_free(sk[0]);
	ir_sink_free(sk[1]);
	/* Never over an earlier result. */
	assert_int_equal(ir_sink_raw(&sk[0], out, 0, 0, &e), IR_EIO);
	assert_non_null(strstr(e.msg, "not overwriting"));
	ir_src_close(src);
}

struct pieces {
	int		 n;
	uint64_t	 pos[8], len[8];
	char		 hex[8][65];
};

static void
on_piece(uint64_t pos, uint64_t n, const struct ir_digest *d, void *arg)
{
	struct pieces *p = arg;

	assert_true(p->n < 8);
	p->pos[p->n] = pos;
	p->len[p->n] = n;
	ir_digest_hex(d, IR_HASH_SHA256, p->hex[p->n]);
	p->n++;
}

/* --offset/--count and piecewise digests, hash only (no sink). */
static void
test_range_and_pieces(void **state)
{
	struct fix *f = *state;
	struct ir_acq_opts o;
	struct ir_acq_result res;
	struct pieces p;
	struct ir_src *src;
	struct ir_err e;
	char want[80], got[80];
	int i;

	memset(&p, 0, sizeof(p));
	memset(&o, 0, sizeof(o));
	o.offset = 4096 + 17;
	o.count = 3 * 1000 * 1000;
	o.algs = IR_HASH_BIT(IR_HASH_SHA256);
	o.piece = 1000 * 1000;
	o.on_piece = on_piece;
	o.arg = &p;
	assert_int_equal(ir_src_open(&src, f->src, &e), IR_OK);
	assert_int_equal(ir_acq_run(src, NULL, 0, &o, &res, &e), IR_OK);
	assert_int_equal(res.bytes, o.count);
	assert_int_equal(res.short_source, 0);
	sum_of("sha256sum", f->src, o.offset, o.count, want, sizeof(want));
	hex_of(&res.digest, IR_HASH_SHA256, got);
	assert_string_equal(got, want);
	assert_int_equal(p.n, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(p.pos[i], (uint64_t)i * o.piece);
		sum_of("sha256sum", f->src, o.offset + p.pos[i], p.len[i], want,
		    sizeof(want));
		assert_string_equal(p.hex[i], want);
	}
	/* A count past the end: what there is, and said. */
	o.offset = SRC_SIZE - 100;
	o.count = 1000;
	o.piece = 0;
	assert_int_equal(ir_acq_run(src, NULL, 0, &o, &res, &e), IR_OK);
	assert_int_equal(res.bytes, 100);
	assert_int_equal(res.short_source, 1);
	ir_src_close(src);
}

/* Stop after the first block; resume from what was written. */
static int
stop_early(uint64_t done, void *arg)
{
	(void)done;
	*(volatile sig_atomic_t *)arg = 1;
	return 0;
}

static void
test_stop_and_resume(void **state)
{
	struct fix *f = *state;
	volatile sig_atomic_t stop = 0;
	struct ir_acq_opts o;
	struct ir_acq_result res;
	struct ir_sink *sk;
	struct ir_src *src;
	struct ir_err e;
	struct stat st;
	char out[PATH_MAX + 16], want[80], got[80];

	(void)snprintf(out, sizeof(out), "%s/part", f->dir);
	assert_int_equal(ir_src_open(&src, f->src, &e), IR_OK);
	assert_int_equal(ir_sink_raw(&sk, out, 1 << 20, 0, &e), IR_OK);
	memset(&o, 0, sizeof(o));
	o.algs = IR_HASH_BIT(IR_HASH_SHA256);
	o.stop = &stop;
	o.on_read = stop_early;
	o.arg = (void *)&stop;
	assert_int_equal(ir_acq_run(src, &sk, 1, &o, &res, &e), IR_EINTR);
	assert_int_equal(res.bytes, 1 << 20);
	ir_sink_free(sk);
	(void)snprintf(out, sizeof(out), "%s/part.001", f->dir);
	assert_int_equal(stat(out, &st), 0);
	assert_int_equal(st.st_size, 1 << 20);

	/* Resumed: the files go on and the digest covers all. */
	(void)snprintf(out, sizeof(out), "%s/part", f->dir);
	assert_int_equal(ir_sink_raw(&sk, out, 1 << 20, 1 << 20, &e), IR_OK);
	stop = 0;
	o.on_read = NULL;
	o.resume = 1 << 20;
	assert_int_equal(ir_acq_run(src, &sk, 1, &o, &res, &e), IR_OK);
	assert_int_equal(res.bytes, SRC_SIZE);
	assert_int_equal(ir_sink_finish(sk, &res.digest, NULL, 0, &e), IR_OK);
	assert_int_equal(ir_sink_nfiles(sk), 6);
	sum_of("sha256sum", f->src, 0, 0, want, sizeof(want));
	hex_of(&res.digest, IR_HASH_SHA256, got);
	assert_string_equal(got, want);
	ir_sink_free(sk);
	/* A map that says more than the files hold is refused. */
	assert_int_equal(ir_sink_raw(&sk, out, 1 << 20, 7 << 20, &e),
	    IR_EINVAL);
	assert_non_null(strstr(e.msg, "cannot resume"));
	ir_src_close(src);
}

/* A full disk (/dev/full): the error names the output; no crash. */
static void
test_output_full(void **state)
{
	struct fix *f = *state;
	struct ir_acq_opts o;
	struct ir_acq_result res;
	struct ir_sink *sk;
	struct ir_src *src;
	struct ir_err e;
	int fd;

	if ((fd = open("/dev/full", O_WRONLY)) < 0)
		skip();
	assert_int_equal(ir_src_open(&src, f->src, &e), IR_OK);
	assert_int_equal(ir_sink_fd(&sk, fd, "/dev/full", &e), IR_OK);
	memset(&o, 0, sizeof(o));
	o.algs = IR_HASH_BIT(IR_HASH_SHA256);
	assert_int_equal(ir_acq_run(src, &sk, 1, &o, &res, &e), IR_EIO);
	assert_int_equal(e.sys_errno, ENOSPC);
	assert_non_null(strstr(e.msg, "/dev/full"));
	ir_sink_free(sk);
	(void)close(fd);
	ir_src_close(src);
}

/* EWF through libewf, read back by libewf: the same media digest. */
static void
test_ewf(void **state)
{
	struct fix *f = *state;
	struct ir_ewf_meta m;
	struct ir_acq_opts o;
	struct ir_acq_result res;
	struct ir_digest back;
	struct ir_range bad = { 1024, 512 };
	struct ir_sink *sk;
	struct ir_src *src;
	struct ir_err e;
	char out[PATH_MAX + 16], want[80], got[80];

	(void)snprintf(out, sizeof(out), "%s/ev", f->dir);
	memset(&m, 0, sizeof(m));
	m.case_number = "C-42";
	m.examiner = "unit";
	m.media_size = SRC_SIZE;
	m.sector_size = 512;
	m.compress = 1;
	assert_int_equal(ir_src_open(&src, f->src, &e), IR_OK);
	assert_int_equal(ir_sink_ewf(&sk, out, &m, &e), IR_OK);
	memset(&o, 0, sizeof(o));
	o.algs = IR_HASH_BIT(IR_HASH_MD5) | IR_HASH_BIT(IR_HASH_SHA256);
	assert_int_equal(ir_acq_run(src, &sk, 1, &o, &res, &e), IR_OK);
	assert_int_equal(ir_sink_finish(sk, &res.digest, &bad, 1, &e), IR_OK);
	assert_true(ir_sink_nfiles(sk) >= 1);
	assert_non_null(strstr(ir_sink_file(sk, 0), "ev.E01"));
	assert_int_equal(ir_sink_hash_back(sk, o.algs, &back, &e), IR_OK);
	hex_of(&back, IR_HASH_SHA256, got);
	sum_of("sha256sum", f->src, 0, 0, want, sizeof(want));
	assert_string_equal(got, want);
	/* 1234 bytes past a sector boundary: padded, and said. */
	assert_int_equal(ir_sink_padded(sk), 512 - 1234 % 512);
	ir_sink_free(sk);
	assert_int_equal(ir_sink_ewf(&sk, out, &m, &e), IR_EIO);
	ir_src_close(src);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_raw_and_digests, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_range_and_pieces, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stop_and_resume, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_output_full, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ewf, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
