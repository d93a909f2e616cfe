#include <stdio.h>
#include <time.h>

#include "ir/progress.h"

double
ir_monotonic(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
ir_progress_init(struct ir_progress *p, uint64_t total)
{
	p->start = p->last = ir_monotonic();
	p->interval = 0.25;
	p->total = total;
	p->bytes = 0;
	p->items = 0;
}

int
ir_progress_add(struct ir_progress *p, uint64_t items, uint64_t bytes)
{
	double now;

	p->items += items;
	p->bytes += bytes;
	now = ir_monotonic();
	if (now - p->last < p->interval)
		return 0;
	p->last = now;
	return 1;
}

void
ir_human_bytes(double n, char *out, size_t outsz)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB",
	    "PiB" };
	size_t u = 0;

	/* Step up also when rounding would print "1024 B" or "1024.0 KiB". */
	while (n >= (u == 0 ? 1023.5 : 1023.95) &&
	    u + 1 < sizeof(units) / sizeof(units[0])) {
		n /= 1024;
		u++;
	}
	if (u == 0)
		(void)snprintf(out, outsz, "%.0f %s", n, units[u]);
	else
		(void)snprintf(out, outsz, "%.1f %s", n, units[u]);
}

void
ir_progress_format(const struct ir_progress *p, const char *unit, char *out,
    size_t outsz)
{
	double el = ir_monotonic() - p->start, rate;
	char done[32], r[32];
	long eta;

	rate = el > 0 ? (double)p->bytes / el : 0;
	ir_human_bytes((double)p->bytes, done, sizeof(done));
	ir_human_bytes(rate, r, sizeof(r));
	if (p->total == 0) {
		(void)snprintf(out, outsz, "%llu %s, %s, %s/s",
		    (unsigned long long)p->items, unit, done, r);
		return;
	}
	eta = rate > 0 ? (long)((double)(p->total - (p->bytes < p->total ?
	    p->bytes : p->total)) / rate) : -1;
	if (eta < 0)
		(void)snprintf(out, outsz, "%3.0f%% %s, %s/s",
		    100.0 * (double)p->bytes / (double)p->total, done, r);
	else
		(void)snprintf(out, outsz, "%3.0f%% %s, %s/s, ETA %ld:%02ld:%02ld",
		    100.0 * (double)p->bytes / (double)p->total, done, r,
		    eta / 3600, eta / 60 % 60, eta % 60);
}
