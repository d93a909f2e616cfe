/*
 * image: the tools' walk over every file system of an image or device,
 * each in its own worker process so that libtsk crashing on a hostile
 * image costs that file system only.  The worker formats records itself;
 * the tool's process keeps only complete lines.
 */
#ifndef IR_TOOL_IMAGE_H
#define IR_TOOL_IMAGE_H

#include <stdio.h>

#include <ir.h>

/* What a worker reports back, as bits of its exit status. */
enum {
	IMG_FOUND	= 1 << 0,	/* a finding: exit 1 */
	IMG_INCOMPLETE	= 1 << 1,	/* entries unreadable, damage: exit 3 */
	IMG_STOPPED	= 1 << 2,	/* interrupted */
	IMG_FAILED	= 1 << 3,	/* the file system could not be walked */
};

struct image_walk {
	const char	*path;		/* the operand */
	const char	*type;		/* image type, NULL: detect */
	struct ir_fs_opts opts;		/* deleted-only, partition */
	enum ir_format	 fmt;
	const char	*source;	/* the source field of records */
	/*
	 * Called in the worker for every file; writes its record(s) with w.
	 * Returns IMG_* bits to add to the result, or -1 to stop (output
	 * failed).
	 */
	int		(*on_file)(const struct ir_fs_ent *, struct ir_writer *w,
			    void *arg);
	/*
	 * Optional, in the worker: before the first file (out is where the
	 * records go), and after the last one of a file system that could
	 * be opened (more work on it, such as its unallocated space); each
	 * returns IMG_* bits, or -1 to stop.
	 */
	int		(*begin)(FILE *out, void *arg);
	int		(*end)(struct ir_fs *, const struct ir_fs_part *,
			    struct ir_writer *w, void *arg);
	void		*arg;
};

/* "partition 1 (sector 2048)", or "the whole image" without a table. */
const char *image_where(const struct ir_fs_part *, char *buf, size_t sz);
/* ir_content_read_fn over an image's file (arg: its ir_fs_file). */
int	 image_fs_reader(void *arg, uint64_t off, void *buf, size_t n,
	    size_t *got, struct ir_err *);

/*
 * The places of path that may hold a file system (see ir_fs_parts), found
 * in a worker: neither the image container nor the partition table is
 * parsed in the tool's own process.  Returns 0 or IMG_* bits (messages
 * on stderr); *parts is freed by the caller.
 */
int	 image_parts(const char *path, const char *type,
	    struct ir_fs_part **parts, size_t *n);

/*
 * Walk every file system of iw->path, records to out (through w for the
 * tool's own problem records).  Returns IMG_* bits; messages go to
 * stderr.
 */
int	 image_walk(const struct image_walk *iw, struct ir_writer *w, FILE *out);

#endif
