/*
 * proctext.h: the scaffolding of libir's parsers of /proc, /sys and /etc
 * text (proc.c, net.c, proc_env.c).  Never installed.  Every function
 * reads at most the n or len bytes it is given: the text is untrusted.
 */
#ifndef IR_PROCTEXT_H
#define IR_PROCTEXT_H

#include <stddef.h>
#include <stdint.h>

/* One line of a buffer, without its '\n'; no counts from 1. */
struct ir__line {
	const char	*p;
	size_t		 len;
	size_t		 no;
};

/* The next piece of buf[0..n) from *off, up to sep (not kept). */
int	 ir__nextsep(const char *buf, size_t n, size_t *off, int sep,
	    const char **s, size_t *sl);
/* The next line of buf[0..n) from *off into l; 0 at the end. */
int	 ir__nextline(const char *buf, size_t n, size_t *off,
	    struct ir__line *l);
/* The next blank-separated token of p[0..len) from *j; 0 when none. */
int	 ir__tok(const char *p, size_t len, size_t *j, const char **t,
	    size_t *tl);
/*
 * The fields of a table line, in order: ir__field gives the next one from
 * *j (0 and *why "too few fields" when none is left), ir__nomore checks
 * that none is left (-1 and *why "too many fields" when one is).
 */
int	 ir__field(const struct ir__line *l, size_t *j, const char **t,
	    size_t *tl, const char **why);
int	 ir__nomore(const struct ir__line *l, size_t j, const char **why);
/* Only ' ' and '\t' in l (and '\r' too when cr). */
int	 ir__blank(const struct ir__line *l, int cr);

/* Whole-token numbers: 0, or -1 on any stray byte or overflow. */
int	 ir__dec_u64(const char *t, size_t tl, uint64_t *v);
int	 ir__dec_i64(const char *t, size_t tl, int64_t *v);
int	 ir__dec_u32(const char *t, size_t tl, uint32_t *v);
/* 1 to maxd (at most 16) hex digits of either case. */
int	 ir__hex_u64(const char *t, size_t tl, size_t maxd, uint64_t *v);

/*
 * Make room in *ap (an array of *cap elements of sz bytes) for element n,
 * zeroing what is added, up to max elements.  Returns IR_OK, IR_ELIMIT or
 * IR_ENOMEM (errno set) and leaves the message to the caller.
 */
int	 ir__grow(void *ap, size_t *cap, size_t n, size_t sz, size_t max);
/* p[0..n) as a new string; NULL (errno set) without memory. */
char	*ir__dupn(const char *p, size_t n);

struct ir_err;

/*
 * A table of one element a line, as ir__table reads it.  Lines blank by
 * ir__blank (with cr) are skipped, and so is line 1 when head says it is
 * a header.  line parses a line into its element (zeroed): 0, or -1 with
 * *why the reason, or with *why NULL when out of memory (errno set).
 */
struct ir__table {
	const char	*what;		/* errors say "what line N: why" */
	size_t		 size;		/* of an element */
	size_t		 max;		/* most elements */
	const char	*limit;		/* "limit: more than max entries"; NULL:
					   "more than max entries" */
	const char	*nomem;		/* the error when the array cannot grow */
	int		 cr;		/* '\r' counts as blank */
	const char	*nul;		/* why a line with a NUL byte is bad;
					   NULL: line sees it */
	int		(*head)(const struct ir__line *);	/* line 1: header? */
	int		(*line)(const struct ir__line *, void *elem,
			    const char **why);
	void		(*clear)(void *elem);	/* frees what elem holds, or NULL */
};

/*
 * Parse buf[0..n) into a new array of elements, stored in *(T **)outp with
 * its count in *nout (NULL and 0 when empty).  At the first bad line, the
 * array is cleared and freed, *outp is NULL and *nout 0, and the error is
 * IR_EFORMAT "what line N: why", IR_ENOMEM or IR_ELIMIT.
 */
int	 ir__table(const struct ir__table *tb, const char *buf, size_t n,
	    void *outp, size_t *nout, struct ir_err *e);

#endif
