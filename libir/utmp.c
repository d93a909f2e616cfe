/*
 * utmp: glibc's struct utmp records read by offset, and the gunzip of
 * rotated logs.  Layout (x86-64/aarch64 glibc, __WORDSIZE_TIME64_COMPAT32):
 *
 *	  0 ut_type int16, 2 bytes of padding
 *	  4 ut_pid int32
 *	  8 ut_line[32]
 *	 40 ut_id[4]
 *	 44 ut_user[32]
 *	 76 ut_host[256]
 *	332 ut_exit.e_termination int16, 334 ut_exit.e_exit int16
 *	336 ut_session int32
 *	340 ut_tv.tv_sec int32, 344 ut_tv.tv_usec int32
 *	348 ut_addr_v6[4] (network byte order)
 *	364 20 reserved bytes, 384 the next record
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "ir/buf.h"
#include "ir/error.h"
#include "ir/io.h"
#include "ir/utmp.h"

#define OFF_TYPE	0
#define OFF_PID		4
#define OFF_LINE	8
#define OFF_ID		40
#define OFF_USER	44
#define OFF_HOST	76
#define OFF_TERM	332
#define OFF_EXIT	334
#define OFF_SESSION	336
#define OFF_SEC		340
#define OFF_USEC	344
#define OFF_ADDR	348

#define ZCHUNK		65536

static const char *const type_names[] = {
	"EMPTY", "RUN_LVL", "BOOT_TIME", "NEW_TIME", "OLD_TIME",
	"INIT_PROCESS", "LOGIN_PROCESS", "USER_PROCESS", "DEAD_PROCESS",
	"ACCOUNTING",
};

const char *
ir_utmp_type_name(int type)
{
	if (type < 0 || (size_t)type >= sizeof(type_names) / sizeof(*type_names))
		return "UNKNOWN";
	return type_names[type];
}

static int16_t
le16(const unsigned char *p)
{
	return (int16_t)(uint16_t)(p[0] | p[1] << 8);
}

static int32_t
le32(const unsigned char *p)
{
	return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 |
	    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

/* A fixed-size field up to its first NUL; out has n + 1 bytes. */
static void
field(char *out, const unsigned char *p, size_t n)
{
	const unsigned char *z;

	if ((z = memchr(p, '\0', n)) != NULL)
		n = (size_t)(z - p);
	memcpy(out, p, n);
	out[n] = '\0';
}

/*
 * ut_addr_v6 as glibc's writers leave it: IPv4 in the first word and the
 * rest zero, else the 16 bytes of an IPv6 address (what last(1) does).
 */
static void
addr_text(char *out, size_t outsz, const unsigned char *p)
{
	static const unsigned char zero[16];

	out[0] = '\0';
	if (memcmp(p, zero, 16) == 0)
		return;
	if (memcmp(p + 4, zero, 12) == 0)
		(void)inet_ntop(AF_INET, p, out, (socklen_t)outsz);
	else
		(void)inet_ntop(AF_INET6, p, out, (socklen_t)outsz);
}

static void
decode(struct ir_utmp_rec *r, const unsigned char *p, uint64_t off)
{
	int32_t sec, usec;

	r->type = le16(p + OFF_TYPE);
	r->type_name = ir_utmp_type_name(r->type);
	r->pid = le32(p + OFF_PID);
	field(r->line, p + OFF_LINE, 32);
	field(r->id, p + OFF_ID, 4);
	field(r->user, p + OFF_USER, 32);
	field(r->host, p + OFF_HOST, 256);
	r->exit_term = le16(p + OFF_TERM);
	r->exit_exit = le16(p + OFF_EXIT);
	r->session = le32(p + OFF_SESSION);
	sec = le32(p + OFF_SEC);
	usec = le32(p + OFF_USEC);
	/* Signed, as glibc declares it: dates before 1970 stay negative. */
	r->tv.sec = sec;
	r->tv.nsec = usec >= 0 && usec < 1000000 ? usec * 1000 : 0;
	r->tv.valid = sec != 0 || usec != 0;
	addr_text(r->addr, sizeof(r->addr), p + OFF_ADDR);
	r->offset = off;
}

int
ir_utmp_parse(const void *buf, size_t n, ir_utmp_fn fn, void *arg,
    struct ir_err *e)
{
	const unsigned char *p = buf;
	struct ir_utmp_rec r;
	size_t off;
	int rc;

	for (off = 0; n - off >= IR_UTMP_RECSIZE; off += IR_UTMP_RECSIZE) {
		decode(&r, p + off, off);
		if ((rc = fn(&r, arg)) != IR_OK)
			return rc;
	}
	if (off < n)
		return ir_err_set(e, IR_EFORMAT, 0, "partial utmp record at "
		    "offset %zu: %zu of %d bytes", off, n - off,
		    IR_UTMP_RECSIZE);
	return IR_OK;
}

