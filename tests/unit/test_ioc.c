/*
 * ioc: Python patterns as ERE (a table of pattern, path, verdict), flags,
 * false positives, the '\\' form, titles, bad lines by file:line, the
 * signature-base lists as shipped, and keyword lists compiled and scanned
 * through ir/yara.h.
 */
#include <fcntl.h>
#include <locale.h>
#include <pthread.h>

#include "unit.h"

#define SB	"/work/shared/rules/signature-base/iocs"

static struct ir_names *
load(const char *text, int skip_bad, size_t *skipped, int want)
{
	struct ir_names *n;
	struct ir_err e;

	assert_int_equal(ir_names_new(&n, &e), IR_OK);
	assert_int_equal(ir_names_load(n, text, strlen(text), "list.txt",
	    skip_bad, skipped, &e), want);
	return n;
}

/* Hits collected by ir_names_match. */
struct hits {
	int		 n;
	int		 line[16];
	int		 score[16];
	char		 pattern[16][256];
	char		 comment[16][256];
	char		 source[16][64];
};

static void
collect(const struct ir_name_hit *h, void *arg)
{
	struct hits *hs = arg;

	if (hs->n < 16) {
		hs->line[hs->n] = h->line;
		hs->score[hs->n] = h->score;
		(void)snprintf(hs->pattern[hs->n], 256, "%s", h->pattern);
		(void)snprintf(hs->comment[hs->n], 256, "%s",
		    h->comment != NULL ? h->comment : "(none)");
		(void)snprintf(hs->source[hs->n], 64, "%s", h->source);
	}
	hs->n++;
}

static size_t
match(const struct ir_names *n, const char *path, struct hits *hs)
{
	size_t r;

	memset(hs, 0, sizeof(*hs));
	r = ir_names_match(n, path, collect, hs);
	assert_int_equal(r, (size_t)hs->n);
	return r;
}

/* Does one pattern, loaded alone, match path? */
static int
one(const char *pattern, const char *path)
{
	struct ir_names *n;
	struct hits hs;
	char line[1024];
	size_t r;

	(void)snprintf(line, sizeof(line), "%s;50\n", pattern);
	n = load(line, 0, NULL, IR_OK);
	assert_int_equal(ir_names_count(n), 1);
	r = match(n, path, &hs);
	ir_names_free(n);
	return (int)r;
}

