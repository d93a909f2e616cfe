/* magic: libmagic types of real headers and the name/content check. */
#include "unit.h"

#include <sys/stat.h>
#include <fcntl.h>

static void
mime_of(struct ir_magic *m, const void *p, size_t n, const char *want)
{
	char got[96];

	assert_int_equal(ir_magic_mime(m, p, n, got, sizeof(got), NULL), IR_OK);
	assert_string_equal(got, want);
}

static void
test_types(void **state)
{
	static const unsigned char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR"
	    "\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde";
	static const char pdf[] = "%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\n"
	    "endobj\n";
	static const char text[] = "the quick brown fox\njumps\n";
	struct ir_magic *m;
	unsigned char elf[4096];
	int fd;
	ssize_t n;

	(void)state;
	assert_int_equal(ir_magic_open(&m, NULL, NULL), IR_OK);
	mime_of(m, png, sizeof(png) - 1, "image/png");
	mime_of(m, pdf, sizeof(pdf) - 1, "application/pdf");
	mime_of(m, text, sizeof(text) - 1, "text/plain");
	assert_true((fd = open("/bin/true", O_RDONLY)) >= 0);
	assert_true((n = read(fd, elf, sizeof(elf))) > 64);
	(void)close(fd);
	{
		char got[96];

		assert_int_equal(ir_magic_mime(m, elf, (size_t)n, got,
		    sizeof(got), NULL), IR_OK);
		assert_true(strcmp(got, "application/x-pie-executable") == 0 ||
		    strcmp(got, "application/x-sharedlib") == 0 ||
		    strcmp(got, "application/x-executable") == 0);
		/* The type libmagic really gives an ELF, against names. */
		assert_true(ir_magic_mismatch("cat.jpg", got));
		assert_true(ir_magic_mismatch("report.PDF", got));
		assert_false(ir_magic_mismatch("libx.so", got));
		assert_false(ir_magic_mismatch("fw.bin", got));
		assert_false(ir_magic_mismatch("true", got));
	}
	assert_true(ir_magic_exec_header(elf, (size_t)n));
	assert_false(ir_magic_exec_header(text, sizeof(text) - 1));
	assert_false(ir_magic_exec_header("MZ", 2));
	ir_magic_close(m);
}

static void
test_mismatch_table(void **state)
{
	(void)state;
	assert_true(ir_magic_mismatch("holiday.jpg", "application/x-executable"));
	assert_true(ir_magic_mismatch("INVOICE.PDF",
	    "application/vnd.microsoft.portable-executable"));
	assert_true(ir_magic_mismatch("a.b.txt", "application/x-sharedlib"));
	assert_false(ir_magic_mismatch("libc.so", "application/x-sharedlib"));
	assert_false(ir_magic_mismatch("tool.bin", "application/x-executable"));
	assert_false(ir_magic_mismatch("ls", "application/x-pie-executable"));
	assert_false(ir_magic_mismatch(".jpg", "application/x-executable"));
	assert_false(ir_magic_mismatch("photo.jpg", "image/jpeg"));
	assert_false(ir_magic_mismatch("notes.jpg", "text/plain"));
	assert_false(ir_magic_mismatch(NULL, "application/x-executable"));
}

static void
test_bad_database(void **state)
{
	char dir[256], path[300];
	struct ir_magic *m;
	struct ir_err e;
	struct stat st;
	int fd, saved, rc;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	ut_write(dir, "magic.mgc", "not a magic database", 20);
	ut_write(dir, "stderr", "", 0);
	(void)snprintf(path, sizeof(path), "%s/stderr", dir);
	/* A library prints nothing, even for a broken database. */
	assert_true((saved = dup(2)) >= 0);
	assert_true((fd = open(path, O_WRONLY)) >= 0);
	assert_int_equal(dup2(fd, 2), 2);
	(void)close(fd);
	(void)snprintf(path, sizeof(path), "%s/magic.mgc", dir);
	rc = ir_magic_open(&m, path, &e);
	assert_int_equal(dup2(saved, 2), 2);
	(void)close(saved);
	assert_int_equal(rc, IR_EDEP);
	(void)snprintf(path, sizeof(path), "%s/stderr", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 0);
	(void)snprintf(path, sizeof(path), "%s/magic.mgc", dir);
	assert_null(m);
	assert_non_null(strstr(e.msg, path));
	assert_int_equal(ir_magic_open(&m, "/nonexistent/magic.mgc", &e),
	    IR_EDEP);
	assert_null(m);
	assert_non_null(strstr(e.msg, "/nonexistent/magic.mgc"));
	/* The real default database, named explicitly, loads. */
	if (access("/usr/share/misc/magic.mgc", R_OK) == 0) {
		char got[96];

		assert_int_equal(ir_magic_open(&m, "/usr/share/misc/magic.mgc",
		    &e), IR_OK);
		assert_int_equal(ir_magic_mime(m, "%PDF-1.4\n", 9, got,
		    sizeof(got), &e), IR_OK);
		assert_string_equal(got, "application/pdf");
		ir_magic_close(m);
	}
	ut_rmtree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_mismatch_table),
		cmocka_unit_test(test_bad_database),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
