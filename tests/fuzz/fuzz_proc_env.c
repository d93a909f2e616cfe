/*
 * libFuzzer: what a process leaves in /proc/PID as untrusted input, the
 * first byte choosing the parser (0 cmdline/environ strings, 1 cgroup,
 * 2 an ns link).  Besides memory errors: the NUL-separated strings cover
 * the buffer exactly (their lengths plus separators add up to n) and hold
 * no NUL; ir_environ_get finds a value that lies in the buffer, right
 * after "NAME=" of the first string that starts so, and finds the value
 * of every "NAME=..." string it was asked about unless an earlier one
 * has the same name; cgroup lines parse to at most one entry per line,
 * with NUL-terminated strings, or fail as IR_EFORMAT naming the line; an
 * ns link that parses prints back to its own text.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ir.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
strings_one(const char *p, size_t n)
{
	const char *s, *v, *first = NULL, *eq;
	size_t off = 0, sl, total = 0, count = 0, vl, fl = 0;
	char name[64];

	while (ir_nulstr_next(p, n, &off, &s, &sl)) {
		if (s < p || s + sl > p + n || memchr(s, '\0', sl) != NULL)
			abort();
		total += sl;
		count++;
		if (first == NULL && sl > 0) {
			first = s;
			fl = sl;
		}
	}
	/* Every byte is in a string or is the NUL after one. */
	if (total + count - (n > 0 && p[n - 1] != '\0') != n && n > 0)
		abort();
	if (n == 0 && count != 0)
		abort();
	/* The first non-empty string's name: its value is found. */
	if (first == NULL || (eq = memchr(first, '=', fl)) == NULL ||
	    eq == first || (size_t)(eq - first) >= sizeof(name))
		return;
	memcpy(name, first, (size_t)(eq - first));
	name[eq - first] = '\0';
	if (strlen(name) != (size_t)(eq - first))
		return;
	if (ir_environ_get(p, n, name, &v, &vl) != 1 || v < p ||
	    v + vl > p + n || v != eq + 1 || vl != fl - (size_t)(eq - first) -
	    1)
		abort();
}

static void
cgroup_one(const char *p, size_t n)
{
	struct ir_cgroup *c = NULL;
	struct ir_err e;
	size_t nc, i;
	int rc;

	if ((rc = ir_cgroup_parse(p, n, &c, &nc, &e)) != IR_OK) {
		if ((rc != IR_EFORMAT && rc != IR_ENOMEM && rc != IR_ELIMIT) ||
		    c != NULL || nc != 0 || (rc == IR_EFORMAT &&
		    strncmp(e.msg, "cgroup line ", 12) != 0))
			abort();
		return;
	}
	if (nc > lines(p, n) || (nc == 0) != (c == NULL))
		abort();
	for (i = 0; i < nc; i++)
		if (c[i].controllers == NULL || c[i].path == NULL ||
		    strlen(c[i].controllers) + strlen(c[i].path) > n)
			abort();
	ir_cgroups_free(c, nc);
}

static void
nslink_one(const char *p, size_t n)
{
	struct ir_err e;
	char type[16], back[64];
	uint64_t ino;
	int len;

	if (ir_ns_link_parse(p, n, type, &ino, &e) != IR_OK) {
		if (e.code != IR_EFORMAT || type[0] != '\0' || ino != 0)
			abort();
		return;
	}
	len = snprintf(back, sizeof(back), "%s:[%" PRIu64 "]", type, ino);
	/* Leading zeros in the inode are the one way to differ. */
	if (len < 0 || (size_t)len > n || memcmp(back, p, strlen(type) + 2) !=
	    0)
		abort();
	if ((size_t)len == n && memcmp(back, p, n) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy;
	size_t n;

	if ((copy = fuzz_rest(data, size, &n)) == NULL)
		return 0;
	switch (data[0] % 3) {
	case 0: strings_one(copy, n); break;
	case 1: cgroup_one(copy, n); break;
	default: nslink_one(copy, n); break;
	}
	free(copy);
	return 0;
}
