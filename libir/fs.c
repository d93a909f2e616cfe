#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>

#include <tsk/libtsk.h>

#include "ir/buf.h"
#include "ir/error.h"
#include "ir/fs.h"
#include "ir/img.h"
#include "ir_private.h"

struct walk {
	const struct ir_fs_opts	*opts;
	ir_fs_fn		 fn;
	void			*arg;
	struct ir_fs_ent	 ent;
	struct ir_file		 file;
	struct ir_buf		 path;
	int			 rc;		/* the callback's, when it stopped */
};

static uint32_t
type_bits(const TSK_FS_FILE *f)
{
	TSK_FS_META_TYPE_ENUM mt = f->meta != NULL ? f->meta->type :
	    TSK_FS_META_TYPE_UNDEF;

	if (mt == TSK_FS_META_TYPE_UNDEF)	/* no inode: trust the name */
		switch (f->name->type) {
		case TSK_FS_NAME_TYPE_REG:	return S_IFREG;
		case TSK_FS_NAME_TYPE_DIR:	return S_IFDIR;
		case TSK_FS_NAME_TYPE_LNK:	return S_IFLNK;
		case TSK_FS_NAME_TYPE_FIFO:	return S_IFIFO;
		case TSK_FS_NAME_TYPE_CHR:	return S_IFCHR;
		case TSK_FS_NAME_TYPE_BLK:	return S_IFBLK;
		case TSK_FS_NAME_TYPE_SOCK:	return S_IFSOCK;
		default:			return 0;
		}
	switch (mt) {
	case TSK_FS_META_TYPE_REG:	return S_IFREG;
	case TSK_FS_META_TYPE_DIR:	return S_IFDIR;
	case TSK_FS_META_TYPE_LNK:	return S_IFLNK;
	case TSK_FS_META_TYPE_FIFO:	return S_IFIFO;
	case TSK_FS_META_TYPE_CHR:	return S_IFCHR;
	case TSK_FS_META_TYPE_BLK:	return S_IFBLK;
	case TSK_FS_META_TYPE_SOCK:	return S_IFSOCK;
	default:			return 0;
	}
}

/* A time libtsk reports as 0 is one the file system does not keep. */
static void
set_time(struct ir_time *t, time_t sec, uint32_t nsec)
{
	t->sec = (int64_t)sec;
	t->nsec = (int32_t)nsec;
	t->valid = sec != 0 || nsec != 0;
}

static TSK_WALK_RET_ENUM
on_name(TSK_FS_FILE *f, const char *parent, void *arg)
{
	struct walk *w = arg;
	struct ir_file *fi = &w->file;
	const TSK_FS_META *m = f->meta;
	int deleted;

	if (w->opts->stop != NULL && *w->opts->stop) {
		w->rc = IR_EINTR;
		return TSK_WALK_STOP;
	}
	if (f->name == NULL || TSK_FS_ISDOT(f->name->name))
		return TSK_WALK_CONT;
	deleted = (f->name->flags & TSK_FS_NAME_FLAG_UNALLOC) ||
	    (m != NULL && (m->flags & TSK_FS_META_FLAG_UNALLOC));
	if ((w->opts->flags & IR_FS_DELETED_ONLY) && !deleted)
		return TSK_WALK_CONT;
	ir_buf_reset(&w->path);
	if (ir_buf_addch(&w->path, '/', NULL) != IR_OK ||
	    ir_buf_addstr(&w->path, parent, NULL) != IR_OK ||
	    ir_buf_addstr(&w->path, f->name->name, NULL) != IR_OK) {
		w->rc = IR_ENOMEM;
		return TSK_WALK_ERROR;
	}
	memset(fi, 0, sizeof(*fi));
	fi->path = w->path.buf;
	fi->pathlen = w->path.len;
	fi->name = w->path.buf + w->path.len - strlen(f->name->name);
	fi->inode = f->name->meta_addr;
	fi->deleted = deleted;
	fi->mode = type_bits(f);
	if (m != NULL) {
		fi->inode = m->addr;
		fi->mode |= (uint32_t)m->mode & 07777;
		fi->size = (uint64_t)m->size;
		fi->nlink = (uint64_t)m->nlink;
		fi->uid = (uint32_t)m->uid;
		fi->gid = (uint32_t)m->gid;
		set_time(&fi->mtime, m->mtime, m->mtime_nano);
		set_time(&fi->atime, m->atime, m->atime_nano);
		set_time(&fi->ctime, m->ctime, m->ctime_nano);
		set_time(&fi->crtime, m->crtime, m->crtime_nano);
		if (m->link != NULL && m->type == TSK_FS_META_TYPE_LNK) {
			fi->link = m->link;
			fi->linklen = strlen(m->link);
		}
	}
	w->ent.file = fi;
	if ((w->rc = w->fn(&w->ent, w->arg)) != IR_OK)
		return TSK_WALK_STOP;
	return TSK_WALK_CONT;
}

