/*
 * age_stream: the payload of age v1, and the encryptor and decryptor
 * handles.  The payload is a 16-byte nonce, then STREAM (Hoang, Reyhanitabar,
 * Rogaway, Vizár): ChaCha20-Poly1305 over 64 KiB chunks under
 * HKDF-SHA256(salt nonce, file key, "payload"), the 12-byte chunk nonce
 * being an 11-byte big-endian counter and a last-chunk flag.
 *
 * The reader holds one ciphertext chunk plus one byte: that byte says
 * whether the chunk is the last one, so a chunk is opened with the flag
 * its place implies, and its plaintext is handed out only after its tag
 * checked.  A full chunk that fails is tried with the other flag, to tell
 * a cut stream from trailing data.  A stream that ends without its
 * last-flagged chunk, or goes on after it, is IR_EFORMAT, never a clean
 * end.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ir/age.h"
#include "ir/buf.h"
#include "ir/error.h"
#include "ir/version.h"
#include "age_impl.h"

struct ir_age_enc {
	ir_age_write_fn	 wr;
	void		*arg;
	EVP_CIPHER_CTX	*cc;
	unsigned char	 fk[AGE_FILE_KEY];
	unsigned char	 key[AGE_KEY];		/* payload key */
	unsigned char	*pks;			/* recipients' public keys */
	size_t		 npk;
	char		*pass;
	int		 log2n;
	int		 state;			/* ENC_* */
	struct ir_err	 err;			/* why ENC_FAILED */
	uint64_t	 counter;
	size_t		 len;			/* plaintext in pt */
	unsigned char	 pt[AGE_CHUNK];
	unsigned char	 ct[AGE_CT_CHUNK];
};

enum { ENC_NEW, ENC_BODY, ENC_DONE, ENC_FAILED };

struct ir_age_dec {
	EVP_CIPHER_CTX	*cc;
	unsigned char	 key[AGE_KEY];
	uint64_t	 counter;
	int		 done;			/* last chunk opened */
	int		 trailing;		/* a last chunk, more after it */
	int		 failed;
	struct ir_err	 err;			/* why failed */
	size_t		 off, len;		/* unread plaintext in pt */
	unsigned char	 pt[AGE_CHUNK];
	struct ir_age_rd rd;
};

static void
chunk_nonce(unsigned char n[12], uint64_t counter, int last)
{
	int i;

	memset(n, 0, 12);
	for (i = 0; i < 8; i++)
		n[10 - i] = (unsigned char)(counter >> (8 * i));
	n[11] = last ? 1 : 0;
}

static int
payload_key(const unsigned char fk[AGE_FILE_KEY],
    const unsigned char nonce[AGE_NONCE], unsigned char key[AGE_KEY],
    struct ir_err *e)
{
	return ir__age_hkdf(nonce, AGE_NONCE, fk, AGE_FILE_KEY, "payload", key,
	    AGE_KEY, e);
}

/* ---- writing ---- */

int
ir_age_enc_new(struct ir_age_enc **encp, const char *const *recipients,
    size_t nrecip, const char *passphrase, ir_age_write_fn wr, void *arg,
    struct ir_err *e)
{
	struct ir_age_enc *enc;
	int rc;

