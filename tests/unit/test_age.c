/*
 * age: round trips through X25519 and scrypt at chunk-edge sizes, interop
 * both ways with the stock age(1) and age-keygen(1), every kind of
 * tampering and truncation, crafted headers and payloads (with a known file
 * key, through the private helpers of age_impl.h), and the C2SP CCTV test
 * vectors in tests/unit/data/age/.
 */
#include "unit.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <zlib.h>

#include "../../libir/age_impl.h"

#define AGE_BIN		"/usr/bin/age"
#define KEYGEN_BIN	"/usr/bin/age-keygen"
#define MiB		(1024 * 1024)

/* ---- memory sink and source ---- */

struct sink {
	unsigned char	*p;
	size_t		 len, cap;
	int		 calls, fail_at;	/* fail the fail_at'th call */
};

static int
sink_write(void *arg, const void *buf, size_t n, struct ir_err *e)
{
	struct sink *s = arg;

	if (++s->calls == s->fail_at)
		return ir_err_set(e, IR_EIO, ENOSPC, "sink");
	if (s->len + n > s->cap) {
		s->cap = (s->len + n) * 2;
		assert_non_null(s->p = realloc(s->p, s->cap));
	}
	if (n > 0)
		memcpy(s->p + s->len, buf, n);
	s->len += n;
	return IR_OK;
}

struct src {
	const unsigned char	*p;
	size_t			 len, off;
	size_t			 step;		/* most bytes per call; 0: any */
	int			 fail;		/* -1 once off reaches this */
};

static ssize_t
src_read(void *arg, void *buf, size_t n, struct ir_err *e)
{
	struct src *s = arg;
	size_t k = s->len - s->off;

	if (s->fail > 0 && s->off >= (size_t)s->fail) {
		ir_err_set(e, IR_EIO, EIO, "src");
		return -1;
	}
	if (k > n)
		k = n;
	if (s->step > 0 && k > s->step)
		k = s->step;
	memcpy(buf, s->p + s->off, k);
	s->off += k;
	return (ssize_t)k;
}

static unsigned char *
pattern(size_t n, uint32_t seed)
{
	unsigned char *p = malloc(n > 0 ? n : 1);

	assert_non_null(p);
	ut_fill(p, n, seed);
	return p;
}

/* Encrypt pt in writes of wstep bytes (0: one write). */
static void
encrypt(const char *const *r, size_t nr, const char *pass, int log2n,
    const unsigned char *pt, size_t n, size_t wstep, struct sink *out)
{
	struct ir_age_enc *enc;
	struct ir_err e;
	size_t off, k;

	memset(out, 0, sizeof(*out));
	if (ir_age_enc_new(&enc, r, nr, pass, sink_write, out, &e) != IR_OK)
		fail_msg("enc_new: %s", e.msg);
	if (log2n > 0)
		assert_int_equal(ir__age_enc_scrypt_log2n(enc, log2n, &e),
		    IR_OK);
	for (off = 0; off < n; off += k) {
		k = wstep == 0 || n - off < wstep ? n - off : wstep;
		if (ir_age_enc_write(enc, pt + off, k, &e) != IR_OK)
			fail_msg("enc_write: %s", e.msg);
	}
	if (ir_age_enc_finish(enc, &e) != IR_OK)
		fail_msg("enc_finish: %s", e.msg);
	ir_age_enc_free(enc);
}

/*
 * Decrypt ct read in pieces of rstep bytes, plaintext asked for in reads
 * of bufsz bytes: IR_OK, or the error of dec_new or of a read.  *out
 * holds what the reader handed out, in either case.
 */
static int
decrypt_x(const struct ir_age_ids *ids, const char *pass, int max_log2n,
    const unsigned char *ct, size_t n, size_t rstep, size_t bufsz,
    struct sink *out, struct ir_err *e)
{
	struct src s = { ct, n, 0, rstep, 0 };
	struct ir_age_dec *dec;
	unsigned char *buf;
	ssize_t r;
	int rc;

	memset(out, 0, sizeof(*out));
	e->msg[0] = '\0';
	rc = ir__age_dec_new_max(&dec, ids, pass, max_log2n, src_read, &s, e);
	if (rc != IR_OK) {
		assert_null(dec);
		return rc;
	}
	assert_non_null(buf = malloc(bufsz));
	while ((r = ir_age_dec_read(dec, buf, bufsz, e)) > 0) {
		assert_true((size_t)r <= bufsz);
		sink_write(out, buf, (size_t)r, NULL);
	}
	rc = r == 0 ? IR_OK : (int)e->code;
	if (r < 0) {
		/* Sticky: the same error again, nothing more handed out. */
		struct ir_err e2;

		assert_int_equal(ir_age_dec_read(dec, buf, bufsz, &e2), -1);
		assert_int_equal(e2.code, e->code);
		assert_string_equal(e2.msg, e->msg);
	} else {
		/* The end stays the end. */
		assert_int_equal(ir_age_dec_read(dec, buf, bufsz, e), 0);
	}
	free(buf);
	ir_age_dec_free(dec);
	return rc;
}

static int
decrypt(const struct ir_age_ids *ids, const char *pass,
    const unsigned char *ct, size_t n, struct sink *out, struct ir_err *e)
{
	return decrypt_x(ids, pass, AGE_SCRYPT_LOG2N_READ, ct, n, 0, 100000,
	    out, e);
}

static struct ir_age_ids *
ids_of(const char *text)
{
	struct ir_age_ids *ids;
	struct ir_err e;

	if (ir_age_ids_parse(text, strlen(text), &ids, &e) != IR_OK)
		fail_msg("ids_parse: %s", e.msg);
	return ids;
}

static void
expect_same(const struct sink *got, const unsigned char *want, size_t n)
{
	assert_int_equal(got->len, n);
	if (n > 0)
		assert_memory_equal(got->p, want, n);
}

/* Where the payload starts: just past the header's "--- MAC\n". */
static size_t
header_len(const struct sink *ct)
{
	const unsigned char *m;

	assert_non_null(m = memmem(ct->p, ct->len, "\n--- ", 5));
	assert_non_null(m = memchr(m + 1, '\n', ct->len - (size_t)(m + 1 -
	    ct->p)));
	return (size_t)(m + 1 - ct->p);
}

static unsigned char *
slurp(const char *path, size_t *lenp)
{
	unsigned char *p;
	struct stat st;
	FILE *fp;

	assert_non_null(fp = fopen(path, "rb"));
	assert_int_equal(fstat(fileno(fp), &st), 0);
	assert_non_null(p = malloc((size_t)st.st_size + 1));
	assert_int_equal(fread(p, 1, (size_t)st.st_size, fp), st.st_size);
	assert_int_equal(fclose(fp), 0);
	p[st.st_size] = '\0';
	*lenp = (size_t)st.st_size;
	return p;
}

static int
have_age(void)
{
	return access(AGE_BIN, X_OK) == 0 && access(KEYGEN_BIN, X_OK) == 0;
}

/* ---- encodings ---- */

static void
test_base64(void **state)
{
	static const struct { const char *raw, *enc; } ok[] = {
		{ "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" },
		{ "foobar", "Zm9vYmFy" }, { "\xff\xfe\xfd", "//79" },
		{ "\xfb\xff", "+/8" },
	};
	static const char *const bad[] = {
		"Zg==", "Zm8=", "Zh", "Zm9", "Z", "Zm9vY", "Zm 9v", "Zm9v\n",
		"Zm9v\r", "Zm-_", "Zm9v=", "\x80\x81",
	};
	unsigned char out[64];
	char enc[64];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		n = strlen(ok[i].raw);
		assert_int_equal(ir__age_b64_len(n), strlen(ok[i].enc));
		ir__age_b64_encode(enc, (const unsigned char *)ok[i].raw, n);
		assert_string_equal(enc, ok[i].enc);
		assert_int_equal(ir__age_b64_decode(out, sizeof(out), &n,
		    ok[i].enc, strlen(ok[i].enc)), 0);
		assert_int_equal(n, strlen(ok[i].raw));
		assert_memory_equal(out, ok[i].raw, n);
	}
	/* Non-canonical: padding, non-zero spare bits, bad lengths, bytes. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ir__age_b64_decode(out, sizeof(out), &n, bad[i],
		    strlen(bad[i])) == 0)
			fail_msg("'%s' decoded", bad[i]);
	/* The output bound holds. */
	assert_int_equal(ir__age_b64_decode(out, 2, &n, "Zm9v", 4), -1);
	assert_int_equal(ir__age_b64_decode(out, 3, &n, "Zm9v", 4), 0);
}

