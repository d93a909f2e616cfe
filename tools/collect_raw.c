/*
 * collect_raw: --raw cross-check of ir-collect.
 */
#include "collect_raw.h"
#include "tool.h"

int
craw_run(struct coll *c)
{
	coll_problem(c, NULL, "--raw is not implemented yet");
	return IR_EXIT_INCOMPLETE;
}
