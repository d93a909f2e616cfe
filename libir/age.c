/*
 * age: keys, recipient stanzas and the header of age v1
 * (age-encryption.org/v1, C2SP age.md), with libcrypto only.  The STREAM
 * payload is in age_stream.c, the text encodings in age_codec.c.
 *
 * Nothing here echoes key material into an error message: a secret key
 * pasted where a recipient belongs is named as such, never quoted.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "ir/age.h"
#include "ir/buf.h"
#include "ir/error.h"
#include "ir/version.h"
#include "age_impl.h"

#define INTRO		"age-encryption.org/v1"
#define X25519_INFO	"age-encryption.org/v1/X25519"
#define SCRYPT_SALT	"age-encryption.org/v1/scrypt"
#define PUB_HRP		"age"
#define SEC_HRP		"age-secret-key-"
#define ARMOR		"-----BEGIN AGE ENCRYPTED FILE-----"

/* ---- primitives ---- */

int
ir__age_crypto_err(struct ir_err *e, const char *what)
{
	unsigned long l = ERR_get_error();
	char buf[256];

	ERR_clear_error();
	if (l == 0)
		return ir_err_set(e, IR_EDEP, 0, "libcrypto: %s failed", what);
	ERR_error_string_n(l, buf, sizeof(buf));
	return ir_err_set(e, IR_EDEP, 0, "libcrypto: %s failed: %s", what,
	    buf);
}

int
ir__age_random(void *p, size_t n, struct ir_err *e)
{
	if (n > INT_MAX || RAND_bytes(p, (int)n) != 1)
		return ir__age_crypto_err(e, "random bytes");
	return IR_OK;
}

int
ir__age_hkdf(const void *salt, size_t saltlen, const void *ikm,
    size_t ikmlen, const char *info, unsigned char *out, size_t outlen,
    struct ir_err *e)
{
	OSSL_PARAM p[5], *q = p;
	EVP_KDF_CTX *kc = NULL;
	EVP_KDF *kdf;
	int rc = IR_OK;

	if ((kdf = EVP_KDF_fetch(NULL, "HKDF", NULL)) == NULL ||
	    (kc = EVP_KDF_CTX_new(kdf)) == NULL) {
		EVP_KDF_free(kdf);
		return ir__age_crypto_err(e, "HKDF");
	}
	*q++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    (void *)ikm, ikmlen);
	/* An empty salt is HashLen zero bytes (RFC 5869): the default. */
	if (saltlen > 0)
		*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
		    (void *)salt, saltlen);
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
	    (void *)info, strlen(info));
	*q = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(kc, out, outlen, p) != 1)
		rc = ir__age_crypto_err(e, "HKDF");
	EVP_KDF_CTX_free(kc);
	EVP_KDF_free(kdf);
	return rc;
}

/*
 * ChaCha20-Poly1305 without associated data.  Sealing n bytes of in
 * writes n + 16 bytes to out; opening n >= 16 bytes writes n - 16 bytes
 * and returns IR_ENOENT when the tag does not check (out is then wiped).
 */
int
ir__age_aead(EVP_CIPHER_CTX *c, int seal, const unsigned char key[32],
    const unsigned char nonce[12], const unsigned char *in, size_t n,
    unsigned char *out, struct ir_err *e)
{
	size_t len = seal ? n : n - AGE_TAG;
	int ol = 0, fl = 0, own = 0, rc = IR_OK;

	if ((!seal && n < AGE_TAG) || n > INT_MAX - AGE_TAG)
		return ir_err_set(e, IR_EINVAL, 0, "age: bad AEAD length");
	if (c == NULL) {
		if ((c = EVP_CIPHER_CTX_new()) == NULL)
			return ir__age_crypto_err(e, "ChaCha20-Poly1305");
		own = 1;
	}
	if (EVP_CipherInit_ex(c, EVP_chacha20_poly1305(), NULL, key, nonce,
	    seal) != 1 ||
	    EVP_CipherUpdate(c, out, &ol, in, (int)len) != 1 ||
	    (size_t)ol != len) {
		rc = ir__age_crypto_err(e, "ChaCha20-Poly1305");
		goto out;
	}
	if (seal) {
		if (EVP_CipherFinal_ex(c, out + ol, &fl) != 1 || fl != 0 ||
		    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, AGE_TAG,
		    out + len) != 1)
			rc = ir__age_crypto_err(e, "ChaCha20-Poly1305");
		goto out;
	}
	if (EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, AGE_TAG,
	    (void *)(in + len)) != 1) {
		rc = ir__age_crypto_err(e, "ChaCha20-Poly1305");
		goto out;
	}
	if (EVP_CipherFinal_ex(c, out + ol, &fl) != 1 || fl != 0) {
		ERR_clear_error();
		OPENSSL_cleanse(out, len);
		rc = ir_err_set(e, IR_ENOENT, 0, "authentication failed");
	}
