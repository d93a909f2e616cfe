/*
 * ddmap: GNU ddrescue map files ("mapfiles"), the record of which byte
 * ranges of a source were read, are bad or are not tried yet.  ir-acquire
 * writes them as it images and reads them back to resume; ir-verify reads
 * them too, so the parser takes untrusted input.
 *
 * A map covers [0, size) with blocks that are sorted, contiguous, of
 * non-zero size and merged (two neighbours never share a status).  Past
 * the last block, up to size, the map is non-tried: that tail is implicit
 * so that init never allocates.  Positions and ends never exceed
 * INT64_MAX, the largest ddrescue can represent.
 */
#ifndef IR_DDMAP_H
#define IR_DDMAP_H

#include <stddef.h>
#include <stdint.h>

struct ir_err;
struct ir_buf;

/* Block statuses, as ddrescue writes them. */
enum ir_ddmap_status {
	IR_DDMAP_NONTRIED = '?',
	IR_DDMAP_NONTRIMMED = '*',
	IR_DDMAP_NONSCRAPED = '/',
	IR_DDMAP_BAD = '-',
	IR_DDMAP_DONE = '+',
};

/* The status line's phases besides the five above: fill and generate. */
#define IR_DDMAP_FILLING	'F'
#define IR_DDMAP_GENERATING	'G'

#define IR_DDMAP_MAXPOS		((uint64_t)INT64_MAX)

struct ir_ddmap_block {
	uint64_t	 pos;
	uint64_t	 size;
	int		 status;
};

struct ir_ddmap {
	uint64_t	 current_pos;		/* the status line */
	int		 current_status;	/* a block status, 'F' or 'G' */
	int		 current_pass;		/* >= 1 */
	struct ir_ddmap_block *blocks;		/* owned */
	size_t		 n, cap;
	uint64_t	 size;		/* covered: [0, size) */
};

/*
 * An empty map of a source of size bytes (0 when unknown: the map grows
 * as blocks are set), all non-tried, status line "0 ? 1".  Never fails,
 * never allocates.
 */
void	 ir_ddmap_init(struct ir_ddmap *, uint64_t size);
/* Free the blocks; the map is back to ir_ddmap_init(m, 0). */
void	 ir_ddmap_release(struct ir_ddmap *);

/*
 * Mark [pos, pos + size) with status (one of the five block statuses),
 * splitting and merging blocks.  A range past the end grows the map, the
 * bytes between filled as non-tried.  size 0 does nothing.  Extending the
 * last block is O(1), any other change a binary search and one memmove.
 * IR_EINVAL for a bad status or an end past INT64_MAX, IR_ENOMEM.
 */
int	 ir_ddmap_set(struct ir_ddmap *, uint64_t pos, uint64_t size,
	    int status, struct ir_err *);

/*
 * Append the text of the map to b, as ddrescue writes it: a comment
 * "# Mapfile. Created by irkit version V", then "# Command line: " and
 * header_comment (may be NULL; control characters are escaped so that it
 * stays one comment line), the status line and the blocks, in upper-case
 * hex.  Deterministic: no time stamps.  IR_EINVAL when the map breaks its
 * invariants (blocks built by hand), IR_ENOMEM or IR_ELIMIT from b.
 */
int	 ir_ddmap_format(const struct ir_ddmap *, const char *header_comment,
	    struct ir_buf *b, struct ir_err *);

/*
 * Parse a mapfile (untrusted).  Accepted as ddrescue accepts it: '#'
 * comments, blank lines, CR LF, decimal, 0x hex or 0 octal numbers, a
 * status line whose pass may be missing (1), blocks not starting at 0
 * (the bytes before are non-tried, as ddrescue reads them), neighbours
 * of equal status (merged).  IR_EFORMAT, with "line N: reason", on what
 * ddrescue rejects (no status line, a bad number or status, a zero size,
 * a gap, an overlap, blocks out of order, NUL bytes) and on what it would
 * silently clamp (a number or an end past INT64_MAX, trailing junk).
 * m must be initialised; on success its content is replaced (size = the
 * end of the last block), on failure it is unchanged.
 */
int	 ir_ddmap_parse(struct ir_ddmap *, const char *buf, size_t n,
	    struct ir_err *);
/* ir_ddmap_parse of the file at path; errors name the path. */
int	 ir_ddmap_load(struct ir_ddmap *, const char *path, struct ir_err *);

/*
 * Write the map to path atomically: into path.tmp in the same directory
 * (created afresh, mode 0644 less umask, never through a symlink),
 * fsync, rename over path, fsync the directory.  A crash leaves either
 * the old map or the new one, never half of one; on failure path.tmp is
 * removed.  IR_EIO naming the file and the reason.
 */
int	 ir_ddmap_save(const struct ir_ddmap *, const char *path,
	    const char *header_comment, struct ir_err *);

/*
 * Where a resumed acquisition goes on: the first position whose status
 * is not DONE or BAD; size when there is none (the map is complete).
 */
uint64_t ir_ddmap_resume_pos(const struct ir_ddmap *);
/* Bytes with status, the implicit non-tried tail included. */
uint64_t ir_ddmap_total(const struct ir_ddmap *, int status);

#endif
