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
	/*
	 * 1 when the mapping is a device's (a character or block special
	 * file, seen through /proc/PID/map_files), 0 when it is known not
	 * to be, -1 when not known (maps text alone; map_files needs
	 * CAP_SYS_ADMIN): then ir_region_scannable goes by the path.
	 */
	int		 devmap;
};

/*
 * Parse maps text (buf, n bytes, untrusted); *r (and its paths) freed with
 * ir_regions_free.  IR_EFORMAT names the line.
 */
int	 ir_maps_parse(const char *buf, size_t n, struct ir_region **r,
	    size_t *nr, struct ir_err *);
void	 ir_regions_free(struct ir_region *, size_t);

/*
 * Regions worth reading: readable, not [vvar], [vvar_vclock], [vsyscall]
 * or [uprobes], below 2^63 (what pread can reach), not a device's memory
 * (devmap, else a path under /dev/ other than /dev/shm/ and /dev/zero,
 * which is how shared anonymous memory shows).  [vdso] is read.
 */
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
pid_t	 ir_proc_pid(const struct ir_proc *);
/* Field 22 of /proc/PID/stat: clock ticks after boot. */
uint64_t ir_proc_start_time(const struct ir_proc *);
/*
 * Read up to n bytes of region memory at addr: unreadable pages are left
 * as zeros and counted in *holes (bytes of this call; holes may be NULL);
 * *got is what was read or zeroed (n unless an error).  The memory is
 * read through a /proc/PID/mem opened by ir_proc_open, which stays bound
 * to that process's address space: IR_ENOENT when the process has exited
 * or exec'd since, never another process's bytes.  IR_EINVAL past 2^63.
 */
int	 ir_proc_read(struct ir_proc *, uint64_t addr, void *buf, size_t n,
	    size_t *got, uint64_t *holes, struct ir_err *);
/* Is pid still the process that was opened (same start time)? */
int	 ir_proc_same(const struct ir_proc *);

/* Every pid in /proc, ascending. */
int	 ir_proc_list(pid_t **pids, size_t *n, struct ir_err *);

#endif
