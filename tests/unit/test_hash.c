/* hash: published vectors, streaming, parallel mode, files against coreutils. */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>

#define HEXLEN	(IR_HASH_MAXLEN * 2 + 1)
#define SHA256_EMPTY	"e3b0c44298fc1c149afbf4c8996fb924" \
			"27ae41e4649b934ca495991b7852b855"

/* RFC 1321 appendix A.5 (md5), FIPS 180-2 appendices (sha1, sha256). */
static const struct {
	int		 alg;
	const char	*msg;
	const char	*hex;
} vectors[] = {
	{ IR_HASH_MD5, "", "d41d8cd98f00b204e9800998ecf8427e" },
	{ IR_HASH_MD5, "a", "0cc175b9c0f1b6a831c399e269772661" },
	{ IR_HASH_MD5, "abc", "900150983cd24fb0d6963f7d28e17f72" },
	{ IR_HASH_MD5, "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
	{ IR_HASH_MD5, "abcdefghijklmnopqrstuvwxyz",
	    "c3fcd3d76192e4007dfb496cca67e13b" },
	{ IR_HASH_MD5, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789", "d174ab98d277d9f5a5611c2c9f419d9f" },
	{ IR_HASH_MD5, "1234567890123456789012345678901234567890"
	    "1234567890123456789012345678901234567890",
	    "57edf4a22be3c955ac49da2e2107b67a" },
	{ IR_HASH_SHA1, "", "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
	{ IR_HASH_SHA1, "abc", "a9993e364706816aba3e25717850c26c9cd0d89d" },
	{ IR_HASH_SHA1, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnop"
	    "nopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
	{ IR_HASH_SHA256, "", SHA256_EMPTY },
	{ IR_HASH_SHA256, "abc", "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad" },
	{ IR_HASH_SHA256, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnop"
	    "nopq", "248d6a61d20638b8e5c026930c3e6039"
	    "a33ce45964ff2167f6ecedd419db06c1" },
};

static void
digest(struct ir_hash *h, const void *p, size_t n, struct ir_digest *d)
{
	assert_int_equal(ir_hash_reset(h, NULL), IR_OK);
	assert_int_equal(ir_hash_update(h, p, n, NULL), IR_OK);
	assert_int_equal(ir_hash_final(h, d, NULL), IR_OK);
}

/* Every vector, with each algorithm alone and all three together. */
static void
test_known_vectors(void **state)
{
	struct ir_hash *one, *all;
	struct ir_digest d;
	char hex[HEXLEN];
	size_t i, n;

	(void)state;
	assert_int_equal(ir_hash_new(&all, IR_HASH_ALL, 0, NULL), IR_OK);
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		n = strlen(vectors[i].msg);
		assert_int_equal(ir_hash_new(&one, IR_HASH_BIT(vectors[i].alg),
		    0, NULL), IR_OK);
		digest(one, vectors[i].msg, n, &d);
		assert_int_equal(d.algs, IR_HASH_BIT(vectors[i].alg));
		assert_int_equal(d.nbytes, n);
		ir_digest_hex(&d, vectors[i].alg, hex);
		assert_string_equal(hex, vectors[i].hex);
		ir_hash_free(one);
		digest(all, vectors[i].msg, n, &d);
		assert_int_equal(d.algs, IR_HASH_ALL);
		ir_digest_hex(&d, vectors[i].alg, hex);
		assert_string_equal(hex, vectors[i].hex);
	}
	ir_hash_free(all);
}

/* FIPS 180-2 and RFC 1321 test suites: a million 'a', in odd pieces. */
static void
test_million_a(void **state)
{
	static const int flags[] = { 0, IR_HASH_PARALLEL };
	struct ir_hash *h;
	struct ir_digest d;
	char buf[997], hex[HEXLEN];
	size_t left, k, f;

	(void)state;
	memset(buf, 'a', sizeof(buf));
	for (f = 0; f < 2; f++) {
		assert_int_equal(ir_hash_new(&h, IR_HASH_ALL, flags[f], NULL),
		    IR_OK);
		for (left = 1000000; left > 0; left -= k) {
			k = left % 991 + 1;	/* 1 to 991 bytes at a time */
			if (k > left)
				k = left;
			assert_int_equal(ir_hash_update(h, buf, k, NULL), IR_OK);
		}
		assert_int_equal(ir_hash_final(h, &d, NULL), IR_OK);
		assert_int_equal(d.nbytes, 1000000);
		ir_digest_hex(&d, IR_HASH_MD5, hex);
		assert_string_equal(hex, "7707d6ae4e027c70eea2a935c2296f21");
		ir_digest_hex(&d, IR_HASH_SHA1, hex);
		assert_string_equal(hex,
		    "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
		ir_digest_hex(&d, IR_HASH_SHA256, hex);
		assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
		    "f1809a48a497200e046d39ccc7112cd0");
		ir_hash_free(h);
	}
}

/* Pieces of any size, empty ones included, give the one-shot digest. */
static void
test_streaming_equals_one_shot(void **state)
{
	enum { N = 200003 };
	struct ir_hash *h;
	struct ir_digest whole, parts;
	unsigned char *data;
	uint32_t seed = 7;
	size_t off, k, round;

	(void)state;
	assert_non_null(data = malloc(N));
	ut_fill(data, N, 99);
	assert_int_equal(ir_hash_new(&h, IR_HASH_ALL, 0, NULL), IR_OK);
	digest(h, data, N, &whole);
	for (round = 0; round < 5; round++) {
		assert_int_equal(ir_hash_reset(h, NULL), IR_OK);
		for (off = 0; off < N; off += k) {
			k = ut_rand(&seed) % (round == 0 ? 3 : 9000);
			if (k > N - off)
				k = N - off;
			assert_int_equal(ir_hash_update(h, data + off, k, NULL),
			    IR_OK);
		}
		assert_int_equal(ir_hash_final(h, &parts, NULL), IR_OK);
		assert_memory_equal(&parts, &whole, sizeof(whole));
	}
	/* One byte different, a different digest in every algorithm. */
	data[N / 2] ^= 1;
	digest(h, data, N, &parts);
	assert_memory_not_equal(parts.md[IR_HASH_MD5], whole.md[IR_HASH_MD5], 16);
	assert_memory_not_equal(parts.md[IR_HASH_SHA1], whole.md[IR_HASH_SHA1],
	    20);
	assert_memory_not_equal(parts.md[IR_HASH_SHA256],
	    whole.md[IR_HASH_SHA256], 32);
	ir_hash_free(h);
	free(data);
}

/* Several MiB of pseudo-random data: threads change nothing. */
static void
test_parallel_equals_serial(void **state)
{
	static const unsigned int sets[] = {
		IR_HASH_ALL,
		IR_HASH_BIT(IR_HASH_MD5) | IR_HASH_BIT(IR_HASH_SHA256),
		IR_HASH_BIT(IR_HASH_SHA1),	/* one algorithm: no thread */
	};
	struct ir_hash *ser, *par;
	struct ir_digest a, b;
	unsigned char *data;
	size_t n = 5 << 20, off, k, i;

	(void)state;
	assert_non_null(data = malloc(n));
	ut_fill(data, n, 12345);
	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		assert_int_equal(ir_hash_new(&ser, sets[i], 0, NULL), IR_OK);
		assert_int_equal(ir_hash_new(&par, sets[i], IR_HASH_PARALLEL,
		    NULL), IR_OK);
		assert_int_equal(ir_hash_algs(par), sets[i]);
		for (off = 0; off < n; off += k) {
			k = (off / 7 % 65536) + 1;
			if (k > n - off)
				k = n - off;
			assert_int_equal(ir_hash_update(ser, data + off, k,
			    NULL), IR_OK);
			assert_int_equal(ir_hash_update(par, data + off, k,
			    NULL), IR_OK);
		}
		assert_int_equal(ir_hash_final(ser, &a, NULL), IR_OK);
		assert_int_equal(ir_hash_final(par, &b, NULL), IR_OK);
		assert_int_equal(a.nbytes, n);
		assert_memory_equal(&a, &b, sizeof(a));
		/* Reused after reset: the same again, in one piece. */
		digest(par, data, n, &b);
		assert_memory_equal(&a, &b, sizeof(a));
		/* And a short stream after a long one. */
		digest(par, "abc", 3, &b);
		digest(ser, "abc", 3, &a);
		assert_memory_equal(&a, &b, sizeof(a));
		ir_hash_free(ser);
		ir_hash_free(par);
	}
	free(data);
}

static void
test_names_and_lists(void **state)
{
	unsigned int algs = 0;
	struct ir_hash *h = NULL;
	struct ir_err e;
	int a;

	(void)state;
	for (a = 0; a < IR_HASH_NALG; a++) {
		assert_int_equal(ir_hash_lookup(ir_hash_name(a),
		    strlen(ir_hash_name(a))), a);
		assert_true(ir_hash_len(a) <= IR_HASH_MAXLEN);
	}
	assert_string_equal(ir_hash_name(IR_HASH_MD5), "md5");
	assert_string_equal(ir_hash_name(IR_HASH_SHA1), "sha1");
	assert_string_equal(ir_hash_name(IR_HASH_SHA256), "sha256");
	assert_int_equal(ir_hash_len(IR_HASH_MD5), 16);
	assert_int_equal(ir_hash_len(IR_HASH_SHA1), 20);
	assert_int_equal(ir_hash_len(IR_HASH_SHA256), 32);
	/* Lookups take a length: a prefix or a longer name is no match. */
	assert_int_equal(ir_hash_lookup("sha256,md5", 6), IR_HASH_SHA256);
	assert_int_equal(ir_hash_lookup("sha25", 5), -1);
	assert_int_equal(ir_hash_lookup("sha2566", 7), -1);
	assert_int_equal(ir_hash_lookup("", 0), -1);

	assert_int_equal(ir_hash_parse_list("md5,sha256", &algs, &e), IR_OK);
	assert_int_equal(algs, IR_HASH_BIT(IR_HASH_MD5) |
	    IR_HASH_BIT(IR_HASH_SHA256));
	assert_int_equal(ir_hash_parse_list("sha1", &algs, &e), IR_OK);
	assert_int_equal(algs, IR_HASH_BIT(IR_HASH_SHA1));
	assert_int_equal(ir_hash_parse_list("sha256,md5,sha1,md5", &algs, &e),
	    IR_OK);
	assert_int_equal(algs, IR_HASH_ALL);
	/* The bad item is named; the output is left alone. */
	algs = 12345;
	assert_int_equal(ir_hash_parse_list("md5,sha512", &algs, &e),
	    IR_EINVAL);
	assert_int_equal(e.code, IR_EINVAL);
	assert_non_null(strstr(e.msg, "'sha512'"));
	assert_int_equal(algs, 12345);
	assert_int_equal(ir_hash_parse_list("", &algs, &e), IR_EINVAL);
	assert_int_equal(ir_hash_parse_list("md5,", &algs, &e), IR_EINVAL);
	assert_non_null(strstr(e.msg, "''"));
	assert_int_equal(ir_hash_parse_list(",md5", &algs, &e), IR_EINVAL);
	assert_int_equal(ir_hash_parse_list("md5 ,sha1", &algs, &e), IR_EINVAL);
	assert_non_null(strstr(e.msg, "'md5 '"));

	/* No algorithm, or one that does not exist, is refused. */
	assert_int_equal(ir_hash_new(&h, 0, 0, &e), IR_EINVAL);
	assert_null(h);
	assert_int_equal(ir_hash_new(&h, IR_HASH_BIT(IR_HASH_NALG), 0, &e),
	    IR_EINVAL);
	assert_null(h);
	ir_hash_free(NULL);
}

/* ir_hash_fd on a real file agrees with the coreutils tools. */
static void
test_fd_against_coreutils(void **state)
{
	static const struct { const char *tool; int alg; } t[] = {
		{ "md5sum", IR_HASH_MD5 }, { "sha1sum", IR_HASH_SHA1 },
		{ "sha256sum", IR_HASH_SHA256 },
	};
	static const int flags[] = { 0, IR_HASH_PARALLEL };
	char dir[256], path[300], want[200], got[HEXLEN];
	struct ir_hash *h;
	struct ir_digest d;
	unsigned char *data;
	size_t n = 3 * 1048576 + 17, i, f;
	int fd;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	assert_non_null(data = malloc(n));
	ut_fill(data, n, 4242);
	ut_write(dir, "f", data, n);
	ut_path(path, sizeof(path), dir, "f");
	for (f = 0; f < 2; f++) {
		assert_int_equal(ir_hash_new(&h, IR_HASH_ALL, flags[f], NULL),
		    IR_OK);
		assert_true((fd = open(path, O_RDONLY)) >= 0);
		assert_int_equal(ir_hash_fd(h, fd, &d, NULL), IR_OK);
		(void)close(fd);
		assert_int_equal(d.nbytes, n);
		for (i = 0; i < 3; i++) {
			ut_sh_line(want, sizeof(want), "%s '%s'", t[i].tool,
			    path);
			want[strcspn(want, " ")] = '\0';
			ir_digest_hex(&d, t[i].alg, got);
			assert_string_equal(got, want);
		}
		ir_hash_free(h);
	}
	free(data);
	ut_rmtree(dir);
}

/*
 * ir_hash_fd starts at the fd's current offset, resets the stream itself
 * (earlier updates do not leak in), and reports read errors.
 */
static void
test_fd_offset_reset_and_errors(void **state)
{
	char dir[256], path[300], want[200], got[HEXLEN];
	struct ir_hash *h;
	struct ir_digest d;
	struct ir_err e;
	int fd;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	ut_write(dir, "f", "HEADERpayload bytes", 19);
	ut_path(path, sizeof(path), dir, "f");
	assert_int_equal(ir_hash_new(&h, IR_HASH_BIT(IR_HASH_SHA256), 0, NULL),
	    IR_OK);
	assert_int_equal(ir_hash_update(h, "stale", 5, NULL), IR_OK);
	assert_true((fd = open(path, O_RDONLY)) >= 0);
	assert_int_equal(lseek(fd, 6, SEEK_SET), 6);
	assert_int_equal(ir_hash_fd(h, fd, &d, NULL), IR_OK);
	assert_int_equal(d.nbytes, 13);
	ut_sh_line(want, sizeof(want), "tail -c +7 '%s' | sha256sum", path);
	want[64] = '\0';
	ir_digest_hex(&d, IR_HASH_SHA256, got);
	assert_string_equal(got, want);
	/* At EOF: the digest of nothing. */
	assert_int_equal(ir_hash_fd(h, fd, &d, NULL), IR_OK);
	assert_int_equal(d.nbytes, 0);
	ir_digest_hex(&d, IR_HASH_SHA256, got);
	assert_string_equal(got, SHA256_EMPTY);
	(void)close(fd);
	/* A directory cannot be read: IR_EIO with errno. */
	assert_true((fd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0);
	assert_int_equal(ir_hash_fd(h, fd, &d, &e), IR_EIO);
	assert_int_equal(e.sys_errno, EISDIR);
	(void)close(fd);
	ir_hash_free(h);
	ut_rmtree(dir);
}

/* FIPS 180-2's "abc", and the empty string. */
static void
test_sha256_hex(void **state)
{
	char hex[65];

	(void)state;
	assert_int_equal(ir_sha256_hex("abc", 3, hex, NULL), IR_OK);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(ir_sha256_hex("", 0, hex, NULL), IR_OK);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_vectors),
		cmocka_unit_test(test_million_a),
		cmocka_unit_test(test_streaming_equals_one_shot),
		cmocka_unit_test(test_parallel_equals_serial),
		cmocka_unit_test(test_names_and_lists),
		cmocka_unit_test(test_fd_against_coreutils),
		cmocka_unit_test(test_fd_offset_reset_and_errors),
		cmocka_unit_test(test_sha256_hex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
