#include <sys/stat.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ir/error.h"
#include "ir/file.h"

const char *
ir_file_kind(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:	return "reg";
	case S_IFDIR:	return "dir";
	case S_IFLNK:	return "lnk";
	case S_IFCHR:	return "chr";
	case S_IFBLK:	return "blk";
	case S_IFIFO:	return "fifo";
	case S_IFSOCK:	return "sock";
	default:	return "?";
	}
}

struct ir_time
ir_time_now(void)
{
	struct timespec ts;
	struct ir_time t;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	t.sec = ts.tv_sec;
	t.nsec = (int32_t)ts.tv_nsec;
	t.valid = 1;
	return t;
}

char *
ir_time_iso(const struct ir_time *t, char *out, size_t outsz)
{
	time_t sec = (time_t)t->sec;
	struct tm tm;

	if (gmtime_r(&sec, &tm) == NULL) {
		(void)snprintf(out, outsz, "invalid");
		return out;
	}
	(void)snprintf(out, outsz, "%04d-%02d-%02dT%02d:%02d:%02d.%09dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)t->nsec);
	return out;
}

/* The n decimal digits at s (no sign, no blank), or -1. */
static int
digits(const char *s, int n)
{
	int v = 0;

	for (; n > 0; n--, s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

int
ir_time_parse(const char *s, struct ir_time *t)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	struct tm tm;
	const char *p;
	int32_t ns = 0, scale = 100000000;
	int y, leap;

	/* Exactly YYYY-MM-DDTHH:MM:SS: no signs, blanks or short fields. */
	if (strnlen(s, 19) < 19 || s[4] != '-' || s[7] != '-' ||
	    s[10] != 'T' || s[13] != ':' || s[16] != ':')
		return IR_EFORMAT;
	memset(&tm, 0, sizeof(tm));
	if ((y = digits(s, 4)) < 0 || (tm.tm_mon = digits(s + 5, 2)) < 0 ||
	    (tm.tm_mday = digits(s + 8, 2)) < 0 ||
	    (tm.tm_hour = digits(s + 11, 2)) < 0 ||
	    (tm.tm_min = digits(s + 14, 2)) < 0 ||
	    (tm.tm_sec = digits(s + 17, 2)) < 0)
		return IR_EFORMAT;
	p = s + 19;
	if (*p == '.') {
		if (p[1] < '0' || p[1] > '9')
			return IR_EFORMAT;
		for (p++; *p >= '0' && *p <= '9'; p++) {
			ns += (*p - '0') * scale;
			scale /= 10;
		}
	}
	if (p[0] != 'Z' || p[1] != '\0')
		return IR_EFORMAT;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > mdays[tm.tm_mon - 1] + (tm.tm_mon == 2 && leap) ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return IR_EFORMAT;
	tm.tm_year = y - 1900;
	tm.tm_mon -= 1;
	t->sec = (int64_t)timegm(&tm);
	t->nsec = ns;
	t->valid = 1;
	return IR_OK;
}
