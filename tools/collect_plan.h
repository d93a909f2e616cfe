/*
 * collect_plan: ir-collect's patterns, every catalogue path with {home}
 * expanded to every home of the root (its etc/passwd, parsed natively,
 * plus every directory in root/home, and /root), split into components so that one walk
 * of the root can match all of them at once: each directory carries the
 * patterns still alive in it, and a directory none is alive in is never
 * entered.
 */
#ifndef IR_COLLECT_PLAN_H
#define IR_COLLECT_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include <ir.h>

struct cpat {
	char		**comp;		/* components below the root */
	size_t		 ncomp;
	size_t		 nfixed;	/* leading components without a glob */
	size_t		 art;		/* index in the catalogue */
	int		 recursive;
};

/* A pattern alive in a directory; inside: everything below matches. */
struct calive {
	uint32_t	 pat;
	uint32_t	 inside;
};

struct cplan {
	struct cpat	*p;
	size_t		 n;
	char		**homes;	/* "/home/alice", relative to the root */
	size_t		 nhomes;
	/* What was wrong with root/etc/passwd ("" when nothing). */
	char		 passwd_note[256];
};

/* rootfd: the root directory.  Exits nothing; IR_ENOMEM only. */
int	 cplan_build(struct cplan *, const struct ir_catalog *, int rootfd,
	    struct ir_err *);
void	 cplan_free(struct cplan *);

/*
 * The entry name at depth (1: a child of the root) in a directory whose
 * alive patterns are in (n of them): add the artifacts it matches to
 * arts (deduplicated, *narts of them, room for every artifact), and,
 * when isdir, the patterns alive inside it to out (room for n).
 * Returns how many were put in out.
 */
size_t	 cplan_step(const struct cplan *, const struct calive *in, size_t n,
	    const char *name, size_t depth, int isdir, struct calive *out,
	    size_t *arts, size_t *narts);

/*
 * Has a walk that stopped at the entry stop (a path relative to the root,
 * not itself done) seen everything pattern p can match?  The walk goes
 * depth first in byte order of names, so it has when p's fixed prefix
 * sorts before stop and is not an ancestor of it (nor stop of it).
 */
int	 cplan_done_before(const struct cpat *p, const char *stop);

#endif