static void
test_bech32(void **state)
{
	/* BIP 173's valid strings (their data need not be whole bytes). */
	static const char *const ok[] = {
		"A12UEL5L", "a12uel5l",
		"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
		"split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
	};
	static const char *const bad[] = {
		"pzry9x0s0muk", "1pzry9x0s0muk", "x1b4n0q5v", "li1dgmt3",
		"A1G7SGD8", "10a06t8", "1qzzfhee", "a12UEL5L",
		"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxx",
		"a1 2uel5l",
	};
	unsigned char data[64], back[64];
	char hrp[90], s[200];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (ir__age_bech32_decode(ok[i], strlen(ok[i]), hrp,
		    sizeof(hrp), data, sizeof(data), &n) != NULL)
			fail_msg("'%s' rejected", ok[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ir__age_bech32_decode(bad[i], strlen(bad[i]), hrp,
		    sizeof(hrp), data, sizeof(data), &n) == NULL)
			fail_msg("'%s' accepted", bad[i]);
	/* Round trips of 0 to 40 bytes, both cases. */
	for (i = 0; i <= 40; i++) {
		ut_fill(data, i, (uint32_t)i + 7);
		assert_int_equal(ir__age_bech32_encode(s, sizeof(s), "age",
		    data, i, (int)(i & 1)), 0);
		assert_null(ir__age_bech32_decode(s, strlen(s), hrp,
		    sizeof(hrp), back, sizeof(back), &n));
		assert_string_equal(hrp, "age");
		assert_int_equal(n, i);
		assert_memory_equal(back, data, i);
	}
	/* Too small an output buffer is refused, not overrun. */
	assert_int_equal(ir__age_bech32_encode(s, 61, "age", data, 32, 0), -1);
	assert_int_equal(ir__age_bech32_encode(s, 63, "age", data, 32, 0), 0);
	assert_int_equal(strlen(s), 62);
}

/* ---- keys ---- */

static void
test_keys(void **state)
{
	char pub[IR_AGE_PUBKEY_MAX], sec[IR_AGE_SECKEY_MAX], pub2[200];
	char text[512], bad[IR_AGE_PUBKEY_MAX];
	struct ir_age_ids *ids;
	struct ir_err e;
	size_t i;

	(void)state;
	assert_int_equal(ir_age_keygen(pub, sec, &e), IR_OK);
	assert_int_equal(strlen(pub), 62);
	assert_int_equal(strncmp(pub, "age1", 4), 0);
	assert_int_equal(strlen(sec), 74);
	assert_int_equal(strncmp(sec, "AGE-SECRET-KEY-1", 16), 0);
	for (i = 0; sec[i] != '\0'; i++)
		assert_false(sec[i] >= 'a' && sec[i] <= 'z');
	assert_int_equal(ir_age_recipient_check(pub, &e), IR_OK);

	/* A secret key is refused as a recipient, and not echoed. */
	assert_int_equal(ir_age_recipient_check(sec, &e), IR_EINVAL);
	assert_non_null(strstr(e.msg, "secret key"));
	assert_null(strstr(e.msg, sec + 16));
	/* One character off: the checksum catches it. */
	(void)snprintf(bad, sizeof(bad), "%s", pub);
	bad[20] = bad[20] == 'q' ? 'p' : 'q';
	assert_int_equal(ir_age_recipient_check(bad, &e), IR_EINVAL);
	assert_non_null(strstr(e.msg, "checksum"));
	assert_int_equal(ir_age_recipient_check("age1", &e), IR_EINVAL);
	assert_int_equal(ir_age_recipient_check("", &e), IR_EINVAL);
	assert_int_equal(ir_age_recipient_check(NULL, &e), IR_EINVAL);
	assert_int_equal(ir_age_recipient_check("ssh-ed25519 AAAAC3Nza", &e),
	    IR_EUNSUPP);
	/* The BIP 173 example: valid Bech32, wrong prefix. */
	assert_int_equal(ir_age_recipient_check("a12uel5l", &e), IR_EINVAL);
	assert_non_null(strstr(e.msg, "prefix"));

	/* An identity file as age-keygen writes it, with CRLF and blanks. */
	(void)snprintf(text, sizeof(text), "# created: 2026-01-01T00:00:00Z\r\n"
	    "# public key: %s\r\n\r\n%s\r\n\n", pub, sec);
	assert_int_equal(ir_age_ids_parse(text, strlen(text), &ids, &e),
	    IR_OK);
	ir_age_ids_free(ids);
	/* Lower case is Bech32 too. */
	for (i = 0; sec[i] != '\0'; i++)
		text[i] = (char)(sec[i] >= 'A' && sec[i] <= 'Z' ?
		    sec[i] - 'A' + 'a' : sec[i]);
	text[i] = '\0';
	assert_int_equal(ir_age_ids_parse(text, i, &ids, &e), IR_OK);
	ir_age_ids_free(ids);

	/* Refusals, none quoting the key material. */
	(void)snprintf(text, sizeof(text), "%s\n%sX\n", sec, sec);
	assert_int_equal(ir_age_ids_parse(text, strlen(text), &ids, &e),
	    IR_EFORMAT);
	assert_null(ids);
	assert_non_null(strstr(e.msg, "line 2"));
	assert_null(strstr(e.msg, sec + 16));
	(void)snprintf(text, sizeof(text), " %s\n", sec);
	assert_int_equal(ir_age_ids_parse(text, strlen(text), &ids, &e),
	    IR_EFORMAT);
	assert_null(strstr(e.msg, sec + 16));
	assert_int_equal(ir_age_ids_parse(pub, strlen(pub), &ids, &e),
	    IR_EFORMAT);
	assert_non_null(strstr(e.msg, "public key"));
	assert_int_equal(ir_age_ids_parse("# only a comment\n\n", 18, &ids,
	    &e), IR_EFORMAT);
	assert_non_null(strstr(e.msg, "no AGE-SECRET-KEY-1"));
	assert_int_equal(ir_age_ids_parse("", 0, &ids, &e), IR_EFORMAT);
	assert_int_equal(ir_age_ids_parse("AGE-PLUGIN-YUBIKEY-1QQQ\n", 24,
	    &ids, &e), IR_EUNSUPP);
	assert_int_equal(ir_age_ids_parse("-----BEGIN OPENSSH PRIVATE KEY"
	    "-----\n", 36, &ids, &e), IR_EUNSUPP);
	assert_int_equal(ir_age_ids_parse("AGE-SECRET-KEY-1\0", 17, &ids, &e),
	    IR_EFORMAT);
	/* A 31-byte key with a valid checksum. */
	{
		unsigned char k[31] = { 1 };

		assert_int_equal(ir__age_bech32_encode(text, sizeof(text),
		    "age-secret-key-", k, sizeof(k), 1), 0);
		assert_int_equal(ir_age_ids_parse(text, strlen(text), &ids,
		    &e), IR_EFORMAT);
		assert_non_null(strstr(e.msg, "32-byte"));
		assert_int_equal(ir__age_bech32_encode(text, sizeof(text),
		    "age", k, sizeof(k), 0), 0);
		assert_int_equal(ir_age_recipient_check(text, &e), IR_EINVAL);
		assert_non_null(strstr(e.msg, "31 bytes"));
	}

	/* Low-order points (0, 1, and one of order 8) are refused. */
	{
		static const unsigned char lo[3][32] = { { 0 }, { 1 },
		    { 0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16,
		    0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a, 0xda, 0x09, 0x8d,
		    0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f,
		    0x49, 0xb8, 0x00 } };
		struct ir_age_enc *enc;
		const char *r1[1] = { text };

		for (i = 0; i < 3; i++) {
			assert_int_equal(ir__age_bech32_encode(text,
			    sizeof(text), "age", lo[i], 32, 0), 0);
			assert_int_equal(ir_age_recipient_check(text, &e),
			    IR_EINVAL);
			assert_non_null(strstr(e.msg, "low-order"));
			assert_int_equal(ir_age_enc_new(&enc, r1, 1, NULL,
			    sink_write, NULL, &e), IR_EINVAL);
			assert_null(enc);
		}
	}

	/* age-keygen -y derives the same public key from our secret key. */
	if (have_age()) {
		char dir[4096];

		ut_tmpdir(dir, sizeof(dir));
		(void)snprintf(text, sizeof(text), "%s\n", sec);
		ut_write(dir, "key.txt", text, strlen(text));
		ut_sh_line(pub2, sizeof(pub2), "%s -y '%s/key.txt'",
		    KEYGEN_BIN, dir);
		assert_string_equal(pub2, pub);
		ut_rmtree(dir);
	}
}

/* ---- round trips ---- */

static const size_t sizes[] = { 0, 1, 65535, 65536, 65537, 3 * 65536,
    5 * MiB + 123 };

static size_t
nchunks(size_t n)
{
	return n == 0 ? 1 : (n + AGE_CHUNK - 1) / AGE_CHUNK;
}

static void
test_roundtrip_x25519(void **state)
{
	char pub[3][IR_AGE_PUBKEY_MAX], sec[3][IR_AGE_SECKEY_MAX];
	const char *r[3] = { pub[0], pub[1], pub[2] };
	struct ir_age_ids *ids[3], *other;
	char opub[IR_AGE_PUBKEY_MAX], osec[IR_AGE_SECKEY_MAX];
	static const size_t wsteps[] = { 0, 1000, 65536, 65537 };
	struct sink ct, pt;
	struct ir_err e;
	unsigned char *p;
	size_t i, k, hl;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_int_equal(ir_age_keygen(pub[i], sec[i], &e), IR_OK);
		ids[i] = ids_of(sec[i]);
	}
	assert_int_equal(ir_age_keygen(opub, osec, &e), IR_OK);
	other = ids_of(osec);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p = pattern(sizes[i], (uint32_t)i + 1);
		encrypt(r, 3, NULL, 0, p, sizes[i], wsteps[i % 4], &ct);
		/* Three stanzas, a nonce, then one tag per 64 KiB chunk. */
		hl = header_len(&ct);
		assert_int_equal(ct.len, hl + AGE_NONCE + sizes[i] +
		    AGE_TAG * nchunks(sizes[i]));
		assert_int_equal(memcmp(ct.p, "age-encryption.org/v1\n-> "
		    "X25519 ", 31), 0);
		for (k = 0; k < 3; k++) {
			/* Read in odd pieces on both sides. */
			assert_int_equal(decrypt_x(ids[k], NULL, 22, ct.p,
			    ct.len, k == 1 ? 4097 : 0, k == 2 ? 1 : 65536,
			    &pt, &e), IR_OK);
			expect_same(&pt, p, sizes[i]);
			free(pt.p);
		}
		assert_int_equal(decrypt(other, NULL, ct.p, ct.len, &pt, &e),
		    IR_ENOENT);
		assert_non_null(strstr(e.msg, "no identity matches any of the "
		    "3 X25519"));
		assert_int_equal(pt.len, 0);
		/* Not to a passphrase. */
		assert_int_equal(decrypt(NULL, "pw", ct.p, ct.len, &pt, &e),
		    IR_ENOENT);
		free(ct.p);
		free(p);
	}
	/* Two encryptions of the same text differ (fresh keys, nonce). */
	p = pattern(100, 9);
	encrypt(r, 1, NULL, 0, p, 100, 0, &ct);
	encrypt(r, 1, NULL, 0, p, 100, 0, &pt);
	assert_int_equal(ct.len, pt.len);
	assert_memory_not_equal(ct.p, pt.p, ct.len);
	free(ct.p);
	free(pt.p);
	free(p);
	for (i = 0; i < 3; i++)
		ir_age_ids_free(ids[i]);
	ir_age_ids_free(other);
}

