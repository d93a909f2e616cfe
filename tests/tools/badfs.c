/*
 * badfs: a FUSE file system with bad sectors, for the tests of ir-acquire.
 *
 * It exposes one read-only file, MOUNTPOINT/disk, whose bytes are those of
 * BACKING, except that a read request overlapping a bad byte range fails
 * with EIO as a whole, like a disk failing the request.  The file is
 * opened with direct_io and without the page cache, so that the kernel
 * hands each read(2) to badfs with the caller's own offset and size (a
 * read larger than the request limit, 128 KiB by default, is split into
 * several requests; the caller then sees a short read up to the first
 * failed request).
 *
 *	badfs [-f] [-o opt[,opt...]] [--bad START-END[,START-END...]]
 *	    [--bad-file FILE] [--fail-after BYTES] [--slow-ms N]
 *	    [--log FILE] BACKING MOUNTPOINT
 *
 * START-END is a byte range, END exclusive; START+LEN is the same range
 * by its length.  Numbers are decimal or 0x hexadecimal.  --bad-file holds
 * ranges, one or more per line; '#' starts a comment.  --fail-after:
 * once BYTES bytes have been served, every read fails (a disk that dies).
 * --slow-ms: sleep N ms before each read.  --log: one line per read
 * request, "OFFSET SIZE RESULT" where RESULT is the byte count returned
 * or EIO.  It runs single-threaded; -f keeps it in the foreground.
 * Unmount with fusermount3 -u MOUNTPOINT.  Exit: 0 after unmount, 1 on a
 * run-time error, 2 on a usage error.
 */
#define FUSE_USE_VERSION 31

#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef __dead
#define __dead	__attribute__((__noreturn__))
#endif

#define DISK_PATH	"/disk"

struct range {
	uint64_t	 start;
	uint64_t	 end;		/* exclusive */
};

static struct {
	int		 fd;		/* BACKING */
	uint64_t	 size;
	struct timespec	 mtime;		/* of BACKING, for every inode */
	struct range	*bad;
	size_t		 nbad;
	uint64_t	 fail_after;
	int		 has_fail_after;
	int		 dead;		/* --fail-after reached */
	uint64_t	 served;
	unsigned int	 slow_ms;
	FILE		*log;
} fs = { .fd = -1 };

static __dead void	usage(int);
static int		parse_num(const char *, const char **, uint64_t *);
static int		parse_ranges(const char *);
static void		read_bad_file(const char *);
static int		is_bad(uint64_t, uint64_t);

static __dead void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: badfs [-f] [-o opt[,opt...]] "
	    "[--bad START-END[,START-END...]]\n"
	    "             [--bad-file FILE] [--fail-after BYTES] "
	    "[--slow-ms N] [--log FILE]\n"
	    "             BACKING MOUNTPOINT\n");
	exit(status);
}

/* A decimal or 0x hexadecimal number at s; *endp past it. */
static int
parse_num(const char *s, const char **endp, uint64_t *v)
{
	char *end;
	int base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!isxdigit((unsigned char)*s) ||
	    (base == 10 && !isdigit((unsigned char)*s)))
		return -1;
	errno = 0;
	*v = strtoull(s, &end, base);
	if (errno != 0)
		return -1;
	*endp = end;
	return 0;
}

/* "A-B[,A+LEN...]" appended to fs.bad; -1 on a syntax error. */
static int
parse_ranges(const char *s)
{
	struct range r, *nb;
	uint64_t a, b;
	const char *p = s;
	char sep;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (parse_num(p, &p, &a) != 0)
			return -1;
		sep = *p++;
		if ((sep != '-' && sep != '+') || parse_num(p, &p, &b) != 0)
			return -1;
		r.start = a;
		if (sep == '-')
			r.end = b;
		else if (b > UINT64_MAX - a)
			return -1;
		else
			r.end = a + b;
		if (r.end <= r.start)
			return -1;
		nb = reallocarray(fs.bad, fs.nbad + 1, sizeof(*fs.bad));
		if (nb == NULL)
			err(1, NULL);
		fs.bad = nb;
		fs.bad[fs.nbad++] = r;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			return 0;
		if (*p++ != ',')
			return -1;
	}
}

