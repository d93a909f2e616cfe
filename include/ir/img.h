/*
 * img: a disk image opened through libtsk: raw (and split raw: disk.001,
 * disk.002 ... or disk.aa, disk.ab ...), E01 (every segment), VMDK, VHD,
 * or a block device.  The type is detected unless the caller names it.
 * Handles are read-only; a final symlink is refused as everywhere else.
 */
#ifndef IR_IMG_H
#define IR_IMG_H

#include <stddef.h>
#include <stdint.h>

struct ir_err;
struct ir_img;

struct ir_img_info {
	const char	*type;		/* "raw", "ewf", "vmdk", "vhd" */
	uint64_t	 size;		/* bytes of the media */
	uint32_t	 sector_size;
	int		 nsegments;	/* files the image is made of */
};

/* type is NULL or "auto" for detection, else "raw", "ewf", "vmdk", "vhd". */
int	 ir_img_open(struct ir_img **, const char *path, const char *type,
	    struct ir_err *);
void	 ir_img_close(struct ir_img *);
const struct ir_img_info *ir_img_info(const struct ir_img *);
/* The i-th segment's file name (0 <= i < nsegments). */
const char *ir_img_segment(const struct ir_img *, int i);
/* Read n bytes at off; *got is short only at the end of the media. */
int	 ir_img_read(struct ir_img *, void *buf, size_t n, uint64_t off,
	    size_t *got, struct ir_err *);

/*
 * Does path look like a disk image rather than an ordinary file?  A block
 * device, an E01/VMDK/VHD container, a split raw first segment, or raw
 * bytes with a partition table or a file system signature.  Reads a few
 * sectors with the evidence open flags; parses nothing.
 */
int	 ir_img_probe(const char *path);

#endif
