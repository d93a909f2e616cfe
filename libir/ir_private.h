/*
 * ir_private.h: shared between libir's modules only; never installed.
 * Only the modules that talk to a dependency include its headers.
 */
#ifndef IR_PRIVATE_H
#define IR_PRIVATE_H

#include "ir/error.h"

/* Copy libtsk's per-thread error into e, prefixed by what, and clear it. */
int	 ir__err_from_tsk(struct ir_err *e, enum ir_code code, const char *what);

struct ir_img;
struct TSK_IMG_INFO;
/* The libtsk handle behind an image (borrowed). */
struct TSK_IMG_INFO *ir__img_tsk(struct ir_img *);

#include <stdint.h>

/*
 * TSK's bodyfile mode string ("r/rrw-r--r--") of a record: the bodyfile
 * writer and the timeline's reader of records share it.
 */
void	 ir__body_mode(uint32_t mode, int virt, int no_meta,
	    const char *name_kind, char out[13]);

#endif
