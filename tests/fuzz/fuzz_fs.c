/*
 * libFuzzer: a disk image as untrusted input, through libir's image walk:
 * ir_img_open (raw), ir_fs_parts, and for each part ir_fs_open and
 * ir_fs_walk_fs, reading every regular file's content with ir_fs_read.
 * Seeds are tiny images made at fuzz time by seeds-fs.sh (run.sh passes
 * them as a second corpus directory).
 *
 * Besides memory errors, what libir promises (abort() on a breach):
 *  - partition indexes are 0, 1 ... in order, or a single -1;
 *  - a file system that will not open says so with IR_EUNSUPP and a
 *    message;
 *  - every record's path starts with '/', its name lies inside it, its
 *    part is the walked one; with IR_FS_DELETED_ONLY every record is
 *    deleted;
 *  - ir_fs_read: *got <= n, never past the size, and nothing at or past
 *    the end;
 *  - ir_fs_recoverable() <= size, and the same when asked again;
 *  - a callback that returns an error stops the walk: no callback after
 *    it, and the walk returns that error; the stop flag ends the walk
 *    with IR_EINTR once the file being reported is done;
 *  - a file opened again by its inode and attribute (ir_fs_file_open)
 *    has the same size and content as its walk record said.
 *
 * Each input's check runs in a forked child, as fuzz_fork.h says and
 * for the reasons it gives (libtsk blows up, spins and deadlocks on
 * crafted images); IRKIT_FUZZ_FS_INPROCESS=1 runs it in this process.
 */
#include <sys/stat.h>

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ir.h>

#define FORK_NAME	"fs"
#define FORK_INPROCESS	"IRKIT_FUZZ_FS_INPROCESS"
#define CHILD_SECONDS	2		/* libtsk deadlocks, blow-ups: ~10 ms is usual */
#include "fuzz_fork.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FILE_MAX	(1U << 20)	/* content read per file */
#define INPUT_MAX	(16U << 20)	/* content read per input */
#define CHUNK		(64U << 10)
#define REOPEN_MAX	32		/* files opened again by inode */
#define RECORDS_MAX	100000		/* records per file system */

enum mode {
	MODE_ALL,		/* every file, content read */
	MODE_DELETED,		/* IR_FS_DELETED_ONLY */
	MODE_RETURN,		/* the callback stops the walk after k */
	MODE_FLAG,		/* the stop flag is set after k */
};

struct seen {
	uint64_t	 inode;
	uint32_t	 attr_type;
	uint16_t	 attr_id;
	uint64_t	 size;
	uint64_t	 sum;		/* of the first FILE_MAX bytes */
	uint64_t	 nread;
};

struct walk {
	struct ir_fs		*fs;
	int			 part;
	enum mode		 mode;
	unsigned int		 k;		/* records before the stop */
	unsigned int		 n;		/* records seen */
	int			 stopped;	/* the callback said stop */
	int			 flagged;	/* the flag was set */
	uint64_t		 flag_inode;	/* in this file's record */
	volatile sig_atomic_t	 stop;
	struct seen		 seen[REOPEN_MAX];
	size_t			 nseen;
};

static uint64_t budget;			/* content bytes left */
static unsigned char chunk[CHUNK];

/* FNV-1a, to pick a mode and to compare content read twice. */
static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/*
 * Read up to FILE_MAX bytes of fh's content in chunks, checking the
 * contract of ir_fs_read; the bytes' hash goes to *sum.
 */
static uint64_t
read_content(struct ir_fs_file *fh, uint64_t size, uint64_t *sum)
{
	struct ir_err e;
	uint64_t off = 0, want, limit;
	size_t got, n;

	*sum = 0xcbf29ce484222325ULL;
	limit = size < FILE_MAX ? size : FILE_MAX;
	if (limit > budget)
		limit = budget;
	while (off < limit) {
		want = limit - off;
		n = want < CHUNK ? (size_t)want : CHUNK;
		if (ir_fs_read(fh, off, chunk, n, &got, &e) != IR_OK) {
			if (got != 0 || e.msg[0] == '\0')
				FAIL();
			break;
		}
		if (got > n)
			FAIL();
		if (got == 0)	/* only at the end: not before size */
			break;
		*sum = fnv(*sum, chunk, got);
		off += got;
	}
	budget -= off;
	/* At and past the end: nothing, and no error. */
	if (ir_fs_read(fh, size, chunk, 1, &got, &e) != IR_OK || got != 0)
		FAIL();
	if (size < UINT64_MAX - 7 &&
	    (ir_fs_read(fh, size + 7, chunk, 8, &got, &e) != IR_OK ||
	    got != 0))
		FAIL();
	return off;
}