static void
test_roundtrip_scrypt(void **state)
{
	struct sink ct, pt;
	struct ir_err e;
	unsigned char *p;
	size_t i;

	(void)state;
	/* The default work factor, as written for real: log2 N = 18. */
	p = pattern(70000, 3);
	encrypt(NULL, 0, "correct horse", 0, p, 70000, 0, &ct);
	assert_non_null(memmem(ct.p, header_len(&ct), " 18\n", 4));
	assert_int_equal(memcmp(ct.p, "age-encryption.org/v1\n-> scrypt ",
	    32), 0);
	assert_int_equal(decrypt(NULL, "correct horse", ct.p, ct.len, &pt, &e),
	    IR_OK);
	expect_same(&pt, p, 70000);
	free(pt.p);
	/* A reader capped below 18 refuses before running scrypt. */
	assert_int_equal(decrypt_x(NULL, "correct horse", 17, ct.p, ct.len, 0,
	    100, &pt, &e), IR_ELIMIT);
	assert_non_null(strstr(e.msg, "2^18"));
	free(ct.p);
	free(p);

	/* The sizes at a low work factor (the format is the same). */
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p = pattern(sizes[i], (uint32_t)i + 50);
		encrypt(NULL, 0, "pw", 10, p, sizes[i], 7777, &ct);
		assert_int_equal(ct.len, header_len(&ct) + AGE_NONCE +
		    sizes[i] + AGE_TAG * nchunks(sizes[i]));
		assert_int_equal(decrypt(NULL, "pw", ct.p, ct.len, &pt, &e),
		    IR_OK);
		expect_same(&pt, p, sizes[i]);
		free(pt.p);
		assert_int_equal(decrypt(NULL, "pW", ct.p, ct.len, &pt, &e),
		    IR_ENOENT);
		assert_non_null(strstr(e.msg, "wrong passphrase"));
		assert_int_equal(pt.len, 0);
		free(ct.p);
		free(p);
	}
}

/* ---- interop with age(1) ---- */

static void
write_sink(const char *dir, const char *name, const struct sink *s)
{
	ut_write(dir, name, s->p != NULL ? s->p : (unsigned char *)"", s->len);
}

/* irkit encrypts, age -d decrypts. */
static void
test_interop_to_age(void **state)
{
	static const size_t isz[] = { 0, 1, 65536, 3 * 65536 + 5, 2 * MiB };
	char dir[4096], kpub[200], pub[IR_AGE_PUBKEY_MAX],
	    sec[IR_AGE_SECKEY_MAX], text[300];
	const char *r[2];
	struct sink ct;
	struct ir_err e;
	unsigned char *p;
	size_t i;

	(void)state;
	if (!have_age())
		skip();
	ut_tmpdir(dir, sizeof(dir));
	/* One key made by age-keygen, one by irkit. */
	ut_sh("%s -o '%s/k1.txt' 2>/dev/null", KEYGEN_BIN, dir);
	ut_sh_line(kpub, sizeof(kpub), "%s -y '%s/k1.txt'", KEYGEN_BIN, dir);
	assert_int_equal(ir_age_keygen(pub, sec, &e), IR_OK);
	(void)snprintf(text, sizeof(text), "%s\n", sec);
	ut_write(dir, "k2.txt", text, strlen(text));
	r[0] = kpub;
	r[1] = pub;
	for (i = 0; i < sizeof(isz) / sizeof(isz[0]); i++) {
		p = pattern(isz[i], (uint32_t)i + 100);
		ut_write(dir, "plain", p, isz[i]);
		encrypt(r, 2, NULL, 0, p, isz[i], 3000, &ct);
		write_sink(dir, "x.age", &ct);
		/* (age -o opens its output lazily: none for no bytes.) */
		ut_sh("cd '%s' && %s -d -i k1.txt x.age >out1 && "
		    "cmp plain out1 && %s -d -i k2.txt <x.age >out2 && "
		    "cmp plain out2", dir, AGE_BIN, AGE_BIN);
		/* age also refuses what irkit refuses: one byte cut. */
		ct.len--;
		write_sink(dir, "cut.age", &ct);
		ut_sh("cd '%s' && ! %s -d -i k1.txt cut.age >out3 "
		    "2>/dev/null", dir, AGE_BIN);
		free(ct.p);
		free(p);
	}
	ut_rmtree(dir);
}

/* age -r / -R encrypts (to keys from age-keygen and from irkit), irkit decrypts. */
static void
test_interop_from_age(void **state)
{
	static const size_t isz[] = { 0, 1, 65535, 65536, 65537, 200000,
	    3 * MiB };
	char dir[4096], path[4200], kpub[200], pub[IR_AGE_PUBKEY_MAX],
	    sec[IR_AGE_SECKEY_MAX], text[300];
	struct ir_age_ids *ids1, *ids2, *both;
	struct sink pt;
	struct ir_err e;
	unsigned char *p, *ct, *kt;
	size_t i, n;

	(void)state;
	if (!have_age())
		skip();
	ut_tmpdir(dir, sizeof(dir));
	ut_sh("%s -o '%s/k1.txt' 2>/dev/null", KEYGEN_BIN, dir);
	ut_sh_line(kpub, sizeof(kpub), "%s -y '%s/k1.txt'", KEYGEN_BIN, dir);
	kt = slurp(ut_path(path, sizeof(path), dir, "k1.txt"), &n);
	if (ir_age_ids_parse((char *)kt, n, &ids1, &e) != IR_OK)
		fail_msg("age-keygen's file: %s", e.msg);
	assert_int_equal(ir_age_keygen(pub, sec, &e), IR_OK);
	ids2 = ids_of(sec);
	(void)snprintf(text, sizeof(text), "%s\n%s", sec, (char *)kt);
	both = ids_of(text);
	free(kt);
	for (i = 0; i < sizeof(isz) / sizeof(isz[0]); i++) {
		p = pattern(isz[i], (uint32_t)i + 200);
		ut_write(dir, "plain", p, isz[i]);
		ut_sh("cd '%s' && %s -r %s -r %s -o x.age plain", dir, AGE_BIN,
		    kpub, pub);
		ct = slurp(ut_path(path, sizeof(path), dir, "x.age"), &n);
		assert_int_equal(decrypt_x(ids1, NULL, 22, ct, n, 333, 4096,
		    &pt, &e), IR_OK);
		expect_same(&pt, p, isz[i]);
		free(pt.p);
		assert_int_equal(decrypt(ids2, NULL, ct, n, &pt, &e), IR_OK);
		expect_same(&pt, p, isz[i]);
		free(pt.p);
		assert_int_equal(decrypt(both, NULL, ct, n, &pt, &e), IR_OK);
		expect_same(&pt, p, isz[i]);
		free(pt.p);
		free(ct);
		free(p);
	}
	/* age -R with the identity file's recipients, read from stdin. */
	p = pattern(1234, 77);
	ut_write(dir, "plain", p, 1234);
	ut_sh("cd '%s' && %s -y k1.txt >r.txt && %s -R r.txt <plain >y.age",
	    dir, KEYGEN_BIN, AGE_BIN);
	ct = slurp(ut_path(path, sizeof(path), dir, "y.age"), &n);
	assert_int_equal(decrypt(ids1, NULL, ct, n, &pt, &e), IR_OK);
	expect_same(&pt, p, 1234);
	free(pt.p);
	assert_int_equal(decrypt(ids2, NULL, ct, n, &pt, &e), IR_ENOENT);
	free(ct);
	free(p);
	ir_age_ids_free(ids1);
	ir_age_ids_free(ids2);
	ir_age_ids_free(both);
	ut_rmtree(dir);
}

