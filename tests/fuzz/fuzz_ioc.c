/*
 * libFuzzer: one untrusted input as a Loki filename-iocs file and as a
 * keyword list.  Besides memory errors and hangs in regcomp/regexec:
 * - a failed load is IR_EFORMAT naming "fuzz:LINE: ", leaves the set
 *   empty, and with skip_bad the same input loads;
 * - the set's hits on a path are the sum of the hits of its lines loaded
 *   one by one (the literal index does not depend on the company a
 *   pattern keeps), and a pattern of letters and digits only finds itself;
 * - the YARA text is printable ASCII lines, compiles through ir/yara.h,
 *   and, holding strings cut from the input, matches the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ir.h>

int LLVMFuzzerInitialize(int *, char ***);
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAX_INPUT	4096	/* longer lists are slower, no more varied */
#define MAX_LINES	48	/* lines loaded one by one */

static struct ir_rules *keep;	/* holds libyara initialized between runs */

static const char *const fixed[] = {
	"/Windows/System32/svchost.exe", "/usr/bin/ls", "evil.exe",
	"/Users/a/AppData/Roaming/x.exe", "C:\\Temp\\a b\\mimikatz.exe",
	"/tmp/svch\xc3\xb6st.exe", "/x/\xff\xfe/y", "",
};

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

static struct ir_names *
load(const char *p, size_t n, int skip_bad, int *rc)
{
	struct ir_names *s;
	struct ir_err e;
	size_t skipped = (size_t)-1;

	if (ir_names_new(&s, &e) != IR_OK)
		abort();
	*rc = ir_names_load(s, p, n, "fuzz", skip_bad, &skipped, &e);
	if (*rc == IR_EFORMAT) {
		if (skip_bad || strncmp(e.msg, "fuzz:", 5) != 0 ||
		    ir_names_count(s) != 0)
			abort();
	} else if (*rc != IR_OK || skipped == (size_t)-1)
		abort();
	return s;
}

static void
on_hit(const struct ir_name_hit *h, void *arg)
{
	int *last = arg;

	/* File order, and fields that point somewhere. */
	if (h->line <= *last || h->pattern == NULL || h->source == NULL ||
	    strcmp(h->source, "fuzz") != 0)
		abort();
	*last = h->line;
}

static size_t
hits(const struct ir_names *s, const char *path)
{
	int last = 0;

	return ir_names_match(s, path, on_hit, &last);
}

/* The lines of the input: each alone, and what the whole set says. */
static void
names(const char *in, size_t size)
{
	struct ir_names *all, *one[MAX_LINES];
	const char *p, *nl, *end = in + size;
	char paths[MAX_LINES][64], *alone;
	size_t nline = 0, np = 0, i, j, l, sum;
	int rc, rc1;

	all = load(in, size, 0, &rc);
	ir_names_free(all);
	all = load(in, size, 1, &rc);
	for (p = in; p < end && nline < MAX_LINES; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		l = (size_t)(nl - p);
		/* After a blank line: a later line keeps its byte-order mark. */
		if (nline > 0) {
			if ((alone = malloc(l + 1)) == NULL)
				abort();
			alone[0] = '\n';
			memcpy(alone + 1, p, l);
			one[nline++] = load(alone, l + 1, 1, &rc1);
			free(alone);
		} else
			one[nline++] = load(p, l, 1, &rc1);
		/* A path from the pattern's plain characters. */
		for (i = j = 0; i < l && p[i] != ';' && j < 63; i++)
			if (p[i] != '\\' && p[i] != '^' && p[i] != '$')
				paths[np][j++] = p[i];
		paths[np++][j] = '\0';
		/* Letters and digits only: it must find itself. */
		for (i = 0; i < l && ((p[i] >= 'a' && p[i] <= 'z') ||
		    (p[i] >= '0' && p[i] <= '9')); i++)
			;
		if (i > 0 && i < 63 && i < l && p[i] == ';' &&
		    ir_names_count(one[nline - 1]) == 1 &&
		    ir_names_match(one[nline - 1], paths[np - 1], NULL, NULL) !=
		    1)
			abort();
	}
	if (p >= end) {		/* every line loaded alone too */
		for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
			for (sum = 0, j = 0; j < nline; j++)
				sum += hits(one[j], fixed[i]);
			if (hits(all, fixed[i]) != sum)
				abort();
		}
		for (i = 0; i < np; i++) {
			for (sum = 0, j = 0; j < nline; j++)
				sum += hits(one[j], paths[i]);
			if (hits(all, paths[i]) != sum)
				abort();
		}
	}
	for (j = 0; j < nline; j++)
		ir_names_free(one[j]);
	ir_names_free(all);
}

static int
count_match(const struct ir_match *m, void *arg)
{
	(void)m;
	(*(int *)arg)++;
	return 0;
}

static void
keywords(const char *in, size_t size)
{
	struct ir_scan_vars v = { "f", "/f", "", "", "" };
	struct ir_buf out = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_rules_builder *b;
	struct ir_scanner *sc;
	struct ir_rules *r;
	struct ir_err e;
	size_t count = (size_t)-1, i;
	int rc, matched = 0;

	rc = ir_keywords_to_yara(in, size, "fuzz \"list\"\\", "fuzz_kw", &out,
	    &count, &e);
	if (rc != IR_OK) {
		if (rc != IR_ELIMIT || out.len != 0)
			abort();
		ir_buf_release(&out);
		return;
	}
	for (i = 0; i < out.len; i++)
		if ((out.buf[i] < 0x20 || out.buf[i] > 0x7e) &&
		    out.buf[i] != '\n' && out.buf[i] != '\t')
			abort();
	if (ir_rules_builder_new(&b, NULL, &e) != IR_OK)
		abort();
	if (ir_rules_builder_add_string(b, out.buf, "kw", NULL, &e) != IR_OK ||
	    ir_rules_builder_finish(b, &r, &e) != IR_OK) {
		fprintf(stderr, "%s\n", e.msg);
		abort();
	}
	if (ir_scanner_new(&sc, r, &e) != IR_OK ||
	    ir_scanner_scan(sc, in, size, &v, count_match, &matched, &e) !=
	    IR_OK)
		abort();
	if ((count > 0) != (matched > 0))
		abort();
	ir_scanner_free(sc);
	ir_rules_free(r);
	ir_buf_release(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_INPUT)
		return 0;
	names((const char *)data, size);
	keywords((const char *)data, size);
	return 0;
}
