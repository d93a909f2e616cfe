/* version: libir's version and the versions of the libraries linked in. */
#ifndef IR_VERSION_H
#define IR_VERSION_H

#include <stddef.h>

const char	*ir_version(void);
/* "libir 0.1.0, libcrypto 3.0.19, libmagic 5.44, jansson 2.14, libtsk 4.11.1" */
void		 ir_versions(char *out, size_t outsz);

/*
 * Set up the dependencies before any evidence is touched: libcrypto must
 * never read the host's openssl.cnf, which can name modules to dlopen()
 * even into a static binary.  Tools call it first; IR_EDEP on failure.
 */
struct ir_err;
int		 ir_init(struct ir_err *);

#endif
