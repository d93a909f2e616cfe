/*
 * libFuzzer: a custody log (custody.jsonl) as untrusted input.  Besides
 * memory errors: an accepted log has one entry per line, every line ended;
 * for a rejected one, *nentries counts good entries, so those lines alone
 * must verify, with the same count.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ir.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* SHA-256 of an empty case.json: the chain's start in the seeds. */
static const char case_hash[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct ir_err e;
	size_t n, m, lines, i, cut;
	int rc;

	for (lines = 0, i = 0; i < size; i++)
		if (buf[i] == '\n')
			lines++;
	rc = ir_custody_verify_mem(buf, size, case_hash, &n, &e);
	if (rc == IR_OK) {
		if (n != lines || (size > 0 && buf[size - 1] != '\n'))
			abort();
		return 0;
	}
	if (rc != IR_EFORMAT || n >= lines + 1 || e.msg[0] == '\0')
		abort();
	/* The first n lines are the good entries. */
	for (cut = 0, i = 0; i < n; i++)
		cut = (size_t)((const char *)memchr(buf + cut, '\n',
		    size - cut) - buf) + 1;
	if (ir_custody_verify_mem(buf, cut, case_hash, &m, &e) != IR_OK ||
	    m != n)
		abort();
	return 0;
}
