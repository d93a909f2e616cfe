/*
 * content: one read of a file's content feeds every digest and the type
 * check.  A struct ir_content belongs to one thread (it holds that
 * thread's libmagic handle and hash contexts).
 */
#ifndef IR_CONTENT_H
#define IR_CONTENT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

struct ir_err;
struct ir_file;

struct ir_content_opts {
	unsigned int	 algs;		/* IR_HASH_BIT set; 0: no hashes */
	int		 type;		/* libmagic type and mismatch check */
	uint64_t	 max_size;	/* 0: no limit; larger files are skipped */
	const char	*magic_db;	/* NULL: libmagic's default */
	size_t		 keep;		/* keep up to this many bytes of the
					   content read (ir_content_data) */
};

struct ir_content;

int	 ir_content_new(struct ir_content **, const struct ir_content_opts *,
	    struct ir_err *);
void	 ir_content_free(struct ir_content *);
/*
 * Read the open regular file fd (closed by the caller) to its end and fill
 * f's digest, mime, mime_mismatch and changed fields; a problem is put in
 * f->error and returned as IR_EIO.  *nread gets the bytes read.
 */
int	 ir_content_file(struct ir_content *, int fd, struct ir_file *f,
	    uint64_t *nread);
/*
 * The same from a reader instead of a file descriptor (a file inside an
 * image): fn fills buf from offset off, *got == 0 at the end.  size is
 * what the file system says; content ending early is an error.
 */
typedef int	(*ir_content_read_fn)(void *arg, uint64_t off, void *buf,
		    size_t n, size_t *got, struct ir_err *);
int	 ir_content_reader(struct ir_content *, ir_content_read_fn fn,
	    void *arg, uint64_t size, struct ir_file *f, uint64_t *nread);
/*
 * While *stop is non-zero, ir_content_file gives up (f->error set, no
 * digest): SIGINT must not wait for a huge file.  NULL: never.
 */
void	 ir_content_set_stop(struct ir_content *, volatile sig_atomic_t *stop);
/*
 * The content of the last file read, when opts.keep asked for it: one read
 * feeds the digests, the type and a later scan.  *whole is 0 when the
 * file was longer than opts.keep (only its start is there) or was not
 * read to its end.
 */
const void *ir_content_data(const struct ir_content *, size_t *n, int *whole);
/* Does the file need reading at all under these options? */
int	 ir_content_wanted(const struct ir_content_opts *);

#endif
