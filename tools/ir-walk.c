/*
 * ir-walk: one record per file system object of live directory trees:
 * metadata, and on request hashes, content type and known-hash verdicts.
 * Content is read by a pool of threads; records come out in walk order.
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image.h"
#include "tool.h"

struct job {
	struct ir_file	 f;
	int		 fd;		/* -1: no content work */
	uint64_t	 nread;
	char		 strings[];	/* path, NUL, link, NUL */
};

struct excl {				/* our own outputs: never walked */
	uint64_t	 dev, ino;
};

struct walker {
	struct ir_content_opts	 copts;
	struct ir_writer	*w;
	struct ir_pool		*pool;
	struct ir_hashset	*good, *bad;
	struct ir_progress	 prog;
	struct excl		 excl[2];
	int			 nexcl;
	unsigned long		 nerrors, nbad, nmismatch;
	int			 output_failed;
	struct ir_err		 werr;
	struct ir_content	*content;	/* image files, in the worker */
	const char		*source;
};

static const struct option longopts[] = {
	{ "null",		no_argument,		NULL, '0' },
	{ "hash",		required_argument,	NULL, 'c' },
	{ "format",		required_argument,	NULL, 'f' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "jobs",		required_argument,	NULL, 'j' },
	{ "output",		required_argument,	NULL, 'o' },
	{ "type",		no_argument,		NULL, 't' },
	{ "one-file-system",	no_argument,		NULL, 'x' },
	{ "max-size",		required_argument,	NULL, 'S' },
	{ "max-depth",		required_argument,	NULL, 'D' },
	{ "known-good",		required_argument,	NULL, 'G' },
	{ "known-bad",		required_argument,	NULL, 'B' },
	TOOL_CASE_LONGOPTS,
	{ "magic",		required_argument,	NULL, 'M' },
	{ "image",		no_argument,		NULL, 'i' },
	{ "live",		no_argument,		NULL, 'L' },
	{ "image-type",		required_argument,	NULL, 'T' },
	{ "deleted-only",	no_argument,		NULL, 'd' },
	{ "partition",		required_argument,	NULL, 'P' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

static __dead void
usage(int status)
{
	FILE *fp = status == 0 ? stdout : stderr;

	(void)fprintf(fp,
"usage: %s [-0tx] [-c alg[,alg...]] [-f format] [-j jobs] [-o file]\n"
"               [--known-good file] [--known-bad file] [--max-size size]\n"
"               [--max-depth n] [--case dir [--case-id id] [--examiner name]]\n"
"               [--magic file] [--image | --live] [--image-type type]\n"
"               [--deleted-only] [--partition n] path ...\n"
"Write one record per file system object under each path; for a disk\n"
"image or device, per file of each of its file systems, deleted ones too.\n"
"  -0, --null             read NUL-separated paths from stdin, not arguments\n"
"  -c, --hash LIST        hash content: md5, sha1, sha256 (comma-separated)\n"
"  -t, --type             add the libmagic type; flag executables named as\n"
"                         documents or pictures (mime_mismatch)\n"
"  -f, --format FMT       jsonl (default), csv or body (mactime bodyfile)\n"
"  -x, --one-file-system  stay on the file system of each path\n"
"  -j, --jobs N           content threads (default: number of cores)\n"
"  -o, --output FILE      write records to FILE instead of stdout\n"
"      --known-good FILE  hash list; matches get known: good\n"
"      --known-bad FILE   hash list; matches get known: bad (exit 1)\n"
"      --max-size SIZE    do not read files larger than SIZE (10M, 2G)\n"
"      --max-depth N      do not descend more than N levels\n"
"      --case DIR         write into case DIR and log it in its custody chain\n"
"      --image, --live    treat every path as an image / as a live tree\n"
"                         (default: devices and image files are images)\n"
"      --image-type TYPE  raw, ewf, vmdk or vhd (default: detected)\n"
"      --deleted-only     images: only deleted files\n"
"      --partition N      images: only partition N (numbered as by mmls)\n"
"Exit: 0 done, 1 found (known-bad, mismatch), 2 usage, 3 incomplete.\n",
	    tool_progname());
	exit(status);
}

static int
excluded(const struct walker *wk, const struct ir_file *f)
{
	int i;

	for (i = 0; i < wk->nexcl; i++)
		if (wk->excl[i].dev == f->dev && wk->excl[i].ino == f->inode)
			return 1;
	return 0;
}

static void
add_excl(struct walker *wk, int fd)
{
	struct stat st;

	if (fstat(fd, &st) != 0 || wk->nexcl == 2)
		return;
	wk->excl[wk->nexcl].dev = ((uint64_t)major(st.st_dev) << 32) |
	    minor(st.st_dev);
	wk->excl[wk->nexcl].ino = st.st_ino;
	wk->nexcl++;
}

/* Worker thread: read the content once for every digest and the type. */
static void
job_work(void *arg, void *tctx)
{
	struct job *j = arg;

	if (j->fd < 0)
		return;
	(void)ir_content_file(tctx, j->fd, &j->f, &j->nread);
	(void)close(j->fd);
	j->fd = -1;
}

/* Known-hash lists: bad wins over good. */
static void
verdict(const struct walker *wk, struct ir_file *fi)
{
	const char *note;

	if (fi->digest.algs == 0)
		return;
	if (wk->bad != NULL && ir_hashset_match(wk->bad, &fi->digest, &note)) {
		fi->known = IR_KNOWN_BAD;
		fi->known_note = note;
	} else if (wk->good != NULL &&
	    ir_hashset_match(wk->good, &fi->digest, &note)) {
		fi->known = IR_KNOWN_GOOD;
		fi->known_note = note;
	}
}

/*
 * In an image's worker: one file's record.  A deleted file is hashed as
 * libtsk gives it back; when some of it is known lost, partial says so.
 */
static int
image_file(const struct ir_fs_ent *ent, struct ir_writer *w, void *arg)
{
	struct walker *wk = arg;
	struct ir_file fi = *ent->file;
	struct ir_field f[IR_FILE_MAXFIELDS];
	char scratch[IR_FILE_SCRATCH][IR_HASH_MAXLEN * 2 + 1];
	struct ir_err e;
	uint64_t nread = 0, recov;
	int bits = 0;

	if (tool_stop)
		return IMG_STOPPED;
	fi.source = wk->source;
	if (S_ISREG(fi.mode) && !fi.virt && !fi.fname_times &&
	    wk->content != NULL) {
		recov = fi.deleted ? ir_fs_recoverable(ent->fh) : fi.size;
		if (fi.size > 0 && recov == 0)
			fi.skipped = "content not recoverable";
		else {
			if (recov < fi.size) {
				fi.partial = 1;
				fi.recovered = recov;
			}
			(void)ir_content_reader(wk->content, image_fs_reader,
			    ent->fh, fi.size, &fi, &nread);
		}
	}
	verdict(wk, &fi);
	if (fi.known == IR_KNOWN_BAD || fi.mime_mismatch)
		bits |= IMG_FOUND;
	if (fi.error[0] != '\0')
		bits |= IMG_INCOMPLETE;
	if (ir_writer_record(w, f, ir_file_fields(&fi, f, scratch), &e) !=
	    IR_OK)
		return -1;
	if (ir_progress_add(&wk->prog, 1, nread))
		tool_progress(&wk->prog, "objects", 0);
	return bits;
}

/* Submitting thread, in walk order: verdicts, then the record. */
static int
job_done(void *arg, void *warg, struct ir_err *e)
{
	struct job *j = arg;
	struct walker *wk = warg;
	struct ir_field f[IR_FILE_MAXFIELDS];
	char scratch[IR_FILE_SCRATCH][IR_HASH_MAXLEN * 2 + 1];
	size_t n;
	int rc;

	verdict(wk, &j->f);
	if (j->f.known == IR_KNOWN_BAD)
		wk->nbad++;
	if (j->f.mime_mismatch)
		wk->nmismatch++;
	if (j->f.error[0] != '\0')
		wk->nerrors++;
	n = ir_file_fields(&j->f, f, scratch);
	/* After a write error the jobs still queued are only freed. */
	rc = wk->output_failed ? IR_OK : ir_writer_record(wk->w, f, n, e);
	if (ir_progress_add(&wk->prog, 1, j->nread))
		tool_progress(&wk->prog, "objects", 0);
	free(j);
	return rc;
}

static enum ir_walk_act
on_entry(struct ir_walk_ent *ent, void *arg)
{
	struct walker *wk = arg;
	struct ir_file *f = ent->file;
	struct ir_err e;
	struct stat st;
	struct job *j;
	size_t linklen = f->link != NULL ? f->linklen : 0;

	if (tool_stop)
		return IR_WALK_STOP;
	if (excluded(wk, f))
		return IR_WALK_PRUNE;
	if ((j = malloc(sizeof(*j) + f->pathlen + linklen + 2)) == NULL) {
		ir_err_set(&wk->werr, IR_ENOMEM, 0, "out of memory");
		wk->output_failed = 1;
		return IR_WALK_STOP;
	}
	j->f = *f;
	j->fd = -1;
	j->nread = 0;
	memcpy(j->strings, f->path, f->pathlen + 1);
	j->f.path = j->strings;
	j->f.name = j->strings + (f->name - f->path);
	if (f->link != NULL) {
		memcpy(j->strings + f->pathlen + 1, f->link, linklen + 1);
		j->f.link = j->strings + f->pathlen + 1;
	}
	if (S_ISREG(f->mode) && f->error[0] == '\0' &&
	    ir_content_wanted(&wk->copts)) {
		if (ent->pseudo_fs)
			j->f.skipped = "pseudo file system";
		else if (wk->copts.max_size != 0 && f->size > wk->copts.max_size)
			j->f.skipped = "larger than max-size";
		else if ((j->fd = ir_open_evidence(ent->dirfd, ent->relname, 0,
		    &e)) < 0)
			(void)snprintf(j->f.error, sizeof(j->f.error), "%s",
			    e.msg);
		else if (fstat(j->fd, &st) != 0 || st.st_ino != f->inode ||
		    !S_ISREG(st.st_mode)) {
			(void)snprintf(j->f.error, sizeof(j->f.error),
			    "replaced between examination and reading");
			(void)close(j->fd);
			j->fd = -1;
		}
	}
	if (ir_pool_submit(wk->pool, j, &wk->werr) != IR_OK) {
		wk->output_failed = 1;
		return IR_WALK_STOP;
	}
	return IR_WALK_CONTINUE;
}

/* Paths from stdin, NUL-separated (find -print0); *blob owns the strings. */
static char **
read_paths0(size_t *np, struct ir_buf *blob)
{
	struct ir_err e;
	char **v = NULL, **nv, *p, *end;
	size_t n = 0;

	ir_buf_init(blob, 1ULL << 32);
	if (ir_read_fd(STDIN_FILENO, "stdin", blob, &e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "%s", e.msg);
	end = blob->buf + blob->len;
	for (p = blob->buf; p < end; p += strlen(p) + 1) {
		if (*p == '\0')
			continue;
		if ((nv = realloc(v, (n + 1) * sizeof(*v))) == NULL)
			tool_die(IR_EXIT_INCOMPLETE, "out of memory");
		v = nv;
		v[n++] = p;
	}
	*np = n;
	return v;
}

int
main(int argc, char *argv[])
{
	struct walker wk;
	struct ir_walk_opts wo;
	struct tool_case tc;
	struct tool_case_opts co = { NULL, NULL, NULL };
	struct ir_err e;
	enum ir_format fmt = IR_FMT_JSONL;
	const char *good[8], *bad[8], *outpath = NULL, *magic_db = NULL;
	void **tctx;
	struct ir_buf pathblob = IR_BUF_INIT(0);
	char **paths = argv, *end;
	size_t npaths, i;
	unsigned int algs = 0;
	unsigned long nerr;
	uint64_t v;
	int ngood = 0, nbad = 0, null = 0, jobs = 0, ch, status = IR_EXIT_OK;
	int rc, k, complete = 1, fd, mode = 0, bits;
	struct image_walk iw;
	FILE *out = stdout;

	tool_setprogname(argv[0]);
	memset(&wk, 0, sizeof(wk));
	memset(&wo, 0, sizeof(wo));
	memset(&iw, 0, sizeof(iw));
	iw.opts.partition = -1;
	while ((ch = getopt_long(argc, argv, "0c:f:hj:o:tx", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case '0':
			null = 1;
			break;
		case 'c':
			if (ir_hash_parse_list(optarg, &algs, &e) != IR_OK)
				tool_usage_error("%s", e.msg);
			break;
		case 'f':
			if (ir_format_lookup(optarg, &fmt, &e) != IR_OK)
				tool_usage_error("%s", e.msg);
			break;
		case 'h':
			usage(IR_EXIT_OK);
		case 'j':
			errno = 0;
			jobs = (int)strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || jobs < 1 || jobs > 256)
				tool_usage_error("bad --jobs '%s' (1 to 256)",
				    optarg);
			break;
		case 'o':
			outpath = optarg;
			break;
		case 't':
			wk.copts.type = 1;
			break;
		case 'x':
			wo.flags |= IR_WALK_ONE_FS;
			break;
		case 'S':
			if (tool_parse_size(optarg, &wk.copts.max_size) != 0)
				tool_usage_error("bad --max-size '%s'", optarg);
			break;
		case 'D':
			if (tool_parse_size(optarg, &v) != 0 || v > 1000000)
				tool_usage_error("bad --max-depth '%s'", optarg);
			wo.max_depth = (int)v;
			break;
		case 'G':
			if (ngood == 8)
				tool_usage_error("at most 8 --known-good lists");
			good[ngood++] = optarg;
			break;
		case 'B':
			if (nbad == 8)
				tool_usage_error("at most 8 --known-bad lists");
			bad[nbad++] = optarg;
			break;
		case 'M':
			magic_db = optarg;
			break;
		case 'i':
		case 'L':
			if (mode != 0 && mode != ch)
				tool_usage_error("--image and --live exclude "
				    "each other");
			mode = ch;
			break;
		case 'T':
			iw.type = optarg;
			break;
		case 'd':
			iw.opts.flags |= IR_FS_DELETED_ONLY;
			break;
		case 'P':
			if (tool_parse_size(optarg, &v) != 0 || v > 10000)
				tool_usage_error("bad --partition '%s'", optarg);
			iw.opts.partition = (int)v;
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
	paths = argv;
	npaths = (size_t)argc;
	if (null) {
		if (argc > 0)
			tool_usage_error("-0 reads paths from stdin; give none "
			    "as arguments");
		paths = read_paths0(&npaths, &pathblob);
	}
	if (npaths == 0)
		tool_usage_error("no path given");
	if (outpath != NULL && co.dir != NULL)
		tool_usage_error("--output and --case exclude each other");

	/* Known-hash lists decide which digests are needed. */
	for (k = 0; k < ngood + nbad; k++) {
		struct ir_hashset **set = k < ngood ? &wk.good : &wk.bad;
		const char *file = k < ngood ? good[k] : bad[k - ngood];

		if (*set == NULL && ir_hashset_new(set, &e) != IR_OK)
			tool_die(IR_EXIT_USAGE, "%s", e.msg);
		if (ir_hashset_load_file(*set, file, &e) != IR_OK)
			tool_die(IR_EXIT_USAGE, "%s", e.msg);
		algs |= ir_hashset_algs(*set);
	}
	wk.copts.algs = algs;
	wk.copts.magic_db = magic_db != NULL ? magic_db : tool_magic_db();

	tool_setup();
	if (co.dir != NULL) {
		out = tool_case_open(&tc, &co,
		    fmt == IR_FMT_JSONL ? "jsonl" : fmt == IR_FMT_CSV ? "csv" :
		    "body", argc + optind, argv - optind);
		if ((fd = open(co.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
			add_excl(&wk, fd);
			(void)close(fd);
		}
	} else if (outpath != NULL)
		out = tool_open_output(outpath);
	if (out != stdout)
		add_excl(&wk, fileno(out));

	if (jobs == 0)
		jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (jobs < 1)
		jobs = 1;
	if (!ir_content_wanted(&wk.copts))
		jobs = 0;		/* metadata only: no threads needed */
	if ((tctx = calloc((size_t)(jobs ? jobs : 1), sizeof(*tctx))) == NULL)
		tool_die(IR_EXIT_INCOMPLETE, "out of memory");
	for (k = 0; k < (jobs ? jobs : 1) && ir_content_wanted(&wk.copts); k++)
		if (ir_content_new((struct ir_content **)&tctx[k], &wk.copts,
		    &e) != IR_OK)
			tool_die(IR_EXIT_USAGE, "%s", e.msg);
		else
			ir_content_set_stop(tctx[k], &tool_stop);
	if (ir_writer_open(&wk.w, fmt, out, ir_file_columns, &e) != IR_OK ||
	    ir_pool_new(&wk.pool, jobs, jobs > 0 ? jobs * 16 : 1, job_work,
	    job_done, &wk, tctx, &e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "%s", e.msg);
	ir_progress_init(&wk.prog, 0);

	wo.stop = &tool_stop;
	iw.fmt = fmt;
	iw.on_file = image_file;
	iw.arg = &wk;
	iw.opts.stop = &tool_stop;
	wk.content = ir_content_wanted(&wk.copts) ? tctx[0] : NULL;
	for (i = 0; i < npaths && !wk.output_failed; i++) {
		if (mode == 'i' || (mode != 'L' && ir_img_probe(paths[i]))) {
			/* Records so far go out before the worker's. */
			while (ir_pool_drain(wk.pool, &wk.werr) != IR_OK)
				wk.output_failed = 1;
			if (wk.output_failed)
				break;
			iw.path = iw.source = wk.source = paths[i];
			bits = image_walk(&iw, wk.w, out);
			if (bits & IMG_FOUND)
				wk.nbad++;
			if (bits & (IMG_INCOMPLETE | IMG_FAILED))
				complete = 0;
			if ((bits & IMG_STOPPED) || tool_stop) {
				tool_warnx("interrupted: output is incomplete");
				complete = 0;
				break;
			}
			continue;
		}
		if (iw.type != NULL || iw.opts.partition >= 0 ||
		    (iw.opts.flags & IR_FS_DELETED_ONLY)) {
			tool_warnx("%s: not a disk image; --image-type, "
			    "--partition and --deleted-only apply to images "
			    "only", paths[i]);
			complete = 0;
			continue;
		}
		rc = ir_walk_tree(paths[i], &wo, on_entry, &wk, &nerr, &e);
		while (ir_pool_drain(wk.pool, &wk.werr) != IR_OK)
			wk.output_failed = 1;	/* drain on: free every job */
		/* tool_stop alone: the walk was done, a file was cut short */
		if ((rc == IR_EINTR || tool_stop) && !wk.output_failed) {
			tool_warnx("interrupted: output is incomplete");
			complete = 0;
			break;
		}
		if (rc != IR_OK && !wk.output_failed) {
			tool_warnx("%s", e.msg);
			complete = 0;
		}
	}
	tool_progress(&wk.prog, "objects", 1);
	if (!complete && fmt == IR_FMT_JSONL && !wk.output_failed) {
		struct ir_field f[2];

		f[0] = IR_FSTR("type", "incomplete");
		f[1] = IR_FSTR("reason", tool_stop ? "interrupted" :
		    "a path could not be walked");
		(void)ir_writer_record(wk.w, f, 2, &wk.werr);
	}
	if (ir_writer_close(wk.w, &e) != IR_OK && !wk.output_failed) {
		wk.output_failed = 1;
		wk.werr = e;
	}
	if (out != stdout ? fclose(out) != 0 : fflush(stdout) != 0) {
		if (!wk.output_failed)
			ir_err_set(&wk.werr, IR_EIO, errno, "cannot write output");
		wk.output_failed = 1;
	}
	if (wk.output_failed) {
		tool_warnx("%s", wk.werr.msg);
		complete = 0;
	}
	if (wk.nerrors > 0) {
		tool_warnx("%lu object%s could not be read fully (see their "
		    "\"error\" field)", wk.nerrors, wk.nerrors == 1 ? "" : "s");
		status = IR_EXIT_INCOMPLETE;
	}
	if (wk.nbad > 0 || wk.nmismatch > 0)
		status = tool_status(status, IR_EXIT_FOUND);
	if (!complete)
		status = IR_EXIT_INCOMPLETE;
	ir_pool_free(wk.pool);
	for (k = 0; k < jobs || k == 0; k++)
		ir_content_free(tctx[k]);
	free(tctx);
	ir_hashset_free(wk.good);
	ir_hashset_free(wk.bad);
	if (null) {
		free(paths);
		ir_buf_release(&pathblob);
	}
	if (co.dir != NULL)
		status = tool_case_close(&tc, status, complete &&
		    status != IR_EXIT_INCOMPLETE);
	return status;
}
