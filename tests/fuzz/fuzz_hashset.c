/* libFuzzer: hash lists (plain, md5sum, hash;comment, hashdeep) as untrusted input. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <ir.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ir_hashset *h;
	struct ir_digest d;
	struct ir_err e;
	const char *note;
	int a;

	if (ir_hashset_new(&h, &e) != IR_OK)
		return 0;
	(void)ir_hashset_load_mem(h, (const char *)data, size, "fuzz", &e);
	memset(&d, 0, sizeof(d));
	d.algs = IR_HASH_ALL;
	for (a = 0; a < IR_HASH_NALG; a++)
		memcpy(d.md[a], data, size < ir_hash_len(a) ? size :
		    ir_hash_len(a));
	if (ir_hashset_match(h, &d, &note) && note == NULL)
		__builtin_trap();
	(void)ir_hashset_count(h);
	(void)ir_hashset_algs(h);
	ir_hashset_free(h);
	return 0;
}
