/*
 * collect_rec: ir-collect's problem records, shared by the walk and the
 * --raw cross-check (kept out of ir-collect.c so that the shared code links
 * without the tool's main).
 */
#include <stdio.h>
#include <string.h>

#include "collect.h"
#include "tool.h"

void
coll_problem(struct coll *c, const char *path, const char *what)
{
	struct ir_field f[6];
	struct ir_err e;
	size_t n = 0;

	f[n++] = IR_FSTR("type", "problem");
	f[n++] = IR_FSTR("source", c->root);
	if (path != NULL)
		f[n++] = IR_FSTR("path", path);
	f[n++] = IR_FSTR("error", what);
	if (ir_writer_record(c->w, f, n, &e) != IR_OK)
		c->out_failed = 1;
	/* The record has the whole path; a terminal gets its start. */
	tool_warnx("%.*s%s%s%s", path != NULL ? (int)strnlen(path, 300) : 0,
	    path != NULL ? path : "", path != NULL && strlen(path) > 300 ?
	    "..." : "", path != NULL ? ": " : "", what);
}
