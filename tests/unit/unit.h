/*
 * unit.h: shared by the cmocka unit tests of libir (one test_<module>.c per
 * module).  Include this first: cmocka needs its headers in this order.
 */
#ifndef IR_UNIT_H
#define IR_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <ir.h>

/* A fresh directory under $TMPDIR (or /tmp); aborts the test on failure. */
static inline void
ut_tmpdir(char *out, size_t outsz)
{
	const char *t = getenv("TMPDIR");

	(void)snprintf(out, outsz, "%s/irkit-unit.XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	assert_non_null(mkdtemp(out));
}

/* Remove a directory tree made by a test. */
static inline void
ut_rmtree(const char *dir)
{
	char cmd[4200];

	(void)snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* Write n bytes to dir/name (created or truncated). */
static inline void
ut_write(const char *dir, const char *name, const void *p, size_t n)
{
	char path[4200];
	FILE *fp;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(fp = fopen(path, "wb"));
	assert_int_equal(fwrite(p, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

#endif
