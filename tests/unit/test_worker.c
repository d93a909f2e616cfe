/* worker: a parser in a child process, its records relayed line by line. */
#include "unit.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>

/* What the sink saw: every byte, and how many calls. */
struct got {
	struct ir_buf	 all;
	int		 calls;
	int		 fail_after;	/* > 0: fail on that call */
	int		 partial;	/* a call not ending in '\n' */
};

static int
sink(const char *buf, size_t n, void *arg)
{
	struct got *g = arg;

	g->calls++;
	if (n == 0 || buf[n - 1] != '\n')
		g->partial = 1;
	assert_int_equal(ir_buf_add(&g->all, buf, n, NULL), IR_OK);
	return g->fail_after > 0 && g->calls >= g->fail_after;
}

static int
put(int fd, const char *s)
{
	return ir_write_full(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : 1;
}

/* Records 0..9999, one write each: many reads, order kept. */
static int
child_lines(int fd, void *arg)
{
	char line[64];
	int i, n;

	(void)arg;
	for (i = 0; i < 10000; i++) {
		n = snprintf(line, sizeof(line), "record %d\n", i);
		if (ir_write_full(fd, line, (size_t)n) != n)
			return 1;
	}
	return 0;
}

static void
test_in_order(void **state)
{
	struct got g = { IR_BUF_INIT(IR_BUF_NOLIMIT), 0, 0, 0 };
	struct ir_worker_end end;
	struct ir_buf want = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_err e;
	int i;

	(void)state;
	for (i = 0; i < 10000; i++)
		assert_int_equal(ir_buf_addf(&want, NULL, "record %d\n", i),
		    IR_OK);
	assert_int_equal(ir_worker_run(child_lines, NULL, sink, &g, &end, &e),
	    IR_OK);
	assert_int_equal(end.status, 0);
	assert_int_equal(end.signal, 0);
	assert_int_equal(end.torn, 0);
	assert_int_equal(g.partial, 0);
	assert_int_equal(g.all.len, want.len);
	assert_memory_equal(g.all.buf, want.buf, want.len);
	ir_buf_release(&want);
	ir_buf_release(&g.all);
}

/* Two lines, half a third, then a crash. */
static int
child_crash(int fd, void *arg)
{
	(void)arg;
	if (put(fd, "one\ntwo\nhalf a li") != 0)
		return 1;
	(void)signal(SIGSEGV, SIG_DFL);	/* not the sanitizer's handler */
	(void)raise(SIGSEGV);
	return 0;
}

static void
test_crash_torn(void **state)
{
	struct got g = { IR_BUF_INIT(IR_BUF_NOLIMIT), 0, 0, 0 };
	struct ir_worker_end end;
	struct ir_err e;

	(void)state;
	assert_int_equal(ir_worker_run(child_crash, NULL, sink, &g, &end, &e),
	    IR_OK);
	assert_int_equal(end.signal, SIGSEGV);
	assert_int_equal(end.torn, 1);
	assert_int_equal(g.partial, 0);
	assert_int_equal(g.all.len, strlen("one\ntwo\n"));
	assert_memory_equal(g.all.buf, "one\ntwo\n", g.all.len);
	ir_buf_release(&g.all);
}

static int
child_status(int fd, void *arg)
{
	(void)fd;
	return *(const int *)arg;
}

static int
child_status_line(int fd, void *arg)
{
	(void)arg;
	return put(fd, "last\n") == 0 ? 42 : 1;
}

static void
test_exit_status(void **state)
{
	struct got g = { IR_BUF_INIT(IR_BUF_NOLIMIT), 0, 0, 0 };
	struct ir_worker_end end;
	struct ir_err e;
	int st = 7;

	(void)state;
	assert_int_equal(ir_worker_run(child_status, &st, sink, &g, &end, &e),
	    IR_OK);
	assert_int_equal(end.status, 7);
	assert_int_equal(end.signal, 0);
	assert_int_equal(end.torn, 0);
	/* The child that writes nothing: no call to the sink at all. */
	assert_int_equal(g.calls, 0);
	assert_int_equal(g.all.len, 0);
	st = 0;
	assert_int_equal(ir_worker_run(child_status, &st, sink, &g, &end, &e),
	    IR_OK);
	assert_int_equal(end.status, 0);
	assert_int_equal(g.calls, 0);
	assert_int_equal(ir_worker_run(child_status_line, NULL, sink, &g, &end,
	    &e), IR_OK);
	assert_int_equal(end.status, 42);
	assert_int_equal(g.all.len, 5);
	assert_memory_equal(g.all.buf, "last\n", 5);
	ir_buf_release(&g.all);
}

/*
 * Writes forever, one line at a time: only SIGTERM ends it.  Were the
 * relay to wait for it, the watchdog (unit.h) would fail the test.
 */
static int
child_forever(int fd, void *arg)
{
	unsigned long i;
	char line[64];
	int n;

	(void)arg;
	for (i = 0;; i++) {
		n = snprintf(line, sizeof(line), "line %lu\n", i);
		if (ir_write_full(fd, line, (size_t)n) != n)
			return 3;	/* EPIPE: nobody reads */
	}
}

static void
test_sink_fails(void **state)
{
	struct got g = { IR_BUF_INIT(IR_BUF_NOLIMIT), 0, 2, 0 };
	struct ir_worker_end end;
	struct ir_err e;

	(void)state;
	assert_int_equal(ir_worker_run(child_forever, NULL, sink, &g, &end, &e),
	    IR_EIO);
	assert_int_not_equal(e.msg[0], '\0');
	/* Stopped at the failing call: no call after it. */
	assert_int_equal(g.calls, 2);
	assert_int_equal(g.partial, 0);
	/* The child was told to stop; SIGPIPE or exit 3 if it was faster. */
	assert_true(end.signal == SIGTERM || end.signal == SIGPIPE ||
	    end.status == 3);
	/* What was relayed is whole lines from the start. */
	assert_true(g.all.len > 0);
	assert_memory_equal(g.all.buf, "line 0\n", 7);
	assert_int_equal(g.all.buf[g.all.len - 1], '\n');
	ir_buf_release(&g.all);
}

/* Several MiB in lines of varying length, some longer than a pipe. */
#define BIG_LINES	3000

static void
big_line(struct ir_buf *b, int i)
{
	uint32_t s = (uint32_t)i * 2654435761U + 1;
	size_t n = (size_t)(ut_rand(&s) % 4000);
	size_t k;

	if (i % 500 == 0)
		n = 200000;	/* bigger than the pipe and the relay chunk */
	assert_int_equal(ir_buf_addf(b, NULL, "%d:", i), IR_OK);
	for (k = 0; k < n; k++)
		assert_int_equal(ir_buf_addch(b, (char)('a' + (k + (size_t)i)
		    % 26), NULL), IR_OK);
	assert_int_equal(ir_buf_addch(b, '\n', NULL), IR_OK);
}

static int
child_big(int fd, void *arg)
{
	struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);
	int i;

	(void)arg;
	for (i = 0; i < BIG_LINES; i++) {
		ir_buf_reset(&b);
		big_line(&b, i);
		if (ir_write_full(fd, b.buf, b.len) != (ssize_t)b.len)
			return 1;
	}
	ir_buf_release(&b);
	return 0;
}

