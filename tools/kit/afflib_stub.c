/*
 * Debian's static libtsk references afflib, whose static archive drags in
 * libcurl, which has no static build.  These stand-ins make every AFF image
 * "unsupported" and let everything else link statically.
 *
 * The list is exactly what libtsk.a leaves undefined (all in aff.o): the
 * af* symbols of `nm -u libtsk.a` less those libtsk.a defines itself
 * (aff_open).  `make kit` recomputes it and fails when this file differs.
 *
 * aff_open() asks af_identify_file_type() first: AF_IDENTIFY_ERR (-1)
 * makes it fail ("Error checking type") before anything else is called,
 * and image type detection moves on to the other formats.  The rest only
 * answer "no" in case they are ever reached.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct _AFFILE AFFILE;

AFFILE	*af_open(const char *, int, int);
int	 af_close(AFFILE *);
ssize_t	 af_read(AFFILE *, unsigned char *, ssize_t);
uint64_t af_seek(AFFILE *, int64_t, int);
int	 af_eof(AFFILE *);
int64_t	 af_get_imagesize(AFFILE *);
int	 af_get_seg(AFFILE *, const char *, unsigned long *, unsigned char *,
	    size_t *);
int	 af_identify_file_type(const char *, int);
int	 af_cannot_decrypt(AFFILE *);

AFFILE *af_open(const char *p, int f, int m) { (void)p; (void)f; (void)m; errno = ENOTSUP; return NULL; }
int af_close(AFFILE *a) { (void)a; return -1; }
ssize_t af_read(AFFILE *a, unsigned char *b, ssize_t n) { (void)a; (void)b; (void)n; errno = ENOTSUP; return -1; }
uint64_t af_seek(AFFILE *a, int64_t o, int w) { (void)a; (void)o; (void)w; errno = ENOTSUP; return (uint64_t)-1; }
int af_eof(AFFILE *a) { (void)a; return 1; }
int64_t af_get_imagesize(AFFILE *a) { (void)a; return -1; }
int af_get_seg(AFFILE *a, const char *s, unsigned long *x, unsigned char *d, size_t *n)
{ (void)a; (void)s; (void)x; (void)d; (void)n; return -1; }
int af_identify_file_type(const char *p, int e) { (void)p; (void)e; errno = ENOTSUP; return -1; }
int af_cannot_decrypt(AFFILE *a) { (void)a; return 1; }