out:
	if (own)
		EVP_CIPHER_CTX_free(c);
	return rc;
}

/* The public key of an X25519 secret. */
static int
x25519_pub(const unsigned char sk[32], unsigned char pk[32],
    struct ir_err *e)
{
	EVP_PKEY *k;
	size_t len = 32;
	int rc = IR_OK;

	if ((k = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, sk,
	    32)) == NULL || EVP_PKEY_get_raw_public_key(k, pk, &len) != 1 ||
	    len != 32)
		rc = ir__age_crypto_err(e, "X25519 public key");
	EVP_PKEY_free(k);
	return rc;
}

/*
 * X25519(sk, pk).  A low-order pk gives the all-zero secret, which age
 * forbids: IR_EFORMAT (libcrypto refuses to derive it at all).
 */
static int
x25519(const unsigned char sk[32], const unsigned char pk[32],
    unsigned char out[32], struct ir_err *e)
{
	static const unsigned char zero[32];
	EVP_PKEY *a = NULL, *b = NULL;
	EVP_PKEY_CTX *c = NULL;
	size_t len = 32;
	int rc = IR_OK;

	if ((a = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, sk,
	    32)) == NULL ||
	    (b = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, pk,
	    32)) == NULL ||
	    (c = EVP_PKEY_CTX_new(a, NULL)) == NULL ||
	    EVP_PKEY_derive_init(c) != 1 ||
	    EVP_PKEY_derive_set_peer_ex(c, b, 0) != 1) {
		rc = ir__age_crypto_err(e, "X25519");
		goto out;
	}
	if (EVP_PKEY_derive(c, out, &len) != 1 || len != 32 ||
	    CRYPTO_memcmp(out, zero, 32) == 0) {
		ERR_clear_error();
		OPENSSL_cleanse(out, 32);
		rc = ir_err_set(e, IR_EFORMAT, 0, "X25519 stanza: the "
		    "ephemeral share is a low-order point (all-zero shared "
		    "secret)");
	}
out:
	EVP_PKEY_CTX_free(c);
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
	return rc;
}

/* The X25519 wrapping key for (share, recipient) from a shared secret. */
static int
x25519_wrap_key(const unsigned char shared[32], const unsigned char share[32],
    const unsigned char recip[32], unsigned char key[32], struct ir_err *e)
{
	unsigned char salt[64];

	memcpy(salt, share, 32);
	memcpy(salt + 32, recip, 32);
	return ir__age_hkdf(salt, sizeof(salt), shared, 32, X25519_INFO, key,
	    32, e);
}

static int
scrypt_key(const char *pass, const unsigned char salt[16], int log2n,
    unsigned char key[32], struct ir_err *e)
{
	unsigned char s[sizeof(SCRYPT_SALT) - 1 + 16];
	uint64_t n = (uint64_t)1 << log2n, r = 8, p = 1;
	/* What OpenSSL's scrypt allocates: 128 r (N + 2) + 128 r p. */
	uint64_t maxmem = 128 * r * (n + 2) + 128 * r * p + (1 << 20);

	memcpy(s, SCRYPT_SALT, sizeof(SCRYPT_SALT) - 1);
	memcpy(s + sizeof(SCRYPT_SALT) - 1, salt, 16);
	if (EVP_PBE_scrypt(pass, strlen(pass), s, sizeof(s), n, r, p, maxmem,
	    key, 32) != 1)
		return ir__age_crypto_err(e, "scrypt");
	return IR_OK;
}

/* ---- keys ---- */

struct age_id {
	unsigned char	 sk[32];
	unsigned char	 pk[32];
};

struct ir_age_ids {
	size_t		 n;
	struct age_id	*v;
};

/*
 * A low-order point would give every file key to whoever sees the header:
 * X25519 of it with any (clamped) scalar is zero, which x25519() refuses.
 */
