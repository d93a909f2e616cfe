/*
 * proc: parsers of the Linux /proc text that ir-live reads itself (never
 * through ps, ss, lsmod or mount of the host): a process's stat and
 * status, the socket tables of /proc/net, loaded modules, mountinfo, and
 * the "socket:[INODE]" links of /proc/PID/fd.
 *
 * The parsers take a buffer (n bytes, untrusted: a process sets its own
 * comm and socket names, a rootkit may tamper) and never read past it;
 * IR_EFORMAT names the line ("tcp line 3: bad inode").  The *_read
 * helpers read the live file with ir_read_file and parse it.  Arrays are
 * freed with their *_free; a failed call returns nothing to free.
 */
#ifndef IR_PROC_H
#define IR_PROC_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

struct ir_err;

#define IR_COMM_MAX	64	/* the kernel's proc_task_name buffer */

/* /proc/PID/stat: the fields a responder asks for. */
struct ir_pstat {
	int64_t		 pid;
	char		 comm[IR_COMM_MAX];	/* as is: may hold ')', ' ', '\n' */
	char		 state;			/* 'R', 'S', 'D', 'Z' ... */
	int64_t		 ppid, pgrp, session;
	uint64_t	 flags;			/* field 9: PF_* */
	int64_t		 tty;			/* tty_nr: major/minor packed */
	uint64_t	 start_time;		/* field 22: ticks after boot */
	int64_t		 num_threads;
	uint64_t	 vsize;			/* bytes */
	int64_t		 rss;			/* pages */
};

/* Parsed from after the last ')' of the text, so that comm cannot fake fields. */
int	 ir_pstat_parse(const char *buf, size_t n, struct ir_pstat *,
	    struct ir_err *);
int	 ir_pstat_read(pid_t pid, struct ir_pstat *, struct ir_err *);
#define IR_PF_KTHREAD	0x00200000	/* a kernel thread: no exe, no mm */

/* Which lines of status were seen (a kernel may lack some). */
#define IR_ST_NAME	0x0001
#define IR_ST_UMASK	0x0002
#define IR_ST_STATE	0x0004
#define IR_ST_TGID	0x0008
#define IR_ST_PPID	0x0010
#define IR_ST_TRACER	0x0020
#define IR_ST_UID	0x0040
#define IR_ST_GID	0x0080
#define IR_ST_NSPID	0x0100
#define IR_ST_CAPINH	0x0200
#define IR_ST_CAPPRM	0x0400
#define IR_ST_CAPEFF	0x0800
#define IR_ST_CAPBND	0x1000
#define IR_ST_CAPAMB	0x2000
#define IR_ST_NNP	0x4000
#define IR_ST_SECCOMP	0x8000

#define IR_NSPID_MAX	32	/* MAX_PID_NS_LEVEL */

/* /proc/PID/status: identity, credentials, tracing, confinement. */
struct ir_pstatus {
	unsigned	 have;			/* IR_ST_* */
	char		 name[IR_COMM_MAX];	/* unescaped */
	unsigned	 umask;
	char		 state;
	int64_t		 tgid, ppid, tracer_pid;
	uint32_t	 uid[4], gid[4];	/* real, effective, saved, fs */
	int64_t		 nspid[IR_NSPID_MAX];	/* outermost namespace first */
	size_t		 nnspid;
	uint64_t	 cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb;
	int		 no_new_privs;
	int		 seccomp;		/* 0 off, 1 strict, 2 filter */
};

/* A line seen twice is IR_EFORMAT: the kernel prints each once. */
int	 ir_pstatus_parse(const char *buf, size_t n, struct ir_pstatus *,
	    struct ir_err *);
int	 ir_pstatus_read(pid_t pid, struct ir_pstatus *, struct ir_err *);

/* /proc/net/{tcp,tcp6,udp,udp6,raw,raw6}. */
struct ir_sock {
	int		 family;	/* AF_INET, AF_INET6 (by address size) */
	uint8_t		 laddr[16], raddr[16];	/* network order; v4 in [0..3] */
	uint16_t	 lport, rport;	/* host order; raw: the protocol */
	unsigned	 state;		/* TCP_* number, also for udp and raw */
	const char	*state_name;	/* "LISTEN", ... static */
	uint32_t	 uid;
	uint64_t	 inode;
};

/*
 * what names the table in messages ("tcp6").  Header lines ("sl ...")
 * are skipped; an address of 8 hex digits is v4 (a little-endian word),
 * of 32 is v6 (four little-endian words).
 */
int	 ir_net_parse(const char *what, const char *buf, size_t n,
	    struct ir_sock **, size_t *, struct ir_err *);
/* name: "tcp", "tcp6", "udp", "udp6", "raw", "raw6" (under /proc/net). */
int	 ir_net_read(const char *name, struct ir_sock **, size_t *,
	    struct ir_err *);
void	 ir_socks_free(struct ir_sock *, size_t);
/* "ESTABLISHED" ... "NEW_SYN_RECV"; "UNKNOWN" otherwise. */
const char *ir_tcp_state_name(unsigned);
/* The address as inet_ntop prints it; out needs 46 bytes. */
void	 ir_sock_addr_str(int family, const uint8_t *addr, char *out,
	    size_t outsz);

/* /proc/net/unix. */
struct ir_unix {
	uint64_t	 num;		/* kernel address (0 unprivileged) */
	uint32_t	 refcount, protocol, flags;
	unsigned	 type;		/* SOCK_STREAM, SOCK_DGRAM ... */
	unsigned	 state;		/* SS_UNCONNECTED ... */
	uint64_t	 inode;
	char		*path;		/* "" unbound; "@name" abstract */
	int		 abstract;
};

