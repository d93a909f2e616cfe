#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>

#include <tsk/libtsk.h>

#include "ir/buf.h"
#include "ir/error.h"
#include "ir/fs.h"
#include "ir/img.h"
#include "ir_private.h"
#include "fs_impl.h"

struct walk {
	const struct ir_fs_opts	*opts;
	ir_fs_fn		 fn;
	void			*arg;
	struct ir_fs_ent	 ent;
	struct ir_fs_file	 fh;
	int			 rc;		/* the callback's, when it stopped */
};

static uint32_t
name_bits(const TSK_FS_FILE *f)
{
	switch (f->name != NULL ? f->name->type : TSK_FS_NAME_TYPE_UNDEF) {
	case TSK_FS_NAME_TYPE_REG:	return S_IFREG;
	case TSK_FS_NAME_TYPE_DIR:	return S_IFDIR;
	case TSK_FS_NAME_TYPE_LNK:	return S_IFLNK;
	case TSK_FS_NAME_TYPE_FIFO:	return S_IFIFO;
	case TSK_FS_NAME_TYPE_CHR:	return S_IFCHR;
	case TSK_FS_NAME_TYPE_BLK:	return S_IFBLK;
	case TSK_FS_NAME_TYPE_SOCK:	return S_IFSOCK;
	default:			return 0;
	}
}

