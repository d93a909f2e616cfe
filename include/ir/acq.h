/*
 * acq: the acquisition engine.  A source is read block by block in the
 * caller's thread while one thread hashes (each further algorithm on a
 * core of its own, see IR_HASH_PARALLEL) and another writes every sink,
 * through a ring of blocks: reading, hashing and writing overlap.
 * Unreadable sectors come zero-filled from the source (see ir_src_read)
 * and are reported with the block that holds them, after it is written.
 */
#ifndef IR_ACQ_H
#define IR_ACQ_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/hash.h"
#include "ir/src.h"

struct ir_err;
struct ir_sink;

struct ir_acq_opts {
	uint64_t	 offset;	/* first byte of the source to read */
	uint64_t	 count;		/* bytes to read; 0: to the end */
	uint64_t	 resume;	/* bytes already in the sinks (raw) */
	size_t		 block;		/* bytes per read; 0: 1 MiB */
	unsigned int	 algs;		/* digests of the whole */
	struct ir_hash	*hash;		/* or: feed this one, not finalized
					   (one digest over several runs) */
	uint64_t	 piece;		/* digests of every piece bytes; 0: none */
	volatile sig_atomic_t *stop;	/* set: the run ends, IR_EINTR */

	/* Reading thread: a block was read (progress); non-zero stops. */
	int		(*on_read)(uint64_t done, void *arg);
	/*
	 * Writing thread: [pos, pos + n) of the source is in every sink;
	 * bad lists the unreadable ranges inside it (zero-filled).
	 */
	void		(*on_written)(uint64_t pos, uint64_t n,
			    const struct ir_range *bad, size_t nbad, void *arg);
	/* Hashing thread: one piece's digest, in order. */
	void		(*on_piece)(uint64_t pos, uint64_t n,
			    const struct ir_digest *, void *arg);
	void		*arg;
};

struct ir_acq_result {
	uint64_t	 bytes;		/* of the source, read and written */
	uint64_t	 bad;		/* of those, zero-filled */
	struct ir_digest digest;	/* of all, resume prefix included */
	int		 short_source;	/* it ended before count bytes */
};

/*
 * Copy the source to every sink (none: hash only), hashing it.  Returns
 * IR_OK, IR_EINTR when stopped (the result says how far it got: what was
 * written is whole blocks), or the first read or write error.  With
 * opts->resume the first resume bytes of sinks[0] are hashed from the
 * files and reading starts at offset + resume.
 */
int	 ir_acq_run(struct ir_src *, struct ir_sink **sinks, size_t nsinks,
	    const struct ir_acq_opts *, struct ir_acq_result *, struct ir_err *);

#endif