static const struct {
	const char	*re;		/* as in a Loki file */
	const char	*path;		/* as irkit sees it */
	int		 want;
} table[] = {
	/* Windows patterns find '/' paths through the '\\' form. */
	{ "\\\\svcsstat\\.exe", "/Windows/System32/svcsstat.exe", 1 },
	{ "\\\\svcsstat\\.exe", "/Windows/System32/svcsstatXexe", 0 },
	{ "ystem32\\\\winhttpc\\.dll", "/mnt/c/Windows/System32/winhttpc.dll",
	    1 },
	{ "^\\\\Windows\\\\", "/Windows/notepad.exe", 1 },
	{ "^\\\\Windows\\\\", "/mnt/Windows/notepad.exe", 0 },
	/* Linux patterns find the path as it is. */
	{ "/usr/share/centreon/www/x\\.php", "/usr/share/centreon/www/x.php",
	    1 },
	{ "/usr/share/centreon/www/x\\.php", "/usr/share/centreon/www/x_php",
	    0 },
	/* \d \D \w \W \s \S: glibc reads \d as 'd'. */
	{ "\\\\x\\d\\.exe", "/a/x5.exe", 1 },
	{ "\\\\x\\d\\.exe", "/a/xd.exe", 0 },
	{ "a\\Db", "/aXb", 1 },
	{ "a\\Db", "/a1b", 0 },
	{ "\\\\\\w+\\.exe$", "/a/b_1.exe", 1 },
	{ "\\\\\\w+\\.exe$", "/a/-.exe", 0 },
	{ "a\\Wb", "/a-b", 1 },
	{ "a\\Wb", "/a_b", 0 },
	{ "a\\Wb", "/a\xe2\x80\x9d" "b", 1 },		/* one character */
	{ "New\\sFolder", "/New Folder/x", 1 },
	{ "New\\sFolder", "/NewXFolder/x", 0 },
	{ "New\\SFolder", "/NewXFolder/x", 1 },
	{ "New\\sFolder", "/New\xc2\xa0" "Folder", 1 },	/* NBSP */
	{ "New\\sFolder", "/New\xe3\x80\x80" "Folder", 1 },
	{ "New\\sFolder", "/New\x1c" "Folder", 1 },
	{ "New\\sFolder", "/New\xc3\xa0" "Folder", 0 },
	{ "^x[\\s]{7,}\\.exe", "x\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0 \t\t.exe", 1 },
	{ "Fonts\\\\[\\w]+\\.exe$", "/Fonts/\xc3\xb6kj.exe", 1 },
	{ "^\\w\\d$", "\xe2\x82\xac" "5", 1 },
	{ "^\\d$", "\xd9\xa5", 0 },			/* ASCII digits only */
	{ "\\.js\\b", "/a.js", 1 },
	{ "\\.js\\b", "/a.json", 0 },
	{ "\\Bjs", "/ajs", 1 },
	{ "\\Bjs", "/a.js", 0 },
	/* Bracket expressions: a backslash in POSIX [...] is literal. */
	{ "x[\\d]y", "x5y", 1 },
	{ "x[\\d]y", "xdy", 0 },
	{ "x[\\d]y", "x\\y", 0 },
	{ "\\\\[\\w\\-]+\\.dll$", "/a-b_c.dll", 1 },
	{ "\\\\[\\w\\-]+\\.dll$", "/a.b.dll", 0 },
	{ "\\\\[\\w]+\\.exe$", "/Fonts/x\\.exe", 0 },
	{ "a[\\.]b", "a.b", 1 },
	{ "a[\\.]b", "axb", 0 },
	{ "a[\\\\]b", "a/b", 1 },
	{ "a[\\\\]b", "axb", 0 },
	{ "\\\\x[^\\\\]+$", "/xy", 1 },
	{ "\\\\x[^\\\\]+$", "/x/y", 0 },
	{ "x[]a]y", "x]y", 1 },
	{ "x[^]a]y", "x]y", 0 },
	{ "x[\\]]y", "x]y", 1 },
	{ "x[\\^]y", "x^y", 1 },
	{ "x[\\^-]y", "x-y", 1 },
	{ "x[\\^-]y", "x^y", 1 },
	{ "x[\\^-]y", "xay", 0 },
	{ "x[[]y", "x[y", 1 },
	{ "x[[.]y", "x.y", 1 },
	{ "x[a-c\\-]y", "x-y", 1 },
	{ "x[a-c\\-]y", "xby", 1 },
	{ "x[a-c\\-]y", "xdy", 0 },
	{ "x[\\x41-\\x43]y", "xBy", 1 },
	{ "x[\\s]{2}y", "x \ty", 1 },
	{ "\\.exe([^._\"\\\\\\]]|$)", "/a.exe]", 0 },
	{ "\\.exe([^._\"\\\\\\]]|$)", "/a.exe_", 0 },
	{ "\\.exe([^._\"\\\\\\]]|$)", "/a.exeX", 1 },
	{ "\\.exe([^._\"\\\\\\]]|$)", "/a.exe", 1 },
	/* A pattern naming '\\' sees '/' as '\\': a directory is not it. */
	{ "\\.exe([^._\"\\\\\\]]|$)", "/a.exe/b", 0 },
	{ "\\.exe[^\\\\]", "/a.exe/b", 0 },
	{ "\\.exe[^/]", "/a.exe\\b", 1 },		/* a '/' pattern: as is */
	{ "\\.exe[^/]", "/a.exe/b", 0 },
	{ "\\.exe.", "/a.exe/b", 1 },			/* neither: both */
	{ "evil\\.exe", "evil.exe", 1 },		/* no '/': one form */
	{ "\\\\evil\\.exe", "evil.exe", 0 },
	{ "\\\\evil\\.exe", "C:\\evil.exe", 1 },
	{ "/evil\\.exe", "C:\\evil.exe", 0 },
	/* Escaped characters that are not ERE specials are themselves. */
	{ "a\\-b\\_c\\/d\\:e\\%f", "a-b_c/d:e%f", 1 },
	{ "a\\'b", "a'b", 1 },		/* glibc: end of buffer */
	{ "a\\'b", "ab", 0 },
	{ "\\<x", "<x", 1 },		/* glibc: start of word */
	{ "\\<x", "/x", 0 },
	{ "a\\`b", "a`b", 1 },
	{ "\\x41BC", "ABC", 1 },
	{ "\\x41BC", "x41BC", 0 },
	{ "a\\tb", "a\tb", 1 },
	{ "a\\tb", "atb", 0 },
	{ "\\{12CD\\}", "/{12CD}", 1 },
	{ "a\\$b", "a$b", 1 },
	{ "\\Aab\\Z", "ab", 1 },
	{ "\\Aab\\Z", "xab", 0 },
	/* Braces: a quantifier when Python reads one, else literal. */
	{ "^xa{,3}$", "x", 1 },
	{ "^xa{,3}$", "xaaaa", 0 },
	{ "^xa{2}$", "xaa", 1 },
	{ "^xa{2,}$", "xaaaaa", 1 },
	{ "^xa{2,}$", "xa", 0 },
	{ "a{b", "a{b", 1 },
	{ "a{1,b}", "a{1,b}", 1 },
	{ "a}b", "a}b", 1 },
	/* Groups, lazy quantifiers. */
	{ "(?:ab|cd)e", "/cde", 1 },
	{ "(?:ab|cd)e", "/ce", 0 },
	{ "^(?P<x>ab)+$", "abab", 1 },
	{ "a(?#comment)b", "ab", 1 },
	{ "a.*?b", "axxb", 1 },
	{ "a+?b", "aab", 1 },
	{ "^xa{2,3}?$", "xaaa", 1 },
	{ "^xa??$", "x", 1 },
	/* '.' is any character but newline, a UTF-8 one too. */
	{ "a.b", "axb", 1 },
	{ "a.b", "a\nb", 0 },
	{ "^a.b$", "a\xc3\xb6" "b", 1 },
	{ "(?s)a.b", "a\nb", 1 },
	{ "\\\\svch[^o]st\\.exe", "/Windows/svch\xc3\xb6st.exe", 1 },
	{ "\\\\svch[^o]st\\.exe", "/Windows/svchost.exe", 0 },
	{ "\\\\svch[^o]st\\.exe", "/Windows/svch\xff" "st.exe", 1 },
	{ "^x\xc3\xb6+y$", "x\xc3\xb6\xc3\xb6y", 1 },	/* ö+, not \xb6+ */
	{ "^x\xc3\xb6+y$", "x\xc3\xb6\xb6y", 0 },
	{ "\\\\sv\xc2\xb1hest\\.exe", "/sv\xc2\xb1hest.exe", 1 },
	/* Case: (?i) at the start only. */
	{ "(?i)\\\\MIMIKATZ\\.exe", "/tmp/mimikatz.EXE", 1 },
	{ "\\\\MIMIKATZ\\.exe", "/tmp/mimikatz.EXE", 0 },
	{ "(?i)x[A-C]y", "xby", 1 },
	{ "(?i)[^\\\\]svchost", "/Xsvchost", 1 },
	{ "$a", "a", 0 },
};

