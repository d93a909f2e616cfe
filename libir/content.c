#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/content.h"
#include "ir/error.h"
#include "ir/file.h"
#include "ir/hash.h"
#include "ir/io.h"
#include "ir/magic.h"

#define CHUNK		(1U << 20)
#define MAGIC_BYTES	(256U << 10)	/* what libmagic sees of a file */
/*
 * From this size on, each digest of a file gets its own core: the thread
 * hand-off per chunk costs more than it saves on small files.
 */
#define PARALLEL_FROM	(64ULL << 20)

struct ir_content {
	struct ir_content_opts	 opts;
	struct ir_hash		*hash;
	struct ir_hash		*phash;		/* parallel, for large files */
	struct ir_magic		*magic;
	unsigned char		*buf;
	volatile sig_atomic_t	*stop;		/* set: give up reading */
	unsigned char		*kept;		/* opts.keep: the content */
	size_t			 nkept, akept;
	int			 whole;
};

const void *
ir_content_data(const struct ir_content *c, size_t *n, int *whole)
{
	*n = c->nkept;
	*whole = c->whole;
	return c->kept;
}

/*
 * Where the next chunk goes: on the end of the kept content while it fits
 * in opts.keep (read there directly, no copy), else the scratch buffer.
 */
static unsigned char *
chunk_dest(struct ir_content *c)
{
	size_t want;
	unsigned char *p;

	if (c->opts.keep == 0 || !c->whole || c->nkept >= c->opts.keep)
		return c->buf;
	if (c->nkept + CHUNK > c->akept) {
		want = c->akept ? c->akept * 2 : 4 * CHUNK;
		while (want < c->nkept + CHUNK)
			want *= 2;
		if ((p = realloc(c->kept, want)) == NULL)
			return c->buf;
		c->kept = p;
		c->akept = want;
	}
	return c->kept + c->nkept;
}

void
ir_content_set_stop(struct ir_content *c, volatile sig_atomic_t *stop)
{
	c->stop = stop;
}

int
ir_content_wanted(const struct ir_content_opts *o)
{
	return o->algs != 0 || o->type;
}

int
ir_content_new(struct ir_content **cp, const struct ir_content_opts *o,
    struct ir_err *e)
{
	struct ir_content *c;
	int rc;

	*cp = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->buf = malloc(CHUNK)) == NULL) {
		free(c);
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	}
	c->opts = *o;
	if (o->algs != 0 &&
	    (rc = ir_hash_new(&c->hash, o->algs, 0, e)) != IR_OK)
		goto fail;
	if (o->type && (rc = ir_magic_open(&c->magic, o->magic_db, e)) != IR_OK)
		goto fail;
	*cp = c;
	return IR_OK;
fail:
	ir_content_free(c);
	return rc;
}

void
ir_content_free(struct ir_content *c)
{
	if (c == NULL)
		return;
	ir_hash_free(c->hash);
	ir_hash_free(c->phash);
	ir_magic_close(c->magic);
	free(c->buf);
	free(c->kept);
	free(c);
}

static int
fail(struct ir_file *f, const char *what, int err)
{
	struct ir_err e;

	if (f->error[0] == '\0') {
		ir_err_set(&e, IR_EIO, err, "%s", what);
		(void)snprintf(f->error, sizeof(f->error), "%s", e.msg);
	}
	return IR_EIO;
}

