/*
 * age: the age v1 file format (age-encryption.org/v1), written and read
 * with libcrypto, so that an evidence package encrypted by irkit opens
 * with the stock `age -d`, and one from `age -e` opens here.
 *
 * Recipients: X25519 ("age1..." Bech32 public keys) and scrypt (a
 * passphrase; alone, as age requires).  The payload is the STREAM
 * construction: ChaCha20-Poly1305 over 64 KiB chunks, keyed by HKDF from
 * the file key and a 16-byte nonce; the header is bound by its HMAC.
 *
 * Both directions stream through callbacks: nothing is staged, memory
 * stays at a chunk or two.  The reader never returns plaintext before its
 * chunk is authenticated, and a stream cut at a chunk boundary (no final
 * chunk) is IR_EFORMAT, never a clean end.
 */
#ifndef IR_AGE_H
#define IR_AGE_H

#include <sys/types.h>
#include <stddef.h>

struct ir_err;
struct ir_age_enc;
struct ir_age_dec;
struct ir_age_ids;

/* Where ciphertext goes: write all n bytes or fail. */
typedef int	(*ir_age_write_fn)(void *arg, const void *buf, size_t n,
		    struct ir_err *);
/* Where ciphertext comes from: up to n bytes, 0 at end, -1 on error. */
typedef ssize_t	(*ir_age_read_fn)(void *arg, void *buf, size_t n,
		    struct ir_err *);

#define IR_AGE_PUBKEY_MAX	128	/* "age1" + Bech32, with NUL */
#define IR_AGE_SECKEY_MAX	128	/* "AGE-SECRET-KEY-1..." with NUL */

/* IR_OK if s is a well-formed X25519 recipient ("age1..."). */
int	 ir_age_recipient_check(const char *s, struct ir_err *);

/*
 * Start an encrypted stream to nrecip X25519 recipients, or to a
 * passphrase (scrypt, work factor log2 18) when passphrase is not NULL
 * (then nrecip must be 0).  The header is written by the first
 * ir_age_enc_write or by ir_age_enc_finish.
 */
int	 ir_age_enc_new(struct ir_age_enc **, const char *const *recipients,
	    size_t nrecip, const char *passphrase, ir_age_write_fn, void *arg,
	    struct ir_err *);
int	 ir_age_enc_write(struct ir_age_enc *, const void *, size_t,
	    struct ir_err *);
/* Seal the last chunk.  Without it the output does not decrypt. */
int	 ir_age_enc_finish(struct ir_age_enc *, struct ir_err *);
/* Wipes the keys; safe on NULL and after an error. */
void	 ir_age_enc_free(struct ir_age_enc *);

/*
 * Identities: the text of an age identity file ("AGE-SECRET-KEY-1..."
 * lines, '#' comments, blank lines), as age-keygen writes it.
 */
int	 ir_age_ids_parse(const char *buf, size_t n, struct ir_age_ids **,
	    struct ir_err *);
void	 ir_age_ids_free(struct ir_age_ids *);

/*
 * Read an age header from rd and unwrap the file key with one of ids
 * (may be NULL) or with passphrase (may be NULL); IR_ENOENT when no
 * stanza matches, IR_EFORMAT for a malformed or forged header, IR_ELIMIT
 * for an scrypt work factor over log2 22.
 */
int	 ir_age_dec_new(struct ir_age_dec **, const struct ir_age_ids *,
	    const char *passphrase, ir_age_read_fn, void *arg,
	    struct ir_err *);
/* Up to n bytes of authenticated plaintext; 0 at the authenticated end. */
ssize_t	 ir_age_dec_read(struct ir_age_dec *, void *buf, size_t n,
	    struct ir_err *);
void	 ir_age_dec_free(struct ir_age_dec *);

/* A new X25519 key pair, as age-keygen makes (for tests and tools). */
int	 ir_age_keygen(char pub[IR_AGE_PUBKEY_MAX], char sec[IR_AGE_SECKEY_MAX],
	    struct ir_err *);

#endif