	*encp = NULL;
	if (wr == NULL)
		return ir_err_set(e, IR_EINVAL, 0, "age: no output");
	if (passphrase != NULL && nrecip > 0)
		return ir_err_set(e, IR_EINVAL, 0, "age: a passphrase must be "
		    "the only recipient");
	if (passphrase == NULL && nrecip == 0)
		return ir_err_set(e, IR_EINVAL, 0, "age: no recipient");
	if (passphrase != NULL && *passphrase == '\0')
		return ir_err_set(e, IR_EINVAL, 0, "age: empty passphrase");
	if (nrecip > AGE_STANZA_MAX)
		return ir_err_set(e, IR_ELIMIT, 0, "age: %zu recipients, "
		    "readers take at most %d", nrecip, AGE_STANZA_MAX);
	if (recipients == NULL && nrecip > 0)
		return ir_err_set(e, IR_EINVAL, 0, "age: NULL recipients");
	if ((rc = ir_init(e)) != IR_OK)
		return rc;
	if ((enc = calloc(1, sizeof(*enc))) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	enc->wr = wr;
	enc->arg = arg;
	enc->log2n = AGE_SCRYPT_LOG2N_WRITE;
	enc->npk = nrecip;
	if (nrecip > 0 && (enc->pks = malloc(nrecip * 32)) == NULL) {
		rc = ir_err_set(e, IR_ENOMEM, 0, "out of memory");
		goto fail;
	}
	if (nrecip > 0 && (rc = ir__age_parse_recipients(recipients, nrecip,
	    enc->pks, e)) != IR_OK)
		goto fail;
	if (passphrase != NULL && (enc->pass = strdup(passphrase)) == NULL) {
		rc = ir_err_set(e, IR_ENOMEM, 0, "out of memory");
		goto fail;
	}
	if ((enc->cc = EVP_CIPHER_CTX_new()) == NULL) {
		rc = ir__age_crypto_err(e, "ChaCha20-Poly1305");
		goto fail;
	}
	if ((rc = ir__age_random(enc->fk, sizeof(enc->fk), e)) != IR_OK)
		goto fail;
	*encp = enc;
	return IR_OK;
fail:
	ir_age_enc_free(enc);
	return rc;
}

int
ir__age_enc_scrypt_log2n(struct ir_age_enc *enc, int log2n, struct ir_err *e)
{
	if (enc->state != ENC_NEW || log2n < 1 ||
	    log2n > AGE_SCRYPT_LOG2N_READ)
		return ir_err_set(e, IR_EINVAL, 0, "age: scrypt work factor "
		    "%d refused", log2n);
	enc->log2n = log2n;
	return IR_OK;
}

static int
enc_fail(struct ir_age_enc *enc, int rc, struct ir_err *e)
{
	enc->state = ENC_FAILED;
	if (e != NULL)
		enc->err = *e;
	else
		ir_err_set(&enc->err, (enum ir_code)rc, 0, "age: encryption "
		    "failed");
	OPENSSL_cleanse(enc->pt, sizeof(enc->pt));
	return rc;
}

static int
enc_put(struct ir_age_enc *enc, const void *p, size_t n, struct ir_err *e)
{
	int rc;

	if (e != NULL)
		ir_err_clear(e);
	if ((rc = enc->wr(enc->arg, p, n, e)) != IR_OK) {
		if (e != NULL && e->code == IR_OK)
			ir_err_set(e, IR_EIO, 0, "age: write failed");
		return rc > 0 ? rc : IR_EIO;
	}
	return IR_OK;
}

/* Header and payload nonce, on the first write or at finish. */
static int
enc_start(struct ir_age_enc *enc, struct ir_err *e)
{
	struct ir_buf h = IR_BUF_INIT(AGE_HEADER_MAX);
	unsigned char nonce[AGE_NONCE];
	int rc;

	if ((rc = ir__age_header_build(&h, enc->fk, enc->pks, enc->npk,
	    enc->pass, enc->log2n, e)) != IR_OK ||
	    (rc = ir__age_random(nonce, sizeof(nonce), e)) != IR_OK ||
	    (rc = payload_key(enc->fk, nonce, enc->key, e)) != IR_OK ||
	    (rc = enc_put(enc, h.buf, h.len, e)) != IR_OK ||
	    (rc = enc_put(enc, nonce, sizeof(nonce), e)) != IR_OK)
		goto out;
	/* The file key did its work: only the payload key is kept. */
	OPENSSL_cleanse(enc->fk, sizeof(enc->fk));
	if (enc->pass != NULL) {
		OPENSSL_cleanse(enc->pass, strlen(enc->pass));
		free(enc->pass);
		enc->pass = NULL;
	}
	enc->state = ENC_BODY;
out:
	ir_buf_release(&h);
	return rc;
}

static int
enc_chunk(struct ir_age_enc *enc, int last, struct ir_err *e)
{
	unsigned char nonce[12];
	int rc;

	if (enc->counter == UINT64_MAX)
		return ir_err_set(e, IR_ELIMIT, 0, "age: stream too long");
	chunk_nonce(nonce, enc->counter, last);
	if ((rc = ir__age_aead(enc->cc, 1, enc->key, nonce, enc->pt, enc->len,
	    enc->ct, e)) != IR_OK)
		return rc;
	OPENSSL_cleanse(enc->pt, enc->len);
	if ((rc = enc_put(enc, enc->ct, enc->len + AGE_TAG, e)) != IR_OK)
		return rc;
	enc->counter++;
	enc->len = 0;
	return IR_OK;
}

static int
enc_state(struct ir_age_enc *enc, struct ir_err *e)
{
	if (enc == NULL)
		return ir_err_set(e, IR_EINVAL, 0, "age: no encryptor");
	if (enc->state == ENC_FAILED) {
		if (e != NULL)
			*e = enc->err;
		return enc->err.code;
	}
	if (enc->state == ENC_DONE)
		return ir_err_set(e, IR_EINVAL, 0, "age: stream already "
		    "finished");
	return IR_OK;
}

int
ir_age_enc_write(struct ir_age_enc *enc, const void *buf, size_t n,
    struct ir_err *e)
{
	const unsigned char *p = buf;
	size_t k;
	int rc;