/*
 * Passphrases: age -p and age -d read them only from a terminal, so the
 * test gives them one with script(1) (util-linux), feeding the passphrase
 * through script's standard input.  A terminal driven this way depends on
 * timing: a failed attempt is shown (its terminal log) and tried once more.
 */
static void
tty_age(const char *dir, const char *args, const char *input)
{
	char cmd[8192];
	int attempt;

	(void)snprintf(cmd, sizeof(cmd), "cd '%s' && rm -f log && script -qec "
	    "'%s %s' /dev/null <%s >log 2>&1", dir, AGE_BIN, args, input);
	for (attempt = 1; attempt <= 2; attempt++) {
		if (system(cmd) == 0)
			return;
		print_message("# attempt %d failed: %s; its terminal:\n",
		    attempt, cmd);
		ut_sh("sed 's/^/#   /' '%s/log' | cat -v >&2", dir);
	}
	fail_msg("'%s' failed twice", cmd);
}

static void
test_interop_scrypt(void **state)
{
	char dir[4096], path[4200];
	struct sink ct, pt;
	struct ir_err e;
	unsigned char *p, *c;
	size_t n;

	(void)state;
	if (!have_age() || access("/usr/bin/script", X_OK) != 0)
		skip();
	ut_tmpdir(dir, sizeof(dir));
	ut_write(dir, "pw1", "Tr0ub4dor&3\nTr0ub4dor&3\n", 24);
	ut_write(dir, "pw", "Tr0ub4dor&3\n", 12);
	ut_write(dir, "bad", "Tr0ub4dor&4\n", 12);
	p = pattern(100000, 31);
	ut_write(dir, "plain", p, 100000);

	/* age -p encrypts (log2 N 18), irkit decrypts. */
	tty_age(dir, "-p -o x.age plain", "pw1");
	c = slurp(ut_path(path, sizeof(path), dir, "x.age"), &n);
	assert_non_null(memmem(c, n, "\n-> scrypt ", 11));
	assert_int_equal(decrypt(NULL, "Tr0ub4dor&3", c, n, &pt, &e), IR_OK);
	expect_same(&pt, p, 100000);
	free(pt.p);
	assert_int_equal(decrypt(NULL, "Tr0ub4dor&4", c, n, &pt, &e),
	    IR_ENOENT);
	free(c);

	/* irkit encrypts (log2 N 18), age -d decrypts; a wrong one fails. */
	encrypt(NULL, 0, "Tr0ub4dor&3", 0, p, 100000, 0, &ct);
	write_sink(dir, "y.age", &ct);
	tty_age(dir, "-d -o out y.age", "pw");
	ut_sh("cmp '%s/plain' '%s/out'", dir, dir);
	ut_sh("cd '%s' && ! script -qec '%s -d -o out2 y.age' /dev/null <bad "
	    ">/dev/null && test ! -s out2", dir, AGE_BIN);
	free(ct.p);
	free(p);
	ut_rmtree(dir);
}

/* ---- tampering, truncation, crafted files ---- */

/* A copy of ct with f applied: a byte xored, a length cut, bytes added. */
static unsigned char *
variant(const struct sink *ct, size_t flip_at, unsigned char x, size_t len,
    const char *extra, size_t *outlen)
{
	size_t ne = extra != NULL ? strlen(extra) : 0;
	unsigned char *p = malloc(len + ne + 1);

	assert_non_null(p);
	assert_true(len <= ct->len);
	memcpy(p, ct->p, len);
	if (flip_at < len)
		p[flip_at] ^= x;
	memcpy(p + len, extra != NULL ? extra : "", ne);
	*outlen = len + ne;
	return p;
}

/*
 * Decrypt a variant: the code, the message fragment, and exactly the
 * authentic prefix of the plaintext handed out before the error.
 */
static void
expect_fail(const struct ir_age_ids *ids, const unsigned char *ct, size_t n,
    int want, const char *msg, const unsigned char *pt, size_t released)
{
	static const size_t steps[] = { 0, 1000 };
	struct sink out;
	struct ir_err e;
	size_t i;
	int rc;

	for (i = 0; i < 2; i++) {
		rc = decrypt_x(ids, NULL, 22, ct, n, steps[i], i ? 777 : 65536,
		    &out, &e);
		if (rc != want || strstr(e.msg, msg) == NULL)
			fail_msg("rc %d '%s', want %d '%s'", rc, e.msg, want,
			    msg);
		assert_int_equal(out.len, released);
		if (released > 0)
			assert_memory_equal(out.p, pt, released);
		free(out.p);
	}
}

/* Index of the first occurrence of needle in ct's header. */
static size_t
at(const struct sink *ct, const char *needle)
{
	const unsigned char *m = memmem(ct->p, header_len(ct), needle,
	    strlen(needle));

	assert_non_null(m);
	return (size_t)(m - ct->p);
}

/* The xor that turns the base64 letter at i into another letter. */
#define B64FLIP(ct, i)	((unsigned char)((ct).p[i] ^ \
			    ((ct).p[i] == 'A' ? 'B' : 'A')))