static uint32_t
type_bits(const TSK_FS_FILE *f)
{
	TSK_FS_META_TYPE_ENUM mt = f->meta != NULL ? f->meta->type :
	    TSK_FS_META_TYPE_UNDEF;

	if (mt == TSK_FS_META_TYPE_UNDEF)	/* no inode: trust the name */
		return name_bits(f);
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

/* The attribute fls names: a named stream, but not a directory's $I30. */
static const char *
stream_name(const TSK_FS_ATTR *a)
{
	if (a == NULL || a->name == NULL ||
	    a->type == TSK_FS_ATTR_TYPE_NTFS_FNAME)
		return NULL;
	if (a->type == TSK_FS_ATTR_TYPE_NTFS_IDXROOT &&
	    strcmp(a->name, "$I30") == 0)
		return NULL;
	return a->name;
}

int
ir__fs_fill(struct ir_fs_file *fh, TSK_FS_FILE *tf, const char *parent,
    const TSK_FS_ATTR *attr, struct ir_err *e)
{
	struct ir_file *fi = &fh->file;
	const TSK_FS_META *m = tf->meta;
	const char *name = tf->name != NULL ? tf->name->name : "";
	const char *stream = stream_name(attr);
	size_t namelen;
	int rc = IR_OK;

	fh->tf = tf;
	fh->attr = attr;
	fh->recov_known = 0;
	if (parent != NULL) {
		ir_buf_reset(&fh->path);
		if ((rc = ir_buf_addch(&fh->path, '/', e)) == IR_OK &&
		    (rc = ir_buf_addstr(&fh->path, parent, e)) == IR_OK)
			rc = ir_buf_addstr(&fh->path, name, e);
		if (rc == IR_OK && stream != NULL &&
		    (rc = ir_buf_addch(&fh->path, ':', e)) == IR_OK)
			rc = ir_buf_addstr(&fh->path, stream, e);
		if (rc != IR_OK)
			return rc;
	}
	memset(fi, 0, sizeof(*fi));
	fi->path = fh->path.buf;
	fi->pathlen = fh->path.len;
	namelen = strlen(name) + (stream != NULL ? strlen(stream) + 1 : 0);
	fi->name = fi->pathlen >= namelen ? fi->path + fi->pathlen - namelen :
	    fi->path;
	fi->fstype = tsk_fs_type_toname(fh->fs->tsk->ftype);
	fi->part = fh->fs->part.index;
	fi->part_start = fh->fs->part.start;
	fi->stream = stream;
	if (attr != NULL) {
		fi->attr_type = (uint32_t)attr->type;
		fi->attr_id = attr->id;
		fi->fname_times = attr->type == TSK_FS_ATTR_TYPE_NTFS_FNAME;
	}
	fi->inode = tf->name != NULL ? tf->name->meta_addr :
	    m != NULL ? m->addr : 0;
	fi->deleted = (tf->name != NULL &&
	    (tf->name->flags & TSK_FS_NAME_FLAG_UNALLOC)) ||
	    (m != NULL && (m->flags & TSK_FS_META_FLAG_UNALLOC));
	fi->realloc = tf->name != NULL &&
	    (tf->name->flags & TSK_FS_NAME_FLAG_UNALLOC) && m != NULL &&
	    (m->flags & TSK_FS_META_FLAG_ALLOC);
	fi->mode = type_bits(tf);
	fi->virt = tf->name != NULL &&
	    (tf->name->type == TSK_FS_NAME_TYPE_VIRT ||
	    tf->name->type == TSK_FS_NAME_TYPE_VIRT_DIR);
	if (fi->virt)
		fi->mode = tf->name->type == TSK_FS_NAME_TYPE_VIRT_DIR ?
		    S_IFDIR : S_IFREG;
	if (m == NULL) {
		fi->no_meta = 1;
		return IR_OK;
	}
	/* Orphans and reused inodes: the entry may say otherwise. */
	if (!fi->virt && tf->name != NULL) {
		fi->name_untyped = tf->name->type == TSK_FS_NAME_TYPE_UNDEF;
		if (!fi->name_untyped && name_bits(tf) != (fi->mode & S_IFMT))
			fi->name_type = name_bits(tf);
	}
	/* A directory's data stream is a file of its own, as fls shows it. */
	if (attr != NULL && attr->type == TSK_FS_ATTR_TYPE_NTFS_DATA &&
	    S_ISDIR(fi->mode))
		fi->mode = S_IFREG;
	if (!fi->virt)
		fi->mode |= (uint32_t)m->mode & 07777;
	fi->size = attr != NULL ? (uint64_t)attr->size : (uint64_t)m->size;
	fi->nlink = (uint64_t)m->nlink;
	fi->uid = (uint32_t)m->uid;
	fi->gid = (uint32_t)m->gid;
	if (fi->fname_times) {
		set_time(&fi->mtime, m->time2.ntfs.fn_mtime,
		    m->time2.ntfs.fn_mtime_nano);
		set_time(&fi->atime, m->time2.ntfs.fn_atime,
		    m->time2.ntfs.fn_atime_nano);
		set_time(&fi->ctime, m->time2.ntfs.fn_ctime,
		    m->time2.ntfs.fn_ctime_nano);
		set_time(&fi->crtime, m->time2.ntfs.fn_crtime,
		    m->time2.ntfs.fn_crtime_nano);
	} else {
		set_time(&fi->mtime, m->mtime, m->mtime_nano);
		set_time(&fi->atime, m->atime, m->atime_nano);
		set_time(&fi->ctime, m->ctime, m->ctime_nano);
		set_time(&fi->crtime, m->crtime, m->crtime_nano);
	}
	if (m->link != NULL && m->type == TSK_FS_META_TYPE_LNK) {
		fi->link = m->link;
		fi->linklen = strlen(m->link);
	}
	return IR_OK;
}

static int
emit(struct walk *w, TSK_FS_FILE *f, const char *parent,
    const TSK_FS_ATTR *attr)
{
	struct ir_err e;

	if ((w->rc = ir__fs_fill(&w->fh, f, parent, attr, &e)) != IR_OK)
		return w->rc;
	w->ent.file = &w->fh.file;
	return w->rc = w->fn(&w->ent, w->arg);
}

/*
 * NTFS: one record per $DATA stream, directory index and $FILE_NAME, as
 * fls -m lists them; other file systems: one per name.
 */
static TSK_WALK_RET_ENUM
on_name(TSK_FS_FILE *f, const char *parent, void *arg)
{
	struct walk *w = arg;
	const TSK_FS_ATTR *a;
	int deleted, i, n, printed = 0;

	if (w->opts->stop != NULL && *w->opts->stop) {
		w->rc = IR_EINTR;
		return TSK_WALK_STOP;
	}
	if (f->name == NULL || TSK_FS_ISDOT(f->name->name))
		return TSK_WALK_CONT;
	deleted = (f->name->flags & TSK_FS_NAME_FLAG_UNALLOC) ||
	    (f->meta != NULL && (f->meta->flags & TSK_FS_META_FLAG_UNALLOC));
	if ((w->opts->flags & IR_FS_DELETED_ONLY) && !deleted)
		return TSK_WALK_CONT;
	if (f->meta != NULL && TSK_FS_TYPE_ISNTFS(f->fs_info->ftype)) {
		n = tsk_fs_file_attr_getsize(f);
		for (i = 0; i < n; i++) {
			if ((a = tsk_fs_file_attr_get_idx(f, i)) == NULL)
				continue;
			if (a->type != TSK_FS_ATTR_TYPE_NTFS_DATA &&
			    a->type != TSK_FS_ATTR_TYPE_NTFS_IDXROOT &&
			    a->type != TSK_FS_ATTR_TYPE_NTFS_FNAME)
				continue;
			printed = 1;
			if (emit(w, f, parent, a) != IR_OK)
				return TSK_WALK_STOP;
		}
		tsk_error_reset();
	}
	if (!printed && emit(w, f, parent, NULL) != IR_OK)
		return TSK_WALK_STOP;
	return TSK_WALK_CONT;
}

static void
report(ir_fs_problem_fn fn, void *arg, const struct ir_fs_part *p,
    const char *fstype, const char *what)
{
	struct ir_fs_problem pb;

	if (fn == NULL)
		return;
	pb.part = p->index;
	pb.part_start = p->start;
	pb.fstype = fstype;
	pb.what = what;
	fn(&pb, arg);
}

int
ir_fs_parts(struct ir_img *img, struct ir_fs_part **partsp, size_t *np,
    struct ir_err *e)
{
	TSK_IMG_INFO *ti = ir__img_tsk(img);
	const TSK_VS_PART_INFO *p;
	struct ir_fs_part *parts;
	TSK_VS_INFO *vs;
	TSK_PNUM_T i;
	size_t n = 0;

	*partsp = NULL;
	*np = 0;
	tsk_error_reset();
	if ((vs = tsk_vs_open(ti, 0, TSK_VS_TYPE_DETECT)) == NULL) {
		tsk_error_reset();	/* no partition table: a bare fs */
		if ((parts = calloc(1, sizeof(*parts))) == NULL)
			return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
		parts->index = -1;
		parts->length = (uint64_t)ti->size;
		*partsp = parts;
		*np = 1;
		return IR_OK;
	}
	if ((parts = calloc(vs->part_count + 1, sizeof(*parts))) == NULL) {
		tsk_vs_close(vs);
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	}
	for (i = 0; i < vs->part_count; i++) {
		p = tsk_vs_part_get(vs, i);
		/* Numbered as mmls numbers them: real partitions only. */
		if (p == NULL || !(p->flags & TSK_VS_PART_FLAG_ALLOC))
			continue;
		parts[n].index = (int)n;
		parts[n].start = p->start;
		parts[n].offset = p->start * vs->block_size;
		parts[n].length = p->len * vs->block_size;
		(void)snprintf(parts[n].desc, sizeof(parts[n].desc), "%s",
		    p->desc != NULL ? p->desc : "");
		n++;
	}
	tsk_vs_close(vs);
	*partsp = parts;
	*np = n;
	return IR_OK;
}

struct sig {
	uint64_t	 off;
	const char	*magic;
	size_t		 len;
	const char	*name;
};

/* Signatures of what libtsk 4.11 cannot read, to name it in the error. */
static const struct sig sigs[] = {
	{ 0,		"XFSB",			4,	"xfs" },
	{ 0x10040,	"_BHRfS_M",		8,	"btrfs" },
	{ 0x200,	"LABELONE",		8,	"lvm2" },
	{ 0,		"LUKS\xba\xbe",		6,	"luks" },
	{ 4086,		"SWAPSPACE2",		10,	"swap" },
	{ 4086,		"SWAP-SPACE",		10,	"swap" },
	{ 0x400,	"\x10\x20\xf5\xf2",	4,	"f2fs" },
	{ 0x10034,	"ReIsEr",		6,	"reiserfs" },
	{ 0,		NULL,			0,	NULL },
};

const char *
ir_fs_sniff(struct ir_img *img, const struct ir_fs_part *p)
{
	char buf[16];
	size_t got, i;
	struct ir_err e;

	for (i = 0; sigs[i].name != NULL; i++) {
		if (p->length != 0 && sigs[i].off + sigs[i].len > p->length)
			continue;
		if (ir_img_read(img, buf, sigs[i].len, p->offset + sigs[i].off,
		    &got, &e) != IR_OK || got != sigs[i].len)
			continue;
		if (memcmp(buf, sigs[i].magic, sigs[i].len) == 0)
			return sigs[i].name;
	}
	return NULL;
}

int
ir_fs_part_selected(const struct ir_fs_opts *opts, const struct ir_fs_part *p)
{
	/* Partition 0 of an image without a table is the whole image. */
	return opts->partition < 0 || p->index == opts->partition ||
	    (opts->partition == 0 && p->index < 0);
}

int
ir_fs_part_cut(struct ir_img *img, const struct ir_fs_part *p,
    struct ir_err *e)
{
	uint64_t size = ir_img_info(img)->size;

	if (p->offset + p->length <= size)
		return IR_OK;
	return ir_err_set(e, IR_EFORMAT, 0, "the partition ends %llu bytes "
	    "past the end of the image: the image is cut short, files in the "
	    "missing part are lost", (unsigned long long)(p->offset +
	    p->length - size));
}

int
ir_fs_open(struct ir_fs **fsp, struct ir_img *img, const struct ir_fs_part *p,
    struct ir_err *e)
{
	struct ir_fs *fs;
	const char *what;

	*fsp = NULL;
	if ((fs = calloc(1, sizeof(*fs))) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	fs->img = img;
	fs->part = *p;
	tsk_error_reset();
	fs->tsk = tsk_fs_open_img(ir__img_tsk(img), (TSK_OFF_T)p->offset,
	    TSK_FS_TYPE_DETECT);
	if (fs->tsk == NULL) {
		free(fs);
		if ((what = ir_fs_sniff(img, p)) != NULL) {
			tsk_error_reset();
			return ir_err_set(e, IR_EUNSUPP, 0, "unsupported file "
			    "system: %s (libtsk 4.11 cannot read it; on a live "
			    "host walk the mounted tree instead)", what);
		}
		return ir__err_from_tsk(e, IR_EUNSUPP,
		    "no file system libtsk knows");
	}
	*fsp = fs;
	return IR_OK;
}

void
ir_fs_close(struct ir_fs *fs)
{
	if (fs == NULL)
		return;
	tsk_fs_close(fs->tsk);
	free(fs);
}

const char *
ir_fs_type(const struct ir_fs *fs)
{
	return tsk_fs_type_toname(fs->tsk->ftype);
}

int
ir_fs_walk_fs(struct ir_fs *fs, const struct ir_fs_opts *opts, ir_fs_fn fn,
    void *arg, struct ir_err *e)
{
	struct ir_fs_opts dflt = { 0, -1, NULL };
	struct walk w;
	uint8_t bad;

	memset(&w, 0, sizeof(w));
	w.opts = opts != NULL ? opts : &dflt;
	w.fn = fn;
	w.arg = arg;
	w.fh.fs = fs;
	ir_buf_init(&w.fh.path, IR_BUF_NOLIMIT);
	w.ent.fh = &w.fh;
	w.ent.part = fs->part.index;
	w.ent.part_start = fs->part.start;
	w.ent.fstype = ir_fs_type(fs);
	tsk_error_reset();
	bad = tsk_fs_dir_walk(fs->tsk, fs->tsk->root_inum,
	    TSK_FS_DIR_WALK_FLAG_ALLOC | TSK_FS_DIR_WALK_FLAG_UNALLOC |
	    TSK_FS_DIR_WALK_FLAG_RECURSE, on_name, &w);
	ir_buf_release(&w.fh.path);
	if (w.rc == IR_EINTR) {
		tsk_error_reset();
		return ir_err_set(e, IR_EINTR, 0, "walk interrupted");
	}
	if (w.rc != IR_OK) {
		tsk_error_reset();
		return ir_err_set(e, w.rc, 0, "walk of the file system stopped");
	}
	if (bad)	/* what was walked stands, the rest is lost */
		return ir__err_from_tsk(e, IR_EFORMAT, "file system damaged");
	tsk_error_reset();
	return IR_OK;
}

int
ir_fs_walk(struct ir_img *img, const struct ir_fs_opts *opts, ir_fs_fn fn,
    ir_fs_problem_fn problem_fn, void *arg, struct ir_err *e)
{
	struct ir_fs_opts dflt = { 0, -1, NULL };
	struct ir_fs_part *parts;
	struct ir_fs *fs;
	struct ir_err pe;
	size_t n, i;
	int rc = IR_OK, found = 0;

	if (opts == NULL)
		opts = &dflt;
	if ((rc = ir_fs_parts(img, &parts, &n, e)) != IR_OK)
		return rc;
	for (i = 0; i < n && rc == IR_OK; i++) {
		if (!ir_fs_part_selected(opts, &parts[i]))
			continue;
		if (ir_fs_open(&fs, img, &parts[i], &pe) != IR_OK) {
			report(problem_fn, arg, &parts[i],
			    ir_fs_sniff(img, &parts[i]), pe.msg);
			continue;
		}
		found++;
		if (ir_fs_part_cut(img, &parts[i], &pe) != IR_OK)
			report(problem_fn, arg, &parts[i], ir_fs_type(fs),
			    pe.msg);
		rc = ir_fs_walk_fs(fs, opts, fn, arg, &pe);
		if (rc == IR_EFORMAT) {
			report(problem_fn, arg, &parts[i], ir_fs_type(fs),
			    pe.msg);
			rc = IR_OK;
		}
		ir_fs_close(fs);
	}
	free(parts);
	if (rc == IR_EINTR)
		return ir_err_set(e, IR_EINTR, 0, "walk interrupted");
	if (rc != IR_OK)
		return ir_err_set(e, rc, 0, "walk of the image stopped");
	if (found == 0)
		return ir_err_set(e, IR_EUNSUPP, 0, "no file system found that "
		    "libtsk supports (libtsk 4.11 has no XFS, Btrfs or LVM)");
	return IR_OK;
}
