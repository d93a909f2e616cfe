/*
 * libFuzzer: catalogue files as a responder (or an attacker who planted
 * one) may write them.  An accepted file gives artifacts whose names are
 * of the allowed bytes, with 1 to 256 paths each starting with '/' or
 * "{home}/" and holding no "", "." or ".." component, and a max_size > 0;
 * a rejected one is IR_EFORMAT naming the file and leaves the catalogue
 * as it was.  Anything else aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ir.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_path(const char *p)
{
	const char *s, *c;
	size_t n;

	if (p[0] == '/')
		s = p + 1;
	else if (ir_catalog_home(p))
		s = p + strlen(IR_CATALOG_HOME) + 1;
	else
		abort();
	for (;; s = c + 1) {
		c = strchr(s, '/');
		n = c != NULL ? (size_t)(c - s) : strlen(s);
		if (n == 0 || (n == 1 && s[0] == '.') ||
		    (n == 2 && s[0] == '.' && s[1] == '.'))
			abort();
		if (c == NULL)
			break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ir_catalog c = IR_CATALOG_INIT;
	struct ir_err e;
	size_t i, j, k;
	int rc;

	rc = ir_catalog_parse(&c, "fuzz.json", (const char *)data, size, &e);
	if (rc != IR_OK) {
		if (rc != IR_EFORMAT || strncmp(e.msg, "fuzz.json: ", 11) != 0 ||
		    c.n != 0 || c.nfiles != 0)
			abort();
		ir_catalog_free(&c);
		return 0;
	}
	if (c.n == 0 || c.nfiles != 1)
		abort();
	for (i = 0; i < c.n; i++) {
		const struct ir_artifact *a = &c.v[i];

		if (a->name[0] == '\0' || strlen(a->name) > 64 ||
		    strspn(a->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
		    "QRSTUVWXYZ0123456789._-") != strlen(a->name))
			abort();
		if (a->npaths == 0 || a->npaths > 256 || a->max_size == 0 ||
		    a->description[0] == '\0' || a->category[0] == '\0')
			abort();
		for (j = 0; j < a->npaths; j++)
			check_path(a->paths[j]);
		for (k = 0; k < i; k++)
			if (strcmp(c.v[k].name, a->name) == 0)
				abort();
	}
	ir_catalog_free(&c);
	return 0;
}
