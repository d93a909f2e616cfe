/* fsfile: one file of an image's file system, found by path or inode. */
#include <stdlib.h>
#include <string.h>

#include "ir/error.h"
#include "ir/fs.h"
#include "ir_private.h"
#include "fs_impl.h"

/* "/dir/name:stream" on NTFS: the stream's $DATA attribute. */
static const TSK_FS_ATTR *
find_stream(TSK_FS_FILE *tf, const char *stream)
{
	const TSK_FS_ATTR *a;
	int i, n = tsk_fs_file_attr_getsize(tf);

	for (i = 0; i < n; i++) {
		a = tsk_fs_file_attr_get_idx(tf, i);
		if (a != NULL && a->type == TSK_FS_ATTR_TYPE_NTFS_DATA &&
		    a->name != NULL && strcmp(a->name, stream) == 0)
			return a;
	}
	return NULL;
}

static const TSK_FS_ATTR *
find_attr(TSK_FS_FILE *tf, uint32_t type, uint16_t id)
{
	tsk_error_reset();
	return tsk_fs_file_attr_get_type(tf, (TSK_FS_ATTR_TYPE_ENUM)type, id, 1);
}

int
ir_fs_file_open(struct ir_fs_file **fhp, struct ir_fs *fs, const char *path,
    uint64_t inode, uint32_t attr_type, uint16_t attr_id, struct ir_err *e)
{
	struct ir_fs_file *fh;
	const TSK_FS_ATTR *attr = NULL;
	char *p = NULL, *colon, *slash;
	int rc;

	*fhp = NULL;
	if ((fh = calloc(1, sizeof(*fh))) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	fh->fs = fs;
	ir_buf_init(&fh->path, IR_BUF_NOLIMIT);
	tsk_error_reset();
	if (path != NULL) {
		if ((p = strdup(path)) == NULL) {
			rc = ir_err_set(e, IR_ENOMEM, 0, "out of memory");
			goto fail;
		}
		/* A stream name follows the last ':' of the last component. */
		slash = strrchr(p, '/');
		colon = strrchr(slash != NULL ? slash : p, ':');
		if (colon != NULL && TSK_FS_TYPE_ISNTFS(fs->tsk->ftype))
			*colon++ = '\0';
		else
			colon = NULL;
		fh->tf = tsk_fs_file_open(fs->tsk, NULL, p);
		/* libtsk says a name it did not find is a bad argument. */
		if (fh->tf == NULL && tsk_error_get_errno() == TSK_ERR_FS_ARG) {
			rc = ir_err_set(e, IR_ENOENT, 0, "%s: no such file",
			    path);
			goto fail;
		}
		if (fh->tf == NULL || fh->tf->meta == NULL) {
			rc = ir__err_from_tsk(e, IR_ENOENT, path);
			goto fail;
		}
		if (colon != NULL &&
		    (attr = find_stream(fh->tf, colon)) == NULL) {
			rc = ir_err_set(e, IR_ENOENT, 0, "%s: no stream '%s'",
			    path, colon);
			goto fail;
		}
		rc = ir_buf_addstr(&fh->path, path[0] == '/' ? "" : "/", e);
		if (rc == IR_OK)
			rc = ir_buf_addstr(&fh->path, path, e);
	} else {
		fh->tf = tsk_fs_file_open_meta(fs->tsk, NULL, (TSK_INUM_T)inode);
		if (fh->tf == NULL || fh->tf->meta == NULL) {
			char what[48];

			(void)snprintf(what, sizeof(what), "inode %llu",
			    (unsigned long long)inode);
			rc = ir__err_from_tsk(e, IR_ENOENT, what);
			goto fail;
		}
		if (attr_type != 0 &&
		    (attr = find_attr(fh->tf, attr_type, attr_id)) == NULL) {
			rc = ir__err_from_tsk(e, IR_ENOENT, "no such attribute");
			goto fail;
		}
		rc = ir_buf_addstr(&fh->path, "", e);
	}
	if (rc != IR_OK || (rc = ir__fs_fill(fh, fh->tf, NULL, attr, e)) !=
	    IR_OK)
		goto fail;
	if (path == NULL)	/* no name was looked at: the inode says */
		fh->file.inode = inode;
	free(p);
	*fhp = fh;
	return IR_OK;
fail:
	free(p);
	ir_fs_file_close(fh);
	return rc;
}

void
ir_fs_file_close(struct ir_fs_file *fh)
{
	if (fh == NULL)
		return;
	if (fh->tf != NULL)
		tsk_fs_file_close(fh->tf);
	ir_buf_release(&fh->path);
	free(fh);
}

const struct ir_file *
ir_fs_file_info(const struct ir_fs_file *fh)
{
	return &fh->file;
}

int
ir_fs_read(struct ir_fs_file *fh, uint64_t off, void *buf, size_t n,
    size_t *got, struct ir_err *e)
{
	uint64_t size = fh->file.size;
	const TSK_FS_ATTR *a;
	ssize_t r;

	*got = 0;
	if (off >= size || n == 0)
		return IR_OK;
	if (n > size - off)
		n = (size_t)(size - off);
	tsk_error_reset();
	if (fh->attr != NULL)
		r = tsk_fs_attr_read(fh->attr, (TSK_OFF_T)off, buf, n,
		    TSK_FS_FILE_READ_FLAG_NONE);
	else
		r = tsk_fs_file_read(fh->tf, (TSK_OFF_T)off, buf, n,
		    TSK_FS_FILE_READ_FLAG_NONE);
	if (r < 0) {
		char what[64];

		/* A deleted file's lost blocks: zeros, counted as lost. */
		if (fh->file.deleted) {
			tsk_error_reset();
			memset(buf, 0, n);
			*got = n;
			return IR_OK;
		}
		(void)snprintf(what, sizeof(what), "read error at byte %llu",
		    (unsigned long long)off);
		return ir__err_from_tsk(e, IR_EIO, what);
	}
	/* Past NTFS's initialized size a stream reads as zeros. */
	if (r == 0 && (a = fh->attr != NULL ? fh->attr :
	    tsk_fs_file_attr_get(fh->tf)) != NULL &&
	    (a->flags & TSK_FS_ATTR_NONRES) &&
	    off >= (uint64_t)a->nrd.initsize) {
		memset(buf, 0, n);
		r = (ssize_t)n;
	}
	tsk_error_reset();
	*got = (size_t)r;
	return IR_OK;
}

/* Blocks of a run still free, so still holding the deleted file's data. */
/* A forged run cannot make this loop long: at most *budget blocks. */
static uint64_t
free_blocks(TSK_FS_INFO *fs, const TSK_FS_ATTR_RUN *run, uint64_t *budget)
{
	TSK_DADDR_T b, end = run->addr + run->len;
	uint64_t n = 0;

	if (end > fs->last_block + 1 || end < run->addr)
		end = fs->last_block + 1;
	for (b = run->addr; b < end && *budget > 0; b++, (*budget)--)
		if (!(fs->block_getflags(fs, b) & TSK_FS_BLOCK_FLAG_ALLOC))
			n++;
	tsk_error_reset();
	return n;
}

uint64_t
ir_fs_recoverable(struct ir_fs_file *fh)
{
	const TSK_FS_ATTR *a = fh->attr;
	const TSK_FS_ATTR_RUN *run;
	TSK_FS_INFO *fs = fh->fs->tsk;
	uint64_t bytes = 0, size = fh->file.size, budget;

	if (fh->recov_known)
		return fh->recov;
	fh->recov_known = 1;
	if (!fh->file.deleted)
		return fh->recov = size;
	if (fh->file.realloc || fh->tf->meta == NULL)
		return fh->recov = 0;	/* the inode is another file's now */
	tsk_error_reset();
	if (a == NULL)
		a = tsk_fs_file_attr_get(fh->tf);
	tsk_error_reset();
	if (a == NULL)
		return fh->recov = 0;
	if (a->flags & TSK_FS_ATTR_RES)
		return fh->recov = size;
	budget = size / fs->block_size + 1;
	for (run = a->nrd.run; run != NULL && budget > 0; run = run->next) {
		if (run->flags & TSK_FS_ATTR_RUN_FLAG_FILLER)
			continue;
		if (run->flags & TSK_FS_ATTR_RUN_FLAG_SPARSE)
			bytes += run->len * fs->block_size;
		else
			bytes += free_blocks(fs, run, &budget) *
			    fs->block_size;
	}
	return fh->recov = bytes < size ? bytes : size;
}
