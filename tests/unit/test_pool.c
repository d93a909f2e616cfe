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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_two_threads),
		cmocka_unit_test(test_order_four_threads_deep),
		cmocka_unit_test(test_inline),
		cmocka_unit_test(test_failing_done_stops),
		cmocka_unit_test(test_bad_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