static void
test_translation_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (one(table[i].re, table[i].path) != table[i].want)
			fail_msg("'%s' against '%s': want %d", table[i].re,
			    table[i].path, table[i].want);
}

static void
test_untranslatable(void **state)
{
	static const struct {
		const char	*line;
		const char	*why;
	} bad[] = {
		{ "(?=x)a;50", "look-around" },
		{ "a(?!x);50", "look-around" },
		{ "(?<=a)b;50", "look-around" },
		{ "(?<!a)b;50", "look-around" },
		{ "(a)\\1;50", "back-reference" },
		{ "(?P<n>a)(?P=n);50", "back-reference" },
		{ "a(?i)b;50", "inline flags" },
		{ "(?x)a b;50", "inline flags" },
		{ "(?i:a)b;50", "inline flags" },
		{ "\\p{L};50", "unknown escape" },
		{ "a\\;50", "trailing backslash" },
		{ "[abc;50", "unterminated [" },
		{ "[z-a];50", "bad character range" },
		{ "(ab;50", "unbalanced (" },
		{ "ab);50", "unbalanced )" },
		{ "*a;50", "nothing to repeat" },
		{ "a**;50", "repeated quantifier" },
		{ "a*+;50", "possessive" },
		{ "[\\x00];50", "class of no character" },
		{ "x\\x0;50", "bad \\x escape" },
		{ "[\xc3\xb6];50", "non-ASCII" },
		{ "(a{100}){200};50", "too large" },
		{ "a{1,99999};50", "too large" },
		{ "(.{1,49}){1,49}x;50", "too large" },
		{ "abc", "no ';SCORE'" },
		{ "abc;", "score is not a number" },
		{ "abc;5x", "score is not a number" },
		{ ";50", "empty pattern" },
		{ "abc;50;(?=x)", "false-positive pattern: look-around" },
	};
	struct ir_names *n;
	struct ir_err e;
	char text[256];
	size_t i, skipped;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* Third line of the file: the message names it. */
		(void)snprintf(text, sizeof(text), "# t\ngood;1\n%s\nx;2\n",
		    bad[i].line);
		assert_int_equal(ir_names_new(&n, &e), IR_OK);
		assert_int_equal(ir_names_load(n, text, strlen(text),
		    "list.txt", 0, NULL, &e), IR_EFORMAT);
		if (strncmp(e.msg, "list.txt:3: ", 12) != 0 ||
		    strstr(e.msg, bad[i].why) == NULL)
			fail_msg("'%s': '%s', want '%s'", bad[i].line, e.msg,
			    bad[i].why);
		assert_int_equal(ir_names_count(n), 0);	/* none of it */
		skipped = 0;
		assert_int_equal(ir_names_load(n, text, strlen(text),
		    "list.txt", 1, &skipped, &e), IR_OK);
		assert_int_equal(skipped, 1);
		assert_int_equal(ir_names_count(n), 2);
		ir_names_free(n);
	}
}

