#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ir/error.h"

static const char *const names[] = {
	[IR_OK] = "success",
	[IR_EOF] = "end of input",
	[IR_ENOMEM] = "out of memory",
	[IR_EIO] = "input/output error",
	[IR_EFORMAT] = "malformed input",
	[IR_EUNSUPP] = "unsupported",
	[IR_ELIMIT] = "limit exceeded",
	[IR_EINVAL] = "invalid argument",
	[IR_EDEP] = "library failure",
	[IR_EINTR] = "interrupted",
	[IR_ENOENT] = "not found",
};

const char *
ir_strerror(enum ir_code code)
{
	if ((unsigned)code >= sizeof(names) / sizeof(names[0]))
		return "unknown error";
	return names[code];
}

int
ir_err_set(struct ir_err *e, enum ir_code code, int sys_errno,
    const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (e == NULL)
		return code;
	e->code = code;
	e->sys_errno = sys_errno;
	va_start(ap, fmt);
	(void)vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	if (sys_errno != 0 && n < sizeof(e->msg))
		(void)snprintf(e->msg + n, sizeof(e->msg) - n, ": %s",
		    strerror(sys_errno));
	return code;
}

void
ir_err_clear(struct ir_err *e)
{
	if (e == NULL)
		return;
	e->code = IR_OK;
	e->sys_errno = 0;
	e->msg[0] = '\0';
}

int
ir_err_prefix(struct ir_err *e, const char *fmt, ...)
{
	char pre[256], old[sizeof(e->msg)];
	va_list ap;

	if (e == NULL)
		return IR_EINVAL;
	va_start(ap, fmt);
	(void)vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	(void)snprintf(e->msg, sizeof(e->msg), "%s: %s", pre, old);
	return e->code;
}
