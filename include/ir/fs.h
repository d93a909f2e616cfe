/*
 * fs: every file system in an image or device, through libtsk: each
 * allocated partition of a DOS or GPT volume system, or a bare file
 * system; allocated, deleted (name or metadata unallocated) and orphan
 * files, NTFS alternate data streams.  Records come with the partition and
 * file system they are from.  Content, deleted files' too, is read through
 * the same handles.
 *
 * libtsk is not safe on hostile images: callers that must survive a
 * crash walk each partition in its own process (see ir/worker.h); the
 * partition list is therefore separate from the walk of one partition.
 */
#ifndef IR_FS_H
#define IR_FS_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/file.h"

struct ir_err;
struct ir_img;
struct ir_fs;
struct ir_fs_file;

enum ir_fs_flags {
	IR_FS_DELETED_ONLY = 1 << 0,	/* only names or files unallocated */
};

struct ir_fs_opts {
	int		 flags;
	int		 partition;	/* -1: all; else that index only */
	volatile sig_atomic_t *stop;	/* set: the walk ends with IR_EINTR */
};

/* Where a file system may be: a partition, or the whole image. */
struct ir_fs_part {
	int		 index;		/* 0, 1 ... as mmls numbers allocated
					   partitions; -1: no partition table */
	uint64_t	 start;		/* first sector */
	uint64_t	 offset;	/* bytes from the start of the image */
	uint64_t	 length;	/* bytes */
	char		 desc[64];	/* the table's description */
};

struct ir_fs_ent {
	struct ir_file	*file;		/* valid during the callback only */
	struct ir_fs_file *fh;		/* for ir_fs_read, same lifetime */
	int		 part;		/* as in ir_fs_part.index */
	uint64_t	 part_start;	/* first sector of the partition */
	const char	*fstype;	/* "ext4", "fat16", "ntfs" ... */
};

/* A file system that could not be opened or walked to its end. */
struct ir_fs_problem {
	int		 part;
	uint64_t	 part_start;
	const char	*fstype;	/* what it looks like, or NULL */
	const char	*what;		/* "unsupported file system: xfs" ... */
};

typedef int	(*ir_fs_fn)(const struct ir_fs_ent *, void *arg);
typedef void	(*ir_fs_problem_fn)(const struct ir_fs_problem *, void *arg);

/*
 * The places of img that may hold a file system: its allocated
 * partitions, or the whole image when it has no partition table.
 * *parts is freed by the caller.
 */
int	 ir_fs_parts(struct ir_img *, struct ir_fs_part **parts, size_t *n,
	    struct ir_err *);

/*
 * Open the file system of one part.  IR_EUNSUPP when libtsk cannot read
 * it; the message then names the type when it is recognisable (XFS,
 * Btrfs, LVM, LUKS, swap ...).
 */
int	 ir_fs_open(struct ir_fs **, struct ir_img *, const struct ir_fs_part *,
	    struct ir_err *);
void	 ir_fs_close(struct ir_fs *);
const char *ir_fs_type(const struct ir_fs *);
/* Is p one that opts->partition asks for? */
int	 ir_fs_part_selected(const struct ir_fs_opts *, const struct ir_fs_part *);
/* IR_EFORMAT when part runs past the end of the image (cut short). */
int	 ir_fs_part_cut(struct ir_img *, const struct ir_fs_part *,
	    struct ir_err *);
/* What the bytes at part look like when libtsk cannot read them, or NULL. */
const char *ir_fs_sniff(struct ir_img *, const struct ir_fs_part *);

/*
 * Walk every file of an open file system.  fn returns IR_OK to go on,
 * anything else to stop (returned).  Damage part way is reported as
 * IR_EFORMAT after the records that could be read.
 */
int	 ir_fs_walk_fs(struct ir_fs *, const struct ir_fs_opts *, ir_fs_fn fn,
	    void *arg, struct ir_err *);

/*
 * Walk every file system of img in one go (no crash isolation).
 * Partitions without a readable file system go to problem_fn (may be
 * NULL) and the walk goes on.  IR_EUNSUPP when none could be opened.
 */
int	 ir_fs_walk(struct ir_img *img, const struct ir_fs_opts *, ir_fs_fn fn,
	    ir_fs_problem_fn problem_fn, void *arg, struct ir_err *);

/*
 * The unallocated space of a file system, in runs of contiguous blocks cut
 * into chunks of at most chunk bytes: fn gets each with its byte offset in
 * the file system; non-IR_OK from fn stops (returned).  Deleted content
 * that no file record reaches any more is here.
 */
typedef int	(*ir_fs_unalloc_fn)(uint64_t off, const void *buf, size_t n,
		    void *arg);
int	 ir_fs_unalloc(struct ir_fs *, const struct ir_fs_opts *, size_t chunk,
	    ir_fs_unalloc_fn fn, void *arg, struct ir_err *);

/*
 * Open one file by path ("/dir/name", "/name:stream" for an NTFS stream)
 * or, when path is NULL, by inode (attr_type/attr_id 0: the default
 * stream).  Deleted files are found by inode, or by path when their name
 * is still in a directory.
 */
int	 ir_fs_file_open(struct ir_fs_file **, struct ir_fs *, const char *path,
	    uint64_t inode, uint32_t attr_type, uint16_t attr_id,
	    struct ir_err *);
void	 ir_fs_file_close(struct ir_fs_file *);
const struct ir_file *ir_fs_file_info(const struct ir_fs_file *);

/*
 * Read up to n bytes of the file's content (its stream) at off; *got is
 * short only at the end.  Unrecoverable parts of a deleted file read as
 * zeros; ir_fs_recoverable says how many bytes are really there.
 */
int	 ir_fs_read(struct ir_fs_file *, uint64_t off, void *buf, size_t n,
	    size_t *got, struct ir_err *);
/*
 * Bytes of the content libtsk can give back as they were: all of it for
 * an allocated file; for a deleted one, only what is in blocks that are
 * still known and not given to another file since.
 */
uint64_t ir_fs_recoverable(struct ir_fs_file *);

#endif
