#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image.h"
#include "tool.h"

struct child {
	const struct image_walk	*iw;
	struct ir_img		*img;
	const struct ir_fs_part	*part;
	struct ir_writer	*w;
	int			 bits;
};

struct relay {
	FILE	*out;
	int	 failed;
};

const char *
image_where(const struct ir_fs_part *p, char *buf, size_t sz)
{
	if (p->index < 0)
		(void)snprintf(buf, sz, "the whole image");
	else
		(void)snprintf(buf, sz, "partition %d (sector %llu)", p->index,
		    (unsigned long long)p->start);
	return buf;
}

/*
 * A file system that could not be walked, as a record: jsonl and csv
 * carry it; a bodyfile cannot, so there it is on stderr only.
 */
static int
problem_record(struct ir_writer *w, const struct image_walk *iw,
    const struct ir_fs_part *p, const char *fstype, const char *what)
{
	struct ir_field f[8];
	struct ir_err e;
	size_t n = 0;

	if (iw->fmt == IR_FMT_BODY)
		return IR_OK;
	f[n++] = IR_FSTR("type", "problem");
	f[n++] = IR_FSTR("source", iw->source);
	if (p->index >= 0) {
		f[n++] = IR_FU64("part", (uint64_t)p->index);
		f[n++] = IR_FU64("part_start", p->start);
	}
	if (fstype != NULL)
		f[n++] = IR_FSTR("fstype", fstype);
	f[n++] = IR_FSTR("error", what);
	return ir_writer_record(w, f, n, &e);
}

int
image_fs_reader(void *arg, uint64_t off, void *buf, size_t n, size_t *got,
    struct ir_err *e)
{
	return ir_fs_read(arg, off, buf, n, got, e);
}

static int
on_ent(const struct ir_fs_ent *ent, void *arg)
{
	struct child *c = arg;
	int bits;

	if ((bits = c->iw->on_file(ent, c->w, c->iw->arg)) < 0)
		return IR_EIO;
	c->bits |= bits;
	return IR_OK;
}

/* In the worker: one file system, records to fd. */
static int
walk_child(int fd, void *arg)
{
	struct child *c = arg;
	const struct image_walk *iw = c->iw;
	struct ir_fs *fs;
	struct ir_err e;
	char at[64];
	FILE *fp;
	int rc;

	/* Die quietly with the tool: the parent reports the interruption. */
	if ((fp = fdopen(fd, "w")) == NULL ||
	    ir_writer_open(&c->w, iw->fmt, fp, ir_file_columns, &e) != IR_OK)
		return IMG_FAILED;
	ir_writer_continue(c->w);
	if (iw->begin != NULL && (rc = iw->begin(fp, iw->arg)) != 0)
		return rc < 0 ? IMG_FAILED : rc;
	if (ir_img_open(&c->img, iw->path, iw->type, &e) != IR_OK) {
		tool_warnx("%s", e.msg);
		(void)problem_record(c->w, iw, c->part, NULL, e.msg);
		c->bits |= IMG_FAILED | IMG_INCOMPLETE;
	} else if (ir_fs_open(&fs, c->img, c->part, &e) != IR_OK) {
		tool_warnx("%s: %s: %s", iw->path,
		    image_where(c->part, at, sizeof(at)), e.msg);
		(void)problem_record(c->w, iw, c->part,
		    ir_fs_sniff(c->img, c->part), e.msg);
		c->bits |= IMG_FAILED | IMG_INCOMPLETE;
	} else {
		if (ir_fs_part_cut(c->img, c->part, &e) != IR_OK) {
			tool_warnx("%s: %s: %s", iw->path,
			    image_where(c->part, at, sizeof(at)), e.msg);
			(void)problem_record(c->w, iw, c->part, ir_fs_type(fs),
			    e.msg);
			c->bits |= IMG_INCOMPLETE;
		}
		rc = ir_fs_walk_fs(fs, &iw->opts, on_ent, c, &e);
		if (rc == IR_EINTR)
			c->bits |= IMG_STOPPED;
		else if (rc == IR_EFORMAT) {
			tool_warnx("%s: %s: %s", iw->path,
			    image_where(c->part, at, sizeof(at)), e.msg);
			(void)problem_record(c->w, iw, c->part, ir_fs_type(fs),
			    e.msg);
			c->bits |= IMG_INCOMPLETE;
		} else if (rc != IR_OK)
			c->bits |= IMG_FAILED;
		if (iw->end != NULL && !(c->bits & IMG_STOPPED)) {
			rc = iw->end(fs, c->part, c->w, iw->arg);
			c->bits |= rc < 0 ? IMG_FAILED : rc;
		}
		ir_fs_close(fs);
	}
	ir_img_close(c->img);
	if (ir_writer_close(c->w, &e) != IR_OK || fclose(fp) != 0)
		c->bits |= IMG_FAILED;
	return c->bits;
}

static int
sink(const char *buf, size_t n, void *arg)
{
	struct relay *r = arg;

	if (fwrite(buf, 1, n, r->out) != n) {
		r->failed = 1;
		return -1;
	}
	return 0;
}

struct parts_job {
	const char		*path, *type;
	struct ir_fs_part	*parts;
	size_t			 n, cap;
	int			 bad;		/* a line we did not write */
};

