/*
 * libFuzzer: ISO 8601 times as read back from records.  Whatever
 * ir_time_parse accepts must be the form ir_time_iso prints
 * (YYYY-MM-DDTHH:MM:SS[.fraction]Z, a real calendar date): printed again
 * it gives the same text, the fraction cut or padded to nine digits, and
 * parses to the same time.  Anything else aborts.
 */
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
	char s[128], iso[IR_TIME_STRLEN], canon[IR_TIME_STRLEN];
	const char *p;
	size_t k;

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (ir_time_parse(s, &t) != IR_OK)
		return 0;
	if (!t.valid || t.nsec < 0 || t.nsec > 999999999)
		abort();
	ir_time_iso(&t, iso, sizeof(iso));
	if (ir_time_parse(iso, &u) != IR_OK || u.sec != t.sec ||
	    u.nsec != t.nsec)
		abort();
	/*
	 * The text itself, canonical: a leap second (:60) is the one input
	 * that prints differently (as the next minute's :00).
	 */
	if (strlen(s) < 20 || memcmp(s + 17, "60", 2) == 0)
		return 0;
	memcpy(canon, s, 19);
	canon[19] = '.';
	p = s + 19;
	if (*p == '.')
		p++;
	for (k = 0; k < 9; k++)
		canon[20 + k] = *p >= '0' && *p <= '9' ? *p++ : '0';
	memcpy(canon + 29, "Z", 2);
	if (strcmp(canon, iso) != 0)
		abort();
	return 0;
}