	if ((rc = enc_state(enc, e)) != IR_OK)
		return rc;
	if (n == 0)
		return IR_OK;
	if (enc->state == ENC_NEW && (rc = enc_start(enc, e)) != IR_OK)
		return enc_fail(enc, rc, e);
	while (n > 0) {
		/* A full chunk goes out only once more data follows it. */
		if (enc->len == AGE_CHUNK &&
		    (rc = enc_chunk(enc, 0, e)) != IR_OK)
			return enc_fail(enc, rc, e);
		k = AGE_CHUNK - enc->len < n ? AGE_CHUNK - enc->len : n;
		memcpy(enc->pt + enc->len, p, k);
		enc->len += k;
		p += k;
		n -= k;
	}
	return IR_OK;
}

int
ir_age_enc_finish(struct ir_age_enc *enc, struct ir_err *e)
{
	int rc;

	if ((rc = enc_state(enc, e)) != IR_OK)
		return rc;
	if (enc->state == ENC_NEW && (rc = enc_start(enc, e)) != IR_OK)
		return enc_fail(enc, rc, e);
	if ((rc = enc_chunk(enc, 1, e)) != IR_OK)
		return enc_fail(enc, rc, e);
	OPENSSL_cleanse(enc->key, sizeof(enc->key));
	enc->state = ENC_DONE;
	return IR_OK;
}

void
ir_age_enc_free(struct ir_age_enc *enc)
{
	if (enc == NULL)
		return;
	EVP_CIPHER_CTX_free(enc->cc);
	if (enc->pass != NULL) {
		OPENSSL_cleanse(enc->pass, strlen(enc->pass));
		free(enc->pass);
	}
	free(enc->pks);
	OPENSSL_cleanse(enc, sizeof(*enc));
	free(enc);
}

/* ---- reading ---- */

int
ir__age_rd_fill(struct ir_age_rd *rd, size_t want, struct ir_err *e)
{
	ssize_t r;

	if (want > sizeof(rd->buf))
		want = sizeof(rd->buf);
	if (rd->len - rd->pos >= want || rd->eof)
		return IR_OK;
	if (rd->pos > 0) {
		memmove(rd->buf, rd->buf + rd->pos, rd->len - rd->pos);
		rd->len -= rd->pos;
		rd->pos = 0;
	}
	while (rd->len < want && !rd->eof) {
		if (e != NULL)
			ir_err_clear(e);
		r = rd->fn(rd->arg, rd->buf + rd->len, sizeof(rd->buf) -
		    rd->len, e);
		if (r < 0) {
			if (e != NULL && e->code == IR_OK)
				ir_err_set(e, IR_EIO, 0, "age: read failed");
			return e != NULL ? (int)e->code : IR_EIO;
		}
		if ((size_t)r > sizeof(rd->buf) - rd->len)
			return ir_err_set(e, IR_EINVAL, 0, "age: the read "
			    "callback returned more than asked");
		if (r == 0)
			rd->eof = 1;
		rd->len += (size_t)r;
	}
	return IR_OK;
}

int
ir__age_dec_new_max(struct ir_age_dec **decp, const struct ir_age_ids *ids,
    const char *passphrase, int max_log2n, ir_age_read_fn rd, void *arg,
    struct ir_err *e)
{
	struct ir_age_dec *dec;
	unsigned char fk[AGE_FILE_KEY];
	int rc;

