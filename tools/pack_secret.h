/*
 * pack_secret: how ir-pack and ir-verify get keys and passphrases, never
 * from argv (which any user of the host reads in /proc).
 */
#ifndef PACK_SECRET_H
#define PACK_SECRET_H

#include <ir.h>

/* An age X25519 recipient ("age1..."); IR_EINVAL says why not. */
int	 pack_check_recipient(const char *, struct ir_err *);
/* The first line of a file; NULL (said) on error.  free() it. */
char	*pack_read_passphrase_file(const char *path);
/*
 * $IRKIT_PASSPHRASE, else asked on /dev/tty without echo (twice when
 * confirm); NULL (said) when neither is there or it is empty.
 */
char	*pack_ask_passphrase(int confirm);

#endif
