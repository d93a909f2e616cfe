/*
 * ir-scan: YARA rules and IOCs (hashes, file names, keywords) over files,
 * live trees, disk images and devices (every file, deleted ones too, and
 * the unallocated space) and the memory of running processes.  One read
 * of each file feeds YARA, the digests and the content type; threads
 * scan, records come out in walk order.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image.h"
#include "scanhit.h"
#include "tool.h"

#define MAXLIST		64
#define DEFAULT_MAX	(64ULL << 20)
#define CHUNK		(16U << 20)	/* unallocated space, process memory */
#define OVERLAP		(64U << 10)	/* kept across chunk ends */
/* Larger mappings are reservations (sanitizer shadow, VM heaps), not data. */
#define MAX_REGION	(16ULL << 30)

struct job {
	struct ir_file	 f;
	int		 fd;		/* a live file being read, or -1 */
	int		 live;		/* open f.path on the thread */
	int		 noscan;	/* only a problem to say, in order */
	int		 dropped;	/* not begun before SIGINT: not said */
	unsigned char	*buf;		/* or its bytes, read already */
	size_t		 n;
	struct ir_field	 base[12];	/* bytes of other origin: record */
	size_t		 nbase;
	char		 label[96];	/* strings base[] points at */
	char		 perms[8], path2[256], exe[256], comm[32];
	uint64_t	 nread;
	int		 hits;		/* match records in out */
	struct ir_buf	 out;		/* records, made on the thread */
	char		 strings[];	/* path, NUL, link, NUL */
};

struct scan;

struct tctx {
	struct scan_thread	 st;
	struct ir_content	*content;
	const struct scan	*s;
};

struct scan {
	struct scan_cfg		 cfg;
	struct ir_content_opts	 copts;
	uint64_t		 max_size;
	regex_t			 excl[MAXLIST];
	size_t			 nexcl;
	const char		*excl_types[MAXLIST];
	size_t			 nexcl_types;
	int			 unallocated;
	int			 jobs;
	const char		*source;
	struct ir_pool		*pool;
	struct tctx		*tctx;
	pthread_t		 watcher;	/* tool_stop -> cancel scans */
	pthread_mutex_t		 wlock;
	pthread_cond_t		 wcond;
	int			 unwatch;
	struct ir_content	*rcontent;	/* an image's reader: big files */
	FILE			*out;
	struct ir_progress	 prog;
	unsigned long		 nhits, nerrors;
	int			 failed;
	struct ir_err		 err;
};

