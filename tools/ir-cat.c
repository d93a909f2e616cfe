/*
 * ir-cat: the content of one file of a disk image or device, deleted
 * ones too, by path or by inode, as icat gives it; or every deleted file
 * into a directory with a JSON Lines index, as tsk_recover does.  libtsk
 * runs in a worker process, so a crash on a hostile image is reported as
 * such and never passes for a short file.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "hits.h"
#include "image.h"
#include "tool.h"

#define CHUNK	(1U << 20)

struct cat {
	const char		*source;	/* the SOURCE operand */
	const char		*type;		/* image type, NULL: detect */
	const char		*path;		/* PATH, or NULL: by inode */
	uint64_t		 inode;
	uint32_t		 attr_type;
	uint16_t		 attr_id;
	unsigned int		 algs;
	struct ir_hash		*hash;
	struct ir_progress	 prog;
	char			*buf;		/* CHUNK bytes */

	/* One file to outfd. */
	struct ir_img		*img;
	const struct ir_fs_part	*part;
	int			 outfd;
	const char		*outname;	/* for the digest lines */

	/* --all-deleted, --hits: files under dirfd. */
	int			 dirfd;
	const char		*dir;
	struct hits		*hits;		/* --hits: only these */
	int			 utf8;		/* --case: UTF-8 names only */
};

