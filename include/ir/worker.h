/*
 * worker: run a parser that may crash (libtsk on a hostile image) in a
 * child process.  The child writes newline-terminated records to a pipe;
 * the parent passes on only complete lines, so a child that dies part way
 * leaves valid output behind, and says how it ended.
 *
 * The caller flushes its stdio before ir_worker_run and must not have
 * other threads holding locks the child could need.
 */
#ifndef IR_WORKER_H
#define IR_WORKER_H

#include <stddef.h>

struct ir_err;

struct ir_worker_end {
	int	 status;	/* the child's exit status, when exited */
	int	 signal;	/* the signal that killed it, else 0 */
	int	 torn;		/* an unterminated last line was dropped */
	int	 hung;		/* it was deadlocked and killed (SIGKILL) */
};

/*
 * A worker that writes nothing for stall seconds while it waits on a
 * lock can never go on (it has one thread): libtsk has self-deadlocks on
 * some images, and a fork from a threaded tool may copy a held lock.  It
 * is killed and reported as hung.  mem caps its address space, so an
 * absurd allocation read from a hostile image fails in the worker rather
 * than starving the host (not under AddressSanitizer, whose shadow memory
 * needs a vast address space).
 */
struct ir_worker_opts {
	int		 stall;		/* seconds; 0: never killed as hung */
	unsigned long long mem;		/* bytes; 0: no limit */
};
/*
 * The default stall: a deadlock is for ever, so a minute costs little; an
 * AddressSanitizer leak check at a worker's exit waits on a futex while a
 * tracer (another process, in the same memory) works, slowly under load.
 */
#define IR_WORKER_STALL	60

/* Child side: write records to fd; the return value is its exit status. */
typedef int	(*ir_worker_fn)(int fd, void *arg);
/* Parent side: complete lines, in order; non-zero stops the relay. */
typedef int	(*ir_worker_sink)(const char *buf, size_t n, void *arg);

/* With the defaults: IR_WORKER_STALL, a quarter of RAM (at least 1 GiB). */
int	 ir_worker_run(ir_worker_fn fn, void *arg, ir_worker_sink sink,
	    void *sink_arg, struct ir_worker_end *, struct ir_err *);
int	 ir_worker_run_opts(ir_worker_fn fn, void *arg,
	    const struct ir_worker_opts *, ir_worker_sink sink, void *sink_arg,
	    struct ir_worker_end *, struct ir_err *);

#endif
