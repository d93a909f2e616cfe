/*
 * ir-acquire: a bit-for-bit image of a device, a file, standard input or
 * physical memory, hashed while it is read, with unreadable sectors
 * zero-filled one by one and mapped (a GNU ddrescue map), written to raw,
 * split raw, E01 or standard output, several at once; logged in JSON
 * Lines, resumable, verifiable.
 */
#include <sys/stat.h>
#include <sys/utsname.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device.h"
#include "tool.h"

#define MAXOUT		8
#define MAP_EVERY	5.0		/* seconds between map saves */
#define RETRIES		2

enum fmt { F_RAW, F_EWF };
enum verify { V_NONE = 0, V_SOURCE = 1, V_IMAGE = 2 };

struct acq {
	/* What was asked. */
	const char	*source;
	int		 memory;
	const char	*kcore, *iomem;
	const char	*outs[MAXOUT];
	int		 nouts;
	enum fmt	 fmt;
	int		 compress;	/* gzip level (memory), E01 level */
	uint64_t	 split, piece, offset, count;
	unsigned int	 algs;
	int		 verify;
	int		 resume;
	int		 retries;
	uint64_t	 block;
	const char	*logpath, *mappath;
	int		 progress_fd;
	struct ir_ewf_meta meta;
	int		 argc;
	char		**argv;

	/* While it runs. */
	struct ir_src	*src;
	struct ir_sink	*sinks[MAXOUT];
	size_t		 nsinks;
	struct ir_ddmap	 map;
	int		 have_map;
	char		*mapfile;
	char		 header[512];	/* the map's comment */
	double		 map_saved;
	int		 map_failed;
	struct ir_err	 map_err;
	struct ir_writer *log;
	FILE		*logfp;
	struct ir_progress prog;
	uint64_t	 prog_done;
	double		 fd_said;
	uint64_t	 total;		/* bytes expected, 0 unknown */
	struct ir_time	 started;
};

