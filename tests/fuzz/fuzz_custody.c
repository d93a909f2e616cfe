/* libFuzzer: a custody log (custody.jsonl) as untrusted input. */
#include <stddef.h>
#include <stdint.h>

#include <ir.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char case_hash[] =
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	struct ir_err e;
	size_t n;

	if (ir_custody_verify_mem((const char *)data, size, case_hash, &n,
	    &e) == IR_OK && size > 0 && n == 0)
		__builtin_trap();	/* bytes accepted, yet no entry */
	return 0;
}