static void
test_false_positive(void **state)
{
	struct ir_names *n;
	struct hits hs;

	(void)state;
	n = load("(?i)\\\\procdump(64)?(a)?\\.(exe|zip);50;"
	    "(?i)(SysInternals\\\\)\n"
	    "\\\\nc\\.exe$;60;/opt/\n", 0, NULL, IR_OK);
	assert_int_equal(match(n, "/tools/procdump64.exe", &hs), 1);
	assert_int_equal(hs.score[0], 50);
	/* The exclusion finds the '\\' form ... */
	assert_int_equal(match(n, "/Tools/sysinternals/procdump.exe", &hs), 0);
	/* ... and the path as it is. */
	assert_int_equal(match(n, "/usr/bin/nc.exe", &hs), 1);
	assert_int_equal(match(n, "/opt/bin/nc.exe", &hs), 0);
	/* A path already holding backslashes is taken as it is. */
	assert_int_equal(match(n, "C:\\Tools\\procdump.exe", &hs), 1);
	assert_int_equal(match(n, "C:\\SysInternals\\procdump.exe", &hs), 0);
	ir_names_free(n);
}

static void
test_titles_order_fields(void **state)
{
	static const char text[] =
	    "\xef\xbb\xbf#\n"
	    "# LOKI File Name Characteristics\n"
	    "# \\\\svcsstat\\.exe;70\n"		/* an example, not a title */
	    "\n"
	    "first\\.bin;10\r\n"
	    "# Regin\n"
	    "\\\\usbclass\\.sys;80\n"
	    "\n"
	    "usbclass;  75  \n"
	    "#\\\\old\\.exe;60\n"			/* put out of use */
	    "(?i)USB;-5\n"
	    "## APT X ##\n"
	    "\\.sys$;1;notthere\n";
	struct ir_names *n;
	struct hits hs;

	(void)state;
	n = load(text, 0, NULL, IR_OK);
	assert_int_equal(ir_names_count(n), 5);
	assert_int_equal(match(n, "/drivers/usbclass.sys", &hs), 4);
	assert_int_equal(hs.line[0], 7);
	assert_string_equal(hs.pattern[0], "\\\\usbclass\\.sys");
	assert_string_equal(hs.comment[0], "Regin");
	assert_string_equal(hs.source[0], "list.txt");
	assert_int_equal(hs.score[0], 80);
	assert_int_equal(hs.line[1], 9);
	assert_string_equal(hs.comment[1], "Regin");
	assert_int_equal(hs.score[1], 75);
	assert_int_equal(hs.line[2], 11);
	assert_string_equal(hs.comment[2], "Regin");
	assert_int_equal(hs.score[2], -5);
	assert_int_equal(hs.line[3], 13);
	assert_string_equal(hs.comment[3], "APT X ##");
	assert_int_equal(match(n, "/x/first.bin", &hs), 1);
	assert_string_equal(hs.comment[0], "LOKI File Name Characteristics");
	assert_int_equal(match(n, "/x/first_bin", &hs), 0);
	ir_names_free(n);

	n = load("a;1\n", 0, NULL, IR_OK);		/* no comment at all */
	assert_int_equal(match(n, "a", &hs), 1);
	assert_string_equal(hs.comment[0], "(none)");
	ir_names_free(n);
}

/* Several files in one set; a bad one leaves the set as it was. */
static void
test_files_and_rollback(void **state)
{
	static const char good[] = "# G\n\\\\evil\\.exe;70\n";
	static const char bad[] = "\\\\worse\\.exe;70\n(?=x);1\n";
	struct ir_names *n;
	struct ir_err e;
	struct hits hs;
	size_t skipped = 7;

	(void)state;
	assert_int_equal(ir_names_new(&n, &e), IR_OK);
	assert_int_equal(match(n, "/evil.exe", &hs), 0);	/* empty set */
	assert_int_equal(ir_names_load(n, good, strlen(good), "a.txt", 0,
	    &skipped, &e), IR_OK);
	assert_int_equal(skipped, 0);
	assert_int_equal(ir_names_load(n, bad, strlen(bad), "b.txt", 0, NULL,
	    &e), IR_EFORMAT);
	assert_string_equal(e.msg, "b.txt:2: look-around is not supported");
	assert_int_equal(ir_names_count(n), 1);
	assert_int_equal(match(n, "/evil.exe", &hs), 1);
	assert_int_equal(match(n, "/worse.exe", &hs), 0);
	assert_int_equal(ir_names_load(n, bad, strlen(bad), "b.txt", 1,
	    &skipped, &e), IR_OK);
	assert_int_equal(skipped, 1);
	assert_int_equal(match(n, "/worse.exe", &hs), 1);
	assert_string_equal(hs.source[0], "b.txt");
	assert_string_equal(hs.comment[0], "(none)");
	assert_int_equal(match(n, "/evil.exe", &hs), 1);
	assert_string_equal(hs.source[0], "a.txt");
	assert_string_equal(hs.comment[0], "G");
	ir_names_free(n);
	ir_names_free(NULL);
}