/*
 * The kernel prints a socket's name as it is: it may hold spaces, and a
 * newline in a name continues it on the next line (a line that is not an
 * entry, after one with a path).  A name can still forge a line that
 * looks like an entry: trust an inode only once /proc/PID/fd shows it.
 */
int	 ir_unix_parse(const char *buf, size_t n, struct ir_unix **,
	    size_t *, struct ir_err *);
int	 ir_unix_read(struct ir_unix **, size_t *, struct ir_err *);
void	 ir_unix_free(struct ir_unix *, size_t);

/* /proc/net/packet: raw link-layer sockets (sniffers, backdoors). */
struct ir_packet {
	uint64_t	 sk;
	uint32_t	 refcount;
	unsigned	 type;		/* SOCK_RAW, SOCK_DGRAM */
	unsigned	 proto;		/* ethertype, host order (0x0003 all) */
	int64_t		 ifindex;
	int		 running;
	uint64_t	 rmem;
	uint32_t	 uid;
	uint64_t	 inode;
};

int	 ir_packet_parse(const char *buf, size_t n, struct ir_packet **,
	    size_t *, struct ir_err *);
int	 ir_packet_read(struct ir_packet **, size_t *, struct ir_err *);
void	 ir_packet_free(struct ir_packet *, size_t);

/* /proc/modules. */
struct ir_module {
	char		*name;
	uint64_t	 size;
	int64_t		 refcount;	/* -1 when printed "-" */
	char		*deps;		/* "a,b" or "" */
	char		*state;		/* "Live", "Loading", "Unloading" */
	uint64_t	 addr;		/* 0 when hidden from the unprivileged */
	char		*taint;		/* "OE" of "(OE)", or "" */
};

int	 ir_modules_parse(const char *buf, size_t n, struct ir_module **,
	    size_t *, struct ir_err *);
int	 ir_modules_read(struct ir_module **, size_t *, struct ir_err *);
void	 ir_modules_free(struct ir_module *, size_t);

/*
 * The loadable modules that dir ("/sys/module", or a copy of it) lists:
 * the entries with an initstate file (built-in ones have none), sorted
 * by name.  Compared with /proc/modules, a name in one and not the other
 * is a module unlinked from the kernel's list or from sysfs.
 */
int	 ir_sysmodules_read(const char *dir, char ***names, size_t *n,
	    struct ir_err *);
void	 ir_sysmodules_free(char **names, size_t n);

/* /proc/PID/mountinfo; strings with the kernel's \ooo escapes decoded. */
struct ir_mount {
	uint64_t	 id, parent;
	unsigned	 major, minor;
	char		*root;		/* within the file system */
	char		*point;		/* mount point */
	char		*opts;		/* per-mount options */
	char		*optional;	/* "shared:1 master:2" or "" */
	char		*fstype;
	char		*source;
	char		*super;		/* per-superblock options */
};

int	 ir_mountinfo_parse(const char *buf, size_t n, struct ir_mount **,
	    size_t *, struct ir_err *);
int	 ir_mountinfo_read(pid_t pid, struct ir_mount **, size_t *,
	    struct ir_err *);
void	 ir_mounts_free(struct ir_mount *, size_t);

/* The inode of a "socket:[12345]" fd link; IR_EFORMAT for anything else. */
int	 ir_socket_link_parse(const char *link, size_t n, uint64_t *inode,
	    struct ir_err *);

struct ir_fdsock {
	int		 fd;
	uint64_t	 inode;
};

/*
 * The socket fds of pid (readlink of each /proc/PID/fd entry), ascending
 * by fd: map a socket inode to its owners.  Fds closed while reading are
 * skipped.  IR_ENOENT when the process is gone.
 */
int	 ir_proc_sockets(pid_t pid, struct ir_fdsock **, size_t *,
	    struct ir_err *);

/*
 * /proc/PID/cmdline and /proc/PID/environ: strings each ended by a NUL
 * (the last one may lack it: a process can overwrite its own).  The next
 * string from *off: *s points into buf, *sl excludes the NUL; 0 at the
 * end.  Nothing is copied, nothing is assumed about the bytes.
 */
int	 ir_nulstr_next(const char *buf, size_t n, size_t *off,
	    const char **s, size_t *sl);
/*
 * The value of the first "name=value" of an environ buffer: 1 and *val,
 * *vlen pointing into buf when found, else 0.
 */
int	 ir_environ_get(const char *buf, size_t n, const char *name,
	    const char **val, size_t *vlen);

/* /proc/PID/cgroup: "hierarchy:controllers:path" lines. */
struct ir_cgroup {
	uint32_t	 hier;		/* 0 for the v2 unified hierarchy */
	char		*controllers;	/* "cpu,cpuacct", "" for v2 */
	char		*path;		/* "/system.slice/ssh.service" */
};

int	 ir_cgroup_parse(const char *buf, size_t n, struct ir_cgroup **,
	    size_t *, struct ir_err *);
void	 ir_cgroups_free(struct ir_cgroup *, size_t);

/*
 * A namespace link of /proc/PID/ns ("mnt:[4026531841]"): the type (its
 * bytes up to ':', at most 15, copied into type) and the inode.
 */
int	 ir_ns_link_parse(const char *link, size_t n, char type[16],
	    uint64_t *inode, struct ir_err *);

#endif
