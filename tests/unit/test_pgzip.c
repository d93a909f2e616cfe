/*
 * pgzip: what the parallel compressor writes is one gzip member that
 * zlib inflates back to the input and gzip -t accepts, whatever the
 * number of threads and wherever the input ends against the block size;
 * its size stays within 1% of single-threaded zlib at the same level;
 * an output error stops it and nothing leaks.
 */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>

#include <zlib.h>

static int
to_mem(void *arg, const void *p, size_t n, struct ir_err *e)
{
	return ir_buf_add(arg, p, n, e);
}

/* Text-like, compressible data with some noise. */
static unsigned char *
make_input(size_t n, uint32_t seed)
{
	static const char *const words[] = { "evidence ", "custody ",
	    "sha256 ", "/usr/bin/", "incident\n", "0x7f454c46 " };
	unsigned char *p = malloc(n ? n : 1);
	size_t i = 0, k;
	const char *w;

	assert_non_null(p);
	while (i < n) {
		if (ut_rand(&seed) % 8 == 0) {
			p[i++] = (unsigned char)ut_rand(&seed);
			continue;
		}
		w = words[ut_rand(&seed) % 6];
		for (k = 0; w[k] != '\0' && i < n; k++)
			p[i++] = (unsigned char)w[k];
	}
	return p;
}

static void
gunzip(const struct ir_buf *gz, unsigned char **out, size_t *outlen)
{
	z_stream zs;
	size_t cap = gz->len * 8 + 1024;
	int rc;

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(inflateInit2(&zs, 16 + 15), Z_OK);
	assert_non_null(*out = malloc(cap));
	zs.next_in = (unsigned char *)gz->buf;
	zs.avail_in = (uInt)gz->len;
	*outlen = 0;
	do {
		if (*outlen == cap) {
			cap *= 2;
			assert_non_null(*out = realloc(*out, cap));
		}
		zs.next_out = *out + *outlen;
		zs.avail_out = (uInt)(cap - *outlen);
		rc = inflate(&zs, Z_NO_FLUSH);
		*outlen = cap - zs.avail_out;
	} while (rc == Z_OK || (rc == Z_BUF_ERROR && *outlen == cap));
	assert_int_equal(rc, Z_STREAM_END);
	/* One member, nothing after it. */
	assert_int_equal(zs.avail_in, 0);
	(void)inflateEnd(&zs);
}

static void
pcompress(const unsigned char *in, size_t n, int level, int threads,
    size_t piece, struct ir_buf *gz)
{
	struct ir_pgzip *z;
	struct ir_err e;
	size_t off, k;

	ir_buf_init(gz, IR_BUF_NOLIMIT);
	assert_int_equal(ir_pgzip_new(&z, level, threads, to_mem, gz, &e),
	    IR_OK);
	for (off = 0; off < n; off += k) {
		k = n - off < piece ? n - off : piece;
		assert_int_equal(ir_pgzip_write(z, in + off, k, &e), IR_OK);
	}
	assert_int_equal(ir_pgzip_finish(z, &e), IR_OK);
	assert_int_equal(ir_pgzip_in(z), n);
	assert_int_equal(ir_pgzip_out(z), gz->len);
	ir_pgzip_free(z);
}

static void
test_round_trip(void **state)
{
	const size_t sizes[] = { 0, 1, IR_PGZIP_BLOCK - 1, IR_PGZIP_BLOCK,
	    IR_PGZIP_BLOCK + 1, 3 * IR_PGZIP_BLOCK, 5000000 };
	const int threads[] = { 0, 1, 2, 4 };
	const size_t pieces[] = { 1000, 65536, 1 << 20 };
	unsigned char *in, *out;
	struct ir_buf gz;
	size_t i, t, outlen;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		in = make_input(sizes[i], 7 + (uint32_t)i);
		for (t = 0; t < 4; t++) {
			pcompress(in, sizes[i], 6, threads[t], pieces[(i + t) % 3],
			    &gz);
			gunzip(&gz, &out, &outlen);
			assert_int_equal(outlen, sizes[i]);
			if (sizes[i] > 0)
				assert_memory_equal(out, in, sizes[i]);
			free(out);
			ir_buf_release(&gz);
		}
		free(in);
	}
}