	*decp = NULL;
	if (rd == NULL)
		return ir_err_set(e, IR_EINVAL, 0, "age: no input");
	if (ids == NULL && passphrase == NULL)
		return ir_err_set(e, IR_EINVAL, 0, "age: neither an identity "
		    "nor a passphrase to decrypt with");
	if ((rc = ir_init(e)) != IR_OK)
		return rc;
	if ((dec = calloc(1, sizeof(*dec))) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	dec->rd.fn = rd;
	dec->rd.arg = arg;
	if ((dec->cc = EVP_CIPHER_CTX_new()) == NULL) {
		rc = ir__age_crypto_err(e, "ChaCha20-Poly1305");
		goto fail;
	}
	if ((rc = ir__age_header_read(&dec->rd, ids, passphrase, max_log2n,
	    fk, e)) != IR_OK)
		goto fail;
	if ((rc = ir__age_rd_fill(&dec->rd, AGE_NONCE, e)) != IR_OK)
		goto fail;
	if (dec->rd.len - dec->rd.pos < AGE_NONCE) {
		rc = ir_err_set(e, IR_EFORMAT, 0, "age: truncated: the "
		    "payload nonce is missing");
		goto fail;
	}
	rc = payload_key(fk, dec->rd.buf + dec->rd.pos, dec->key, e);
	if (rc != IR_OK)
		goto fail;
	dec->rd.pos += AGE_NONCE;
	OPENSSL_cleanse(fk, sizeof(fk));
	*decp = dec;
	return IR_OK;
fail:
	OPENSSL_cleanse(fk, sizeof(fk));
	ir_age_dec_free(dec);
	return rc;
}

int
ir_age_dec_new(struct ir_age_dec **decp, const struct ir_age_ids *ids,
    const char *passphrase, ir_age_read_fn rd, void *arg, struct ir_err *e)
{
	return ir__age_dec_new_max(decp, ids, passphrase,
	    AGE_SCRYPT_LOG2N_READ, rd, arg, e);
}

/* Open ciphertext chunk of n bytes with the flag last: IR_ENOENT if bad. */
static int
open_chunk(struct ir_age_dec *dec, const unsigned char *ct, size_t n,
    int last, struct ir_err *e)
{
	unsigned char nonce[12];

	chunk_nonce(nonce, dec->counter, last);
	return ir__age_aead(dec->cc, 0, dec->key, nonce, ct, n, dec->pt, e);
}

/* The next chunk into pt, authenticated. */
static int
next_chunk(struct ir_age_dec *dec, struct ir_err *e)
{
	struct ir_age_rd *rd = &dec->rd;
	unsigned long long idx = (unsigned long long)dec->counter;
	const unsigned char *ct;
	size_t avail, n;
	int rc, last;

	if (dec->trailing)
		return ir_err_set(e, IR_EFORMAT, 0, "age: trailing data after "
		    "the final chunk (chunk %llu)", idx - 1);
	if (dec->counter == UINT64_MAX)
		return ir_err_set(e, IR_ELIMIT, 0, "age: stream too long");
	if ((rc = ir__age_rd_fill(rd, AGE_CT_CHUNK + 1, e)) != IR_OK)
		return rc;
	avail = rd->len - rd->pos;
	ct = rd->buf + rd->pos;
	last = avail <= AGE_CT_CHUNK;
	n = last ? avail : AGE_CT_CHUNK;
	if (last && avail == 0)
		return ir_err_set(e, IR_EFORMAT, 0, "age: truncated: %s",
		    idx == 0 ? "no payload after the nonce" : "the stream ends "
		    "at a chunk boundary without its final chunk");
	if (avail < AGE_TAG)
		return ir_err_set(e, IR_EFORMAT, 0, "age: truncated: chunk %llu "
		    "is %zu bytes, shorter than its tag", idx, avail);
	if (last && n == AGE_TAG && idx > 0)
		return ir_err_set(e, IR_EFORMAT, 0, "age: chunk %llu: an empty "
		    "final chunk after a full one", idx);
	if ((rc = open_chunk(dec, ct, n, last, e)) == IR_OK) {
		rd->pos += n;
		dec->counter++;
		dec->off = 0;
		dec->len = n - AGE_TAG;
		dec->done = last;
		return IR_OK;
	}
	if (rc != IR_ENOENT)
		return rc;
	/*
	 * A full chunk may carry the other flag.  Either way it is
	 * authentic and is handed out, as age's reference reader does; the
	 * next read fails: at the end of the input, a chunk that opens as
	 * not-last means the final chunk is missing; before more input,
	 * one that opens as last means trailing data.
	 */
	if (n == AGE_CT_CHUNK && open_chunk(dec, ct, n, !last, NULL) ==
	    IR_OK) {
		rd->pos += n;
		dec->counter++;
		dec->off = 0;
		dec->len = n - AGE_TAG;
		dec->trailing = !last;
		return IR_OK;
	}
	return ir_err_set(e, IR_EFORMAT, 0, "age: chunk %llu: authentication "
	    "failed: the payload was altered%s", idx,
	    last ? ", truncated or has trailing data" : "");
}

ssize_t
ir_age_dec_read(struct ir_age_dec *dec, void *buf, size_t n,
    struct ir_err *e)
{
	unsigned char *out = buf;
	size_t got = 0, k;
	int rc;

