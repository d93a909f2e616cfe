/*
 * libFuzzer: untrusted YARA rule text through the builder (test compile,
 * real compile, rebuild), and what compiles scanned over a fixed buffer
 * and over the input itself.  Besides memory errors: a failure is always
 * IR_EFORMAT with a "name:line: " or "name: " message, the ruleset counts
 * what it holds, and matches are well formed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ir.h>

int LLVMFuzzerInitialize(int *, char ***);
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * Bigger inputs only make libyara's compiler slower (long regular
 * expressions, many strings), not more interesting.
 */
#define MAX_INPUT	4096

static struct ir_rules *keep;	/* holds libyara initialized between runs */

static const unsigned char fixed[] =
    "MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0PE\0\0needle fuzz1234 "
    "evil-42 aaaa xor b64 \x7f" "ELF\x02\x01\x01\0 included-marker";

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct ir_rules_builder *b;
	struct ir_err e;

	(void)argc;
	(void)argv;
	if (ir_rules_builder_new(&b, NULL, &e) != IR_OK ||
	    ir_rules_builder_add_string(b, "rule K { condition: true }", "k",
	    NULL, &e) != IR_OK || ir_rules_builder_finish(b, &keep, &e) != IR_OK)
		abort();
	return 0;
}

static int
check_match(const struct ir_match *m, void *arg)
{
	size_t i;

	(void)arg;
	if (m->rule == NULL || m->ns == NULL || m->tags == NULL ||
	    m->nstrings > IR_MATCH_MAXSTRINGS ||
	    m->nstrings > m->nstrings_total ||
	    (m->nstrings_total > 0 && m->nstrings == 0))
		abort();
	for (i = 0; m->tags[i] != NULL; i++)
		if (m->tags[i][0] == '\0')
			abort();
	for (i = 0; i < m->nmeta; i++)
		if (m->meta[i].key == NULL)
			abort();
	for (i = 0; i < m->nstrings; i++)
		if (m->strings[i].id == NULL ||
		    m->strings[i].len > IR_MATCH_EXCERPT ||
		    (m->strings[i].len > 0 && m->strings[i].data == NULL))
			abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ir_scan_vars v = { "fuzz.exe", "/evidence/fuzz.exe", "exe",
	    "EXE", "root" };
	struct ir_rules_builder *b;
	struct ir_scanner *s;
	struct ir_rules *r;
	struct ir_err e;
	char *text;
	int rc;

	if (size > MAX_INPUT)
		return -1;		/* not added to the corpus */
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	(void)ir_yara_filetype(data, size);
	if (ir_rules_builder_new(&b, NULL, &e) != IR_OK)
		abort();
	rc = ir_rules_builder_add_string(b, text, "fuzz", NULL, &e);
	if (rc != IR_OK) {
		if (rc != IR_EFORMAT || strncmp(e.msg, "fuzz:", 5) != 0)
			abort();
		ir_rules_builder_free(b);
		free(text);
		return 0;
	}
	/*
	 * Again into the same namespace: alone it compiles, so any rule in
	 * it is a duplicate that fails in the real compiler, which must be
	 * rebuilt from what went in before.
	 */
	rc = ir_rules_builder_add_string(b, text, "again", NULL, &e);
	if (rc != IR_OK && (rc != IR_EFORMAT || strncmp(e.msg, "again:", 6) != 0))
		abort();
	if (ir_rules_builder_finish(b, &r, &e) != IR_OK)
		abort();
	if (ir_scanner_new(&s, r, &e) == IR_OK) {
		ir_scanner_set_timeout(s, 1);
		/* Timeouts, too many matches: fine; a crash is not. */
		rc = ir_scanner_scan(s, fixed, sizeof(fixed) - 1, &v,
		    check_match, NULL, &e);
		if (rc != IR_OK && rc != IR_ELIMIT && rc != IR_EDEP)
			abort();
		rc = ir_scanner_scan(s, data, size, NULL, check_match, NULL,
		    &e);
		if (rc != IR_OK && rc != IR_ELIMIT && rc != IR_EDEP)
			abort();
		ir_scanner_free(s);
	}
	ir_rules_free(r);
	free(text);
	return 0;
}