static void
read_bad_file(const char *path)
{
	FILE *f;
	char *line = NULL, *c;
	size_t cap = 0;
	ssize_t len;
	unsigned long lineno = 0;

	if ((f = fopen(path, "r")) == NULL)
		err(2, "%s", path);
	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		if ((c = strchr(line, '#')) != NULL)
			*c = '\0';
		len = (ssize_t)strlen(line);
		while (len > 0 && isspace((unsigned char)line[len - 1]))
			line[--len] = '\0';
		c = line;
		while (isspace((unsigned char)*c))
			c++;
		if (*c == '\0')
			continue;
		if (parse_ranges(c) != 0) {
			warnx("%s:%lu: bad range '%s'", path, lineno, c);
			usage(2);
		}
	}
	if (ferror(f))
		err(2, "%s", path);
	free(line);
	fclose(f);
}

/* Does [off, end) overlap a bad range? */
static int
is_bad(uint64_t off, uint64_t end)
{
	size_t i;

	for (i = 0; i < fs.nbad; i++)
		if (off < fs.bad[i].end && fs.bad[i].start < end)
			return 1;
	return 0;
}

static void *
bad_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	(void)conn;
	cfg->direct_io = 1;
	cfg->kernel_cache = 0;
	cfg->auto_cache = 0;
	cfg->attr_timeout = 3600;
	cfg->entry_timeout = 3600;
	cfg->negative_timeout = 0;
	return NULL;
}

static int
bad_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	(void)fi;
	memset(st, 0, sizeof(*st));
	st->st_uid = getuid();
	st->st_gid = getgid();
	st->st_mtim = st->st_atim = st->st_ctim = fs.mtime;
	if (strcmp(path, "/") == 0) {
		st->st_mode = S_IFDIR | 0555;
		st->st_nlink = 2;
	} else if (strcmp(path, DISK_PATH) == 0) {
		st->st_mode = S_IFREG | 0444;
		st->st_nlink = 1;
		st->st_size = (off_t)fs.size;
		st->st_blksize = 512;
		st->st_blocks = (blkcnt_t)((fs.size + 511) / 512);
	} else
		return -ENOENT;
	return 0;
}

static int
bad_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
    struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	(void)off;
	(void)fi;
	(void)flags;
	if (strcmp(path, "/") != 0)
		return -ENOENT;
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	fill(buf, "disk", NULL, 0, 0);
	return 0;
}

static int
bad_open(const char *path, struct fuse_file_info *fi)
{
	if (strcmp(path, DISK_PATH) != 0)
		return -ENOENT;
	if ((fi->flags & O_ACCMODE) != O_RDONLY)
		return -EROFS;
	fi->direct_io = 1;
	fi->keep_cache = 0;
	return 0;
}

static int
bad_read(const char *path, char *buf, size_t size, off_t off,
    struct fuse_file_info *fi)
{
	struct timespec ts;
	uint64_t start = (uint64_t)off, len;
	size_t done = 0;
	ssize_t n;
	int rc;

	(void)path;
	(void)fi;
	if (fs.slow_ms > 0) {
		ts.tv_sec = fs.slow_ms / 1000;
		ts.tv_nsec = (long)(fs.slow_ms % 1000) * 1000000L;
		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
	}
	len = start >= fs.size ? 0 : fs.size - start;
	if (len > size)
		len = size;
	if (len > 0 && is_bad(start, start + len))
		rc = -EIO;
	else if (len > 0 && fs.has_fail_after &&
	    (fs.dead || fs.served + len > fs.fail_after)) {
		fs.dead = 1;
		rc = -EIO;
	} else {
		while (done < len) {
			n = pread(fs.fd, buf + done, len - done,
			    (off_t)(start + done));
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1) {
				rc = -errno;
				goto out;
			}
			if (n == 0)
				break;
			done += (size_t)n;
		}
		fs.served += done;
		rc = (int)done;
	}
