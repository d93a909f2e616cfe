/* pool: in-order delivery from several threads, inline mode, failures. */
#include "unit.h"

#include <pthread.h>

struct job {
	int		 seq;
	int		 worked;
};

struct sink {
	int		 next;		/* the seq expected next */
	int		 fail_at;	/* -1: never */
	int		 delivered;
};

static void
work(void *a, void *tctx)
{
	struct job *j = a;

	(void)tctx;
	usleep((useconds_t)((j->seq * 7919) % 1500));	/* finish out of order */
	j->worked = 1;
}

static int
done(void *a, void *arg, struct ir_err *e)
{
	struct job *j = a;
	struct sink *s = arg;
	int seq = j->seq, worked = j->worked;

	free(j);
	s->delivered++;
	if (seq != s->next++ || !worked)
		return ir_err_set(e, IR_EINVAL, 0, "job %d out of order", seq);
	if (seq == s->fail_at)
		return ir_err_set(e, IR_EIO, 0, "writer failed at %d", seq);
	return IR_OK;
}

static void
run(int nthreads, int depth, int njobs, int fail_at, int want_rc)
{
	struct sink s = { 0, fail_at, 0 };
	struct ir_pool *p;
	struct ir_err e;
	struct job *j;
	void *tctx[8] = { 0 };
	int i, rc = IR_OK;

	assert_int_equal(ir_pool_new(&p, nthreads, depth, work, done, &s,
	    tctx, &e), IR_OK);
	for (i = 0; i < njobs && rc == IR_OK; i++) {
		assert_non_null(j = calloc(1, sizeof(*j)));
		j->seq = i;
		rc = ir_pool_submit(p, j, &e);
	}
	if (rc == IR_OK)
		rc = ir_pool_drain(p, &e);
	assert_int_equal(rc, want_rc);
	if (want_rc == IR_OK)
		assert_int_equal(s.delivered, njobs);
	else {
		assert_non_null(strstr(e.msg, "writer failed"));
		/* The caller drains to get every submitted job back. */
		assert_int_equal(ir_pool_drain(p, &e), IR_OK);
		assert_int_equal(s.delivered, i);
	}
	ir_pool_free(p);	/* frees nothing twice, leaks nothing (ASan) */
}

static void
test_order_two_threads(void **state)
{
	(void)state;
	run(2, 4, 300, -1, IR_OK);
}

static void
test_order_four_threads_deep(void **state)
{
	(void)state;
	run(4, 64, 500, -1, IR_OK);
}

static void
test_inline(void **state)
{
	(void)state;
	run(0, 1, 50, -1, IR_OK);
}

static void
test_failing_done_stops(void **state)
{
	(void)state;
	run(2, 8, 200, 37, IR_EIO);
	run(0, 1, 20, 5, IR_EIO);
}

static void
test_bad_size(void **state)
{
	struct ir_pool *p;
	void *tctx[1] = { 0 };

	(void)state;
	assert_int_equal(ir_pool_new(&p, 2, 0, work, done, NULL, tctx, NULL),
	    IR_EINVAL);
}

/* Random work times, tctx checks, in-flight and concurrency bounds. */
struct rjob {
	int		 seq;
	unsigned int	 us;
	void		*tctx;
	pthread_t	 thread;
};

struct rsink {
	pthread_mutex_t	 mu;
	int		 running, max_running;
	int		 submitted, delivered, depth, nthreads;
	void		**tctx;
	pthread_t	 submitter;
	int		 bad;
};

static struct rsink *rs;	/* the work function has no arg of its own */

static void
rwork(void *a, void *tctx)
{
	struct rjob *j = a;

	(void)pthread_mutex_lock(&rs->mu);
	if (++rs->running > rs->max_running)
		rs->max_running = rs->running;
	(void)pthread_mutex_unlock(&rs->mu);
	usleep(j->us);
	j->tctx = tctx;
	j->thread = pthread_self();
	(void)pthread_mutex_lock(&rs->mu);
	rs->running--;
	(void)pthread_mutex_unlock(&rs->mu);
}

static int
rdone(void *a, void *arg, struct ir_err *e)
{
	struct rjob *j = a;
	struct rsink *s = arg;
	int i, known = 0;

	(void)e;
	if (j->seq != s->delivered)
		s->bad++;
	if (!pthread_equal(pthread_self(), s->submitter))
		s->bad++;
	if (s->nthreads > 0 && pthread_equal(j->thread, s->submitter))
		s->bad++;		/* work must run on a worker */
	for (i = 0; i < (s->nthreads > 0 ? s->nthreads : 1); i++)
		if (j->tctx == s->tctx[i])
			known = 1;
	if (!known)
		s->bad++;
	/* In flight: submitted, not yet delivered (this one included). */
	if (s->submitted - s->delivered > s->depth)
		s->bad++;
	s->delivered++;
	free(j);
	return IR_OK;
}

