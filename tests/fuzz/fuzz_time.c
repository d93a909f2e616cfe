/* libFuzzer: ISO 8601 times as read back from records. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ir.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ir_time t, u;
	char s[128], iso[IR_TIME_STRLEN];

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (ir_time_parse(s, &t) != IR_OK)
		return 0;
	ir_time_iso(&t, iso, sizeof(iso));
	if (ir_time_parse(iso, &u) != IR_OK || u.sec != t.sec ||
	    u.nsec != t.nsec)
		abort();
	return 0;
}