static void
test_large(void **state)
{
	struct got g = { IR_BUF_INIT(IR_BUF_NOLIMIT), 0, 0, 0 };
	struct ir_buf want = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_worker_end end;
	struct ir_err e;
	int i;

	(void)state;
	for (i = 0; i < BIG_LINES; i++)
		big_line(&want, i);
	assert_true(want.len > (4U << 20));
	assert_int_equal(ir_worker_run(child_big, NULL, sink, &g, &end, &e),
	    IR_OK);
	assert_int_equal(end.status, 0);
	assert_int_equal(end.signal, 0);
	assert_int_equal(end.torn, 0);
	assert_int_equal(g.partial, 0);
	assert_int_equal(g.all.len, want.len);
	assert_memory_equal(g.all.buf, want.buf, want.len);
	ir_buf_release(&want);
	ir_buf_release(&g.all);
}

/* No child is left behind: every run above was reaped. */
static void
test_no_zombies(void **state)
{
	struct got g = { IR_BUF_INIT(IR_BUF_NOLIMIT), 0, 0, 0 };
	struct ir_worker_end end;
	int st = 0;

	(void)state;
	assert_int_equal(ir_worker_run(child_status, &st, sink, &g, &end,
	    NULL), IR_OK);
	errno = 0;
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	ir_buf_release(&g.all);
}