/* In a worker: the partitions of the image, one line each. */
static int
parts_child(int fd, void *arg)
{
	struct parts_job *pj = arg;
	struct ir_fs_part *parts;
	struct ir_img *img;
	struct ir_err e;
	size_t n, i;
	int rc = 0;

	if (ir_img_open(&img, pj->path, pj->type, &e) != IR_OK) {
		tool_warnx("%s", e.msg);
		return IMG_FAILED | IMG_INCOMPLETE;
	}
	if (ir_fs_parts(img, &parts, &n, &e) != IR_OK) {
		tool_warnx("%s: %s", pj->path, e.msg);
		ir_img_close(img);
		return IMG_FAILED | IMG_INCOMPLETE;
	}
	for (i = 0; i < n && rc == 0; i++)
		if (dprintf(fd, "%d %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
		    parts[i].index, parts[i].start, parts[i].offset,
		    parts[i].length) < 0)
			rc = IMG_FAILED | IMG_INCOMPLETE;
	free(parts);
	ir_img_close(img);
	return rc;
}

static int
parts_sink(const char *buf, size_t n, void *arg)
{
	struct parts_job *pj = arg;
	struct ir_fs_part *p;
	const char *end = buf + n, *nl;

	for (; buf < end; buf = nl + 1) {
		nl = memchr(buf, '\n', (size_t)(end - buf));
		if (pj->n == pj->cap) {
			pj->cap = pj->cap ? pj->cap * 2 : 8;
			if ((p = reallocarray(pj->parts, pj->cap,
			    sizeof(*p))) == NULL)
				return -1;
			pj->parts = p;
		}
		p = &pj->parts[pj->n];
		memset(p, 0, sizeof(*p));
		if (sscanf(buf, "%d %" SCNu64 " %" SCNu64 " %" SCNu64,
		    &p->index, &p->start, &p->offset, &p->length) != 4) {
			pj->bad = 1;
			return -1;
		}
		pj->n++;
	}
	return 0;
}

int
image_parts(const char *path, const char *type, struct ir_fs_part **parts,
    size_t *n)
{
	struct parts_job pj;
	struct ir_worker_end end;
	struct ir_err e;

	memset(&pj, 0, sizeof(pj));
	pj.path = path;
	pj.type = type;
	*parts = NULL;
	*n = 0;
	(void)fflush(stderr);
	if (ir_worker_run(parts_child, &pj, parts_sink, &pj, &end, &e) !=
	    IR_OK) {
		tool_warnx("%s: %s", path, pj.bad ? "bad partition list" :
		    e.msg);
		free(pj.parts);
		return IMG_FAILED | IMG_INCOMPLETE;
	}
	if (end.signal != 0 || end.status != 0) {
		if (end.signal != 0)
			tool_warnx("%s: reading the image and its partition "
			    "table %s", path, end.hung ? "hung (deadlock)" :
			    strsignal(end.signal));
		free(pj.parts);
		return IMG_FAILED | IMG_INCOMPLETE;
	}
	*parts = pj.parts;
	*n = pj.n;
	return 0;
}

int
image_walk(const struct image_walk *iw, struct ir_writer *w, FILE *out)
{
	struct ir_fs_part *parts;
	struct ir_worker_end end;
	struct relay r = { out, 0 };
	struct child c;
	struct ir_err e;
	size_t n, i;
	char at[64], what[160];
	int bits = 0, walked = 0;

	if ((bits = image_parts(iw->path, iw->type, &parts, &n)) != 0)
		return bits;
	for (i = 0; i < n && !(bits & IMG_STOPPED); i++) {
		if (!ir_fs_part_selected(&iw->opts, &parts[i]))
			continue;
		walked++;
		memset(&c, 0, sizeof(c));
		c.iw = iw;
		c.part = &parts[i];
		/* The worker's records follow what is already out. */
		if (ir_writer_begin(w, &e) != IR_OK || fflush(out) != 0) {
			bits |= IMG_FAILED;
			break;
		}
		(void)fflush(stderr);
		if (ir_worker_run(walk_child, &c, sink, &r, &end, &e) != IR_OK) {
			tool_warnx("%s: %s", iw->path, e.msg);
			bits |= IMG_FAILED | IMG_INCOMPLETE;
			break;
		}
		if (end.signal == 0) {
			bits |= end.status & (IMG_FOUND | IMG_INCOMPLETE |
			    IMG_STOPPED | IMG_FAILED);
			continue;
		}
		if (tool_stop && (end.signal == SIGINT ||
		    end.signal == SIGTERM)) {
			bits |= IMG_STOPPED;
			break;
		}
		/* libtsk crashed on this file system: say so, go on. */
		if (end.hung)
			(void)snprintf(what, sizeof(what), "the walk of this "
			    "file system hung (libtsk deadlocked) and was "
			    "stopped; its records end there");
		else
			(void)snprintf(what, sizeof(what), "the walk of this "
			    "file system crashed (%s); its records end there%s",
			    strsignal(end.signal), end.torn ? " (a cut record "
			    "was dropped)" : "");
		tool_warnx("%s: %s: %s", iw->path,
		    image_where(&parts[i], at, sizeof(at)), what);
		if (problem_record(w, iw, &parts[i], NULL, what) != IR_OK)
			bits |= IMG_FAILED;
		bits |= IMG_INCOMPLETE;
	}
	if (walked == 0) {
		tool_warnx("%s: no partition %d (see mmls)", iw->path,
		    iw->opts.partition);
		bits |= IMG_FAILED | IMG_INCOMPLETE;
	}
	if (r.failed)
		bits |= IMG_FAILED;
	free(parts);
	return bits;
}
