/*
 * io: read and write loops that survive EINTR and short transfers, and
 * the one way libir opens evidence.
 */
#ifndef IR_IO_H
#define IR_IO_H

#include <sys/types.h>
#include <stddef.h>

struct ir_err;

/* Read until n bytes, EOF or error; returns bytes read or -1 (errno set). */
ssize_t	 ir_read_full(int fd, void *buf, size_t n);
ssize_t	 ir_pread_full(int fd, void *buf, size_t n, off_t off);
/* Write all n bytes or fail with -1 (errno set). */
ssize_t	 ir_write_full(int fd, const void *buf, size_t n);

/*
 * Open path read-only for evidence: O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
 * O_NOATIME (dropped when the kernel refuses it for a file we do not own)
 * | O_NONBLOCK (so a FIFO or a device never blocks the open).  dirfd may be
 * AT_FDCWD.  Returns the fd or -1 with e filled.
 */
int	 ir_open_evidence(int dirfd, const char *path, int extra_flags,
	    struct ir_err *e);

/*
 * Read a whole regular file (opened as evidence) into out, whose max
 * bounds the size; IR_ELIMIT when the file is larger.
 */
struct ir_buf;
int	 ir_read_file(int dirfd, const char *path, struct ir_buf *out,
	    struct ir_err *e);
/*
 * Create a new file at relpath under the directory dirfd, making the
 * directories on the way, for a path taken from evidence: "." and ".."
 * components become "%2E" and "%2E%2E", empty ones are dropped, nothing is
 * followed through a symlink, over-long names are cut, and an existing
 * name is never reused: "name~1", "name~2" ... are tried instead.  Returns
 * the fd (O_WRONLY) or -1 with e filled; *made (freed by the caller) is
 * the relative path that was created.
 */
int	 ir_create_under(int dirfd, const char *relpath, char **made,
	    struct ir_err *e);

/* The same for an open fd (read to its end); name is for messages. */
int	 ir_read_fd(int fd, const char *name, struct ir_buf *out,
	    struct ir_err *e);

#endif
