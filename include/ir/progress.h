/*
 * progress: the state behind a progress line (items, bytes, rate, ETA).
 * libir never prints: the tool asks whether a line is due and where to
 * write it (stderr, when that is a terminal).
 */
#ifndef IR_PROGRESS_H
#define IR_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

struct ir_progress {
	double		 start;		/* monotonic seconds */
	double		 last;		/* when the last line was due */
	double		 interval;	/* seconds between lines */
	uint64_t	 total;		/* bytes expected; 0 unknown */
	uint64_t	 bytes;
	uint64_t	 items;
};

double	 ir_monotonic(void);
void	 ir_progress_init(struct ir_progress *, uint64_t total);
/* Count work done; returns 1 when a new line is due. */
int	 ir_progress_add(struct ir_progress *, uint64_t items, uint64_t bytes);
/* "12345 files, 1.2 GiB, 310 MiB/s" or with total "45% ... ETA 0:12". */
void	 ir_progress_format(const struct ir_progress *, const char *unit,
	    char *out, size_t outsz);
/* 1536 -> "1.5 KiB" */
void	 ir_human_bytes(double n, char *out, size_t outsz);

#endif