/*
 * Gunzip in (every member, as gunzip does) into out.  What came out
 * before an error is left in out, so that its records can be used.
 */
static int
gunzip(const char *path, const struct ir_buf *in, struct ir_buf *out,
    struct ir_err *e)
{
	z_stream z;
	int rc = IR_OK, zr;

	memset(&z, 0, sizeof(z));
	/* windowBits 15 + 16: gzip only, no zlib or raw deflate. */
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return ir_err_set(e, IR_EDEP, 0, "zlib: cannot start inflate");
	z.next_in = (unsigned char *)in->buf;
	z.avail_in = 0;
	for (;;) {
		/* avail_in is 32 bits; in->len is bounded by 1 GiB anyway. */
		if (z.avail_in == 0)
			z.avail_in = (uInt)(in->len - (size_t)(z.next_in -
			    (unsigned char *)in->buf));
		/* out->max leaves room for one chunk past the bound. */
		if ((rc = ir_buf_grow(out, ZCHUNK, e)) != IR_OK)
			break;
		z.next_out = (unsigned char *)out->buf + out->len;
		z.avail_out = ZCHUNK;
		zr = inflate(&z, Z_NO_FLUSH);
		out->len += ZCHUNK - z.avail_out;
		out->buf[out->len] = '\0';
		if (out->len > IR_UTMP_MAXSIZE) {
			rc = ir_err_set(e, IR_ELIMIT, 0, "'%s' is larger than "
			    "%llu bytes after gunzip", path,
			    (unsigned long long)IR_UTMP_MAXSIZE);
			break;
		}
		if (zr == Z_STREAM_END) {
			if (z.avail_in == 0)
				break;
			/* Another member follows, or trailing garbage. */
			if (z.avail_in < 2 || z.next_in[0] != 0x1f ||
			    z.next_in[1] != 0x8b) {
				rc = ir_err_set(e, IR_EFORMAT, 0, "'%s': "
				    "trailing bytes after gzip data", path);
				break;
			}
			(void)inflateReset(&z);
			continue;
		}
		/* All input is given at once: no progress means cut data. */
		if (zr == Z_BUF_ERROR) {
			rc = ir_err_set(e, IR_EFORMAT, 0, "'%s': truncated "
			    "gzip data", path);
			break;
		}
		if (zr != Z_OK) {
			rc = ir_err_set(e, zr == Z_MEM_ERROR ? IR_ENOMEM :
			    IR_EFORMAT, 0, "'%s': corrupt gzip data%s%s", path,
			    z.msg != NULL ? ": " : "",
			    z.msg != NULL ? z.msg : "");
			break;
		}
	}
	(void)inflateEnd(&z);
	return rc;
}

int
ir_utmp_read_file(const char *path, ir_utmp_fn fn, void *arg,
    struct ir_err *e)
{
	struct ir_buf raw, plain;
	struct ir_err ze;
	const struct ir_buf *b = &raw;
	size_t full;
	int rc, zrc = IR_OK;

	ir_buf_init(&raw, IR_UTMP_MAXSIZE);
	ir_buf_init(&plain, IR_UTMP_MAXSIZE + ZCHUNK);
	ir_err_clear(&ze);
	if ((rc = ir_read_file(AT_FDCWD, path, &raw, e)) != IR_OK)
		goto out;
	/*
	 * No utmp writer stores ut_type 0x8b1f, the gzip magic 1f 8b.
	 * A gzip error is kept until the records before it are out.
	 */
	if (raw.len >= 2 && (unsigned char)raw.buf[0] == 0x1f &&
	    (unsigned char)raw.buf[1] == 0x8b) {
		zrc = gunzip(path, &raw, &plain, &ze);
		if (zrc == IR_ELIMIT || zrc == IR_ENOMEM || zrc == IR_EDEP) {
			rc = zrc;
			if (e != NULL)
				*e = ze;
			goto out;
		}
		ir_buf_release(&raw);
		b = &plain;
		/* A partial record is the gzip error's doing: report that. */
		if (zrc != IR_OK)
			ir_buf_truncate(&plain, plain.len -
			    plain.len % IR_UTMP_RECSIZE);
	}
	/* Whole records first, so that a callback's error is left as it is. */
	full = b->len - b->len % IR_UTMP_RECSIZE;
	if ((rc = ir_utmp_parse(b->buf, full, fn, arg, e)) != IR_OK)
		goto out;
	if (full < b->len) {
		rc = ir_err_set(e, IR_EFORMAT, 0, "'%s': partial utmp record "
		    "at offset %zu: %zu of %d bytes", path, full,
		    b->len - full, IR_UTMP_RECSIZE);
		goto out;
	}
	if (zrc != IR_OK) {
		rc = zrc;
		if (e != NULL)
			*e = ze;
	}
out:
	ir_buf_release(&raw);
	ir_buf_release(&plain);
	return rc;
}