/* More patterns than the stack marks hold; a path longer than PATH_MAX. */
static void
test_big_set_long_path(void **state)
{
	struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_names *n;
	struct ir_err e;
	struct hits hs;
	char *path;
	size_t i;

	(void)state;
	for (i = 0; i < 9000; i++)
		assert_int_equal(ir_buf_addf(&b, &e, "\\\\file%zu\\.exe$;%zu\n",
		    i, i % 100), IR_OK);
	assert_int_equal(ir_buf_addstr(&b, "[0-9]x;1\n", &e), IR_OK);
	assert_int_equal(ir_names_new(&n, &e), IR_OK);
	assert_int_equal(ir_names_load(n, b.buf, b.len, "big", 0, NULL, &e),
	    IR_OK);
	assert_int_equal(ir_names_count(n), 9001);
	assert_int_equal(match(n, "/x/file8999.exe", &hs), 1);
	assert_int_equal(hs.line[0], 9000);
	assert_int_equal(hs.score[0], 99);
	assert_int_equal(match(n, "/x/file8999.exe.bak", &hs), 0);
	assert_int_equal(match(n, "/1x/file17.exe", &hs), 2);
	assert_int_equal(hs.line[0], 18);
	assert_int_equal(hs.line[1], 9001);

	assert_non_null(path = malloc(20100));
	for (i = 0; i < 19990; i += 2)
		memcpy(path + i, "/a", 2);
	(void)strcpy(path + i, "/file42.exe");
	assert_int_equal(match(n, path, &hs), 1);
	assert_int_equal(hs.line[0], 43);
	free(path);
	ir_names_free(n);
	ir_buf_release(&b);
}

/* A caller's UTF-8 locale changes nothing: paths are bytes. */
static void
test_locale(void **state)
{
	struct ir_names *n;
	struct hits hs;

	(void)state;
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		skip();
	n = load("\\\\svch[^o]st\\.exe;45\n(?i)\\\\EVIL.\\.exe;50\n", 0, NULL,
	    IR_OK);
	assert_int_equal(match(n, "/svch\xff" "st.exe", &hs), 1);
	assert_int_equal(match(n, "/svch\xc3\xb6st.exe", &hs), 1);
	assert_int_equal(match(n, "/evil\xfe.EXE", &hs), 1);
	assert_int_equal(match(n, "/evil\xc3\xb6.exe", &hs), 1);
	ir_names_free(n);
	(void)setlocale(LC_ALL, "C");
}

static struct ir_names *
load_file(const char *path, size_t *skipped)
{
	struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_names *n;
	struct ir_err e;
	int rc;

	assert_int_equal(ir_read_file(AT_FDCWD, path, &b, &e), IR_OK);
	assert_int_equal(ir_names_new(&n, &e), IR_OK);
	rc = ir_names_load(n, b.buf, b.len, "filename-iocs.txt", 0, skipped,
	    &e);
	if (rc != IR_OK)
		fail_msg("%s", e.msg);
	ir_buf_release(&b);
	return n;
}

static int
has_line(const struct hits *hs, int line)
{
	int i;

	for (i = 0; i < hs->n && i < 16; i++)
		if (hs->line[i] == line)
			return 1;
	return 0;
}

