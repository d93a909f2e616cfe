#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ir/acq.h"
#include "ir/error.h"
#include "ir/hash.h"
#include "ir/sink.h"
#include "ir/src.h"

#define DEFAULT_BLOCK	(1U << 20)
#define NSLOT		16

enum { HASHER, WRITER, NCONSUMER };

struct slot {
	char		*buf;
	size_t		 n;
	uint64_t	 pos;		/* in the source */
	struct ir_range	*bad;		/* unreadable ranges in it */
	size_t		 nbad, abad;
};

struct ring {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct slot	 slot[NSLOT];
	uint64_t	 produced;		/* slots filled, ever */
	uint64_t	 consumed[NCONSUMER];	/* slots done, per consumer */
	int		 active[NCONSUMER];
	int		 done;			/* the reader has finished */
	int		 failed;		/* a consumer failed: stop */
	struct ir_err	 err;			/* its error */

	const struct ir_acq_opts *o;
	struct ir_sink	**sinks;
	size_t		 nsinks;
	struct ir_hash	*h, *hp;		/* whole, piece */
	uint64_t	 piece_pos, piece_len;
	pthread_t	 tid[NCONSUMER];
};

static void
fail(struct ring *r, const struct ir_err *e)
{
	(void)pthread_mutex_lock(&r->mu);
	if (!r->failed) {
		r->failed = 1;
		r->err = *e;
	}
	(void)pthread_cond_broadcast(&r->cv);
	(void)pthread_mutex_unlock(&r->mu);
}

/* Consumer k: the next filled slot, or NULL at the end. */
static struct slot *
next_slot(struct ring *r, int k)
{
	struct slot *s = NULL;

	(void)pthread_mutex_lock(&r->mu);
	while (r->consumed[k] == r->produced && !r->done && !r->failed)
		(void)pthread_cond_wait(&r->cv, &r->mu);
	if (r->consumed[k] < r->produced && !r->failed)
		s = &r->slot[r->consumed[k] % NSLOT];
	(void)pthread_mutex_unlock(&r->mu);
	return s;
}

static void
slot_done(struct ring *r, int k)
{
	(void)pthread_mutex_lock(&r->mu);
	r->consumed[k]++;
	(void)pthread_cond_broadcast(&r->cv);
	(void)pthread_mutex_unlock(&r->mu);
}

/* Bytes into the whole digest and the pieces. */
static int
hash_feed(const void *buf, size_t n, void *arg, struct ir_err *e)
{
	struct ring *r = arg;
	const char *p = buf;
	struct ir_digest d;
	uint64_t take;
	int rc;

	if (r->h != NULL && (rc = ir_hash_update(r->h, buf, n, e)) != IR_OK)
		return rc;
	while (r->hp != NULL && n > 0) {
		take = r->o->piece - r->piece_len;
		if (take > n)
			take = n;
		if ((rc = ir_hash_update(r->hp, p, (size_t)take, e)) != IR_OK)
			return rc;
		p += take;
		n -= (size_t)take;
		r->piece_len += take;
		if (r->piece_len == r->o->piece) {
			if ((rc = ir_hash_final(r->hp, &d, e)) != IR_OK ||
			    (rc = ir_hash_reset(r->hp, e)) != IR_OK)
				return rc;
			if (r->o->on_piece != NULL)
				r->o->on_piece(r->piece_pos, r->piece_len, &d,
				    r->o->arg);
			r->piece_pos += r->piece_len;
			r->piece_len = 0;
		}
	}
	return IR_OK;
}

static void *
hasher(void *arg)
{
	struct ring *r = arg;
	struct slot *s;
	struct ir_err e;

	while ((s = next_slot(r, HASHER)) != NULL) {
		if (hash_feed(s->buf, s->n, r, &e) != IR_OK) {
			fail(r, &e);
			break;
		}
		slot_done(r, HASHER);
	}
	return NULL;
}

