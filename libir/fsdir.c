/*
 * fsdir: one directory's names through libtsk.
 */
#include <sys/stat.h>

#include <errno.h>
#include <string.h>

#include "fs_impl.h"
#include "ir/error.h"
#include "ir/fsdir.h"
#include "ir_private.h"

static uint32_t
name_type(TSK_FS_NAME_TYPE_ENUM t)
{
	switch (t) {
	case TSK_FS_NAME_TYPE_FIFO:	return S_IFIFO;
	case TSK_FS_NAME_TYPE_CHR:	return S_IFCHR;
	case TSK_FS_NAME_TYPE_DIR:	return S_IFDIR;
	case TSK_FS_NAME_TYPE_BLK:	return S_IFBLK;
	case TSK_FS_NAME_TYPE_REG:	return S_IFREG;
	case TSK_FS_NAME_TYPE_LNK:	return S_IFLNK;
	case TSK_FS_NAME_TYPE_SOCK:	return S_IFSOCK;
	default:			return 0;
	}
}

int
ir_fs_dir_list(struct ir_fs *fs, const char *path, ir_fs_dir_fn fn,
    void *arg, struct ir_err *e)
{
	const TSK_FS_NAME *nm;
	struct ir_fs_dirent de;
	TSK_FS_FILE *tf;
	TSK_FS_DIR *d;
	TSK_INUM_T inum;
	size_t i, n;
	int rc = IR_OK, isdir;

	/*
	 * The name first, then the directory by its inode: tsk_fs_dir_open
	 * by path leaks a name when the path is not a directory (4.11).
	 */
	tsk_error_reset();
	switch (tsk_fs_path2inum(fs->tsk, path, &inum, NULL)) {
	case 0:
		break;
	case 1:
		return ir_err_set(e, IR_ENOENT, 0, "%s: no such directory",
		    path);
	default:
		return ir__err_from_tsk(e, IR_EFORMAT, path);
	}
	if ((tf = tsk_fs_file_open_meta(fs->tsk, NULL, inum)) == NULL)
		return ir__err_from_tsk(e, IR_EFORMAT, path);
	isdir = tf->meta != NULL && TSK_FS_IS_DIR_META(tf->meta->type);
	tsk_fs_file_close(tf);
	if (!isdir)
		return ir_err_set(e, IR_EINVAL, ENOTDIR, "%s", path);
	tsk_error_reset();
	if ((d = tsk_fs_dir_open_meta(fs->tsk, inum)) == NULL)
		return ir__err_from_tsk(e, IR_EFORMAT, path);
	n = tsk_fs_dir_getsize(d);
	for (i = 0; i < n && rc == IR_OK; i++) {
		if ((nm = tsk_fs_dir_get_name(d, i)) == NULL || nm->name ==
		    NULL)
			continue;
		if (strcmp(nm->name, ".") == 0 || strcmp(nm->name, "..") == 0)
			continue;
		memset(&de, 0, sizeof(de));
		de.name = nm->name;
		de.namelen = strlen(nm->name);
		de.inode = nm->meta_addr;
		de.type = name_type(nm->type);
		de.allocated = (nm->flags & TSK_FS_NAME_FLAG_ALLOC) != 0;
		rc = fn(&de, arg);
	}
	tsk_fs_dir_close(d);
	return rc;
}
