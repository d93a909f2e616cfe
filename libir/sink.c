#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libewf.h>
#include <zlib.h>

#include "ir/error.h"
#include "ir/hash.h"
#include "ir/io.h"
#include "ir/sink.h"

#define BACK_CHUNK	(1U << 20)

enum kind { RAW, EWF, FD, GZ };

struct ir_sink {
	enum kind	 kind;
	char		*path;		/* raw: the name; EWF: without .E01 */
	char		 name[512];
	char		**files;
	size_t		 nfiles;

	/* raw */
	uint64_t	 split;		/* bytes per file; 0: one file */
	int		 fd;		/* the file being written, or -1 */
	uint64_t	 in_file;	/* bytes in it */
	uint64_t	 flushed;	/* of those, handed to writeback */

	/* EWF */
	libewf_handle_t	*ewf;
	uint32_t	 sector_size;
	uint64_t	 padded;	/* zeros added to end on a sector */

	/* GZ: a raw image as one gzip member */
	z_stream	 z;
	int		 zinit;
	unsigned char	*zbuf;

	uint64_t	 written;	/* bytes of the image */
};

#define ZBUF	(256U << 10)
#define WRITEBACK	(8U << 20)

/* The message of a libewf error, freed. */
static int
ewf_err(struct ir_err *e, libewf_error_t **err, const char *what,
    const char *path)
{
	char msg[256] = "";

	if (err != NULL && *err != NULL) {
		(void)libewf_error_sprint(*err, msg, sizeof(msg));
		libewf_error_free(err);
	}
	/* libewf stacks its messages on lines: keep the first. */
	msg[strcspn(msg, "\n")] = '\0';
	return ir_err_set(e, IR_EIO, 0, "%s: %s%s%s", path, what,
	    msg[0] != '\0' ? ": " : "", msg);
}

static int
add_file(struct ir_sink *s, const char *name, struct ir_err *e)
{
	char **f, *dup;

	if ((dup = strdup(name)) == NULL ||
	    (f = reallocarray(s->files, s->nfiles + 1, sizeof(*f))) == NULL) {
		free(dup);
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	}
	f[s->nfiles++] = dup;
	s->files = f;
	return IR_OK;
}

static int
sink_new(struct ir_sink **sp, enum kind kind, const char *path,
    struct ir_err *e)
{
	struct ir_sink *s;

	*sp = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->path = strdup(path)) == NULL) {
		free(s);
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	}
	s->kind = kind;
	s->fd = -1;
	(void)snprintf(s->name, sizeof(s->name), "%s", path);
	*sp = s;
	return IR_OK;
}

/* The name of raw file i (0-based). */
static void
raw_name(const struct ir_sink *s, size_t i, char *out, size_t outsz)
{
	if (s->split == 0)
		(void)snprintf(out, outsz, "%s", s->path);
	else
		(void)snprintf(out, outsz, "%s.%03zu", s->path, i + 1);
}

/*
 * Start writing back what is written, a few MiB at a time, while the
 * acquisition goes on: the flush at the end then has little left to do.
 */
static void
writeback(struct ir_sink *s)
{
	if (s->in_file - s->flushed < WRITEBACK)
		return;
	(void)sync_file_range(s->fd, (off64_t)s->flushed,
	    (off64_t)(s->in_file - s->flushed), SYNC_FILE_RANGE_WRITE);
	s->flushed = s->in_file;
}

/* Start raw file number s->nfiles: always a new one. */
static int
raw_next(struct ir_sink *s, struct ir_err *e)
{
	char name[4096];

	struct stat st;

	raw_name(s, s->nfiles, name, sizeof(name));
	s->fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	/* A device or a FIFO (/dev/null, a tape) holds no earlier result. */
	if (s->fd < 0 && errno == EEXIST && s->split == 0 &&
	    stat(name, &st) == 0 && (S_ISCHR(st.st_mode) ||
	    S_ISFIFO(st.st_mode)))
		s->fd = open(name, O_WRONLY | O_CLOEXEC);
	if (s->fd < 0)
		return ir_err_set(e, IR_EIO, errno, errno == EEXIST ?
		    "'%s' exists; not overwriting it" : "cannot create '%s'",
		    name);
	s->in_file = s->flushed = 0;
	return add_file(s, name, e);
}

