/*
 * magic: content type through libmagic, and whether a file's content
 * fits its name.  libmagic handles are not thread-safe: one per thread.
 */
#ifndef IR_MAGIC_H
#define IR_MAGIC_H

#include <stddef.h>

struct ir_err;
struct ir_magic;

/* db is a compiled magic.mgc, or NULL for libmagic's default. */
int	 ir_magic_open(struct ir_magic **, const char *db, struct ir_err *);
void	 ir_magic_close(struct ir_magic *);
/* MIME type of the buffer ("application/x-executable") into out. */
int	 ir_magic_mime(struct ir_magic *, const void *buf, size_t n,
	    char *out, size_t outsz, struct ir_err *);
/*
 * Does the name claim a harmless type while the content is executable
 * code (an ELF or PE named .jpg, .pdf, .txt ...)?
 */
int	 ir_magic_mismatch(const char *name, const char *mime);
/*
 * Does the buffer start with a real executable header (ELF, PE/NE/LE
 * behind an MZ stub, Mach-O)?  libmagic also calls headerless bytes a
 * DOS .COM program; such guesses are not worth a mismatch finding.
 */
int	 ir_magic_exec_header(const void *buf, size_t n);

#endif
