/*
 * age_impl.h: shared by libir's age modules (age.c: keys and header;
 * age_stream.c: the STREAM payload; age_codec.c: Bech32 and base64) and
 * by the age unit test and fuzz harness.  Never installed.
 */
#ifndef IR_AGE_IMPL_H
#define IR_AGE_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "ir/age.h"

struct ir_err;
struct ir_buf;

#define AGE_CHUNK	65536			/* plaintext per chunk */
#define AGE_TAG		16			/* Poly1305 tag */
#define AGE_CT_CHUNK	(AGE_CHUNK + AGE_TAG)	/* a full ciphertext chunk */
#define AGE_FILE_KEY	16
#define AGE_NONCE	16			/* payload nonce */
#define AGE_KEY		32			/* X25519 and ChaCha20 keys */

/* Bounds on what a reader accepts from an untrusted header. */
#define AGE_HEADER_MAX	(128 * 1024)	/* whole header, bytes */
#define AGE_LINE_MAX	4096		/* one header line, without '\n' */
#define AGE_STANZA_MAX	1024		/* recipient stanzas */
#define AGE_SCRYPT_LOG2N_WRITE	18	/* work factor written */
#define AGE_SCRYPT_LOG2N_READ	22	/* largest work factor read */

/* Standard base64 without padding: encoded length of n bytes. */
size_t	 ir__age_b64_len(size_t n);
/* Encode n bytes into out (ir__age_b64_len(n) + 1 bytes, NUL-ended). */
void	 ir__age_b64_encode(char *out, const unsigned char *in, size_t n);
/*
 * Decode canonical unpadded base64 (no '=', no whitespace, unused bits
 * zero, length not 1 mod 4) of len chars into out (at most cap bytes).
 * 0 and *outlen, or -1.
 */
int	 ir__age_b64_decode(unsigned char *out, size_t cap, size_t *outlen,
	    const char *in, size_t len);

/*
 * Bech32 (BIP 173 checksum, no length limit) of n bytes with hrp into out
 * (outsz bytes with the NUL), lower case or upper case; 0 or -1 when it
 * does not fit.
 */
int	 ir__age_bech32_encode(char *out, size_t outsz, const char *hrp,
	    const unsigned char *data, size_t n, int upper);
/*
 * Decode s (len chars): all lower or all upper case, valid checksum, 8-bit
 * groups with zero padding.  The lower-case human-readable part goes to
 * hrp (hrpsz bytes with the NUL).  NULL, or a static reason why not.
 */
const char *ir__age_bech32_decode(const char *s, size_t len, char *hrp,
	    size_t hrpsz, unsigned char *data, size_t cap, size_t *datalen);

/* Buffered input: a full ciphertext chunk and one byte of lookahead. */
struct ir_age_rd {
	ir_age_read_fn	 fn;
	void		*arg;
	size_t		 pos, len;	/* unread bytes are buf[pos, len) */
	int		 eof;
	unsigned char	 buf[AGE_CT_CHUNK + 1];
};
/* Read until want bytes are unread or the input ends. */
int	 ir__age_rd_fill(struct ir_age_rd *, size_t want, struct ir_err *);

/* libcrypto's queued error as IR_EDEP "libcrypto: what failed: ...". */
int	 ir__age_crypto_err(struct ir_err *, const char *what);
int	 ir__age_random(void *, size_t, struct ir_err *);
/* HKDF-SHA256; an empty salt may be NULL. */
int	 ir__age_hkdf(const void *salt, size_t saltlen, const void *ikm,
	    size_t ikmlen, const char *info, unsigned char *out, size_t outlen,
	    struct ir_err *);
/*
 * ChaCha20-Poly1305, no associated data, with c (NULL: a temporary one).
 * seal: n bytes in, n + 16 out.  open: n >= 16 in, n - 16 out, IR_ENOENT
 * (out wiped) when the tag does not check.
 */
int	 ir__age_aead(EVP_CIPHER_CTX *c, int seal, const unsigned char key[32],
	    const unsigned char nonce[12], const unsigned char *in, size_t n,
	    unsigned char *out, struct ir_err *);

/* Recipient strings to 32-byte public keys, back to back in pks. */
int	 ir__age_parse_recipients(const char *const *, size_t n,
	    unsigned char *pks, struct ir_err *);
/* A complete header (stanzas for pks or pass, then the MAC) into h. */
int	 ir__age_header_build(struct ir_buf *h,
	    const unsigned char fk[AGE_FILE_KEY], const unsigned char *pks,
	    size_t npk, const char *pass, int log2n, struct ir_err *);
/*
 * Read a header from rd, unwrap the file key into fk with ids or pass,
 * check the MAC; rd is left at the payload.
 */
int	 ir__age_header_read(struct ir_age_rd *, const struct ir_age_ids *,
	    const char *pass, int max_log2n, unsigned char fk[AGE_FILE_KEY],
	    struct ir_err *);

/*
 * For tests and the fuzz harness only: the scrypt work factor an encryptor
 * writes (before its first write; 1..AGE_SCRYPT_LOG2N_READ), and a
 * decryptor that refuses work factors over max_log2n, so that hostile
 * input is rejected before any costly scrypt.
 */
int	 ir__age_enc_scrypt_log2n(struct ir_age_enc *, int log2n,
	    struct ir_err *);
int	 ir__age_dec_new_max(struct ir_age_dec **, const struct ir_age_ids *,
	    const char *passphrase, int max_log2n, ir_age_read_fn, void *arg,
	    struct ir_err *);

#endif
