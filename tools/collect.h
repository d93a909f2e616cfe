/*
 * collect: the state ir-collect's parts share (one collection run).
 */
#ifndef IR_COLLECT_H
#define IR_COLLECT_H

#include <stdint.h>

#include <ir.h>

#include "collect_copy.h"
#include "collect_plan.h"
#include "tool.h"

/* What became of one catalogue entry. */
struct astat {
	uint64_t	 files, bytes, dirs;
	uint64_t	 failed, truncated, skipped, old, changed, vanished;
	int		 err;		/* the first errno */
	int		 deadline_hit;
	double		 secs;		/* spent copying its files */
	char		 error[300];	/* the first failure */
	char		 reason[160];	/* why something was skipped */
};

/* The patterns alive in the directory at one depth. */
struct cstack {
	struct calive	*v;
	size_t		 n, cap;
	uint64_t	 dev;
};

struct coll {
	const char		*root;		/* realpath of --root */
	size_t			 rootlen;	/* 0 for "/" */
	int			 rootfd;
	uint64_t		 root_dev;
	struct ir_catalog	 cat;
	struct cplan		 plan;
	struct astat		*st;		/* one per artifact */
	size_t			*arts;		/* artifacts of this entry */
	size_t			 narts;
	struct cstack		*stack;
	size_t			 nstack;
	struct ccopy		 cp;
	struct ir_writer	*w;
	struct ir_mount		*mounts;
	size_t			 nmounts;
	const char		*cur_fstype;
	uint64_t		 excl_dev, excl_ino;	/* the output's base */
	char			 outdir[32];	/* "collect", "collect.2" */
	char			 outrel[8192];
	struct ir_time		 since;
	int			 have_since;
	double			 deadline;	/* monotonic; 0: none */
	double			 art_deadline;	/* seconds; 0: none */
	double			 copy_started;
	uint64_t		 min_free;
	uint64_t		 nfiles, nbytes, nrecords;
	struct ir_progress	 prog;
	struct ir_err		 err;
	struct ir_buf		 scratch;
	int			 out_failed;
	/*
	 * --case: copies are named in UTF-8 (other bytes as "%XX") and each
	 * regular one is listed, with its digest, for the custody entry.
	 */
	int			 in_case;
	struct tool_outputs	 copies;
	char			 stop_reason[300];
	char			 stop_path[8192];	/* where it stopped */
};

/* A problem record (and its line on stderr). */
void	 coll_problem(struct coll *, const char *path, const char *what);

#endif