/*
 * Continue the files of an interrupted run: every one but the last
 * full, resume bytes in all.
 */
static int
raw_resume(struct ir_sink *s, uint64_t resume, struct ir_err *e)
{
	char name[4096];
	struct stat st;
	uint64_t left = resume;
	size_t i;
	int rc;

	for (i = 0;; i++) {
		raw_name(s, i, name, sizeof(name));
		if (stat(name, &st) != 0)
			return ir_err_set(e, IR_EINVAL, errno, "cannot resume: "
			    "'%s' is missing", name);
		if (!S_ISREG(st.st_mode))
			return ir_err_set(e, IR_EINVAL, 0, "cannot resume: "
			    "'%s' is not a regular file", name);
		if ((rc = add_file(s, name, e)) != IR_OK)
			return rc;
		if ((uint64_t)st.st_size > left ||
		    (s->split != 0 && (uint64_t)st.st_size != s->split &&
		    (uint64_t)st.st_size != left))
			return ir_err_set(e, IR_EINVAL, 0, "cannot resume: "
			    "'%s' holds %llu bytes, the map says %llu were "
			    "written", name, (unsigned long long)st.st_size,
			    (unsigned long long)left);
		left -= (uint64_t)st.st_size;
		if (left == 0 && (s->split == 0 ||
		    (uint64_t)st.st_size < s->split)) {
			s->fd = open(name, O_WRONLY | O_APPEND | O_CLOEXEC);
			if (s->fd < 0)
				return ir_err_set(e, IR_EIO, errno, "cannot "
				    "open '%s'", name);
			s->in_file = s->flushed = (uint64_t)st.st_size;
			return IR_OK;
		}
		if (left == 0)		/* resumed at a file boundary */
			return IR_OK;
		if (s->split == 0)
			return ir_err_set(e, IR_EINVAL, 0, "cannot resume: "
			    "'%s' is short", name);
	}
}

int
ir_sink_raw(struct ir_sink **sp, const char *path, uint64_t split,
    uint64_t resume, struct ir_err *e)
{
	struct ir_sink *s;
	char last[4096];
	int rc;

	if ((rc = sink_new(&s, RAW, path, e)) != IR_OK)
		return rc;
	s->split = split;
	rc = resume > 0 ? raw_resume(s, resume, e) : raw_next(s, e);
	if (rc != IR_OK) {
		ir_sink_free(s);
		return rc;
	}
	if (split > 0) {
		raw_name(s, 0, last, sizeof(last));
		(void)snprintf(s->name, sizeof(s->name), "%s ...", last);
	}
	*sp = s;
	return IR_OK;
}

int
ir_sink_fd(struct ir_sink **sp, int fd, const char *name, struct ir_err *e)
{
	int rc;

	if ((rc = sink_new(sp, FD, name, e)) == IR_OK)
		(*sp)->fd = fd;
	return rc;
}

int
ir_sink_gzip(struct ir_sink **sp, const char *path, int level,
    struct ir_err *e)
{
	struct ir_sink *s;
	int rc;

	if ((rc = sink_new(&s, GZ, path, e)) != IR_OK)
		return rc;
	if ((rc = raw_next(s, e)) != IR_OK)
		goto fail;
	if ((s->zbuf = malloc(ZBUF)) == NULL) {
		rc = ir_err_set(e, IR_ENOMEM, 0, "out of memory");
		goto fail;
	}
	/* windowBits 15 + 16: a gzip member, as gunzip reads it. */
	if (deflateInit2(&s->z, level, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		rc = ir_err_set(e, IR_EDEP, 0, "zlib: cannot start deflate");
		goto fail;
	}
	s->zinit = 1;
	*sp = s;
	return IR_OK;
fail:
	ir_sink_free(s);
	return rc;
}

/* Deflate n bytes (flush: Z_FINISH at the end) and write what comes out. */
static int
gz_put(struct ir_sink *s, const void *buf, size_t n, int flush,
    struct ir_err *e)
{
	size_t out;
	int zr;

