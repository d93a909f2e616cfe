/*
 * collect_copy: one file of the host into ir-collect's output, streamed
 * (read, SHA-256, write; no staging copy), with its metadata kept where
 * the output can hold it (permission bits, atime and mtime; a symlink
 * stays a symlink with its target) and recorded in full (owner, ctime,
 * birth time, extended attributes).  The source is opened as evidence
 * (read-only, O_NOATIME, O_NOFOLLOW, O_NONBLOCK); it is examined before
 * and after the copy, so a file that changed meanwhile is flagged.
 */
#ifndef IR_COLLECT_COPY_H
#define IR_COLLECT_COPY_H

#include <signal.h>
#include <stdint.h>

#include <ir.h>

struct ccopy {
	int		 outfd;		/* directory the copies go under */
	struct ir_hash	*hash;		/* sha256 */
	char		*buf;		/* CCOPY_CHUNK bytes */
	/* Checked between chunks: non-zero ends the copy, interrupted. */
	int		(*expired)(void *arg);
	void		*arg;
};

#define CCOPY_CHUNK	(1U << 20)

struct ccopy_res {
	uint64_t	 copied;	/* bytes */
	int		 truncated;	/* stopped at max bytes */
	int		 interrupted;	/* stopped by expired() */
	int		 changed;	/* it changed while it was copied */
	int		 err;		/* errno of a failed read, else 0 */
	int		 out_failed;	/* the output could not be written */
	char		 error[256];	/* what failed, or "" */
	char		*made;		/* the copy, relative to outfd */
	struct ir_buf	 xattrs;	/* a JSON list, or "" */
};

void	 ccopy_res_init(struct ccopy_res *);
void	 ccopy_res_release(struct ccopy_res *);

/*
 * Copy the regular file relname of dirfd to outrel, at most max bytes.
 * f is the walk's record: its metadata is refreshed from the open file
 * and its digest filled in.
 */
void	 ccopy_file(struct ccopy *, int dirfd, const char *relname,
	    const char *outrel, uint64_t max, struct ir_file *f,
	    struct ccopy_res *);
/* Make a symlink at outrel with f's target and times. */
void	 ccopy_link(struct ccopy *, const char *outrel, const struct ir_file *f,
	    struct ccopy_res *);

#endif
