/*
 * buf: a growable byte buffer with a hard cap (git's strbuf with curl's
 * dynbuf limit).  buf is never NULL after init and always NUL-terminated,
 * so it can be used as a C string when the content has no NUL.
 */
#ifndef IR_BUF_H
#define IR_BUF_H

#include <stddef.h>
#include <stdint.h>

struct ir_err;

struct ir_buf {
	char	*buf;
	size_t	 len;		/* bytes used, excluding the NUL */
	size_t	 alloc;		/* private */
	size_t	 max;		/* growth past this fails with IR_ELIMIT */
};

extern char ir_buf_slop[];
#define IR_BUF_INIT(cap)	{ ir_buf_slop, 0, 0, (cap) }
#define IR_BUF_NOLIMIT		((size_t)-1 / 2)

void	 ir_buf_init(struct ir_buf *, size_t max);
void	 ir_buf_release(struct ir_buf *);	/* free, back to init state */
void	 ir_buf_reset(struct ir_buf *);		/* len = 0, keep storage */
void	 ir_buf_truncate(struct ir_buf *, size_t len);
/* The adders return IR_OK, IR_ELIMIT or IR_ENOMEM; on error buf is unchanged. */
int	 ir_buf_grow(struct ir_buf *, size_t extra, struct ir_err *);
int	 ir_buf_add(struct ir_buf *, const void *, size_t, struct ir_err *);
int	 ir_buf_addstr(struct ir_buf *, const char *, struct ir_err *);
int	 ir_buf_addch(struct ir_buf *, int, struct ir_err *);
int	 ir_buf_addf(struct ir_buf *, struct ir_err *, const char *, ...)
	    __attribute__((__format__(printf, 3, 4)));
/* Lower-case hex of n bytes. */
int	 ir_buf_addhex(struct ir_buf *, const void *, size_t, struct ir_err *);
/* Hand the storage to the caller (free(3) it); buf is re-initialised. */
char	*ir_buf_detach(struct ir_buf *, size_t *lenp);

/* Lower-case hex into out (2n+1 bytes). */
void	 ir_hex(char *out, const void *in, size_t n);
/* The value of one hex digit (either case), or -1. */
int	 ir_hexval(int c);
/* Parse 2n hex digits into out; IR_OK or IR_EFORMAT. */
int	 ir_unhex(void *out, const char *in, size_t n);
/* A size: "512", "16M", "1G", "4k", "2GiB" (powers of 1024); -1 if bad. */
int	 ir_parse_size(const char *s, uint64_t *out);

#endif
