/*
 * walk: enumerate the objects of a live directory tree without following
 * symlinks (statx/openat from directory fds), without updating atime, and
 * without holding more than a bounded number of directory fds however deep
 * the tree is.  Entries of each directory are visited in byte order of
 * their names, so two walks of the same tree give the same order.
 */
#ifndef IR_WALK_H
#define IR_WALK_H

#include <signal.h>

#include "ir/file.h"

struct ir_err;

enum ir_walk_flags {
	IR_WALK_ONE_FS = 1 << 0,	/* do not cross into other file systems */
};

/* What the callback wants next. */
enum ir_walk_act {
	IR_WALK_CONTINUE,
	IR_WALK_PRUNE,		/* do not descend into this directory */
	IR_WALK_STOP,		/* end the walk: ir_walk returns IR_EINTR */
};

struct ir_walk_ent {
	struct ir_file	*file;		/* the record; the callback may fill in */
	int		 dirfd;		/* the parent directory, for openat */
	const char	*relname;	/* name relative to dirfd */
	int		 pseudo_fs;	/* on /proc, /sys & co: content is not data */
};

typedef enum ir_walk_act (*ir_walk_fn)(struct ir_walk_ent *, void *arg);

struct ir_walk_opts {
	int		 flags;
	int		 max_depth;	/* 0: no limit */
	/* Checked before each entry; when set, the walk ends with IR_EINTR. */
	volatile sig_atomic_t *stop;
};

/*
 * Walk root (which is not followed if it is a symlink), calling fn for the
 * root and every object below it.  Problems with one entry (it vanished,
 * cannot be listed) are put in that entry's file->error and the walk goes
 * on; the return is IR_OK, IR_EINTR when stopped, or an error when root
 * itself cannot be examined or memory ran out.  *nerrors counts entries
 * that carried an error.
 */
int	 ir_walk_tree(const char *root, const struct ir_walk_opts *,
	    ir_walk_fn fn, void *arg, unsigned long *nerrors, struct ir_err *);

#endif
