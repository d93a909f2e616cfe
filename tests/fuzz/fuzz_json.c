/*
 * libFuzzer: the JSON string writer on arbitrary bytes.  Its output must
 * always parse, and valid UTF-8 must come back exactly.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <ir.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);
	json_error_t jerr;
	json_t *v;

	if (ir_json_quote(&b, data, size, NULL) != IR_OK)
		abort();
	v = json_loadb(b.buf, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (v == NULL || !json_is_string(v))
		abort();
	if (ir_utf8_valid(data, size) &&
	    (json_string_length(v) != size ||
	    memcmp(json_string_value(v), data, size) != 0))
		abort();
	json_decref(v);
	ir_buf_release(&b);
	return 0;
}