static void
test_tamper(void **state)
{
	char pub[IR_AGE_PUBKEY_MAX], sec[IR_AGE_SECKEY_MAX];
	char pub2[IR_AGE_PUBKEY_MAX], sec2[IR_AGE_SECKEY_MAX];
	const char *r[1] = { pub };
	struct ir_age_ids *ids, *wrong;
	size_t n = 3 * AGE_CHUNK + 100, hl, c0, nl, len;
	unsigned char *p, *v;
	struct sink ct, ct2;
	struct ir_err e;
	size_t share, body, mac;

	(void)state;
	assert_int_equal(ir_age_keygen(pub, sec, &e), IR_OK);
	assert_int_equal(ir_age_keygen(pub2, sec2, &e), IR_OK);
	ids = ids_of(sec);
	wrong = ids_of(sec2);
	p = pattern(n, 4242);
	encrypt(r, 1, NULL, 0, p, n, 0, &ct);
	hl = header_len(&ct);
	c0 = hl + AGE_NONCE;			/* chunk 0 */
	assert_int_equal(ct.len, c0 + 3 * AGE_CT_CHUNK + 100 + AGE_TAG);
	share = at(&ct, "-> X25519 ") + 10 + 20;
	nl = at(&ct, "\n---");
	body = nl - 20;
	mac = nl + 5 + 20;

	/* The unmodified file, for reference. */
	expect_fail(ids, ct.p, ct.len, IR_OK, "", p, n);
	expect_fail(wrong, ct.p, ct.len, IR_ENOENT, "no identity matches", p,
	    0);

	/* Header. */
	v = variant(&ct, 0, 1, ct.len, NULL, &len);
	expect_fail(ids, v, len, IR_EFORMAT, "not an age file", p, 0);
	free(v);
	v = variant(&ct, 20, 1, ct.len, NULL, &len);	/* "v1" -> "v0" */
	expect_fail(ids, v, len, IR_EFORMAT, "not an age file", p, 0);
	free(v);
	v = variant(&ct, share, B64FLIP(ct, share), ct.len, NULL, &len);
	expect_fail(ids, v, len, IR_ENOENT, "no identity matches", p, 0);
	free(v);
	v = variant(&ct, body, B64FLIP(ct, body), ct.len, NULL, &len);
	expect_fail(ids, v, len, IR_ENOENT, "no identity matches", p, 0);
	free(v);
	v = variant(&ct, mac, B64FLIP(ct, mac), ct.len, NULL, &len);
	expect_fail(ids, v, len, IR_EFORMAT, "MAC mismatch", p, 0);
	free(v);
	v = variant(&ct, nl + 4, ' ' ^ '-', ct.len, NULL, &len); /* "----" */
	expect_fail(ids, v, len, IR_EFORMAT, "the MAC line", p, 0);
	free(v);
	v = variant(&ct, share, 0x80, ct.len, NULL, &len);
	expect_fail(ids, v, len, IR_EFORMAT, "non-printable byte", p, 0);
	free(v);

	/* Payload: nonce, a middle chunk, the last chunk's tag. */
	v = variant(&ct, hl + 3, 0x40, ct.len, NULL, &len);
	expect_fail(ids, v, len, IR_EFORMAT, "chunk 0: authentication", p, 0);
	free(v);
	v = variant(&ct, c0 + AGE_CT_CHUNK + 5000, 1, ct.len, NULL, &len);
	expect_fail(ids, v, len, IR_EFORMAT, "chunk 1: authentication", p,
	    AGE_CHUNK);
	free(v);
	v = variant(&ct, c0 + 2 * AGE_CT_CHUNK - 1, 1, ct.len, NULL, &len);
	expect_fail(ids, v, len, IR_EFORMAT, "chunk 1: authentication", p,
	    AGE_CHUNK);
	free(v);
	v = variant(&ct, ct.len - 1, 0x10, ct.len, NULL, &len);
	expect_fail(ids, v, len, IR_EFORMAT, "chunk 3: authentication", p,
	    3 * AGE_CHUNK);
	free(v);
	/* Chunks swapped: each is authentic, not at its place. */
	v = variant(&ct, SIZE_MAX, 0, ct.len, NULL, &len);
	memcpy(v + c0, ct.p + c0 + AGE_CT_CHUNK, AGE_CT_CHUNK);
	memcpy(v + c0 + AGE_CT_CHUNK, ct.p + c0, AGE_CT_CHUNK);
	expect_fail(ids, v, len, IR_EFORMAT, "chunk 0: authentication", p, 0);
	free(v);

	/* Truncation: at each chunk boundary, mid-chunk, in a tag. */
	v = variant(&ct, SIZE_MAX, 0, c0 + 3 * AGE_CT_CHUNK, NULL, &len);
	expect_fail(ids, v, len, IR_EFORMAT, "without its final chunk", p,
	    3 * AGE_CHUNK);
	free(v);
	v = variant(&ct, SIZE_MAX, 0, c0 + AGE_CT_CHUNK, NULL, &len);
	expect_fail(ids, v, len, IR_EFORMAT, "without its final chunk", p,
	    AGE_CHUNK);
	free(v);
	v = variant(&ct, SIZE_MAX, 0, c0 + AGE_CT_CHUNK + 30000, NULL, &len);
	expect_fail(ids, v, len, IR_EFORMAT, "chunk 1: authentication", p,
	    AGE_CHUNK);
	free(v);
	v = variant(&ct, SIZE_MAX, 0, ct.len - 5, NULL, &len);
	expect_fail(ids, v, len, IR_EFORMAT, "chunk 3: authentication", p,
	    3 * AGE_CHUNK);
	free(v);
	v = variant(&ct, SIZE_MAX, 0, c0 + 3 * AGE_CT_CHUNK + 10, NULL, &len);
	expect_fail(ids, v, len, IR_EFORMAT, "shorter than its tag", p,
	    3 * AGE_CHUNK);
	free(v);
	v = variant(&ct, SIZE_MAX, 0, c0, NULL, &len);
	expect_fail(ids, v, len, IR_EFORMAT, "no payload after the nonce", p,
	    0);
	free(v);
	v = variant(&ct, SIZE_MAX, 0, hl + 7, NULL, &len);
	expect_fail(ids, v, len, IR_EFORMAT, "payload nonce is missing", p, 0);
	free(v);
	v = variant(&ct, SIZE_MAX, 0, hl, NULL, &len);
	expect_fail(ids, v, len, IR_EFORMAT, "payload nonce is missing", p, 0);
	free(v);
	v = variant(&ct, SIZE_MAX, 0, hl - 1, NULL, &len);
	expect_fail(ids, v, len, IR_EFORMAT, "end of input inside the header",
	    p, 0);
	free(v);
	v = variant(&ct, SIZE_MAX, 0, 10, NULL, &len);
	expect_fail(ids, v, len, IR_EFORMAT, "end of input inside the header",
	    p, 0);
	free(v);
	expect_fail(ids, (const unsigned char *)"", 0, IR_EFORMAT,
	    "not an age file", p, 0);

	/* Trailing bytes after a short final chunk. */
	v = variant(&ct, SIZE_MAX, 0, ct.len, "x", &len);
	expect_fail(ids, v, len, IR_EFORMAT, "chunk 3: authentication", p,
	    3 * AGE_CHUNK);
	free(v);
	free(ct.p);

	/* A final chunk that is full, then trailing bytes: its plaintext is
	 * authentic and comes out, then the error. */
	encrypt(r, 1, NULL, 0, p, 2 * AGE_CHUNK, 0, &ct2);
	v = variant(&ct2, SIZE_MAX, 0, ct2.len, "\n", &len);
	expect_fail(ids, v, len, IR_EFORMAT, "trailing data after the final "
	    "chunk (chunk 1)", p, 2 * AGE_CHUNK);
	free(v);
	v = variant(&ct2, SIZE_MAX, 0, ct2.len, "0123456789abcdef0123", &len);
	expect_fail(ids, v, len, IR_EFORMAT, "trailing data", p, 2 * AGE_CHUNK);
	free(v);
	/* Its last chunk cut off: the first one comes out, then the error. */
	v = variant(&ct2, SIZE_MAX, 0, ct2.len - AGE_CT_CHUNK, NULL, &len);
	expect_fail(ids, v, len, IR_EFORMAT, "without its final chunk", p,
	    AGE_CHUNK);
	free(v);
	free(ct2.p);
	/* An empty file: its one empty chunk cut is a truncation too. */
	encrypt(r, 1, NULL, 0, p, 0, 0, &ct2);
	expect_fail(ids, ct2.p, ct2.len, IR_OK, "", p, 0);
	v = variant(&ct2, SIZE_MAX, 0, ct2.len - AGE_TAG, NULL, &len);
	expect_fail(ids, v, len, IR_EFORMAT, "no payload after the nonce", p,
	    0);
	free(v);
	free(ct2.p);
	free(p);
	ir_age_ids_free(ids);
	ir_age_ids_free(wrong);
}

static const unsigned char FK[AGE_FILE_KEY] = "YELLOW SUBMARINE";

/* Header for FK: stanzas (each "-> ...\n" and its body lines), MAC. */
static void
craft_header(struct sink *out, const char *stanzas)
{
	unsigned char key[32], mac[32];
	unsigned int ml = 32;
	struct ir_err e;
	char b[64];

	memset(out, 0, sizeof(*out));
	sink_write(out, "age-encryption.org/v1\n", 22, NULL);
	sink_write(out, stanzas, strlen(stanzas), NULL);
	sink_write(out, "---", 3, NULL);
	assert_int_equal(ir__age_hkdf(NULL, 0, FK, AGE_FILE_KEY, "header", key,
	    32, &e), IR_OK);
	assert_non_null(HMAC(EVP_sha256(), key, 32, out->p, out->len, mac,
	    &ml));
	ir__age_b64_encode(b, mac, 32);
	sink_write(out, " ", 1, NULL);
	sink_write(out, b, strlen(b), NULL);
	sink_write(out, "\n", 1, NULL);
}

/* Payload under FK: chunk i has lens[i] bytes of pt and flag last[i]. */
static void
craft_payload(struct sink *out, const size_t *lens, const int *last,
    size_t nchunks, const unsigned char *pt)
{
	unsigned char nonce[AGE_NONCE], key[32], cn[12], *ct;
	struct ir_err e;
	size_t i, off = 0;
	int k;

	memset(nonce, 0x42, sizeof(nonce));
	sink_write(out, nonce, sizeof(nonce), NULL);
	assert_int_equal(ir__age_hkdf(nonce, AGE_NONCE, FK, AGE_FILE_KEY,
	    "payload", key, 32, &e), IR_OK);
	assert_non_null(ct = malloc(AGE_CT_CHUNK));
	for (i = 0; i < nchunks; i++) {
		memset(cn, 0, sizeof(cn));
		for (k = 0; k < 8; k++)
			cn[10 - k] = (unsigned char)(i >> (8 * k));
		cn[11] = (unsigned char)last[i];
		assert_int_equal(ir__age_aead(NULL, 1, key, cn, pt + off,
		    lens[i], ct, &e), IR_OK);
		sink_write(out, ct, lens[i] + AGE_TAG, NULL);
		off += lens[i];
	}
	free(ct);
}

/* The X25519 stanza text wrapping FK to pub. */
static void
x25519_stanza(const char *pub, char *out, size_t outsz)
{
	struct ir_buf h = IR_BUF_INIT(IR_BUF_NOLIMIT);
	unsigned char pk[32];
	struct ir_err e;
	const char *s, *end;

	assert_int_equal(ir__age_parse_recipients(&pub, 1, pk, &e), IR_OK);
	assert_int_equal(ir__age_header_build(&h, FK, pk, 1, NULL, 0, &e),
	    IR_OK);
	s = strchr(h.buf, '\n') + 1;
	assert_non_null(end = strstr(s, "---"));
	assert_true((size_t)(end - s) < outsz);
	memcpy(out, s, (size_t)(end - s));
	out[end - s] = '\0';
	ir_buf_release(&h);
}

