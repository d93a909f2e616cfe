/*
 * libFuzzer: /etc/passwd bytes from a compromised host.  Every account
 * comes with a name that holds no ':' or newline and does not
 * start with '+' or '-', and line numbers that grow; accounts and
 * skipped lines never outnumber the lines; the parse never fails but
 * for memory.  Anything else aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ir.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ir_pwent *pw;
	struct ir_err e;
	size_t n, bad, first, i, lines = 0, last = 0;

	for (i = 0; i < size; i++)
		if (data[i] == '\n')
			lines++;
	if (size > 0 && data[size - 1] != '\n')
		lines++;
	if (ir_passwd_parse((const char *)data, size, &pw, &n, &bad, &first,
	    &e) != IR_OK)
		abort();
	if (n + bad > lines || (bad > 0) != (first > 0) || first > lines)
		abort();
	for (i = 0; i < n; i++) {
		if (pw[i].line <= last || pw[i].line > lines)
			abort();
		last = pw[i].line;
		if (strpbrk(pw[i].name, ":\n") != NULL ||
		    strpbrk(pw[i].home, ":\n") != NULL ||
		    strpbrk(pw[i].shell, ":\n") != NULL)
			abort();
		if (pw[i].name[0] == '+' || pw[i].name[0] == '-')
			abort();
	}
	ir_passwd_free(pw, n);
	return 0;
}
