/*
 * libFuzzer: utmp/wtmp/btmp bytes from a hostile host.  Every complete
 * record comes out, in order, at offsets that are multiples of 384; the
 * strings end within their fields; a type name is always given;
 * microseconds are in range; a trailing partial record, and only that,
 * is IR_EFORMAT naming its offset.  Anything else aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ir.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
check(const struct ir_utmp_rec *r, void *arg)
{
	uint64_t *next = arg;

	if (r->offset != *next || r->offset % IR_UTMP_RECSIZE != 0)
		abort();
	*next += IR_UTMP_RECSIZE;
	if (memchr(r->line, '\0', sizeof(r->line)) == NULL ||
	    memchr(r->id, '\0', sizeof(r->id)) == NULL ||
	    memchr(r->user, '\0', sizeof(r->user)) == NULL ||
	    memchr(r->host, '\0', sizeof(r->host)) == NULL ||
	    memchr(r->addr, '\0', sizeof(r->addr)) == NULL)
		abort();
	if (r->type_name == NULL ||
	    strcmp(r->type_name, ir_utmp_type_name(r->type)) != 0)
		abort();
	if (r->tv.nsec < 0 || r->tv.nsec > 999999000 || r->tv.nsec % 1000)
		abort();
	if (r->type < -32768 || r->type > 32767)
		abort();
	return IR_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ir_err e;
	uint64_t next = 0;
	char want[64];
	int rc;

	rc = ir_utmp_parse(data, size, check, &next, &e);
	if (next != size - size % IR_UTMP_RECSIZE)
		abort();
	if (size % IR_UTMP_RECSIZE == 0) {
		if (rc != IR_OK)
			abort();
		return 0;
	}
	(void)snprintf(want, sizeof(want), "offset %zu:",
	    size - size % IR_UTMP_RECSIZE);
	if (rc != IR_EFORMAT || e.code != IR_EFORMAT ||
	    strstr(e.msg, want) == NULL)
		abort();
	return 0;
}
