/*
 * yara: loading rule files, directories, text and compiled rulesets (bad
 * files reported with file:line, skipped on request), matches with tags,
 * meta, strings and excerpts, externals per scan, timeouts, threads, and
 * the public signature-base set.
 */
#include "unit.h"

#include <sys/stat.h>
#include <pthread.h>
#include <time.h>

#define SIGBASE	"/work/shared/rules/signature-base/yara"

static const char rule_a[] =
    "rule Alpha : apt evil\n"
    "{\n"
    "    meta:\n"
    "        author = \"irkit\"\n"
    "        score = 75\n"
    "        active = true\n"
    "    strings:\n"
    "        $s1 = \"needle\"\n"
    "        $h1 = { 4D 5A 90 00 }\n"
    "        $r1 = /ev[i1]l-[0-9]+/\n"
    "    condition:\n"
    "        any of them\n"
    "}\n";

/* Included by b.yara, relative to it. */
static const char rule_inc[] =
    "rule Included { strings: $i = \"included-marker\" condition: $i }\n";

static const char rule_b[] =
    "include \"inc/common.inc\"\n"
    "rule Beta { strings: $x = \"xy\" condition: #x >= 1 }\n"
    "rule Long { strings: $l = \"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ!\" "
    "condition: $l }\n";

/* A syntax error on line 4. */
static const char rule_bad[] =
    "rule Broken\n"
    "{\n"
    "    condition:\n"
    "        true and and\n"
    "}\n";

static const char rule_ext[] =
    "rule ExeName {\n"
    "    condition: filename matches /\\.exe$/ and uint16(0) == 0x5A4D\n"
    "}\n"
    "rule LokiVars {\n"
    "    condition: filetype == \"EXE\" and extension == \"exe\" and\n"
    "        owner == \"root\" and filepath contains \"/evidence/\"\n"
    "}\n";

/* A string that matches almost anything warns: slow. */
static const char rule_warn[] =
    "rule Slowish { strings: $a = { 00 ?? } condition: $a }\n";

struct problems {
	int		 nerr, nwarn;
	char		 file[4200];
	int		 line;
	char		 msg[512];
};

static void
on_problem(const char *file, int line, const char *msg, int is_warning,
    void *arg)
{
	struct problems *p = arg;

	if (is_warning) {
		p->nwarn++;
		return;
	}
	if (p->nerr++ == 0) {
		(void)snprintf(p->file, sizeof(p->file), "%s", file);
		(void)snprintf(p->msg, sizeof(p->msg), "%s", msg);
		p->line = line;
	}
}

/* Matches as text, one line each, for comparisons. */
struct collect {
	char		 text[16384];
	size_t		 len;
	int		 n;
	struct ir_match	 last;
	char		 last_rule[128];
	int		 stop_after;	/* 0: never */
};

static int
collect_fn(const struct ir_match *m, void *arg)
{
	struct collect *c = arg;
	size_t i, room;
	int w;

	c->n++;
	(void)snprintf(c->last_rule, sizeof(c->last_rule), "%s", m->rule);
	room = sizeof(c->text) - c->len;
	w = snprintf(c->text + c->len, room, "%s:%s", m->ns, m->rule);
	c->len += (size_t)w < room ? (size_t)w : room - 1;
	for (i = 0; i < m->nstrings; i++) {
		room = sizeof(c->text) - c->len;
		w = snprintf(c->text + c->len, room, " %s@%llu", m->strings[i].id,
		    (unsigned long long)m->strings[i].offset);
		c->len += (size_t)w < room ? (size_t)w : room - 1;
	}
	room = sizeof(c->text) - c->len;
	w = snprintf(c->text + c->len, room, "\n");
	c->len += (size_t)w < room ? (size_t)w : room - 1;
	return c->stop_after != 0 && c->n >= c->stop_after;
}

/* The match of one rule, checked inside the callback (data is borrowed). */
struct expect_alpha {
	int		 seen;
};