/* A line, then a lock taken twice: a deadlock, as libtsk's own. */
static int
child_deadlock(int fd, void *arg)
{
	static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

	(void)arg;
	if (put(fd, "before\n") != 0)
		return 1;
	(void)pthread_mutex_lock(&m);
	(void)pthread_mutex_lock(&m);
	return 0;
}

/* Quiet but not on a lock (a slow device, say): never killed. */
static int
child_sleeps(int fd, void *arg)
{
	(void)fd;
	(void)arg;
	(void)alarm(3);
	for (;;)
		(void)pause();
	return 0;
}

static void
test_hung(void **state)
{
	struct got g = { IR_BUF_INIT(IR_BUF_NOLIMIT), 0, 0, 0 };
	struct ir_worker_opts o = { 1, 0 };
	struct ir_worker_end end;
	struct ir_err e;
	double t0;

	(void)state;
	t0 = ir_monotonic();
	assert_int_equal(ir_worker_run_opts(child_deadlock, NULL, &o, sink, &g,
	    &end, &e), IR_OK);
	assert_int_equal(end.hung, 1);
	assert_int_equal(end.signal, SIGKILL);
	assert_true(ir_monotonic() - t0 < 10);
	assert_string_equal(g.all.buf, "before\n");
	ir_buf_release(&g.all);

	assert_int_equal(ir_worker_run_opts(child_sleeps, NULL, &o, sink, &g,
	    &end, &e), IR_OK);
	assert_int_equal(end.hung, 0);
	assert_int_equal(end.signal, SIGALRM);
	ir_buf_release(&g.all);
}

/* The worker's address space is capped: a huge allocation fails. */
static int
child_alloc(int fd, void *arg)
{
	volatile char *p;

	(void)fd;
	(void)arg;
	if ((p = malloc((size_t)1 << 30)) == NULL)
		return 7;
	p[0] = 1;
	free((void *)p);
	return 0;
}

static void
test_memory_cap(void **state)
{
	struct got g = { IR_BUF_INIT(IR_BUF_NOLIMIT), 0, 0, 0 };
	struct ir_worker_opts o = { 0, 256ULL << 20 };
	struct ir_worker_end end;
	struct ir_err e;

	(void)state;
#if defined(__SANITIZE_ADDRESS__)
	skip();
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	skip();
#endif
#endif
	assert_int_equal(ir_worker_run_opts(child_alloc, NULL, &o, sink, &g,
	    &end, &e), IR_OK);
	assert_int_equal(end.status, 7);
	o.mem = 0;
	assert_int_equal(ir_worker_run_opts(child_alloc, NULL, &o, sink, &g,
	    &end, &e), IR_OK);
	assert_int_equal(end.status, 0);
	ir_buf_release(&g.all);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_crash_torn),
		cmocka_unit_test(test_exit_status),
		cmocka_unit_test(test_sink_fails),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_no_zombies),
		cmocka_unit_test(test_hung),
		cmocka_unit_test(test_memory_cap),
	};

	/* A sink failure must not kill the test with SIGPIPE. */
	(void)signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
