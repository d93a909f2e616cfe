/*
 * tar: a POSIX tar (ustar with pax extended headers) writer.  A pax
 * header is added only when ustar cannot say it exactly: names and link
 * targets over ustar's fields or not plain ASCII (raw bytes, with
 * hdrcharset=BINARY when not UTF-8), sub-second or out-of-range times,
 * sizes of 8 GiB and more, large ids.  GNU tar, bsdtar and libarchive
 * read the result.  Output goes through a write callback, so the archive
 * streams into a compressor without a staging copy.
 */
#ifndef IR_TAR_H
#define IR_TAR_H

#include <stddef.h>
#include <stdint.h>

struct ir_err;
struct ir_tar;

/* Where a stage of a pipeline writes: all n bytes, or fail. */
typedef int	(*ir_write_fn)(void *arg, const void *buf, size_t n,
		    struct ir_err *);

enum ir_tar_type {
	IR_TAR_REG = '0',
	IR_TAR_SYMLINK = '2',
	IR_TAR_DIR = '5',
};

struct ir_tar_entry {
	const char	*name;		/* bytes; a directory's may end in '/' */
	const char	*link;		/* symlink target, else NULL */
	enum ir_tar_type type;
	uint32_t	 mode;		/* permission bits (07777) */
	uint64_t	 uid, gid;
	uint64_t	 size;		/* regular files: the bytes to follow */
	int64_t		 mtime;		/* seconds since the epoch */
	int32_t		 mtime_nsec;
};

int	 ir_tar_new(struct ir_tar **, ir_write_fn, void *arg, struct ir_err *);
/* The header of the next member; a regular file's data follows. */
int	 ir_tar_begin(struct ir_tar *, const struct ir_tar_entry *,
	    struct ir_err *);
/* Member data: never more than the size given to begin (IR_EINVAL). */
int	 ir_tar_write(struct ir_tar *, const void *, size_t, struct ir_err *);
/* End the member: IR_EINVAL when fewer bytes came than announced. */
int	 ir_tar_end(struct ir_tar *, struct ir_err *);
/* A whole member from memory: begin, write, end. */
int	 ir_tar_add(struct ir_tar *, const struct ir_tar_entry *,
	    const void *data, struct ir_err *);
/* The two zero blocks that end an archive. */
int	 ir_tar_finish(struct ir_tar *, struct ir_err *);
void	 ir_tar_free(struct ir_tar *);
/* Bytes written so far. */
uint64_t ir_tar_offset(const struct ir_tar *);

#endif