static int
alpha_fn(const struct ir_match *m, void *arg)
{
	struct expect_alpha *x = arg;
	size_t i;

	if (strcmp(m->rule, "Alpha") != 0)
		return 0;
	x->seen++;
	assert_string_equal(m->ns, "default");
	assert_non_null(m->tags[0]);
	assert_string_equal(m->tags[0], "apt");
	assert_string_equal(m->tags[1], "evil");
	assert_null(m->tags[2]);
	assert_int_equal(m->nmeta, 3);
	assert_string_equal(m->meta[0].key, "author");
	assert_string_equal(m->meta[0].str, "irkit");
	assert_string_equal(m->meta[1].key, "score");
	assert_null(m->meta[1].str);
	assert_int_equal(m->meta[1].num, 75);
	assert_false(m->meta[1].is_bool);
	assert_string_equal(m->meta[2].key, "active");
	assert_true(m->meta[2].is_bool);
	assert_int_equal(m->meta[2].num, 1);
	/* "MZ\x90\0" at 0, "needle" at 10, "evil-42" at 20; rule order. */
	assert_int_equal(m->nstrings, 3);
	assert_int_equal(m->nstrings_total, 3);
	assert_string_equal(m->strings[0].id, "$s1");
	assert_int_equal(m->strings[0].offset, 10);
	assert_int_equal(m->strings[0].len, 6);
	assert_memory_equal(m->strings[0].data, "needle", 6);
	assert_string_equal(m->strings[1].id, "$h1");
	assert_int_equal(m->strings[1].offset, 0);
	assert_memory_equal(m->strings[1].data, "MZ\x90\0", 4);
	assert_string_equal(m->strings[2].id, "$r1");
	assert_int_equal(m->strings[2].offset, 20);
	assert_int_equal(m->strings[2].len, 7);
	assert_memory_equal(m->strings[2].data, "evil-42", 7);
	for (i = 0; i < m->nstrings; i++)
		assert_true(m->strings[i].len <= IR_MATCH_EXCERPT);
	return 0;
}

struct expect_cap {
	int		 beta, lng;
};

static int
cap_fn(const struct ir_match *m, void *arg)
{
	struct expect_cap *x = arg;
	size_t i;

	if (strcmp(m->rule, "Beta") == 0) {
		x->beta++;
		/* 20 "xy" at 0, 2, ... 38: 16 reported, 20 counted. */
		assert_int_equal(m->nstrings, IR_MATCH_MAXSTRINGS);
		assert_int_equal(m->nstrings_total, 20);
		for (i = 0; i < m->nstrings; i++) {
			assert_int_equal(m->strings[i].offset, 2 * i);
			assert_int_equal(m->strings[i].len, 2);
			assert_memory_equal(m->strings[i].data, "xy", 2);
		}
		assert_null(m->tags[0]);
		assert_int_equal(m->nmeta, 0);
	} else if (strcmp(m->rule, "Long") == 0) {
		x->lng++;
		assert_int_equal(m->nstrings, 1);
		assert_int_equal(m->strings[0].offset, 40);
		assert_int_equal(m->strings[0].len, IR_MATCH_EXCERPT);
		assert_memory_equal(m->strings[0].data,
		    "0123456789ABCDEFGHIJKLMNOPQRSTUV", IR_MATCH_EXCERPT);
	}
	return 0;
}

/* The rule set of most tests, in a fresh directory. */
static void
make_set(char *dir, size_t dirsz, int with_bad)
{
	char sub[4200];

	ut_tmpdir(dir, dirsz);
	ut_write(dir, "a.yar", rule_a, sizeof(rule_a) - 1);
	ut_path(sub, sizeof(sub), dir, "sub");
	assert_int_equal(mkdir(sub, 0755), 0);
	ut_path(sub, sizeof(sub), dir, "sub/inc");
	assert_int_equal(mkdir(sub, 0755), 0);
	ut_write(dir, "sub/b.yara", rule_b, sizeof(rule_b) - 1);
	/* Not a rule file by name: only reached through the include. */
	ut_write(dir, "sub/inc/common.inc", rule_inc, sizeof(rule_inc) - 1);
	ut_write(dir, "sub/ext.YAR", rule_ext, sizeof(rule_ext) - 1);
	ut_write(dir, "notes.txt", "not { yara", 10);
	if (with_bad)
		ut_write(dir, "bad.yar", rule_bad, sizeof(rule_bad) - 1);
}

static struct ir_rules *
open_set(const char *dir, struct problems *p)
{
	struct ir_rules_opts o = { 1, on_problem, p };
	struct ir_rules *r;
	struct ir_err e;

	if (ir_rules_open(&r, dir, &o, &e) != IR_OK)
		fail_msg("%s", e.msg);
	return r;
}