static void *
writer(void *arg)
{
	struct ring *r = arg;
	struct slot *s;
	struct ir_err e;
	size_t i;

	while ((s = next_slot(r, WRITER)) != NULL) {
		for (i = 0; i < r->nsinks; i++)
			if (ir_sink_write(r->sinks[i], s->buf, s->n, &e) !=
			    IR_OK) {
				fail(r, &e);
				return NULL;
			}
		if (r->o->on_written != NULL)
			r->o->on_written(s->pos, s->n, s->bad, s->nbad,
			    r->o->arg);
		slot_done(r, WRITER);
	}
	return NULL;
}

/* Reader: wait for a slot every consumer is done with. */
static struct slot *
free_slot(struct ring *r)
{
	struct slot *s = NULL;
	uint64_t low;
	int k;

	(void)pthread_mutex_lock(&r->mu);
	for (;;) {
		low = r->produced;
		for (k = 0; k < NCONSUMER; k++)
			if (r->active[k] && r->consumed[k] < low)
				low = r->consumed[k];
		if (r->failed || r->produced - low < NSLOT)
			break;
		(void)pthread_cond_wait(&r->cv, &r->mu);
	}
	if (!r->failed)
		s = &r->slot[r->produced % NSLOT];
	(void)pthread_mutex_unlock(&r->mu);
	return s;
}

static void
publish(struct ring *r)
{
	(void)pthread_mutex_lock(&r->mu);
	r->produced++;
	(void)pthread_cond_broadcast(&r->cv);
	(void)pthread_mutex_unlock(&r->mu);
}

/* The source's unreadable ranges inside [pos, pos + n), into s->bad. */
static int
take_bad(struct ir_src *src, struct slot *s, uint64_t *nbad,
    struct ir_err *e)
{
	const struct ir_range *b;
	struct ir_range *nb;
	uint64_t lo, hi, end = s->pos + s->n;
	size_t nb_src, i, first;

	s->nbad = 0;
	b = ir_src_badmap(src, &nb_src);
	/* Reads go forward: the ranges of this block are the last ones. */
	for (first = nb_src; first > 0 && b[first - 1].off + b[first - 1].len >
	    s->pos; first--)
		;
	for (i = first; i < nb_src; i++) {
		lo = b[i].off > s->pos ? b[i].off : s->pos;
		hi = b[i].off + b[i].len < end ? b[i].off + b[i].len : end;
		if (lo >= hi)
			continue;
		if (s->nbad == s->abad) {
			size_t na = s->abad ? s->abad * 2 : 8;

			if ((nb = reallocarray(s->bad, na, sizeof(*nb))) ==
			    NULL)
				return ir_err_set(e, IR_ENOMEM, 0,
				    "out of memory");
			s->bad = nb;
			s->abad = na;
		}
		s->bad[s->nbad].off = lo;
		s->bad[s->nbad].len = hi - lo;
		s->nbad++;
		*nbad += hi - lo;
	}
	return IR_OK;
}

static int
start(struct ring *r, int k, void *(*fn)(void *), struct ir_err *e)
{
	if (pthread_create(&r->tid[k], NULL, fn, r) != 0)
		return ir_err_set(e, IR_ENOMEM, errno, "cannot start a thread");
	r->active[k] = 1;
	return IR_OK;
}

/* Read the source into the ring until its end, count, a stop or an error. */
static int
read_all(struct ir_src *src, struct ring *r, struct ir_acq_result *res,
    struct ir_err *e)
{
	const struct ir_acq_opts *o = r->o;
	size_t block = o->block ? o->block : DEFAULT_BLOCK, want, got;
	uint64_t pos = o->offset + o->resume, end;
	struct slot *s;
	int rc;

