/*
 * fs_impl.h: what fs.c (walks) and fsfile.c (single files, content)
 * share.  Private to libir.
 */
#ifndef IR_FS_IMPL_H
#define IR_FS_IMPL_H

#include <tsk/libtsk.h>

#include "ir/buf.h"
#include "ir/file.h"
#include "ir/fs.h"

struct ir_fs {
	struct ir_img		*img;
	TSK_FS_INFO		*tsk;
	struct ir_fs_part	 part;
};

struct ir_fs_file {
	struct ir_fs		*fs;
	TSK_FS_FILE		*tf;
	const TSK_FS_ATTR	*attr;	/* the stream the record is for */
	struct ir_file		 file;
	struct ir_buf		 path;
	int			 recov_known;
	uint64_t		 recov;
};

/*
 * Fill fh->file from a libtsk file seen under the directory parent
 * (NULL: fh->path already holds the path).  attr: the NTFS attribute the
 * record stands for, or NULL.
 */
int	 ir__fs_fill(struct ir_fs_file *fh, TSK_FS_FILE *tf, const char *parent,
	    const TSK_FS_ATTR *attr, struct ir_err *e);

#endif