static const struct option longopts[] = {
	{ "hash",		required_argument,	NULL, 'c' },
	{ "format",		required_argument,	NULL, 'f' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "output",		required_argument,	NULL, 'o' },
	{ "split",		required_argument,	NULL, 'S' },
	{ "piece",		required_argument,	NULL, 'p' },
	{ "offset",		required_argument,	NULL, 'O' },
	{ "count",		required_argument,	NULL, 'N' },
	{ "verify",		optional_argument,	NULL, 'v' },
	{ "resume",		no_argument,		NULL, 'r' },
	{ "retries",		required_argument,	NULL, 'R' },
	{ "block-size",		required_argument,	NULL, 'b' },
	{ "log",		required_argument,	NULL, 'l' },
	{ "map",		required_argument,	NULL, 'm' },
	{ "progress-fd",	required_argument,	NULL, 'F' },
	{ "memory",		no_argument,		NULL, 'M' },
	{ "kcore",		required_argument,	NULL, 'K' },
	{ "iomem",		required_argument,	NULL, 'Y' },
	{ "compress",		required_argument,	NULL, 'z' },
	TOOL_CASE_LONGOPTS,
	{ "description",	required_argument,	NULL, 'D' },
	{ "notes",		required_argument,	NULL, 'n' },
	{ "evidence-number",	required_argument,	NULL, 'e' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

static __dead void
usage(int status)
{
	FILE *fp = status == 0 ? stdout : stderr;

	(void)fprintf(fp,
"usage: %s [options] source -o out [-o out ...]\n"
"       %s [options] --memory -o out\n"
"Image a block device, a file or standard input (-) bit for bit, hashing it\n"
"as it is read; unreadable sectors are zero-filled and mapped.\n"
"  -o, --output OUT       write the image to OUT (- for stdout); repeatable\n"
"  -f, --format FMT       raw (default) or ewf (OUT.E01 ...)\n"
"      --split SIZE       raw: OUT.001, OUT.002 ... of SIZE; ewf: segment size\n"
"  -c, --hash LIST        md5, sha1, sha256 (default md5,sha256)\n"
"      --piece SIZE       also hash every SIZE bytes (into the log)\n"
"      --offset SIZE      start SIZE bytes into the source\n"
"      --count SIZE       image SIZE bytes only\n"
"      --verify[=WHAT]    read again and compare: image, source or both\n"
"      --resume           go on with an interrupted raw image from its map\n"
"      --retries N        re-reads of a failed sector (default %d)\n"
"      --block-size SIZE  bytes per read (default 1M)\n"
"      --log FILE         the JSON Lines log (default OUT.log)\n"
"      --map FILE         the ddrescue map (default OUT.map)\n"
"      --progress-fd N    JSON progress lines on descriptor N\n"
"      --memory           physical memory (/proc/kcore) in LiME format\n"
"      --compress LEVEL   memory: gzip level 1-9; ewf: fast or best\n"
"      --case DIR         log into case DIR and its custody chain; relative\n"
"                         outputs go into DIR\n"
"      --description, --notes, --evidence-number TEXT   E01 metadata\n"
"Exit: 0 complete, 2 usage or setup error, 3 incomplete (read errors,\n"
"interrupted, a failed verification, an output error).\n",
	    tool_progname(), tool_progname(), RETRIES);
	exit(status);
}

static uint64_t
size_arg(const char *opt, const char *s)
{
	uint64_t v;

	if (tool_parse_size(s, &v) != 0)
		tool_usage_error("bad %s '%s'", opt, s);
	return v;
}

/* The log: one record; a log that cannot be written is said once. */
static void
logrec(struct acq *a, const struct ir_field *f, size_t n)
{
	struct ir_err e;

	if (a->log == NULL)
		return;
	if (ir_writer_record(a->log, f, n, &e) != IR_OK) {
		tool_warnx("log: %s", e.msg);
		(void)ir_writer_close(a->log, &e);
		a->log = NULL;
	}
}

/* Digest fields into f; hex is scratch of IR_HASH_NALG entries. */
static size_t
digest_fields(const struct ir_digest *d, struct ir_field *f,
    char hex[IR_HASH_NALG][IR_HASH_MAXLEN * 2 + 1])
{
	size_t n = 0;
	int a;

	for (a = 0; a < IR_HASH_NALG; a++)
		if (d->algs & IR_HASH_BIT(a)) {
			ir_digest_hex(d, (enum ir_hash_alg)a, hex[a]);
			f[n++] = IR_FSTR(ir_hash_name((enum ir_hash_alg)a),
			    hex[a]);
		}
	return n;
}

/* Writing thread: the map follows what is in the images. */
static void
on_written(uint64_t pos, uint64_t n, const struct ir_range *bad, size_t nbad,
    void *arg)
{
	struct acq *a = arg;
	struct ir_err e;
	double now;
	size_t i;

	if (!a->have_map || a->map_failed)
		return;
	if (ir_ddmap_set(&a->map, pos, n, IR_DDMAP_DONE, &e) != IR_OK)
		goto fail;
	for (i = 0; i < nbad; i++)
		if (ir_ddmap_set(&a->map, bad[i].off, bad[i].len,
		    IR_DDMAP_BAD, &e) != IR_OK)
			goto fail;
	a->map.current_pos = pos + n;
	if ((now = ir_monotonic()) - a->map_saved < MAP_EVERY)
		return;
	a->map_saved = now;
	if (ir_ddmap_save(&a->map, a->mapfile, a->header, &e) == IR_OK)
		return;
fail:
	a->map_failed = 1;
	a->map_err = e;
}

/* Reading thread: progress on the terminal and on --progress-fd. */
static int
on_read(uint64_t done, void *arg)
{
	struct acq *a = arg;
	double now, el;

	if (done > a->prog_done) {
		if (ir_progress_add(&a->prog, 0, done - a->prog_done))
			tool_progress(&a->prog, "bytes", 0);
		a->prog_done = done;
	}
	if (a->progress_fd >= 0 && (now = ir_monotonic()) - a->fd_said >= 1.0) {
		a->fd_said = now;
		el = now - a->prog.start;
		(void)dprintf(a->progress_fd, "{\"type\":\"progress\","
		    "\"bytes\":%" PRIu64 ",\"total\":%" PRIu64 ",\"rate\":%.0f"
		    "}\n", a->prog.bytes, a->total, el > 0 ?
		    (double)a->prog.bytes / el : 0.0);
	}
	return 0;
}

static void
on_piece(uint64_t pos, uint64_t n, const struct ir_digest *d, void *arg)
{
	struct acq *a = arg;
	struct ir_field f[3 + IR_HASH_NALG];
	char hex[IR_HASH_NALG][IR_HASH_MAXLEN * 2 + 1];
	size_t k = 0;

	f[k++] = IR_FSTR("type", "piece");
	f[k++] = IR_FU64("offset", a->offset + pos);
	f[k++] = IR_FU64("length", n);
	k += digest_fields(d, f + k, hex);
	logrec(a, f, k);
}

/* The command line as one string, for the map's header. */
static void
cmdline(char *out, size_t sz, int argc, char **argv)
{
	size_t n = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < argc && n < sz; i++)
		n += (size_t)snprintf(out + n, sz - n, "%s%s", i ? " " : "",
		    argv[i]);
}

/* The command line as a JSON list. */
static char *
argv_json(int argc, char **argv)
{
	struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);

	if (ir_json_strv(&b, argv, (size_t)argc, NULL) != IR_OK) {
		ir_buf_release(&b);
		return NULL;
	}
	return ir_buf_detach(&b, NULL);
}

