/*
 * live: the parts of ir-live, each one concern: the records and findings
 * it writes (live_rec.c), provenance (live_prov.c), processes and their
 * open files (live_proc.c), sockets (live_sock.c), the system's state:
 * modules, mounts, network configuration, sessions (live_sys.c).  One
 * struct live is shared by all; everything runs on one thread, in the
 * order ir-live.c calls it.
 */
#ifndef LIVE_H
#define LIVE_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#include <ir.h>

/* What ir-live knows of one process once the process pass is done. */
struct live_proc {
	pid_t		 pid;
	int64_t		 ppid;
	uint32_t	 uid;
	char		 comm[IR_COMM_MAX];
	uint64_t	 netns;		/* 0: unknown */
	int		 kthread;
	int		 listed;	/* in the /proc listing */
	const char	*hidden;	/* how it was hidden, or NULL */
};

/* A socket inode held open by a process. */
struct live_owner {
	uint64_t	 inode;
	pid_t		 pid;
	int		 fd;
};

/* An executable already hashed (by its identity on disk). */
struct live_exe {
	uint64_t	 dev, ino, size;
	int64_t		 mtime, mtime_ns, ctime, ctime_ns;
	char		 sha256[IR_HASH_MAXLEN * 2 + 1];
	char		*saved;		/* under --save-exe, or NULL */
};

/* A /proc/PID covered by a mount (the "hidden under a mount" trick). */
struct live_cover {
	pid_t		 pid;
	uint64_t	 mount_id;
	char		*point, *fstype, *source;
};

struct live {
	struct ir_writer	*w;
	FILE			*out;
	const char		*root;	/* --root: prefix of /etc, /var files */
	int			 env;	/* --env: write environments */
	int			 probe;	/* probe every pid up to pid_max */
	int			 save_fd;	/* --save-exe DIR, or -1 */
	const char		*save_dir;
	int			 proc_fd;	/* /proc */
	struct ir_hash		*hash;
	char			*iobuf;		/* LIVE_IOBUF bytes */

	int			 argc;
	char			**argv;

	/* Counters for the summary and the exit status. */
	unsigned long		 nrecords, nfindings, nproblems;
	int			 failed;	/* the output failed: stop */
	struct ir_err		 werr;

	/* Clock: boot time, ticks per second, to date processes. */
	int64_t			 btime;
	long			 hz;
	pid_t			 self;
	uint64_t		 self_netns;

	struct live_proc	*procs;
	size_t			 nprocs, procs_cap;
	struct live_owner	*owners;
	size_t			 nowners, owners_cap;
	struct live_exe		*exes;
	size_t			 nexes, exes_cap;
	struct live_cover	*covers;
	size_t			 ncovers;
};

#define LIVE_IOBUF	(1U << 20)

/* ---- live_rec.c: the output ---- */

/* Write one record; on failure set l->failed (the caller stops). */
int	 live_emit(struct live *, const struct ir_field *, size_t n);
/* A "problem" record: what could not be read (path may be NULL). */
void	 live_problem(struct live *, const char *what, const char *path,
	    const char *error);
/*
 * A "finding" record: reason (a stable id), a human detail, then the
 * evidence fields (at most 24).
 */
void	 live_finding(struct live *, const char *reason, const char *detail,
	    const struct ir_field *ev, size_t nev);
/* Read a small file under dirfd ("123/stat" under /proc) into b. */
int	 live_readat(int dirfd, const char *path, struct ir_buf *b,
	    size_t max, struct ir_err *);
/* readlinkat into a malloc'd string (*len its length); NULL + errno. */
char	*live_readlink(int dirfd, const char *path, size_t *len);
/* A path under --root ("/etc/resolv.conf" -> "ROOT/etc/resolv.conf"). */
const char *live_path(const struct live *, const char *abs, char *buf,
	    size_t bufsz);
/*
 * Read a file of the host (under --root), following symbolic links as
 * the host would but each resolved under --root again: final gets the
 * path finally read.  IR_ENOENT when it (or a link's target) is missing.
 */
int	 live_read_host_file(const struct live *, const char *abs,
	    struct ir_buf *b, char *final, size_t finalsz, struct ir_err *);
/* The JSON array of strings of a NUL-separated buffer, into b. */
int	 live_json_strings(struct ir_buf *b, const char *p, size_t n,
	    int *lossy, struct ir_err *);

/* ---- live_prov.c ---- */
void	 live_provenance(struct live *);

/* ---- live_proc.c ---- */
/* Mount covers of /proc/PID, from this mount namespace's mountinfo. */
void	 live_find_covers(struct live *, const struct ir_mount *, size_t);
/* Every process: records, open files, the socket owners; findings. */
void	 live_processes(struct live *);
const struct live_proc *live_proc_find(const struct live *, pid_t);

/* ---- live_sock.c ---- */
/* The socket tables, read before the process pass (first snapshot). */
struct live_socks;
struct live_socks *live_socks_snapshot(struct live *, pid_t in, uint64_t netns);
/* Records for every socket, owners mapped; orphan listeners; frees. */
void	 live_socks_report(struct live *, struct live_socks *);
/* The network namespaces other than ours, each with one pid in it. */
void	 live_sockets_other_ns(struct live *);

/* ---- live_sys.c ---- */
void	 live_mounts(struct live *);
void	 live_modules(struct live *);
void	 live_network(struct live *);
void	 live_dns(struct live *);
void	 live_sessions(struct live *);
void	 live_preload_file(struct live *);

#endif