/*
 * The last letter of 32 bytes in base64 carries 2 spare bits: set one,
 * which keeps the letter in the alphabet but makes it non-canonical.
 */
static void
spare_bit(char *c)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *q = strchr(b64, *c);

	assert_non_null(q);
	assert_int_equal((q - b64) % 4, 0);
	*c = q[1];
}

static void
crafted(const struct ir_age_ids *ids, const char *pass, const char *stanzas,
    const size_t *lens, const int *last, size_t nchunks, int want,
    const char *msg, size_t released)
{
	unsigned char *pt = pattern(4 * AGE_CHUNK, 99);
	struct sink ct, out;
	struct ir_err e;
	int rc;

	craft_header(&ct, stanzas);
	craft_payload(&ct, lens, last, nchunks, pt);
	rc = decrypt_x(ids, pass, 12, ct.p, ct.len, 0, 65536, &out, &e);
	if (rc != want || strstr(e.msg, msg) == NULL)
		fail_msg("%s: rc %d '%s', want %d '%s'", stanzas, rc, e.msg,
		    want, msg);
	assert_int_equal(out.len, released);
	if (released > 0)
		assert_memory_equal(out.p, pt, released);
	free(out.p);
	free(ct.p);
	free(pt);
}

static void
test_crafted(void **state)
{
	static const size_t one[] = { 100 }, full_empty[] = { AGE_CHUNK, 0 },
	    two_short[] = { 100, 100 }, full2[] = { AGE_CHUNK, AGE_CHUNK },
	    zero[] = { 0 };
	static const int l1[] = { 1 }, l01[] = { 0, 1 }, l11[] = { 1, 1 },
	    l00[] = { 0, 0 }, l0[] = { 0 };
	char pub[IR_AGE_PUBKEY_MAX], sec[IR_AGE_SECKEY_MAX], xs[512];
	char st[8192], b[128];
	unsigned char body[48], salt[16], key[32], wrapped[32];
	static const unsigned char zn[12];
	struct ir_age_ids *ids;
	struct ir_err e;

	(void)state;
	assert_int_equal(ir_age_keygen(pub, sec, &e), IR_OK);
	ids = ids_of(sec);
	x25519_stanza(pub, xs, sizeof(xs));

	/* The helpers agree with the reader. */
	crafted(ids, NULL, xs, one, l1, 1, IR_OK, "", 100);
	crafted(ids, NULL, xs, zero, l1, 1, IR_OK, "", 0);
	crafted(ids, NULL, xs, full2, l01, 2, IR_OK, "", 2 * AGE_CHUNK);
	/* STREAM: the rules on the last flag. */
	crafted(ids, NULL, xs, full_empty, l01, 2, IR_EFORMAT,
	    "an empty final chunk after a full one", AGE_CHUNK);
	crafted(ids, NULL, xs, two_short, l11, 2, IR_EFORMAT,
	    "chunk 0: authentication", 0);
	crafted(ids, NULL, xs, full2, l11, 2, IR_EFORMAT,
	    "trailing data after the final chunk (chunk 0)", AGE_CHUNK);
	crafted(ids, NULL, xs, full2, l00, 2, IR_EFORMAT,
	    "without its final chunk", 2 * AGE_CHUNK);
	crafted(ids, NULL, xs, one, l0, 1, IR_EFORMAT,
	    "chunk 0: authentication", 0);

	/* Unknown stanzas are skipped, but their syntax is checked. */
	(void)snprintf(st, sizeof(st), "-> grease-1 a!b ~\n\n%s", xs);
	crafted(ids, NULL, st, one, l1, 1, IR_OK, "", 100);
	/* A body of 48 bytes: one full line, then the empty last line. */
	ut_fill(body, 48, 5);
	ir__age_b64_encode(b, body, 48);
	assert_int_equal(strlen(b), 64);
	(void)snprintf(st, sizeof(st), "%s-> grease\n%s\n\n", xs, b);
	crafted(ids, NULL, st, one, l1, 1, IR_OK, "", 100);
	(void)snprintf(st, sizeof(st), "%s-> grease\n%s\n%s\nAA\n", xs, b, b);
	crafted(ids, NULL, st, one, l1, 1, IR_OK, "", 100);
	(void)snprintf(st, sizeof(st), "%s-> grease\n%s\n", xs, b);
	crafted(ids, NULL, st, one, l1, 1, IR_EFORMAT,
	    "body ends with a full 64-column line", 0);
	(void)snprintf(st, sizeof(st), "-> grease\n%s\n%s", b, xs);
	crafted(ids, NULL, st, one, l1, 1, IR_EFORMAT,
	    "body ends with a full 64-column line", 0);
	/* Non-canonical base64: padding, spare bits, CR, a long line. */
	(void)snprintf(st, sizeof(st), "%s-> grease\nAA==\n", xs);
	crafted(ids, NULL, st, one, l1, 1, IR_EFORMAT, "not canonical", 0);
	(void)snprintf(st, sizeof(st), "%s-> grease\nAB\n", xs);
	crafted(ids, NULL, st, one, l1, 1, IR_EFORMAT, "not canonical", 0);
	(void)snprintf(st, sizeof(st), "%s-> grease\nAA\r\n", xs);
	crafted(ids, NULL, st, one, l1, 1, IR_EFORMAT, "not canonical", 0);
	(void)snprintf(st, sizeof(st), "%s-> grease\n%sAA\n", xs, b);
	crafted(ids, NULL, st, one, l1, 1, IR_EFORMAT, "over 64 columns", 0);
	(void)snprintf(st, sizeof(st), "%s-> grease\nA\n", xs);
	crafted(ids, NULL, st, one, l1, 1, IR_EFORMAT, "not canonical", 0);
	/* The X25519 stanza's own body and share, non-canonical. */
	(void)snprintf(st, sizeof(st), "%s", xs);
	spare_bit(&st[strlen(st) - 2]);	/* the body's last letter */
	crafted(ids, NULL, st, one, l1, 1, IR_EFORMAT, "not canonical", 0);
	(void)snprintf(st, sizeof(st), "%s", xs);
	spare_bit(&st[52]);		/* the share's last letter */
	crafted(ids, NULL, st, one, l1, 1, IR_EFORMAT,
	    "X25519 wants one argument", 0);
	/* Stanza lines: empty or non-printable arguments, none at all. */
	(void)snprintf(st, sizeof(st), "->  grease\n\n%s", xs);
	crafted(ids, NULL, st, one, l1, 1, IR_EFORMAT, "an empty argument", 0);
	(void)snprintf(st, sizeof(st), "-> grease \n\n%s", xs);
	crafted(ids, NULL, st, one, l1, 1, IR_EFORMAT, "an empty argument", 0);
	(void)snprintf(st, sizeof(st), "-> \n\n%s", xs);
	crafted(ids, NULL, st, one, l1, 1, IR_EFORMAT, "an empty argument", 0);
	(void)snprintf(st, sizeof(st), "-> gr\x7f" "ease\n\n%s", xs);
	crafted(ids, NULL, st, one, l1, 1, IR_EFORMAT, "non-printable", 0);
	(void)snprintf(st, sizeof(st), "->grease\n\n%s", xs);
	crafted(ids, NULL, st, one, l1, 1, IR_EFORMAT, "neither a stanza", 0);
	(void)snprintf(st, sizeof(st), "%s", "");
	crafted(ids, NULL, st, one, l1, 1, IR_EFORMAT, "no recipient stanza",
	    0);
	/* A low-order share: the shared secret would be all zero. */
	(void)snprintf(st, sizeof(st), "-> X25519 %.43s\n%.43s\n",
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	crafted(ids, NULL, st, one, l1, 1, IR_EFORMAT, "low-order", 0);
	/* X25519 with two arguments, a short share, a long body. */
	(void)snprintf(st, sizeof(st), "-> X25519 %.43s x\n%.43s\n",
	    xs + 10, xs + 54);
	crafted(ids, NULL, st, one, l1, 1, IR_EFORMAT,
	    "X25519 wants one argument", 0);
	(void)snprintf(st, sizeof(st), "-> X25519 %.42s\n%.43s\n", xs + 10,
	    xs + 54);
	crafted(ids, NULL, st, one, l1, 1, IR_EFORMAT,
	    "X25519 wants one argument", 0);
	(void)snprintf(st, sizeof(st), "%.53s\n%.42sAA\n", xs, xs + 54);
	crafted(ids, NULL, st, one, l1, 1, IR_EFORMAT, "body longer than a "
	    "wrapped file key", 0);
	(void)snprintf(st, sizeof(st), "%.53s\n%.40s\n", xs, xs + 54);
	crafted(ids, NULL, st, one, l1, 1, IR_EFORMAT, "body of 30 bytes", 0);

	/* scrypt: alone, a decimal work factor, bounded. */
	memset(salt, 7, sizeof(salt));
	ir__age_b64_encode(b, salt, 16);
	{
		unsigned char s2[28 + 16];

		memcpy(s2, "age-encryption.org/v1/scrypt", 28);
		memcpy(s2 + 28, salt, 16);
		assert_int_equal(EVP_PBE_scrypt("pw", 2, s2, sizeof(s2), 1 << 10,
		    8, 1, 0, key, 32), 1);
		assert_int_equal(ir__age_aead(NULL, 1, key, zn, FK, 16,
		    wrapped, &e), IR_OK);
	}
	{
		char wb[64], line[512];

		ir__age_b64_encode(wb, wrapped, 32);
		(void)snprintf(line, sizeof(line), "-> scrypt %s 10\n%s\n", b,
		    wb);
		crafted(NULL, "pw", line, one, l1, 1, IR_OK, "", 100);
		crafted(NULL, "pW", line, one, l1, 1, IR_ENOENT,
		    "wrong passphrase", 0);
		crafted(ids, NULL, line, one, l1, 1, IR_ENOENT,
		    "encrypted to a passphrase", 0);
		(void)snprintf(st, sizeof(st), "%s%s", line, xs);
		crafted(ids, "pw", st, one, l1, 1, IR_EFORMAT,
		    "must be the only one", 0);
		(void)snprintf(st, sizeof(st), "%s%s", line, line);
		crafted(NULL, "pw", st, one, l1, 1, IR_EFORMAT,
		    "must be the only one", 0);
		/* Over the reader's bound (12 here, 22 in ir_age_dec_new):
		 * refused at once, whatever the passphrase. */
		(void)snprintf(st, sizeof(st), "-> scrypt %s 13\n%s\n", b, wb);
		crafted(NULL, "pw", st, one, l1, 1, IR_ELIMIT, "2^13", 0);
		(void)snprintf(st, sizeof(st), "-> scrypt %s 99\n%s\n", b, wb);
		crafted(NULL, "pw", st, one, l1, 1, IR_ELIMIT, "2^99", 0);
		{
			static const char *const badn[] = { "010", "0", "-1",
			    "+10", "1a", "0x10", "", "100", "10 10" };
			size_t i;

			for (i = 0; i < sizeof(badn) / sizeof(badn[0]); i++) {
				(void)snprintf(st, sizeof(st), "-> scrypt %s "
				    "%s\n%s\n", b, badn[i], wb);
				crafted(NULL, "pw", st, one, l1, 1,
				    IR_EFORMAT, badn[i][0] == '\0' ?
				    "empty argument" : "scrypt wants", 0);
			}
		}
	}
	ir_age_ids_free(ids);
}

/* What a reader refuses before reading much: sizes and kinds. */
static void
test_limits(void **state)
{
	char pub[IR_AGE_PUBKEY_MAX], sec[IR_AGE_SECKEY_MAX];
	struct ir_age_ids *ids;
	struct sink h, out;
	struct ir_err e;
	unsigned char *junk;
	size_t i;
	char *big;

	(void)state;
	assert_int_equal(ir_age_keygen(pub, sec, &e), IR_OK);
	ids = ids_of(sec);
	assert_non_null(big = malloc(300000));

	/* A line over 4096 bytes. */
	memset(big, 'a', 5000);
	memcpy(big, "-> ", 3);
	memcpy(big + 5000, "\n\n", 3);
	craft_header(&h, big);
	assert_int_equal(decrypt(ids, NULL, h.p, h.len, &out, &e), IR_ELIMIT);
	assert_non_null(strstr(e.msg, "longer than 4096"));
	free(h.p);
	/* ... even with no newline at all: no need to read it all. */
	assert_non_null(junk = malloc(4 * MiB));
	memset(junk, 'z', 4 * MiB);
	memcpy(junk, "age-encryption.org/v1\n-> ", 25);
	assert_int_equal(decrypt(ids, NULL, junk, 4 * MiB, &out, &e),
	    IR_ELIMIT);
	/* A header over 128 KiB of 4000-byte lines. */
	big[0] = '\0';
	for (i = 0; i < 40; i++) {
		size_t o = strlen(big);

		memcpy(big + o, "-> g ", 5);
		memset(big + o + 5, 'b', 3990);
		memcpy(big + o + 3995, "\n\n", 3);
	}
	craft_header(&h, big);
	assert_int_equal(decrypt(ids, NULL, h.p, h.len, &out, &e), IR_ELIMIT);
	assert_non_null(strstr(e.msg, "longer than 131072"));
	free(h.p);
	/* More than 1024 stanzas. */
	for (i = 0; i < 1025; i++)
		memcpy(big + 6 * i, "-> a\n\n", 6);
	big[6 * 1025] = '\0';
	craft_header(&h, big);
	assert_int_equal(decrypt(ids, NULL, h.p, h.len, &out, &e), IR_ELIMIT);
	assert_non_null(strstr(e.msg, "more than 1024"));
	free(h.p);
	/* 1024 of them are fine (no match here, but parsed). */
	big[6 * 1024] = '\0';
	craft_header(&h, big);
	assert_int_equal(decrypt(ids, NULL, h.p, h.len, &out, &e), IR_ENOENT);
	free(h.p);

	/* Other kinds of file. */
	assert_int_equal(decrypt(ids, NULL, (const unsigned char *)
	    "-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n", 40, &out, &e),
	    IR_EUNSUPP);
	assert_non_null(strstr(e.msg, "armored"));
	ut_fill(junk, 1000, 3);
	assert_int_equal(decrypt(ids, NULL, junk, 1000, &out, &e), IR_EFORMAT);
	assert_non_null(strstr(e.msg, "not an age file"));
	assert_int_equal(decrypt(ids, NULL, (const unsigned char *)
	    "age-encryption.org/v1", 21, &out, &e), IR_EFORMAT);
	assert_non_null(strstr(e.msg, "truncated"));
	assert_int_equal(decrypt(ids, NULL, (const unsigned char *)
	    "age-encryption.org/v1\r\n", 23, &out, &e), IR_EFORMAT);
	free(junk);
	free(big);
	ir_age_ids_free(ids);
}

/* Misuse and failing callbacks: clear errors, sticky, nothing leaked. */
static void
test_api(void **state)
{
	char pub[IR_AGE_PUBKEY_MAX], sec[IR_AGE_SECKEY_MAX];
	const char *r[2];
	struct ir_age_enc *enc;
	struct ir_age_dec *dec;
	struct ir_age_ids *ids;
	unsigned char *p, buf[100];
	struct sink out, ct;
	struct src s;
	struct ir_err e;
	int calls;

	(void)state;
	assert_int_equal(ir_age_keygen(pub, sec, &e), IR_OK);
	ids = ids_of(sec);
	r[0] = pub;
	r[1] = "age1notakey";
	memset(&out, 0, sizeof(out));
	assert_int_equal(ir_age_enc_new(&enc, r, 1, "pw", sink_write, &out,
	    &e), IR_EINVAL);
	assert_null(enc);
	assert_int_equal(ir_age_enc_new(&enc, NULL, 0, NULL, sink_write, &out,
	    &e), IR_EINVAL);
	assert_int_equal(ir_age_enc_new(&enc, NULL, 0, "", sink_write, &out,
	    &e), IR_EINVAL);
	assert_int_equal(ir_age_enc_new(&enc, r, 1, NULL, NULL, &out, &e),
	    IR_EINVAL);
	assert_int_equal(ir_age_enc_new(&enc, r, 2, NULL, sink_write, &out,
	    &e), IR_EINVAL);
	assert_null(enc);
	assert_non_null(strstr(e.msg, "age1notakey"));
	assert_int_equal(out.calls, 0);		/* nothing written */

	/* Write after finish, finish twice. */
	assert_int_equal(ir_age_enc_new(&enc, r, 1, NULL, sink_write, &out,
	    &e), IR_OK);
	assert_int_equal(out.calls, 0);		/* header not yet */
	assert_int_equal(ir_age_enc_write(enc, "x", 1, &e), IR_OK);
	assert_true(out.calls > 0);
	assert_int_equal(ir__age_enc_scrypt_log2n(enc, 10, &e), IR_EINVAL);
	assert_int_equal(ir_age_enc_finish(enc, &e), IR_OK);
	assert_int_equal(ir_age_enc_write(enc, "x", 1, &e), IR_EINVAL);
	assert_int_equal(ir_age_enc_finish(enc, &e), IR_EINVAL);
	ir_age_enc_free(enc);
	free(out.p);

	/* A sink that fails at its n-th call: the error, then stays. */
	p = pattern(3 * AGE_CHUNK, 1);
	for (calls = 1; calls <= 4; calls++) {
		memset(&out, 0, sizeof(out));
		out.fail_at = calls;
		assert_int_equal(ir_age_enc_new(&enc, r, 1, NULL, sink_write,
		    &out, &e), IR_OK);
		if (ir_age_enc_write(enc, p, 3 * AGE_CHUNK, &e) == IR_OK)
			assert_int_equal(ir_age_enc_finish(enc, &e), IR_EIO);
		assert_int_equal(e.code, IR_EIO);
		assert_non_null(strstr(e.msg, "sink"));
		assert_int_equal(e.sys_errno, ENOSPC);
		assert_int_equal(ir_age_enc_write(enc, p, 1, &e), IR_EIO);
		assert_int_equal(ir_age_enc_finish(enc, &e), IR_EIO);
		assert_non_null(strstr(e.msg, "sink"));
		ir_age_enc_free(enc);
		free(out.p);
	}

	/* A source that fails mid-payload: its error, after the good part. */
	encrypt(r, 1, NULL, 0, p, 3 * AGE_CHUNK, 0, &ct);
	memset(&s, 0, sizeof(s));
	s.p = ct.p;
	s.len = ct.len;
	s.fail = (int)(ct.len - 1000);
	assert_int_equal(ir_age_dec_new(&dec, ids, NULL, src_read, &s, &e),
	    IR_OK);
	{
		size_t total = 0;
		ssize_t k;

		while ((k = ir_age_dec_read(dec, buf, sizeof(buf), &e)) > 0)
			total += (size_t)k;
		assert_int_equal(k, -1);
		assert_int_equal(e.code, IR_EIO);
		assert_non_null(strstr(e.msg, "src"));
		assert_true(total <= 2 * AGE_CHUNK);
		assert_int_equal(ir_age_dec_read(dec, buf, sizeof(buf), &e),
		    -1);
	}
	ir_age_dec_free(dec);
	free(ct.p);
	free(p);
	assert_int_equal(ir_age_dec_new(&dec, NULL, NULL, src_read, &s, &e),
	    IR_EINVAL);
	assert_null(dec);
	assert_int_equal(ir_age_dec_new(&dec, ids, NULL, NULL, &s, &e),
	    IR_EINVAL);
	assert_int_equal(ir_age_dec_read(NULL, buf, 1, &e), -1);
	ir_age_enc_free(NULL);
	ir_age_dec_free(NULL);
	ir_age_ids_free(NULL);
	ir_age_ids_free(ids);
}

/* ---- C2SP CCTV vectors ---- */

#define VEC_DIR	IR_SRCDIR "/tests/unit/data/age"

/* zlib-inflate n bytes of p (a vector marked "compressed: zlib"). */
static unsigned char *
inflate_all(const unsigned char *p, size_t n, size_t *outlen)
{
	unsigned char *out = NULL;
	size_t cap = 0;
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit(&z), Z_OK);
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	do {
		if (z.total_out == cap) {
			cap = cap ? cap * 2 : 65536;
			assert_non_null(out = realloc(out, cap));
		}
		z.next_out = out + z.total_out;
		z.avail_out = (uInt)(cap - z.total_out);
		rc = inflate(&z, Z_NO_FLUSH);
		assert_true(rc == Z_OK || rc == Z_STREAM_END);
	} while (rc != Z_STREAM_END);
	*outlen = z.total_out;
	inflateEnd(&z);
	return out;
}