static int
same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* Where content comes from: an open file, or a reader (an image's file). */
struct content_src {
	int			 fd;
	ir_content_read_fn	 fn;
	void			*arg;
	uint64_t		 off;
};

/* Fill c->buf as far as the source goes; -1 with what[] on failure. */
static ssize_t
source_read(struct content_src *s, unsigned char *buf, size_t n,
    char *what, size_t whatsz, int *err)
{
	struct ir_err e;
	size_t got, total = 0;

	*err = 0;
	if (s->fn == NULL) {
		ssize_t r = ir_read_full(s->fd, buf, n);

		if (r < 0) {
			*err = errno;
			(void)snprintf(what, whatsz, "read error at byte %llu",
			    (unsigned long long)s->off);
		} else
			s->off += (uint64_t)r;
		return r;
	}
	while (total < n) {
		if (s->fn(s->arg, s->off, buf + total, n - total, &got, &e) !=
		    IR_OK) {
			(void)snprintf(what, whatsz, "%s", e.msg);
			return -1;
		}
		if (got == 0)
			break;
		total += got;
		s->off += got;
	}
	return (ssize_t)total;
}

/*
 * One pass over the content: the first chunk to libmagic, every chunk to
 * the digests.  *total gets the bytes read.
 */
static int
digest(struct ir_content *c, struct content_src *src, uint64_t size,
    struct ir_file *f, uint64_t *totalp)
{
	struct ir_hash *h = c->hash;
	struct ir_err e;
	uint64_t total = 0;
	ssize_t n;
	int typed = !c->opts.type, err;
	char what[300];

	*totalp = 0;
	if (h != NULL && size >= PARALLEL_FROM &&
	    (c->phash != NULL || ir_hash_new(&c->phash, c->opts.algs,
	    IR_HASH_PARALLEL, &e) == IR_OK))
		h = c->phash;
	if (h != NULL && ir_hash_reset(h, &e) != IR_OK)
		return fail(f, e.msg, 0);
	c->nkept = 0;
	c->whole = 1;
	for (;;) {
		unsigned char *buf = chunk_dest(c);

		n = source_read(src, buf, CHUNK, what, sizeof(what), &err);
		if (n < 0) {
			c->whole = 0;
			return fail(f, what, err);
		}
		if (buf != c->buf)
			c->nkept += (size_t)n;
		else if (n > 0)
			c->whole = 0;
		if (!typed) {
			/* The first chunk (or the whole file) is enough. */
			size_t k = (size_t)n < MAGIC_BYTES ? (size_t)n : MAGIC_BYTES;

			if (ir_magic_mime(c->magic, buf, k, f->mime,
			    sizeof(f->mime), &e) != IR_OK)
				return fail(f, e.msg, 0);
			f->mime_mismatch = ir_magic_mismatch(f->name, f->mime) &&
			    ir_magic_exec_header(buf, k);
			typed = 1;
			if (h == NULL && c->opts.keep == 0) {
				total = (uint64_t)n;	/* what was read */
				break;
			}
		}
		if (n == 0)
			break;
		/* A huge file must not hold up SIGINT: no digest then. */
		if (c->stop != NULL && *c->stop)
			return fail(f, "interrupted before the end of the file",
			    0);
		total += (uint64_t)n;
		if (h != NULL && ir_hash_update(h, buf, (size_t)n, &e) != IR_OK)
			return fail(f, e.msg, 0);
		if ((size_t)n < CHUNK)
			break;
	}
	*totalp = total;
	if (h != NULL && ir_hash_final(h, &f->digest, &e) != IR_OK)
		return fail(f, e.msg, 0);
	return IR_OK;
}

int
ir_content_reader(struct ir_content *c, ir_content_read_fn fn, void *arg,
    uint64_t size, struct ir_file *f, uint64_t *nread)
{
	struct content_src src = { -1, fn, arg, 0 };
	int rc;

	*nread = 0;
	if (c->opts.max_size != 0 && size > c->opts.max_size) {
		f->skipped = "larger than max-size";
		return IR_OK;
	}
	rc = digest(c, &src, size, f, nread);
	if (rc == IR_OK && c->hash != NULL && *nread != size)
		return fail(f, "content ended before the size the file "
		    "system gives", 0);
	return rc;
}

int
ir_content_file(struct ir_content *c, int fd, struct ir_file *f,
    uint64_t *nread)
{
	struct content_src src = { fd, NULL, NULL, 0 };
	const struct ir_hash *h = c->hash;
	struct stat before, after;
	uint64_t total = 0;
	int rc;

	*nread = 0;
	if (fstat(fd, &before) != 0)
		return fail(f, "cannot examine open file", errno);
	if (c->opts.max_size != 0 && (uint64_t)before.st_size > c->opts.max_size) {
		f->skipped = "larger than max-size";
		return IR_OK;
	}
	if ((rc = digest(c, &src, (uint64_t)before.st_size, f, &total)) !=
	    IR_OK)
		return rc;
	*nread = total;
	/* Written to while we read it: the digest is of no single version. */
	if (fstat(fd, &after) == 0 &&
	    (after.st_size != before.st_size ||
	    !same_time(&before.st_mtim, &after.st_mtim) ||
	    (h != NULL && total != (uint64_t)after.st_size)))
		f->changed = 1;
	if (f->mtime.valid && (f->mtime.sec != before.st_mtim.tv_sec ||
	    f->mtime.nsec != before.st_mtim.tv_nsec))
		f->changed = 1;
	return IR_OK;
}
