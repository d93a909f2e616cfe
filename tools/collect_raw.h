/*
 * collect_raw: --raw, the high-value directories listed again through
 * libtsk from the block device under them, names the mounted view does
 * not show reported as findings.
 */
#ifndef IR_COLLECT_RAW_H
#define IR_COLLECT_RAW_H

#include "collect.h"

/* Returns an exit status: 0, 1 (a hidden name), 3 (a directory unseen). */
int	 craw_run(struct coll *);

#endif
