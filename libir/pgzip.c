#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "ir/error.h"
#include "ir/pgzip.h"
#include "ir/pool.h"

#define DICT		(32U << 10)
#define MAXTHREADS	64

struct job {
	unsigned char	*in;		/* IR_PGZIP_BLOCK bytes */
	size_t		 inlen;
	unsigned char	 dict[DICT];
	size_t		 dictlen;
	int		 last;
	unsigned char	*out;
	size_t		 outlen, outcap;
	uLong		 crc;
	int		 zrc;		/* Z_OK, or what went wrong */
	const char	*what;
};

struct tctx {
	z_stream	 zs;
	int		 ok;
};

struct ir_pgzip {
	ir_write_fn	 write;
	void		*arg;
	int		 level, nthreads;
	struct ir_pool	*pool;
	struct tctx	*ctx;
	void		**ctxp;
	struct job	*cur;		/* filling */
	unsigned char	 tail[DICT];	/* the last DICT bytes of input */
	size_t		 taillen;
	uLong		 crc;
	uint64_t	 in, out;
	int		 started, finished, failed;
	int		 bad;		/* a block failed: drop the rest */
	int		 aborting;	/* being freed: only free the jobs */
};

static void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	free(j->in);
	free(j->out);
	free(j);
}

static void
work(void *arg, void *tc)
{
	struct job *j = arg;
	struct tctx *t = tc;
	z_stream *zs = &t->zs;
	unsigned char *p;
	int rc;

	j->crc = crc32(0L, j->in, (uInt)j->inlen);
	if (!t->ok) {
		j->zrc = Z_MEM_ERROR;
		j->what = "deflateInit2";
		return;
	}
	if ((rc = deflateReset(zs)) != Z_OK) {
		j->zrc = rc;
		j->what = "deflateReset";
		return;
	}
	if (j->dictlen > 0 && (rc = deflateSetDictionary(zs, j->dict,
	    (uInt)j->dictlen)) != Z_OK) {
		j->zrc = rc;
		j->what = "deflateSetDictionary";
		return;
	}
	j->outcap = deflateBound(zs, (uLong)j->inlen) + 64;
	if ((j->out = malloc(j->outcap)) == NULL) {
		j->zrc = Z_MEM_ERROR;
		j->what = "malloc";
		return;
	}
	zs->next_in = j->in;
	zs->avail_in = (uInt)j->inlen;
	for (;;) {
		zs->next_out = j->out + j->outlen;
		zs->avail_out = (uInt)(j->outcap - j->outlen);
		rc = deflate(zs, j->last ? Z_FINISH : Z_SYNC_FLUSH);
		j->outlen = j->outcap - zs->avail_out;
		if (rc == Z_STREAM_END || (rc == Z_OK && !j->last &&
		    zs->avail_out > 0 && zs->avail_in == 0))
			break;
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			j->zrc = rc;
			j->what = "deflate";
			return;
		}
		/* Out of room (never with deflateBound, but be sure). */
		if ((p = realloc(j->out, j->outcap * 2)) == NULL) {
			j->zrc = Z_MEM_ERROR;
			j->what = "realloc";
			return;
		}
		j->out = p;
		j->outcap *= 2;
	}
	j->zrc = Z_OK;
}

static int
emit(struct ir_pgzip *z, const void *p, size_t n, struct ir_err *e)
{
	int rc;

	if ((rc = z->write(z->arg, p, n, e)) != IR_OK)
		return rc;
	z->out += n;
	return IR_OK;
}

static int
header(struct ir_pgzip *z, struct ir_err *e)
{
	/* No name, no time: the same input gives the same bytes. */
	unsigned char h[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };

	h[8] = z->level >= 9 ? 2 : z->level == 1 ? 4 : 0;
	z->started = 1;
	return emit(z, h, sizeof(h), e);
}

static int
done(void *arg, void *zarg, struct ir_err *e)
{
	struct job *j = arg;
	struct ir_pgzip *z = zarg;
	int rc;

	if (z->aborting || z->bad) {
		job_free(j);
		return z->aborting ? IR_OK : ir_err_set(e, z->bad, 0,
		    "gzip: an earlier block failed");
	}
	if (j->zrc != Z_OK) {
		rc = ir_err_set(e, j->zrc == Z_MEM_ERROR ? IR_ENOMEM : IR_EDEP,
		    0, "gzip: %s failed (zlib %d)", j->what, j->zrc);
		goto out;
	}
	if (!z->started && (rc = header(z, e)) != IR_OK)
		goto out;
	if ((rc = emit(z, j->out, j->outlen, e)) != IR_OK)
		goto out;
	z->crc = crc32_combine(z->crc, j->crc, (z_off_t)j->inlen);
out:
	if (rc != IR_OK)
		z->bad = rc;
	job_free(j);
	return rc;
}

static struct job *
job_new(void)
{
	struct job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	if ((j->in = malloc(IR_PGZIP_BLOCK)) == NULL) {
		free(j);
		return NULL;
	}
	return j;
}

