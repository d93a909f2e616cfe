/* version: libir's version and the versions of the libraries linked in. */
#ifndef IR_VERSION_H
#define IR_VERSION_H

#include <stddef.h>

const char	*ir_version(void);
/* "libir 0.1.0, libcrypto 3.0.19, libmagic 5.44, jansson 2.14, libtsk 4.11.1" */
void		 ir_versions(char *out, size_t outsz);

#endif
