/*
 * scanhit: what ir-scan does with one piece of evidence, whatever it came
 * from (a file of a tree or an image, a process region, a chunk of
 * unallocated space): YARA over its bytes, and for files the IOCs of
 * names and hashes; every hit becomes a "match" record, formatted on the
 * scanning thread into a buffer the tool writes later, in order.
 */
#ifndef IR_TOOL_SCANHIT_H
#define IR_TOOL_SCANHIT_H

#include <ir.h>

/* Shared by every thread, read-only while scanning. */
struct scan_cfg {
	struct ir_rules		*rules;		/* NULL: no YARA */
	struct ir_names		*names;		/* NULL: no name IOCs */
	struct ir_hashset	*hashes;	/* NULL: no hash IOCs */
	int			 timeout;	/* seconds per scan */
};

/* One per scanning thread. */
struct scan_thread {
	struct ir_scanner	*scanner;
	struct ir_buf		 tmp;		/* JSON of tags, meta, strings */
};

int	 scan_thread_init(struct scan_thread *, const struct scan_cfg *,
	    struct ir_err *);
void	 scan_thread_fini(struct scan_thread *);

/*
 * A file (f: its record, digests filled if any) whose first n bytes are in
 * buf: records of its hits appended to out, one line each.  Returns the
 * number of hits, or -1 (e filled) when a record could not be made.
 */
int	 scan_file(struct scan_thread *, const struct scan_cfg *,
	    const struct ir_file *f, const void *buf, size_t n,
	    struct ir_buf *out, struct ir_err *);

/*
 * Bytes of another origin (a process region, unallocated space), whose
 * record starts with base: YARA hits only.
 */
int	 scan_bytes(struct scan_thread *, const struct ir_field *base, size_t nbase, const void *buf,
	    size_t n, const struct ir_scan_vars *, struct ir_buf *out,
	    struct ir_err *);

#endif
