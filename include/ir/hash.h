/*
 * hash: streaming digests of several algorithms at once, through libcrypto
 * (which uses SHA-NI where the CPU has it).  With IR_HASH_PARALLEL each
 * algorithm beyond the first runs on its own thread, so one large stream
 * is hashed on several cores.
 */
#ifndef IR_HASH_H
#define IR_HASH_H

#include <stddef.h>
#include <stdint.h>

struct ir_err;

enum ir_hash_alg {
	IR_HASH_MD5,
	IR_HASH_SHA1,
	IR_HASH_SHA256,
	IR_HASH_NALG
};
#define IR_HASH_BIT(a)		(1U << (a))
#define IR_HASH_ALL		((1U << IR_HASH_NALG) - 1)
#define IR_HASH_MAXLEN		32	/* bytes of the longest digest */

enum ir_hash_flags {
	IR_HASH_PARALLEL = 1 << 0,	/* one thread per extra algorithm */
};

struct ir_digest {
	unsigned int	 algs;		/* which md[] are valid */
	uint64_t	 nbytes;	/* bytes hashed */
	unsigned char	 md[IR_HASH_NALG][IR_HASH_MAXLEN];
};

struct ir_hash;

const char	*ir_hash_name(enum ir_hash_alg);	/* "md5", "sha1", "sha256" */
size_t		 ir_hash_len(enum ir_hash_alg);		/* digest bytes */
/* Name to algorithm, or -1. */
int		 ir_hash_lookup(const char *name, size_t len);
/* "md5,sha256" to a bit set; IR_EINVAL names the bad item. */
int		 ir_hash_parse_list(const char *list, unsigned int *algs,
		    struct ir_err *);
/* Lower-case hex of one digest into out (2 * IR_HASH_MAXLEN + 1 bytes). */
void		 ir_digest_hex(const struct ir_digest *, enum ir_hash_alg,
		    char *out);

/* The SHA-256 of n bytes at p, as lower-case hex (a line, a small file). */
int		 ir_sha256_hex(const void *p, size_t n, char out[65],
		    struct ir_err *);

int		 ir_hash_new(struct ir_hash **, unsigned int algs, int flags,
		    struct ir_err *);
void		 ir_hash_free(struct ir_hash *);
unsigned int	 ir_hash_algs(const struct ir_hash *);
/* Start a new stream with the same algorithms (contexts are reused). */
int		 ir_hash_reset(struct ir_hash *, struct ir_err *);
int		 ir_hash_update(struct ir_hash *, const void *, size_t,
		    struct ir_err *);
/* Finish the stream into d; call ir_hash_reset before the next one. */
int		 ir_hash_final(struct ir_hash *, struct ir_digest *d,
		    struct ir_err *);

/* Hash everything readable from fd (from its current offset) into d. */
int		 ir_hash_fd(struct ir_hash *, int fd, struct ir_digest *d,
		    struct ir_err *);

#endif
