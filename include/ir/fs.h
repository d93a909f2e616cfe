/*
 * fs: every file system in an image or device, through libtsk: each
 * allocated partition of a DOS or GPT volume system, or a bare file
 * system; allocated, deleted (name or metadata unallocated) and orphan
 * files.  Records come with the partition and file system they are from.
 */
#ifndef IR_FS_H
#define IR_FS_H

#include <signal.h>
#include <stdint.h>

#include "ir/file.h"

struct ir_err;
struct ir_img;

enum ir_fs_flags {
	IR_FS_DELETED_ONLY = 1 << 0,	/* only names or files unallocated */
};

struct ir_fs_opts {
	int		 flags;
	int		 partition;	/* -1: all; else that index only */
	volatile sig_atomic_t *stop;	/* set: the walk ends with IR_EINTR */
};

struct ir_fs_ent {
	struct ir_file	*file;		/* valid during the callback only */
	int		 part;		/* 0, 1 ... over allocated partitions;
					   -1 for a bare fs */
	uint64_t	 part_start;	/* first sector of the partition */
	const char	*fstype;	/* "ext4", "fat16", "ntfs" ... */
};

/* A file system that could not be opened, reported and skipped. */
struct ir_fs_problem {
	int		 part;
	uint64_t	 part_start;
	const char	*what;		/* "no file system libtsk knows": ... */
};

typedef int	(*ir_fs_fn)(const struct ir_fs_ent *, void *arg);
typedef void	(*ir_fs_problem_fn)(const struct ir_fs_problem *, void *arg);

/*
 * Walk every file system of img.  fn returns IR_OK to go on, anything
 * else to stop (returned).  Partitions without a readable file system go
 * to problem_fn (may be NULL); the walk goes on with the others.  Returns
 * IR_EUNSUPP when no file system at all could be opened.
 */
int	 ir_fs_walk(struct ir_img *img, const struct ir_fs_opts *, ir_fs_fn fn,
	    ir_fs_problem_fn problem_fn, void *arg, struct ir_err *);

#endif