static const char *
kind_name(const struct ir_src_info *in, int memory)
{
	if (memory)
		return "memory";
	return in->kind == IR_SRC_BLOCK ? "block" : in->kind == IR_SRC_FILE ?
	    "file" : "stream";
}

static void
log_start(struct acq *a)
{
	const struct ir_src_info *in = ir_src_info(a->src);
	struct ir_field f[24];
	struct utsname u;
	char *args = argv_json(a->argc, a->argv);
	size_t n = 0;

	f[n++] = IR_FSTR("type", "acquisition");
	f[n++] = IR_FSTR("event", "start");
	f[n++] = IR_FSTR("tool", "ir-acquire");
	f[n++] = IR_FSTR("version", ir_version());
	if (args != NULL)
		f[n++] = IR_FRAW("argv", args);
	if (uname(&u) == 0)
		f[n++] = IR_FSTR("host", u.nodename);
	f[n++] = IR_FTIME("started", a->started);
	f[n++] = IR_FSTR("source", a->memory ? a->kcore : a->source);
	f[n++] = IR_FSTR("kind", kind_name(in, a->memory));
	if (!a->memory && in->size > 0)
		f[n++] = IR_FU64("size", in->size);
	if (in->kind == IR_SRC_BLOCK) {
		f[n++] = IR_FU64("sector_size", in->sector_size);
		f[n++] = IR_FU64("phys_sector_size", in->phys_sector_size);
		if (in->vendor[0] != '\0')
			f[n++] = IR_FSTR("vendor", in->vendor);
		if (in->model[0] != '\0')
			f[n++] = IR_FSTR("model", in->model);
		if (in->serial[0] != '\0')
			f[n++] = IR_FSTR("serial", in->serial);
		if (in->removable >= 0)
			f[n++] = IR_FBOOL("removable", in->removable);
		if (in->readonly >= 0)
			f[n++] = IR_FBOOL("readonly", in->readonly);
	}
	if (a->offset > 0)
		f[n++] = IR_FU64("offset", a->offset);
	if (a->count > 0)
		f[n++] = IR_FU64("count", a->count);
	if (a->resume)
		f[n++] = IR_FBOOL("resumed", 1);
	logrec(a, f, n);
	free(args);
}

/* An output that is (or will be) a file: it names the log and the map. */
static int
is_file(const char *out)
{
	struct stat st;

	return strcmp(out, "-") != 0 && (stat(out, &st) != 0 ||
	    S_ISREG(st.st_mode));
}

/* Relative outputs go into the case directory. */
static const char *
in_case(const char *dir, const char *out, char *buf, size_t sz)
{
	if (dir == NULL || out[0] == '/' || strcmp(out, "-") == 0)
		return out;
	(void)snprintf(buf, sz, "%s/%s", dir, out);
	return buf;
}

static void
open_sinks(struct acq *a, const char *casedir, uint64_t resume)
{
	static char paths[MAXOUT][PATH_MAX];
	const struct ir_src_info *in = ir_src_info(a->src);
	const char *out;
	struct ir_err e;
	char why[128];
	int i, rc;

	for (i = 0; i < a->nouts; i++) {
		out = in_case(casedir, a->outs[i], paths[i], sizeof(paths[i]));
		a->outs[i] = out;
		if (strcmp(out, "-") == 0) {
			if (isatty(STDOUT_FILENO))
				tool_usage_error("stdout is a terminal: give "
				    "-o FILE or a pipe");
			rc = ir_sink_fd(&a->sinks[i], STDOUT_FILENO,
			    "stdout", &e);
		} else {
			if (in->kind == IR_SRC_BLOCK && !a->memory &&
			    device_holds(out, in->dev, why, sizeof(why)))
				tool_die(IR_EXIT_USAGE, "%s: not writing "
				    "there: %s", out, why);
			if (a->fmt == F_EWF)
				rc = ir_sink_ewf(&a->sinks[i], out, &a->meta,
				    &e);
			else if (a->memory && a->compress > 0)
				rc = ir_sink_gzip(&a->sinks[i], out,
				    a->compress, &e);
			else
				rc = ir_sink_raw(&a->sinks[i], out, a->split,
				    resume, &e);
		}
		if (rc != IR_OK)
			tool_die(IR_EXIT_USAGE, "%s", e.msg);
		a->nsinks++;
	}
}

