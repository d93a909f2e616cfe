/*
 * Debian's static libtsk references afflib (nm -u libtsk.a | grep af_:
 * exactly these nine functions), whose static archive drags in
 * libcurl, which has no static build.  These stand-ins make every AFF image
 * report "unsupported" and let everything else link statically.
 */
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

AFFILE *af_open(const char *p, int f, int m) { (void)p; (void)f; (void)m; return NULL; }
int af_close(AFFILE *a) { (void)a; return -1; }
ssize_t af_read(AFFILE *a, unsigned char *b, ssize_t n) { (void)a; (void)b; (void)n; return -1; }
uint64_t af_seek(AFFILE *a, int64_t o, int w) { (void)a; (void)o; (void)w; return (uint64_t)-1; }
int af_eof(AFFILE *a) { (void)a; return 1; }
int64_t af_get_imagesize(AFFILE *a) { (void)a; return -1; }
int af_get_seg(AFFILE *a, const char *s, unsigned long *x, unsigned char *d, size_t *n)
{ (void)a; (void)s; (void)x; (void)d; (void)n; return -1; }
int af_identify_file_type(const char *p, int e) { (void)p; (void)e; return -1; }
int af_cannot_decrypt(AFFILE *a) { (void)a; return 1; }
