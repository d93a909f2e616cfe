/*
 * procmem: the memory of a running process, read by irkit itself from
 * /proc/PID/maps and /proc/PID/mem (never with libyara's process scan):
 * region by region, device and special mappings skipped, unreadable pages
 * skipped and counted, and the process's identity (its start time) checked
 * so that a pid reused by another process is noticed.
 */
#ifndef IR_PROCMEM_H
#define IR_PROCMEM_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

struct ir_err;

struct ir_region {
	uint64_t	 start, end;	/* end exclusive */
	char		 perms[5];	/* "r-xp" */
	uint64_t	 offset;
	char		 dev[16];	/* "08:01" */
	uint64_t	 inode;
	const char	*path;		/* "/usr/bin/x", "[heap]", "" */
};

/*
 * Parse maps text (buf, n bytes, untrusted); *r (and its paths) freed with
 * ir_regions_free.  IR_EFORMAT names the line.
 */
int	 ir_maps_parse(const char *buf, size_t n, struct ir_region **r,
	    size_t *nr, struct ir_err *);
void	 ir_regions_free(struct ir_region *, size_t);

/* Regions worth reading: readable, not [vvar]/[vsyscall], not a device. */
int	 ir_region_scannable(const struct ir_region *);

struct ir_proc;

/*
 * Open pid: its maps, its exe link, its start time.  IR_ENOENT when it is
 * gone; IR_EIO with EPERM/EACCES when not allowed (ptrace access mode).
 */
int	 ir_proc_open(struct ir_proc **, pid_t pid, struct ir_err *);
void	 ir_proc_close(struct ir_proc *);
const struct ir_region *ir_proc_regions(const struct ir_proc *, size_t *n);
const char *ir_proc_exe(const struct ir_proc *);	/* "" when unknown */
const char *ir_proc_comm(const struct ir_proc *);
/*
 * Read up to n bytes of region memory at addr: unreadable pages are left
 * as zeros and counted in *holes (bytes); *got is what was read or zeroed.
 * IR_ENOENT when the process is gone or its pid now names another.
 */
int	 ir_proc_read(struct ir_proc *, uint64_t addr, void *buf, size_t n,
	    size_t *got, uint64_t *holes, struct ir_err *);
/* Is pid still the process that was opened (same start time)? */
int	 ir_proc_same(const struct ir_proc *);

/* Every pid in /proc, ascending. */
int	 ir_proc_list(pid_t **pids, size_t *n, struct ir_err *);

#endif