static int
on_file(const struct ir_fs_ent *ent, void *arg)
{
	struct walk *w = arg;
	const struct ir_file *f = ent->file;
	struct seen *s;
	uint64_t r, sum, nread;

	if (w->stopped || f == NULL)
		FAIL();
	/* After the flag, only the rest of that file's streams. */
	if (w->flagged && f->inode != w->flag_inode)
		FAIL();
	if (++w->n > RECORDS_MAX)
		return IR_ELIMIT;
	if (f->path == NULL || f->path[0] != '/' ||
	    strlen(f->path) != f->pathlen || f->name < f->path ||
	    f->name > f->path + f->pathlen || ent->part != w->part ||
	    f->part != w->part || ent->fstype == NULL || ent->fh == NULL)
		FAIL();
	if (w->mode == MODE_DELETED && !f->deleted)
		FAIL();
	if (S_ISREG(f->mode) && budget > 0) {
		r = ir_fs_recoverable(ent->fh);
		if (r > f->size || ir_fs_recoverable(ent->fh) != r)
			FAIL();
		nread = read_content(ent->fh, f->size, &sum);
		if (w->nseen < REOPEN_MAX && !f->no_meta) {
			s = &w->seen[w->nseen++];
			s->inode = f->inode;
			s->attr_type = f->attr_type;
			s->attr_id = f->attr_id;
			s->size = f->size;
			s->sum = sum;
			s->nread = nread;
		}
	}
	if (w->mode == MODE_RETURN && w->n >= w->k) {
		w->stopped = 1;
		return IR_EIO;
	}
	if (w->mode == MODE_FLAG && w->n >= w->k && !w->flagged) {
		w->flagged = 1;
		w->flag_inode = f->inode;
		w->stop = 1;
	}
	return IR_OK;
}

/* Open again by inode what the walk read: the same size and bytes. */
static void
reopen(struct walk *w)
{
	struct ir_fs_file *fh;
	const struct ir_file *f;
	struct ir_err e;
	uint64_t sum, nread, saved;
	size_t i;

	for (i = 0; i < w->nseen; i++) {
		const struct seen *s = &w->seen[i];

		if (ir_fs_file_open(&fh, w->fs, NULL, s->inode, s->attr_type,
		    s->attr_id, &e) != IR_OK) {
			if (fh != NULL || e.msg[0] == '\0')
				FAIL();
			continue;
		}
		f = ir_fs_file_info(fh);
		if (f->size != s->size || f->inode != s->inode ||
		    f->path == NULL || ir_fs_recoverable(fh) > f->size)
			FAIL();
		saved = budget;
		budget = s->nread;	/* the same bytes as in the walk */
		nread = read_content(fh, f->size, &sum);
		budget = saved;
		if (nread != s->nread || sum != s->sum)
			FAIL();
		ir_fs_file_close(fh);
	}
}

static void
walk_part(struct ir_img *img, const struct ir_fs_part *p, enum mode mode,
    unsigned int k)
{
	struct ir_fs_opts o = { 0, -1, NULL };
	struct ir_fs *fs;
	struct ir_err e;
	struct walk *w;
	int rc;

	if ((rc = ir_fs_open(&fs, img, p, &e)) != IR_OK) {
		if (rc != IR_EUNSUPP || fs != NULL || e.msg[0] == '\0')
			FAIL();
		return;
	}
	if (ir_fs_type(fs) == NULL)
		FAIL();
	if ((w = calloc(1, sizeof(*w))) == NULL)
		FAIL();
	w->fs = fs;
	w->part = p->index;
	w->mode = mode;
	w->k = k;
	if (mode == MODE_DELETED)
		o.flags = IR_FS_DELETED_ONLY;
	o.stop = &w->stop;
	rc = ir_fs_walk_fs(fs, &o, on_file, w, &e);
	if (w->stopped && rc != IR_EIO)
		FAIL();
	if (!w->stopped && !w->flagged && w->n <= RECORDS_MAX &&
	    rc != IR_OK && rc != IR_EFORMAT)
		FAIL();
	if (rc != IR_OK && e.msg[0] == '\0')
		FAIL();
	/* The flag set before the walk's end: it ends with IR_EINTR. */
	if (w->flagged && rc != IR_OK && rc != IR_EINTR && rc != IR_EFORMAT)
		FAIL();
	reopen(w);
	free(w);
	ir_fs_close(fs);
}

/* The whole check of one image: libtsk's work, in the child when forked. */
static void
check_image(const uint8_t *data, size_t size)
{
	struct ir_fs_part *parts;
	struct ir_img *img;
	struct ir_err e;
	uint64_t h;
	size_t n, i;
	enum mode mode;
	unsigned int k;

	if (ir_img_open(&img, img_path, "raw", &e) != IR_OK) {
		if (e.msg[0] == '\0')
			FAIL();
		return;
	}
	if (ir_img_info(img)->size != size)
		FAIL();
	/* Half the inputs walk everything; the rest test deletion and stops. */
	h = fnv(0xcbf29ce484222325ULL, data, size < 4096 ? size : 4096);
	h = fnv(h, &size, sizeof(size));
	mode = (h & 7) < 4 ? MODE_ALL : (enum mode)((h & 7) - 3);
	if (mode > MODE_FLAG)
		mode = MODE_ALL;
	k = 1 + (unsigned int)((h >> 8) % 40);
	budget = INPUT_MAX;
	if (ir_fs_parts(img, &parts, &n, &e) == IR_OK) {
		for (i = 0; i < n; i++)
			if (parts[i].index != (n == 1 && parts[0].index == -1 ?
			    -1 : (int)i))
				FAIL();
		for (i = 0; i < n; i++)
			walk_part(img, &parts[i], mode, k);
		free(parts);
	} else if (e.msg[0] == '\0')
		FAIL();
	ir_img_close(img);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fork_run(data, size, check_image);
}