static int
check_point(const char *s, const unsigned char pk[32], struct ir_err *e)
{
	static const unsigned char one[32] = { 1 };
	unsigned char out[32];
	int rc;

	rc = x25519(one, pk, out, e);
	OPENSSL_cleanse(out, sizeof(out));
	if (rc == IR_EFORMAT)
		return ir_err_set(e, IR_EINVAL, 0, "age recipient '%s': a "
		    "low-order point, not a usable X25519 public key", s);
	return rc;
}

/* A recipient string to its public key. */
static int
parse_recipient(const char *s, unsigned char pk[32], struct ir_err *e)
{
	char hrp[32];
	const char *why;
	size_t len, n;

	if (s == NULL)
		return ir_err_set(e, IR_EINVAL, 0, "age recipient: NULL");
	len = strlen(s);
	if (len >= 16 && strncasecmp(s, "AGE-SECRET-KEY-1", 16) == 0)
		return ir_err_set(e, IR_EINVAL, 0, "age recipient: this is a "
		    "secret key (AGE-SECRET-KEY-1...), not a public key "
		    "(age1...)");
	if (len >= 7 && strncmp(s, "ssh-", 4) == 0)
		return ir_err_set(e, IR_EUNSUPP, 0, "age recipient: SSH keys "
		    "are not supported, only X25519 (age1...)");
	if (len >= IR_AGE_PUBKEY_MAX)
		return ir_err_set(e, IR_EINVAL, 0, "age recipient: %zu "
		    "characters, not an X25519 key (age1...)", len);
	if ((why = ir__age_bech32_decode(s, len, hrp, sizeof(hrp), pk, 32,
	    &n)) != NULL)
		return ir_err_set(e, IR_EINVAL, 0, "age recipient '%s': "
		    "invalid Bech32: %s", s, why);
	if (strcmp(hrp, PUB_HRP) != 0) {
		if (strncmp(hrp, "age1", 4) == 0)
			return ir_err_set(e, IR_EUNSUPP, 0, "age recipient "
			    "'%s': plugin recipients are not supported", s);
		return ir_err_set(e, IR_EINVAL, 0, "age recipient '%s': "
		    "prefix '%s', want 'age'", s, hrp);
	}
	if (n != 32)
		return ir_err_set(e, IR_EINVAL, 0, "age recipient '%s': %zu "
		    "bytes of key, want 32", s, n);
	return check_point(s, pk, e);
}

int
ir_age_recipient_check(const char *s, struct ir_err *e)
{
	unsigned char pk[32];

	return parse_recipient(s, pk, e);
}

int
ir_age_keygen(char pub[IR_AGE_PUBKEY_MAX], char sec[IR_AGE_SECKEY_MAX],
    struct ir_err *e)
{
	unsigned char sk[32], pk[32];
	int rc;

	if ((rc = ir_init(e)) != IR_OK)
		return rc;
	if ((rc = ir__age_random(sk, 32, e)) != IR_OK ||
	    (rc = x25519_pub(sk, pk, e)) != IR_OK)
		goto out;
	if (ir__age_bech32_encode(pub, IR_AGE_PUBKEY_MAX, PUB_HRP, pk, 32,
	    0) != 0 || ir__age_bech32_encode(sec, IR_AGE_SECKEY_MAX, SEC_HRP,
	    sk, 32, 1) != 0)
		rc = ir_err_set(e, IR_EINVAL, 0, "age: key buffer too small");
out:
	OPENSSL_cleanse(sk, sizeof(sk));
	return rc;
}

void
ir_age_ids_free(struct ir_age_ids *ids)
{
	if (ids == NULL)
		return;
	if (ids->v != NULL) {
		OPENSSL_cleanse(ids->v, ids->n * sizeof(*ids->v));
		free(ids->v);
	}
	free(ids);
}

/* One identity line (len chars, no newline); never quoted in errors. */
static int
parse_identity(const char *s, size_t len, size_t lineno, struct age_id *id,
    struct ir_err *e)
{
	char hrp[32];
	const char *why;
	size_t n;

