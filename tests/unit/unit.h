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

/*
 * A test that hangs (a pipe nobody writes, a lost wakeup) must fail, not
 * hold up the whole suite: SIGALRM ends the program without a TAP plan
 * line, which tests/run.sh counts as a failure.  Sanitizer builds are
 * several times slower, hence the generous bound.
 */
#define UT_TIMEOUT	600
__attribute__((constructor)) static void
ut_watchdog(void)
{
	(void)alarm(UT_TIMEOUT);
}

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

	(void)snprintf(cmd, sizeof(cmd), "chmod -R u+rwx -- '%s' 2>/dev/null; "
	    "rm -rf -- '%s'", dir, dir);
	assert_int_equal(system(cmd), 0);
}

/* dir/name into out; returns out. */
static inline char *
ut_path(char *out, size_t outsz, const char *dir, const char *name)
{
	assert_true((size_t)snprintf(out, outsz, "%s/%s", dir, name) < outsz);
	return out;
}

/* Write n bytes to dir/name (created or truncated). */
static inline void
ut_write(const char *dir, const char *name, const void *p, size_t n)
{
	char path[4200];
	FILE *fp;

	(void)ut_path(path, sizeof(path), dir, name);
	assert_non_null(fp = fopen(path, "wb"));
	assert_int_equal(fwrite(p, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

/*
 * Run a fixture script: "sh tests/fixtures/<script> a [b]".  For group
 * setups: 0 when it worked, -1 (the setup fails) when not.
 */
static inline int
ut_fixture(const char *script, const char *a, const char *b)
{
	char cmd[2048];

	if ((size_t)snprintf(cmd, sizeof(cmd), "sh '%s/tests/fixtures/%s' "
	    "'%s'%s%s%s", IR_SRCDIR, script, a, b != NULL ? " '" : "",
	    b != NULL ? b : "", b != NULL ? "'" : "") >= sizeof(cmd))
		return -1;
	return system(cmd) == 0 ? 0 : -1;
}

/* Run a shell command built from fmt; it must exit 0. */
__attribute__((__format__(printf, 1, 2))) static inline void
ut_sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	assert_true((size_t)vsnprintf(cmd, sizeof(cmd), fmt, ap) < sizeof(cmd));
	va_end(ap);
	if ((rc = system(cmd)) != 0)
		fail_msg("'%s' exited %d", cmd, rc);
}

/*
 * The first line (without its newline) that a shell command prints: how
 * tests get an independent answer from another program (sha256sum ...).
 */
__attribute__((__format__(printf, 3, 4))) static inline void
ut_sh_line(char *out, size_t outsz, const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	FILE *fp;

	va_start(ap, fmt);
	assert_true((size_t)vsnprintf(cmd, sizeof(cmd), fmt, ap) < sizeof(cmd));
	va_end(ap);
	assert_non_null(fp = popen(cmd, "r"));
	if (fgets(out, (int)outsz, fp) == NULL)
		out[0] = '\0';
	if (pclose(fp) != 0)
		fail_msg("'%s' failed", cmd);
	out[strcspn(out, "\n")] = '\0';
}

/* Deterministic pseudo-random bytes (xorshift32), so failures repeat. */
static inline uint32_t
ut_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static inline void
ut_fill(void *p, size_t n, uint32_t seed)
{
	unsigned char *b = p;
	size_t i;

	if (seed == 0)
		seed = 1;
	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(ut_rand(&seed) >> 11);
}

#endif
