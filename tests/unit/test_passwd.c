/*
 * passwd: fields parsed exactly, comments and blank lines passed over,
 * every kind of damaged line skipped and counted (never fatal, never
 * hiding the lines after it), a last line without a newline, NUL bytes,
 * and this machine's /etc/passwd against awk's reading of it.
 */
#include "unit.h"

#include <fcntl.h>

static void
parse(const char *s, struct ir_pwent **pw, size_t *n, size_t *bad,
    size_t *first)
{
	struct ir_err e;

	assert_int_equal(ir_passwd_parse(s, strlen(s), pw, n, bad, first, &e),
	    IR_OK);
}

static void
test_fields(void **state)
{
	struct ir_pwent *pw;
	size_t n, bad, first;

	(void)state;
	parse("root:x:0:0:root:/root:/bin/bash\n"
	    "# a comment\n"
	    "\n"
	    "alice::1000:100:Alice A,,,:/srv/alice:\n"
	    "svc:*:4294967295:0::/:/usr/sbin/nologin", &pw, &n, &bad, &first);
	assert_int_equal(n, 3);
	assert_int_equal(bad, 0);
	assert_int_equal(first, 0);
	assert_string_equal(pw[0].name, "root");
	assert_string_equal(pw[0].passwd, "x");
	assert_int_equal(pw[0].uid, 0);
	assert_string_equal(pw[0].home, "/root");
	assert_string_equal(pw[0].shell, "/bin/bash");
	assert_int_equal(pw[0].line, 1);
	assert_string_equal(pw[1].passwd, "");	/* no password at all */
	assert_int_equal(pw[1].uid, 1000);
	assert_int_equal(pw[1].gid, 100);
	assert_string_equal(pw[1].gecos, "Alice A,,,");
	assert_string_equal(pw[1].home, "/srv/alice");
	assert_string_equal(pw[1].shell, "");
	assert_int_equal(pw[1].line, 4);
	assert_int_equal(pw[2].uid, 4294967295U);
	assert_string_equal(pw[2].home, "/");
	assert_int_equal(pw[2].line, 5);
	ir_passwd_free(pw, n);
}

static void
test_damaged(void **state)
{
	static const char *const bad_lines[] = {
		"six:x:1:1::/home/six",			/* 6 fields */
		"eight:x:1:1::/home/eight:/bin/sh:extra",
		"num:x:1a:1::/h:/bin/sh",
		"big:x:4294967296:1::/h:/bin/sh",	/* > 32 bits */
		"neg:x:-1:1::/h:/bin/sh",
		"gid:x:1::/h::/bin/sh",			/* empty gid */
		":x:1:1::/h:/bin/sh",			/* empty name */
		"+nis::::::",
		"-nis::::::",
		"just words",
	};
	struct ir_pwent *pw;
	char buf[512];
	size_t i, n, bad, first;

	(void)state;
	for (i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++) {
		(void)snprintf(buf, sizeof(buf), "a:x:1:1::/a:/bin/sh\n%s\n"
		    "b:x:2:2::/b:/bin/sh\n", bad_lines[i]);
		parse(buf, &pw, &n, &bad, &first);
		/* The accounts after a bad line are still there. */
		assert_int_equal(n, 2);
		assert_int_equal(bad, 1);
		assert_int_equal(first, 2);
		assert_string_equal(pw[1].name, "b");
		assert_int_equal(pw[1].line, 3);
		ir_passwd_free(pw, n);
	}
}

static void
test_nul(void **state)
{
	static const char s[] = "ev\0il:x:0:0::/root:/bin/sh\n";
	struct ir_pwent *pw;
	struct ir_err e;
	size_t n, bad;

	(void)state;
	assert_int_equal(ir_passwd_parse(s, sizeof(s) - 1, &pw, &n, &bad, NULL,
	    &e), IR_OK);
	assert_int_equal(n, 1);
	assert_string_equal(pw[0].name, "ev");	/* cut where C would */
	assert_int_equal(pw[0].uid, 0);
	ir_passwd_free(pw, n);
	assert_int_equal(ir_passwd_parse("", 0, &pw, &n, &bad, NULL, &e),
	    IR_OK);
	assert_int_equal(n, 0);
	ir_passwd_free(pw, n);
}

/* This machine's file, as awk reads it: every account, name and home. */
static void
test_real(void **state)
{
	struct ir_pwent *pw;
	struct ir_buf b = IR_BUF_INIT(1 << 24);
	struct ir_err e;
	char line[1024], want[1024], cmd[256];
	size_t n, bad, i;
	FILE *fp;

	(void)state;
	assert_int_equal(ir_read_file(AT_FDCWD, "/etc/passwd", &b, &e), IR_OK);
	assert_int_equal(ir_passwd_parse(b.buf, b.len, &pw, &n, &bad, NULL, &e),
	    IR_OK);
	assert_int_equal(bad, 0);
	(void)snprintf(cmd, sizeof(cmd), "awk -F: 'NF == 7 && $1 !~ /^#/ "
	    "{ print $1 \" \" $3 \" \" $6 }' /etc/passwd");
	assert_non_null(fp = popen(cmd, "r"));
	for (i = 0; fgets(line, sizeof(line), fp) != NULL; i++) {
		line[strcspn(line, "\n")] = '\0';
		assert_true(i < n);
		(void)snprintf(want, sizeof(want), "%s %u %s", pw[i].name,
		    pw[i].uid, pw[i].home);
		assert_string_equal(line, want);
	}
	assert_int_equal(pclose(fp), 0);
	assert_int_equal(i, n);
	assert_true(n > 0);
	ir_passwd_free(pw, n);
	ir_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_real),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
