/*
 * libFuzzer: /proc/PID/maps text as untrusted input.  Besides memory
 * errors: a parse that fails is IR_EFORMAT (or IR_ENOMEM) naming a line,
 * with nothing returned; one that works has a region per line, each with
 * start < end, perms [r-][w-][x-][ps], a dev "maj:min" that fits, a path
 * that is a NUL-free string holding no newline, and formats back to text
 * that parses to the same regions.  Unreadable regions are never
 * scannable.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ir.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check(const struct ir_region *r)
{
	if (r->start >= r->end)
		abort();
	if (strlen(r->perms) != 4 || strchr("r-", r->perms[0]) == NULL ||
	    strchr("w-", r->perms[1]) == NULL ||
	    strchr("x-", r->perms[2]) == NULL ||
	    strchr("ps", r->perms[3]) == NULL)
		abort();
	if (memchr(r->dev, '\0', sizeof(r->dev)) == NULL ||
	    strchr(r->dev, ':') == NULL)
		abort();
	if (r->path == NULL || strchr(r->path, '\n') != NULL ||
	    r->path[0] == ' ')
		abort();
	if (r->devmap != -1)
		abort();
	if (r->perms[0] != 'r' && ir_region_scannable(r))
		abort();
}

/* The regions as the kernel would print them (padding aside). */
static char *
format(const struct ir_region *r, size_t n, size_t *len)
{
	char *buf;
	size_t sz;
	FILE *fp;
	size_t i;

	if ((fp = open_memstream(&buf, &sz)) == NULL)
		abort();
	for (i = 0; i < n; i++)
		fprintf(fp, "%08" PRIx64 "-%08" PRIx64 " %s %08" PRIx64
		    " %s %" PRIu64 " %s\n", r[i].start, r[i].end, r[i].perms,
		    r[i].offset, r[i].dev, r[i].inode, r[i].path);
	if (fclose(fp) != 0)
		abort();
	*len = sz;
	return buf;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ir_region *r, *r2;
	struct ir_err e;
	size_t n, n2, i, lines, tl;
	char *text;
	int rc;

	rc = ir_maps_parse((const char *)data, size, &r, &n, &e);
	if (rc != IR_OK) {
		if ((rc != IR_EFORMAT && rc != IR_ENOMEM) || r != NULL ||
		    n != 0 || (int)e.code != rc)
			abort();
		if (rc == IR_EFORMAT && strncmp(e.msg, "maps line ", 10) != 0)
			abort();
		return 0;
	}
	for (i = 0, lines = 0; i < size; i++)
		if (data[i] == '\n')
			lines++;
	if (size > 0 && data[size - 1] != '\n')
		lines++;
	if (n != lines || (n == 0) != (r == NULL))
		abort();
	for (i = 0; i < n; i++)
		check(&r[i]);

	text = format(r, n, &tl);
	if (ir_maps_parse(text, tl, &r2, &n2, &e) != IR_OK || n2 != n)
		abort();
	for (i = 0; i < n; i++)
		if (r2[i].start != r[i].start || r2[i].end != r[i].end ||
		    r2[i].offset != r[i].offset ||
		    r2[i].inode != r[i].inode ||
		    strcmp(r2[i].perms, r[i].perms) != 0 ||
		    strcmp(r2[i].dev, r[i].dev) != 0 ||
		    strcmp(r2[i].path, r[i].path) != 0 ||
		    ir_region_scannable(&r2[i]) != ir_region_scannable(&r[i]))
			abort();
	free(text);
	ir_regions_free(r2, n2);
	ir_regions_free(r, n);
	return 0;
}