	s->z.next_in = (Bytef *)(uintptr_t)buf;
	s->z.avail_in = (uInt)n;
	do {
		s->z.next_out = s->zbuf;
		s->z.avail_out = ZBUF;
		zr = deflate(&s->z, flush);
		if (zr == Z_STREAM_ERROR)
			return ir_err_set(e, IR_EDEP, 0, "zlib: deflate failed");
		out = ZBUF - s->z.avail_out;
		if (out > 0 && ir_write_full(s->fd, s->zbuf, out) < 0)
			return ir_err_set(e, IR_EIO, errno, "cannot write '%s'",
			    s->path);
	} while (s->z.avail_out == 0 || (flush == Z_FINISH &&
	    zr != Z_STREAM_END));
	return IR_OK;
}

static int
set_header(libewf_handle_t *h, const char *key, const char *value,
    const char *path, struct ir_err *e)
{
	libewf_error_t *err = NULL;

	if (value == NULL || *value == '\0')
		return IR_OK;
	if (libewf_handle_set_utf8_header_value(h, (const uint8_t *)key,
	    strlen(key), (const uint8_t *)value, strlen(value), &err) != 1)
		return ewf_err(e, &err, "cannot set the EWF header", path);
	return IR_OK;
}

int
ir_sink_ewf(struct ir_sink **sp, const char *path,
    const struct ir_ewf_meta *m, struct ir_err *e)
{
	libewf_error_t *err = NULL;
	struct ir_sink *s;
	char *names[1], first[4096];
	int8_t level;
	int rc;

	/* libewf would overwrite: refuse first. */
	(void)snprintf(first, sizeof(first), "%s.E01", path);
	if (access(first, F_OK) == 0)
		return ir_err_set(e, IR_EIO, EEXIST, "'%s' exists; not "
		    "overwriting it", first);
	if ((rc = sink_new(&s, EWF, path, e)) != IR_OK)
		return rc;
	(void)snprintf(s->name, sizeof(s->name), "%s", first);
	s->sector_size = m->sector_size ? m->sector_size : 512;
	names[0] = s->path;
	level = m->compress == 2 ? LIBEWF_COMPRESSION_BEST :
	    m->compress == 1 ? LIBEWF_COMPRESSION_FAST :
	    LIBEWF_COMPRESSION_NONE;
	if (libewf_handle_initialize(&s->ewf, &err) != 1) {
		rc = ewf_err(e, &err, "libewf", path);
		goto fail;
	}
	if (libewf_handle_open(s->ewf, names, 1, LIBEWF_OPEN_WRITE, &err) != 1) {
		rc = ewf_err(e, &err, "cannot create the EWF set", path);
		goto fail;
	}
	if (libewf_handle_set_format(s->ewf, LIBEWF_FORMAT_ENCASE6, &err) != 1 ||
	    libewf_handle_set_bytes_per_sector(s->ewf, s->sector_size,
	    &err) != 1 ||
	    (m->media_size > 0 && libewf_handle_set_media_size(s->ewf,
	    (m->media_size + s->sector_size - 1) / s->sector_size *
	    s->sector_size, &err) != 1) ||
	    (m->segment_size > 0 && libewf_handle_set_maximum_segment_size(
	    s->ewf, m->segment_size, &err) != 1) ||
	    libewf_handle_set_compression_values(s->ewf, level, 0, &err) != 1 ||
	    libewf_handle_set_media_type(s->ewf, m->memory ?
	    LIBEWF_MEDIA_TYPE_MEMORY : m->removable ?
	    LIBEWF_MEDIA_TYPE_REMOVABLE : LIBEWF_MEDIA_TYPE_FIXED,
	    &err) != 1) {
		rc = ewf_err(e, &err, "cannot set the EWF media values", path);
		goto fail;
	}
	if ((rc = set_header(s->ewf, "case_number", m->case_number, path,
	    e)) != IR_OK ||
	    (rc = set_header(s->ewf, "evidence_number", m->evidence_number,
	    path, e)) != IR_OK ||
	    (rc = set_header(s->ewf, "examiner_name", m->examiner, path,
	    e)) != IR_OK ||
	    (rc = set_header(s->ewf, "description", m->description, path,
	    e)) != IR_OK ||
	    (rc = set_header(s->ewf, "notes", m->notes, path, e)) != IR_OK ||
	    (rc = set_header(s->ewf, "acquiry_software", "irkit ir-acquire",
	    path, e)) != IR_OK)
		goto fail;
	*sp = s;
	return IR_OK;
fail:
	ir_sink_free(s);
	return rc;
}

int
ir_sink_write(struct ir_sink *s, const void *buf, size_t n, struct ir_err *e)
{
	libewf_error_t *err = NULL;
	const char *p = buf;
	size_t k;
	int rc;

	s->written += n;
	switch (s->kind) {
	case EWF:
		if (n > 0 && libewf_handle_write_buffer(s->ewf, buf, n,
		    &err) != (ssize_t)n)
			return ewf_err(e, &err, "cannot write", s->path);
		return IR_OK;
	case GZ:
		/* zlib takes at most 4 GiB at a time. */
		while (n > 0) {
			size_t chunk = n > (1U << 30) ? (1U << 30) : n;
			int rc2;

			if ((rc2 = gz_put(s, p, chunk, Z_NO_FLUSH, e)) != IR_OK)
				return rc2;
			p += chunk;
			n -= chunk;
		}
		return IR_OK;
	case FD:
		if (ir_write_full(s->fd, buf, n) < 0)
			return ir_err_set(e, IR_EIO, errno, "cannot write to "
			    "%s", s->name);
		return IR_OK;
	case RAW:
		break;
	}
	while (n > 0) {
		if (s->split > 0 && s->in_file == s->split) {
			if (fdatasync(s->fd) != 0 || close(s->fd) != 0)
				return ir_err_set(e, IR_EIO, errno, "cannot "
				    "write '%s'", s->files[s->nfiles - 1]);
			s->fd = -1;
		}
		if (s->fd < 0 && (rc = raw_next(s, e)) != IR_OK)
			return rc;
		k = n;
		if (s->split > 0 && k > s->split - s->in_file)
			k = (size_t)(s->split - s->in_file);
		if (ir_write_full(s->fd, p, k) < 0)
			return ir_err_set(e, IR_EIO, errno, "cannot write "
			    "'%s'", s->files[s->nfiles - 1]);
		s->in_file += k;
		p += k;
		n -= k;
		writeback(s);
	}
	return IR_OK;
}

/* The segment files libewf made, in order. */
static int
ewf_files(struct ir_sink *s, struct ir_err *e)
{
	char pat[4096];
	glob_t g;
	size_t i;
	int rc = IR_OK;

	(void)snprintf(pat, sizeof(pat), "%s.E[0-9A-Z][0-9A-Z]", s->path);
	if (glob(pat, 0, NULL, &g) != 0)
		return ir_err_set(e, IR_EIO, 0, "%s: no EWF segment written",
		    s->path);
	for (i = 0; i < g.gl_pathc && rc == IR_OK; i++)
		rc = add_file(s, g.gl_pathv[i], e);
	globfree(&g);
	return rc;
}

static int
ewf_finish(struct ir_sink *s, const struct ir_digest *d,
    const struct ir_range *bad, size_t nbad, struct ir_err *e)
{
	libewf_error_t *err = NULL;
	uint64_t first, last;
	size_t i;
	char *zeros;

	/*
	 * EWF holds whole sectors: a source that ends inside one is padded
	 * with zeros, and the source's digests, which do not cover them,
	 * are not stored as the media's.
	 */
	if (s->written % s->sector_size != 0) {
		s->padded = s->sector_size - s->written % s->sector_size;
		if ((zeros = calloc(1, (size_t)s->padded)) == NULL)
			return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
		if (libewf_handle_write_buffer(s->ewf, zeros,
		    (size_t)s->padded, &err) != (ssize_t)s->padded) {
			free(zeros);
			return ewf_err(e, &err, "cannot write", s->path);
		}
		free(zeros);
	}
	if (s->padded == 0 && (d->algs & IR_HASH_BIT(IR_HASH_MD5)) &&
	    libewf_handle_set_md5_hash(s->ewf, (uint8_t *)d->md[IR_HASH_MD5],
	    16, &err) != 1)
		return ewf_err(e, &err, "cannot store the MD5", s->path);
	if (s->padded == 0 && (d->algs & IR_HASH_BIT(IR_HASH_SHA1)) &&
	    libewf_handle_set_sha1_hash(s->ewf,
	    (uint8_t *)d->md[IR_HASH_SHA1], 20, &err) != 1)
		return ewf_err(e, &err, "cannot store the SHA-1", s->path);
	/* Acquiry errors are whole sectors. */
	for (i = 0; i < nbad; i++) {
		first = bad[i].off / s->sector_size;
		last = (bad[i].off + bad[i].len + s->sector_size - 1) /
		    s->sector_size;
		if (libewf_handle_append_acquiry_error(s->ewf, first,
		    last - first, &err) != 1)
			return ewf_err(e, &err, "cannot store a read error",
			    s->path);
	}
	if (libewf_handle_write_finalize(s->ewf, &err) < 0)
		return ewf_err(e, &err, "cannot finish the EWF set", s->path);
	if (libewf_handle_close(s->ewf, &err) != 0)
		return ewf_err(e, &err, "cannot close the EWF set", s->path);
	(void)libewf_handle_free(&s->ewf, NULL);
	return ewf_files(s, e);
}

int
ir_sink_finish(struct ir_sink *s, const struct ir_digest *d,
    const struct ir_range *bad, size_t nbad, struct ir_err *e)
{
	int fd;

	switch (s->kind) {
	case EWF:
		return ewf_finish(s, d, bad, nbad, e);
	case FD:
		return IR_OK;
	case GZ:
		if ((fd = gz_put(s, NULL, 0, Z_FINISH, e)) != IR_OK)
			return fd;
		break;
	case RAW:
		break;
	}
	if (s->fd < 0 && (fd = raw_next(s, e)) != IR_OK)	/* empty image */
		return fd;
	/* Evidence on disk before the log says it is. */
	if ((fdatasync(s->fd) != 0 && errno != EINVAL) || close(s->fd) != 0) {
		s->fd = -1;
		return ir_err_set(e, IR_EIO, errno, "cannot write '%s'",
		    s->files[s->nfiles - 1]);
	}
	s->fd = -1;
	return IR_OK;
}

void
ir_sink_free(struct ir_sink *s)
{
	size_t i;

	if (s == NULL)
		return;
	if ((s->kind == RAW || s->kind == GZ) && s->fd >= 0)
		(void)close(s->fd);
	if (s->zinit)
		(void)deflateEnd(&s->z);
	free(s->zbuf);
	if (s->ewf != NULL) {
		(void)libewf_handle_close(s->ewf, NULL);
		(void)libewf_handle_free(&s->ewf, NULL);
	}
	for (i = 0; i < s->nfiles; i++)
		free(s->files[i]);
	free(s->files);
	free(s->path);
	free(s);
}

const char *
ir_sink_name(const struct ir_sink *s)
{
	return s->name;
}

size_t
ir_sink_nfiles(const struct ir_sink *s)
{
	return s->nfiles;
}

const char *
ir_sink_file(const struct ir_sink *s, size_t i)
{
	return i < s->nfiles ? s->files[i] : NULL;
}

int
ir_sink_readable(const struct ir_sink *s)
{
	return s->kind != FD;
}

uint64_t
ir_sink_padded(const struct ir_sink *s)
{
	return s->padded;
}

/* Pass n bytes of the raw files in order to fn; all of them when !exact. */
static int
raw_read(const struct ir_sink *s, uint64_t n, int exact, ir_sink_read_fn fn,
    void *arg, struct ir_err *e)
{
	char *buf;
	ssize_t r;
	size_t i, want;
	int fd, rc = IR_OK;

	if ((buf = malloc(BACK_CHUNK)) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	for (i = 0; i < s->nfiles && n > 0 && rc == IR_OK; i++) {
		if ((fd = open(s->files[i], O_RDONLY | O_CLOEXEC)) < 0) {
			rc = ir_err_set(e, IR_EIO, errno, "cannot read '%s'",
			    s->files[i]);
			break;
		}
		for (;;) {
			want = n < BACK_CHUNK ? (size_t)n : BACK_CHUNK;
			if (want == 0 || (r = ir_read_full(fd, buf, want)) == 0)
				break;
			if (r < 0) {
				rc = ir_err_set(e, IR_EIO, errno, "cannot "
				    "read '%s'", s->files[i]);
				break;
			}
			if ((rc = fn(buf, (size_t)r, arg, e)) != IR_OK)
				break;
			n -= (uint64_t)r;
		}
		(void)close(fd);
	}
	free(buf);
	if (rc == IR_OK && exact && n > 0)
		rc = ir_err_set(e, IR_EINVAL, 0, "%s: %llu bytes short",
		    s->name, (unsigned long long)n);
	return rc;
}

int
ir_sink_read_prefix(const struct ir_sink *s, uint64_t n, ir_sink_read_fn fn,
    void *arg, struct ir_err *e)
{
	if (s->kind != RAW)
		return ir_err_set(e, IR_EINVAL, 0, "%s: only raw images can "
		    "be resumed", s->name);
	return raw_read(s, n, 1, fn, arg, e);
}

static int
hash_fn(const void *buf, size_t n, void *arg, struct ir_err *e)
{
	return ir_hash_update(arg, buf, n, e);
}

static int
ewf_hash(const struct ir_sink *s, struct ir_hash *h, struct ir_err *e)
{
	libewf_handle_t *r = NULL;
	libewf_error_t *err = NULL;
	size64_t size, done = 0;
	ssize_t got;
	size_t want;
	char *buf;
	int rc = IR_OK;

	if ((buf = malloc(BACK_CHUNK)) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	if (libewf_handle_initialize(&r, &err) != 1 ||
	    libewf_handle_open(r, s->files, (int)s->nfiles, LIBEWF_OPEN_READ,
	    &err) != 1 || libewf_handle_get_media_size(r, &size, &err) != 1) {
		rc = ewf_err(e, &err, "cannot read the EWF set back", s->path);
		goto out;
	}
	/* The image's bytes, not the padding of its last sector. */
	if (size > s->written)
		size = s->written;
	while (done < size) {
		want = size - done < BACK_CHUNK ? (size_t)(size - done) :
		    BACK_CHUNK;
		if ((got = libewf_handle_read_buffer(r, buf, want, &err)) <= 0) {
			rc = ewf_err(e, &err, "cannot read the EWF set back",
			    s->path);
			goto out;
		}
		if ((rc = hash_fn(buf, (size_t)got, h, e)) != IR_OK)
			goto out;
		done += (size64_t)got;
	}
out:
	if (r != NULL) {
		(void)libewf_handle_close(r, NULL);
		(void)libewf_handle_free(&r, NULL);
	}
	free(buf);
	return rc;
}

static int
gz_hash(const struct ir_sink *s, struct ir_hash *h, struct ir_err *e)
{
	char *buf;
	gzFile gz;
	int n, rc = IR_OK;

	if ((buf = malloc(BACK_CHUNK)) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	if ((gz = gzopen(s->files[0], "rb")) == NULL) {
		free(buf);
		return ir_err_set(e, IR_EIO, errno, "cannot read '%s'",
		    s->files[0]);
	}
	while ((n = gzread(gz, buf, BACK_CHUNK)) > 0)
		if ((rc = hash_fn(buf, (size_t)n, h, e)) != IR_OK)
			break;
	if (rc == IR_OK && n < 0)
		rc = ir_err_set(e, IR_EFORMAT, 0, "'%s': bad gzip data",
		    s->files[0]);
	(void)gzclose(gz);
	free(buf);
	return rc;
}

int
ir_sink_hash_back(const struct ir_sink *s, unsigned int algs,
    struct ir_digest *d, struct ir_err *e)
{
	struct ir_hash *h;
	int rc;

	if (s->kind == FD)
		return ir_err_set(e, IR_EINVAL, 0, "%s cannot be read back",
		    s->name);
	if ((rc = ir_hash_new(&h, algs, IR_HASH_PARALLEL, e)) != IR_OK)
		return rc;
	rc = s->kind == EWF ? ewf_hash(s, h, e) : s->kind == GZ ?
	    gz_hash(s, h, e) : raw_read(s, UINT64_MAX, 0, hash_fn, h, e);
	if (rc == IR_OK)
		rc = ir_hash_final(h, d, e);
	ir_hash_free(h);
	return rc;
}
