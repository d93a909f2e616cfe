/*
 * age: round trips through X25519 and scrypt at chunk-edge sizes, interop
 * both ways with the stock age(1) and age-keygen(1), every kind of
 * tampering and truncation, crafted headers and payloads (with a known file
 * key, through the private helpers of age_impl.h), and the C2SP CCTV test
 * vectors in tests/unit/data/age/.
 */
#include "unit.h"

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
 * through script's standard input.
 */
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
	ut_sh("cd '%s' && script -qec '%s -p -o x.age plain' /dev/null "
	    "<pw1 >/dev/null", dir, AGE_BIN);
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
	ut_sh("cd '%s' && script -qec '%s -d -o out y.age' /dev/null <pw "
	    ">/dev/null && cmp plain out", dir, AGE_BIN);
	ut_sh("cd '%s' && ! script -qec '%s -d -o out2 y.age' /dev/null <bad "
	    ">/dev/null && test ! -s out2", dir, AGE_BIN);
	free(ct.p);
	free(p);
	ut_rmtree(dir);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