static const struct option longopts[] = {
	{ "all-deleted",	required_argument,	NULL, 'A' },
	{ "hash",		required_argument,	NULL, 'c' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "hits",		required_argument,	NULL, 'H' },
	{ "inode",		required_argument,	NULL, 'n' },
	{ "output",		required_argument,	NULL, 'o' },
	TOOL_CASE_LONGOPTS,
	{ "image-type",		required_argument,	NULL, 'T' },
	{ "partition",		required_argument,	NULL, 'P' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

static __dead void
usage(int status)
{
	FILE *fp = status == 0 ? stdout : stderr;

	(void)fprintf(fp,
"usage: %s [-c alg[,alg...]] [-o file | --case dir] [--partition n]\n"
"              [--image-type type] source path\n"
"       %s [options] source --inode n[-type[-id]]\n"
"       %s [-c alg[,alg...]] [--partition n] [--case dir] source\n"
"              --all-deleted dir\n"
"       %s [-c alg[,alg...]] [--case dir] source --hits records dir\n"
"Write the content of a file of a disk image or device, deleted ones too,\n"
"to stdout or a file, its digests to stderr; or recover every deleted file,\n"
"or every file that ir-scan matched, into a directory with a JSON Lines\n"
"index (index.jsonl).\n"
"  -c, --hash LIST         digests: md5, sha1, sha256 (default sha256)\n"
"  -o, --output FILE       write to FILE (never overwritten), not stdout\n"
"      --inode N[-T[-I]]   the file by inode, as icat takes it (NTFS: the\n"
"                          attribute type and id of a stream)\n"
"      --partition N       the file system of partition N (as mmls numbers\n"
"                          them); needed when the source has several\n"
"      --image-type TYPE   raw, ewf, vmdk or vhd (default: detected)\n"
"      --all-deleted DIR   recover every deleted file into DIR\n"
"      --hits RECORDS      recover into the DIR operand every file of source\n"
"                          named by ir-scan's match records in RECORDS\n"
"      --case DIR          write into case DIR and log it in its custody chain;\n"
"                          the directory of --all-deleted or --hits is then\n"
"                          taken in the case and must lie inside it\n"
"Exit: 0 done, 2 usage or nothing found, 3 incomplete (partly recovered,\n"
"read error, crash, interrupted).\n",
	    tool_progname(), tool_progname(), tool_progname(),
	    tool_progname());
	exit(status);
}

/* "66", "66-128", "66-128-2": inode, NTFS attribute type and id. */
static int
parse_inode(const char *s, struct cat *c)
{
	unsigned long long v[3] = { 0, 0, 0 };
	char *end;
	int i;

	for (i = 0; i < 3; i++) {
		if (*s < '0' || *s > '9')
			return -1;
		errno = 0;
		v[i] = strtoull(s, &end, 10);
		if (errno != 0)
			return -1;
		if (*end == '\0')
			break;
		if (*end != '-' || i == 2)
			return -1;
		s = end + 1;
	}
	if (v[1] > UINT32_MAX || v[2] > UINT16_MAX)
		return -1;
	c->inode = v[0];
	c->attr_type = (uint32_t)v[1];
	c->attr_id = (uint16_t)v[2];
	return 0;
}

/*
 * Copy size bytes of fh to fd, hashing them into d.  A chunk libtsk
 * cannot read is written as zeros and said; the output never ends short
 * without a message.  Returns IMG_* bits; -1 when the output failed.
 */
static int
copy_out(struct cat *c, struct ir_fs_file *fh, uint64_t size, int fd,
    const char *what, struct ir_digest *d)
{
	struct ir_err e;
	uint64_t off = 0;
	size_t n, got;
	int bits = 0;

	if (ir_hash_reset(c->hash, &e) != IR_OK) {
		tool_warnx("%s", e.msg);
		return -1;
	}
	while (off < size) {
		if (tool_stop) {
			tool_warnx("%s: interrupted at byte %" PRIu64 " of %"
			    PRIu64, what, off, size);
			bits |= IMG_STOPPED | IMG_INCOMPLETE;
			break;
		}
		n = size - off < CHUNK ? (size_t)(size - off) : CHUNK;
		if (ir_fs_read(fh, off, c->buf, n, &got, &e) != IR_OK) {
			tool_warnx("%s: bytes %" PRIu64 "-%" PRIu64 " unreadable, "
			    "written as zeros: %s", what, off, off + n - 1,
			    e.msg);
			memset(c->buf, 0, n);
			got = n;
			bits |= IMG_INCOMPLETE;
		} else if (got == 0) {
			tool_warnx("%s: the content ends at byte %" PRIu64
			    " of %" PRIu64, what, off, size);
			bits |= IMG_INCOMPLETE;
			break;
		}
		if (ir_write_full(fd, c->buf, got) < 0) {
			tool_warnx("%s: cannot write: %s", what, strerror(errno));
			return -1;
		}
		if (ir_hash_update(c->hash, c->buf, got, &e) != IR_OK) {
			tool_warnx("%s", e.msg);
			return -1;
		}
		off += got;
		if (ir_progress_add(&c->prog, 0, got))
			tool_progress(&c->prog, "files", 0);
	}
	if (ir_hash_final(c->hash, d, &e) != IR_OK) {
		tool_warnx("%s", e.msg);
		return -1;
	}
	return bits;
}

/* A deleted file part of whose content is known lost: say so. */
static uint64_t
recoverable(struct ir_fs_file *fh, const struct ir_file *fi)
{
	return fi->deleted ? ir_fs_recoverable(fh) : fi->size;
}

/* In the worker: the one file to c->outfd, digests to stderr. */
static int
cat_child(int fd, void *arg)
{
	struct cat *c = arg;
	const struct ir_file *fi;
	struct ir_fs_file *fh;
	struct ir_digest d;
	struct ir_fs *fs;
	struct ir_err e;
	char at[64], what[PATH_MAX], hex[IR_HASH_MAXLEN * 2 + 1];
	uint64_t recov;
	int bits, a;

	(void)close(fd);		/* no records: the exit status says it */
	if (ir_img_open(&c->img, c->source, c->type, &e) != IR_OK) {
		tool_warnx("%s", e.msg);
		return IMG_FAILED;
	}
	if (ir_fs_open(&fs, c->img, c->part, &e) != IR_OK) {
		tool_warnx("%s: %s: %s", c->source,
		    image_where(c->part, at, sizeof(at)), e.msg);
		ir_img_close(c->img);
		return IMG_FAILED;
	}
	if (ir_fs_file_open(&fh, fs, c->path, c->inode, c->attr_type,
	    c->attr_id, &e) != IR_OK) {
		tool_warnx("%s: %s", c->source, e.msg);
		ir_fs_close(fs);
		ir_img_close(c->img);
		return IMG_FAILED;
	}
	fi = ir_fs_file_info(fh);
	if (c->path != NULL)
		(void)snprintf(what, sizeof(what), "%s: %s", c->source,
		    c->path);
	else
		(void)snprintf(what, sizeof(what), "%s: inode %" PRIu64,
		    c->source, c->inode);
	if (S_ISDIR(fi->mode)) {
		tool_warnx("%s: is a directory (ir-walk lists it)", what);
		ir_fs_file_close(fh);
		ir_fs_close(fs);
		ir_img_close(c->img);
		return IMG_FAILED;
	}
	ir_progress_init(&c->prog, fi->size);
	bits = 0;
	if ((recov = recoverable(fh, fi)) < fi->size) {
		tool_warnx("%s: deleted: only %" PRIu64 " of %" PRIu64 " bytes "
		    "can be recovered as they were; the others may belong to "
		    "other files now", what, recov, fi->size);
		bits |= IMG_INCOMPLETE;
	}
	if ((a = copy_out(c, fh, fi->size, c->outfd, what, &d)) < 0)
		bits |= IMG_FAILED | IMG_INCOMPLETE;
	else {
		bits |= a;
		tool_progress(&c->prog, "files", 1);
		for (a = 0; a < IR_HASH_NALG; a++)
			if (d.algs & IR_HASH_BIT(a)) {
				ir_digest_hex(&d, (enum ir_hash_alg)a, hex);
				(void)fprintf(stderr, "%s (%s) = %s\n",
				    a == IR_HASH_MD5 ? "MD5" : a ==
				    IR_HASH_SHA1 ? "SHA1" : "SHA256",
				    c->outname, hex);
			}
	}
	ir_fs_file_close(fh);
	ir_fs_close(fs);
	ir_img_close(c->img);
	return bits;
}

/*
 * --all-deleted, in an image's worker: one deleted file into the
 * directory, and its index record.  Only file content is recovered, as
 * tsk_recover does: no directories, $FILE_NAME entries or libtsk's virtual
 * files.
 */
static int
recover_file(const struct ir_fs_ent *ent, struct ir_writer *w, void *arg)
{
	struct cat *c = arg;
	struct ir_file fi = *ent->file;
	struct ir_field f[IR_FILE_MAXFIELDS + 1];
	char scratch[IR_FILE_SCRATCH][IR_HASH_MAXLEN * 2 + 1];
	struct ir_err e;
	char *rel, *made = NULL;
	uint64_t recov;
	size_t n;
	int fd, bits = 0, got;
	uint32_t type = fi.mode & S_IFMT;

	if (tool_stop)
		return IMG_STOPPED;
	if (type == 0)
		type = fi.name_type;
	if (type != S_IFREG || fi.virt || fi.fname_times)
		return 0;
	if (c->hits != NULL && hits_find(c->hits, ent->part, fi.inode) == NULL)
		return 0;
	fi.source = c->source;
	if (fi.no_meta)
		fi.skipped = "no metadata: the name's inode is gone";
	else if ((recov = recoverable(ent->fh, &fi)) == 0 && fi.size > 0)
		fi.skipped = "content not recoverable";
	else {
		if (recov < fi.size) {
			fi.partial = 1;
			fi.recovered = recov;
		}
		if (asprintf(&rel, "%s%d/%s", ent->part >= 0 ? "p" : "",
		    ent->part, fi.path) < 0 ||
		    (c->utf8 && (rel = tool_utf8_name(rel)) == NULL)) {
			tool_warnx("out of memory");
			return -1;
		}
		/* A bare file system: no "pN/" level. */
		fd = ir_create_under(c->dirfd, ent->part >= 0 ? rel :
		    strchr(rel, '/') + 1, &made, &e);
		free(rel);
		if (fd < 0) {
			tool_warnx("%s: %s", c->dir, e.msg);
			return -1;
		}
		got = copy_out(c, ent->fh, fi.size, fd, fi.path, &fi.digest);
		if (close(fd) != 0 && got >= 0) {
			tool_warnx("%s/%s: %s", c->dir, made, strerror(errno));
			got = -1;
		}
		if (got < 0) {
			/* Not indexed, so not left: no file without custody. */
			(void)unlinkat(c->dirfd, made, 0);
			free(made);
			return -1;
		}
		bits |= got;
		if (got & IMG_INCOMPLETE)
			(void)snprintf(fi.error, sizeof(fi.error),
			    "part of the content could not be read");
	}
	n = ir_file_fields(&fi, f, scratch);
	if (made != NULL)
		f[n++] = IR_FSTR("output", made);
	got = ir_writer_record(w, f, n, &e);
	free(made);
	(void)ir_progress_add(&c->prog, 1, 0);
	return got == IR_OK ? bits : -1;
}

/*
 * The file system the file is on: --partition N, or the only one; NULL
 * (said) when there is no such partition or no single one.
 */
static const struct ir_fs_part *
pick_part(const struct cat *c, const struct ir_fs_part *parts, size_t n,
    int want)
{
	size_t i;

	struct ir_fs_opts o = { 0, want, NULL };

	if (want >= 0) {
		for (i = 0; i < n; i++)
			if (ir_fs_part_selected(&o, &parts[i]))
				return &parts[i];
		tool_warnx("%s: no partition %d (see mmls)", c->source, want);
		return NULL;
	}
	if (n == 1)
		return &parts[0];
	tool_warnx("%s: %zu partitions: choose one with --partition N (see "
	    "mmls)", c->source, n);
	return NULL;
}

static int
discard(const char *buf, size_t n, void *arg)
{
	(void)buf;
	(void)n;
	(void)arg;
	return 0;
}

/* One file to the output; returns the exit status. */
static int
cat_one(struct cat *c, const char *type, int partition, int created,
    const char *outpath)
{
	struct ir_worker_end end;
	struct ir_fs_part *parts;
	struct ir_err e;
	size_t n;
	int bits;

	c->type = type;
	if (image_parts(c->source, type, &parts, &n) != 0 ||
	    (c->part = pick_part(c, parts, n, partition)) == NULL) {
		free(parts);
		/* Nothing was written: leave nothing behind. */
		if (created && outpath != NULL)
			(void)unlink(outpath);
		return IR_EXIT_USAGE;
	}
	(void)fflush(stderr);
	if (ir_worker_run(cat_child, c, discard, NULL, &end, &e) != IR_OK)
		tool_die(IR_EXIT_INCOMPLETE, "%s: %s", c->source, e.msg);
	free(parts);
	if (end.signal != 0) {
		if (end.hung)
			tool_warnx("%s: reading the file hung (libtsk "
			    "deadlocked) and was stopped: the output is "
			    "incomplete", c->source);
		else if (tool_stop)
			tool_warnx("interrupted: the output is incomplete");
		else
			tool_warnx("%s: reading the file crashed libtsk (%s): "
			    "the output is incomplete", c->source,
			    strsignal(end.signal));
		return IR_EXIT_INCOMPLETE;
	}
	bits = end.status;
	if (bits == IMG_FAILED) {
		/* Nothing was written: leave nothing behind. */
		if (created && outpath != NULL)
			(void)unlink(outpath);
		return IR_EXIT_USAGE;
	}
	if (bits & (IMG_INCOMPLETE | IMG_STOPPED | IMG_FAILED))
		return IR_EXIT_INCOMPLETE;
	return IR_EXIT_OK;
}

/*
 * --hits: every hit must be in the index, or the exit status says that
 * the extraction is incomplete (a file gone from the image, a bad inode).
 */
static int
hits_check(struct cat *c)
{
	struct hits got;
	char *index;
	size_t i, missing = 0;

	if (asprintf(&index, "%s/index.jsonl", c->dir) < 0) {
		tool_warnx("out of memory");
		return IR_EXIT_INCOMPLETE;
	}
	if (hits_load(&got, index, NULL, NULL) != 0) {
		free(index);
		return IR_EXIT_INCOMPLETE;
	}
	free(index);
	for (i = 0; i < c->hits->n; i++) {
		if (hits_find(&got, c->hits->v[i].part, c->hits->v[i].inode))
			continue;
		tool_warnx("%s: no file with inode %" PRIu64 " in %s%d", c->source,
		    c->hits->v[i].inode, c->hits->v[i].part < 0 ?
		    "the file system" : "partition ", c->hits->v[i].part);
		missing++;
	}
	hits_free(&got);
	return missing > 0 ? IR_EXIT_INCOMPLETE : IR_EXIT_OK;
}

/* --all-deleted DIR, --hits RECORDS DIR: returns the exit status. */
static int
cat_deleted(struct cat *c, const char *type, int partition)
{
	struct image_walk iw;
	struct ir_writer *w;
	struct ir_err e;
	FILE *index;
	int fd, bits;

	if (mkdir(c->dir, 0755) != 0 && errno != EEXIST)
		tool_die(IR_EXIT_USAGE, "cannot create '%s': %s", c->dir,
		    strerror(errno));
	if ((c->dirfd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		tool_die(IR_EXIT_USAGE, "%s: %s", c->dir, strerror(errno));
	fd = openat(c->dirfd, "index.jsonl", O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 && errno == EEXIST)
		tool_die(IR_EXIT_USAGE, "%s/index.jsonl exists: recover into a "
		    "new directory", c->dir);
	if (fd < 0 || (index = fdopen(fd, "w")) == NULL)
		tool_die(IR_EXIT_USAGE, "%s/index.jsonl: %s", c->dir,
		    strerror(errno));
	if (ir_writer_open(&w, IR_FMT_JSONL, index, ir_file_columns, &e) !=
	    IR_OK)
		tool_die(IR_EXIT_USAGE, "%s", e.msg);
	memset(&iw, 0, sizeof(iw));
	iw.path = iw.source = c->source;
	iw.type = type;
	iw.opts.flags = c->hits != NULL ? 0 : IR_FS_DELETED_ONLY;
	iw.opts.partition = partition;
	iw.opts.stop = &tool_stop;
	iw.fmt = IR_FMT_JSONL;
	iw.on_file = recover_file;
	iw.arg = c;
	ir_progress_init(&c->prog, 0);
	bits = image_walk(&iw, w, index);
	if (ir_writer_close(w, &e) != IR_OK || fclose(index) != 0) {
		tool_warnx("%s/index.jsonl: cannot write", c->dir);
		bits |= IMG_INCOMPLETE;
	}
	(void)close(c->dirfd);
	if (bits & IMG_STOPPED)
		tool_warnx("interrupted: %s is incomplete", c->dir);
	if (bits & (IMG_INCOMPLETE | IMG_STOPPED | IMG_FAILED))
		return IR_EXIT_INCOMPLETE;
	return c->hits != NULL ? hits_check(c) : IR_EXIT_OK;
}

/*
 * --case: one custody entry for the run, naming the index and every file
 * it says was recovered, as paths in the case (rel is the directory's),
 * with the SHA-256 the index gives (taken as the file was written).  The
 * files are recovered in image_walk's worker process: the index is what
 * reaches this one.  Returns the exit status.
 */
static int
case_log_dir(struct tool_case *tc, const struct cat *c, const char *rel,
    int status)
{
	struct tool_outputs outs = TOOL_OUTPUTS_INIT;
	char *path, *line = NULL;
	const char *made;
	size_t sz = 0;
	ssize_t len;
	json_error_t je;
	json_t *r;
	FILE *fp;

	tool_outputs_add(&outs, rel, "index.jsonl", NULL);
	if (asprintf(&path, "%s/index.jsonl", c->dir) < 0)
		tool_die(IR_EXIT_INCOMPLETE, "out of memory");
	if ((fp = fopen(path, "re")) == NULL) {
		tool_warnx("%s: %s", path, strerror(errno));
		status = IR_EXIT_INCOMPLETE;
	}
	while (fp != NULL && (len = getline(&line, &sz, fp)) > 0) {
		if ((r = json_loadb(line, (size_t)len, 0, &je)) == NULL) {
			tool_warnx("%s: %s", path, je.text);
			status = IR_EXIT_INCOMPLETE;
			continue;
		}
		made = json_string_value(json_object_get(r, "output"));
		if (made != NULL)
			tool_outputs_add(&outs, rel, made, json_string_value(
			    json_object_get(r, "sha256")));
		json_decref(r);
	}
	if (fp != NULL)
		(void)fclose(fp);
	status = tool_case_close_with(tc, status, status == IR_EXIT_OK, &outs);
	free(line);
	free(path);
	return status;
}

int
main(int argc, char *argv[])
{
	struct tool_case tc;
	struct hits hits;
	struct cat c;
	struct ir_err e;
	struct tool_case_opts co = { NULL, NULL, NULL };
	const char *outpath = NULL, *type = NULL, *ext, *hitsfile = NULL;
	char *caserel = NULL, *dir = NULL;
	unsigned int algs = IR_HASH_BIT(IR_HASH_SHA256);
	uint64_t v;
	int ch, byinode = 0, partition = -1, created = 0, status;
	FILE *out = NULL;

	tool_setprogname(argv[0]);
	if (ir_init(&e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "%s", e.msg);
	memset(&c, 0, sizeof(c));
	c.outfd = STDOUT_FILENO;
	c.outname = "-";
	c.dirfd = -1;
	while ((ch = getopt_long(argc, argv, "c:ho:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'A':
			c.dir = optarg;
			break;
		case 'c':
			if (ir_hash_parse_list(optarg, &algs, &e) != IR_OK)
				tool_usage_error("%s", e.msg);
			break;
		case 'h':
			usage(0);
		case 'H':
			hitsfile = optarg;
			break;
		case 'n':
			if (parse_inode(optarg, &c) != 0)
				tool_usage_error("bad --inode '%s': N, N-TYPE "
				    "or N-TYPE-ID", optarg);
			byinode = 1;
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'T':
			type = optarg;
			break;
		case 'P':
			if (tool_parse_size(optarg, &v) != 0 || v > 10000)
				tool_usage_error("bad --partition '%s'", optarg);
			partition = (int)v;
			break;
		case 'V':
			tool_version();
		default:
			if (!tool_case_opt(&co, ch, optarg))
				tool_usage_error("unknown option");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		tool_usage_error("no source given");
	c.source = argv[0];
	if (hitsfile != NULL) {
		if (argc != 2 || c.dir != NULL || byinode || outpath != NULL)
			tool_usage_error("--hits takes a source and a directory "
			    "(no --inode, --all-deleted or --output)");
		c.dir = argv[1];
	} else if (c.dir != NULL) {
		if (argc > 1 || byinode || outpath != NULL)
			tool_usage_error("--all-deleted takes a source only "
			    "(no path, --inode or --output)");
	} else if (byinode == (argc == 2) || argc > 2)
		tool_usage_error("give a path or --inode N, not both");
	else if (!byinode)
		c.path = argv[1];
	if (outpath != NULL && co.dir != NULL)
		tool_usage_error("--output and --case exclude each other");

	tool_setup();
	if (ir_hash_new(&c.hash, algs, 0, &e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "%s", e.msg);
	if ((c.buf = malloc(CHUNK)) == NULL)
		tool_die(IR_EXIT_INCOMPLETE, "out of memory");
	if (hitsfile != NULL) {
		if (hits_load(&hits, hitsfile, "match", c.source) != 0)
			tool_die(IR_EXIT_USAGE, "%s: cannot read the records",
			    hitsfile);
		if (hits.other > 0)
			tool_warnx("%s: %zu match records of other sources "
			    "left out", hitsfile, hits.other);
		if (hits.n == 0)
			tool_die(IR_EXIT_USAGE, "%s: no match record with an "
			    "inode of %s", hitsfile, c.source);
		c.hits = &hits;
	}
	if (c.dir != NULL && co.dir != NULL) {
		/* Custody names files by their path in the case. */
		caserel = tool_case_open_dir(&tc, &co, c.dir, argc + optind,
		    argv - optind);
		if (asprintf(&dir, "%s/%s", co.dir, caserel) < 0)
			tool_die(IR_EXIT_INCOMPLETE, "out of memory");
		c.dir = dir;
		c.utf8 = 1;
		status = cat_deleted(&c, type, partition);
		status = case_log_dir(&tc, &c, caserel, status);
	} else if (c.dir != NULL)
		status = cat_deleted(&c, type, partition);
	else {
		if (co.dir != NULL) {
			ext = c.path != NULL ? strrchr(c.path, '.') : NULL;
			if (ext == NULL || strchr(ext, '/') != NULL ||
			    ext[1] == '\0')
				ext = ".bin";
			out = tool_case_open(&tc, &co, ext + 1, argc + optind,
			    argv - optind);
			c.outfd = fileno(out);
			c.outname = tc.out;
		} else if (outpath != NULL) {
			c.outfd = tool_create_output(outpath, &created);
			c.outname = outpath;
		} else if (isatty(STDOUT_FILENO))
			tool_usage_error("stdout is a terminal: use -o FILE or "
			    "a pipe");
		status = cat_one(&c, type, partition, created, outpath);
		if (out != NULL ? fclose(out) != 0 : c.outfd != STDOUT_FILENO &&
		    close(c.outfd) != 0) {
			tool_warnx("%s: %s", c.outname, strerror(errno));
			status = IR_EXIT_INCOMPLETE;
		}
		if (co.dir != NULL)
			status = tool_case_close(&tc, status,
			    status == IR_EXIT_OK);
	}
	if (c.hits != NULL)
		hits_free(c.hits);
	free(caserel);
	free(dir);
	free(c.buf);
	ir_hash_free(c.hash);
	return status;
}
