#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ir/buf.h"
#include "ir/error.h"
#include "ir/io.h"
#include "ir/worker.h"

#define RELAY_CHUNK	(64U << 10)
#define WORKER_PIPE	(1 << 20)

#if defined(__SANITIZE_ADDRESS__)
#define IR_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define IR_ASAN	1
#endif
#endif

/* Pass on every complete line in b; keep the unterminated tail. */
static int
relay(struct ir_buf *b, ir_worker_sink sink, void *arg)
{
	char *nl;
	size_t n;
	int rc;

	if (b->len == 0 || (nl = memrchr(b->buf, '\n', b->len)) == NULL)
		return 0;
	n = (size_t)(nl - b->buf) + 1;
	rc = sink(b->buf, n, arg);
	memmove(b->buf, b->buf + n, b->len - n);
	b->len -= n;
	return rc;
}

/*
 * Is pid a lone thread asleep in futex(2), that is waiting on a lock
 * nobody else can release?  *cpu gets its CPU time (clock ticks), so the
 * caller can tell a worker that still works from one that is stuck.
 */
static int
stuck_on_lock(pid_t pid, unsigned long long *cpu)
{
	char path[64], buf[1024], *p;
	unsigned long long ut = 0, st = 0;
	long threads = 0;
	ssize_t n;
	int fd, i;

	*cpu = 0;
	(void)snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = ir_read_full(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* After the command name: state is field 3, utime 14, threads 20. */
	if ((p = strrchr(buf, ')')) == NULL)
		return 0;
	for (i = 3, p++; *p != '\0' && i <= 20; i++) {
		while (*p == ' ')
			p++;
		if (i == 14)
			ut = strtoull(p, NULL, 10);
		else if (i == 15)
			st = strtoull(p, NULL, 10);
		else if (i == 20)
			threads = strtol(p, NULL, 10);
		p += strcspn(p, " ");
	}
	*cpu = ut + st;
	if (threads != 1)
		return 0;
	(void)snprintf(path, sizeof(path), "/proc/%ld/syscall", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = ir_read_full(fd, buf, 31);
	(void)close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtol(buf, NULL, 10) == SYS_futex;
}

/* Child side: the address-space cap, where it can be had. */
static void
limit_memory(unsigned long long mem)
{
#ifndef IR_ASAN
	struct rlimit rl;

	if (mem == 0 || getrlimit(RLIMIT_AS, &rl) != 0)
		return;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < mem)
		mem = rl.rlim_max;
	rl.rlim_cur = (rlim_t)mem;
	(void)setrlimit(RLIMIT_AS, &rl);
#else
	(void)mem;
#endif
}

int
ir_worker_run(ir_worker_fn fn, void *arg, ir_worker_sink sink, void *sink_arg,
    struct ir_worker_end *end, struct ir_err *e)
{
	struct ir_worker_opts o;
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);

#ifdef IR_ASAN
	o.stall = 5 * IR_WORKER_STALL;
#else
	o.stall = IR_WORKER_STALL;
#endif
	o.mem = pages > 0 && psz > 0 ?
	    (unsigned long long)pages * (unsigned long long)psz / 4 : 0;
	if (o.mem < (1ULL << 30))
		o.mem = 1ULL << 30;
	return ir_worker_run_opts(fn, arg, &o, sink, sink_arg, end, e);
}

int
ir_worker_run_opts(ir_worker_fn fn, void *arg, const struct ir_worker_opts *o,
    ir_worker_sink sink, void *sink_arg, struct ir_worker_end *end,
    struct ir_err *e)
{
	struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct pollfd pfd;
	char chunk[RELAY_CHUNK];
	unsigned long long cpu = 0, last_cpu = 0;
	int p[2], status, rc = IR_OK, stopped = 0, idle = 0, stuck;
	ssize_t n;
	pid_t pid;

	memset(end, 0, sizeof(*end));
	if (pipe2(p, O_CLOEXEC) != 0)
		return ir_err_set(e, IR_EIO, errno, "cannot make a pipe");
	/* A bigger pipe: fewer switches between the worker and the relay. */
	(void)fcntl(p[1], F_SETPIPE_SZ, WORKER_PIPE);
	if ((pid = fork()) < 0) {
		(void)close(p[0]);
		(void)close(p[1]);
		return ir_err_set(e, IR_EIO, errno, "cannot start a worker");
	}
	if (pid == 0) {
		(void)close(p[0]);
		limit_memory(o->mem);
		_exit(fn(p[1], arg));
	}
	(void)close(p[1]);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	for (;;) {
		/* A second at a time: quiet seconds count towards a stall. */
		if ((n = poll(&pfd, 1, 1000)) < 0 && errno == EINTR)
			continue;
		if (n == 0) {
			/* Quiet, one thread, on a lock, using no CPU: stuck. */
			stuck = o->stall > 0 && stuck_on_lock(pid, &cpu);
			idle = stuck && cpu == last_cpu ? idle + 1 : 0;
			last_cpu = cpu;
			if (idle >= o->stall && stuck && !end->hung) {
				end->hung = 1;
				(void)kill(pid, SIGKILL);
			}
			continue;
		}
		idle = 0;
		n = read(p[0], chunk, sizeof(chunk));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;
		if (stopped)
			continue;	/* drain, so the child can finish */
		if ((rc = ir_buf_add(&b, chunk, (size_t)n, e)) == IR_OK &&
		    relay(&b, sink, sink_arg) != 0)
			rc = ir_err_set(e, IR_EIO, 0, "the output stopped "
			    "taking records");
		if (rc != IR_OK) {
			stopped = 1;
			(void)kill(pid, SIGTERM);
		}
	}
	(void)close(p[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			ir_buf_release(&b);
			return ir_err_set(e, IR_EIO, errno, "lost the worker");
		}
	end->torn = b.len != 0;
	if (WIFSIGNALED(status))
		end->signal = WTERMSIG(status);
	else
		end->status = WEXITSTATUS(status);
	ir_buf_release(&b);
	return rc;
}