static void
rrun(int nthreads, int depth, int njobs, uint32_t seed)
{
	int tc[8];
	void *tctx[8];
	struct rsink s;
	struct ir_pool *p;
	struct ir_err e;
	struct rjob *j;
	int i;

	memset(&s, 0, sizeof(s));
	(void)pthread_mutex_init(&s.mu, NULL);
	for (i = 0; i < 8; i++)
		tctx[i] = &tc[i];
	s.tctx = tctx;
	s.depth = depth;
	s.nthreads = nthreads;
	s.submitter = pthread_self();
	rs = &s;
	assert_int_equal(ir_pool_new(&p, nthreads, depth, rwork, rdone, &s,
	    tctx, &e), IR_OK);
	for (i = 0; i < njobs; i++) {
		assert_non_null(j = calloc(1, sizeof(*j)));
		j->seq = i;
		j->us = ut_rand(&seed) % 3000;
		assert_int_equal(ir_pool_submit(p, j, &e), IR_OK);
		s.submitted++;
		if (nthreads == 0)	/* inline: delivered before return */
			assert_int_equal(s.delivered, i + 1);
		assert_true(s.submitted - s.delivered <= depth);
	}
	assert_int_equal(ir_pool_drain(p, &e), IR_OK);
	assert_int_equal(s.delivered, njobs);
	assert_int_equal(s.bad, 0);
	assert_true(s.max_running <= (nthreads > 0 ? nthreads : 1));
	if (nthreads > 1 && depth > 1)
		assert_true(s.max_running > 1);	/* it did run in parallel */
	/* Drain again with nothing left, then more work on the same pool. */
	assert_int_equal(ir_pool_drain(p, &e), IR_OK);
	for (i = 0; i < 5; i++) {
		assert_non_null(j = calloc(1, sizeof(*j)));
		j->seq = njobs + i;
		assert_int_equal(ir_pool_submit(p, j, &e), IR_OK);
		s.submitted++;
	}
	assert_int_equal(ir_pool_drain(p, &e), IR_OK);
	assert_int_equal(s.delivered, njobs + 5);
	assert_int_equal(s.bad, 0);
	ir_pool_free(p);
	(void)pthread_mutex_destroy(&s.mu);
	rs = NULL;
}

static void
test_random_durations(void **state)
{
	(void)state;
	rrun(2, 3, 200, 1);
	rrun(4, 3, 300, 2);
	rrun(4, 16, 300, 3);
	rrun(4, 1, 50, 4);
	rrun(8, 8, 200, 5);
	rrun(0, 1, 30, 6);
}

/* An empty pool drains and frees at once; free(NULL) is harmless. */
static void
test_empty_pool(void **state)
{
	struct ir_pool *p;
	void *tctx[4] = { 0 };
	struct ir_err e;

	(void)state;
	assert_int_equal(ir_pool_new(&p, 4, 4, work, done, NULL, tctx, &e),
	    IR_OK);
	assert_int_equal(ir_pool_drain(p, &e), IR_OK);
	ir_pool_free(p);
	assert_int_equal(ir_pool_new(&p, 0, 1, work, done, NULL, tctx, &e),
	    IR_OK);
	assert_int_equal(ir_pool_drain(p, &e), IR_OK);
	ir_pool_free(p);
	ir_pool_free(NULL);
	p = (struct ir_pool *)tctx;
	assert_int_equal(ir_pool_new(&p, -1, 4, work, done, NULL, tctx, &e),
	    IR_EINVAL);
	assert_null(p);
	assert_int_equal(e.code, IR_EINVAL);
}

/*
 * A failing done with every kind of pool, failing early, late and at the
 * last job; the caller drains and every job is freed (ASan checks leaks).
 */
static void
test_failures_everywhere(void **state)
{
	(void)state;
	run(4, 3, 100, 0, IR_EIO);
	run(4, 3, 100, 99, IR_EIO);
	run(2, 1, 40, 20, IR_EIO);
	run(4, 64, 30, 29, IR_EIO);
	run(0, 1, 10, 0, IR_EIO);
	run(0, 1, 10, 9, IR_EIO);
}

/* Weighted: with one thread, the heaviest waiting jobs start first. */
static int started[8], nstarted;
static pthread_mutex_t started_mu = PTHREAD_MUTEX_INITIALIZER;

static void
work_record(void *a, void *tctx)
{
	struct job *j = a;

	(void)tctx;
	(void)pthread_mutex_lock(&started_mu);
	started[nstarted++] = j->seq;
	(void)pthread_mutex_unlock(&started_mu);
	if (j->seq == 0)
		usleep(200000);	/* the others queue up meanwhile */
	j->worked = 1;
}

static void
test_weighted(void **state)
{
	static const uint64_t weight[8] = { 1, 5, 50, 7, 100, 2, 9, 3 };
	static const int want[8] = { 0, 4, 2, 6, 3, 1, 7, 5 };
	struct sink sk = { 0, -1, 0 };
	struct ir_pool *p;
	struct ir_err e;
	void *tctx[1] = { NULL };
	struct job *j;
	int i;

	(void)state;
	nstarted = 0;
	assert_int_equal(ir_pool_new(&p, 1, 16, work_record, done, &sk, tctx,
	    &e), IR_OK);
	ir_pool_weighted(p);
	for (i = 0; i < 8; i++) {
		assert_non_null(j = calloc(1, sizeof(*j)));
		j->seq = i;
		assert_int_equal(ir_pool_submit_weight(p, j, weight[i], &e),
		    IR_OK);
		/* Job 0 is running before the others come. */
		while (i == 0 && nstarted == 0)
			usleep(1000);
	}
	assert_int_equal(ir_pool_drain(p, &e), IR_OK);
	ir_pool_free(p);
	/* Delivered in order (done checks); started by weight after job 0. */
	assert_int_equal(sk.delivered, 8);
	for (i = 0; i < 8; i++)
		assert_int_equal(started[i], want[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_two_threads),
		cmocka_unit_test(test_order_four_threads_deep),
		cmocka_unit_test(test_inline),
		cmocka_unit_test(test_failing_done_stops),
		cmocka_unit_test(test_bad_size),
		cmocka_unit_test(test_random_durations),
		cmocka_unit_test(test_empty_pool),
		cmocka_unit_test(test_weighted),
		cmocka_unit_test(test_failures_everywhere),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
