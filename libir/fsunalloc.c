#include <stdlib.h>
#include <string.h>

#include "fs_impl.h"
#include "ir_private.h"
#include "ir/error.h"
#include "ir/fs.h"

/* Runs of unallocated blocks, gathered into chunks. */
struct unalloc {
	ir_fs_unalloc_fn	 fn;
	void			*arg;
	const struct ir_fs_opts	*opts;
	unsigned char		*buf;
	size_t			 cap, len;
	uint64_t		 start;		/* byte offset of buf[0] */
	uint64_t		 next;		/* block expected next */
	int			 rc;
};

static int
flush(struct unalloc *u)
{
	int rc = IR_OK;

	if (u->len > 0)
		rc = u->fn(u->start, u->buf, u->len, u->arg);
	u->len = 0;
	return rc;
}

static TSK_WALK_RET_ENUM
on_block(const TSK_FS_BLOCK *b, void *arg)
{
	struct unalloc *u = arg;
	size_t bs = b->fs_info->block_size;

	if (u->opts != NULL && u->opts->stop != NULL && *u->opts->stop) {
		u->rc = IR_EINTR;
		return TSK_WALK_STOP;
	}
	/* A gap, or a full chunk: hand over what is gathered. */
	if (u->len > 0 && (b->addr != u->next || u->len + bs > u->cap) &&
	    (u->rc = flush(u)) != IR_OK)
		return TSK_WALK_STOP;
	if (u->len == 0)
		u->start = (uint64_t)b->addr * bs;
	memcpy(u->buf + u->len, b->buf, bs);
	u->len += bs;
	u->next = b->addr + 1;
	return TSK_WALK_CONT;
}

int
ir_fs_unalloc(struct ir_fs *fs, const struct ir_fs_opts *opts, size_t chunk,
    ir_fs_unalloc_fn fn, void *arg, struct ir_err *e)
{
	struct unalloc u;
	TSK_FS_INFO *t = fs->tsk;

	memset(&u, 0, sizeof(u));
	u.fn = fn;
	u.arg = arg;
	u.opts = opts;
	u.cap = chunk < t->block_size ? t->block_size :
	    chunk - chunk % t->block_size;
	if ((u.buf = malloc(u.cap)) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	tsk_error_reset();
	if (tsk_fs_block_walk(t, t->first_block, t->last_block,
	    TSK_FS_BLOCK_WALK_FLAG_UNALLOC, on_block, &u) != 0 &&
	    u.rc == IR_OK)
		u.rc = ir__err_from_tsk(e, IR_EFORMAT, "unallocated space");
	if (u.rc == IR_OK)
		u.rc = flush(&u);
	else if (u.rc == IR_EINTR)
		(void)ir_err_set(e, IR_EINTR, 0, "interrupted");
	free(u.buf);
	return u.rc;
}