/* The same bytes whatever the number of threads: blocks are independent. */
static void
test_deterministic(void **state)
{
	unsigned char *in = make_input(2000000, 3);
	struct ir_buf a, b;

	(void)state;
	pcompress(in, 2000000, 6, 0, 1 << 20, &a);
	pcompress(in, 2000000, 6, 3, 4096, &b);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.buf, b.buf, a.len);
	ir_buf_release(&a);
	ir_buf_release(&b);
	free(in);
}

/* gzip itself accepts it and gives the input back. */
static void
test_gzip_reads(void **state)
{
	char dir[256], path[300], sum[128], want[128];
	unsigned char *in = make_input(1000000, 11);
	struct ir_buf gz;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	pcompress(in, 1000000, 9, 2, 100000, &gz);
	ut_write(dir, "in", in, 1000000);
	ut_write(dir, "in.gz", gz.buf, gz.len);
	(void)ut_path(path, sizeof(path), dir, "in.gz");
	ut_sh("gzip -t '%s'", path);
	ut_sh_line(sum, sizeof(sum), "gzip -dc '%s' | sha256sum", path);
	ut_sh_line(want, sizeof(want), "sha256sum < '%s/in'", dir);
	assert_string_equal(sum, want);
	ir_buf_release(&gz);
	free(in);
	ut_rmtree(dir);
}

/* Within 1% of one zlib deflate stream at the same level. */
static void
test_size_close_to_zlib(void **state)
{
	size_t n = 8000000;
	unsigned char *in = make_input(n, 5), *one;
	uLongf onelen = compressBound(n);
	struct ir_buf gz;

	(void)state;
	assert_non_null(one = malloc(onelen));
	assert_int_equal(compress2(one, &onelen, in, n, 6), Z_OK);
	pcompress(in, n, 6, 2, 1 << 20, &gz);
	assert_true(gz.len < onelen + onelen / 100);
	ir_buf_release(&gz);
	free(one);
	free(in);
}

static int fail_after;

static int
failing(void *arg, const void *p, size_t n, struct ir_err *e)
{
	(void)arg;
	(void)p;
	(void)n;
	if (fail_after-- <= 0)
		return ir_err_set(e, IR_EIO, ENOSPC, "cannot write");
	return IR_OK;
}

static void
test_output_error(void **state)
{
	unsigned char *in = make_input(4000000, 9);
	struct ir_pgzip *z;
	struct ir_err e;
	size_t off;
	int rc = IR_OK, t;

	(void)state;
	for (t = 0; t < 3; t++) {
		fail_after = 3;
		assert_int_equal(ir_pgzip_new(&z, 6, t, failing, NULL, &e),
		    IR_OK);
		for (off = 0; off < 4000000 && rc == IR_OK; off += 100000)
			rc = ir_pgzip_write(z, in + off, 100000, &e);
		if (rc == IR_OK)
			rc = ir_pgzip_finish(z, &e);
		assert_int_equal(rc, IR_EIO);
		assert_non_null(strstr(e.msg, "cannot write"));
		/* Nothing more goes through it. */
		assert_int_not_equal(ir_pgzip_write(z, in, 10, &e), IR_OK);
		ir_pgzip_free(z);
		rc = IR_OK;
	}
	assert_int_equal(ir_pgzip_new(&z, 0, 0, failing, NULL, &e), IR_EINVAL);
	assert_int_equal(ir_pgzip_new(&z, 10, 0, failing, NULL, &e), IR_EINVAL);
	free(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_gzip_reads),
		cmocka_unit_test(test_size_close_to_zlib),
		cmocka_unit_test(test_output_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