/* --resume: the map of the first output says where to go on. */
static uint64_t
load_map(struct acq *a)
{
	struct ir_buf b = IR_BUF_INIT(64 << 20);
	struct ir_err e;
	uint64_t pos;

	if (ir_read_file(AT_FDCWD, a->mapfile, &b, &e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "--resume: %s", e.msg);
	if (ir_ddmap_parse(&a->map, b.buf, b.len, &e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "--resume: %s: %s", a->mapfile, e.msg);
	ir_buf_release(&b);
	pos = ir_ddmap_resume_pos(&a->map);
	if (pos < a->offset)
		tool_die(IR_EXIT_USAGE, "--resume: %s starts before --offset",
		    a->mapfile);
	return pos - a->offset;
}

/* Physical memory: LiME ranges out of /proc/kcore, through the engine. */
static int
acquire_memory(struct acq *a, struct ir_acq_opts *o, struct ir_acq_result *res,
    struct ir_err *e)
{
	struct ir_buf b = IR_BUF_INIT(16 << 20);
	struct ir_mem_range *ram = NULL, *r = NULL;
	struct ir_acq_result part;
	unsigned char hdr[IR_LIME_HDRLEN];
	uint64_t missing = 0;
	size_t nram, nr, i, k;
	int rc;

	if ((rc = ir_read_file(AT_FDCWD, a->iomem, &b, e)) != IR_OK ||
	    (rc = ir_mem_iomem_ram(b.buf, b.len, &ram, &nram, e)) != IR_OK) {
		ir_buf_release(&b);
		return ir_err_prefix(e, "%s", a->iomem);
	}
	ir_buf_release(&b);
	if (ir_src_info(a->src)->kind == IR_SRC_STREAM) {
		/* /dev/crash: physical addresses are offsets. */
		if ((rc = ir_src_set_positioned(a->src, e)) != IR_OK) {
			free(ram);
			return rc;
		}
		r = ram;
		nr = nram;
	} else {
		rc = ir_mem_kcore_load(ir_src_fd(a->src), a->kcore, ram, nram,
		    &r, &nr, &missing, e);
		free(ram);
		if (rc != IR_OK)
			return rc;
	}
	if (missing > 0)
		tool_warnx("%s: %" PRIu64 " bytes of RAM have no place in it "
		    "and are left out", a->kcore, missing);
	for (i = 0; i < nr; i++)
		a->total += r[i].end - r[i].start;
	ir_progress_init(&a->prog, a->total);
	if ((rc = ir_hash_new(&o->hash, a->algs, IR_HASH_PARALLEL, e)) != IR_OK)
		goto out;
	memset(res, 0, sizeof(*res));
	for (i = 0; i < nr && rc == IR_OK; i++) {
		ir_mem_lime_header(hdr, r[i].start, r[i].end);
		if ((rc = ir_hash_update(o->hash, hdr, sizeof(hdr), e)) != IR_OK)
			break;
		for (k = 0; k < a->nsinks && rc == IR_OK; k++)
			rc = ir_sink_write(a->sinks[k], hdr, sizeof(hdr), e);
		if (rc != IR_OK)
			break;
		o->offset = r[i].off;
		o->count = r[i].end - r[i].start;
		rc = ir_acq_run(a->src, a->sinks, a->nsinks, o, &part, e);
		res->bytes += part.bytes;
		res->bad += part.bad;
		if (rc == IR_OK && part.short_source)
			rc = ir_err_set(e, IR_EIO, 0, "%s ends inside the RAM "
			    "range at %#" PRIx64, a->kcore, r[i].start);
		a->prog_done = 0;
	}
	if (rc == IR_OK || rc == IR_EINTR)
		(void)ir_hash_final(o->hash, &res->digest, NULL);
	ir_hash_free(o->hash);
	o->hash = NULL;
out:
	free(r);
	return rc;
}

/* The images read back, or the source read again, against res. */
static int
verify(struct acq *a, const struct ir_digest *want)
{
	struct ir_field f[6 + IR_HASH_NALG];
	char hex[IR_HASH_NALG][IR_HASH_MAXLEN * 2 + 1];
	struct ir_acq_opts o;
	struct ir_acq_result res;
	struct ir_digest got;
	struct ir_src *s2;
	struct ir_err e;
	size_t i, n;
	int ok = 1, match, rc;

	for (i = 0; i < a->nsinks && (a->verify & V_IMAGE); i++) {
		if (!ir_sink_readable(a->sinks[i]))
			continue;
		rc = ir_sink_hash_back(a->sinks[i], a->algs, &got, &e);
		match = rc == IR_OK && memcmp(got.md, want->md,
		    sizeof(got.md)) == 0;
		if (rc != IR_OK)
			tool_warnx("verify: %s", e.msg);
		else if (!match)
			tool_warnx("verify: %s does not hash as the source did",
			    ir_sink_name(a->sinks[i]));
		n = 0;
		f[n++] = IR_FSTR("type", "verify");
		f[n++] = IR_FSTR("what", "image");
		f[n++] = IR_FSTR("path", ir_sink_name(a->sinks[i]));
		if (rc == IR_OK)
			n += digest_fields(&got, f + n, hex);
		f[n++] = IR_FBOOL("match", match);
		logrec(a, f, n);
		ok &= match;
	}
	if (a->verify & V_SOURCE) {
		memset(&o, 0, sizeof(o));
		o.offset = a->offset;
		o.count = a->count;
		o.algs = a->algs;
		o.stop = &tool_stop;
		rc = ir_src_open(&s2, a->source, &e);
		if (rc == IR_OK) {
			ir_src_set_retries(s2, a->retries);
			rc = ir_acq_run(s2, NULL, 0, &o, &res, &e);
			ir_src_close(s2);
		}
		match = rc == IR_OK && memcmp(res.digest.md, want->md,
		    sizeof(res.digest.md)) == 0;
		if (rc != IR_OK)
			tool_warnx("verify: %s", e.msg);
		else if (!match)
			tool_warnx("verify: %s does not hash as it did while "
			    "imaged", a->source);
		n = 0;
		f[n++] = IR_FSTR("type", "verify");
		f[n++] = IR_FSTR("what", "source");
		f[n++] = IR_FSTR("path", a->source);
		if (rc == IR_OK)
			n += digest_fields(&res.digest, f + n, hex);
		f[n++] = IR_FBOOL("match", match);
		logrec(a, f, n);
		ok &= match;
	}
	return ok;
}

/* The unreadable ranges of the map, for E01 and the log. */
static struct ir_range *
bad_ranges(const struct acq *a, size_t *n)
{
	struct ir_range *r;
	size_t i, k = 0;

	*n = 0;
	if (!a->have_map || (r = calloc(a->map.n + 1, sizeof(*r))) == NULL)
		return NULL;
	for (i = 0; i < a->map.n; i++)
		if (a->map.blocks[i].status == IR_DDMAP_BAD) {
			r[k].off = a->map.blocks[i].pos - a->offset;
			r[k].len = a->map.blocks[i].size;
			k++;
		}
	*n = k;
	return r;
}

static void
log_end(struct acq *a, const struct ir_acq_result *res, int complete,
    const char *why, size_t nbad)
{
	struct ir_field f[12 + IR_HASH_NALG];
	char hex[IR_HASH_NALG][IR_HASH_MAXLEN * 2 + 1];
	size_t n = 0;

	f[n++] = IR_FSTR("type", "acquisition");
	f[n++] = IR_FSTR("event", "end");
	f[n++] = IR_FTIME("ended", ir_time_now());
	f[n++] = IR_FU64("bytes", res->bytes);
	f[n++] = IR_FU64("bad_bytes", res->bad);
	f[n++] = IR_FU64("bad_ranges", nbad);
	if (a->have_map)
		f[n++] = IR_FSTR("map", a->mapfile);
	n += digest_fields(&res->digest, f + n, hex);
	f[n++] = IR_FBOOL("complete", complete);
	if (!complete) {
		f[n++] = IR_FU64("stopped_at", a->offset + res->bytes);
		f[n++] = IR_FSTR("reason", why);
	}
	logrec(a, f, n);
}

static void
summary(struct acq *a, const struct ir_acq_result *res, size_t nbad,
    double secs)
{
	char hex[IR_HASH_MAXLEN * 2 + 1], rate[32];
	int i;

	ir_human_bytes(secs > 0 ? (double)res->bytes / secs : 0, rate,
	    sizeof(rate));
	(void)fprintf(stderr, "%s: %s: %" PRIu64 " bytes in %.1f s (%s/s)\n",
	    tool_progname(), a->memory ? "memory" : a->source, res->bytes,
	    secs, rate);
	for (i = 0; i < IR_HASH_NALG; i++)
		if (res->digest.algs & IR_HASH_BIT(i)) {
			ir_digest_hex(&res->digest, (enum ir_hash_alg)i, hex);
			(void)fprintf(stderr, "  %-7s %s\n",
			    ir_hash_name((enum ir_hash_alg)i), hex);
		}
	if (nbad > 0)
		(void)fprintf(stderr, "  read errors: %zu range%s, %" PRIu64
		    " bytes zero-filled (see %s)\n", nbad, nbad == 1 ? "" :
		    "s", res->bad, a->mapfile);
}

int
main(int argc, char *argv[])
{
	struct tool_case tc;
	struct tool_case_opts co = { NULL, NULL, NULL };
	struct acq a;
	struct ir_acq_opts o;
	struct ir_acq_result res;
	struct ir_range *bad;
	struct ir_err e;
	const char *casedir = NULL, *why = NULL;
	char logname[PATH_MAX], mapname[PATH_MAX];
	uint64_t v, resume = 0;
	size_t nbad, i;
	double t0;
	int ch, rc, status = IR_EXIT_OK, complete;

	tool_setprogname(argv[0]);
	if (ir_init(&e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "%s", e.msg);
	memset(&a, 0, sizeof(a));
	a.algs = IR_HASH_BIT(IR_HASH_MD5) | IR_HASH_BIT(IR_HASH_SHA256);
	a.retries = RETRIES;
	a.progress_fd = -1;
	a.iomem = "/proc/iomem";
	/* getopt_long permutes argv: the log keeps the command as typed. */
	a.argc = argc;
	if ((a.argv = calloc((size_t)argc + 1, sizeof(*a.argv))) == NULL)
		tool_die(IR_EXIT_INCOMPLETE, "out of memory");
	memcpy(a.argv, argv, (size_t)argc * sizeof(*argv));
	while ((ch = getopt_long(argc, argv, "c:f:ho:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			if (ir_hash_parse_list(optarg, &a.algs, &e) != IR_OK)
				tool_usage_error("%s", e.msg);
			break;
		case 'f':
			if (strcmp(optarg, "raw") == 0)
				a.fmt = F_RAW;
			else if (strcmp(optarg, "ewf") == 0 ||
			    strcmp(optarg, "e01") == 0)
				a.fmt = F_EWF;
			else
				tool_usage_error("bad --format '%s': raw or "
				    "ewf", optarg);
			break;
		case 'h':
			usage(0);
		case 'o':
			if (a.nouts == MAXOUT)
				tool_usage_error("at most %d outputs", MAXOUT);
			a.outs[a.nouts++] = optarg;
			break;
		case 'S':
			if ((a.split = size_arg("--split", optarg)) == 0)
				tool_usage_error("--split must be > 0");
			break;
		case 'p':
			if ((a.piece = size_arg("--piece", optarg)) == 0)
				tool_usage_error("--piece must be > 0");
			break;
		case 'O':
			a.offset = size_arg("--offset", optarg);
			break;
		case 'N':
			if ((a.count = size_arg("--count", optarg)) == 0)
				tool_usage_error("--count must be > 0");
			break;
		case 'v':
			if (optarg == NULL)
				a.verify = -1;		/* decided below */
			else if (strcmp(optarg, "image") == 0)
				a.verify = V_IMAGE;
			else if (strcmp(optarg, "source") == 0)
				a.verify = V_SOURCE;
			else if (strcmp(optarg, "both") == 0)
				a.verify = V_IMAGE | V_SOURCE;
			else
				tool_usage_error("bad --verify '%s': image, "
				    "source or both", optarg);
			break;
		case 'r':
			a.resume = 1;
			break;
		case 'R':
			if ((v = size_arg("--retries", optarg)) > 100)
				tool_usage_error("--retries: at most 100");
			a.retries = (int)v;
			break;
		case 'b':
			a.block = size_arg("--block-size", optarg);
			if (a.block < 4096 || a.block > (256 << 20) ||
			    a.block % 512 != 0)
				tool_usage_error("--block-size: a multiple of "
				    "512 from 4K to 256M");
			break;
		case 'l':
			a.logpath = optarg;
			break;
		case 'm':
			a.mappath = optarg;
			break;
		case 'F':
			if (tool_parse_size(optarg, &v) != 0 || v > INT_MAX ||
			    fcntl((int)v, F_GETFD) < 0)
				tool_usage_error("--progress-fd %s: not an open "
				    "descriptor", optarg);
			a.progress_fd = (int)v;
			break;
		case 'M':
			a.memory = 1;
			break;
		case 'K':
			a.kcore = optarg;
			break;
		case 'Y':
			a.iomem = optarg;
			break;
		case 'z':
			if (strcmp(optarg, "fast") == 0)
				a.compress = 1;
			else if (strcmp(optarg, "best") == 0)
				a.compress = 9;
			else if (strlen(optarg) == 1 && optarg[0] >= '0' &&
			    optarg[0] <= '9')
				a.compress = optarg[0] - '0';
			else
				tool_usage_error("bad --compress '%s': 0-9, "
				    "fast or best", optarg);
			break;
		case 'D':
			a.meta.description = optarg;
			break;
		case 'n':
			a.meta.notes = optarg;
			break;
		case 'e':
			a.meta.evidence_number = optarg;
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
	if (a.memory) {
		if (argc != 0)
			tool_usage_error("--memory takes no source");
		if (a.fmt == F_EWF || a.split || a.resume || a.offset ||
		    a.count)
			tool_usage_error("--memory writes LiME: no --format "
			    "ewf, --split, --resume, --offset or --count");
	} else {
		if (argc != 1)
			tool_usage_error(argc == 0 ? "no source given" :
			    "one source at a time");
		a.source = argv[0];
		if (a.compress > 0 && a.fmt != F_EWF)
			tool_usage_error("--compress: E01 or memory images "
			    "only");
	}
	if (a.nouts == 0)
		tool_usage_error("no output given (-o FILE, or -o - for stdout)");
	if (a.resume && (a.fmt != F_RAW || strcmp(a.outs[0], "-") == 0))
		tool_usage_error("--resume: raw images written to files only");
	if (a.resume && a.nouts > 1)
		tool_usage_error("--resume: one output only");
	if (a.algs == 0 && a.verify != 0)
		tool_usage_error("--verify needs a hash");
	a.meta.case_number = co.id;
	a.meta.examiner = co.examiner;
	a.meta.compress = a.compress >= 9 ? 2 : a.compress > 0;
	a.meta.segment_size = a.split;
	a.meta.memory = a.memory;

	if (a.memory && a.kcore == NULL) {
		/* As AVML: the kernel's core file, else the crash driver. */
		if (access("/proc/kcore", R_OK) == 0)
			a.kcore = "/proc/kcore";
		else if (access("/dev/crash", R_OK) == 0)
			a.kcore = "/dev/crash";
		else
			tool_die(IR_EXIT_USAGE, "--memory: no /proc/kcore (a "
			    "kernel without CONFIG_PROC_KCORE, or not root) and "
			    "no /dev/crash: physical memory cannot be read here");
	}
	tool_setup();
	a.started = ir_time_now();
	if (ir_src_open(&a.src, a.memory ? a.kcore : a.source, &e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "%s", e.msg);
	ir_src_set_retries(a.src, a.retries);
	{
		const struct ir_src_info *in = ir_src_info(a.src);

		a.meta.media_size = a.count ? a.count : in->size > a.offset ?
		    in->size - a.offset : 0;
		a.meta.sector_size = in->sector_size;
		a.meta.removable = in->removable == 1;
		if (!a.memory && in->kind != IR_SRC_STREAM)
			a.total = a.meta.media_size;
		if (a.offset > 0 && in->kind == IR_SRC_STREAM)
			tool_usage_error("--offset: %s cannot seek", a.source);
		if (a.verify & V_SOURCE && in->kind == IR_SRC_STREAM)
			tool_usage_error("--verify=source: %s cannot be read "
			    "twice", a.source);
	}
	if (a.verify == -1)
		a.verify = strcmp(a.outs[0], "-") != 0 ? V_IMAGE : V_SOURCE;

	/* The first file output names the log and the map. */
	if (co.dir != NULL) {
		a.logfp = tool_case_open(&tc, &co, "jsonl", a.argc, a.argv);
		casedir = ir_case_dir(tc.c);
	}
	for (i = 0; i < (size_t)a.nouts && a.mappath == NULL; i++)
		if (is_file(a.outs[i]) && !a.memory) {
			(void)snprintf(mapname, sizeof(mapname), "%s.map",
			    in_case(casedir, a.outs[i], logname,
			    sizeof(logname)));
			a.mappath = mapname;
		}
	if (a.logfp == NULL) {
		if (a.logpath == NULL && is_file(a.outs[0])) {
			(void)snprintf(logname, sizeof(logname), "%s.log",
			    a.outs[0]);
			a.logpath = logname;
		}
		if (a.logpath != NULL)
			a.logfp = tool_open_output(a.logpath);
		else
			tool_warnx("no log file: give --log FILE or --case "
			    "DIR to keep one");
	}
	if (a.logfp != NULL &&
	    ir_writer_open(&a.log, IR_FMT_JSONL, a.logfp, NULL, &e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "%s", e.msg);
	if (a.mappath != NULL) {
		a.have_map = 1;
		a.mapfile = strdup(a.mappath);
		cmdline(a.header, sizeof(a.header), a.argc, a.argv);
		ir_ddmap_init(&a.map, a.total > 0 ? a.offset + a.total : 0);
		if (a.resume)
			resume = load_map(&a);
		else if (access(a.mapfile, F_OK) == 0)
			tool_die(IR_EXIT_USAGE, "'%s' exists: an earlier run? "
			    "(--resume goes on with it)", a.mapfile);
	} else if (a.resume)
		tool_usage_error("--resume needs the map (--map FILE)");
	open_sinks(&a, casedir, resume);
	log_start(&a);

	memset(&o, 0, sizeof(o));
	o.offset = a.offset;
	o.count = a.count;
	o.resume = resume;
	o.block = (size_t)a.block;
	o.algs = a.algs;
	o.piece = a.piece;
	o.stop = &tool_stop;
	o.on_read = on_read;
	o.on_written = on_written;
	o.on_piece = on_piece;
	o.arg = &a;
	ir_progress_init(&a.prog, a.total);
	a.prog_done = resume;
	t0 = ir_monotonic();
	if (a.memory)
		rc = acquire_memory(&a, &o, &res, &e);
	else
		rc = ir_acq_run(a.src, a.sinks, a.nsinks, &o, &res, &e);
	tool_progress(&a.prog, "bytes", 1);
	complete = rc == IR_OK;
	if (rc == IR_EINTR)
		why = "interrupted";
	else if (rc != IR_OK) {
		tool_warnx("%s", e.msg);
		why = e.msg;
	} else if (res.short_source) {
		tool_warnx("%s ended after %" PRIu64 " of the %" PRIu64
		    " bytes asked for", a.source, res.bytes, a.count);
		why = "the source ended before --count bytes";
		complete = 0;
	}
	if (a.have_map) {
		a.map.current_status = complete ? IR_DDMAP_DONE :
		    IR_DDMAP_NONTRIED;
		if (a.map_failed)
			tool_warnx("map: %s", a.map_err.msg);
		if (ir_ddmap_save(&a.map, a.mapfile, a.header, &e) != IR_OK) {
			tool_warnx("map: %s", e.msg);
			complete = 0;
			why = "the map could not be written";
		}
	}
	bad = bad_ranges(&a, &nbad);
	for (i = 0; i < a.nsinks; i++) {
		if (rc == IR_OK && ir_sink_finish(a.sinks[i], &res.digest, bad,
		    nbad, &e) != IR_OK) {
			tool_warnx("%s", e.msg);
			complete = 0;
			why = "an output could not be finished";
		}
		if (ir_sink_padded(a.sinks[i]) > 0)
			tool_warnx("%s: E01 holds whole sectors: %" PRIu64
			    " zero bytes end the last one; its stored MD5 is "
			    "left out (the log has the source's)",
			    ir_sink_name(a.sinks[i]),
			    ir_sink_padded(a.sinks[i]));
	}
	for (i = 0; i < nbad; i++) {
		struct ir_field f[3];

		f[0] = IR_FSTR("type", "read_error");
		f[1] = IR_FU64("offset", a.offset + bad[i].off);
		f[2] = IR_FU64("length", bad[i].len);
		logrec(&a, f, 3);
	}
	for (i = 0; i < a.nsinks; i++) {
		struct ir_field f[5];
		struct ir_buf fl = IR_BUF_INIT(IR_BUF_NOLIMIT);
		size_t k, n = 0;

		(void)ir_buf_addch(&fl, '[', NULL);
		for (k = 0; k < ir_sink_nfiles(a.sinks[i]); k++) {
			if (k > 0)
				(void)ir_buf_addch(&fl, ',', NULL);
			(void)ir_json_quote(&fl, ir_sink_file(a.sinks[i], k),
			    strlen(ir_sink_file(a.sinks[i], k)), NULL);
		}
		(void)ir_buf_addch(&fl, ']', NULL);
		f[n++] = IR_FSTR("type", "output");
		f[n++] = IR_FSTR("path", ir_sink_name(a.sinks[i]));
		f[n++] = IR_FSTR("format", a.memory ? (a.compress ?
		    "lime+gzip" : "lime") : a.fmt == F_EWF ? "ewf" :
		    a.split ? "split" : strcmp(a.outs[i], "-") == 0 ?
		    "stream" : "raw");
		f[n++] = IR_FRAW("files", fl.buf);
		if (ir_sink_padded(a.sinks[i]) > 0)
			f[n++] = IR_FU64("padded", ir_sink_padded(a.sinks[i]));
		logrec(&a, f, n);
		ir_buf_release(&fl);
	}
	if (nbad > 0 && complete) {
		complete = 0;
		why = "read errors: unreadable sectors are zeros";
	}
	log_end(&a, &res, complete, why, nbad);
	summary(&a, &res, nbad, ir_monotonic() - t0);
	if (!complete)
		status = IR_EXIT_INCOMPLETE;
	if (rc == IR_OK && a.verify && a.algs != 0 && !tool_stop) {
		if (!verify(&a, &res.digest))
			status = IR_EXIT_INCOMPLETE;
		else
			(void)fprintf(stderr, "  verified: %s%s%s\n",
			    a.verify & V_IMAGE ? "image" : "",
			    a.verify == (V_IMAGE | V_SOURCE) ? " and " : "",
			    a.verify & V_SOURCE ? "source" : "");
	}
	free(bad);
	for (i = 0; i < a.nsinks; i++)
		ir_sink_free(a.sinks[i]);
	if (a.log != NULL && ir_writer_close(a.log, &e) != IR_OK) {
		tool_warnx("log: %s", e.msg);
		status = IR_EXIT_INCOMPLETE;
	}
	if (a.logfp != NULL && fclose(a.logfp) != 0) {
		tool_warnx("log: %s", strerror(errno));
		status = IR_EXIT_INCOMPLETE;
	}
	if (a.have_map)
		ir_ddmap_release(&a.map);
	free(a.mapfile);
	ir_src_close(a.src);
	if (casedir != NULL)
		status = tool_case_close(&tc, status, status == IR_EXIT_OK);
	free(a.argv);
	return status;
}
