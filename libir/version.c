#include <stdio.h>

#include <jansson.h>
#include <magic.h>
#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#include <tsk/libtsk.h>

#include "ir/error.h"
#include "ir/version.h"

#ifndef IR_VERSION
#define IR_VERSION "unknown"
#endif

const char *
ir_version(void)
{
	return IR_VERSION;
}

void
ir_versions(char *out, size_t outsz)
{
	int mv = magic_version();

	(void)snprintf(out, outsz, "libir %s, libcrypto %s, libmagic %d.%02d, "
	    "jansson %s, libtsk %s", IR_VERSION,
	    OpenSSL_version(OPENSSL_VERSION_STRING), mv / 100, mv % 100,
	    jansson_version_str(), tsk_version_get_str());
}

int
ir_init(struct ir_err *e)
{
	if (OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL) != 1)
		return ir_err_set(e, IR_EDEP, 0, "libcrypto: cannot initialise");
	return IR_OK;
}
