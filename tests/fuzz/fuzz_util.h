/*
 * fuzz_util.h: helpers for the harnesses of text parsers whose input's
 * first byte picks the parser (fuzz_net.c, fuzz_proc.c, fuzz_proc_env.c).
 * Inline, so that a harness not using one of them still builds with
 * -Werror.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ir.h>

/*
 * The input after its selector byte, as an exact-size copy (ASan sees any
 * read past the end) the caller frees; NULL when there is nothing to run.
 */
static inline char *
fuzz_rest(const uint8_t *data, size_t size, size_t *n)
{
	char *copy;

	if (size == 0)
		return NULL;
	*n = size - 1;
	if ((copy = malloc(*n > 0 ? *n : 1)) == NULL)
		return NULL;
	memcpy(copy, data + 1, *n);
	return copy;
}

/*
 * A parse that failed: one of the codes it may fail with, in e too, and
 * nothing returned; IR_EFORMAT names the table (prefix) and a line.
 */
static inline void
failed(int rc, const struct ir_err *e, const char *prefix, const void *out,
    size_t n)
{
	if ((rc != IR_EFORMAT && rc != IR_ENOMEM && rc != IR_ELIMIT) ||
	    (int)e->code != rc || out != NULL || n != 0)
		abort();
	if (rc == IR_EFORMAT && (strncmp(e->msg, prefix, strlen(prefix)) != 0 ||
	    strstr(e->msg, " line ") == NULL))
		abort();
}

/* Lines in p[0..n), the last one with or without its newline. */
static inline size_t
lines(const char *p, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += p[i] == '\n';
	return k + (n > 0 && p[n - 1] != '\n');
}