/* The list as signature-base ships it: every pattern, none skipped. */
static void
test_signature_base(void **state)
{
	struct ir_names *n;
	struct hits hs;
	size_t skipped = 99;

	(void)state;
	if (access(SB "/filename-iocs.txt", R_OK) != 0)
		skip();
	n = load_file(SB "/filename-iocs.txt", &skipped);
	assert_int_equal(skipped, 0);
	assert_int_equal(ir_names_count(n), 3828);

	/* Regin, line 34, under "# Regin". */
	assert_true(match(n, "/Windows/System32/drivers/usbclass.sys", &hs) >=
	    1);
	assert_int_equal(hs.line[0], 34);
	assert_string_equal(hs.pattern[0], "\\\\usbclass\\.sys");
	assert_string_equal(hs.comment[0], "Regin");
	assert_int_equal(hs.score[0], 80);
	/* Line 254 with its false-positive pattern. */
	(void)match(n, "/Users/bob/Downloads/tmp.exe", &hs);
	assert_true(has_line(&hs, 254));
	(void)match(n, "/Users/bob/AppData/Local/Temp/Appab12.tmp.exe", &hs);
	assert_false(has_line(&hs, 254));
	/* Line 1219, a homoglyph of svchost. */
	(void)match(n, "/Windows/svch\xc3\xb6st.exe", &hs);
	assert_true(has_line(&hs, 1219));
	(void)match(n, "/Windows/System32/svchost.exe", &hs);
	assert_false(has_line(&hs, 1219));
	/* Line 2078: (?i), [^\\/]{1,64}, and its exclusion. */
	(void)match(n, "/Users/x/APPDATA/roaming/evil.exe", &hs);
	assert_true(has_line(&hs, 2078));
	(void)match(n, "/Users/x/AppData/Roaming/JomCap.dll/evil.exe", &hs);
	assert_false(has_line(&hs, 2078));
	/* Line 3491: a Linux path with U+2212 in it. */
	(void)match(n, "/usr/share/centreon/www/modules/Discovery/include/"
	    "DB\xe2\x88\x92" "Drop.php", &hs);
	assert_true(has_line(&hs, 3491));
	/* Line 4096, the procdump example of the header, really used. */
	(void)match(n, "/Temp/PROCDUMP64a.zip", &hs);
	assert_true(has_line(&hs, 4096));
	(void)match(n, "/Program Files/SysInternals/procdump.exe", &hs);
	assert_false(has_line(&hs, 4096));
	/* Ordinary files of a Linux host. */
	assert_int_equal(match(n, "/usr/bin/ls", &hs), 0);
	assert_int_equal(match(n, "/etc/passwd", &hs), 0);
	ir_names_free(n);
}

/* Many threads match against one set. */
struct thr {
	const struct ir_names	*n;
	size_t			 hits;
};

static void *
thr_main(void *arg)
{
	static const char *const paths[] = {
		"/Windows/System32/drivers/usbclass.sys",
		"/Users/x/AppData/Roaming/evil.exe",
		"/usr/bin/ls", "/Windows/svch\xc3\xb6st.exe",
	};
	struct thr *t = arg;
	size_t i;

	for (i = 0; i < 4000; i++)
		t->hits += ir_names_match(t->n, paths[i % 4], NULL, NULL);
	return NULL;
}

static void
test_threads(void **state)
{
	struct thr t[4];
	pthread_t tid[4];
	struct ir_names *n;
	size_t want, i;

	(void)state;
	if (access(SB "/filename-iocs.txt", R_OK) != 0)
		skip();
	n = load_file(SB "/filename-iocs.txt", NULL);
	for (want = 0, i = 0; i < 4; i++)
		want += ir_names_match(n, (const char *[]){
		    "/Windows/System32/drivers/usbclass.sys",
		    "/Users/x/AppData/Roaming/evil.exe",
		    "/usr/bin/ls", "/Windows/svch\xc3\xb6st.exe" }[i], NULL,
		    NULL);
	for (i = 0; i < 4; i++) {
		t[i].n = n;
		t[i].hits = 0;
		assert_int_equal(pthread_create(&tid[i], NULL, thr_main, &t[i]),
		    0);
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(tid[i], NULL), 0);
		assert_int_equal(t[i].hits, want * 1000);
	}
	ir_names_free(n);
}

/*
 * Keyword lists.
 */
struct yres {
	int		 warnings, errors;
	int		 matched;
	char		 rule[64];
};

static void
on_problem(const char *file, int line, const char *msg, int is_warning,
    void *arg)
{
	struct yres *r = arg;

	(void)file;
	(void)line;
	print_message("libyara: %s\n", msg);
	if (is_warning)
		r->warnings++;
	else
		r->errors++;
}

static int
on_match(const struct ir_match *m, void *arg)
{
	struct yres *r = arg;

	r->matched++;
	(void)snprintf(r->rule, sizeof(r->rule), "%s", m->rule);
	return 0;
}

/* Compile src through ir/yara.h: no error, no warning. */
static struct ir_rules *
compile_yara(const char *src, struct yres *r)
{
	struct ir_rules_opts o = { 0, on_problem, NULL };
	struct ir_rules_builder *b;
	struct ir_rules *rules;
	struct ir_err e;

	memset(r, 0, sizeof(*r));
	o.arg = r;
	assert_int_equal(ir_rules_builder_new(&b, &o, &e), IR_OK);
	if (ir_rules_builder_add_string(b, src, "kw.yar", NULL, &e) != IR_OK)
		fail_msg("%s\n%s", e.msg, src);
	assert_int_equal(ir_rules_builder_finish(b, &rules, &e), IR_OK);
	assert_int_equal(r->errors, 0);
	assert_int_equal(r->warnings, 0);
	return rules;
}

