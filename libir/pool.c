#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "ir/error.h"
#include "ir/pool.h"

struct slot {
	void		*job;
	int		 done;
	int		 started;
	uint64_t	 weight;	/* the largest waiting job starts first */
};

struct worker {
	struct ir_pool	*p;
	void		*tctx;
	pthread_t	 tid;
};

struct ir_pool {
	ir_pool_work_fn	 work;
	ir_pool_done_fn	 done;
	void		*arg;
	void		*inline_tctx;
	int		 nthreads, depth;
	struct worker	*workers;
	struct slot	*ring;
	unsigned long	 head, next, tail;	/* deliver, run, fill */
	int		 weighted;		/* pick by weight, not age */
	int		 ready;			/* workers waiting for work */
	int		 quit;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv_work, cv_done;
};

/*
 * The job to run next: the oldest, or with weights the heaviest waiting
 * one (a big file started late leaves the other threads idle at the end).
 */
static struct slot *
pick(struct ir_pool *p)
{
	struct slot *s, *best = NULL;
	unsigned long i;

	for (i = p->next; i != p->tail; i++) {
		s = &p->ring[i % (unsigned long)p->depth];
		if (s->started)
			continue;
		if (!p->weighted)
			return s;
		if (best == NULL || s->weight > best->weight)
			best = s;
	}
	return best;
}

static void *
worker_main(void *a)
{
	struct worker *w = a;
	struct ir_pool *p = w->p;
	struct slot *s;

	(void)pthread_mutex_lock(&p->mu);
	p->ready++;
	(void)pthread_cond_broadcast(&p->cv_done);
	for (;;) {
		while (p->next == p->tail && !p->quit)
			(void)pthread_cond_wait(&p->cv_work, &p->mu);
		if (p->quit)
			break;
		s = pick(p);
		s->started = 1;
		while (p->next != p->tail &&
		    p->ring[p->next % (unsigned long)p->depth].started)
			p->next++;
		(void)pthread_mutex_unlock(&p->mu);
		p->work(s->job, w->tctx);
		(void)pthread_mutex_lock(&p->mu);
		s->done = 1;
		(void)pthread_cond_signal(&p->cv_done);
	}
	(void)pthread_mutex_unlock(&p->mu);
	return NULL;
}

int
ir_pool_new(struct ir_pool **pp, int nthreads, int depth,
    ir_pool_work_fn work, ir_pool_done_fn done, void *arg, void **tctx,
    struct ir_err *e)
{
	struct ir_pool *p;
	int i;

	*pp = NULL;
	if (depth < 1 || nthreads < 0)
		return ir_err_set(e, IR_EINVAL, 0, "bad pool size");
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	p->work = work;
	p->done = done;
	p->arg = arg;
	p->depth = depth;
	p->inline_tctx = tctx[0];
	if (nthreads == 0) {
		*pp = p;
		return IR_OK;
	}
	if ((p->ring = calloc((size_t)depth, sizeof(*p->ring))) == NULL ||
	    (p->workers = calloc((size_t)nthreads, sizeof(*p->workers))) == NULL) {
		free(p->ring);
		free(p);
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	}
	(void)pthread_mutex_init(&p->mu, NULL);
	(void)pthread_cond_init(&p->cv_work, NULL);
	(void)pthread_cond_init(&p->cv_done, NULL);
	for (i = 0; i < nthreads; i++) {
		p->workers[i].p = p;
		p->workers[i].tctx = tctx[i];
		if (pthread_create(&p->workers[i].tid, NULL, worker_main,
		    &p->workers[i]) != 0) {
			ir_pool_free(p);
			return ir_err_set(e, IR_ENOMEM, 0,
			    "cannot start worker thread");
		}
		p->nthreads++;
	}
	/*
	 * Back only when every worker idles on the lock-free wait: a tool
	 * may fork next (a libtsk worker), and a thread still starting can
	 * hold a lock of the runtime (the sanitizer's thread registry) that
	 * the child would then wait on for ever.
	 */
	(void)pthread_mutex_lock(&p->mu);
	while (p->ready < p->nthreads)
		(void)pthread_cond_wait(&p->cv_done, &p->mu);
	(void)pthread_mutex_unlock(&p->mu);
	*pp = p;
	return IR_OK;
}

/* Deliver the oldest job, waiting for it if `wait`; 1 if one was delivered. */
static int
deliver_one(struct ir_pool *p, int wait, int *rc, struct ir_err *e)
{
	struct slot *s;
	void *job;

	(void)pthread_mutex_lock(&p->mu);
	if (p->head == p->tail) {
		(void)pthread_mutex_unlock(&p->mu);
		return 0;
	}
	s = &p->ring[p->head % (unsigned long)p->depth];
	while (!s->done && wait)
		(void)pthread_cond_wait(&p->cv_done, &p->mu);
	if (!s->done) {
		(void)pthread_mutex_unlock(&p->mu);
		return 0;
	}
	job = s->job;
	s->done = 0;
	s->started = 0;
	p->head++;
	(void)pthread_mutex_unlock(&p->mu);
	*rc = p->done(job, p->arg, e);
	return 1;
}

void
ir_pool_weighted(struct ir_pool *p)
{
	p->weighted = 1;
}

int
ir_pool_submit(struct ir_pool *p, void *job, struct ir_err *e)
{
	return ir_pool_submit_weight(p, job, 0, e);
}

int
ir_pool_submit_weight(struct ir_pool *p, void *job, uint64_t weight,
    struct ir_err *e)
{
	int rc = IR_OK;

	if (p->nthreads == 0) {
		p->work(job, p->inline_tctx);
		return p->done(job, p->arg, e);
	}
	/*
	 * Hand back what is finished, then make room if the ring is full.
	 * A failed delivery still freed a slot: the job is queued all the
	 * same, so that the pool owns it whatever submit returns.
	 */
	while (deliver_one(p, 0, &rc, e))
		if (rc != IR_OK)
			goto queue;
	while (p->tail - p->head == (unsigned long)p->depth)
		if (deliver_one(p, 1, &rc, e) && rc != IR_OK)
			goto queue;
queue:
	(void)pthread_mutex_lock(&p->mu);
	p->ring[p->tail % (unsigned long)p->depth].job = job;
	p->ring[p->tail % (unsigned long)p->depth].done = 0;
	p->ring[p->tail % (unsigned long)p->depth].started = 0;
	p->ring[p->tail % (unsigned long)p->depth].weight = weight;
	p->tail++;
	(void)pthread_cond_signal(&p->cv_work);
	(void)pthread_mutex_unlock(&p->mu);
	return rc;
}

int
ir_pool_drain(struct ir_pool *p, struct ir_err *e)
{
	int rc = IR_OK;

	if (p->nthreads == 0)
		return IR_OK;
	while (deliver_one(p, 1, &rc, e))
		if (rc != IR_OK)
			return rc;
	return IR_OK;
}

void
ir_pool_free(struct ir_pool *p)
{
	int i;

	if (p == NULL)
		return;
	if (p->nthreads > 0) {
		(void)pthread_mutex_lock(&p->mu);
		p->quit = 1;
		(void)pthread_cond_broadcast(&p->cv_work);
		(void)pthread_mutex_unlock(&p->mu);
		for (i = 0; i < p->nthreads; i++)
			(void)pthread_join(p->workers[i].tid, NULL);
	}
	if (p->ring != NULL) {
		(void)pthread_mutex_destroy(&p->mu);
		(void)pthread_cond_destroy(&p->cv_work);
		(void)pthread_cond_destroy(&p->cv_done);
	}
	free(p->workers);
	free(p->ring);
	free(p);
}

