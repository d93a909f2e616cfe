/*
 * src: an evidence source opened read-only: a regular file, a block device
 * or standard input ("-").  Never follows a final symlink, never updates
 * atime.  Reads that fail are retried sector by sector; sectors that stay
 * unreadable are zero-filled and kept in the source's map of bad ranges,
 * so the caller can say exactly which bytes are missing.
 */
#ifndef IR_SRC_H
#define IR_SRC_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

struct ir_err;

enum ir_src_kind {
	IR_SRC_FILE,
	IR_SRC_BLOCK,
	IR_SRC_STREAM,		/* stdin, pipe, character device: no seeking */
};

struct ir_range {
	uint64_t	 off;
	uint64_t	 len;
};

struct ir_src_info {
	enum ir_src_kind kind;
	uint64_t	 size;		/* 0 when unknown (streams) */
	uint32_t	 sector_size;	/* logical; 512 when unknown */
	uint32_t	 phys_sector_size;
	uint64_t	 dev;		/* st_dev of a file, st_rdev of a device */
	uint64_t	 inode;
	int		 removable;	/* -1 unknown */
	int		 readonly;	/* -1 unknown */
	char		 model[128];	/* from sysfs, "" when unknown */
	char		 serial[128];
	char		 vendor[64];
};

struct ir_src;

/* path "-" is standard input.  The source is never opened for writing. */
int	 ir_src_open(struct ir_src **, const char *path, struct ir_err *);
void	 ir_src_close(struct ir_src *);
const struct ir_src_info *ir_src_info(const struct ir_src *);
const char *ir_src_path(const struct ir_src *);
int	 ir_src_fd(const struct ir_src *);

/*
 * Read up to n bytes at off (sequentially for streams, where off must be
 * the current position).  *got is the number of bytes now in buf (short
 * only at the end of the source); unreadable sectors inside them are
 * zero-filled and added to the bad-range map.  IR_EIO only when nothing at
 * all could be read at off.
 */
int	 ir_src_read(struct ir_src *, void *buf, size_t n, uint64_t off,
	    size_t *got, struct ir_err *);
/*
 * A character device that can be read at any offset (/dev/crash, /dev/mem):
 * positioned reads instead of a stream's sequential ones.  IR_EINVAL if
 * it cannot seek.
 */
int	 ir_src_set_positioned(struct ir_src *, struct ir_err *);
/* How often a failed sector is read again before it counts as bad. */
void	 ir_src_set_retries(struct ir_src *, int retries);
/* The map of unreadable ranges, ascending and merged. */
const struct ir_range *ir_src_badmap(const struct ir_src *, size_t *n);

#endif