static int
scan(const struct ir_rules *rules, const void *buf, size_t n, struct yres *r)
{
	struct ir_scan_vars v = { "f", "/f", "", "", "" };
	struct ir_scanner *s;
	struct ir_err e;

	assert_int_equal(ir_scanner_new(&s, rules, &e), IR_OK);
	r->matched = 0;
	r->rule[0] = '\0';
	assert_int_equal(ir_scanner_scan(s, buf, n, &v, on_match, r, &e),
	    IR_OK);
	ir_scanner_free(s);
	return r->matched;
}

static void
test_keywords_text(void **state)
{
	static const char list[] =
	    "# MALICIOUS KEYWORDS\n"
	    "\n"
	    "sekurlsa::logonpasswords\n"
	    "say \"hi\" \\\\srv\\x  \r\n"
	    "tab\there\x01\xc3\xa9\n"
	    "#not this\n"
	    "evil.example.com;65\n"
	    "a;b\n"
	    "   \n"
	    "last;7";
	static const char want[] =
	    "// before\n"
	    "rule kw_test\n"
	    "{\n"
	    "\tmeta:\n"
	    "\t\tsource = \"my \\\"list\\\".txt\"\n"
	    "\t\tcount = 6\n"
	    "\tstrings:\n"
	    "\t\t$k1 = \"sekurlsa::logonpasswords\" ascii wide nocase"
	    "\t// line 3\n"
	    "\t\t$k2 = \"say \\\"hi\\\" \\\\\\\\srv\\\\x\" ascii wide nocase"
	    "\t// line 4\n"
	    "\t\t$k3 = \"tab\\x09here\\x01\\xc3\\xa9\" ascii wide nocase"
	    "\t// line 5\n"
	    "\t\t$k4 = \"evil.example.com\" ascii wide nocase"
	    "\t// line 7, score 65\n"
	    "\t\t$k5 = \"a;b\" ascii wide nocase\t// line 8\n"
	    "\t\t$k6 = \"last\" ascii wide nocase\t// line 10, score 7\n"
	    "\tcondition:\n"
	    "\t\tany of them\n"
	    "}\n";
	struct ir_buf out = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_rules *rules;
	struct ir_err e;
	struct yres r;
	size_t count = 0;
	char *copy;

	(void)state;
	assert_int_equal(ir_buf_addstr(&out, "// before\n", &e), IR_OK);
	/* Not NUL-terminated: the score at the very end is read in bounds. */
	assert_non_null(copy = malloc(sizeof(list) - 1));
	memcpy(copy, list, sizeof(list) - 1);
	assert_int_equal(ir_keywords_to_yara(copy, sizeof(list) - 1,
	    "my \"list\".txt", "kw_test", &out, &count, &e), IR_OK);
	free(copy);
	assert_int_equal(count, 6);
	assert_string_equal(out.buf, want);
	rules = compile_yara(out.buf, &r);
	assert_int_equal(scan(rules, "xx SEKURLSA::LogonPasswords", 27, &r), 1);
	assert_string_equal(r.rule, "kw_test");
	/* wide */
	assert_int_equal(scan(rules, "l\0a\0s\0t\0", 8, &r), 1);
	assert_int_equal(scan(rules, "say \"hi\" \\\\srv\\x", 16, &r), 1);
	assert_int_equal(scan(rules, "EVIL.example.COM", 16, &r), 1);
	assert_int_equal(scan(rules, "evil.example.co", 15, &r), 0);
	assert_int_equal(scan(rules, "65", 2, &r), 0);
	ir_rules_free(rules);

	/* Bad rule names and strings leave out as it was. */
	assert_int_equal(ir_keywords_to_yara(list, sizeof(list) - 1, "l",
	    "1abc", &out, NULL, &e), IR_EINVAL);
	assert_int_equal(ir_keywords_to_yara(list, sizeof(list) - 1, "l",
	    "rule", &out, NULL, &e), IR_EINVAL);
	assert_int_equal(ir_keywords_to_yara(list, sizeof(list) - 1, "l",
	    "a-b", &out, NULL, &e), IR_EINVAL);
	assert_int_equal(ir_keywords_to_yara(list, sizeof(list) - 1, "l",
	    "", &out, NULL, &e), IR_EINVAL);
	assert_string_equal(out.buf, want);
	ir_buf_release(&out);
}