out:
	if (fs.log != NULL) {
		if (rc < 0)
			fprintf(fs.log, "%" PRIu64 " %zu %s\n", start, size,
			    rc == -EIO ? "EIO" : strerror(-rc));
		else
			fprintf(fs.log, "%" PRIu64 " %zu %d\n", start, size, rc);
		fflush(fs.log);
	}
	return rc;
}

static const struct fuse_operations bad_ops = {
	.init		= bad_init,
	.getattr	= bad_getattr,
	.readdir	= bad_readdir,
	.open		= bad_open,
	.read		= bad_read,
};

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "bad",	required_argument,	NULL,	'b' },
		{ "bad-file",	required_argument,	NULL,	'B' },
		{ "fail-after",	required_argument,	NULL,	'F' },
		{ "help",	no_argument,		NULL,	'h' },
		{ "log",	required_argument,	NULL,	'L' },
		{ "slow-ms",	required_argument,	NULL,	'S' },
		{ NULL,		0,			NULL,	0 }
	};
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct stat st;
	const char *logpath = NULL, *end;
	char *opts = NULL;
	uint64_t v;
	off_t sz;
	int ch, foreground = 0, rc;

	while ((ch = getopt_long(argc, argv, "fho:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			if (parse_ranges(optarg) != 0) {
				warnx("bad --bad '%s'", optarg);
				usage(2);
			}
			break;
		case 'B':
			read_bad_file(optarg);
			break;
		case 'f':
			foreground = 1;
			break;
		case 'F':
			if (parse_num(optarg, &end, &v) != 0 || *end != '\0') {
				warnx("bad --fail-after '%s'", optarg);
				usage(2);
			}
			fs.fail_after = v;
			fs.has_fail_after = 1;
			break;
		case 'h':
			usage(0);
		case 'L':
			logpath = optarg;
			break;
		case 'o':
			opts = optarg;
			break;
		case 'S':
			if (parse_num(optarg, &end, &v) != 0 || *end != '\0' ||
			    v > 3600000) {
				warnx("bad --slow-ms '%s'", optarg);
				usage(2);
			}
			fs.slow_ms = (unsigned int)v;
			break;
		default:
			usage(2);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		usage(2);

	if ((fs.fd = open(argv[0], O_RDONLY | O_CLOEXEC)) == -1)
		err(1, "%s", argv[0]);
	if (fstat(fs.fd, &st) == -1)
		err(1, "%s", argv[0]);
	if (S_ISREG(st.st_mode))
		sz = st.st_size;
	else if ((sz = lseek(fs.fd, 0, SEEK_END)) == -1)
		err(1, "%s: size", argv[0]);
	fs.size = (uint64_t)sz;
	fs.mtime = st.st_mtim;
	if (logpath != NULL) {
		if ((fs.log = fopen(logpath, "a")) == NULL)
			err(1, "%s", logpath);
	}

	if (fuse_opt_add_arg(&args, "badfs") != 0 ||
	    fuse_opt_add_arg(&args, "-s") != 0 ||
	    (foreground && fuse_opt_add_arg(&args, "-f") != 0) ||
	    fuse_opt_add_arg(&args, "-oro,fsname=badfs,subtype=badfs") != 0 ||
	    (opts != NULL && (fuse_opt_add_arg(&args, "-o") != 0 ||
	    fuse_opt_add_arg(&args, opts) != 0)) ||
	    fuse_opt_add_arg(&args, argv[1]) != 0)
		errx(1, "out of memory");
	rc = fuse_main(args.argc, args.argv, &bad_ops, NULL);
	fuse_opt_free_args(&args);
	free(fs.bad);
	if (fs.log != NULL)
		fclose(fs.log);
	close(fs.fd);
	return rc == 0 ? 0 : 1;
}