	if (dec == NULL) {
		ir_err_set(e, IR_EINVAL, 0, "age: no decryptor");
		return -1;
	}
	if (dec->failed) {
		if (e != NULL)
			*e = dec->err;
		return -1;
	}
	if (n > SSIZE_MAX)
		n = SSIZE_MAX;
	while (got < n) {
		if (dec->off == dec->len) {
			if (dec->done)
				break;
			/* What is ready goes out before the next chunk. */
			if (got > 0)
				break;
			if ((rc = next_chunk(dec, &dec->err)) != IR_OK) {
				dec->failed = 1;
				OPENSSL_cleanse(dec->key, sizeof(dec->key));
				if (e != NULL)
					*e = dec->err;
				return -1;
			}
			continue;
		}
		k = dec->len - dec->off < n - got ? dec->len - dec->off :
		    n - got;
		memcpy(out + got, dec->pt + dec->off, k);
		dec->off += k;
		got += k;
	}
	if (dec->off == dec->len)
		OPENSSL_cleanse(dec->pt, dec->len);
	return (ssize_t)got;
}

void
ir_age_dec_free(struct ir_age_dec *dec)
{
	if (dec == NULL)
		return;
	EVP_CIPHER_CTX_free(dec->cc);
	OPENSSL_cleanse(dec, sizeof(*dec));
	free(dec);
}
