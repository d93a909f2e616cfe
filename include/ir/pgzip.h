/*
 * pgzip: gzip compression on several cores, as pigz does.  The input is
 * cut into blocks (128 KiB); each is deflated on a worker of a pool,
 * primed with the 32 KiB before it as dictionary (so the output stays
 * within a few tenths of a percent of single-threaded gzip), and ended on
 * a byte boundary (Z_SYNC_FLUSH; the last with Z_FINISH).  The pieces are
 * written in order as one gzip member, whose CRC-32 is combined from the
 * blocks' (crc32_combine), so gunzip and tar -z read it as any other.
 * Memory is bounded: a few blocks per worker.
 */
#ifndef IR_PGZIP_H
#define IR_PGZIP_H

#include <stddef.h>
#include <stdint.h>

#include "ir/tar.h"		/* ir_write_fn */

struct ir_err;
struct ir_pgzip;

#define IR_PGZIP_BLOCK		(128U << 10)

/*
 * level 1-9 (6 is gzip's default); nthreads 0 deflates on the calling
 * thread, -1 uses every online CPU.  Compressed bytes go to out.
 */
int	 ir_pgzip_new(struct ir_pgzip **, int level, int nthreads,
	    ir_write_fn out, void *arg, struct ir_err *);
int	 ir_pgzip_write(struct ir_pgzip *, const void *, size_t,
	    struct ir_err *);
/* The last block and the trailer; without it the stream is cut short. */
int	 ir_pgzip_finish(struct ir_pgzip *, struct ir_err *);
void	 ir_pgzip_free(struct ir_pgzip *);
/* Bytes taken in and given out so far. */
uint64_t ir_pgzip_in(const struct ir_pgzip *);
uint64_t ir_pgzip_out(const struct ir_pgzip *);

#endif
