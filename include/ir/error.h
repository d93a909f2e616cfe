/*
 * error: the one way libir reports failure.  Every fallible call returns an
 * enum ir_code and fills a caller-owned struct ir_err; the tool decides how
 * to report it and which exit status to use.
 */
#ifndef IR_ERROR_H
#define IR_ERROR_H

enum ir_code {
	IR_OK = 0,
	IR_EOF,		/* iteration finished: not an error */
	IR_ENOMEM,
	IR_EIO,		/* a read or write failed; sys_errno says why */
	IR_EFORMAT,	/* input malformed or truncated */
	IR_EUNSUPP,	/* well formed but not supported */
	IR_ELIMIT,	/* a configured bound was exceeded */
	IR_EINVAL,	/* caller misuse: bad argument, name or state */
	IR_EDEP,	/* a dependency (libcrypto, libmagic, ...) failed */
	IR_EINTR,	/* stopped on request (signal); output incomplete */
	IR_ENOENT,	/* the thing asked for is not there */
};

struct ir_err {
	enum ir_code	 code;
	int		 sys_errno;	/* errno at the failure, else 0 */
	char		 msg[512];	/* "cannot open 'x': reason" */
};

/*
 * Fill e (which may be NULL) and return code, so that library code can
 * write "return ir_err_set(e, IR_EIO, errno, "...", ...);".  When sys_errno
 * is not 0, ": strerror(sys_errno)" is appended to the message.
 */
int		 ir_err_set(struct ir_err *e, enum ir_code code, int sys_errno,
		    const char *fmt, ...)
		    __attribute__((__format__(printf, 4, 5)));
void		 ir_err_clear(struct ir_err *e);
/* Prefix the message already in e with "fmt: "; returns e->code. */
int		 ir_err_prefix(struct ir_err *e, const char *fmt, ...)
		    __attribute__((__format__(printf, 2, 3)));
const char	*ir_strerror(enum ir_code code);

#endif
