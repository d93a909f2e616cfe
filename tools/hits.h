/*
 * hits: the files that records name (ir-scan matches, ir-walk findings),
 * as (partition, inode) pairs, so that ir-cat can extract every hit of an
 * image in one walk.
 */
#ifndef IR_TOOL_HITS_H
#define IR_TOOL_HITS_H

#include <stddef.h>
#include <stdint.h>

struct hit {
	int		 part;		/* "part" of the record, -1 without */
	uint64_t	 inode;
	int		 found;
};

struct hits {
	struct hit	*v;		/* sorted, no duplicates */
	size_t		 n;
	size_t		 other;		/* records of other sources, skipped */
};

/*
 * Read JSON Lines records from path ("-": stdin) and keep those with an
 * inode, of the type given (NULL: any) and of source (NULL: any).  0, or
 * -1 with a message on stderr (a line that is not JSON names its number).
 */
int		 hits_load(struct hits *, const char *path, const char *type,
		    const char *source);
struct hit	*hits_find(const struct hits *, int part, uint64_t inode);
void		 hits_free(struct hits *);

#endif
