/*
 * fsdir: the names of one directory of a file system read through libtsk
 * (an image, or the block device under a mounted file system), as the
 * on-disk structures give them: what a live readdir(3) should show too,
 * unless something (a mount over the directory, a rootkit) hides them.
 * Run it in a worker process (see ir/worker.h): libtsk is not safe on
 * hostile file systems.
 */
#ifndef IR_FSDIR_H
#define IR_FSDIR_H

#include <stddef.h>
#include <stdint.h>

struct ir_err;
struct ir_fs;

struct ir_fs_dirent {
	const char	*name;		/* bytes; no NUL inside */
	size_t		 namelen;
	uint64_t	 inode;
	uint32_t	 type;		/* S_IFREG ... from the entry; 0: unknown */
	int		 allocated;	/* 0: a deleted name still on disk */
};

/* fn returns IR_OK to go on, anything else to stop (returned). */
typedef int	(*ir_fs_dir_fn)(const struct ir_fs_dirent *, void *arg);

/*
 * Every name of the directory path ("/etc/cron.d") of fs but "." and
 * "..", allocated and deleted ones, in on-disk order.  IR_ENOENT when
 * there is no such name, IR_EINVAL (ENOTDIR) when it is not a directory.
 */
int	 ir_fs_dir_list(struct ir_fs *fs, const char *path, ir_fs_dir_fn fn,
	    void *arg, struct ir_err *);

#endif