int
ir_pgzip_new(struct ir_pgzip **zp, int level, int nthreads, ir_write_fn out,
    void *arg, struct ir_err *e)
{
	struct ir_pgzip *z;
	long ncpu;
	int i, rc, n;

	*zp = NULL;
	if (level < 1 || level > 9)
		return ir_err_set(e, IR_EINVAL, 0, "gzip: level %d is not "
		    "1-9", level);
	if (nthreads < 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		nthreads = ncpu > 1 ? (int)(ncpu > MAXTHREADS ? MAXTHREADS :
		    ncpu) : 0;
	}
	if (nthreads > MAXTHREADS)
		nthreads = MAXTHREADS;
	if ((z = calloc(1, sizeof(*z))) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	z->write = out;
	z->arg = arg;
	z->level = level;
	z->nthreads = nthreads;
	z->crc = crc32(0L, Z_NULL, 0);
	n = nthreads > 0 ? nthreads : 1;
	z->ctx = calloc((size_t)n, sizeof(*z->ctx));
	z->ctxp = calloc((size_t)n, sizeof(*z->ctxp));
	if (z->ctx == NULL || z->ctxp == NULL || (z->cur = job_new()) == NULL) {
		ir_pgzip_free(z);
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	}
	for (i = 0; i < n; i++) {
		z->ctx[i].ok = deflateInit2(&z->ctx[i].zs, level, Z_DEFLATED,
		    -15, 8, Z_DEFAULT_STRATEGY) == Z_OK;
		if (!z->ctx[i].ok) {
			ir_pgzip_free(z);
			return ir_err_set(e, IR_ENOMEM, 0, "gzip: cannot "
			    "start zlib");
		}
		z->ctxp[i] = &z->ctx[i];
	}
	rc = ir_pool_new(&z->pool, nthreads, nthreads > 0 ? nthreads * 2 : 1,
	    work, done, z, z->ctxp, e);
	if (rc != IR_OK) {
		ir_pgzip_free(z);
		return rc;
	}
	*zp = z;
	return IR_OK;
}

void
ir_pgzip_free(struct ir_pgzip *z)
{
	int i, n;

	if (z == NULL)
		return;
	/* Jobs still in the pool after an error: free them. */
	z->aborting = 1;
	if (z->pool != NULL)
		(void)ir_pool_drain(z->pool, NULL);
	ir_pool_free(z->pool);
	n = z->nthreads > 0 ? z->nthreads : 1;
	if (z->ctx != NULL)
		for (i = 0; i < n; i++)
			if (z->ctx[i].ok)
				(void)deflateEnd(&z->ctx[i].zs);
	free(z->ctx);
	free(z->ctxp);
	job_free(z->cur);
	free(z);
}

/* Hand the filled block to the pool and start the next one. */
static int
submit(struct ir_pgzip *z, int last, struct ir_err *e)
{
	struct job *j = z->cur;
	size_t keep;
	int rc;

	j->last = last;
	memcpy(j->dict, z->tail, z->taillen);
	j->dictlen = z->taillen;
	/* The next block's dictionary: the last 32 KiB of input so far. */
	if (j->inlen >= DICT) {
		memcpy(z->tail, j->in + j->inlen - DICT, DICT);
		z->taillen = DICT;
	} else {
		keep = z->taillen + j->inlen > DICT ? DICT - j->inlen :
		    z->taillen;
		memmove(z->tail, z->tail + z->taillen - keep, keep);
		memcpy(z->tail + keep, j->in, j->inlen);
		z->taillen = keep + j->inlen;
	}
	z->cur = NULL;
	if ((rc = ir_pool_submit(z->pool, j, e)) != IR_OK)
		return rc;
	if (!last && (z->cur = job_new()) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	return IR_OK;
}

int
ir_pgzip_write(struct ir_pgzip *z, const void *buf, size_t n,
    struct ir_err *e)
{
	const unsigned char *p = buf;
	size_t k;
	int rc;

	if (z->failed || z->finished)
		return ir_err_set(e, IR_EINVAL, 0, "gzip: write after %s",
		    z->failed ? "an error" : "the end");
	while (n > 0) {
		if (z->cur->inlen == IR_PGZIP_BLOCK &&
		    (rc = submit(z, 0, e)) != IR_OK) {
			z->failed = 1;
			return rc;
		}
		k = IR_PGZIP_BLOCK - z->cur->inlen;
		k = k < n ? k : n;
		memcpy(z->cur->in + z->cur->inlen, p, k);
		z->cur->inlen += k;
		z->in += k;
		p += k;
		n -= k;
	}
	return IR_OK;
}

int
ir_pgzip_finish(struct ir_pgzip *z, struct ir_err *e)
{
	unsigned char t[8];
	uint32_t isize = (uint32_t)z->in;
	int rc;

	if (z->failed || z->finished)
		return ir_err_set(e, IR_EINVAL, 0, "gzip: finish after %s",
		    z->failed ? "an error" : "the end");
	z->failed = 1;		/* until it all went out */
	if ((rc = submit(z, 1, e)) != IR_OK ||
	    (rc = ir_pool_drain(z->pool, e)) != IR_OK)
		return rc;
	if (!z->started && (rc = header(z, e)) != IR_OK)
		return rc;
	t[0] = (unsigned char)z->crc;
	t[1] = (unsigned char)(z->crc >> 8);
	t[2] = (unsigned char)(z->crc >> 16);
	t[3] = (unsigned char)(z->crc >> 24);
	t[4] = (unsigned char)isize;
	t[5] = (unsigned char)(isize >> 8);
	t[6] = (unsigned char)(isize >> 16);
	t[7] = (unsigned char)(isize >> 24);
	if ((rc = emit(z, t, sizeof(t), e)) != IR_OK)
		return rc;
	z->failed = 0;
	z->finished = 1;
	return IR_OK;
}

uint64_t
ir_pgzip_in(const struct ir_pgzip *z)
{
	return z->in;
}

uint64_t
ir_pgzip_out(const struct ir_pgzip *z)
{
	return z->out;
}