	end = o->count ? o->offset + o->count : UINT64_MAX;
	while (pos < end) {
		if (o->stop != NULL && *o->stop)
			return ir_err_set(e, IR_EINTR, 0, "interrupted");
		if ((s = free_slot(r)) == NULL)
			return IR_OK;		/* a consumer's error */
		want = end - pos < block ? (size_t)(end - pos) : block;
		rc = ir_src_read(src, s->buf, want, pos, &got, e);
		/* All sectors bad: zero-filled and mapped, go on. */
		if (rc == IR_EIO && got == want && e->sys_errno == EIO)
			rc = IR_OK;
		if (rc != IR_OK)
			return rc;
		if (got == 0) {
			res->short_source = o->count != 0;
			break;
		}
		s->n = got;
		s->pos = pos;
		if ((rc = take_bad(src, s, &res->bad, e)) != IR_OK)
			return rc;
		publish(r);
		pos += got;
		res->bytes += got;
		if (o->on_read != NULL && o->on_read(pos - o->offset, o->arg))
			return ir_err_set(e, IR_EINTR, 0, "stopped");
		if (got < want) {
			res->short_source = o->count != 0;
			break;
		}
	}
	return IR_OK;
}

int
ir_acq_run(struct ir_src *src, struct ir_sink **sinks, size_t nsinks,
    const struct ir_acq_opts *o, struct ir_acq_result *res, struct ir_err *e)
{
	struct ring *r;
	size_t block = o->block ? o->block : DEFAULT_BLOCK, i;
	int rc = IR_OK, k;

	memset(res, 0, sizeof(*res));
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	r->o = o;
	r->sinks = sinks;
	r->nsinks = nsinks;
	(void)pthread_mutex_init(&r->mu, NULL);
	(void)pthread_cond_init(&r->cv, NULL);
	for (i = 0; i < NSLOT && rc == IR_OK; i++)
		if ((r->slot[i].buf = malloc(block)) == NULL)
			rc = ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	if (o->hash != NULL)
		r->h = o->hash;
	else if (rc == IR_OK && o->algs != 0)
		rc = ir_hash_new(&r->h, o->algs, IR_HASH_PARALLEL, e);
	if (rc == IR_OK && o->piece > 0)
		rc = ir_hash_new(&r->hp, o->algs ? o->algs :
		    IR_HASH_BIT(IR_HASH_SHA256), 0, e);
	/* What a resumed run wrote before is hashed first, in order. */
	if (rc == IR_OK && o->resume > 0) {
		if (nsinks == 0)
			rc = ir_err_set(e, IR_EINVAL, 0, "nothing to resume");
		else
			rc = ir_sink_read_prefix(sinks[0], o->resume,
			    hash_feed, r, e);
		res->bytes = o->resume;
	}
	if (rc == IR_OK && (r->h != NULL || r->hp != NULL))
		rc = start(r, HASHER, hasher, e);
	if (rc == IR_OK && nsinks > 0)
		rc = start(r, WRITER, writer, e);
	if (rc == IR_OK)
		rc = read_all(src, r, res, e);

	(void)pthread_mutex_lock(&r->mu);
	r->done = 1;
	if (rc != IR_OK && rc != IR_EINTR)
		r->failed = 1;
	(void)pthread_cond_broadcast(&r->cv);
	(void)pthread_mutex_unlock(&r->mu);
	for (k = 0; k < NCONSUMER; k++)
		if (r->active[k])
			(void)pthread_join(r->tid[k], NULL);
	/* A consumer's error comes first: it is why the reading stopped. */
	if (r->failed && r->err.code != IR_OK) {
		*e = r->err;
		rc = r->err.code;
	}
	if (rc == IR_OK || rc == IR_EINTR) {
		if (r->h != NULL && o->hash == NULL &&
		    ir_hash_final(r->h, &res->digest,
		    rc == IR_OK ? e : NULL) != IR_OK && rc == IR_OK)
			rc = e->code;
		if (rc == IR_OK && r->hp != NULL && r->piece_len > 0) {
			struct ir_digest d;

			if ((rc = ir_hash_final(r->hp, &d, e)) == IR_OK &&
			    o->on_piece != NULL)
				o->on_piece(r->piece_pos, r->piece_len, &d,
				    o->arg);
		}
	}
	if (o->hash == NULL)
		ir_hash_free(r->h);
	ir_hash_free(r->hp);
	for (i = 0; i < NSLOT; i++) {
		free(r->slot[i].buf);
		free(r->slot[i].bad);
	}
	(void)pthread_cond_destroy(&r->cv);
	(void)pthread_mutex_destroy(&r->mu);
	free(r);
	return rc;
}
