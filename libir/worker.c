#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
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

int
ir_worker_run(ir_worker_fn fn, void *arg, ir_worker_sink sink, void *sink_arg,
    struct ir_worker_end *end, struct ir_err *e)
{
	struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);
	char chunk[RELAY_CHUNK];
	int p[2], status, rc = IR_OK, stopped = 0;
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
		_exit(fn(p[1], arg));
	}
	(void)close(p[1]);
	for (;;) {
		n = read(p[0], chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
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
