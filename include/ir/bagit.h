/*
 * bagit: the pieces of an RFC 8493 BagIt bag that irkit writes and
 * checks: manifest lines ("<sha256>  <path>", with CR, LF and '%' in the
 * path encoded as %0D, %0A and %25, RFC 8493 section 2.1.3), their
 * parsing, Payload-Oxum, bag-info.txt labels, and whether a path stays
 * inside the bag.
 */
#ifndef IR_BAGIT_H
#define IR_BAGIT_H

#include <stddef.h>
#include <stdint.h>

struct ir_buf;
struct ir_err;

#define IR_BAGIT_TXT	"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"

/* Append path with CR, LF and '%' percent-encoded. */
int	 ir_bagit_encode(struct ir_buf *, const char *path, size_t n,
	    struct ir_err *);
/* Undo it (%0D, %0A, %25, either case); other bytes are kept. */
int	 ir_bagit_decode(struct ir_buf *, const char *s, size_t n,
	    struct ir_err *);
/* Append "<hex>  <encoded path>\n". */
int	 ir_bagit_line(struct ir_buf *, const char *hex, const char *path,
	    size_t n, struct ir_err *);
/*
 * Parse one manifest line (without its end of line; a trailing CR is
 * ignored): a 64-digit SHA-256 (into hex, lower case) and the decoded
 * path (into path, reset first).  IR_EFORMAT says what is wrong.
 */
int	 ir_bagit_parse_line(const char *line, size_t n, char hex[65],
	    struct ir_buf *path, struct ir_err *);
/* "bytes.streams" as bag-info.txt's Payload-Oxum; IR_EFORMAT if not. */
int	 ir_bagit_oxum_parse(const char *s, size_t n, uint64_t *bytes,
	    uint64_t *streams, struct ir_err *);
/*
 * The value of the first "Label: value" line of a bag-info.txt whose
 * label matches (case-insensitively) into out; IR_ENOENT when none,
 * IR_ELIMIT when it does not fit.
 */
int	 ir_bagit_info_get(const char *buf, size_t n, const char *label,
	    char *out, size_t outsz, struct ir_err *);
/*
 * Is the relative path safe to create under a directory: not empty, not
 * absolute, no "." or ".." component, no empty component (a trailing '/'
 * is allowed), no NUL?  1 if so.
 */
int	 ir_bagit_path_safe(const char *p, size_t n);
/*
 * Whether a relative symlink at rel (a path under the bag's or case's top,
 * no leading '/') with this target stays inside: not absolute, never
 * climbing above the top.  Used by the writer and the reader alike.
 */
int	 ir_bagit_link_inside(const char *rel, const char *target);

#endif