	if (len >= 11 && strncmp(s, "AGE-PLUGIN-", 11) == 0)
		return ir_err_set(e, IR_EUNSUPP, 0, "age identities: line %zu: "
		    "plugin identities are not supported", lineno);
	if (len >= 10 && strncmp(s, "-----BEGIN", 10) == 0)
		return ir_err_set(e, IR_EUNSUPP, 0, "age identities: line %zu: "
		    "SSH or PEM keys are not supported, only AGE-SECRET-KEY-1",
		    lineno);
	if (len >= 4 && strncmp(s, "age1", 4) == 0)
		return ir_err_set(e, IR_EFORMAT, 0, "age identities: line %zu: "
		    "a public key (age1...), not a secret key", lineno);
	if (len < 16 || strncasecmp(s, "AGE-SECRET-KEY-1", 16) != 0)
		return ir_err_set(e, IR_EFORMAT, 0, "age identities: line %zu: "
		    "not an AGE-SECRET-KEY-1 line nor a comment", lineno);
	if ((why = ir__age_bech32_decode(s, len, hrp, sizeof(hrp), id->sk, 32,
	    &n)) != NULL)
		return ir_err_set(e, IR_EFORMAT, 0, "age identities: line %zu: "
		    "invalid Bech32 secret key: %s", lineno, why);
	if (strcmp(hrp, SEC_HRP) != 0 || n != 32)
		return ir_err_set(e, IR_EFORMAT, 0, "age identities: line %zu: "
		    "not a 32-byte X25519 secret key", lineno);
	return x25519_pub(id->sk, id->pk, e);
}

int
ir_age_ids_parse(const char *buf, size_t n, struct ir_age_ids **idsp,
    struct ir_err *e)
{
	struct ir_age_ids *ids;
	struct age_id *nv;
	const char *p = buf, *end = buf + n, *nl;
	size_t len, lineno = 0, cap = 0;
	int rc;

	*idsp = NULL;
	if ((rc = ir_init(e)) != IR_OK)
		return rc;
	if (buf == NULL && n > 0)
		return ir_err_set(e, IR_EINVAL, 0, "age identities: NULL");
	if (n > 0 && memchr(buf, '\0', n) != NULL)
		return ir_err_set(e, IR_EFORMAT, 0, "age identities: a NUL "
		    "byte: not a text file");
	if ((ids = calloc(1, sizeof(*ids))) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	while (p < end) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		len = (nl != NULL ? nl : end) - p;
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (len > 0 && p[0] != '#') {
			if (ids->n == cap) {
				cap = cap ? cap * 2 : 4;
				if (cap > 1 << 16) {
					rc = ir_err_set(e, IR_ELIMIT, 0, "age "
					    "identities: more than %d keys",
					    1 << 16);
					goto fail;
				}
				if ((nv = calloc(cap, sizeof(*nv))) == NULL) {
					rc = ir_err_set(e, IR_ENOMEM, 0,
					    "out of memory");
					goto fail;
				}
				if (ids->n > 0) {
					memcpy(nv, ids->v, ids->n *
					    sizeof(*nv));
					OPENSSL_cleanse(ids->v, ids->n *
					    sizeof(*nv));
				}
				free(ids->v);
				ids->v = nv;
			}
			if ((rc = parse_identity(p, len, lineno,
			    &ids->v[ids->n], e)) != IR_OK) {
				OPENSSL_cleanse(&ids->v[ids->n],
				    sizeof(*ids->v));
				goto fail;
			}
			ids->n++;
		}
		p = nl != NULL ? nl + 1 : end;
	}
	if (ids->n == 0) {
		rc = ir_err_set(e, IR_EFORMAT, 0, "age identities: no "
		    "AGE-SECRET-KEY-1 line");
		goto fail;
	}
	*idsp = ids;
	return IR_OK;
fail:
	ir_age_ids_free(ids);
	return rc;
}

/* ---- header, writing ---- */

