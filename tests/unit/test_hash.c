/* hash: known vectors, streaming, parallel mode, files against coreutils. */
#include "unit.h"

#include <fcntl.h>

static void
hex_of(struct ir_hash *h, const void *p, size_t n, int alg, char *out)
{
	struct ir_digest d;

	assert_int_equal(ir_hash_reset(h, NULL), IR_OK);
	assert_int_equal(ir_hash_update(h, p, n, NULL), IR_OK);
	assert_int_equal(ir_hash_final(h, &d, NULL), IR_OK);
	assert_int_equal(d.nbytes, n);
	ir_digest_hex(&d, alg, out);
}

static void
test_known_vectors(void **state)
{
	struct ir_hash *h;
	char hex[IR_HASH_MAXLEN * 2 + 1];

	(void)state;
	assert_int_equal(ir_hash_new(&h, IR_HASH_ALL, 0, NULL), IR_OK);
	hex_of(h, "", 0, IR_HASH_MD5, hex);
	assert_string_equal(hex, "d41d8cd98f00b204e9800998ecf8427e");
	hex_of(h, "abc", 3, IR_HASH_MD5, hex);
	assert_string_equal(hex, "900150983cd24fb0d6963f7d28e17f72");
	hex_of(h, "abc", 3, IR_HASH_SHA1, hex);
	assert_string_equal(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
	hex_of(h, "abc", 3, IR_HASH_SHA256, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	hex_of(h, "", 0, IR_HASH_SHA256, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
	ir_hash_free(h);
}

/* FIPS 180-2: a million 'a', fed in odd pieces. */
static void
test_million_a_in_pieces(void **state)
{
	struct ir_hash *h;
	struct ir_digest d;
	char buf[997], hex[IR_HASH_MAXLEN * 2 + 1];
	size_t left = 1000000, k;

	(void)state;
	memset(buf, 'a', sizeof(buf));
	assert_int_equal(ir_hash_new(&h, IR_HASH_BIT(IR_HASH_SHA1) |
	    IR_HASH_BIT(IR_HASH_SHA256), 0, NULL), IR_OK);
	while (left > 0) {
		k = left < sizeof(buf) ? left : sizeof(buf);
		assert_int_equal(ir_hash_update(h, buf, k, NULL), IR_OK);
		left -= k;
	}
	assert_int_equal(ir_hash_final(h, &d, NULL), IR_OK);
	assert_int_equal(d.algs, IR_HASH_BIT(IR_HASH_SHA1) |
	    IR_HASH_BIT(IR_HASH_SHA256));
	ir_digest_hex(&d, IR_HASH_SHA1, hex);
	assert_string_equal(hex, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	ir_digest_hex(&d, IR_HASH_SHA256, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0");
	ir_hash_free(h);
}

static void
test_parallel_equals_serial(void **state)
{
	struct ir_hash *ser, *par;
	struct ir_digest a, b;
	unsigned char *data;
	size_t n = 5 << 20, i, off, k;
	uint32_t x = 12345;

	(void)state;
	assert_non_null(data = malloc(n));
	for (i = 0; i < n; i++) {
		x = x * 1103515245 + 12345;
		data[i] = (unsigned char)(x >> 16);
	}
	assert_int_equal(ir_hash_new(&ser, IR_HASH_ALL, 0, NULL), IR_OK);
	assert_int_equal(ir_hash_new(&par, IR_HASH_ALL, IR_HASH_PARALLEL,
	    NULL), IR_OK);
	for (off = 0; off < n; off += k) {
		k = (off / 7 % 65536) + 1;
		if (k > n - off)
			k = n - off;
		assert_int_equal(ir_hash_update(ser, data + off, k, NULL), IR_OK);
		assert_int_equal(ir_hash_update(par, data + off, k, NULL), IR_OK);
	}
	assert_int_equal(ir_hash_final(ser, &a, NULL), IR_OK);
	assert_int_equal(ir_hash_final(par, &b, NULL), IR_OK);
	assert_memory_equal(&a, &b, sizeof(a));
	/* Reuse after reset gives the same again. */
	assert_int_equal(ir_hash_reset(par, NULL), IR_OK);
	assert_int_equal(ir_hash_update(par, data, n, NULL), IR_OK);
	assert_int_equal(ir_hash_final(par, &b, NULL), IR_OK);
	assert_memory_equal(&a, &b, sizeof(a));
	ir_hash_free(ser);
	ir_hash_free(par);
	free(data);
}

static void
test_parse_list(void **state)
{
	unsigned int algs = 0;
	struct ir_err e;

	(void)state;
	assert_int_equal(ir_hash_parse_list("md5,sha256", &algs, &e), IR_OK);
	assert_int_equal(algs, IR_HASH_BIT(IR_HASH_MD5) |
	    IR_HASH_BIT(IR_HASH_SHA256));
	assert_int_equal(ir_hash_parse_list("sha1", &algs, &e), IR_OK);
	assert_int_equal(algs, IR_HASH_BIT(IR_HASH_SHA1));
	assert_int_equal(ir_hash_parse_list("md5,sha512", &algs, &e),
	    IR_EINVAL);
	assert_non_null(strstr(e.msg, "'sha512'"));
	assert_int_equal(ir_hash_parse_list("", &algs, &e), IR_EINVAL);
	assert_int_equal(ir_hash_parse_list("md5,", &algs, &e), IR_EINVAL);
	assert_int_equal(ir_hash_lookup("sha256", 6), IR_HASH_SHA256);
	assert_int_equal(ir_hash_lookup("sha25", 5), -1);
	assert_int_equal(ir_hash_new(&(struct ir_hash *){ NULL }, 0, 0, &e),
	    IR_EINVAL);
}

/* ir_hash_fd on a real file agrees with the coreutils tools. */
static void
test_fd_against_coreutils(void **state)
{
	static const struct { const char *tool; int alg; } t[] = {
		{ "md5sum", IR_HASH_MD5 }, { "sha1sum", IR_HASH_SHA1 },
		{ "sha256sum", IR_HASH_SHA256 },
	};
	char dir[256], path[300], cmd[400], want[80], got[80];
	struct ir_hash *h;
	struct ir_digest d;
	unsigned char *data;
	size_t n = 3 * 1048576 + 17, i;
	FILE *fp;
	int fd;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	assert_non_null(data = malloc(n));
	for (i = 0; i < n; i++)
		data[i] = (unsigned char)(i * 31 + (i >> 9));
	ut_write(dir, "f", data, n);
	(void)snprintf(path, sizeof(path), "%s/f", dir);
	assert_int_equal(ir_hash_new(&h, IR_HASH_ALL, IR_HASH_PARALLEL, NULL),
	    IR_OK);
	assert_true((fd = open(path, O_RDONLY)) >= 0);
	assert_int_equal(ir_hash_fd(h, fd, &d, NULL), IR_OK);
	(void)close(fd);
	assert_int_equal(d.nbytes, n);
	for (i = 0; i < 3; i++) {
		(void)snprintf(cmd, sizeof(cmd), "%s %s", t[i].tool, path);
		assert_non_null(fp = popen(cmd, "r"));
		assert_non_null(fgets(want, sizeof(want), fp));
		assert_int_equal(pclose(fp), 0);
		want[strcspn(want, " ")] = '\0';
		ir_digest_hex(&d, t[i].alg, got);
		assert_string_equal(got, want);
	}
	ir_hash_free(h);
	free(data);
	ut_rmtree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_vectors),
		cmocka_unit_test(test_million_a_in_pieces),
		cmocka_unit_test(test_parallel_equals_serial),
		cmocka_unit_test(test_parse_list),
		cmocka_unit_test(test_fd_against_coreutils),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