static void
test_filetype(void **state)
{
	static const struct {
		const char	*buf;
		size_t		 n;
		const char	*want;
	} t[] = {
		{ "MZ\x90\0", 4, "EXE" },
		{ "\x7f" "ELF\x02\x01", 6, "ELF" },
		{ "%PDF-1.7", 8, "PDF" },
		{ "PK\x03\x04\x0a\0", 6, "ZIP" },
		{ "PK\x03\x04\x14\0\x06\0", 8, "Office" },
		{ "PK\x03\x04\x14\0\x08\0", 8, "JAR" },
		{ "PK\x05\x06", 4, "PKZIP" },
		{ "Rar!\x1a\x07\0", 7, "RAR" },
		{ "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, "OLE" },
		{ "\x1f\x8b\x08\0", 4, "GZIP" },
		{ "#!/bin/sh\n", 10, "UNIX SCRIPT" },
		{ "<?php echo 1;", 13, "PHP" },
		{ "<%@ page", 8, "JSP" },
		{ "{\\rtf1\\ansi", 11, "RTF" },
		{ "\xff\xd8\xff\xe0", 4, "JPEG" },
		{ "7z\xbc\xaf\x27\x1c", 6, "7Zip" },
		{ "BZh91AY", 7, "BZip2" },
		{ "MSCF\0\0", 6, "CAB" },
		{ "L\0\0\0\x01\x14\x02\0\0\0", 10, "LNK" },
		{ "regf\x01", 5, "Registry Hive" },
		{ "MDMP\x93\xa7", 6, "MDMP" },
		{ "ElfFile\0", 8, "EVTX" },
		{ "<?xml version", 13, "XML" },
		{ "\xca\xfe\xba\xbe", 4, "Class" },
		{ "\xcf\xfa\xed\xfe", 4, "MACH-O" },
		{ "conectix", 8, "VHD" },
		{ "Function Foo()", 14, "VBS" },
		{ "CWS\x09", 4, "CWS" },
		{ "\xff\xfe<\0?\0x\0m\0l", 11, "Windows Registry File" },
		{ "\xeb\x3c\x90", 3, "SYS" },
		{ "hello world", 11, "" },
		{ "M", 1, "" },
		{ "", 0, "" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(ir_yara_filetype(t[i].buf, t[i].n), t[i].want) != 0)
			fail_msg("%zu: got '%s', want '%s'", i,
			    ir_yara_filetype(t[i].buf, t[i].n), t[i].want);
	assert_string_equal(ir_yara_filetype(NULL, 10), "");
}

static void
test_bad_file(void **state)
{
	struct ir_rules_builder *b;
	struct ir_rules_opts o = { 0, NULL, NULL };
	struct problems p;
	struct ir_rules *r;
	struct ir_err e;
	char dir[256], want[4300];

	(void)state;
	make_set(dir, sizeof(dir), 1);
	/* Without skip_bad: the first bad file, by name and line. */
	assert_int_equal(ir_rules_builder_new(&b, &o, &e), IR_OK);
	assert_int_equal(ir_rules_builder_add_path(b, dir, NULL, &e),
	    IR_EFORMAT);
	(void)snprintf(want, sizeof(want), "%s/bad.yar:4: ", dir);
	if (strncmp(e.msg, want, strlen(want)) != 0)
		fail_msg("got '%s', want '%s...'", e.msg, want);
	/* The builder still works: the bad file never reached it. */
	assert_int_equal(ir_rules_builder_add_string(b, rule_warn, "w", NULL,
	    &e), IR_OK);
	assert_int_equal(ir_rules_builder_finish(b, &r, &e), IR_OK);
	ir_rules_free(r);

	/* ir_rules_open fails the same way. */
	assert_int_equal(ir_rules_open(&r, dir, &o, &e), IR_EFORMAT);
	assert_null(r);
	assert_non_null(strstr(e.msg, "bad.yar:4: "));

	/* skip_bad: said once, with its line; the rest is there. */
	memset(&p, 0, sizeof(p));
	r = open_set(dir, &p);
	assert_int_equal(p.nerr, 1);
	(void)snprintf(want, sizeof(want), "%s/bad.yar", dir);
	assert_string_equal(p.file, want);
	assert_int_equal(p.line, 4);
	assert_true(p.msg[0] != '\0');
	/* Alpha, Included, Beta, Long, ExeName, LokiVars. */
	assert_int_equal(ir_rules_count(r), 6);
	ir_rules_free(r);
	ut_rmtree(dir);
}

static void
test_string_errors_and_warnings(void **state)
{
	struct ir_rules_builder *b;
	struct problems p;
	struct ir_rules_opts o = { 0, on_problem, &p };
	struct ir_rules *r;
	struct ir_err e;

	(void)state;
	memset(&p, 0, sizeof(p));
	assert_int_equal(ir_rules_builder_new(&b, &o, &e), IR_OK);
	assert_int_equal(ir_rules_builder_add_string(b, rule_bad, "text-1",
	    NULL, &e), IR_EFORMAT);
	assert_true(strncmp(e.msg, "text-1:4: ", 10) == 0);
	/* Warnings go to on_problem, once, and do not fail. */
	assert_int_equal(ir_rules_builder_add_string(b, rule_warn, "text-2",
	    NULL, &e), IR_OK);
	assert_int_equal(p.nwarn, 1);
	assert_int_equal(p.nerr, 0);
	/* Text has no directory: includes are off. */
	assert_int_equal(ir_rules_builder_add_string(b,
	    "include \"/etc/hostname\"\nrule X { condition: true }", "text-3",
	    NULL, &e), IR_EFORMAT);
	assert_non_null(strstr(e.msg, "includes are disabled"));
	/* An undefined identifier: semantic, not syntax. */
	assert_int_equal(ir_rules_builder_add_string(b,
	    "rule U {\ncondition: nosuchthing\n}", "text-4", NULL, &e),
	    IR_EFORMAT);
	assert_true(strncmp(e.msg, "text-4:2: ", 10) == 0);
	/* Namespaces keep equal names apart. */
	assert_int_equal(ir_rules_builder_add_string(b,
	    "rule Same { condition: true }", "n1", "one", &e), IR_OK);
	assert_int_equal(ir_rules_builder_add_string(b,
	    "rule Same { condition: true }", "n2", "two", &e), IR_OK);
	/*
	 * The same name twice in one namespace: fine alone, fails in the
	 * real compiler, which must then be rebuilt.
	 */
	assert_int_equal(ir_rules_builder_add_string(b,
	    "rule Same { condition: true }", "n3", "one", &e), IR_EFORMAT);
	assert_true(strncmp(e.msg, "n3:1: ", 6) == 0);
	assert_non_null(strstr(e.msg, "Same"));
	assert_int_equal(ir_rules_builder_add_string(b,
	    "rule After { condition: true }", "n4", NULL, &e), IR_OK);
	assert_int_equal(ir_rules_builder_finish(b, &r, &e), IR_OK);
	assert_int_equal(ir_rules_count(r), 4);	/* Slowish, Same x2, After */
	{
		struct ir_scanner *s;
		struct collect c;

		memset(&c, 0, sizeof(c));
		assert_int_equal(ir_scanner_new(&s, r, &e), IR_OK);
		assert_int_equal(ir_scanner_scan(s, "abc", 3, NULL, collect_fn,
		    &c, &e), IR_OK);
		assert_string_equal(c.text, "one:Same\ntwo:Same\ndefault:After\n");
		ir_scanner_free(s);
	}
	ir_rules_free(r);

	/* skip_bad: text is reported and skipped like a file. */
	memset(&p, 0, sizeof(p));
	o.skip_bad = 1;
	assert_int_equal(ir_rules_builder_new(&b, &o, &e), IR_OK);
	assert_int_equal(ir_rules_builder_add_string(b, rule_bad, "t", NULL,
	    &e), IR_OK);
	assert_int_equal(p.nerr, 1);
	assert_string_equal(p.file, "t");
	assert_int_equal(p.line, 4);
	/* A builder given up without finishing. */
	ir_rules_builder_free(b);
}

static void
test_scan(void **state)
{
	unsigned char buf[128];
	struct expect_alpha xa;
	struct expect_cap xc;
	struct problems p;
	struct ir_scanner *s;
	struct ir_rules *r;
	struct collect c;
	struct ir_err e;
	char dir[256];
	int i;

	(void)state;
	make_set(dir, sizeof(dir), 0);
	memset(&p, 0, sizeof(p));
	r = open_set(dir, &p);
	assert_int_equal(p.nerr, 0);
	assert_int_equal(ir_scanner_new(&s, r, &e), IR_OK);

	memset(buf, '.', sizeof(buf));
	memcpy(buf, "MZ\x90\0", 4);
	memcpy(buf + 10, "needle", 6);
	memcpy(buf + 20, "evil-42", 7);
	memset(&xa, 0, sizeof(xa));
	assert_int_equal(ir_scanner_scan(s, buf, 40, NULL, alpha_fn, &xa, &e),
	    IR_OK);
	assert_int_equal(xa.seen, 1);

	/* The cap, the excerpt, and a rule from an included file. */
	for (i = 0; i < 20; i++)
		memcpy(buf + 2 * i, "xy", 2);
	memcpy(buf + 40, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ!", 37);
	memcpy(buf + 80, "included-marker", 15);
	memset(&xc, 0, sizeof(xc));
	assert_int_equal(ir_scanner_scan(s, buf, sizeof(buf), NULL, cap_fn,
	    &xc, &e), IR_OK);
	assert_int_equal(xc.beta, 1);
	assert_int_equal(xc.lng, 1);
	memset(&c, 0, sizeof(c));
	assert_int_equal(ir_scanner_scan(s, buf, sizeof(buf), NULL, collect_fn,
	    &c, &e), IR_OK);
	assert_non_null(strstr(c.text, "default:Included $i@80\n"));

	/* Nothing: no call, and an empty buffer is fine. */
	memset(&c, 0, sizeof(c));
	assert_int_equal(ir_scanner_scan(s, "nothing here", 12, NULL,
	    collect_fn, &c, &e), IR_OK);
	assert_int_equal(c.n, 0);
	assert_int_equal(ir_scanner_scan(s, NULL, 0, NULL, collect_fn, &c, &e),
	    IR_OK);
	assert_int_equal(c.n, 0);

	/* A non-zero return stops the scan: IR_EINTR. */
	memset(&c, 0, sizeof(c));
	c.stop_after = 1;
	assert_int_equal(ir_scanner_scan(s, buf, sizeof(buf), NULL, collect_fn,
	    &c, &e), IR_EINTR);
	assert_int_equal(c.n, 1);
	/* And the scanner goes on working after it. */
	memset(&c, 0, sizeof(c));
	assert_int_equal(ir_scanner_scan(s, buf, sizeof(buf), NULL, collect_fn,
	    &c, &e), IR_OK);
	assert_int_equal(c.n, 3);
	ir_scanner_free(s);
	ir_rules_free(r);
	ut_rmtree(dir);
}

static void
test_externals(void **state)
{
	static const unsigned char mz[] = "MZP\0\x02\0\0\0";
	struct ir_scan_vars v;
	struct problems p;
	struct ir_scanner *s;
	struct ir_rules *r;
	struct collect c;
	struct ir_err e;
	char dir[256];

	(void)state;
	make_set(dir, sizeof(dir), 0);
	memset(&p, 0, sizeof(p));
	r = open_set(dir, &p);
	assert_int_equal(ir_scanner_new(&s, r, &e), IR_OK);

	memset(&v, 0, sizeof(v));
	v.filename = "x.exe";
	memset(&c, 0, sizeof(c));
	assert_int_equal(ir_scanner_scan(s, mz, sizeof(mz) - 1, &v, collect_fn,
	    &c, &e), IR_OK);
	assert_string_equal(c.text, "default:ExeName\n");
	/* Set per scan: the same bytes under another name do not match. */
	v.filename = "x.txt";
	memset(&c, 0, sizeof(c));
	assert_int_equal(ir_scanner_scan(s, mz, sizeof(mz) - 1, &v, collect_fn,
	    &c, &e), IR_OK);
	assert_int_equal(c.n, 0);
	/* All five, Loki style. */
	v.filename = "evil.exe";
	v.filepath = "/mnt/evidence/evil.exe";
	v.extension = "exe";
	v.filetype = ir_yara_filetype(mz, sizeof(mz) - 1);
	v.owner = "root";
	memset(&c, 0, sizeof(c));
	assert_int_equal(ir_scanner_scan(s, mz, sizeof(mz) - 1, &v, collect_fn,
	    &c, &e), IR_OK);
	assert_string_equal(c.text, "default:ExeName\ndefault:LokiVars\n");
	/* NULL vars: all empty again, nothing left from the last scan. */
	memset(&c, 0, sizeof(c));
	assert_int_equal(ir_scanner_scan(s, mz, sizeof(mz) - 1, NULL,
	    collect_fn, &c, &e), IR_OK);
	assert_int_equal(c.n, 0);
	ir_scanner_free(s);
	ir_rules_free(r);
	ut_rmtree(dir);
}

static void
scan_text(const struct ir_rules *r, const void *buf, size_t n,
    struct collect *c)
{
	struct ir_scan_vars v = { "x.exe", "/x.exe", "exe", "EXE", "root" };
	struct ir_scanner *s;
	struct ir_err e;

	memset(c, 0, sizeof(*c));
	assert_int_equal(ir_scanner_new(&s, r, &e), IR_OK);
	if (ir_scanner_scan(s, buf, n, &v, collect_fn, c, &e) != IR_OK)
		fail_msg("%s", e.msg);
	ir_scanner_free(s);
}

static void
test_save_load(void **state)
{
	struct ir_rules *r, *r2, *r3;
	struct collect c1, c2, c3;
	unsigned char buf[128];
	struct problems p;
	struct ir_err e;
	char dir[256], path[4200], srcdir[4200];
	int i;

	(void)state;
	make_set(dir, sizeof(dir), 0);
	memset(&p, 0, sizeof(p));
	r = open_set(dir, &p);
	memset(buf, '.', sizeof(buf));
	memcpy(buf, "MZ\x90\0", 4);
	for (i = 1; i < 20; i++)
		memcpy(buf + 2 * i + 4, "xy", 2);
	memcpy(buf + 60, "needle", 6);
	memcpy(buf + 80, "included-marker", 15);
	scan_text(r, buf, sizeof(buf), &c1);
	/* Alpha, Beta, Included, ExeName. */
	assert_int_equal(c1.n, 4);

	ut_path(path, sizeof(path), dir, "rules.yarc");
	assert_int_equal(ir_rules_save(r, path, &e), IR_OK);
	assert_int_equal(ir_rules_load(&r2, path, &e), IR_OK);
	assert_int_equal(ir_rules_count(r2), ir_rules_count(r));
	scan_text(r2, buf, sizeof(buf), &c2);
	assert_string_equal(c1.text, c2.text);
	/* ir_rules_open knows it by its header ... */
	assert_int_equal(ir_rules_open(&r3, path, NULL, &e), IR_OK);
	scan_text(r3, buf, sizeof(buf), &c3);
	assert_string_equal(c1.text, c3.text);
	ir_rules_free(r3);
	/* ... and a single source file as source. */
	ut_path(srcdir, sizeof(srcdir), dir, "a.yar");
	assert_int_equal(ir_rules_open(&r3, srcdir, NULL, &e), IR_OK);
	assert_int_equal(ir_rules_count(r3), 1);
	ir_rules_free(r3);
	ir_rules_free(r);
	/* The loaded set outlives the one it was saved from. */
	scan_text(r2, buf, sizeof(buf), &c2);
	assert_string_equal(c1.text, c2.text);
	ir_rules_free(r2);

	/* Not a ruleset, though it starts like one. */
	ut_write(dir, "fake.yarc", "YARA\x01\x02\x03garbage", 14);
	ut_path(path, sizeof(path), dir, "fake.yarc");
	assert_int_equal(ir_rules_open(&r3, path, NULL, &e), IR_EUNSUPP);
	assert_null(r3);
	assert_non_null(strstr(e.msg, "fake.yarc"));
	/* A real one cut short. */
	ut_path(path, sizeof(path), dir, "rules.yarc");
	assert_int_equal(truncate(path, 1000), 0);
	assert_int_equal(ir_rules_open(&r3, path, NULL, &e), IR_EFORMAT);
	assert_null(r3);
	assert_non_null(strstr(e.msg, "rules.yarc"));
	ut_path(path, sizeof(path), dir, "missing.yarc");
	assert_int_equal(ir_rules_load(&r3, path, &e), IR_ENOENT);
	assert_int_equal(ir_rules_open(&r3, path, NULL, &e), IR_ENOENT);
	assert_non_null(strstr(e.msg, "missing.yarc"));
	ut_path(path, sizeof(path), dir, "nodir/x.yarc");
	assert_int_equal(ir_rules_open(&r3, dir, NULL, &e), IR_OK);
	assert_int_equal(ir_rules_save(r3, path, &e), IR_EIO);
	assert_non_null(strstr(e.msg, "nodir/x.yarc"));
	ir_rules_free(r3);
	ut_rmtree(dir);
}

static void
test_unreadable(void **state)
{
	struct ir_rules_opts o = { 0, NULL, NULL };
	struct problems p;
	struct ir_rules *r;
	struct ir_err e;
	char dir[256], path[4200], want[4300];

	(void)state;
	make_set(dir, sizeof(dir), 0);
	ut_path(path, sizeof(path), dir, "sub/gone.yar");
	assert_int_equal(symlink("/nonexistent/gone.yar", path), 0);
	assert_int_equal(ir_rules_open(&r, dir, &o, &e), IR_ENOENT);
	(void)snprintf(want, sizeof(want), "%s/sub/gone.yar: ", dir);
	if (strncmp(e.msg, want, strlen(want)) != 0)
		fail_msg("got '%s', want '%s...'", e.msg, want);
	/* skip_bad: said and skipped. */
	memset(&p, 0, sizeof(p));
	r = open_set(dir, &p);
	assert_int_equal(p.nerr, 1);
	assert_int_equal(p.line, 0);
	assert_non_null(strstr(p.file, "gone.yar"));
	assert_int_equal(ir_rules_count(r), 6);
	ir_rules_free(r);
	/* Permissions (not for root, who reads anything). */
	if (geteuid() != 0) {
		assert_int_equal(unlink(path), 0);
		ut_write(dir, "sub/locked.yar", rule_a, sizeof(rule_a) - 1);
		ut_path(path, sizeof(path), dir, "sub/locked.yar");
		assert_int_equal(chmod(path, 0), 0);
		assert_int_equal(ir_rules_open(&r, dir, &o, &e), IR_EIO);
		assert_non_null(strstr(e.msg, "locked.yar: Permission denied"));
	}
	ut_path(path, sizeof(path), dir, "absent");
	assert_int_equal(ir_rules_open(&r, path, &o, &e), IR_ENOENT);
	ut_rmtree(dir);
}

/* A rule whose condition takes hours over 64 KiB, and a scanner of it. */
static void
slow_scanner(struct ir_rules **r, struct ir_scanner **s)
{
	static const char slow[] =
	    "rule Slow { condition: for all i in (0..filesize - 1) : "
	    "( for all j in (0..filesize - 1) : "
	    "( uint8(i) != 0xAB or uint8(j) != 0xCD ) ) }\n";
	struct ir_rules_builder *b;
	struct ir_err e;

	assert_int_equal(ir_rules_builder_new(&b, NULL, &e), IR_OK);
	assert_int_equal(ir_rules_builder_add_string(b, slow, "slow", NULL,
	    &e), IR_OK);
	assert_int_equal(ir_rules_builder_finish(b, r, &e), IR_OK);
	assert_int_equal(ir_scanner_new(s, *r, &e), IR_OK);
}

/* One scan that must end with want; its seconds. */
static double
timed_scan(struct ir_scanner *s, const unsigned char *buf, size_t n,
    struct collect *c, struct ir_err *e, int want)
{
	struct timespec t0, t1;

	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(ir_scanner_scan(s, buf, n, NULL, collect_fn, c, e),
	    want);
	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

static void
test_timeout(void **state)
{
	struct ir_scanner *s;
	struct ir_rules *r;
	struct collect c;
	struct ir_err e;
	unsigned char *buf;
	double dt;

	(void)state;
	slow_scanner(&r, &s);
	ir_scanner_set_timeout(s, 1);
	assert_non_null(buf = calloc(1, 65536));
	memset(&c, 0, sizeof(c));
	dt = timed_scan(s, buf, 65536, &c, &e, IR_ELIMIT);
	assert_true(dt >= 0.9 && dt < 30);
	assert_non_null(strstr(e.msg, "timed out"));
	assert_int_equal(c.n, 0);
	/* A small input finishes in time and matches. */
	assert_int_equal(ir_scanner_scan(s, buf, 64, NULL, collect_fn, &c, &e),
	    IR_OK);
	assert_int_equal(c.n, 1);
	free(buf);
	ir_scanner_free(s);
	ir_rules_free(r);
}

static void *
cancel_later(void *arg)
{
	struct timespec d = { 0, 200 * 1000 * 1000 };

	(void)nanosleep(&d, NULL);
	ir_scanner_cancel(arg);
	return NULL;
}

/* Cancelled from another thread: the scan ends at once, so do later ones. */
static void
test_cancel(void **state)
{
	struct ir_scanner *s;
	struct ir_rules *r;
	struct collect c;
	struct ir_err e;
	unsigned char *buf;
	pthread_t t;
	double dt;

	(void)state;
	slow_scanner(&r, &s);
	assert_non_null(buf = calloc(1, 65536));
	memset(&c, 0, sizeof(c));
	/* No timeout: uncancelled, this scan takes hours. */
	assert_int_equal(pthread_create(&t, NULL, cancel_later, s), 0);
	dt = timed_scan(s, buf, 65536, &c, &e, IR_EINTR);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_true(dt < 10);
	assert_non_null(strstr(e.msg, "stopped"));
	assert_int_equal(c.n, 0);
	assert_int_equal(ir_scanner_scan(s, buf, 64, NULL, collect_fn, &c, &e),
	    IR_EINTR);
	assert_int_equal(c.n, 0);
	ir_scanner_cancel(NULL);
	free(buf);
	ir_scanner_free(s);
	ir_rules_free(r);
}

/* Modules send import and console messages: the scan goes on. */
static void
test_modules(void **state)
{
	static const char mods[] =
	    "import \"pe\"\n"
	    "import \"math\"\n"
	    "import \"console\"\n"
	    "rule NotPE { condition: not pe.is_pe and "
	    "console.log(\"hello from a rule\") }\n"
	    "rule Entropy { condition: math.entropy(0, filesize) < 1.0 }\n"
	    "rule Many { strings: $a = \"a\" condition: #a > 100 }\n"
	    "private rule Hidden { condition: true }\n"
	    "rule UsesHidden { condition: Hidden }\n";
	struct ir_rules_builder *b;
	unsigned char *buf;
	struct ir_rules *r;
	struct collect c;
	struct ir_err e;

	(void)state;
	assert_int_equal(ir_rules_builder_new(&b, NULL, &e), IR_OK);
	if (ir_rules_builder_add_string(b, mods, "mods", NULL, &e) != IR_OK)
		fail_msg("%s", e.msg);
	assert_int_equal(ir_rules_builder_finish(b, &r, &e), IR_OK);
	/* Over a million matches of "a": too many, libyara drops $a. */
	assert_non_null(buf = malloc(2000000));
	memset(buf, 'a', 2000000);
	scan_text(r, buf, 2000000, &c);
	assert_non_null(strstr(c.text, "default:NotPE\n"));
	assert_non_null(strstr(c.text, "default:Entropy\n"));
	assert_non_null(strstr(c.text, "default:UsesHidden\n"));
	assert_null(strstr(c.text, "Hidden\n" "default:Hidden"));
	assert_null(strstr(c.text, ":Hidden"));
	free(buf);
	ir_rules_free(r);
}

struct worker {
	const struct ir_rules *r;
	const unsigned char *buf;
	size_t n;
	struct collect c;
	int rc;
};

static void *
worker_main(void *arg)
{
	struct ir_scan_vars v = { "w.exe", "/w.exe", "exe", "EXE", "root" };
	struct worker *w = arg;
	struct ir_scanner *s;
	struct ir_err e;
	int i;

	if ((w->rc = ir_scanner_new(&s, w->r, &e)) != IR_OK)
		return NULL;
	for (i = 0; i < 200 && w->rc == IR_OK; i++) {
		memset(&w->c, 0, sizeof(w->c));
		w->rc = ir_scanner_scan(s, w->buf, w->n, &v, collect_fn, &w->c,
		    &e);
	}
	ir_scanner_free(s);
	return NULL;
}

static void
test_threads(void **state)
{
	struct worker w[2];
	pthread_t t[2];
	unsigned char buf[4096];
	struct problems p;
	struct ir_rules *r;
	struct collect one;
	char dir[256];
	int i;

	(void)state;
	make_set(dir, sizeof(dir), 0);
	memset(&p, 0, sizeof(p));
	r = open_set(dir, &p);
	ut_fill(buf, sizeof(buf), 7);
	memcpy(buf, "MZ\x90\0", 4);
	memcpy(buf + 1000, "needle", 6);
	memcpy(buf + 2000, "evil-7", 6);
	memcpy(buf + 3000, "xyxyxy", 6);
	scan_text(r, buf, sizeof(buf), &one);
	assert_true(one.n >= 3);
	for (i = 0; i < 2; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].r = r;
		w[i].buf = buf;
		w[i].n = sizeof(buf);
		assert_int_equal(pthread_create(&t[i], NULL, worker_main,
		    &w[i]), 0);
	}
	for (i = 0; i < 2; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(w[i].rc, IR_OK);
		assert_string_equal(w[i].c.text, one.text);
	}
	ir_rules_free(r);
	ut_rmtree(dir);
}

static int
sanitized(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return 1;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	return 1;
#endif
#endif
	return 0;
}

static void
test_signature_base(void **state)
{
	struct problems p;
	struct ir_rules_opts o = { 0, on_problem, &p };
	struct timespec t0, t1;
	struct ir_scanner *s;
	struct ir_rules *r;
	struct collect c;
	struct ir_err e;
	struct stat st;
	double dt;

	(void)state;
	if (stat(SIGBASE, &st) != 0 || !S_ISDIR(st.st_mode))
		skip();
	memset(&p, 0, sizeof(p));
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	if (sanitized()) {
		/*
		 * libyara's compiler allocates a lot, and every allocation
		 * unwinds the stack under fast_unwind_on_malloc=0 (a minute
		 * for the whole set): every eighth file will do there.
		 */
		struct ir_rules_builder *b;
		char line[4200];
		FILE *fp;

		assert_int_equal(ir_rules_builder_new(&b, &o, &e), IR_OK);
		assert_non_null(fp = popen("find '" SIGBASE "' -type f "
		    "-name '*.yar*' | LC_ALL=C sort | awk 'NR % 8 == 1'", "r"));
		while (fgets(line, sizeof(line), fp) != NULL) {
			line[strcspn(line, "\n")] = '\0';
			if (ir_rules_builder_add_path(b, line, NULL, &e) != IR_OK)
				fail_msg("%s", e.msg);
		}
		assert_int_equal(pclose(fp), 0);
		assert_int_equal(ir_rules_builder_finish(b, &r, &e), IR_OK);
		assert_true(ir_rules_count(r) > 100);
	} else {
		if (ir_rules_open(&r, SIGBASE, &o, &e) != IR_OK)
			fail_msg("%s", e.msg);
		/* 5871 public and 12 private rules in the reference copy. */
		assert_true(ir_rules_count(r) > 5000);
	}
	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	dt = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_int_equal(p.nerr, 0);
	print_message("signature-base: %u rules, %d warnings, %.1f s\n",
	    ir_rules_count(r), p.nwarn, dt);
	/* Scans: this test program itself, as an ELF named like one. */
	{
		struct ir_scan_vars v = { "x", "/tmp/x", "", "ELF", "root" };
		unsigned char buf[65536];
		FILE *fp;
		size_t n;

		assert_non_null(fp = fopen("/proc/self/exe", "rb"));
		n = fread(buf, 1, sizeof(buf), fp);
		(void)fclose(fp);
		memset(&c, 0, sizeof(c));
		assert_int_equal(ir_scanner_new(&s, r, &e), IR_OK);
		ir_scanner_set_timeout(s, 60);
		if (ir_scanner_scan(s, buf, n, &v, collect_fn, &c, &e) != IR_OK)
			fail_msg("%s", e.msg);
		ir_scanner_free(s);
	}
	ir_rules_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filetype),
		cmocka_unit_test(test_bad_file),
		cmocka_unit_test(test_string_errors_and_warnings),
		cmocka_unit_test(test_scan),
		cmocka_unit_test(test_externals),
		cmocka_unit_test(test_save_load),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_modules),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_signature_base),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