/* "-> args\n" then the body in base64, 64 columns, short last line. */
static int
put_stanza(struct ir_buf *h, const char *args, const unsigned char *body,
    size_t n, struct ir_err *e)
{
	char line[65], *enc;
	size_t len, off;
	int rc;

	if ((enc = malloc(ir__age_b64_len(n) + 1)) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	ir__age_b64_encode(enc, body, n);
	len = strlen(enc);
	if ((rc = ir_buf_addf(h, e, "-> %s\n", args)) != IR_OK)
		goto out;
	for (off = 0; ; off += 64) {
		size_t l = len - off < 64 ? len - off : 64;

		memcpy(line, enc + off, l);
		line[l] = '\n';
		if ((rc = ir_buf_add(h, line, l + 1, e)) != IR_OK)
			goto out;
		if (l < 64)
			break;
	}
out:
	free(enc);
	return rc;
}

/* The MAC of a header up to and including its "---". */
static int
header_mac(const unsigned char fk[AGE_FILE_KEY], const void *h, size_t n,
    unsigned char mac[32], struct ir_err *e)
{
	unsigned char key[32];
	unsigned int len = 32;
	int rc;

	if ((rc = ir__age_hkdf(NULL, 0, fk, AGE_FILE_KEY, "header", key, 32,
	    e)) != IR_OK)
		return rc;
	if (HMAC(EVP_sha256(), key, 32, h, n, mac, &len) == NULL || len != 32)
		rc = ir__age_crypto_err(e, "HMAC-SHA256");
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

/* Stanzas, MAC: a whole header into h. */
int
ir__age_header_build(struct ir_buf *h, const unsigned char fk[AGE_FILE_KEY],
    const unsigned char *pks, size_t npk, const char *pass, int log2n,
    struct ir_err *e)
{
	static const unsigned char zn[12];
	unsigned char esk[32], share[32], shared[32], key[32], body[32];
	unsigned char mac[32], salt[16];
	char args[128], b[64];
	size_t i;
	int rc;

	if ((rc = ir_buf_addstr(h, INTRO "\n", e)) != IR_OK)
		return rc;
	if (pass != NULL) {
		if ((rc = ir__age_random(salt, 16, e)) != IR_OK ||
		    (rc = scrypt_key(pass, salt, log2n, key, e)) != IR_OK ||
		    (rc = ir__age_aead(NULL, 1, key, zn, fk, AGE_FILE_KEY,
		    body, e)) != IR_OK)
			goto out;
		ir__age_b64_encode(b, salt, 16);
		(void)snprintf(args, sizeof(args), "scrypt %s %d", b, log2n);
		if ((rc = put_stanza(h, args, body, 32, e)) != IR_OK)
			goto out;
	}
	for (i = 0; i < npk; i++) {
		const unsigned char *pk = pks + 32 * i;

		if ((rc = ir__age_random(esk, 32, e)) != IR_OK ||
		    (rc = x25519_pub(esk, share, e)) != IR_OK ||
		    (rc = x25519(esk, pk, shared, e)) != IR_OK ||
		    (rc = x25519_wrap_key(shared, share, pk, key, e)) !=
		    IR_OK ||
		    (rc = ir__age_aead(NULL, 1, key, zn, fk, AGE_FILE_KEY,
		    body, e)) != IR_OK)
			goto out;
		ir__age_b64_encode(b, share, 32);
		(void)snprintf(args, sizeof(args), "X25519 %s", b);
		if ((rc = put_stanza(h, args, body, 32, e)) != IR_OK)
			goto out;
	}
	if ((rc = ir_buf_addstr(h, "---", e)) != IR_OK ||
	    (rc = header_mac(fk, h->buf, h->len, mac, e)) != IR_OK)
		goto out;
	ir__age_b64_encode(b, mac, 32);
	rc = ir_buf_addf(h, e, " %s\n", b);
out:
	OPENSSL_cleanse(esk, sizeof(esk));
	OPENSSL_cleanse(shared, sizeof(shared));
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

/* Recipients to public keys (32 bytes each) in pks. */
int
ir__age_parse_recipients(const char *const *r, size_t n, unsigned char *pks,
    struct ir_err *e)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		if ((rc = parse_recipient(r[i], pks + 32 * i, e)) != IR_OK)
			return rc;
	return IR_OK;
}

/* ---- header, reading ---- */

enum { ST_OTHER, ST_X25519, ST_SCRYPT };

struct stanza {
	int		 type;
	unsigned char	 arg[32];	/* X25519 share, or scrypt salt */
	int		 log2n;
	unsigned char	 body[32];
	size_t		 bodylen;
};

struct hdr_parse {
	struct ir_age_rd	*rd;
	struct ir_buf		 raw;	/* the header as read */
	struct stanza		*st;
	size_t			 nst, cap;
	unsigned char		 mac[32];
};

/*
 * The next header line into *line (len, without '\n'), appended to the
 * raw header.  Lines end in '\n' only.
 */
static int
next_line(struct hdr_parse *hp, const char **line, size_t *len,
    struct ir_err *e)
{
	struct ir_age_rd *rd = hp->rd;
	unsigned char *nl;
	size_t avail;
	int rc;

	for (;;) {
		avail = rd->len - rd->pos;
		if ((nl = memchr(rd->buf + rd->pos, '\n', avail)) != NULL)
			break;
		if (avail > AGE_LINE_MAX)
			return ir_err_set(e, IR_ELIMIT, 0, "age header: a line "
			    "longer than %d bytes", AGE_LINE_MAX);
		if (rd->eof)
			return ir_err_set(e, IR_EFORMAT, 0, "age header: "
			    "truncated (end of input inside the header)");
		if ((rc = ir__age_rd_fill(rd, AGE_LINE_MAX + 1, e)) != IR_OK)
			return rc;
	}
	*line = (const char *)rd->buf + rd->pos;
	*len = (size_t)(nl - (rd->buf + rd->pos));
	if (*len > AGE_LINE_MAX)
		return ir_err_set(e, IR_ELIMIT, 0, "age header: a line longer "
		    "than %d bytes", AGE_LINE_MAX);
	rd->pos += *len + 1;
	if (hp->raw.len + *len + 1 > AGE_HEADER_MAX)
		return ir_err_set(e, IR_ELIMIT, 0, "age header: longer than "
		    "%d bytes", AGE_HEADER_MAX);
	return ir_buf_add(&hp->raw, *line, *len + 1, e);
}

static int
is_vchar_arg(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return 0;
	return 1;
}

/* A strictly positive decimal without leading zeros, at most 2 digits. */
static int
parse_log2n(const char *s, size_t n)
{
	if (n == 0 || n > 2 || s[0] == '0')
		return -1;
	if (s[0] < '0' || s[0] > '9' || (n == 2 && (s[1] < '0' ||
	    s[1] > '9')))
		return -1;
	return n == 1 ? s[0] - '0' : (s[0] - '0') * 10 + s[1] - '0';
}

/* "-> " already seen: the arguments, then the body lines. */
static int
parse_stanza(struct hdr_parse *hp, const char *line, size_t len,
    struct ir_err *e)
{
	const char *arg[3], *p, *end = line + len, *sp;
	size_t alen[3], nargs = 0, idx = hp->nst + 1, dl, bl, n;
	unsigned char dec[48], *body;
	struct stanza *st, *nv;
	int rc, full;

	if (hp->nst == AGE_STANZA_MAX)
		return ir_err_set(e, IR_ELIMIT, 0, "age header: more than %d "
		    "recipient stanzas", AGE_STANZA_MAX);
	if (hp->nst == hp->cap) {
		n = hp->cap ? hp->cap * 2 : 4;
		if ((nv = realloc(hp->st, n * sizeof(*nv))) == NULL)
			return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
		hp->st = nv;
		hp->cap = n;
	}
	st = &hp->st[hp->nst];
	memset(st, 0, sizeof(*st));
	/* Arguments: one space apart, each a non-empty run of VCHAR. */
	for (p = line + 3; ; p = sp + 1) {
		if ((sp = memchr(p, ' ', (size_t)(end - p))) == NULL)
			sp = end;
		if (!is_vchar_arg(p, (size_t)(sp - p)))
			return ir_err_set(e, IR_EFORMAT, 0, "age header: "
			    "stanza %zu: an empty argument or one with a "
			    "non-printable byte", idx);
		if (nargs < 3) {
			arg[nargs] = p;
			alen[nargs] = (size_t)(sp - p);
		}
		nargs++;
		if (sp == end)
			break;
	}
	if (alen[0] == 6 && memcmp(arg[0], "X25519", 6) == 0) {
		st->type = ST_X25519;
		if (nargs != 2 || ir__age_b64_decode(st->arg, 32, &dl, arg[1],
		    alen[1]) != 0 || dl != 32)
			return ir_err_set(e, IR_EFORMAT, 0, "age header: "
			    "stanza %zu: X25519 wants one argument, a "
			    "32-byte share in canonical base64", idx);
	} else if (alen[0] == 6 && memcmp(arg[0], "scrypt", 6) == 0) {
		st->type = ST_SCRYPT;
		if (nargs != 3 || ir__age_b64_decode(st->arg, 16, &dl, arg[1],
		    alen[1]) != 0 || dl != 16 ||
		    (st->log2n = parse_log2n(arg[2], alen[2])) <= 0)
			return ir_err_set(e, IR_EFORMAT, 0, "age header: "
			    "stanza %zu: scrypt wants a 16-byte salt in "
			    "canonical base64 and a decimal work factor", idx);
	}
	/* The body: full 64-column lines, then one shorter (maybe empty). */
	bl = 0;
	do {
		if ((rc = next_line(hp, &p, &n, e)) != IR_OK)
			return rc;
		if (n > 64)
			return ir_err_set(e, IR_EFORMAT, 0, "age header: "
			    "stanza %zu: a body line over 64 columns", idx);
		full = n == 64;
		if (ir__age_b64_decode(dec, sizeof(dec), &dl, p, n) != 0) {
			if (bl > 0 && n >= 2 && (memcmp(p, "->", 2) == 0 ||
			    memcmp(p, "--", 2) == 0))
				return ir_err_set(e, IR_EFORMAT, 0, "age "
				    "header: stanza %zu: body ends with a full "
				    "64-column line and no final short line",
				    idx);
			return ir_err_set(e, IR_EFORMAT, 0, "age header: "
			    "stanza %zu: body is not canonical unpadded "
			    "base64", idx);
		}
		if (st->type != ST_OTHER) {
			body = st->body;
			if (bl + dl > sizeof(st->body))
				return ir_err_set(e, IR_EFORMAT, 0, "age "
				    "header: stanza %zu: body longer than a "
				    "wrapped file key", idx);
			memcpy(body + bl, dec, dl);
		}
		bl += dl;
	} while (full);
	st->bodylen = bl;
	if (st->type != ST_OTHER && bl != 32)
		return ir_err_set(e, IR_EFORMAT, 0, "age header: stanza %zu: "
		    "body of %zu bytes, want a 32-byte wrapped file key", idx,
		    bl);
	hp->nst++;
	return IR_OK;
}

static int
parse_header(struct hdr_parse *hp, struct ir_err *e)
{
	struct ir_age_rd *rd = hp->rd;
	const char *line;
	size_t len, dl;
	int rc;

	/* Name what this is before reading a line of it. */
	if ((rc = ir__age_rd_fill(rd, sizeof(ARMOR) - 1, e)) != IR_OK)
		return rc;
	len = rd->len - rd->pos;
	if (len >= sizeof(ARMOR) - 1 && memcmp(rd->buf + rd->pos, ARMOR,
	    sizeof(ARMOR) - 1) == 0)
		return ir_err_set(e, IR_EUNSUPP, 0, "age: ASCII-armored (PEM) "
		    "file: not supported, only the binary format");
	if (len == 0)
		return ir_err_set(e, IR_EFORMAT, 0, "not an age file: empty");
	if (len < sizeof(INTRO) || memcmp(rd->buf + rd->pos, INTRO "\n",
	    sizeof(INTRO)) != 0) {
		if (len < sizeof(INTRO) && memcmp(rd->buf + rd->pos, INTRO "\n",
		    len) == 0)
			return ir_err_set(e, IR_EFORMAT, 0, "age header: "
			    "truncated (end of input inside the header)");
		return ir_err_set(e, IR_EFORMAT, 0, "not an age file: no "
		    "'%s' line", INTRO);
	}
	if ((rc = next_line(hp, &line, &len, e)) != IR_OK)
		return rc;
	for (;;) {
		if ((rc = next_line(hp, &line, &len, e)) != IR_OK)
			return rc;
		if (len >= 3 && memcmp(line, "-> ", 3) == 0) {
			if ((rc = parse_stanza(hp, line, len, e)) != IR_OK)
				return rc;
			continue;
		}
		if (len >= 3 && memcmp(line, "---", 3) == 0)
			break;
		return ir_err_set(e, IR_EFORMAT, 0, "age header: a line that "
		    "is neither a stanza ('-> ') nor the MAC ('--- ')");
	}
	/* "--- " and 43 characters of MAC; the MAC covers up to "---". */
	ir_buf_truncate(&hp->raw, hp->raw.len - (len + 1 - 3));
	if (len != 4 + 43 || line[3] != ' ' || ir__age_b64_decode(hp->mac,
	    32, &dl, line + 4, 43) != 0 || dl != 32)
		return ir_err_set(e, IR_EFORMAT, 0, "age header: the MAC line "
		    "is not '--- ' and 32 bytes in canonical base64");
	if (hp->nst == 0)
		return ir_err_set(e, IR_EFORMAT, 0, "age header: no recipient "
		    "stanza");
	return IR_OK;
}

/* An scrypt stanza's file key, or IR_ENOENT for a wrong passphrase. */
static int
unwrap_scrypt(const struct stanza *st, const char *pass, int max_log2n,
    unsigned char fk[AGE_FILE_KEY], struct ir_err *e)
{
	static const unsigned char zn[12];
	unsigned char key[32];
	int rc;

	if (st->log2n > max_log2n)
		return ir_err_set(e, IR_ELIMIT, 0, "age: scrypt work factor "
		    "2^%d is over the limit 2^%d", st->log2n, max_log2n);
	if ((rc = scrypt_key(pass, st->arg, st->log2n, key, e)) != IR_OK)
		return rc;
	rc = ir__age_aead(NULL, 0, key, zn, st->body, 32, fk, e);
	OPENSSL_cleanse(key, sizeof(key));
	if (rc == IR_ENOENT)
		return ir_err_set(e, IR_ENOENT, 0, "age: wrong passphrase");
	return rc;
}

/* An X25519 stanza's file key with id, or IR_ENOENT when not for it. */
static int
unwrap_x25519(const struct stanza *st, const struct age_id *id,
    unsigned char fk[AGE_FILE_KEY], struct ir_err *e)
{
	static const unsigned char zn[12];
	unsigned char shared[32], key[32];
	int rc;

	if ((rc = x25519(id->sk, st->arg, shared, e)) == IR_OK &&
	    (rc = x25519_wrap_key(shared, st->arg, id->pk, key, e)) == IR_OK)
		rc = ir__age_aead(NULL, 0, key, zn, st->body, 32, fk, e);
	OPENSSL_cleanse(shared, sizeof(shared));
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

/*
 * Read and check the header from rd: the file key into fk.  The reader
 * is left at the first byte after the header.
 */
int
ir__age_header_read(struct ir_age_rd *rd, const struct ir_age_ids *ids,
    const char *pass, int max_log2n, unsigned char fk[AGE_FILE_KEY],
    struct ir_err *e)
{
	struct hdr_parse hp;
	unsigned char mac[32];
	size_t i, j, nx = 0, nscrypt = 0;
	int rc, found = 0;

	memset(&hp, 0, sizeof(hp));
	hp.rd = rd;
	ir_buf_init(&hp.raw, AGE_HEADER_MAX);
	if ((rc = parse_header(&hp, e)) != IR_OK)
		goto out;
	for (i = 0; i < hp.nst; i++) {
		nx += hp.st[i].type == ST_X25519;
		nscrypt += hp.st[i].type == ST_SCRYPT;
	}
	if (nscrypt > 0 && hp.nst != 1) {
		rc = ir_err_set(e, IR_EFORMAT, 0, "age header: an scrypt "
		    "stanza must be the only one (%zu stanzas)", hp.nst);
		goto out;
	}
	if (nscrypt > 0) {
		if (pass == NULL) {
			rc = ir_err_set(e, IR_ENOENT, 0, "age: encrypted to "
			    "a passphrase, and none was given");
			goto out;
		}
		if ((rc = unwrap_scrypt(&hp.st[0], pass, max_log2n, fk, e)) !=
		    IR_OK)
			goto out;
		found = 1;
	}
	for (i = 0; !found && ids != NULL && i < hp.nst; i++) {
		if (hp.st[i].type != ST_X25519)
			continue;
		for (j = 0; j < ids->n; j++) {
			rc = unwrap_x25519(&hp.st[i], &ids->v[j], fk, e);
			if (rc == IR_OK) {
				found = 1;
				break;
			}
			if (rc != IR_ENOENT)
				goto out;
		}
	}
	if (!found) {
		if (ids == NULL)
			rc = ir_err_set(e, IR_ENOENT, 0, "age: not encrypted "
			    "to a passphrase (%zu X25519 recipient stanzas), "
			    "and no identity was given", nx);
		else
			rc = ir_err_set(e, IR_ENOENT, 0, "age: no identity "
			    "matches any of the %zu X25519 recipient stanzas",
			    nx);
		goto out;
	}
	if ((rc = header_mac(fk, hp.raw.buf, hp.raw.len, mac, e)) != IR_OK)
		goto out;
	if (CRYPTO_memcmp(mac, hp.mac, 32) != 0)
		rc = ir_err_set(e, IR_EFORMAT, 0, "age header: MAC mismatch: "
		    "the header was altered or forged");
out:
	if (rc != IR_OK)
		OPENSSL_cleanse(fk, AGE_FILE_KEY);
	if (hp.st != NULL) {
		OPENSSL_cleanse(hp.st, hp.cap * sizeof(*hp.st));
		free(hp.st);
	}
	ir_buf_release(&hp.raw);
	return rc;
}