static const struct option longopts[] = {
	{ "null",		no_argument,		NULL, '0' },
	{ "hash",		required_argument,	NULL, 'c' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "output",		required_argument,	NULL, 'o' },
	{ "threads",		required_argument,	NULL, 'p' },
	{ "rules",		required_argument,	NULL, 'r' },
	{ "one-file-system",	no_argument,		NULL, 'x' },
	{ "compile",		required_argument,	NULL, 'K' },
	{ "skip-bad-rules",	no_argument,		NULL, 'k' },
	{ "ioc",		required_argument,	NULL, 'i' },
	{ "max-size",		required_argument,	NULL, 'S' },
	{ "timeout",		required_argument,	NULL, 'T' },
	{ "exclude",		required_argument,	NULL, 'X' },
	{ "exclude-type",	required_argument,	NULL, 'Y' },
	{ "pid",		required_argument,	NULL, 'P' },
	{ "all-processes",	no_argument,		NULL, 'A' },
	{ "unallocated",	no_argument,		NULL, 'U' },
	{ "image",		no_argument,		NULL, 'I' },
	{ "live",		no_argument,		NULL, 'L' },
	{ "image-type",		required_argument,	NULL, 'y' },
	{ "partition",		required_argument,	NULL, 'n' },
	{ "deleted-only",	no_argument,		NULL, 'd' },
	{ "no-type",		no_argument,		NULL, 'N' },
	{ "magic",		required_argument,	NULL, 'M' },
	TOOL_CASE_LONGOPTS,
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

static __dead void
usage(int status)
{
	FILE *fp = status == 0 ? stdout : stderr;

	(void)fprintf(fp,
"usage: %s -r rules [-r rules ...] [--ioc file|dir ...] [options] path ...\n"
"       %s -r rules [options] --pid pid [--pid pid ...] | --all-processes\n"
"       %s -r rules --compile out\n"
"Scan files, trees, disk images and devices (deleted files too) and the\n"
"memory of processes with YARA rules and IOCs; one match record per hit.\n"
"  -r, --rules PATH       a .yar file, a directory of them, or compiled rules\n"
"      --compile OUT      compile the rules into OUT and exit\n"
"      --skip-bad-rules   leave out rule files that do not compile\n"
"      --ioc PATH         IOC list or a directory of them (Loki formats:\n"
"                         hash-iocs, filename-iocs, keywords, c2-iocs)\n"
"  -c, --hash LIST        digests of each file (default sha256)\n"
"      --no-type          no libmagic content type\n"
"  -p, --threads N        scanning threads (default: number of cores)\n"
"      --max-size SIZE    larger files are hashed but not scanned (64M)\n"
"      --timeout SEC      give up a scan after SEC seconds (default: none)\n"
"      --exclude REGEX    skip paths matching REGEX (extended regex)\n"
"      --exclude-type T   do not YARA-scan files whose MIME type starts with T\n"
"  -x, --one-file-system  stay on the file system of each path\n"
"      --image, --live    every path an image / a live tree (default: guess)\n"
"      --image-type TYPE, --partition N, --deleted-only   as in ir-walk\n"
"      --unallocated      images: also scan the unallocated space\n"
"      --pid PID          scan the memory of process PID (repeatable)\n"
"      --all-processes    scan the memory of every process\n"
"  -o, --output FILE      records into FILE (never overwritten)\n"
"      --case DIR         write into case DIR and log it in its custody chain\n"
"      --case-id ID, --examiner NAME   recorded when the case is made\n"
"Exit: 0 nothing found, 1 a match, 2 usage, 3 incomplete.\n",
	    tool_progname(), tool_progname(), tool_progname());
	exit(status);
}

static void
rules_problem(const char *file, int line, const char *msg, int warn,
    void *arg)
{
	(void)arg;
	if (!warn)
		tool_warnx("%s:%d: %s (left out)", file, line, msg);
}

/* --ioc FILE: the kind by name, as Loki names them. */
static int
ioc_kind(const char *path)
{
	const char *b = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	if (strstr(b, "hash") != NULL)
		return 'h';
	if (strstr(b, "filename") != NULL)
		return 'f';
	if (strstr(b, "keyword") != NULL || strstr(b, "c2") != NULL)
		return 'k';
	return 0;
}

/* One IOC file into the hash set, name patterns or keyword rules. */
static void
load_ioc(struct scan *s, const char *path, int kind, int skip_bad,
    struct ir_buf *yarasrc, int *nrule)
{
	struct ir_buf b = IR_BUF_INIT(256 << 20);
	struct ir_err e;
	size_t skipped = 0, n;
	char rule[32];

	if (ir_read_file(AT_FDCWD, path, &b, &e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "%s", e.msg);
	switch (kind) {
	case 'h':
		if (s->cfg.hashes == NULL &&
		    ir_hashset_new(&s->cfg.hashes, &e) != IR_OK)
			tool_die(IR_EXIT_USAGE, "%s", e.msg);
		if (ir_hashset_load_mem(s->cfg.hashes, b.buf, b.len, path, &e) !=
		    IR_OK)
			tool_die(IR_EXIT_USAGE, "%s", e.msg);
		break;
	case 'f':
		if (s->cfg.names == NULL &&
		    ir_names_new(&s->cfg.names, &e) != IR_OK)
			tool_die(IR_EXIT_USAGE, "%s", e.msg);
		if (ir_names_load(s->cfg.names, b.buf, b.len, path, skip_bad,
		    &skipped, &e) != IR_OK)
			tool_die(IR_EXIT_USAGE, "%s", e.msg);
		if (skipped > 0)
			tool_warnx("%s: %zu patterns left out", path, skipped);
		break;
	default:
		(void)snprintf(rule, sizeof(rule), "ioc_keywords_%d", ++*nrule);
		if (ir_keywords_to_yara(b.buf, b.len, path, rule, yarasrc, &n,
		    &e) != IR_OK)
			tool_die(IR_EXIT_USAGE, "%s", e.msg);
		break;
	}
	ir_buf_release(&b);
}

/* --ioc DIR: the four Loki lists that are there. */
static void
load_iocs(struct scan *s, const char *path, int skip_bad,
    struct ir_buf *yarasrc, int *nrule)
{
	static const char *lists[] = { "hash-iocs.txt", "filename-iocs.txt",
	    "keywords.txt", "c2-iocs.txt" };
	char p[PATH_MAX];
	struct stat st;
	size_t i;
	int found = 0, kind;

	if (stat(path, &st) != 0)
		tool_die(IR_EXIT_USAGE, "%s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		if ((kind = ioc_kind(path)) == 0)
			kind = 'k';
		load_ioc(s, path, kind, skip_bad, yarasrc, nrule);
		return;
	}
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		(void)snprintf(p, sizeof(p), "%s/%s", path, lists[i]);
		if (access(p, F_OK) != 0)
			continue;
		load_ioc(s, p, ioc_kind(p), skip_bad, yarasrc, nrule);
		found++;
	}
	if (found == 0)
		tool_die(IR_EXIT_USAGE, "%s: no hash-iocs.txt, filename-iocs.txt,"
		    " keywords.txt or c2-iocs.txt there", path);
}

static int
excluded_path(const struct scan *s, const char *path)
{
	size_t i;

	for (i = 0; i < s->nexcl; i++)
		if (regexec(&s->excl[i], path, 0, NULL, 0) == 0)
			return 1;
	return 0;
}

static int
excluded_type(const struct scan *s, const char *mime)
{
	size_t i;

	for (i = 0; i < s->nexcl_types; i++)
		if (strncmp(mime, s->excl_types[i], strlen(s->excl_types[i])) ==
		    0)
			return 1;
	return 0;
}

static int
mem_reader(void *arg, uint64_t off, void *buf, size_t n, size_t *got,
    struct ir_err *e)
{
	struct job *j = arg;

	(void)e;
	*got = off >= j->n ? 0 : n < j->n - off ? n : (size_t)(j->n - off);
	memcpy(buf, j->buf + off, *got);
	return IR_OK;
}

/* The file the walk saw, or an error if it is not that one any more. */
static void
open_live(struct job *j)
{
	struct ir_err e;
	struct stat st;

	if ((j->fd = ir_open_evidence(AT_FDCWD, j->f.path, 0, &e)) < 0)
		(void)snprintf(j->f.error, sizeof(j->f.error), "%s", e.msg);
	else if (fstat(j->fd, &st) != 0 || st.st_ino != j->f.inode ||
	    !S_ISREG(st.st_mode)) {
		(void)snprintf(j->f.error, sizeof(j->f.error),
		    "replaced between examination and reading");
		(void)close(j->fd);
		j->fd = -1;
	}
}

/* A scanning thread: one read feeds the digests, the type and YARA. */
static void
job_work(void *arg, void *tp)
{
	struct job *j = arg;
	struct tctx *t = tp;
	const struct scan *s = t->s;
	const void *data = NULL;
	struct ir_err e;
	size_t n = 0;
	int whole = 0;

	if (j->noscan)
		return;
	/* Interrupted: what was only queued is left, like what was not walked. */
	if (tool_stop) {
		j->dropped = 1;
		return;
	}
	if (j->nbase > 0) {		/* process memory, unallocated space */
		if ((j->hits = scan_bytes(&t->st, j->base, j->nbase, j->buf,
		    j->n, NULL, &j->out, &e)) < 0)
			(void)snprintf(j->f.error, sizeof(j->f.error), "%s",
			    e.msg);
		return;
	}
	if (j->live && j->f.error[0] == '\0')
		open_live(j);
	if (j->fd >= 0) {
		(void)ir_content_file(t->content, j->fd, &j->f, &j->nread);
		(void)close(j->fd);
		j->fd = -1;
		data = ir_content_data(t->content, &n, &whole);
	} else if (j->buf != NULL) {
		(void)ir_content_reader(t->content, mem_reader, j, j->n, &j->f,
		    &j->nread);
		data = j->buf;
		n = j->n;
		whole = n == j->f.size;
	}
	/* Too big, unreadable or an excluded type: IOCs only. */
	if (!whole || j->f.error[0] != '\0' || (j->f.mime[0] != '\0' &&
	    excluded_type(s, j->f.mime)))
		data = NULL;
	if ((j->hits = scan_file(&t->st, &s->cfg, &j->f, data, n, &j->out,
	    &e)) < 0)
		(void)snprintf(j->f.error, sizeof(j->f.error), "%s", e.msg);
}

static void
job_free(struct job *j)
{
	if (j->fd >= 0)
		(void)close(j->fd);
	free(j->buf);
	ir_buf_release(&j->out);
	free(j);
}

/* The tool's thread, in submission order: the records out. */
static int
job_done(void *arg, void *sarg, struct ir_err *e)
{
	struct job *j = arg;
	struct scan *s = sarg;

	if (j->dropped) {
		job_free(j);
		(void)e;
		return IR_OK;
	}
	if (j->f.error[0] != '\0') {
		struct ir_field f[4];
		size_t n = 0;

		/* What could not be scanned is said, by name. */
		s->nerrors++;
		f[n++] = IR_FSTR("type", "problem");
		f[n++] = IR_FSTR("source", j->nbase > 0 ? j->label :
		    j->f.source != NULL ? j->f.source : "");
		if (j->f.path != NULL)
			f[n++] = IR_FSTR("path", j->f.path);
		f[n++] = IR_FSTR("error", j->f.error);
		if (ir_json_record(&j->out, f, n, e) != IR_OK ||
		    ir_buf_addch(&j->out, '\n', e) != IR_OK)
			s->failed = 1;
	}
	if (j->hits > 0)
		s->nhits += (unsigned long)j->hits;
	if (!s->failed && j->out.len > 0 &&
	    fwrite(j->out.buf, 1, j->out.len, s->out) != j->out.len) {
		s->failed = 1;
		ir_err_set(&s->err, IR_EIO, errno, "cannot write records");
	}
	if (ir_progress_add(&s->prog, j->nbase ? 0 : 1, j->nread ? j->nread :
	    j->n))
		tool_progress(&s->prog, "files", 0);
	job_free(j);
	(void)e;
	return s->failed ? IR_EIO : IR_OK;
}

static struct job *
job_new(const struct ir_file *f)
{
	size_t pl = f != NULL ? f->pathlen : 0;
	struct job *j;

	if ((j = calloc(1, sizeof(*j) + pl + 1)) == NULL)
		tool_die(IR_EXIT_INCOMPLETE, "out of memory");
	j->fd = -1;
	ir_buf_init(&j->out, IR_BUF_NOLIMIT);
	if (f != NULL) {
		j->f = *f;
		memcpy(j->strings, f->path, pl + 1);
		j->f.path = j->strings;
		j->f.name = j->strings + (f->name - f->path);
		j->f.link = NULL;
		j->f.stream = NULL;	/* in the path already (a:ads) */
	}
	return j;
}

static int
submit(struct scan *s, struct job *j)
{
	/* The biggest first: a late big file would scan alone at the end. */
	if (ir_pool_submit_weight(s->pool, j, j->nbase ? j->n : j->f.size,
	    &s->err) != IR_OK) {
		s->failed = 1;
		return -1;
	}
	return 0;
}

/*
 * SIGINT must not wait for a long YARA scan to end (minutes for a costly
 * regular expression): libyara can only be stopped through its timeout,
 * so this thread turns tool_stop into ir_scanner_cancel on every scanner.
 */
static void *
watch_stop(void *arg)
{
	struct scan *s = arg;
	struct timespec ts;
	int k;

	(void)pthread_mutex_lock(&s->wlock);
	while (!s->unwatch && !tool_stop) {
		(void)clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		(void)pthread_cond_timedwait(&s->wcond, &s->wlock, &ts);
	}
	if (!s->unwatch)
		for (k = 0; k < s->jobs; k++)
			ir_scanner_cancel(s->tctx[k].st.scanner);
	(void)pthread_mutex_unlock(&s->wlock);
	return NULL;
}

/*
 * depth: jobs in flight.  Records come out in order, so one big file holds
 * back the others' delivery: live jobs (a path each) can be many; image
 * and memory jobs carry their bytes, so few.
 */
static void
pool_start(struct scan *s, int depth)
{
	struct ir_err e;
	void **tv;
	int k;

	if ((s->tctx = calloc((size_t)s->jobs, sizeof(*s->tctx))) == NULL ||
	    (tv = calloc((size_t)s->jobs, sizeof(*tv))) == NULL)
		tool_die(IR_EXIT_INCOMPLETE, "out of memory");
	for (k = 0; k < s->jobs; k++) {
		s->tctx[k].s = s;
		if (scan_thread_init(&s->tctx[k].st, &s->cfg, &e) != IR_OK ||
		    ir_content_new(&s->tctx[k].content, &s->copts, &e) != IR_OK)
			tool_die(IR_EXIT_USAGE, "%s", e.msg);
		ir_content_set_stop(s->tctx[k].content, &tool_stop);
		tv[k] = &s->tctx[k];
	}
	if (ir_pool_new(&s->pool, s->jobs, depth, job_work, job_done, s,
	    tv, &e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "%s", e.msg);
	ir_pool_weighted(s->pool);
	free(tv);
	s->unwatch = 0;
	if (pthread_mutex_init(&s->wlock, NULL) != 0 ||
	    pthread_cond_init(&s->wcond, NULL) != 0 ||
	    pthread_create(&s->watcher, NULL, watch_stop, s) != 0)
		tool_die(IR_EXIT_INCOMPLETE, "cannot start a thread");
}

static void
pool_stop(struct scan *s)
{
	int k;

	while (s->pool != NULL && ir_pool_drain(s->pool, &s->err) != IR_OK)
		s->failed = 1;
	ir_pool_free(s->pool);
	if (s->pool != NULL) {
		(void)pthread_mutex_lock(&s->wlock);
		s->unwatch = 1;
		(void)pthread_cond_signal(&s->wcond);
		(void)pthread_mutex_unlock(&s->wlock);
		(void)pthread_join(s->watcher, NULL);
		(void)pthread_cond_destroy(&s->wcond);
		(void)pthread_mutex_destroy(&s->wlock);
	}
	s->pool = NULL;
	for (k = 0; s->tctx != NULL && k < s->jobs; k++) {
		scan_thread_fini(&s->tctx[k].st);
		ir_content_free(s->tctx[k].content);
	}
	free(s->tctx);
	s->tctx = NULL;
}

/* A live tree: the walk feeds the threads. */
static enum ir_walk_act
on_entry(struct ir_walk_ent *ent, void *arg)
{
	struct scan *s = arg;
	struct ir_file *f = ent->file;
	struct job *j;

	if (tool_stop)
		return IR_WALK_STOP;
	if (s->nexcl > 0 && excluded_path(s, f->path))
		return S_ISDIR(f->mode) ? IR_WALK_PRUNE : IR_WALK_CONTINUE;
	/* Special files, pseudo file systems: never read. */
	if (!S_ISREG(f->mode) || ent->pseudo_fs)
		return IR_WALK_CONTINUE;
	/* Opened on the thread, so that thousands can wait without an fd. */
	j = job_new(f);
	j->f.source = s->source;
	j->live = 1;
	return submit(s, j) == 0 ? IR_WALK_CONTINUE : IR_WALK_STOP;
}

/* In an image's worker: the threads start there, after the fork. */
static int
image_begin(FILE *out, void *arg)
{
	struct scan *s = arg;

	struct ir_content_opts o = s->copts;
	struct ir_err e;

	s->out = out;
	o.keep = 0;
	if (ir_content_new(&s->rcontent, &o, &e) != IR_OK) {
		tool_warnx("%s", e.msg);
		return -1;
	}
	pool_start(s, s->jobs * 2);
	return 0;
}

/*
 * In an image's worker, one reader (libtsk serialises reads of an image):
 * a file's bytes into its job, scanned on the threads.
 */
static int
image_file(const struct ir_fs_ent *ent, struct ir_writer *w, void *arg)
{
	struct scan *s = arg;
	const struct ir_file *f = ent->file;
	struct ir_err e;
	struct job *j;
	size_t n, got;
	uint64_t off = 0;

	(void)w;
	if (tool_stop)
		return IMG_STOPPED;
	if (!S_ISREG(f->mode) || f->virt || f->fname_times ||
	    (s->nexcl > 0 && excluded_path(s, f->path)))
		return 0;
	j = job_new(f);
	j->f.source = s->source;
	n = f->size < s->max_size ? (size_t)f->size : (size_t)s->max_size;
	if (f->deleted && f->size > 0 && ir_fs_recoverable(ent->fh) == 0)
		j->f.skipped = "content not recoverable";
	else if (n > 0 && (j->buf = malloc(n)) == NULL)
		tool_die(IR_EXIT_INCOMPLETE, "out of memory");
	while (j->buf != NULL && off < n) {
		if (ir_fs_read(ent->fh, off, j->buf + off, n - off, &got, &e) !=
		    IR_OK) {
			(void)snprintf(j->f.error, sizeof(j->f.error), "%s",
			    e.msg);
			break;
		}
		if (got == 0)
			break;
		off += got;
	}
	j->n = (size_t)off;
	/* Larger than --max-size: digests over all of it, here. */
	if (f->size > s->max_size && s->copts.algs != 0) {
		free(j->buf);
		j->buf = NULL;
		j->n = 0;
		(void)ir_content_reader(s->rcontent, image_fs_reader, ent->fh,
		    f->size, &j->f, &j->nread);
	}
	if (submit(s, j) != 0)
		return -1;
	return 0;
}

/* What each chunk of unallocated space is scanned with. */
struct unalloc_ctx {
	struct scan	*s;
	struct job	 proto;		/* its record's fields */
};

static int
on_unalloc(uint64_t off, const void *buf, size_t n, void *arg)
{
	struct unalloc_ctx *u = arg;
	struct job *j, *proto = &u->proto;
	struct scan *s = u->s;

	if (tool_stop)
		return IR_EINTR;
	j = job_new(NULL);
	memcpy(j->base, proto->base, sizeof(j->base));
	j->nbase = proto->nbase;
	j->base[j->nbase++] = IR_FU64("offset", off);
	if ((j->buf = malloc(n)) == NULL)
		tool_die(IR_EXIT_INCOMPLETE, "out of memory");
	memcpy(j->buf, buf, n);
	j->n = n;
	return submit(s, j) == 0 ? IR_OK : IR_EIO;
}

/* After a file system's files: its unallocated space, then the drain. */
static int
image_end(struct ir_fs *fs, const struct ir_fs_part *p, struct ir_writer *w,
    void *arg)
{
	struct scan *s = arg;
	struct ir_fs_opts o = { 0, -1, &tool_stop };
	struct unalloc_ctx u;
	struct job *pr = &u.proto;
	struct ir_err e;
	int bits = 0, rc;

	(void)w;
	if (s->unallocated && s->cfg.rules != NULL) {
		memset(&u, 0, sizeof(u));
		u.s = s;
		pr->base[pr->nbase++] = IR_FSTR("type", "match");
		pr->base[pr->nbase++] = IR_FSTR("source", s->source);
		if (p->index >= 0) {
			pr->base[pr->nbase++] = IR_FU64("part",
			    (uint64_t)p->index);
			pr->base[pr->nbase++] = IR_FU64("part_start", p->start);
		}
		pr->base[pr->nbase++] = IR_FSTR("fstype", ir_fs_type(fs));
		pr->base[pr->nbase++] = IR_FBOOL("unallocated", 1);
		rc = ir_fs_unalloc(fs, &o, CHUNK, on_unalloc, &u, &e);
		if (rc == IR_EINTR)
			bits |= IMG_STOPPED;
		else if (rc != IR_OK) {
			tool_warnx("%s: unallocated space: %s", s->source,
			    e.msg);
			bits |= IMG_INCOMPLETE;
		}
	}
	pool_stop(s);
	ir_content_free(s->rcontent);
	s->rcontent = NULL;
	if (s->nhits > 0)
		bits |= IMG_FOUND;
	if (s->nerrors > 0)
		bits |= IMG_INCOMPLETE;
	return s->failed ? -1 : bits;
}

/*
 * A process that could not be read: a problem record, in order; unless it
 * was ending (gone or a zombie, its memory released): no memory was missed.
 */
static int
proc_problem(struct scan *s, pid_t pid, const char *msg)
{
	struct ir_pstat st;
	struct ir_err e;
	struct job *j;

	if (ir_pstat_read(pid, &st, &e) != IR_OK ? e.code == IR_ENOENT :
	    st.state == 'Z' || st.state == 'X')
		return 0;
	j = job_new(NULL);

	j->noscan = 1;
	(void)snprintf(j->label, sizeof(j->label), "pid %ld", (long)pid);
	j->f.source = j->label;
	(void)snprintf(j->f.error, sizeof(j->f.error), "%s", msg);
	(void)submit(s, j);
	return -1;
}

/*
 * One process: every readable region, in chunks, on the threads.  A
 * process that ends meanwhile is no problem; one that cannot be read
 * (permissions, ptrace policy) is said in a problem record: -1.
 */
static int
scan_process(struct scan *s, pid_t pid)
{
	const struct ir_region *r;
	struct ir_proc *pr;
	struct ir_err e;
	struct job *j;
	uint64_t a, holes;
	size_t nr, i, want, got;
	int rc = 0;

	if (ir_proc_open(&pr, pid, &e) != IR_OK)
		return e.code == IR_ENOENT ? 0 : proc_problem(s, pid, e.msg);
	r = ir_proc_regions(pr, &nr);
	for (i = 0; i < nr && rc == 0 && !tool_stop; i++) {
		if (!ir_region_scannable(&r[i]))
			continue;
		if (r[i].end - r[i].start > MAX_REGION) {
			tool_warnx("pid %ld: region %#" PRIx64 "-%#" PRIx64
			    " (%s) is larger than 16 GiB: not scanned",
			    (long)pid, r[i].start, r[i].end, r[i].path != NULL ?
			    r[i].path : "");
			continue;
		}
		for (a = r[i].start; a < r[i].end && rc == 0; a += want -
		    (a + want < r[i].end ? OVERLAP : 0)) {
			want = r[i].end - a < CHUNK ? (size_t)(r[i].end - a) :
			    CHUNK;
			j = job_new(NULL);
			if ((j->buf = malloc(want)) == NULL)
				tool_die(IR_EXIT_INCOMPLETE, "out of memory");
			if (ir_proc_read(pr, a, j->buf, want, &got, &holes,
			    &e) != IR_OK) {
				job_free(j);
				rc = e.code == IR_ENOENT ? 0 :
				    proc_problem(s, pid, e.msg);
				break;
			}
			j->n = got;
			(void)snprintf(j->label, sizeof(j->label), "pid %ld",
			    (long)pid);
			(void)snprintf(j->perms, sizeof(j->perms), "%s",
			    r[i].perms);
			(void)snprintf(j->path2, sizeof(j->path2), "%s",
			    r[i].path != NULL ? r[i].path : "");
			j->base[j->nbase++] = IR_FSTR("type", "match");
			j->base[j->nbase++] = IR_FSTR("source", j->label);
			j->base[j->nbase++] = IR_FU64("pid", (uint64_t)pid);
			(void)snprintf(j->exe, sizeof(j->exe), "%s",
			    ir_proc_exe(pr));
			(void)snprintf(j->comm, sizeof(j->comm), "%s",
			    ir_proc_comm(pr));
			j->base[j->nbase++] = IR_FSTR("exe", j->exe);
			j->base[j->nbase++] = IR_FSTR("comm", j->comm);
			j->base[j->nbase++] = IR_FU64("region_start",
			    r[i].start);
			j->base[j->nbase++] = IR_FU64("region_end", r[i].end);
			j->base[j->nbase++] = IR_FSTR("perms", j->perms);
			if (j->path2[0] != '\0')
				j->base[j->nbase++] = IR_FSTR("region_path",
				    j->path2);
			j->base[j->nbase++] = IR_FU64("address", a);
			if (submit(s, j) != 0)
				rc = -1;
			if (got < want)
				break;
		}
		if (!ir_proc_same(pr)) {
			tool_warnx("pid %ld ended or was reused while read",
			    (long)pid);
			break;
		}
	}
	ir_proc_close(pr);
	return rc;
}

/* The ruleset: compiled, or source files and the keyword IOCs. */
static struct ir_rules *
build_rules(const char **paths, size_t n, int skip_bad, struct ir_buf *kw)
{
	struct ir_rules_opts ro = { skip_bad, rules_problem, NULL };
	struct ir_rules_builder *b;
	struct ir_rules *r;
	struct ir_err e;
	size_t i;

	if (n == 1 && kw->len == 0) {
		if (ir_rules_open(&r, paths[0], &ro, &e) != IR_OK)
			tool_die(IR_EXIT_USAGE, "%s", e.msg);
		return r;
	}
	if (ir_rules_builder_new(&b, &ro, &e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "%s", e.msg);
	for (i = 0; i < n; i++)
		if (ir_rules_builder_add_path(b, paths[i], NULL, &e) != IR_OK)
			tool_die(IR_EXIT_USAGE, "%s", e.msg);
	if (kw->len > 0 && ir_rules_builder_add_string(b, kw->buf,
	    "keyword IOCs", "ioc", &e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "%s", e.msg);
	if (ir_rules_builder_finish(b, &r, &e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "%s", e.msg);
	return r;
}

int
main(int argc, char *argv[])
{
	struct scan s;
	struct tool_case tc;
	struct tool_case_opts co = { NULL, NULL, NULL };
	struct ir_walk_opts wo;
	struct image_walk iw;
	struct ir_writer *w = NULL;
	struct ir_buf kw = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_err e;
	const char *rules[MAXLIST], *iocs[MAXLIST], *compile = NULL;
	const char *outpath = NULL, *magic_db = NULL;
	pid_t pids[MAXLIST], *all = NULL;
	size_t nrules = 0, niocs = 0, npids = 0, nall = 0, i;
	unsigned long nerr;
	uint64_t v;
	int ch, skip_bad = 0, mode = 0, allproc = 0, nrule = 0, bits, rc;
	int complete = 1, status = IR_EXIT_OK;
	char **paths;
	size_t npaths;

	tool_setprogname(argv[0]);
	if (ir_init(&e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "%s", e.msg);
	memset(&s, 0, sizeof(s));
	memset(&wo, 0, sizeof(wo));
	memset(&iw, 0, sizeof(iw));
	iw.opts.partition = -1;
	s.copts.algs = IR_HASH_BIT(IR_HASH_SHA256);
	s.copts.type = 1;
	s.max_size = DEFAULT_MAX;
	s.cfg.timeout = 0;
	while ((ch = getopt_long(argc, argv, "0c:ho:p:r:x", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'c':
			if (ir_hash_parse_list(optarg, &s.copts.algs, &e) !=
			    IR_OK)
				tool_usage_error("%s", e.msg);
			break;
		case 'h':
			usage(0);
		case 'o':
			outpath = optarg;
			break;
		case 'p':
			if (tool_parse_size(optarg, &v) != 0 || v < 1 || v > 256)
				tool_usage_error("bad --threads '%s'", optarg);
			s.jobs = (int)v;
			break;
		case 'r':
			if (nrules == MAXLIST)
				tool_usage_error("too many --rules");
			rules[nrules++] = optarg;
			break;
		case 'x':
			wo.flags |= IR_WALK_ONE_FS;
			break;
		case 'K':
			compile = optarg;
			break;
		case 'k':
			skip_bad = 1;
			break;
		case 'i':
			if (niocs == MAXLIST)
				tool_usage_error("too many --ioc");
			iocs[niocs++] = optarg;
			break;
		case 'S':
			if (tool_parse_size(optarg, &s.max_size) != 0 ||
			    s.max_size == 0 || s.max_size > (1ULL << 32))
				tool_usage_error("bad --max-size '%s'", optarg);
			break;
		case 'T':
			if (tool_parse_size(optarg, &v) != 0 || v > 86400)
				tool_usage_error("bad --timeout '%s'", optarg);
			s.cfg.timeout = (int)v;
			break;
		case 'X':
			if (s.nexcl == MAXLIST || regcomp(&s.excl[s.nexcl],
			    optarg, REG_EXTENDED | REG_NOSUB) != 0)
				tool_usage_error("bad --exclude '%s'", optarg);
			s.nexcl++;
			break;
		case 'Y':
			if (s.nexcl_types == MAXLIST)
				tool_usage_error("too many --exclude-type");
			s.excl_types[s.nexcl_types++] = optarg;
			break;
		case 'P':
			if (npids == MAXLIST || tool_parse_size(optarg, &v) != 0 ||
			    v < 1 || v > INT_MAX)
				tool_usage_error("bad --pid '%s'", optarg);
			pids[npids++] = (pid_t)v;
			break;
		case 'A':
			allproc = 1;
			break;
		case 'U':
			s.unallocated = 1;
			break;
		case 'I':
		case 'L':
			if (mode != 0 && mode != ch)
				tool_usage_error("--image and --live exclude "
				    "each other");
			mode = ch;
			break;
		case 'y':
			iw.type = optarg;
			break;
		case 'n':
			if (tool_parse_size(optarg, &v) != 0 || v > 10000)
				tool_usage_error("bad --partition '%s'", optarg);
			iw.opts.partition = (int)v;
			break;
		case 'd':
			iw.opts.flags |= IR_FS_DELETED_ONLY;
			break;
		case 'N':
			s.copts.type = 0;
			break;
		case 'M':
			magic_db = optarg;
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
	if (nrules == 0 && niocs == 0)
		tool_usage_error("no rules (-r) and no IOCs (--ioc)");
	if (compile != NULL && (nrules == 0 || npaths > 0 || npids > 0 ||
	    allproc))
		tool_usage_error("--compile takes rules only");
	if (compile == NULL && npaths == 0 && npids == 0 && !allproc)
		tool_usage_error("nothing to scan");
	if (outpath != NULL && co.dir != NULL)
		tool_usage_error("--output and --case exclude each other");

	for (i = 0; i < niocs; i++)
		load_iocs(&s, iocs[i], skip_bad, &kw, &nrule);
	if (nrules > 0 || kw.len > 0)
		s.cfg.rules = build_rules(rules, nrules, skip_bad, &kw);
	ir_buf_release(&kw);
	if (compile != NULL) {
		if (ir_rules_save(s.cfg.rules, compile, &e) != IR_OK)
			tool_die(IR_EXIT_USAGE, "%s", e.msg);
		(void)fprintf(stderr, "%s: %u rules compiled into %s\n",
		    tool_progname(), ir_rules_count(s.cfg.rules), compile);
		ir_rules_free(s.cfg.rules);
		return IR_EXIT_OK;
	}
	if (s.jobs == 0)
		s.jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (s.jobs < 1)
		s.jobs = 1;
	s.copts.keep = (size_t)s.max_size;
	s.copts.magic_db = magic_db != NULL ? magic_db : tool_magic_db();

	tool_setup();
	if (co.dir != NULL)
		s.out = tool_case_open(&tc, &co, "jsonl", argc + optind,
		    argv - optind);
	else
		s.out = outpath != NULL ? tool_open_output(outpath) : stdout;
	if (ir_writer_open(&w, IR_FMT_JSONL, s.out, NULL, &e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "%s", e.msg);
	ir_progress_init(&s.prog, 0);
	wo.stop = &tool_stop;
	iw.fmt = IR_FMT_JSONL;
	iw.on_file = image_file;
	iw.begin = image_begin;
	iw.end = image_end;
	iw.arg = &s;
	iw.opts.stop = &tool_stop;

	for (i = 0; i < npaths && !s.failed && !tool_stop; i++) {
		s.source = paths[i];
		if (mode == 'I' || (mode != 'L' && ir_img_probe(paths[i]))) {
			(void)fflush(s.out);
			iw.path = iw.source = paths[i];
			bits = image_walk(&iw, w, s.out);
			if (bits & IMG_FOUND)
				s.nhits++;
			if (bits & (IMG_INCOMPLETE | IMG_FAILED | IMG_STOPPED))
				complete = 0;
			continue;
		}
		pool_start(&s, 4096);
		rc = ir_walk_tree(paths[i], &wo, on_entry, &s, &nerr, &e);
		pool_stop(&s);
		if (rc != IR_OK && !s.failed) {
			tool_warnx("%s", e.msg);
			complete = 0;
		}
	}
	if ((npids > 0 || allproc) && !s.failed && !tool_stop) {
		if (allproc && ir_proc_list(&all, &nall, &e) != IR_OK)
			tool_die(IR_EXIT_INCOMPLETE, "%s", e.msg);
		pool_start(&s, s.jobs * 2);
		for (i = 0; i < npids + nall && !tool_stop && !s.failed; i++) {
			pid_t pid = i < npids ? pids[i] : all[i - npids];

			if (pid == getpid())
				continue;	/* our own rules are there */
			if (scan_process(&s, pid) != 0)
				complete = 0;
		}
		pool_stop(&s);
		free(all);
	}
	tool_progress(&s.prog, "files", 1);
	if (tool_stop) {
		tool_warnx("interrupted: output is incomplete");
		complete = 0;
	}
	if (s.failed) {
		tool_warnx("%s", s.err.msg);
		complete = 0;
	}
	if (s.nerrors > 0) {
		tool_warnx("%lu item%s could not be read or scanned fully (see "
		    "their \"error\" field)", s.nerrors, s.nerrors == 1 ? "" :
		    "s");
		complete = 0;
	}
	if (!complete && !s.failed) {
		struct ir_field f[2];

		f[0] = IR_FSTR("type", "incomplete");
		f[1] = IR_FSTR("reason", tool_stop ? "interrupted" :
		    "an item could not be scanned");
		(void)ir_writer_record(w, f, 2, &e);
	}
	if (ir_writer_close(w, &e) != IR_OK ||
	    (s.out != stdout ? fclose(s.out) != 0 : fflush(stdout) != 0)) {
		tool_warnx("cannot write records");
		complete = 0;
	}
	if (s.nhits > 0)
		status = IR_EXIT_FOUND;
	if (!complete)
		status = IR_EXIT_INCOMPLETE;
	ir_rules_free(s.cfg.rules);
	ir_names_free(s.cfg.names);
	ir_hashset_free(s.cfg.hashes);
	for (i = 0; i < s.nexcl; i++)
		regfree(&s.excl[i]);
	if (co.dir != NULL)
		status = tool_case_close(&tc, status, complete);
	return status;
}
