/*
 * hashset: known-file hash sets (NSRL-style good lists, IOC bad lists).
 * Reads plain lists (one hex digest per line, optionally followed by a
 * name as md5sum/sha256sum print it), "hash;comment" lines, and hashdeep
 * files (%%%% HASHDEEP-1.0 with its column header).  Blank lines and lines
 * starting with '#' are skipped; anything else is an error naming the line.
 */
#ifndef IR_HASHSET_H
#define IR_HASHSET_H

#include <stddef.h>

#include "ir/hash.h"

struct ir_err;
struct ir_hashset;

int	 ir_hashset_new(struct ir_hashset **, struct ir_err *);
void	 ir_hashset_free(struct ir_hashset *);
/* origin names the input in error messages ("list.txt"). */
int	 ir_hashset_load_mem(struct ir_hashset *, const char *buf, size_t n,
	    const char *origin, struct ir_err *);
int	 ir_hashset_load_file(struct ir_hashset *, const char *path,
	    struct ir_err *);
/* Which algorithms the set holds digests of (IR_HASH_BIT set). */
unsigned int ir_hashset_algs(const struct ir_hashset *);
size_t	 ir_hashset_count(const struct ir_hashset *);
/*
 * Is any digest of d in the set?  *note (may be NULL) gets the entry's
 * comment or file name ("" when none), valid while the set lives.
 */
int	 ir_hashset_match(const struct ir_hashset *, const struct ir_digest *d,
	    const char **note);

#endif