static void
report(ir_fs_problem_fn fn, void *arg, int part, uint64_t start,
    const char *what)
{
	struct ir_fs_problem pb;

	if (fn == NULL)
		return;
	pb.part = part;
	pb.part_start = start;
	pb.what = what;
	fn(&pb, arg);
}

/* Walk the file system at byte offset off; 0 when none was found there. */
static int
walk_one(struct walk *w, TSK_IMG_INFO *img, TSK_OFF_T off, int part,
    uint64_t start, ir_fs_problem_fn problem_fn, int *found)
{
	struct ir_err e;
	TSK_FS_INFO *fs;
	uint8_t bad;

	tsk_error_reset();
	if ((fs = tsk_fs_open_img(img, off, TSK_FS_TYPE_DETECT)) == NULL) {
		ir__err_from_tsk(&e, IR_EUNSUPP, "no file system libtsk knows");
		report(problem_fn, w->arg, part, start, e.msg);
		return IR_OK;
	}
	(*found)++;
	w->ent.part = part;
	w->ent.part_start = start;
	w->ent.fstype = tsk_fs_type_toname(fs->ftype);
	w->rc = IR_OK;
	bad = tsk_fs_dir_walk(fs, fs->root_inum, TSK_FS_DIR_WALK_FLAG_ALLOC |
	    TSK_FS_DIR_WALK_FLAG_UNALLOC | TSK_FS_DIR_WALK_FLAG_RECURSE,
	    on_name, w);
	if (bad && w->rc == IR_OK) {
		/* Damage part way: what was walked stands, the rest is lost. */
		ir__err_from_tsk(&e, IR_EFORMAT, "file system damaged");
		report(problem_fn, w->arg, part, start, e.msg);
	}
	tsk_error_reset();
	tsk_fs_close(fs);
	return w->rc;
}

int
ir_fs_walk(struct ir_img *img, const struct ir_fs_opts *opts, ir_fs_fn fn,
    ir_fs_problem_fn problem_fn, void *arg, struct ir_err *e)
{
	TSK_IMG_INFO *ti = ir__img_tsk(img);
	struct ir_fs_opts dflt = { 0, -1, NULL };
	const TSK_VS_PART_INFO *p;
	TSK_VS_INFO *vs;
	struct walk w;
	TSK_PNUM_T i;
	int rc = IR_OK, found = 0, n = -1;

	memset(&w, 0, sizeof(w));
	w.opts = opts != NULL ? opts : &dflt;
	w.fn = fn;
	w.arg = arg;
	ir_buf_init(&w.path, IR_BUF_NOLIMIT);
	tsk_error_reset();
	if ((vs = tsk_vs_open(ti, 0, TSK_VS_TYPE_DETECT)) == NULL) {
		tsk_error_reset();	/* no partition table: a bare fs */
		if (w.opts->partition <= 0)
			rc = walk_one(&w, ti, 0, -1, 0, problem_fn, &found);
	} else {
		for (i = 0; rc == IR_OK && i < vs->part_count; i++) {
			p = tsk_vs_part_get(vs, i);
			/* Numbered as mmls numbers them: real partitions only. */
			if (p == NULL || !(p->flags & TSK_VS_PART_FLAG_ALLOC))
				continue;
			n++;
			if (w.opts->partition >= 0 && w.opts->partition != n)
				continue;
			rc = walk_one(&w, ti, (TSK_OFF_T)(p->start *
			    vs->block_size), n, p->start, problem_fn, &found);
		}
		tsk_vs_close(vs);
	}
	ir_buf_release(&w.path);
	if (rc == IR_EINTR)
		return ir_err_set(e, IR_EINTR, 0, "walk interrupted");
	if (rc != IR_OK)
		return ir_err_set(e, rc, 0, "walk of the image stopped");
	if (found == 0)
		return ir_err_set(e, IR_EUNSUPP, 0, "no file system found that "
		    "libtsk supports (libtsk 4.11 has no XFS, Btrfs or LVM)");
	return IR_OK;
}
