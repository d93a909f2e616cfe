/*
 * pool: a small ordered work pool.  Jobs are submitted from one thread,
 * run on worker threads, and handed back to the submitting thread through
 * the done callback in the order they were submitted, so output stays
 * deterministic while content work uses every core.  At most `depth` jobs
 * are in flight; submit blocks (and delivers finished jobs) when full.
 */
#ifndef IR_POOL_H
#define IR_POOL_H

#include <stdint.h>

struct ir_err;
struct ir_pool;

/* Runs on a worker thread; tctx is that worker's own context. */
typedef void	(*ir_pool_work_fn)(void *job, void *tctx);
/* Runs on the submitting thread, in submission order; non-IR_OK stops. */
typedef int	(*ir_pool_done_fn)(void *job, void *arg, struct ir_err *);

/*
 * nthreads workers, worker i gets tctx[i].  With nthreads 0 the work runs
 * inline in submit, with tctx[0].
 */
int	 ir_pool_new(struct ir_pool **, int nthreads, int depth,
	    ir_pool_work_fn, ir_pool_done_fn, void *arg, void **tctx,
	    struct ir_err *);
/* The pool owns the job from then on, even when submit fails. */
int	 ir_pool_submit(struct ir_pool *, void *job, struct ir_err *);
/*
 * Workers then start the heaviest waiting job first (its size, say), not
 * the oldest; delivery stays in submission order.
 */
void	 ir_pool_weighted(struct ir_pool *);
int	 ir_pool_submit_weight(struct ir_pool *, void *job, uint64_t weight,
	    struct ir_err *);
/* Wait for every job and deliver it; stops at the first failed done. */
int	 ir_pool_drain(struct ir_pool *, struct ir_err *);
/* Stops the workers; undelivered jobs are dropped (done is not called). */
void	 ir_pool_free(struct ir_pool *);

#endif
