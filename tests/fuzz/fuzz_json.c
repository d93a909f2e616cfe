/*
 * libFuzzer: the JSON string writer and the JSON Lines record writer on
 * arbitrary bytes.  The output must always parse (jansson); when the
 * bytes are valid UTF-8 (by jansson's own check, not ours) the string
 * must decode back to exactly those bytes; a record must keep every byte,
 * in "path" or, when that cannot, in "path_hex".  Anything else aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <ir.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Does s (n bytes) decode to exactly data/size? */
static int
same_bytes(const char *s, size_t n, const uint8_t *data, size_t size)
{
	return n == size && (size == 0 || memcmp(s, data, size) == 0);
}

static void
check_quote(const uint8_t *data, size_t size, int utf8)
{
	struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);
	json_error_t jerr;
	json_t *v;

	if (ir_json_quote(&b, data, size, NULL) != IR_OK)
		abort();
	v = json_loadb(b.buf, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (v == NULL || !json_is_string(v))
		abort();
	if (utf8 && !same_bytes(json_string_value(v), json_string_length(v),
	    data, size))
		abort();
	json_decref(v);
	ir_buf_release(&b);
}

static void
check_record(const uint8_t *data, size_t size)
{
	struct ir_field f[2];
	struct ir_writer *w;
	struct ir_err e;
	json_error_t jerr;
	json_t *o, *path, *hex;
	unsigned char *raw;
	char *out = NULL;
	size_t outlen = 0, hl;
	FILE *fp;

	if ((fp = open_memstream(&out, &outlen)) == NULL)
		return;
	if (ir_writer_open(&w, IR_FMT_JSONL, fp, NULL, &e) != IR_OK)
		abort();
	f[0] = IR_FBYTES("path", (const char *)data, size);
	f[1] = IR_FU64("size", size);
	if (ir_writer_record(w, f, 2, &e) != IR_OK ||
	    ir_writer_close(w, &e) != IR_OK || fclose(fp) != 0)
		abort();
	/* One line: the record, then its newline, nothing else. */
	if (outlen == 0 || out[outlen - 1] != '\n' ||
	    memchr(out, '\n', outlen - 1) != NULL)
		abort();
	o = json_loadb(out, outlen - 1, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL,
	    &jerr);
	if (o == NULL || !json_is_object(o))
		abort();
	path = json_object_get(o, "path");
	hex = json_object_get(o, "path_hex");
	if (!json_is_string(path) ||
	    json_integer_value(json_object_get(o, "size")) != (json_int_t)size)
		abort();
	if (hex == NULL) {
		/* No copy of the bytes: the name itself must be exact. */
		if (!same_bytes(json_string_value(path),
		    json_string_length(path), data, size))
			abort();
	} else {
		hl = json_string_length(hex);
		if (!json_is_string(hex) || hl != 2 * size)
			abort();
		if ((raw = malloc(size + 1)) == NULL)
			abort();
		if (ir_unhex(raw, json_string_value(hex), size) != IR_OK ||
		    !same_bytes((const char *)raw, size, data, size))
			abort();
		free(raw);
	}
	json_decref(o);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *ref;
	int utf8;

	/* jansson is the independent judge of UTF-8 (it allows NUL). */
	ref = json_stringn((const char *)data, size);
	utf8 = ref != NULL;
	json_decref(ref);
	/* ir_utf8_valid: valid UTF-8 without NUL, the same verdict. */
	if (ir_utf8_valid(data, size) !=
	    (utf8 && (size == 0 || memchr(data, '\0', size) == NULL)))
		abort();
	check_quote(data, size, utf8);
	check_record(data, size);
	return 0;
}
