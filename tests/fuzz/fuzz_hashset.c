/*
 * libFuzzer: hash lists (plain, md5sum, hash;comment, hashdeep) as
 * untrusted input.  Besides memory errors: a list that loads must find
 * the digest of its own first plain line, with that line's note.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ir.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * The digest on the first line when it is a plain "hash;note" or "hash"
 * line (no byte-order mark, no blanks, no hashdeep): its algorithm, or -1.
 */
static int
first_digest(const uint8_t *p, size_t n, struct ir_digest *d,
    const char **note, size_t *notelen)
{
	size_t k, hl, end;
	int a;

	for (end = 0; end < n && p[end] != '\n'; end++)
		;
	for (k = 0; k < end && isxdigit(p[k]); k++)
		;
	if ((hl = k) != end && p[k] != ';')
		return -1;
	for (a = 0; a < IR_HASH_NALG; a++)
		if (ir_hash_len(a) * 2 == hl)
			break;
	if (a == IR_HASH_NALG)
		return -1;
	memset(d, 0, sizeof(*d));
	d->algs = IR_HASH_BIT(a);
	if (ir_unhex(d->md[a], (const char *)p, ir_hash_len(a)) != IR_OK)
		abort();
	*notelen = hl == end ? 0 : end - hl - 1;
	*note = *notelen > 0 ? (const char *)p + hl + 1 : "";
	if (*notelen > 0 && p[end - 1] == '\r')
		return -1;		/* CR LF: the CR is cut, keep it simple */
	return a;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ir_hashset *h;
	struct ir_digest d;
	struct ir_err e;
	const char *note, *want;
	size_t wantlen;
	int a, rc;

	if (ir_hashset_new(&h, &e) != IR_OK)
		return 0;
	rc = ir_hashset_load_mem(h, (const char *)data, size, "fuzz", &e);
	if (rc != IR_OK && rc != IR_EFORMAT)
		abort();
	if (rc == IR_OK &&
	    (a = first_digest(data, size, &d, &want, &wantlen)) >= 0) {
		note = NULL;
		if (!ir_hashset_match(h, &d, &note) || note == NULL ||
		    !(ir_hashset_algs(h) & IR_HASH_BIT(a)) ||
		    ir_hashset_count(h) == 0)
			abort();
		/* The only entry: its note is the line's (a NUL cuts it). */
		if (ir_hashset_count(h) == 1 &&
		    memchr(want, '\0', wantlen) == NULL &&
		    (strlen(note) != wantlen || memcmp(note, want, wantlen) != 0))
			abort();
	}
	/* A lookup of bytes that are likely not in it: no crash. */
	memset(&d, 0, sizeof(d));
	d.algs = IR_HASH_ALL;
	for (a = 0; a < IR_HASH_NALG; a++)
		memcpy(d.md[a], data, size < ir_hash_len(a) ? size :
		    ir_hash_len(a));
	note = NULL;
	if (ir_hashset_match(h, &d, &note) && note == NULL)
		abort();
	ir_hashset_free(h);
	return 0;
}