static void
sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char md[32];

	assert_non_null(SHA256(p, n, md));
	ir_hex(out, md, 32);
}

/*
 * One vector: "key: value" lines, an empty line, the age file.  Returns
 * the index of its expectation in kinds[].
 */
static int
run_vector(const char *name)
{
	static const char *const kinds[] = { "success", "no match",
	    "HMAC failure", "header failure", "payload failure" };
	char path[4200], ids_text[4096] = "", pass[256] = "", payload[65] = "";
	char expect[64] = "", hex[65];
	unsigned char *raw, *ct, *inf = NULL;
	struct ir_age_ids *ids = NULL;
	const char *line, *nl, *v;
	size_t n, ctlen, len;
	int kind, zlib = 0, rc, npass = 0, bad;
	struct sink pt;
	struct ir_err e;

	raw = slurp(ut_path(path, sizeof(path), VEC_DIR, name), &n);
	for (line = (char *)raw; ; line = nl + 1) {
		assert_non_null(nl = memchr(line, '\n', n - (size_t)(line -
		    (char *)raw)));
		if (nl == line)
			break;
		len = (size_t)(nl - line);
		assert_non_null(v = memmem(line, len, ": ", 2));
		v += 2;
#define KEY(k)	(len > sizeof(k) && memcmp(line, k ": ", sizeof(k) + 1) == 0)
		if (KEY("expect"))
			(void)snprintf(expect, sizeof(expect), "%.*s",
			    (int)(nl - v), v);
		else if (KEY("payload"))
			(void)snprintf(payload, sizeof(payload), "%.*s",
			    (int)(nl - v), v);
		else if (KEY("identity"))
			(void)snprintf(ids_text + strlen(ids_text),
			    sizeof(ids_text) - strlen(ids_text), "%.*s\n",
			    (int)(nl - v), v);
		else if (KEY("passphrase") && npass++ == 0)
			(void)snprintf(pass, sizeof(pass), "%.*s",
			    (int)(nl - v), v);
		else if (KEY("compressed"))
			zlib = nl - v == 4 && memcmp(v, "zlib", 4) == 0;
		else if (KEY("armored"))
			fail_msg("%s: armored vectors are not in the tree",
			    name);
#undef KEY
	}
	ct = (unsigned char *)nl + 1;
	ctlen = n - (size_t)(ct - raw);
	if (zlib)
		ct = inf = inflate_all(ct, ctlen, &ctlen);
	for (kind = 0; kind < 5; kind++)
		if (strcmp(expect, kinds[kind]) == 0)
			break;
	if (kind == 5)
		fail_msg("%s: expect '%s'?", name, expect);
	/* No key at all (an empty file ...): try a fresh identity. */
	if (ids_text[0] == '\0' && pass[0] == '\0') {
		char pub[IR_AGE_PUBKEY_MAX];

		assert_int_equal(ir_age_keygen(pub, ids_text, &e), IR_OK);
	}
	if (ids_text[0] != '\0' && ir_age_ids_parse(ids_text,
	    strlen(ids_text), &ids, &e) != IR_OK)
		fail_msg("%s: identity: %s", name, e.msg);
	rc = decrypt_x(ids, pass[0] != '\0' ? pass : NULL, 22, ct, ctlen, 0,
	    65536, &pt, &e);
	sha256_hex(pt.p != NULL ? pt.p : (unsigned char *)"", pt.len, hex);
	switch (kind) {
	case 0:
		bad = rc != IR_OK || strcmp(hex, payload) != 0;
		break;
	case 1:
		bad = rc != IR_ENOENT;
		break;
	case 2:
		bad = rc != IR_EFORMAT || strstr(e.msg, "MAC mismatch") == NULL;
		break;
	case 3:
		/* A parse error, not masked as a MAC or key failure. */
		bad = (rc != IR_EFORMAT && rc != IR_ELIMIT) ||
		    strstr(e.msg, "MAC mismatch") != NULL || pt.len != 0;
		break;
	default:
		/* What was handed out is exactly the authentic prefix. */
		bad = rc != IR_EFORMAT || strcmp(hex, payload) != 0 ||
		    strncmp(e.msg, "age: ", 5) != 0;
		break;
	}
	if (bad)
		print_error("%s: want %s, got rc %d (%s), %zu bytes out, "
		    "sha256 %s\n", name, kinds[kind], rc, rc ? e.msg : "",
		    pt.len, hex);
	free(pt.p);
	ir_age_ids_free(ids);
	free(inf);
	free(raw);
	return bad ? -1 - kind : kind;
}