static void
test_keywords_edges(void **state)
{
	struct ir_buf out = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_buf list = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_rules *rules;
	struct ir_err e;
	struct yres r;
	char *big;
	size_t count = 9, i;

	(void)state;
	/* Nothing but comments: a rule that never matches. */
	assert_int_equal(ir_keywords_to_yara("# x\n\n", 5, "empty", "kw_empty",
	    &out, &count, &e), IR_OK);
	assert_int_equal(count, 0);
	assert_non_null(strstr(out.buf, "\t\tfalse\n"));
	rules = compile_yara(out.buf, &r);
	assert_int_equal(scan(rules, "anything", 8, &r), 0);
	ir_rules_free(rules);
	ir_buf_reset(&out);

	/* A string libyara's lexer could not hold. */
	assert_non_null(big = malloc(5000));
	memset(big, 'a', 4999);
	big[0] = '\n';
	big[4999] = '\n';
	assert_int_equal(ir_keywords_to_yara(big, 5000, "big.txt", "kw_big",
	    &out, NULL, &e), IR_ELIMIT);
	assert_string_equal(e.msg, "big.txt:2: string longer than 4096 bytes");
	assert_int_equal(out.len, 0);
	free(big);

	/* 1000 strings of letters: parts of 350, no warning. */
	for (i = 0; i < 1000; i++)
		assert_int_equal(ir_buf_addf(&list, &e, "keyword%c%c%zu\n",
		    (char)('a' + i % 26), (char)('a' + i / 26 % 26), i), IR_OK);
	assert_int_equal(ir_keywords_to_yara(list.buf, list.len, "k.txt",
	    "kw_many", &out, &count, &e), IR_OK);
	assert_int_equal(count, 1000);
	assert_non_null(strstr(out.buf, "rule kw_many\n"));
	assert_non_null(strstr(out.buf, "rule kw_many_2\n"));
	assert_non_null(strstr(out.buf, "rule kw_many_3\n"));
	assert_null(strstr(out.buf, "rule kw_many_4\n"));
	assert_non_null(strstr(out.buf, "\t\tcount = 300\n\t\tpart = 3\n"));
	rules = compile_yara(out.buf, &r);
	assert_int_equal(ir_rules_count(rules), 3);
	assert_int_equal(scan(rules, "..KEYWORDLM999..", 16, &r), 1);
	assert_string_equal(r.rule, "kw_many_3");
	ir_rules_free(rules);
	ir_buf_release(&out);
	ir_buf_release(&list);
}

/* signature-base's keyword and C2 lists compile whole, without warning. */
static void
test_keywords_signature_base(void **state)
{
	struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_buf out = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_rules *rules;
	struct ir_err e;
	struct yres r;
	size_t count;

	(void)state;
	if (access(SB "/keywords.txt", R_OK) != 0 ||
	    access(SB "/c2-iocs.txt", R_OK) != 0)
		skip();
	assert_int_equal(ir_read_file(AT_FDCWD, SB "/keywords.txt", &b, &e),
	    IR_OK);
	assert_int_equal(ir_keywords_to_yara(b.buf, b.len, "keywords.txt",
	    "loki_keywords", &out, &count, &e), IR_OK);
	assert_int_equal(count, 14);
	ir_buf_reset(&b);
	assert_int_equal(ir_read_file(AT_FDCWD, SB "/c2-iocs.txt", &b, &e),
	    IR_OK);
	assert_int_equal(ir_keywords_to_yara(b.buf, b.len, "c2-iocs.txt",
	    "loki_c2", &out, &count, &e), IR_OK);
	assert_int_equal(count, 1844);
	rules = compile_yara(out.buf, &r);
	assert_int_equal(ir_rules_count(rules), 1 + 6);
	assert_int_equal(scan(rules, "GET http://me.scieron.com/", 26, &r), 1);
	assert_string_equal(r.rule, "loki_c2");
	assert_int_equal(scan(rules, "i\0n\0v\0o\0k\0e\0-\0m\0i\0m\0i\0k\0a\0"
	    "t\0z\0", 30, &r), 1);
	assert_string_equal(r.rule, "loki_keywords");
	assert_int_equal(scan(rules, "nothing to see", 14, &r), 0);
	ir_rules_free(rules);
	ir_buf_release(&out);
	ir_buf_release(&b);
}

/* hash-iocs.txt is ir/hashset.h's: "hash;comment" lines. */
static void
test_hash_iocs(void **state)
{
	struct ir_hashset *h;
	struct ir_err e;

	(void)state;
	if (access(SB "/hash-iocs.txt", R_OK) != 0)
		skip();
	assert_int_equal(ir_hashset_new(&h, &e), IR_OK);
	assert_int_equal(ir_hashset_load_file(h, SB "/hash-iocs.txt", &e),
	    IR_OK);
	assert_int_equal(ir_hashset_count(h), 3224);
	assert_int_equal(ir_hashset_algs(h), IR_HASH_ALL);
	ir_hashset_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_translation_table),
		cmocka_unit_test(test_untranslatable),
		cmocka_unit_test(test_false_positive),
		cmocka_unit_test(test_titles_order_fields),
		cmocka_unit_test(test_files_and_rollback),
		cmocka_unit_test(test_big_set_long_path),
		cmocka_unit_test(test_locale),
		cmocka_unit_test(test_signature_base),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_keywords_text),
		cmocka_unit_test(test_keywords_edges),
		cmocka_unit_test(test_keywords_signature_base),
		cmocka_unit_test(test_hash_iocs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