static void
test_cctv_vectors(void **state)
{
	int count[5] = { 0 }, total = 0, k, bad = 0;
	struct dirent *d;
	DIR *dp;

	(void)state;
	assert_non_null(dp = opendir(VEC_DIR));
	while ((d = readdir(dp)) != NULL) {
		if (d->d_name[0] == '.' || strcmp(d->d_name, "README") == 0)
			continue;
		if ((k = run_vector(d->d_name)) < 0) {
			bad++;
			k = -1 - k;
		}
		count[k]++;
		total++;
	}
	closedir(dp);
	assert_int_equal(bad, 0);
	/* All 92 non-armored, non-hybrid vectors of CCTV 1e3d286 ran. */
	assert_int_equal(total, 92);
	assert_int_equal(count[0], 15);
	assert_int_equal(count[1], 7);
	assert_int_equal(count[2], 1);
	assert_int_equal(count[3], 51);
	assert_int_equal(count[4], 18);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_bech32),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_roundtrip_x25519),
		cmocka_unit_test(test_roundtrip_scrypt),
		cmocka_unit_test(test_interop_to_age),
		cmocka_unit_test(test_interop_from_age),
		cmocka_unit_test(test_interop_scrypt),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_crafted),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_api),
		cmocka_unit_test(test_cctv_vectors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
